//! Entity of the `mail_outbox` table, and its status names.

use sea_orm::entity::prelude::*;

/// Waiting for its `next_attempt_at`.
pub(crate) const QUEUED: &str = "queued";
/// Leased to a dispatcher until `locked_until`.
pub(crate) const SENDING: &str = "sending";
/// Delivered; never claimed again.
pub(crate) const SENT: &str = "sent";
/// Finished unsent: the request no longer applied (`last_error` says why).
pub(crate) const DROPPED: &str = "dropped";
/// Given up on; kept for operators, never claimed again.
pub(crate) const DEAD: &str = "dead";

/// One mail request.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    /// The recipients, as a JSON array of strings, for operators (the payload decides).
    pub recipient: String,
    /// The domain's `MailRequest` as JSON: never a token, never a rendered reset link.
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub locked_until: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
    /// When it was sent or dropped.
    pub sent_at: Option<i64>,
    /// When a dead entry was listed in a digest to `ADMINS` (`NULL`: not yet).
    pub reported_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
