//! `RebuildTimelines`: batches until the store has no user left, with progress and totals.

use microblog_domain::UserId;
use microblog_domain::ports::{MockTimelineStore, RebuildBatch, RepoError};
use microblog_domain::services::{RebuildProgress, RebuildTimelines};
use std::sync::Arc;

#[tokio::test]
async fn a_rebuild_walks_every_batch_and_reports_totals() {
    let mut timelines = MockTimelineStore::new();
    timelines.expect_user_count().returning(|| Ok(5));
    timelines
        .expect_rebuild()
        .times(3)
        .returning(|after, users| {
            assert_eq!(users, 2, "the batch size is passed on");
            Ok(match after {
                None => RebuildBatch {
                    last_user: Some(UserId(2)),
                    users: 2,
                    entries: 10,
                },
                Some(UserId(2)) => RebuildBatch {
                    last_user: Some(UserId(7)),
                    users: 2,
                    entries: 7,
                },
                Some(UserId(7)) => RebuildBatch::default(),
                other => panic!("unexpected cursor {other:?}"),
            })
        });
    let mut seen = Vec::new();
    let done = RebuildTimelines::new(Arc::new(timelines), 2)
        .run(|progress| seen.push(progress.users))
        .await
        .unwrap();
    assert_eq!(seen, vec![2, 4], "progress after each batch");
    assert_eq!(
        done,
        RebuildProgress {
            users: 4,
            total: 5,
            entries: 17
        }
    );
}

#[tokio::test]
async fn a_failing_batch_stops_the_rebuild_with_an_error() {
    let mut timelines = MockTimelineStore::new();
    timelines.expect_user_count().returning(|| Ok(1));
    timelines
        .expect_rebuild()
        .times(1)
        .returning(|_, _| Err(RepoError::new("disk full")));
    let outcome = RebuildTimelines::new(Arc::new(timelines), 0)
        .run(|_| {})
        .await;
    assert!(outcome.is_err());
}
