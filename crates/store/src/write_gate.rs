//! `WriteGate`: on SQLite, this process's writes take turns here, before they take a pooled
//! connection, rather than inside SQLite's busy handler.
//!
//! SQLite has a single writer. A write that finds the lock taken sleeps in the busy handler
//! (1, 2, 5, 10 … 100 ms steps) *while holding its pooled connection*; a burst of writes
//! (reset requests queueing mail while the dispatcher records what it sent) could hold every
//! connection so, and a read — a page, a reset look-up — then waited for a free one: the
//! benchmark saw 100 ms stalls on requests that only read. Behind the gate a write waits in a
//! FIFO queue without a connection and starts the moment the previous one ends; readers
//! always find a connection. PostgreSQL has row locks and needs no gate. Writers in other
//! processes (a `microblog dispatch` beside `serve` on one file) still meet the busy handler.

use sea_orm::DbBackend;
use std::sync::Arc;
use tokio::sync::{Semaphore, SemaphorePermit};

/// One turn at a time for this process's writes on SQLite; a no-op on PostgreSQL. Clones
/// share the queue.
#[derive(Clone, Debug)]
pub(crate) struct WriteGate(Option<Arc<Semaphore>>);

impl WriteGate {
    pub(crate) fn for_backend(backend: DbBackend) -> Self {
        match backend {
            DbBackend::Sqlite => Self(Some(Arc::new(Semaphore::new(1)))),
            _ => Self(None),
        }
    }

    /// Waits for this write's turn, which lasts until the returned permit is dropped (at
    /// once, and `None`, on PostgreSQL). Hold it across exactly one statement or transaction,
    /// and never ask for a second turn while holding one.
    pub(crate) async fn turn(&self) -> Option<SemaphorePermit<'_>> {
        match &self.0 {
            // The semaphore is never closed, so `acquire` cannot fail.
            Some(queue) => queue.acquire().await.ok(),
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn sqlite_writes_take_turns_and_postgres_writes_do_not_wait() {
        let sqlite = WriteGate::for_backend(DbBackend::Sqlite);
        let first = sqlite.turn().await;
        assert!(first.is_some());
        let second = tokio::time::timeout(Duration::from_millis(50), sqlite.turn()).await;
        assert!(second.is_err(), "a second write waits for the first");
        drop(first);
        let after = tokio::time::timeout(Duration::from_secs(5), sqlite.turn()).await;
        assert!(after.is_ok(), "and goes as soon as the first ends");

        let postgres = WriteGate::for_backend(DbBackend::Postgres);
        let _one = postgres.turn().await;
        let two = tokio::time::timeout(Duration::from_millis(50), postgres.turn()).await;
        assert!(two.is_ok(), "PostgreSQL writes run side by side");
    }
}
