//! `RebuildTimelines`: rebuilds every home feed from posts and follows, in batches.

use super::{UnexpectedError, repo};
use crate::ports::TimelineStore;
use std::sync::Arc;

/// How far a rebuild has got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RebuildProgress {
    /// Feeds rebuilt so far.
    pub users: u64,
    /// Users there were when the rebuild started (more may register meanwhile).
    pub total: u64,
    /// Entries the rebuilt feeds hold.
    pub entries: u64,
}

/// The `microblog rebuild-timelines` use case.
#[derive(Clone)]
pub struct RebuildTimelines {
    timelines: Arc<dyn TimelineStore>,
    batch: u32,
}

impl RebuildTimelines {
    /// Rebuilds `batch` feeds per transaction (at least 1).
    pub fn new(timelines: Arc<dyn TimelineStore>, batch: u32) -> Self {
        Self {
            timelines,
            batch: batch.max(1),
        }
    }

    /// Rebuilds every feed, calling `progress` after each batch; returns the totals.
    /// Running it again gives the same feeds (it is idempotent), and running it while the
    /// site serves is safe: each batch is one transaction.
    ///
    /// # Errors
    /// `Unexpected` when storage fails; the batches done so far stay rebuilt.
    pub async fn run(
        &self,
        mut progress: impl FnMut(RebuildProgress) + Send,
    ) -> Result<RebuildProgress, UnexpectedError> {
        let total = self.timelines.user_count().await.map_err(repo)?;
        let mut done = RebuildProgress {
            total,
            ..RebuildProgress::default()
        };
        let mut after = None;
        loop {
            let batch = self
                .timelines
                .rebuild(after, self.batch)
                .await
                .map_err(repo)?;
            let Some(last) = batch.last_user else {
                return Ok(done);
            };
            done.users += batch.users;
            done.entries += batch.entries;
            done.total = done.total.max(done.users);
            progress(done);
            after = Some(last);
        }
    }
}
