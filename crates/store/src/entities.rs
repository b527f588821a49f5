//! sea-orm entities: the tables as the migrations define them. Private to this crate; the
//! repositories translate them to and from the domain's types.
//!
//! Every timestamp column is `i64` microseconds since the Unix epoch, UTC (see
//! [`crate::timestamp`]).

pub(crate) mod followers;
pub(crate) mod mail_outbox;
pub(crate) mod post;
pub(crate) mod session;
pub(crate) mod sign_in_attempt;
pub(crate) mod user;
