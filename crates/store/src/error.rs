//! `StoreError`: what the database handle itself (connect, migrate, ping) can fail with.
//! The repositories translate their failures into the ports' own errors instead.

use sea_orm::DbErr;

/// A failure of the database handle.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no backend this build supports. Only the scheme is reported (a URL
    /// may carry a password).
    #[error("unsupported database URL scheme {scheme:?}: expected sqlite: or postgres:")]
    UnsupportedUrl { scheme: String },
    /// Could not open the connection pool.
    #[error("could not connect to the {backend} database")]
    Connect {
        backend: &'static str,
        #[source]
        source: DbErr,
    },
    /// Applying or inspecting migrations failed.
    #[error("database migration failed")]
    Migrate(#[source] DbErr),
    /// A query failed (the database is unreachable or refused it).
    #[error("database query failed")]
    Query(#[source] DbErr),
}
