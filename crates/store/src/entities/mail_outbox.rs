//! Entity of the `mail_outbox` table, and its status names.

use sea_orm::entity::prelude::*;

/// Waiting for its `next_attempt_at`.
pub(crate) const QUEUED: &str = "queued";
/// Leased to a dispatcher until `locked_until`.
pub(crate) const SENDING: &str = "sending";
/// Delivered; never claimed again.
pub(crate) const SENT: &str = "sent";
/// Given up on; kept for operators, never claimed again.
pub(crate) const DEAD: &str = "dead";

/// One queued email.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    /// The recipients, as a JSON array of strings.
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub locked_until: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
