//! Contract of concurrent `claim_due` calls: a lease is exclusive.

use super::{LEASE, at, must, request};
use microblog_domain::ports::{Outbox, OutboxId};
use std::collections::HashSet;
use std::sync::Arc;

/// Entries queued for the concurrency story.
const ENTRIES: usize = 120;
/// Claiming tasks per handle.
const TASKS_PER_HANDLE: usize = 4;
/// The batch each claim asks for (small, so the claimers interleave).
const BATCH: u32 = 2;

/// Several tasks on each of two handles on the same store claim until nothing is due:
/// no entry is handed out twice, and every entry is handed out. Run it on a multi-thread
/// runtime to get real parallelism.
pub async fn concurrent_claims_never_share_an_entry(
    first: Arc<dyn Outbox>,
    second: Arc<dyn Outbox>,
) {
    let mut queued = HashSet::new();
    for n in 0..ENTRIES {
        queued.insert(must(first.enqueue(&request(n), at(0)).await, "enqueue"));
    }
    let mut tasks = Vec::new();
    for handle in [&first, &second] {
        for _ in 0..TASKS_PER_HANDLE {
            let outbox = Arc::clone(handle);
            tasks.push(tokio::spawn(async move {
                let mut mine: Vec<OutboxId> = Vec::new();
                loop {
                    let batch = outbox.claim_due(at(1), BATCH, LEASE).await;
                    let batch = must(batch, "a concurrent claim_due");
                    if batch.is_empty() {
                        return mine;
                    }
                    mine.extend(batch.into_iter().map(|entry| entry.id));
                    tokio::task::yield_now().await;
                }
            }));
        }
    }
    let mut claimed = Vec::new();
    for task in tasks {
        claimed.extend(must(task.await, "a claiming task"));
    }
    let distinct: HashSet<OutboxId> = claimed.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        claimed.len(),
        "concurrent claimers must never receive the same entry ({} claims, {} distinct)",
        claimed.len(),
        distinct.len()
    );
    assert_eq!(
        distinct, queued,
        "every queued entry is claimed exactly once"
    );
}
