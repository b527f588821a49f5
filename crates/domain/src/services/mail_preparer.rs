//! `MailPreparer`: turns a stored mail request into the email to send now, minting any link
//! at that moment, or says why it must not be sent.

use super::{UnexpectedError, repo};
use crate::confirm_token::{ConfirmPurpose, ConfirmTokens};
use crate::email::{Email, EmailIntent, EmailKind};
use crate::entities::User;
use crate::mail_request::{Addressee, MailRequest};
use crate::ports::{EmailComposer, OutboxEntry, UserRepository};
use crate::reset_token::ResetTokens;
use crate::values::EmailAddress;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// How reset links are issued: signed by `tokens`, at most one email per address per
/// `throttle` (`RESET_REQUEST_THROTTLE`).
#[derive(Clone)]
pub struct ResetPolicy {
    pub tokens: ResetTokens,
    pub throttle: Duration,
}

/// What to do with one claimed entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prepared {
    /// Send this email now.
    Send(Email),
    /// Do not send: the request no longer applies (the reason is logged and stored, never
    /// with an address).
    Drop(&'static str),
    /// Do not send, ever: the request cannot be honoured (too old, unreadable). Kept as dead.
    Dead(String),
}

/// Renders stored requests at send time.
#[derive(Clone)]
pub struct MailPreparer {
    users: Arc<dyn UserRepository>,
    composer: Arc<dyn EmailComposer>,
    reset: ResetPolicy,
    confirm: ConfirmTokens,
    max_age: Duration,
}

impl MailPreparer {
    /// Requests are resolved against `users`, rendered by `composer`; reset links are
    /// signed and throttled by `reset`, confirmation links signed by `confirm`; requests
    /// older than `max_age` (`MAIL_INTENT_MAX_AGE`) are not sent.
    pub fn new(
        users: Arc<dyn UserRepository>,
        composer: Arc<dyn EmailComposer>,
        reset: ResetPolicy,
        confirm: ConfirmTokens,
        max_age: Duration,
    ) -> Self {
        Self {
            users,
            composer,
            reset,
            confirm,
            max_age,
        }
    }

    /// What to send for `entry` at `now`. A reset request is resolved here: the account is
    /// looked up by the stored address, the per-address throttle is claimed (on the first
    /// attempt only, so a retry after a failed send is never throttled by its own claim) and
    /// the link is minted now, so it lives `RESET_TOKEN_TTL` from delivery. A notice for a
    /// user is dropped if the account is gone or its address changed since the request.
    ///
    /// # Errors
    /// `Unexpected` when storage or rendering fails; the dispatcher retries later.
    pub async fn prepare(
        &self,
        entry: &OutboxEntry,
        now: OffsetDateTime,
    ) -> Result<Prepared, UnexpectedError> {
        if now - entry.queued_at > self.max_age {
            return Ok(Prepared::Dead(format!(
                "not sent: requested more than MAIL_INTENT_MAX_AGE ({} s) ago",
                self.max_age.as_secs()
            )));
        }
        let (to, intent) = match &entry.request {
            MailRequest::ResetPassword { address } => {
                let user = match EmailAddress::parse(address) {
                    Ok(address) => self.users.by_email(&address).await.map_err(repo)?,
                    Err(_) => None,
                };
                let Some(user) = user else {
                    return Ok(Prepared::Drop("no account has this address"));
                };
                if entry.attempts <= 1 && !self.claim_reset_slot(&user, now).await? {
                    return Ok(Prepared::Drop("throttled: a reset email went out recently"));
                }
                let tokens = &self.reset.tokens;
                let intent = EmailIntent::ResetPassword {
                    username: user.username.to_string(),
                    token: tokens.issue(&user, now),
                    valid_for_minutes: tokens.ttl().as_secs().div_ceil(60),
                };
                (user_address(&user), intent)
            }
            MailRequest::ConfirmEmail { to } => {
                let user = match self.addressee(to).await? {
                    Ok(user) if user.email_confirmed => {
                        return Ok(Prepared::Drop("the address is confirmed already"));
                    }
                    Ok(user) => user,
                    Err(reason) => return Ok(Prepared::Drop(reason)),
                };
                let intent = EmailIntent::ConfirmEmail {
                    username: user.username.to_string(),
                    token: self.confirm.issue(
                        user.id,
                        user.email.normalized(),
                        ConfirmPurpose::Registration,
                        now,
                    ),
                    valid_for_hours: self.confirm_hours(),
                };
                (user_address(&user), intent)
            }
            MailRequest::ConfirmEmailChange {
                user_id,
                address,
                requested_at,
            } => match self
                .email_change(*user_id, address, *requested_at, now)
                .await?
            {
                Ok(to_and_intent) => to_and_intent,
                Err(not_sent) => return Ok(not_sent),
            },
            MailRequest::EmailChanged {
                user_id,
                previous_address,
                new_address,
                changed_at,
            } => {
                let Some(user) = self.users.by_id(*user_id).await.map_err(repo)? else {
                    return Ok(Prepared::Drop("the account was deleted"));
                };
                let Ok(new_address) = EmailAddress::parse(new_address) else {
                    return Ok(Prepared::Dead("unreadable new address".to_owned()));
                };
                let intent = EmailIntent::EmailChanged {
                    username: user.username.to_string(),
                    new_address_masked: new_address.masked(),
                    changed_at: *changed_at,
                };
                (vec![previous_address.clone()], intent)
            }
            MailRequest::PasswordChanged { to, changed_at } => {
                let user = match self.addressee(to).await? {
                    Ok(user) => user,
                    Err(reason) => return Ok(Prepared::Drop(reason)),
                };
                let intent = EmailIntent::PasswordChanged {
                    username: user.username.to_string(),
                    changed_at: *changed_at,
                };
                (user_address(&user), intent)
            }
            MailRequest::SignInLocked {
                to,
                failed_attempts,
                locked_at,
                locked_until,
            } => {
                let user = match self.addressee(to).await? {
                    Ok(user) => user,
                    Err(reason) => return Ok(Prepared::Drop(reason)),
                };
                let intent = EmailIntent::SignInLocked {
                    username: user.username.to_string(),
                    failed_attempts: *failed_attempts,
                    locked_at: *locked_at,
                    locked_until: *locked_until,
                };
                (user_address(&user), intent)
            }
            MailRequest::ServerError {
                to,
                request_line,
                request_id,
                error_chain,
                occurred_at,
            } => {
                let intent = EmailIntent::ServerError {
                    request_line: request_line.clone(),
                    request_id: request_id.clone(),
                    error_chain: error_chain.clone(),
                    occurred_at: *occurred_at,
                };
                (to.clone(), intent)
            }
            MailRequest::DeadMailDigest {
                to,
                total,
                mails,
                made_at,
            } => {
                let intent = EmailIntent::DeadMailDigest {
                    total: *total,
                    mails: mails.clone(),
                    made_at: *made_at,
                };
                (to.clone(), intent)
            }
            MailRequest::Test { to, sent_at } => {
                (to.clone(), EmailIntent::Test { sent_at: *sent_at })
            }
            MailRequest::Composed {
                kind,
                to,
                subject,
                text_body,
                html_body,
            } => {
                let Some(kind) = EmailKind::parse(kind) else {
                    return Ok(Prepared::Dead(format!("unknown kind {kind:?}")));
                };
                return Ok(Prepared::Send(Email {
                    kind,
                    to: to.clone(),
                    subject: subject.clone(),
                    text_body: text_body.clone(),
                    html_body: html_body.clone(),
                }));
            }
        };
        let email = self
            .composer
            .compose(to, &intent)
            .map_err(|e| UnexpectedError::new("composing an email failed", e))?;
        Ok(Prepared::Send(email))
    }

    fn confirm_hours(&self) -> u64 {
        self.confirm.ttl().as_secs().div_ceil(3600)
    }

    /// An address change, resolved now: still the pending one? Then a free address gets
    /// the confirmation link (minted now), and a taken one's owner gets the notice that
    /// someone tried to add it to another account.
    async fn email_change(
        &self,
        user_id: crate::entities::UserId,
        address: &str,
        requested_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Result<(Vec<String>, EmailIntent), Prepared>, UnexpectedError> {
        let Ok(new_address) = EmailAddress::parse(address) else {
            return Ok(Err(Prepared::Dead("unreadable new address".to_owned())));
        };
        let Some(user) = self.users.by_id(user_id).await.map_err(repo)? else {
            return Ok(Err(Prepared::Drop("the account was deleted")));
        };
        let still_pending = user
            .pending_email
            .as_ref()
            .is_some_and(|pending| pending.is_request(new_address.normalized(), requested_at));
        if !still_pending {
            return Ok(Err(Prepared::Drop(
                "the address change is no longer pending",
            )));
        }
        match self.users.by_email(&new_address).await.map_err(repo)? {
            Some(owner) if owner.id != user.id => {
                tracing::info!(
                    user_id = user.id.0,
                    "address change to a taken address: its owner is told"
                );
                let intent = EmailIntent::EmailInUse {
                    username: owner.username.to_string(),
                    requested_at,
                };
                Ok(Ok((user_address(&owner), intent)))
            }
            Some(_) => Ok(Err(Prepared::Drop("the address is the account's already"))),
            None => {
                let purpose = ConfirmPurpose::Change { requested_at };
                let token = self
                    .confirm
                    .issue(user.id, new_address.normalized(), purpose, now);
                let intent = EmailIntent::ConfirmEmailChange {
                    username: user.username.to_string(),
                    token,
                    valid_for_hours: self.confirm_hours(),
                };
                Ok(Ok((vec![new_address.as_str().to_owned()], intent)))
            }
        }
    }

    async fn claim_reset_slot(
        &self,
        user: &User,
        now: OffsetDateTime,
    ) -> Result<bool, UnexpectedError> {
        self.users
            .claim_reset_slot(user.id, now, self.reset.throttle)
            .await
            .map_err(repo)
    }

    /// The addressee's account as it is now, or why the notice must not go out.
    async fn addressee(
        &self,
        addressee: &Addressee,
    ) -> Result<Result<User, &'static str>, UnexpectedError> {
        let user = self.users.by_id(addressee.user_id).await.map_err(repo)?;
        Ok(match user {
            None => Err("the account was deleted"),
            Some(user) if user.email.normalized() != addressee.address => {
                Err("the account's address changed since the request")
            }
            Some(user) => Ok(user),
        })
    }
}

/// Mail always goes to the stored address, as the user entered it.
fn user_address(user: &User) -> Vec<String> {
    vec![user.email.as_str().to_owned()]
}
