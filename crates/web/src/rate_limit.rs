//! The per-IP rate limiter of the forms that cost a password hash or an email: the
//! `governor` crate's keyed GCRA limiter (a burst of `per_minute`, refilled at `per_minute`
//! a minute), one key per client (IPv6 clients by their /64). Idle keys are dropped
//! periodically so the map cannot grow without bound. (`middleware::limits` applies it.)

use axum::http::HeaderMap;
use governor::clock::{Clock, DefaultClock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter as Gcra};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

/// Beyond this many tracked clients, requests pass unmetered (and a warning is logged) until
/// a sweep frees room, rather than the map growing further.
const MAX_CLIENTS: usize = 100_000;
/// How often idle keys are dropped.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

type Keyed<C> =
    Gcra<IpAddr, DefaultKeyedStateStore<IpAddr>, C, NoOpMiddleware<<C as Clock>::Instant>>;

/// Per-client limits on the form posts; `None` when limiting is off.
pub(crate) struct RateLimiter<C: Clock = DefaultClock> {
    limiter: Option<Keyed<C>>,
    clock: C,
    last_sweep: Mutex<C::Instant>,
}

impl RateLimiter {
    /// `per_minute == 0` turns limiting off.
    pub(crate) fn new(per_minute: u32) -> Self {
        Self::with_clock(per_minute, DefaultClock::default())
    }
}

impl<C: Clock + Clone> RateLimiter<C> {
    fn with_clock(per_minute: u32, clock: C) -> Self {
        let limiter = NonZeroU32::new(per_minute)
            .map(|n| Gcra::dashmap_with_clock(Quota::per_minute(n), clock.clone()));
        let last_sweep = Mutex::new(clock.now());
        Self {
            limiter,
            clock,
            last_sweep,
        }
    }

    /// Takes one cell for `client` now, or says how long until one is available.
    pub(crate) fn check(&self, client: IpAddr) -> Result<(), Duration> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        let now = self.clock.now();
        self.sweep(limiter, now);
        if limiter.len() >= MAX_CLIENTS {
            // Tracking more clients would grow the map without bound; until the next sweep
            // frees room, requests pass unmetered (the hashing pool still bounds the cost).
            tracing::warn!("rate limiter full; letting a client through unmetered");
            return Ok(());
        }
        limiter
            .check_key(&client_key(client))
            .map_err(|not_until| not_until.wait_time_from(now))
    }

    /// Drops keys whose bucket has refilled completely (they carry no information) once a
    /// minute, or once a second while the map is full.
    fn sweep(&self, limiter: &Keyed<C>, now: C::Instant) {
        let mut last = self
            .last_sweep
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let since: Duration = now.duration_since(*last).into();
        let full = limiter.len() >= MAX_CLIENTS;
        if since >= SWEEP_EVERY || (full && since >= Duration::from_secs(1)) {
            limiter.retain_recent();
            limiter.shrink_to_fit();
            *last = now;
        }
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.limiter.as_ref().map_or(0, Keyed::len)
    }
}

/// IPv4 addresses as they are; IPv6 by their /64 (one subscriber usually owns a whole /64).
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// The client's address: the last `X-Forwarded-For` hop when behind a trusted proxy (the
/// one the proxy itself appended), else the peer address of the connection.
pub(crate) fn client_ip(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trust_forwarded: bool,
) -> IpAddr {
    let forwarded = trust_forwarded
        .then(|| {
            let last = headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .map(str::trim)
                .rfind(|hop| !hop.is_empty())?;
            last.parse::<IpAddr>()
                .ok()
                .or_else(|| last.parse::<SocketAddr>().ok().map(|addr| addr.ip()))
        })
        .flatten();
    forwarded
        .or(peer.map(|addr| addr.ip()))
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use governor::clock::FakeRelativeClock;

    fn limiter(per_minute: u32) -> (RateLimiter<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        (RateLimiter::with_clock(per_minute, clock.clone()), clock)
    }

    const A: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
    const B: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));

    #[test]
    fn a_burst_passes_then_the_client_waits_for_a_refill() {
        let (limiter, clock) = limiter(3);
        for _ in 0..3 {
            assert!(limiter.check(A).is_ok());
        }
        let wait = limiter.check(A).unwrap_err();
        assert!(
            wait <= Duration::from_secs(20) && wait >= Duration::from_secs(19),
            "{wait:?}"
        );
        assert!(limiter.check(B).is_ok(), "other clients are not affected");
        clock.advance(Duration::from_secs(20));
        assert!(limiter.check(A).is_ok());
        clock.advance(Duration::from_secs(1));
        assert!(limiter.check(A).is_err());
    }

    #[test]
    fn idle_clients_are_swept() {
        let (limiter, clock) = limiter(60);
        limiter.check(A).unwrap();
        clock.advance(Duration::from_secs(30));
        limiter.check(B).unwrap();
        assert_eq!(limiter.tracked(), 2);
        clock.advance(Duration::from_secs(31));
        limiter.check(B).unwrap();
        assert_eq!(
            limiter.tracked(),
            1,
            "A refilled completely and was dropped"
        );
    }

    #[test]
    fn zero_disables_the_limit() {
        let (limiter, _) = limiter(0);
        assert!((0..1000).all(|_| limiter.check(A).is_ok()));
    }

    #[test]
    fn ipv6_clients_share_their_slash_64() {
        let one: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let two: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        assert_eq!(client_key(one), client_key(two));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(client_key(mapped), A);
    }

    #[test]
    fn forwarded_for_is_used_only_when_trusted_and_only_its_last_hop() {
        let mut headers = HeaderMap::new();
        headers.append(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 10.0.0.1"),
        );
        headers.append("x-forwarded-for", HeaderValue::from_static("203.0.113.9"));
        let peer: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        assert_eq!(
            client_ip(&headers, Some(peer), true),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        assert_eq!(client_ip(&headers, Some(peer), false), peer.ip());
        let mut garbage = HeaderMap::new();
        garbage.insert("x-forwarded-for", HeaderValue::from_static("not-an-ip"));
        assert_eq!(client_ip(&garbage, Some(peer), true), peer.ip());
    }
}
