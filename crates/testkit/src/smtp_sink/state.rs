//! What the sink's connections share: its configuration, the kept messages, the injected
//! faults and the reply delay.

use super::fault::{Fault, Stage};
use super::message::ReceivedMessage;
use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{broadcast, watch};
use tokio_rustls::TlsAcceptor;

/// The sink's fixed settings (see [`super::SmtpSinkBuilder`]).
#[derive(Clone, Debug)]
pub(super) struct Config {
    pub starttls: bool,
    pub implicit_tls: bool,
    pub credentials: Option<(String, String)>,
    pub max_message_size: usize,
    pub capacity: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            starttls: false,
            implicit_tls: false,
            credentials: None,
            max_message_size: 10 * 1024 * 1024,
            capacity: 50_000,
        }
    }
}

#[derive(Default)]
struct Inner {
    messages: VecDeque<ReceivedMessage>,
    faults: Vec<Fault>,
    delay: Duration,
}

/// State shared by the accept loop and every connection.
pub(super) struct Shared {
    pub config: Config,
    pub acceptor: Option<TlsAcceptor>,
    inner: Mutex<Inner>,
    received: watch::Sender<u64>,
    live: broadcast::Sender<ReceivedMessage>,
    connections: AtomicU64,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("config", &self.config)
            .field("received", &*self.received.borrow())
            .finish_non_exhaustive()
    }
}

impl Shared {
    pub fn new(config: Config, acceptor: Option<TlsAcceptor>) -> Self {
        Self {
            config,
            acceptor,
            inner: Mutex::default(),
            received: watch::channel(0).0,
            live: broadcast::channel(1024).0,
            connections: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the data consistent (every update is one
        // push or retain), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn count_connection(&self) {
        self.connections.fetch_add(1, Ordering::Relaxed);
    }

    pub fn connections_total(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    /// Stores an accepted message (dropping the oldest beyond capacity) and wakes waiters.
    pub fn keep(&self, message: ReceivedMessage) -> u64 {
        let watched = self.live.receiver_count() > 0;
        let mut message = Some(message);
        let mut id = 0;
        self.received.send_modify(|total| {
            *total += 1;
            id = *total;
            if let Some(message) = message.as_mut() {
                message.id = id;
            }
            if self.config.capacity > 0 {
                let kept = if watched {
                    message.clone()
                } else {
                    message.take()
                };
                let mut inner = self.lock();
                if inner.messages.len() >= self.config.capacity {
                    inner.messages.pop_front();
                }
                inner.messages.extend(kept);
            }
        });
        if let Some(message) = message.filter(|_| watched) {
            // Every subscriber may have gone in the meantime: nobody is watching, fine.
            let _ = self.live.send(message);
        }
        id
    }

    pub fn messages(&self, keep: impl Fn(&ReceivedMessage) -> bool) -> Vec<ReceivedMessage> {
        self.lock()
            .messages
            .iter()
            .filter(|m| keep(m))
            .cloned()
            .collect()
    }

    pub fn received_total(&self) -> u64 {
        *self.received.borrow()
    }

    pub fn clear(&self) {
        self.lock().messages.clear();
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ReceivedMessage> {
        self.live.subscribe()
    }

    pub async fn wait_for(
        &self,
        timeout: Duration,
        predicate: impl Fn(&ReceivedMessage) -> bool,
    ) -> Option<ReceivedMessage> {
        let mut changes = self.received.subscribe();
        let search = async {
            loop {
                let found = self.lock().messages.iter().find(|m| predicate(m)).cloned();
                if found.is_some() {
                    return found;
                }
                // The sender lives in `self`, so `changed` cannot fail while we borrow it.
                changes.changed().await.ok()?;
            }
        };
        tokio::time::timeout(timeout, search).await.ok().flatten()
    }

    pub async fn wait_for_total(&self, count: u64, timeout: Duration) -> bool {
        let mut changes = self.received.subscribe();
        let wait = changes.wait_for(|total| *total >= count);
        matches!(tokio::time::timeout(timeout, wait).await, Ok(Ok(_)))
    }

    pub fn add_fault(&self, fault: Fault) {
        if fault.remaining != Some(0) {
            self.lock().faults.push(fault);
        }
    }

    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// The reply of the first fault registered for `stage`, if any, using it once.
    pub fn strike(&self, stage: Stage) -> Option<(u16, String)> {
        let mut inner = self.lock();
        let index = inner.faults.iter().position(|f| f.stage == stage)?;
        let (reply, used_up) = inner.faults[index].strike();
        if used_up {
            inner.faults.remove(index);
        }
        Some(reply)
    }

    pub fn set_delay(&self, delay: Duration) {
        self.lock().delay = delay;
    }

    pub fn delay(&self) -> Duration {
        self.lock().delay
    }
}
