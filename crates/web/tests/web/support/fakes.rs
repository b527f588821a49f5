//! In-memory implementations of the domain's ports, faithful to their documented contracts,
//! so the pages can be driven through whole flows (register, post, follow, reset). Posts
//! and follows are in `posts.rs`.

use async_trait::async_trait;
use microblog_domain::ports::{
    ComposeError, CreateUserError, EmailComposer, Outbox, OutboxEntry, OutboxError, OutboxId,
    RepoError, UpdateProfileError, UserRepository,
};
use microblog_domain::{
    AboutMe, Email, EmailAddress, EmailIntent, NewUser, PasswordHash, User, UserId, Username,
};
use microblog_web::Readiness;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use time::OffsetDateTime;

/// Users in a vector; ids start at 1.
#[derive(Default)]
pub struct MemoryUsers {
    users: Mutex<Vec<User>>,
    reset_slots: Mutex<HashMap<UserId, OffsetDateTime>>,
}

impl MemoryUsers {
    pub fn all(&self) -> Vec<User> {
        self.users.lock().unwrap().clone()
    }

    pub fn named(&self, name: &str) -> User {
        self.all()
            .into_iter()
            .find(|u| u.username.as_str() == name)
            .expect("user exists")
    }

    /// Ends every session of `name`, as a password reset elsewhere would.
    pub fn bump_epoch(&self, name: &str) {
        let mut users = self.users.lock().unwrap();
        let user = users
            .iter_mut()
            .find(|u| u.username.as_str() == name)
            .unwrap();
        user.session_epoch += 1;
    }
}

#[async_trait]
impl UserRepository for MemoryUsers {
    async fn create(&self, new: NewUser) -> Result<User, CreateUserError> {
        let mut users = self.users.lock().unwrap();
        if users.iter().any(|u| u.username == new.username) {
            return Err(CreateUserError::UsernameTaken);
        }
        if users
            .iter()
            .any(|u| u.email.normalized() == new.email.normalized())
        {
            return Err(CreateUserError::EmailTaken);
        }
        let user = User {
            id: UserId(users.len() as i64 + 1),
            username: new.username,
            email: new.email,
            password_hash: new.password_hash,
            about_me: AboutMe::default(),
            last_seen: new.created_at,
            session_epoch: 0,
            created_at: new.created_at,
        };
        users.push(user.clone());
        Ok(user)
    }

    async fn by_id(&self, id: UserId) -> Result<Option<User>, RepoError> {
        Ok(self.all().into_iter().find(|u| u.id == id))
    }

    async fn by_username(&self, username: &Username) -> Result<Option<User>, RepoError> {
        Ok(self.all().into_iter().find(|u| &u.username == username))
    }

    async fn by_email(&self, email: &EmailAddress) -> Result<Option<User>, RepoError> {
        Ok(self
            .all()
            .into_iter()
            .find(|u| u.email.normalized() == email.normalized()))
    }

    async fn update_profile(
        &self,
        id: UserId,
        username: &Username,
        about_me: &AboutMe,
    ) -> Result<User, UpdateProfileError> {
        let mut users = self.users.lock().unwrap();
        if users.iter().any(|u| &u.username == username && u.id != id) {
            return Err(UpdateProfileError::UsernameTaken);
        }
        let user = users
            .iter_mut()
            .find(|u| u.id == id)
            .ok_or(UpdateProfileError::NotFound)?;
        user.username = username.clone();
        user.about_me = about_me.clone();
        Ok(user.clone())
    }

    async fn touch_last_seen(&self, id: UserId, at: OffsetDateTime) -> Result<(), RepoError> {
        if let Some(user) = self.users.lock().unwrap().iter_mut().find(|u| u.id == id) {
            user.last_seen = at;
        }
        Ok(())
    }

    async fn replace_password_hash(
        &self,
        id: UserId,
        expected: &PasswordHash,
        new: &PasswordHash,
    ) -> Result<bool, RepoError> {
        let mut users = self.users.lock().unwrap();
        match users
            .iter_mut()
            .find(|u| u.id == id && &u.password_hash == expected)
        {
            Some(user) => {
                user.password_hash = new.clone();
                user.session_epoch += 1;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    async fn claim_reset_slot(
        &self,
        id: UserId,
        now: OffsetDateTime,
        window: Duration,
    ) -> Result<bool, RepoError> {
        let mut slots = self.reset_slots.lock().unwrap();
        if slots.get(&id).is_some_and(|last| now - *last < window) {
            return Ok(false);
        }
        slots.insert(id, now);
        Ok(true)
    }
}

/// Keeps every enqueued email; the dispatcher side is not exercised by the web tests.
#[derive(Default)]
pub struct MemoryOutbox {
    emails: Mutex<Vec<Email>>,
}

impl MemoryOutbox {
    pub fn emails(&self) -> Vec<Email> {
        self.emails.lock().unwrap().clone()
    }
}

#[async_trait]
impl Outbox for MemoryOutbox {
    async fn enqueue(&self, email: &Email, _now: OffsetDateTime) -> Result<OutboxId, OutboxError> {
        let mut emails = self.emails.lock().unwrap();
        emails.push(email.clone());
        Ok(OutboxId(emails.len() as i64))
    }

    async fn claim_due(
        &self,
        _: OffsetDateTime,
        _: u32,
        _: Duration,
    ) -> Result<Vec<OutboxEntry>, OutboxError> {
        Ok(Vec::new())
    }

    async fn mark_sent(&self, _: OutboxId, _: OffsetDateTime) -> Result<(), OutboxError> {
        Ok(())
    }

    async fn reschedule(&self, _: OutboxId, _: OffsetDateTime, _: &str) -> Result<(), OutboxError> {
        Ok(())
    }

    async fn mark_dead(&self, _: OutboxId, _: &str) -> Result<(), OutboxError> {
        Ok(())
    }
}

/// Plain-text emails that carry what the tests need to read (the reset link).
pub struct TextComposer;

impl EmailComposer for TextComposer {
    fn compose(&self, to: Vec<String>, intent: &EmailIntent) -> Result<Email, ComposeError> {
        let (subject, text_body) = match intent {
            EmailIntent::ResetPassword { token, .. } => (
                "[Microblog] Reset Your Password".into(),
                format!("http://microblog.test/reset_password/{}", token.as_str()),
            ),
            EmailIntent::PasswordChanged { username, .. } => {
                ("[Microblog] Password changed".into(), username.clone())
            }
            EmailIntent::ServerError {
                request_line,
                request_id,
                error_chain,
                ..
            } => (
                "Microblog Failure".into(),
                format!("{request_line}\n{request_id}\n{}", error_chain.join("\n")),
            ),
            EmailIntent::Test { .. } => ("test".into(), String::new()),
        };
        Ok(Email {
            kind: intent.kind(),
            to,
            subject,
            html_body: text_body.clone(),
            text_body,
        })
    }
}

/// Ready or not, as a test decides.
#[derive(Default)]
pub struct SwitchableReadiness {
    pub failure: Mutex<Option<String>>,
}

#[async_trait]
impl Readiness for SwitchableReadiness {
    async fn check(&self) -> Result<(), String> {
        match self.failure.lock().unwrap().clone() {
            Some(reason) => Err(reason),
            None => Ok(()),
        }
    }
}
