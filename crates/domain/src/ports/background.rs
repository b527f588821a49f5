//! `BackgroundTasks`: work a request hands off and does not wait for.

use std::future::Future;
use std::pin::Pin;

/// A unit of background work.
pub type Task = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Runs tasks beside the request that started them. The application that wires the
/// services owns the runtime and decides how tasks are tracked and awaited on shutdown.
pub trait BackgroundTasks: Send + Sync {
    /// Starts `task` and returns at once. An implementation MUST run every task it accepts
    /// to completion unless the process dies, and SHOULD let its owner wait for the tasks
    /// started so far (on graceful shutdown, so no accepted request is lost).
    fn spawn(&self, task: Task);
}
