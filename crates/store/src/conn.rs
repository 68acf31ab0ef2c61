//! One connection type over PostgreSQL and SQLite, chosen from the URL.
//!
//! A bare path or `sqlite://path` is SQLite (the embedded default); `postgres://` or
//! `postgresql://` is PostgreSQL (production). Every SQLite connection is set to WAL,
//! a busy timeout of at least five seconds and enforced foreign keys as it is opened.

use crate::StoreError;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

/// A database connection on either backend.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// PostgreSQL, the production database.
    Postgres(diesel::PgConnection),
    /// SQLite, the embedded default.
    Sqlite(diesel::SqliteConnection),
}

impl std::fmt::Debug for DbConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DbConn::Postgres(_) => "DbConn::Postgres",
            DbConn::Sqlite(_) => "DbConn::Sqlite",
        })
    }
}

/// Which database engine a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Backend {
    /// A short lower-case name (`sqlite`, `postgres`).
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

impl DbConn {
    /// The backend of this connection.
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Postgres(_) => Backend::Postgres,
            DbConn::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// Where the database is, parsed from the configured URL.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// A PostgreSQL connection URL (may carry a password: never printed).
    Postgres(String),
    /// A SQLite database file.
    Sqlite(std::path::PathBuf),
}

impl std::fmt::Debug for DatabaseTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseTarget::Postgres(_) => f.write_str("Postgres(<redacted>)"),
            DatabaseTarget::Sqlite(p) => write!(f, "Sqlite({})", p.display()),
        }
    }
}

impl DatabaseTarget {
    /// Parses a database URL: `postgres://`/`postgresql://` → PostgreSQL;
    /// `sqlite://path` or a bare path → SQLite. Anything else with a scheme is refused.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(StoreError::InvalidUrl("it is empty".into()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let parsed = url::Url::parse(url)
                .map_err(|e| StoreError::InvalidUrl(format!("not a valid PostgreSQL URL ({e})")))?;
            if parsed.host_str().is_none_or(str::is_empty) && !url.contains("host=") {
                return Err(StoreError::InvalidUrl(
                    "the PostgreSQL URL names no host".into(),
                ));
            }
            return Ok(DatabaseTarget::Postgres(url.to_owned()));
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(StoreError::InvalidUrl(
                    "the sqlite:// URL names no file".into(),
                ));
            }
            return Ok(DatabaseTarget::Sqlite(path.into()));
        }
        if let Some((scheme, _)) = url.split_once("://") {
            return Err(StoreError::InvalidUrl(format!(
                "unsupported scheme '{scheme}' (use postgres://, sqlite:// or a file path)"
            )));
        }
        Ok(DatabaseTarget::Sqlite(url.into()))
    }

    /// The backend this target uses.
    pub fn backend(&self) -> Backend {
        match self {
            DatabaseTarget::Postgres(_) => Backend::Postgres,
            DatabaseTarget::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// Opens one connection, with the SQLite settings applied.
    pub fn connect(&self) -> Result<DbConn, diesel::r2d2::Error> {
        use diesel::r2d2::Error;
        match self {
            DatabaseTarget::Postgres(url) => diesel::PgConnection::establish(url)
                .map(DbConn::Postgres)
                .map_err(Error::ConnectionError),
            DatabaseTarget::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut conn =
                    diesel::SqliteConnection::establish(&path).map_err(Error::ConnectionError)?;
                // busy_timeout first, so that switching to WAL waits for other writers.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000;
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = NORMAL;
                     PRAGMA foreign_keys = ON;",
                )
                .map_err(Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }
}

#[derive(QueryableByName)]
struct JournalMode {
    #[diesel(sql_type = Text)]
    journal_mode: String,
}

#[derive(QueryableByName)]
struct Timeout {
    #[diesel(sql_type = Integer)]
    timeout: i32,
}

#[derive(QueryableByName)]
struct ForeignKeys {
    #[diesel(sql_type = Integer)]
    foreign_keys: i32,
}

/// Checks that a SQLite connection really has WAL, a busy timeout of at least 5 s and
/// enforced foreign keys. PostgreSQL needs no such settings.
pub(crate) fn check_settings(conn: &mut DbConn) -> Result<(), StoreError> {
    let DbConn::Sqlite(c) = conn else {
        return Ok(());
    };
    let mode: JournalMode = diesel::sql_query("PRAGMA journal_mode").get_result(c)?;
    if !mode.journal_mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Settings(format!(
            "SQLite journal_mode is {}, not WAL",
            mode.journal_mode
        )));
    }
    let timeout: Timeout = diesel::sql_query("PRAGMA busy_timeout").get_result(c)?;
    if timeout.timeout < 5000 {
        return Err(StoreError::Settings(format!(
            "SQLite busy_timeout is {} ms, below 5000",
            timeout.timeout
        )));
    }
    let fk: ForeignKeys = diesel::sql_query("PRAGMA foreign_keys").get_result(c)?;
    if fk.foreign_keys != 1 {
        return Err(StoreError::Settings("SQLite foreign_keys is off".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_backend_by_scheme() {
        let cases = [
            ("./data/schakel.db", Some(Backend::Sqlite)),
            ("sqlite:///tmp/x.db", Some(Backend::Sqlite)),
            ("sqlite://data/x.db", Some(Backend::Sqlite)),
            ("postgres://u@127.0.0.1:5432/db", Some(Backend::Postgres)),
            (
                "postgresql://u:p@db.internal/schakel",
                Some(Backend::Postgres),
            ),
            ("mysql://u@h/db", None),
            ("", None),
            ("sqlite://", None),
            ("postgres://", None),
        ];
        for (url, expected) in cases {
            let got = DatabaseTarget::parse(url).ok().map(|t| t.backend());
            assert_eq!(got, expected, "{url}");
        }
    }

    #[test]
    fn a_postgres_password_never_shows_in_debug_output() {
        let t = DatabaseTarget::parse("postgres://u:hunter2hunter2@h/db").unwrap();
        assert!(!format!("{t:?}").contains("hunter2"));
    }
}
