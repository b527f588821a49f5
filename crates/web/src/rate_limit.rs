//! The per-IP rate limiter of the forms that cost a password hash or an email: a token
//! bucket per client (IPv6 clients by their /64), refilled continuously; idle buckets are
//! swept so the map cannot grow without bound. (`middleware::limits` applies it.)

use axum::http::HeaderMap;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Beyond this many tracked clients, new clients pass unmetered (and a warning is logged)
/// rather than the map growing further.
const MAX_CLIENTS: usize = 100_000;
/// How often idle buckets are swept.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Token buckets of `per_minute` tokens, refilled at `per_minute` per minute.
pub(crate) struct RateLimiter {
    per_minute: u32,
    inner: Mutex<Buckets>,
}

struct Buckets {
    clients: HashMap<IpAddr, Bucket>,
    last_sweep: Instant,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    /// `per_minute == 0` turns limiting off.
    pub(crate) fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            inner: Mutex::new(Buckets {
                clients: HashMap::new(),
                last_sweep: Instant::now(),
            }),
        }
    }

    /// Takes one token for `client` at `now`, or says how long until one is available.
    pub(crate) fn check(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let refill = |bucket: &Bucket| {
            let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
            (bucket.tokens + elapsed * per_second).min(capacity)
        };
        let mut buckets = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let since_sweep = now.saturating_duration_since(buckets.last_sweep);
        let full = buckets.clients.len() >= MAX_CLIENTS;
        if since_sweep >= SWEEP_EVERY || (full && since_sweep >= Duration::from_secs(1)) {
            buckets
                .clients
                .retain(|_, bucket| refill(bucket) < capacity);
            buckets.last_sweep = now;
        }
        let key = client_key(client);
        if !buckets.clients.contains_key(&key) && buckets.clients.len() >= MAX_CLIENTS {
            tracing::warn!("rate limiter full; letting a new client through unmetered");
            return Ok(());
        }
        let bucket = buckets.clients.entry(key).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        let tokens = refill(bucket);
        bucket.updated = now;
        if tokens >= 1.0 {
            bucket.tokens = tokens - 1.0;
            Ok(())
        } else {
            bucket.tokens = tokens;
            Err(Duration::from_secs_f64((1.0 - tokens) / per_second))
        }
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clients
            .len()
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

    const A: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
    const B: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));

    #[test]
    fn a_burst_passes_then_the_client_waits_for_a_refill() {
        let limiter = RateLimiter::new(3);
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check(A, start).is_ok());
        }
        let wait = limiter.check(A, start).unwrap_err();
        assert!(
            wait <= Duration::from_secs(20) && wait >= Duration::from_secs(19),
            "{wait:?}"
        );
        assert!(
            limiter.check(B, start).is_ok(),
            "other clients are not affected"
        );
        assert!(limiter.check(A, start + Duration::from_secs(20)).is_ok());
        assert!(limiter.check(A, start + Duration::from_secs(21)).is_err());
    }

    #[test]
    fn idle_clients_are_swept() {
        let limiter = RateLimiter::new(60);
        let start = Instant::now();
        limiter.check(A, start).unwrap();
        limiter.check(B, start).unwrap();
        assert_eq!(limiter.tracked(), 2);
        limiter.check(B, start + Duration::from_secs(61)).unwrap();
        assert_eq!(
            limiter.tracked(),
            1,
            "A refilled completely and was dropped"
        );
    }

    #[test]
    fn zero_disables_the_limit() {
        let limiter = RateLimiter::new(0);
        let now = Instant::now();
        assert!((0..1000).all(|_| limiter.check(A, now).is_ok()));
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
