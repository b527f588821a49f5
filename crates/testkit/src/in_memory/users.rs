//! `InMemoryUsers`: the `UserRepository` port in a vector, with helpers to inspect it.

use super::{later, lock, next_id};
use async_trait::async_trait;
use microblog_domain::ports::{
    CreateUserError, EmailChangeOutcome, RepoError, UpdateProfileError, UserRepository,
};
use microblog_domain::values::UsernameSkeleton;
use microblog_domain::{
    AboutMe, EmailAddress, NewUser, PasswordHash, PendingEmail, User, UserId, Username,
};
use std::sync::Mutex;
use std::time::Duration;
use time::OffsetDateTime;

/// Users in memory; ids start at 1 and are never reused. Usernames are unique by their
/// confusable skeleton (so exactly, too), addresses by their normalized form, as in the real
/// store.
#[derive(Debug, Default)]
pub struct InMemoryUsers {
    rows: Mutex<Vec<Row>>,
}

/// A stored user and what the port keeps beside it.
#[derive(Debug)]
struct Row {
    user: User,
    /// The username's confusable skeleton, unique among users (the store's unique index).
    skeleton: UsernameSkeleton,
    /// When the last reset request won its slot.
    last_reset_requested_at: Option<OffsetDateTime>,
    /// When the last "send the confirmation again" won its slot.
    confirmation_sent_at: Option<OffsetDateTime>,
}

impl InMemoryUsers {
    /// Every user, in registration order.
    pub fn all(&self) -> Vec<User> {
        lock(&self.rows)
            .iter()
            .map(|row| row.user.clone())
            .collect()
    }

    /// The user named exactly `name`.
    ///
    /// # Panics
    /// When there is none: a test asked for a user it did not create.
    pub fn named(&self, name: &str) -> User {
        self.find(|user| user.username.as_str() == name)
            .unwrap_or_else(|| panic!("no user is named {name:?}"))
    }

    /// Ends every session of `name`, as a password reset elsewhere would.
    ///
    /// # Panics
    /// When there is no user named `name`.
    pub fn bump_epoch(&self, name: &str) {
        let mut rows = lock(&self.rows);
        let row = rows
            .iter_mut()
            .find(|row| row.user.username.as_str() == name)
            .unwrap_or_else(|| panic!("no user is named {name:?}"));
        row.user.session_epoch += 1;
    }

    /// The user with this id, if any (what a join finds).
    pub(super) fn get(&self, id: UserId) -> Option<User> {
        self.find(|user| user.id == id)
    }

    /// Whether a user with this id exists (what a foreign key would check).
    pub(super) fn exists(&self, id: UserId) -> bool {
        lock(&self.rows).iter().any(|row| row.user.id == id)
    }

    /// The per-account throttles (reset requests, confirmation resends): the `slot` of user
    /// `id` is won at `now` if it is free, that is exactly `window` after the last win; a
    /// request from before the last win (a clock that went back) does not win either. An
    /// unknown id wins nothing.
    fn claim_slot(
        &self,
        id: UserId,
        now: OffsetDateTime,
        window: Duration,
        slot: impl Fn(&mut Row) -> &mut Option<OffsetDateTime>,
    ) -> bool {
        let mut rows = lock(&self.rows);
        let Some(row) = rows.iter_mut().find(|row| row.user.id == id) else {
            return false;
        };
        let last = slot(row);
        let free = last.is_none_or(|last| later(last, window) <= now);
        if free {
            *last = Some(now);
        }
        free
    }

    fn find(&self, wanted: impl Fn(&User) -> bool) -> Option<User> {
        lock(&self.rows)
            .iter()
            .find(|row| wanted(&row.user))
            .map(|row| row.user.clone())
    }
}

#[async_trait]
impl UserRepository for InMemoryUsers {
    async fn create(&self, new: NewUser) -> Result<User, CreateUserError> {
        let mut rows = lock(&self.rows);
        let skeleton = new.username.skeleton();
        if rows.iter().any(|row| row.skeleton == skeleton) {
            return Err(CreateUserError::UsernameTaken);
        }
        let normalized = new.email.normalized();
        if rows
            .iter()
            .any(|row| row.user.email.normalized() == normalized)
        {
            return Err(CreateUserError::EmailTaken);
        }
        let user = User {
            id: UserId(next_id(rows.len())),
            username: new.username,
            email: new.email,
            password_hash: new.password_hash,
            about_me: AboutMe::default(),
            last_seen: new.created_at,
            session_epoch: 0,
            email_confirmed: false,
            pending_email: None,
            created_at: new.created_at,
        };
        rows.push(Row {
            user: user.clone(),
            skeleton,
            last_reset_requested_at: None,
            confirmation_sent_at: None,
        });
        Ok(user)
    }

    async fn by_id(&self, id: UserId) -> Result<Option<User>, RepoError> {
        Ok(self.find(|user| user.id == id))
    }

    async fn by_username(&self, username: &Username) -> Result<Option<User>, RepoError> {
        Ok(self.find(|user| &user.username == username))
    }

    async fn by_email(&self, email: &EmailAddress) -> Result<Option<User>, RepoError> {
        Ok(self.find(|user| user.email.normalized() == email.normalized()))
    }

    async fn update_profile(
        &self,
        id: UserId,
        username: &Username,
        about_me: &AboutMe,
    ) -> Result<User, UpdateProfileError> {
        let mut rows = lock(&self.rows);
        let Some(index) = rows.iter().position(|row| row.user.id == id) else {
            return Err(UpdateProfileError::NotFound);
        };
        // Keeping one's own name checks nothing, as the store keeps its stored skeleton.
        if &rows[index].user.username != username {
            let skeleton = username.skeleton();
            let taken = |row: &Row| row.skeleton == skeleton && row.user.id != id;
            if rows.iter().any(taken) {
                return Err(UpdateProfileError::UsernameTaken);
            }
            rows[index].skeleton = skeleton;
        }
        let row = &mut rows[index];
        row.user.username = username.clone();
        row.user.about_me = about_me.clone();
        Ok(row.user.clone())
    }

    async fn touch_last_seen(&self, id: UserId, at: OffsetDateTime) -> Result<(), RepoError> {
        if let Some(row) = lock(&self.rows).iter_mut().find(|row| row.user.id == id) {
            row.user.last_seen = at;
        }
        Ok(())
    }

    async fn replace_password_hash(
        &self,
        id: UserId,
        expected: &PasswordHash,
        new: &PasswordHash,
    ) -> Result<bool, RepoError> {
        let mut rows = lock(&self.rows);
        let current = rows
            .iter_mut()
            .find(|row| row.user.id == id && &row.user.password_hash == expected);
        let Some(row) = current else {
            return Ok(false);
        };
        row.user.password_hash = new.clone();
        row.user.session_epoch += 1;
        Ok(true)
    }

    async fn claim_reset_slot(
        &self,
        id: UserId,
        now: OffsetDateTime,
        window: Duration,
    ) -> Result<bool, RepoError> {
        Ok(self.claim_slot(id, now, window, |row| &mut row.last_reset_requested_at))
    }

    async fn confirm_email(
        &self,
        id: UserId,
        address: &str,
        _at: OffsetDateTime,
    ) -> Result<bool, RepoError> {
        let mut rows = lock(&self.rows);
        let Some(row) = rows.iter_mut().find(|row| row.user.id == id) else {
            return Ok(false);
        };
        let applies = row.user.email.normalized() == address && !row.user.email_confirmed;
        if applies {
            row.user.email_confirmed = true;
        }
        Ok(applies)
    }

    async fn claim_confirmation_slot(
        &self,
        id: UserId,
        now: OffsetDateTime,
        window: Duration,
    ) -> Result<bool, RepoError> {
        Ok(self.claim_slot(id, now, window, |row| &mut row.confirmation_sent_at))
    }

    async fn request_email_change(
        &self,
        id: UserId,
        address: &EmailAddress,
        requested_at: OffsetDateTime,
    ) -> Result<bool, RepoError> {
        let mut rows = lock(&self.rows);
        let Some(row) = rows.iter_mut().find(|row| row.user.id == id) else {
            return Ok(false);
        };
        row.user.pending_email = Some(PendingEmail {
            address: address.clone(),
            // Kept to the microsecond, as the store keeps it.
            requested_at: to_microseconds(requested_at),
        });
        Ok(true)
    }

    async fn apply_email_change(
        &self,
        id: UserId,
        address: &str,
        requested_at: OffsetDateTime,
        _at: OffsetDateTime,
    ) -> Result<EmailChangeOutcome, RepoError> {
        let mut rows = lock(&self.rows);
        let Some(index) = rows.iter().position(|row| row.user.id == id) else {
            return Ok(EmailChangeOutcome::NotPending);
        };
        let Some(pending) = rows[index]
            .user
            .pending_email
            .clone()
            .filter(|pending| pending.is_request(address, requested_at))
        else {
            return Ok(EmailChangeOutcome::NotPending);
        };
        rows[index].user.pending_email = None;
        let taken = rows
            .iter()
            .any(|row| row.user.id != id && row.user.email.normalized() == address);
        if taken {
            return Ok(EmailChangeOutcome::AddressTaken);
        }
        let user = &mut rows[index].user;
        let previous = std::mem::replace(&mut user.email, pending.address);
        user.email_confirmed = true;
        Ok(EmailChangeOutcome::Applied { previous })
    }
}

/// `at` without its sub-microsecond part.
fn to_microseconds(at: OffsetDateTime) -> OffsetDateTime {
    at.replace_nanosecond(at.nanosecond() / 1_000 * 1_000)
        .expect("a whole number of microseconds is a valid nanosecond")
}
