//! `Binds`: a raw statement's bound values, handing out each value's placeholder in the
//! backend's syntax (`?` on SQLite, `$n` on PostgreSQL).

use microblog_domain::ports::RepoError;
use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement, Value};

/// The values of one raw statement, in placeholder order.
#[derive(Debug)]
pub(crate) struct Binds {
    backend: DbBackend,
    values: Vec<Value>,
}

impl Binds {
    pub(crate) fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            values: Vec::new(),
        }
    }

    /// Binds `value` and returns its placeholder. Each use of a value in the SQL gets its
    /// own call, and the calls must come in the order the placeholders appear in the text:
    /// SQLite numbers `?` by position.
    pub(crate) fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        match self.backend {
            DbBackend::Postgres => format!("${}", self.values.len()),
            _ => "?".to_owned(),
        }
    }

    /// The statement of `sql` with these values.
    pub(crate) fn statement(self, sql: impl Into<String>) -> Statement {
        Statement::from_sql_and_values(self.backend, sql.into(), self.values)
    }

    /// The first row `sql` with these values returns on `conn`, if any.
    pub(crate) async fn query_one(
        self,
        conn: &impl ConnectionTrait,
        sql: impl Into<String>,
    ) -> Result<Option<QueryResult>, RepoError> {
        conn.query_one_raw(self.statement(sql))
            .await
            .map_err(RepoError::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_backend() {
        let mut postgres = Binds::new(DbBackend::Postgres);
        assert_eq!(
            (postgres.bind(1i64), postgres.bind(1i64)),
            ("$1".into(), "$2".into())
        );
        let mut sqlite = Binds::new(DbBackend::Sqlite);
        assert_eq!(sqlite.bind(1i64), "?");
        let statement = sqlite.statement("SELECT ?");
        assert_eq!(statement.values.map(|v| v.0.len()), Some(1));
    }
}
