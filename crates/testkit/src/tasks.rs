//! `TestTasks`: the domain's `BackgroundTasks` port on the test's runtime, with a way to wait
//! for everything started so far before looking at the outbox.

use microblog_domain::ports::{BackgroundTasks, Task};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::task::JoinHandle;

/// Spawns each task on the current tokio runtime and keeps its handle. Cheap to clone: clones
/// share the handles.
#[derive(Clone, Default)]
pub struct TestTasks(Arc<Mutex<Vec<JoinHandle<()>>>>);

impl TestTasks {
    /// Waits for every task started so far.
    ///
    /// # Panics
    /// When a task panicked.
    pub async fn finish(&self) {
        let started = std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner));
        for task in started {
            task.await.expect("a background task panicked");
        }
    }
}

impl BackgroundTasks for TestTasks {
    fn spawn(&self, task: Task) {
        let handle = tokio::spawn(task);
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(handle);
    }
}
