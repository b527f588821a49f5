//! `SeaOrmUsers`: the `UserRepository` port on the `user` table.

use crate::binds::Binds;
use crate::constraint::{UserUnique, user_unique_violation};
use crate::entities::user;
use crate::timestamp::{duration_micros, from_micros, to_micros};
use crate::write_gate::WriteGate;
use async_trait::async_trait;
use microblog_domain::ports::{
    CreateUserError, EmailChangeOutcome, RepoError, UpdateProfileError, UserRepository,
};
use microblog_domain::{
    AboutMe, EmailAddress, NewUser, PasswordHash, PendingEmail, User, UserId, Username,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, DatabaseConnection,
    DbErr, EntityTrait, QueryFilter, QueryResult,
};
use std::time::Duration;
use time::OffsetDateTime;

/// Users stored with sea-orm. Build one with [`crate::Database::users`].
#[derive(Clone, Debug)]
pub struct SeaOrmUsers {
    conn: DatabaseConnection,
    writes: WriteGate,
}

impl SeaOrmUsers {
    pub(crate) fn new(conn: DatabaseConnection, writes: WriteGate) -> Self {
        Self { conn, writes }
    }

    /// The user whose `column` (a unique one: id, username, normalized email) is `value`:
    /// a constant statement per column (each pooled connection prepares it once) read by
    /// position, as sea-orm's `find` built its `SELECT` anew and formatted every column's
    /// name per row (callgrind, `xtask/profile/profile.sh`). No `LIMIT`: a bound one makes
    /// SQLite recompile the statement on every call (see `posts::timeline`), and a unique
    /// key needs none.
    async fn find(
        &self,
        column: UniqueColumn,
        value: impl Into<sea_orm::Value>,
    ) -> Result<Option<User>, RepoError> {
        let mut binds = Binds::new(self.conn.get_database_backend());
        let sql = format!(
            r#"SELECT {USER_COLUMNS} FROM "user" AS "u" WHERE "u"."{}" = {}"#,
            column.name(),
            binds.bind(value),
        );
        binds
            .query_one(&self.conn, sql)
            .await?
            .map(|row| user_at(&row, 0).map_err(RepoError::new).and_then(to_user))
            .transpose()
    }

    /// One conditional `UPDATE ... SET slot = now WHERE id = ? AND (slot IS NULL OR slot <=
    /// now - window)`: exactly `window` after the last win, the slot is free again. The
    /// per-account throttles (reset requests, confirmation resends) are such slots.
    async fn claim_slot(
        &self,
        slot: user::Column,
        id: UserId,
        now: OffsetDateTime,
        window: Duration,
    ) -> Result<bool, RepoError> {
        let _turn = self.writes.turn().await;
        let now = to_micros(now);
        let free_since = now.saturating_sub(duration_micros(window));
        let result = user::Entity::update_many()
            .col_expr(slot, Expr::value(now))
            .filter(user::Column::Id.eq(id.0))
            .filter(slot.is_null().or(slot.lte(free_since)))
            .exec(&self.conn)
            .await
            .map_err(RepoError::new)?;
        Ok(result.rows_affected == 1)
    }
}

#[async_trait]
impl UserRepository for SeaOrmUsers {
    async fn create(&self, new: NewUser) -> Result<User, CreateUserError> {
        let _turn = self.writes.turn().await;
        let created_at = to_micros(new.created_at);
        let row = user::ActiveModel {
            id: NotSet,
            username: Set(new.username.as_str().to_owned()),
            username_skeleton: Set(Some(new.username.skeleton().as_str().to_owned())),
            email: Set(new.email.as_str().to_owned()),
            email_normalized: Set(new.email.normalized().to_owned()),
            password_hash: Set(new.password_hash.as_str().to_owned()),
            about_me: Set(String::new()),
            last_seen: Set(created_at),
            session_epoch: Set(0),
            last_reset_requested_at: Set(None),
            email_confirmed_at: Set(None),
            confirmation_sent_at: Set(None),
            pending_email: Set(None),
            pending_email_requested_at: Set(None),
            created_at: Set(created_at),
        };
        let model =
            row.insert(&self.conn)
                .await
                .map_err(|err| match user_unique_violation(&err) {
                    Some(UserUnique::Username) => CreateUserError::UsernameTaken,
                    Some(UserUnique::EmailNormalized) => CreateUserError::EmailTaken,
                    None => CreateUserError::Repo(RepoError::new(err)),
                })?;
        Ok(to_user(model)?)
    }

    async fn by_id(&self, id: UserId) -> Result<Option<User>, RepoError> {
        self.find(UniqueColumn::Id, id.0).await
    }

    async fn by_username(&self, username: &Username) -> Result<Option<User>, RepoError> {
        self.find(UniqueColumn::Username, username.as_str()).await
    }

    async fn by_email(&self, email: &EmailAddress) -> Result<Option<User>, RepoError> {
        self.find(UniqueColumn::EmailNormalized, email.normalized())
            .await
    }

    /// One `UPDATE ... RETURNING`. The skeleton changes only with the name: a user keeping
    /// a name that looked like an older user's when skeletons were introduced (whose
    /// skeleton is `NULL`) can still edit their about-me. (`SET` expressions read the row as
    /// it was, on both backends.)
    async fn update_profile(
        &self,
        id: UserId,
        username: &Username,
        about_me: &AboutMe,
    ) -> Result<User, UpdateProfileError> {
        let _turn = self.writes.turn().await;
        let skeleton = username.skeleton();
        let same_name = user::Column::Username.eq(username.as_str());
        let skeleton_expr = Expr::case(same_name, Expr::col(user::Column::UsernameSkeleton))
            .finally(Expr::value(skeleton.as_str()));
        let updated = user::Entity::update_many()
            .col_expr(user::Column::Username, Expr::value(username.as_str()))
            .col_expr(user::Column::UsernameSkeleton, skeleton_expr.into())
            .col_expr(user::Column::AboutMe, Expr::value(about_me.as_str()))
            .filter(user::Column::Id.eq(id.0))
            .exec_with_returning(&self.conn)
            .await
            .map_err(|err| match user_unique_violation(&err) {
                Some(UserUnique::Username) => UpdateProfileError::UsernameTaken,
                _ => UpdateProfileError::Repo(RepoError::new(err)),
            })?;
        match updated.into_iter().next() {
            Some(model) => Ok(to_user(model)?),
            None => Err(UpdateProfileError::NotFound),
        }
    }

    async fn touch_last_seen(&self, id: UserId, at: OffsetDateTime) -> Result<(), RepoError> {
        let _turn = self.writes.turn().await;
        user::Entity::update_many()
            .col_expr(user::Column::LastSeen, Expr::value(to_micros(at)))
            .filter(user::Column::Id.eq(id.0))
            .exec(&self.conn)
            .await
            .map_err(RepoError::new)?;
        Ok(())
    }

    /// One conditional `UPDATE ... WHERE id = ? AND password_hash = expected`, which also
    /// bumps `session_epoch`: the row lock makes the second of two racing calls match nothing.
    async fn replace_password_hash(
        &self,
        id: UserId,
        expected: &PasswordHash,
        new: &PasswordHash,
    ) -> Result<bool, RepoError> {
        let _turn = self.writes.turn().await;
        let result = user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::value(new.as_str()))
            .col_expr(
                user::Column::SessionEpoch,
                Expr::col(user::Column::SessionEpoch).add(1),
            )
            .filter(user::Column::Id.eq(id.0))
            .filter(user::Column::PasswordHash.eq(expected.as_str()))
            .exec(&self.conn)
            .await
            .map_err(RepoError::new)?;
        Ok(result.rows_affected == 1)
    }

    /// Claims the `last_reset_requested_at` slot (see `claim_slot`).
    async fn claim_reset_slot(
        &self,
        id: UserId,
        now: OffsetDateTime,
        window: Duration,
    ) -> Result<bool, RepoError> {
        self.claim_slot(user::Column::LastResetRequestedAt, id, now, window)
            .await
    }

    /// One conditional `UPDATE ... SET email_confirmed_at = ? WHERE id = ? AND
    /// email_normalized = ? AND email_confirmed_at IS NULL`.
    async fn confirm_email(
        &self,
        id: UserId,
        address: &str,
        at: OffsetDateTime,
    ) -> Result<bool, RepoError> {
        let _turn = self.writes.turn().await;
        let result = user::Entity::update_many()
            .col_expr(user::Column::EmailConfirmedAt, Expr::value(to_micros(at)))
            .filter(user::Column::Id.eq(id.0))
            .filter(user::Column::EmailNormalized.eq(address))
            .filter(user::Column::EmailConfirmedAt.is_null())
            .exec(&self.conn)
            .await
            .map_err(RepoError::new)?;
        Ok(result.rows_affected == 1)
    }

    /// Claims the `confirmation_sent_at` slot (see `claim_slot`).
    async fn claim_confirmation_slot(
        &self,
        id: UserId,
        now: OffsetDateTime,
        window: Duration,
    ) -> Result<bool, RepoError> {
        self.claim_slot(user::Column::ConfirmationSentAt, id, now, window)
            .await
    }

    async fn request_email_change(
        &self,
        id: UserId,
        address: &EmailAddress,
        requested_at: OffsetDateTime,
    ) -> Result<bool, RepoError> {
        let _turn = self.writes.turn().await;
        let result = user::Entity::update_many()
            .col_expr(user::Column::PendingEmail, Expr::value(address.as_str()))
            .col_expr(
                user::Column::PendingEmailRequestedAt,
                Expr::value(to_micros(requested_at)),
            )
            .filter(user::Column::Id.eq(id.0))
            .exec(&self.conn)
            .await
            .map_err(RepoError::new)?;
        Ok(result.rows_affected == 1)
    }

    /// Reads the row, then one compare-and-set `UPDATE` keyed on the pending change's time
    /// and the current address: of concurrent calls at most one matches. The unique index
    /// on `email_normalized` refuses an address another account took meanwhile; the
    /// pending change is then cleared with its own compare-and-set.
    async fn apply_email_change(
        &self,
        id: UserId,
        address: &str,
        requested_at: OffsetDateTime,
        at: OffsetDateTime,
    ) -> Result<EmailChangeOutcome, RepoError> {
        let Some(user) = self.by_id(id).await? else {
            return Ok(EmailChangeOutcome::NotPending);
        };
        let Some(pending) = user
            .pending_email
            .filter(|pending| pending.is_request(address, requested_at))
        else {
            return Ok(EmailChangeOutcome::NotPending);
        };
        let _turn = self.writes.turn().await;
        let applied = user::Entity::update_many()
            .col_expr(user::Column::Email, Expr::value(pending.address.as_str()))
            .col_expr(
                user::Column::EmailNormalized,
                Expr::value(pending.address.normalized()),
            )
            .col_expr(user::Column::EmailConfirmedAt, Expr::value(to_micros(at)))
            .col_expr(user::Column::PendingEmail, Expr::value(None::<String>))
            .col_expr(
                user::Column::PendingEmailRequestedAt,
                Expr::value(None::<i64>),
            )
            .filter(user::Column::Id.eq(id.0))
            .filter(user::Column::PendingEmailRequestedAt.eq(to_micros(requested_at)))
            .filter(user::Column::EmailNormalized.eq(user.email.normalized()))
            .exec(&self.conn)
            .await;
        match applied {
            Ok(result) if result.rows_affected == 1 => Ok(EmailChangeOutcome::Applied {
                previous: user.email,
            }),
            Ok(_) => Ok(EmailChangeOutcome::NotPending),
            Err(err) if user_unique_violation(&err) == Some(UserUnique::EmailNormalized) => {
                user::Entity::update_many()
                    .col_expr(user::Column::PendingEmail, Expr::value(None::<String>))
                    .col_expr(
                        user::Column::PendingEmailRequestedAt,
                        Expr::value(None::<i64>),
                    )
                    .filter(user::Column::Id.eq(id.0))
                    .filter(user::Column::PendingEmailRequestedAt.eq(to_micros(requested_at)))
                    .exec(&self.conn)
                    .await
                    .map_err(RepoError::new)?;
                Ok(EmailChangeOutcome::AddressTaken)
            }
            Err(err) => Err(RepoError::new(err)),
        }
    }
}

/// The unique columns a user is found by.
#[derive(Clone, Copy, Debug)]
enum UniqueColumn {
    Id,
    Username,
    EmailNormalized,
}

impl UniqueColumn {
    fn name(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Username => "username",
            Self::EmailNormalized => "email_normalized",
        }
    }
}

/// Every column of `"user" AS "u"`, in the entity's field order, for [`user_at`].
pub(crate) const USER_COLUMNS: &str = r#""u"."id", "u"."username", "u"."username_skeleton", "u"."email", "u"."email_normalized", "u"."password_hash", "u"."about_me", "u"."last_seen", "u"."session_epoch", "u"."last_reset_requested_at", "u"."email_confirmed_at", "u"."confirmation_sent_at", "u"."pending_email", "u"."pending_email_requested_at", "u"."created_at""#;

/// The user of a row whose columns from position `first` on are [`USER_COLUMNS`]. A column
/// added to the entity fails to compile here until it is read.
pub(crate) fn user_at(row: &QueryResult, first: usize) -> Result<user::Model, DbErr> {
    let at = |offset: usize| first + offset;
    Ok(user::Model {
        id: row.try_get_by_index(at(0))?,
        username: row.try_get_by_index(at(1))?,
        username_skeleton: row.try_get_by_index(at(2))?,
        email: row.try_get_by_index(at(3))?,
        email_normalized: row.try_get_by_index(at(4))?,
        password_hash: row.try_get_by_index(at(5))?,
        about_me: row.try_get_by_index(at(6))?,
        last_seen: row.try_get_by_index(at(7))?,
        session_epoch: row.try_get_by_index(at(8))?,
        last_reset_requested_at: row.try_get_by_index(at(9))?,
        email_confirmed_at: row.try_get_by_index(at(10))?,
        confirmation_sent_at: row.try_get_by_index(at(11))?,
        pending_email: row.try_get_by_index(at(12))?,
        pending_email_requested_at: row.try_get_by_index(at(13))?,
        created_at: row.try_get_by_index(at(14))?,
    })
}

/// A row as the domain's `User`, read under the rules it was written with (`from_stored`:
/// names and texts stored before the rules against spoofing and control characters keep
/// loading); a row the domain would not accept even so is a storage failure.
pub(crate) fn to_user(row: user::Model) -> Result<User, RepoError> {
    Ok(User {
        id: UserId(row.id),
        username: Username::from_stored(&row.username).map_err(RepoError::new)?,
        email: EmailAddress::from_stored(&row.email, &row.email_normalized)
            .map_err(RepoError::new)?,
        password_hash: PasswordHash::from_phc(row.password_hash),
        about_me: AboutMe::from_stored(&row.about_me).map_err(RepoError::new)?,
        last_seen: from_micros(row.last_seen).map_err(RepoError::new)?,
        session_epoch: row.session_epoch,
        email_confirmed: row.email_confirmed_at.is_some(),
        pending_email: match (row.pending_email, row.pending_email_requested_at) {
            (Some(address), Some(requested_at)) => Some(PendingEmail {
                address: EmailAddress::parse(&address).map_err(RepoError::new)?,
                requested_at: from_micros(requested_at).map_err(RepoError::new)?,
            }),
            _ => None,
        },
        created_at: from_micros(row.created_at).map_err(RepoError::new)?,
    })
}
