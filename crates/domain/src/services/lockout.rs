//! `Lockout`: the per-account sign-in throttle `SignIn` and `ChangePassword` consult, over the `SignInAttempts`
//! port, the clock and the rule (`LOGIN_LOCKOUT_*`).

use super::{MailQueue, UnexpectedError, repo};
use crate::entities::User;
use crate::mail_request::{Addressee, MailRequest};
use crate::ports::{Admission, Clock, FailureOutcome, LockoutRule, SignInAttempts};
use std::sync::Arc;

/// Counts wrong passwords per account and refuses a locked account even its right password.
/// Cheap to clone. Like [`super::MailQueue`], it is one collaborator of the service that
/// uses it, so the service never holds the throttle's parts itself.
#[derive(Clone)]
pub struct Lockout {
    attempts: Arc<dyn SignInAttempts>,
    clock: Arc<dyn Clock>,
    rule: LockoutRule,
}

impl Lockout {
    /// Failures recorded in `attempts`, at the clock's `now`, locking by `rule`.
    pub fn new(
        attempts: Arc<dyn SignInAttempts>,
        clock: Arc<dyn Clock>,
        rule: LockoutRule,
    ) -> Self {
        Self {
            attempts,
            clock,
            rule,
        }
    }

    /// Records a wrong password for `user`. Returns the notice for the account's owner when
    /// this very failure started a lock (once per lock, never once per attempt).
    pub(super) async fn wrong_password(
        &self,
        user: &User,
    ) -> Result<Option<MailRequest>, UnexpectedError> {
        let now = self.clock.now();
        let outcome = self
            .attempts
            .record_failure(user, now, &self.rule)
            .await
            .map_err(repo)?;
        match outcome {
            FailureOutcome::Counted { failures } => {
                tracing::info!(user_id = user.id.0, failures, "wrong password");
                Ok(None)
            }
            FailureOutcome::Locked { .. } => {
                tracing::info!(user_id = user.id.0, "wrong password for a locked account");
                Ok(None)
            }
            FailureOutcome::LockStarted { failures, until } => {
                crate::metrics::login_locked();
                tracing::warn!(
                    user_id = user.id.0,
                    failures,
                    "sign-in locked: too many wrong passwords"
                );
                Ok(Some(MailRequest::SignInLocked {
                    to: Addressee::of(user),
                    failed_attempts: failures,
                    locked_at: now,
                    locked_until: until,
                }))
            }
        }
    }

    /// Counts a wrong password for `user` and, when it started a lock, queues the owner's
    /// notice. A notice that cannot be queued is logged, not reported: the answer to the
    /// attempt stays the same as every other failure's.
    pub(super) async fn count_wrong_password(
        &self,
        mail: &MailQueue,
        user: &User,
    ) -> Result<(), UnexpectedError> {
        let Some(notice) = self.wrong_password(user).await? else {
            return Ok(());
        };
        if let Err(error) = mail.queue(&notice).await {
            let cause = std::error::Error::source(&error).map(ToString::to_string);
            tracing::error!(user_id = user.id.0, %error, cause, "could not queue the sign-in lock notice");
        }
        Ok(())
    }

    /// Records a right password for `user`: `true` (and the count is forgotten) unless the
    /// account is locked.
    pub(super) async fn right_password(&self, user: &User) -> Result<bool, UnexpectedError> {
        let now = self.clock.now();
        match self
            .attempts
            .record_success(user, now)
            .await
            .map_err(repo)?
        {
            Admission::Admitted => Ok(true),
            Admission::Locked { .. } => {
                tracing::info!(
                    user_id = user.id.0,
                    "right password refused: account locked"
                );
                Ok(false)
            }
        }
    }
}
