//! Stable loopback ports: ports a test server can leave and come back to.
//!
//! A server that stops and restarts on the same port (an SMTP outage, say) must find that port
//! still free. A port from the kernel's ephemeral range is not safe for it: while the server is
//! down, any `bind(0)` or outgoing connection on the machine may be handed the port, and a
//! client connecting to the dead port may even connect to itself. Stable ports lie outside that
//! range, where the kernel never hands out a port on its own, and this process never hands out
//! one twice.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::ops::Range;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The kernel's default ephemeral range, when it cannot be read.
const DEFAULT_EPHEMERAL: (u16, u16) = (32_768, 60_999);
/// The lowest port considered: below it live the well-known and registered services.
const LOWEST: u16 = 10_000;
/// How many candidates one bind tries before giving up.
const ATTEMPTS: usize = 200;

/// A free loopback port outside the ephemeral range that no other caller in this process
/// gets. Nothing holds it: bind it soon.
///
/// # Errors
/// No candidate port could be bound.
pub fn stable_port() -> io::Result<u16> {
    bind_stable(|port| TcpListener::bind((Ipv4Addr::LOCALHOST, port))).map(|(port, _)| port)
}

/// Calls `bind` on stable ports until one succeeds, and returns that port with what `bind`
/// made. Ports `bind` refuses are skipped; other errors end the search.
///
/// # Errors
/// `bind` failed with an error other than "address in use", or on every candidate.
pub fn bind_stable<T>(mut bind: impl FnMut(u16) -> io::Result<T>) -> io::Result<(u16, T)> {
    let mut last = None;
    for _ in 0..ATTEMPTS {
        let port = next_candidate();
        match bind(port) {
            Ok(bound) => return Ok((port, bound)),
            Err(error) if is_taken(&error) => last = Some(error),
            Err(error) => return Err(error),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::from(io::ErrorKind::AddrInUse)))
}

fn is_taken(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::AddrInUse | io::ErrorKind::PermissionDenied
    )
}

/// The next port of this process's walk through the stable range, from a random start.
fn next_candidate() -> u16 {
    static WALK: OnceLock<(Range<u16>, usize)> = OnceLock::new();
    static STEP: AtomicUsize = AtomicUsize::new(0);
    let (range, start) = WALK.get_or_init(|| {
        let range = stable_range(ephemeral_range());
        let start = RandomState::new().hash_one(std::process::id()) as usize;
        (range, start)
    });
    let size = usize::from(range.end - range.start);
    let offset = (start + STEP.fetch_add(1, Ordering::Relaxed)) % size;
    range.start + u16::try_from(offset).expect("the offset is below the range size")
}

/// The larger gap beside the ephemeral range (`low..=high`), within `LOWEST..=65535`.
fn stable_range((low, high): (u16, u16)) -> Range<u16> {
    let below = LOWEST..low.max(LOWEST);
    let above = high.saturating_add(1).max(LOWEST)..u16::MAX;
    let widest = if below.len() >= above.len() {
        below
    } else {
        above
    };
    if widest.is_empty() {
        // The whole port space is ephemeral: nothing is stable, so take any high port.
        LOWEST..u16::MAX
    } else {
        widest
    }
}

/// The kernel's ephemeral port range (Linux), or its usual default.
fn ephemeral_range() -> (u16, u16) {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|text| {
            let mut numbers = text.split_whitespace().map(str::parse::<u16>);
            Some((numbers.next()?.ok()?, numbers.next()?.ok()?))
        })
        .unwrap_or(DEFAULT_EPHEMERAL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stable_range_lies_beside_the_ephemeral_one() {
        assert_eq!(stable_range((32_768, 60_999)), 10_000..32_768);
        assert_eq!(stable_range((1_024, 40_000)), 40_001..65_535);
        assert_eq!(stable_range((1_024, 65_535)), 10_000..65_535);
    }

    #[test]
    fn stable_ports_are_outside_the_ephemeral_range_and_never_repeat() {
        let (low, high) = ephemeral_range();
        let ports: Vec<u16> = (0..50).map(|_| stable_port().expect("a port")).collect();
        assert!(
            ports.iter().all(|port| !(low..=high).contains(port)),
            "{ports:?}"
        );
        let mut unique = ports.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ports.len(), "{ports:?}");
    }

    #[test]
    fn a_taken_port_is_skipped() {
        let mut tries = 0;
        let (_, bound) = bind_stable(|port| {
            tries += 1;
            if tries < 3 {
                Err(io::Error::from(io::ErrorKind::AddrInUse))
            } else {
                Ok(port)
            }
        })
        .expect("the third try binds");
        assert_eq!(tries, 3);
        assert!(bound >= LOWEST);
    }
}
