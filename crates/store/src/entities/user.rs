//! Entity of the `user` table.

use sea_orm::entity::prelude::*;

/// One row of `user`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub username: String,
    /// What the name looks like (the domain's `UsernameSkeleton`), unique. `NULL` only for
    /// names that looked like an older user's when the column was added.
    pub username_skeleton: Option<String>,
    /// The address as entered: where mail goes.
    pub email: String,
    /// The lookup key (unique).
    pub email_normalized: String,
    pub password_hash: String,
    pub about_me: String,
    pub last_seen: i64,
    pub session_epoch: i64,
    pub last_reset_requested_at: Option<i64>,
    /// When the current address was confirmed; `NULL` while unconfirmed.
    pub email_confirmed_at: Option<i64>,
    /// When "send the confirmation again" last won its slot.
    pub confirmation_sent_at: Option<i64>,
    /// A new address asked for and not confirmed yet, as entered.
    pub pending_email: Option<String>,
    /// When that change was asked for; `NULL` exactly when `pending_email` is.
    pub pending_email_requested_at: Option<i64>,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::post::Entity")]
    Post,
}

impl Related<super::post::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Post.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
