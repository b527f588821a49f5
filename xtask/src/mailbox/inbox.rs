//! `Inbox`: the messages the web inbox shows, newest first, bounded in count and bytes, with
//! a version number that changes whenever its contents do (what the page polls for).

use microblog_testkit::smtp_sink::ReceivedMessage;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// At most this many messages are kept; the oldest go first.
pub const MAX_MESSAGES: usize = 500;
/// At most this many bytes of raw messages are kept; the oldest go first.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// The received messages, shared between the SMTP side and the web side.
#[derive(Clone, Default)]
pub struct Inbox(Arc<Mutex<State>>);

#[derive(Default)]
struct State {
    /// Oldest first.
    messages: VecDeque<Arc<ReceivedMessage>>,
    bytes: usize,
    version: u64,
}

impl Inbox {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Every change leaves the state whole: a poisoned lock is still consistent.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps `message`, dropping the oldest ones beyond the bounds.
    pub fn push(&self, message: ReceivedMessage) {
        let mut state = self.lock();
        state.bytes += message.raw.len();
        state.messages.push_back(Arc::new(message));
        while state.messages.len() > MAX_MESSAGES
            || (state.bytes > MAX_BYTES && state.messages.len() > 1)
        {
            if let Some(dropped) = state.messages.pop_front() {
                state.bytes -= dropped.raw.len();
            }
        }
        state.version += 1;
    }

    /// Every kept message, newest first.
    pub fn newest_first(&self) -> Vec<Arc<ReceivedMessage>> {
        self.lock().messages.iter().rev().cloned().collect()
    }

    /// The message numbered `id`, if still kept.
    pub fn get(&self, id: u64) -> Option<Arc<ReceivedMessage>> {
        self.lock().messages.iter().find(|m| m.id == id).cloned()
    }

    /// Forgets every message.
    pub fn clear(&self) {
        let mut state = self.lock();
        state.messages.clear();
        state.bytes = 0;
        state.version += 1;
    }

    /// Changes whenever a message arrives or the inbox is emptied.
    pub fn version(&self) -> u64 {
        self.lock().version
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: u64, size: usize) -> ReceivedMessage {
        ReceivedMessage {
            id,
            envelope_from: String::new(),
            recipients: Vec::new(),
            from: None,
            from_name: None,
            to: Vec::new(),
            subject: None,
            message_id: None,
            date: None,
            text: None,
            html: None,
            raw: vec![b'x'; size],
            tls: false,
            authenticated_as: None,
            received_at: std::time::SystemTime::now(),
        }
    }

    #[test]
    fn newest_come_first_and_the_oldest_go_beyond_the_count() {
        let inbox = Inbox::default();
        for id in 1..=(MAX_MESSAGES as u64 + 2) {
            inbox.push(message(id, 10));
        }
        let ids: Vec<u64> = inbox.newest_first().iter().map(|m| m.id).collect();
        assert_eq!(ids.len(), MAX_MESSAGES);
        assert_eq!(ids[0], MAX_MESSAGES as u64 + 2);
        assert!(inbox.get(1).is_none() && inbox.get(2).is_none() && inbox.get(3).is_some());
    }

    #[test]
    fn the_oldest_go_beyond_the_byte_bound_but_the_newest_stays() {
        let inbox = Inbox::default();
        inbox.push(message(1, MAX_BYTES / 2));
        inbox.push(message(2, MAX_BYTES / 2));
        inbox.push(message(3, MAX_BYTES + 1));
        let ids: Vec<u64> = inbox.newest_first().iter().map(|m| m.id).collect();
        assert_eq!(ids, [3]);
    }

    #[test]
    fn every_change_moves_the_version() {
        let inbox = Inbox::default();
        let start = inbox.version();
        inbox.push(message(1, 1));
        let after_push = inbox.version();
        inbox.clear();
        assert!(start < after_push && after_push < inbox.version());
        assert!(inbox.newest_first().is_empty());
    }
}
