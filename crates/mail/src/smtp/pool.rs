//! The current lettre transport (and its connection pool), retired whenever a send is
//! abandoned half-way.
//!
//! lettre's pool puts a connection back when the send using it is dropped, even in the middle
//! of a command: the next send would then read the previous command's late reply as its own
//! and the dialogue would drift (a rejected recipient read as accepted). So an abandoned send
//! retires the whole transport: it is shut down (its idle connections closed, the abandoned
//! one closed when it comes back) and the next send builds a fresh one.

use lettre::transport::smtp::AsyncSmtpTransportBuilder;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::sync::{Arc, Mutex, MutexGuard};

type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// The transport in use, built on first need (building spawns the pool's housekeeping task,
/// which needs a runtime).
pub(super) struct Pool {
    builder: AsyncSmtpTransportBuilder,
    current: Mutex<Option<Arc<Transport>>>,
}

impl Pool {
    pub fn new(builder: AsyncSmtpTransportBuilder) -> Self {
        Self {
            builder,
            current: Mutex::new(None),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Option<Arc<Transport>>> {
        // The slot only ever holds a whole value: a poisoned lock is still consistent.
        self.current.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The transport to send with.
    pub fn transport(&self) -> Arc<Transport> {
        let mut current = self.lock();
        Arc::clone(current.get_or_insert_with(|| Arc::new(self.builder.clone().build())))
    }

    /// A guard that retires `transport` if dropped before [`InUse::finished`].
    pub fn retire_unless_finished<'a>(&'a self, transport: &Arc<Transport>) -> InUse<'a> {
        InUse {
            pool: self,
            transport: Some(Arc::clone(transport)),
        }
    }

    fn retire(&self, transport: &Arc<Transport>) {
        let retired = {
            let mut current = self.lock();
            match current.as_ref() {
                Some(now) if Arc::ptr_eq(now, transport) => current.take(),
                _ => None, // already replaced by another abandoned send
            }
        };
        let Some(retired) = retired else { return };
        tracing::debug!("retiring the SMTP connection pool after an abandoned send");
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { retired.shutdown().await });
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // lettre's pool spawns a task when dropped, which panics outside a Tokio runtime
        // (a mailer outliving its runtime at exit). Leaking the sockets then is harmless.
        if tokio::runtime::Handle::try_current().is_err()
            && let Some(transport) = self
                .current
                .get_mut()
                .unwrap_or_else(|p| p.into_inner())
                .take()
        {
            std::mem::forget(transport);
        }
    }
}

/// A send in progress on a transport (see [`Pool::retire_unless_finished`]).
pub(super) struct InUse<'a> {
    pool: &'a Pool,
    transport: Option<Arc<Transport>>,
}

impl InUse<'_> {
    /// The send ran to completion (success or error): lettre left the connection in a
    /// known state.
    pub fn finished(mut self) {
        self.transport = None;
    }
}

impl Drop for InUse<'_> {
    fn drop(&mut self) {
        if let Some(transport) = self.transport.take() {
            self.pool.retire(&transport);
        }
    }
}
