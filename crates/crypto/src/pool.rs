//! `HashPool`: a fixed set of worker threads with a short bounded queue, so password hashing
//! uses bounded memory and threads however many requests arrive at once.
//!
//! Each Argon2id hash with OWASP parameters holds 19 MiB while it runs. On tokio's blocking
//! pool (up to 512 threads) a burst of 80 logins held 80 of them at once, and the allocator
//! kept most of it afterwards. Here at most `workers` hashes run at once, always on the same
//! threads (whose allocators reuse the freed blocks), at most `queue` wait, and the rest are
//! refused at once with [`Full`] — which the services turn into a 503.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// How much hashing may happen at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashLimits {
    /// Hashes computed at once (`HASH_CONCURRENCY`); each one holds the scheme's memory.
    pub workers: usize,
    /// Hashes that may wait for a worker (`HASH_QUEUE`); more are refused at once.
    pub queue: usize,
}

impl HashLimits {
    /// One worker per core, and a queue of four per worker: with ~50 ms per OWASP hash, the
    /// last in the queue waits about 200 ms.
    pub fn for_this_machine() -> Self {
        let workers = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self {
            workers,
            queue: workers * 4,
        }
    }
}

/// The pool was at capacity: the job was not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

/// The worker threads and the queue in front of them. Dropping the last clone lets the
/// workers finish what is queued and exit.
#[derive(Clone)]
pub(crate) struct HashPool {
    jobs: SyncSender<Job>,
    /// Jobs accepted and not yet finished (queued + running), for operators.
    in_flight: Arc<AtomicUsize>,
    workers: usize,
}

/// Hashes waiting for a worker (`in_flight` beyond the workers), as a gauge.
const QUEUE_DEPTH: &str = "password_hash_queue_depth";
/// Hashes refused because workers and queue were full (each one a 503), as a counter.
const REJECTED: &str = "password_hash_rejected_total";

fn report_depth(in_flight: usize, workers: usize) {
    metrics::gauge!(QUEUE_DEPTH).set(in_flight.saturating_sub(workers) as f64);
}

impl HashPool {
    /// Starts `limits.workers` threads (at least one).
    pub(crate) fn start(limits: HashLimits) -> Self {
        let (jobs, queue) = mpsc::sync_channel::<Job>(limits.queue);
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..limits.workers.max(1) {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || work(&queue))
                .expect("the operating system can start a hashing thread");
        }
        Self {
            jobs,
            in_flight: Arc::default(),
            workers: limits.workers.max(1),
        }
    }

    /// Runs `job` on a worker and waits for its result, or refuses at once when every worker
    /// is busy and the queue is full.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Full> {
        let (done, result) = oneshot::channel();
        let in_flight = Arc::clone(&self.in_flight);
        let workers = self.workers;
        let job: Job = Box::new(move || {
            let output = job();
            // Counted out before the caller can see the result.
            let left = in_flight.fetch_sub(1, Ordering::Relaxed) - 1;
            report_depth(left, workers);
            let _ = done.send(output);
        });
        let now = self.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        match self.jobs.try_send(job) {
            Ok(()) => report_depth(now, workers),
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.in_flight.fetch_sub(1, Ordering::Relaxed);
                metrics::counter!(REJECTED).increment(1);
                return Err(Full);
            }
        }
        result.await.map_err(|_| Full)
    }

    /// Hashes queued or running now.
    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }
}

/// A worker: takes one job at a time until every sender is gone.
fn work(queue: &Mutex<Receiver<Job>>) {
    loop {
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match next {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Barrier;
    use std::time::Duration;

    #[tokio::test]
    async fn jobs_run_and_return_their_result() {
        let pool = HashPool::start(HashLimits {
            workers: 2,
            queue: 2,
        });
        assert_eq!(pool.run(|| 6 * 7).await, Ok(42));
        assert_eq!(pool.in_flight(), 0);
    }

    #[tokio::test]
    async fn past_workers_and_queue_jobs_are_refused_at_once() {
        let pool = HashPool::start(HashLimits {
            workers: 1,
            queue: 1,
        });
        // Hold the only worker until released, and know when it has started.
        let gate = Arc::new(Barrier::new(2));
        let held = Arc::clone(&gate);
        let (started, on_worker) = std::sync::mpsc::channel();
        let running = tokio::spawn({
            let pool = pool.clone();
            async move {
                pool.run(move || {
                    started.send(()).unwrap();
                    held.wait();
                })
                .await
            }
        });
        tokio::task::spawn_blocking(move || on_worker.recv().unwrap())
            .await
            .unwrap();
        // One may wait in the queue...
        let queued = tokio::spawn({
            let pool = pool.clone();
            async move { pool.run(|| 1).await }
        });
        while pool.in_flight() < 2 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // ...the next is refused without waiting.
        let refused = tokio::time::timeout(Duration::from_secs(1), pool.run(|| 2)).await;
        assert_eq!(refused, Ok(Err(Full)), "refused at once, not queued");
        gate.wait();
        assert!(running.await.unwrap().is_ok());
        assert_eq!(queued.await.unwrap(), Ok(1), "the queued job still runs");
    }

    #[test]
    fn the_default_is_one_worker_per_core_and_a_short_queue() {
        let limits = HashLimits::for_this_machine();
        assert!(limits.workers >= 1);
        assert_eq!(limits.queue, limits.workers * 4);
    }
}
