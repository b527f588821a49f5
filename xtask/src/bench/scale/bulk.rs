//! Multi-row `INSERT` statements built as text and sent a few thousand rows at a time, and
//! the secondary indexes taken off the seeded tables while they load (an index built once
//! from sorted data costs a fraction of one updated row by row).

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::fmt::Write as _;

/// Rows per `INSERT` statement: big enough that parsing and round trips vanish, small
/// enough that a statement stays a few hundred KiB.
const ROWS_PER_STATEMENT: usize = 4_000;

/// Statements built ahead of the one the database is running.
const STATEMENTS_AHEAD: usize = 4;

/// Inserts `rows` (each its SQL values without parentheses: `1, 'a', TRUE`) into `table`
/// through `conn`, and returns how many went in. A thread of its own turns the rows into
/// multi-row `INSERT` statements while the database runs the previous one, so the two
/// cores share the work.
pub async fn insert_all<C, R>(
    conn: &C,
    table: &str,
    columns: &[&str],
    rows: R,
) -> anyhow::Result<u64>
where
    C: ConnectionTrait,
    R: Iterator<Item = String> + Send + 'static,
{
    let columns: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
    let head = format!("INSERT INTO \"{table}\" ({}) VALUES ", columns.join(", "));
    let (statements, mut ready) = tokio::sync::mpsc::channel(STATEMENTS_AHEAD);
    let builder = std::thread::spawn(move || {
        let mut rows = rows.peekable();
        while rows.peek().is_some() {
            let mut sql = head.clone();
            let mut count = 0_u64;
            for row in rows.by_ref().take(ROWS_PER_STATEMENT) {
                if count > 0 {
                    sql.push(',');
                }
                let _ = write!(sql, "({row})");
                count += 1;
            }
            if statements.blocking_send((sql, count)).is_err() {
                return; // the inserting side failed and stopped listening
            }
        }
    });
    let mut inserted = 0;
    while let Some((sql, count)) = ready.recv().await {
        conn.execute_unprepared(&sql).await?;
        inserted += count;
    }
    builder
        .join()
        .map_err(|_| anyhow::anyhow!("building the {table} statements panicked"))?;
    Ok(inserted)
}

/// A SQL string literal.
pub fn text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// A secondary index taken off a table, with the statement that makes it again.
pub struct DroppedIndex {
    name: String,
    create: String,
}

/// Drops the indexes of `tables` that are neither primary keys nor behind a constraint,
/// and returns them so [`recreate`] can build them once the rows are in.
pub async fn drop_secondary_indexes(
    conn: &DatabaseConnection,
    tables: &[&str],
) -> anyhow::Result<Vec<DroppedIndex>> {
    let backend = conn.get_database_backend();
    let list = tables
        .iter()
        .map(|t| text(t))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = match backend {
        DbBackend::Postgres => format!(
            "SELECT indexname AS name, indexdef AS sql FROM pg_indexes \
             WHERE schemaname = current_schema() AND tablename IN ({list}) \
             AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        ),
        _ => format!(
            "SELECT name, sql FROM sqlite_master \
             WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({list})"
        ),
    };
    let mut dropped = Vec::new();
    for row in conn
        .query_all_raw(Statement::from_string(backend, sql))
        .await?
    {
        dropped.push(DroppedIndex {
            name: row.try_get("", "name")?,
            create: row.try_get("", "sql")?,
        });
    }
    for index in &dropped {
        conn.execute_unprepared(&format!("DROP INDEX \"{}\"", index.name))
            .await?;
    }
    Ok(dropped)
}

/// Builds the indexes [`drop_secondary_indexes`] took off.
pub async fn recreate(conn: &DatabaseConnection, dropped: &[DroppedIndex]) -> anyhow::Result<()> {
    for index in dropped {
        conn.execute_unprepared(&index.create).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_literals_double_their_quotes() {
        assert_eq!(text("it's"), "'it''s'");
        assert_eq!(text(""), "''");
    }
}
