//! Entity of the `sign_in_attempts` table: one row per user with wrong passwords counted.

use sea_orm::entity::prelude::*;

/// The count of one user's current window, and their lock if any.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sign_in_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    /// The user's `session_epoch` this row belongs to; any other epoch's row is void.
    pub session_epoch: i64,
    pub window_started_at: i64,
    pub failures: i64,
    pub locked_until: Option<i64>,
    /// `failures` at the failure that started the current lock.
    pub locked_at_failure: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
