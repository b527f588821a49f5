//! `mail_outbox` stores requests, not messages: the `subject`, `text_body` and `html_body`
//! columns (which held every reset link in clear, forever) give way to `payload`, the JSON of
//! the domain's `MailRequest`, and a new final status `dropped` joins `sent` and `dead`.
//!
//! Both changes need a new table (SQLite cannot alter a `CHECK` constraint), so the rows are
//! copied into `mail_outbox_next`, which then takes the old table's name; ids, states,
//! attempts and times are kept, so the dispatcher's leases and fencing carry over. Each row's
//! message becomes a request:
//! - a reset email becomes a reset request for its recipient's address, without its token
//!   (a queued one will get a fresh link when it is sent; an unreadable address leaves an
//!   unsent one `dead`);
//! - any other message (it carries no token) keeps its text as a `Composed` request.
//!
//! `down` rebuilds the old table: composed messages get their text back, `dropped` rows
//! become `dead` with their reason, and unsent requests, which the old version cannot render,
//! become `dead` too.

use microblog_domain::MailRequest;
use microblog_domain::values::EmailAddress;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, QueryResult};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum MailOutbox {
    Table,
    Id,
    Kind,
    Recipient,
    Subject,
    TextBody,
    HtmlBody,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LastError,
    CreatedAt,
    SentAt,
}

/// The table being built, renamed to `mail_outbox` once filled.
#[derive(DeriveIden, Clone, Copy)]
struct MailOutboxNext;

/// The due-scan index (see the migration that created the table).
const DUE_INDEX: &str = "idx_mail_outbox_status_next_attempt_at";
/// Rows inserted per statement while copying.
const BATCH: usize = 200;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, Shape::Requests).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, Shape::Messages).await
    }
}

/// The two layouts of the table.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Before: the composed message in three text columns.
    Messages,
    /// After: the request as JSON in `payload`, and the `dropped` status.
    Requests,
}

/// Copies every row into a table of `shape`, converting it, and puts that table in place.
async fn rebuild(manager: &SchemaManager<'_>, shape: Shape) -> Result<(), DbErr> {
    manager.create_table(table(shape)).await?;
    let conn = manager.get_connection();
    let rows = conn
        .query_all(
            &Query::select()
                .expr(Expr::cust("*"))
                .from(MailOutbox::Table)
                .to_owned(),
        )
        .await?;
    for chunk in rows.chunks(BATCH) {
        let mut insert = Query::insert()
            .into_table(MailOutboxNext)
            .columns(columns(shape))
            .to_owned();
        for row in chunk {
            insert.values_panic(convert(row, shape)?);
        }
        conn.execute(&insert).await?;
    }
    manager
        .drop_table(Table::drop().table(MailOutbox::Table).to_owned())
        .await?;
    manager
        .rename_table(
            Table::rename()
                .table(MailOutboxNext, MailOutbox::Table)
                .to_owned(),
        )
        .await?;
    if manager.get_database_backend() == DbBackend::Postgres {
        // The new table's own sequence continues after the highest id: ids are never reused.
        conn.execute_unprepared(
            "SELECT setval(pg_get_serial_sequence('mail_outbox', 'id'), \
             GREATEST((SELECT MAX(id) FROM mail_outbox), 1))",
        )
        .await?;
    }
    manager
        .create_index(
            Index::create()
                .name(DUE_INDEX)
                .table(MailOutbox::Table)
                .col(MailOutbox::Status)
                .col(MailOutbox::NextAttemptAt)
                .to_owned(),
        )
        .await
}

fn table(shape: Shape) -> TableCreateStatement {
    let statuses: &[&str] = match shape {
        Shape::Messages => &["queued", "sending", "sent", "dead"],
        Shape::Requests => &["queued", "sending", "sent", "dropped", "dead"],
    };
    let mut table = Table::create();
    table
        .table(MailOutboxNext)
        .col(
            ColumnDef::new(MailOutbox::Id)
                .big_integer()
                .not_null()
                .auto_increment()
                .primary_key(),
        )
        .col(ColumnDef::new(MailOutbox::Kind).string_len(32).not_null())
        .col(ColumnDef::new(MailOutbox::Recipient).text().not_null());
    match shape {
        Shape::Messages => {
            table
                .col(ColumnDef::new(MailOutbox::Subject).text().not_null())
                .col(ColumnDef::new(MailOutbox::TextBody).text().not_null())
                .col(ColumnDef::new(MailOutbox::HtmlBody).text().not_null());
        }
        Shape::Requests => {
            table.col(ColumnDef::new(MailOutbox::Payload).text().not_null());
        }
    }
    table
        .col(
            ColumnDef::new(MailOutbox::Status)
                .string_len(16)
                .not_null()
                .default("queued")
                .check(Expr::col(MailOutbox::Status).is_in(statuses.iter().copied())),
        )
        .col(
            ColumnDef::new(MailOutbox::Attempts)
                .integer()
                .not_null()
                .default(0),
        )
        .col(
            ColumnDef::new(MailOutbox::NextAttemptAt)
                .big_integer()
                .not_null(),
        )
        .col(ColumnDef::new(MailOutbox::LockedUntil).big_integer().null())
        .col(ColumnDef::new(MailOutbox::LastError).text().null())
        .col(
            ColumnDef::new(MailOutbox::CreatedAt)
                .big_integer()
                .not_null(),
        )
        .col(ColumnDef::new(MailOutbox::SentAt).big_integer().null())
        .to_owned()
}

fn columns(shape: Shape) -> Vec<MailOutbox> {
    use MailOutbox::*;
    let mut columns = vec![Id, Kind, Recipient];
    match shape {
        Shape::Messages => columns.extend([Subject, TextBody, HtmlBody]),
        Shape::Requests => columns.push(Payload),
    }
    columns.extend([
        Status,
        Attempts,
        NextAttemptAt,
        LockedUntil,
        LastError,
        CreatedAt,
        SentAt,
    ]);
    columns
}

/// One old row as the values of a row of `shape`, in [`columns`] order.
fn convert(row: &QueryResult, shape: Shape) -> Result<Vec<SimpleExpr>, DbErr> {
    let id: i64 = row.try_get("", "id")?;
    let kind: String = row.try_get("", "kind")?;
    let recipient: String = row.try_get("", "recipient")?;
    let mut status: String = row.try_get("", "status")?;
    let mut last_error: Option<String> = row.try_get("", "last_error")?;
    let to: Vec<String> = serde_json::from_str(&recipient).unwrap_or_default();
    let unsent = status == "queued" || status == "sending";
    let mut values: Vec<SimpleExpr> = vec![id.into(), kind.clone().into(), recipient.into()];
    match shape {
        Shape::Requests => {
            let subject: String = row.try_get("", "subject")?;
            let text_body: String = row.try_get("", "text_body")?;
            let html_body: String = row.try_get("", "html_body")?;
            let request = if kind == "reset_password" {
                let address = to.first().and_then(|to| EmailAddress::parse(to).ok());
                if address.is_none() && unsent {
                    status = "dead".into();
                    last_error = Some("converted without a readable recipient".into());
                }
                MailRequest::ResetPassword {
                    address: address
                        .map(|a| a.normalized().to_owned())
                        .unwrap_or_default(),
                }
            } else {
                MailRequest::Composed {
                    kind,
                    to,
                    subject,
                    text_body,
                    html_body,
                }
            };
            let payload =
                serde_json::to_string(&request).map_err(|e| DbErr::Custom(e.to_string()))?;
            values.push(payload.into());
        }
        Shape::Messages => {
            let payload: String = row.try_get("", "payload")?;
            let (subject, text_body, html_body) = match serde_json::from_str(&payload) {
                Ok(MailRequest::Composed {
                    subject,
                    text_body,
                    html_body,
                    ..
                }) => (subject, text_body, html_body),
                _ => {
                    if unsent {
                        status = "dead".into();
                        last_error = Some("a request this version cannot render".into());
                    }
                    Default::default()
                }
            };
            if status == "dropped" {
                status = "dead".into();
                last_error = Some(format!("dropped: {}", last_error.unwrap_or_default()));
            }
            values.extend([subject.into(), text_body.into(), html_body.into()]);
        }
    }
    let attempts: i32 = row.try_get("", "attempts")?;
    let next_attempt_at: i64 = row.try_get("", "next_attempt_at")?;
    let locked_until: Option<i64> = row.try_get("", "locked_until")?;
    let created_at: i64 = row.try_get("", "created_at")?;
    let sent_at: Option<i64> = row.try_get("", "sent_at")?;
    let locked_until = if status == "dead" { None } else { locked_until };
    values.extend([
        status.into(),
        attempts.into(),
        next_attempt_at.into(),
        locked_until.into(),
        last_error.into(),
        created_at.into(),
        sent_at.into(),
    ]);
    Ok(values)
}
