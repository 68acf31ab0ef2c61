//! Store errors.
//!
//! Policy: every database failure is returned, never swallowed; the variants say what
//! happened so callers can map them (a missing row is `NotFound`, a unique violation
//! `Conflict`, a connection lost or refused `Connection`), and the rest is `Database`
//! with the diesel error kept for the logs.

use thiserror::Error;

/// What went wrong in the store.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database URL is neither a SQLite path nor a PostgreSQL URL.
    #[error("database URL: {0}")]
    InvalidUrl(String),
    /// A connection could not be made or taken from the pool, or was lost under a query.
    #[error("database connection: {0}")]
    Connection(String),
    /// The connection does not have the settings the platform relies on.
    #[error("database settings: {0}")]
    Settings(String),
    /// A migration failed.
    #[error("migration: {0}")]
    Migration(String),
    /// The database's storage is full (the disk, the file system, the volume): nothing
    /// was written; writing works again once there is room.
    #[error("storage full: {0}")]
    StorageFull(String),
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A uniqueness or concurrency conflict.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A stored value is not one the code understands (a corrupted or foreign row).
    #[error("stored data: {0}")]
    Corrupt(String),
    /// Any other database error.
    #[error("database: {0}")]
    Database(#[source] diesel::result::Error),
}

impl StoreError {
    /// Whether the database cannot take requests now (it cannot be reached, or its
    /// storage is full) rather than this request being at fault: a caller answers
    /// "unavailable, try again later".
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Connection(_) | StoreError::StorageFull(_))
    }
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => StoreError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::Conflict(info.constraint_name().unwrap_or("unique").to_owned())
            }
            // The server went away under a query: an outage, like a pool that cannot
            // connect, not a fault of the request.
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                StoreError::Connection(info.message().to_owned())
            }
            Error::DatabaseError(_, info) if is_storage_full(info.message()) => {
                StoreError::StorageFull(info.message().to_owned())
            }
            other => StoreError::Database(other),
        }
    }
}

/// Whether a database's error message says its storage is full: SQLite's
/// `SQLITE_FULL` ("database or disk is full") or a write of its journal that failed
/// ("disk I/O error"), PostgreSQL's `disk_full` ("could not extend file … No space left
/// on device").
fn is_storage_full(message: &str) -> bool {
    [
        "database or disk is full",
        "disk I/O error",
        "No space left on device",
        "could not extend file",
    ]
    .iter()
    .any(|m| message.contains(m))
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        StoreError::Connection(e.to_string())
    }
}
