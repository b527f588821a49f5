//! `TrackedTasks`: the services' background work on this process's runtime, tracked so that
//! a graceful shutdown waits for every task an answered request started.

use microblog_domain::ports::{BackgroundTasks, Task};
use tokio_util::task::TaskTracker;

/// Spawns tasks on the current runtime and remembers them until they finish.
#[derive(Clone, Default)]
pub struct TrackedTasks(TaskTracker);

impl TrackedTasks {
    /// Waits for every task started so far.
    pub async fn finish(&self) {
        self.0.close();
        self.0.wait().await;
        self.0.reopen();
    }
}

impl BackgroundTasks for TrackedTasks {
    fn spawn(&self, task: Task) {
        self.0.spawn(task);
    }
}
