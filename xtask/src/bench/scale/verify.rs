//! The check that the seeder's computed home feeds are what the product would build:
//! `microblog rebuild-timelines` on the seeded database must leave every row as it was.

use super::cli;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::path::Path;

/// One `timeline_entry` row: user, post timestamp, post, author.
type FeedRow = (i64, i64, i64, i64);

/// Reads every feed row, runs `microblog rebuild-timelines`, reads them again and fails on
/// the first difference. Cheap at S only: it reads the whole table twice.
pub async fn feeds_match_rebuild(
    conn: &DatabaseConnection,
    microblog: &Path,
    url: &str,
) -> anyhow::Result<()> {
    let seeded = feed_rows(conn).await?;
    cli::microblog(microblog, &["rebuild-timelines"], url)?;
    let rebuilt = feed_rows(conn).await?;
    if let Some(difference) = first_difference(&seeded, &rebuilt) {
        anyhow::bail!(
            "the seeded home feeds differ from what `microblog rebuild-timelines` builds: {difference}"
        );
    }
    println!(
        "  verified: rebuild-timelines left all {} seeded feed rows unchanged",
        seeded.len()
    );
    Ok(())
}

async fn feed_rows(conn: &DatabaseConnection) -> anyhow::Result<Vec<FeedRow>> {
    let sql = r#"SELECT "user_id", "post_timestamp", "post_id", "author_id" FROM "timeline_entry" ORDER BY "user_id", "post_timestamp", "post_id""#;
    let backend = conn.get_database_backend();
    conn.query_all_raw(Statement::from_string(backend, sql))
        .await?
        .iter()
        .map(|row| {
            Ok((
                row.try_get("", "user_id")?,
                row.try_get("", "post_timestamp")?,
                row.try_get("", "post_id")?,
                row.try_get("", "author_id")?,
            ))
        })
        .collect()
}

/// The first row that one side has and the other has not, both sorted alike, or a count
/// mismatch; `None` when they are equal.
fn first_difference(seeded: &[FeedRow], rebuilt: &[FeedRow]) -> Option<String> {
    if let Some((a, b)) = seeded.iter().zip(rebuilt).find(|(a, b)| a != b) {
        return Some(format!("seeded row {a:?} where the rebuild has {b:?}"));
    }
    (seeded.len() != rebuilt.len()).then(|| {
        format!(
            "{} seeded rows, {} after the rebuild",
            seeded.len(),
            rebuilt.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_the_first_unequal_row_or_the_counts() {
        let rows = [(1, 10, 5, 2), (1, 20, 6, 3)];
        assert_eq!(first_difference(&rows, &rows), None);
        let moved = [(1, 10, 5, 2), (1, 21, 6, 3)];
        assert!(
            first_difference(&rows, &moved)
                .unwrap()
                .contains("(1, 20, 6, 3)")
        );
        assert!(
            first_difference(&rows, &rows[..1])
                .unwrap()
                .contains("2 seeded rows, 1 after")
        );
    }
}
