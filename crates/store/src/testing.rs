//! Fresh databases for tests (feature `testing`).
//!
//! [`TestDb::new`] gives a migrated database of the asked backend: a temporary SQLite
//! file (deleted afterwards) or a new PostgreSQL schema inside `TEST_DATABASE_URL`
//! (dropped afterwards). [`each_backend`] runs one test body on every backend selected
//! by `TEST_BACKENDS` (default: both). A selected backend that cannot be set up
//! fails the test loudly, and so does a selection of no backend at all: no backend is
//! ever skipped in silence.
#![allow(clippy::expect_used, clippy::panic)]

use crate::{Backend, DatabaseTarget, Pool, PoolOptions, build_pool, migrations};
use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDb {
    /// The pool over the test database.
    pub pool: Pool,
    /// Which backend it is on.
    pub backend: Backend,
    url: String,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<(String, String)>,
}

/// The backends selected by `TEST_BACKENDS` (comma-separated; default both).
///
/// A selection that names no backend (an empty value, only commas) or an unknown one
/// panics: a test run that checks nothing must not pass.
pub fn selected_backends() -> Vec<Backend> {
    let raw = std::env::var("TEST_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    parse_backends(&raw).unwrap_or_else(|e| panic!("{e}"))
}

/// Parses a `TEST_BACKENDS` value: each backend once, in the order named.
pub fn parse_backends(raw: &str) -> Result<Vec<Backend>, String> {
    let mut backends = Vec::new();
    for name in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let backend = match name {
            "sqlite" => Backend::Sqlite,
            "postgres" | "postgresql" => Backend::Postgres,
            other => {
                return Err(format!(
                    "TEST_BACKENDS: unknown backend '{other}' (use sqlite, postgres or both, \
                     comma-separated)"
                ));
            }
        };
        if !backends.contains(&backend) {
            backends.push(backend);
        }
    }
    if backends.is_empty() {
        return Err(format!(
            "TEST_BACKENDS={raw:?} selects no backend, so every test would pass having run \
             nothing: name sqlite, postgres or both (comma-separated), or unset it for both"
        ));
    }
    Ok(backends)
}

/// Shows the tracing output of the running tests when `TEST_LOG` is set, with its value
/// as the filter (`TEST_LOG=debug`, `TEST_LOG=schakel_store=trace`); quiet otherwise.
/// Every fresh test database calls it; a test may call it itself.
pub fn init_test_log() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let Ok(filter) = std::env::var("TEST_LOG") else {
            return;
        };
        // Another subscriber set by the test itself wins; nothing to report then.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_test_writer()
            .try_init();
    });
}

/// Runs `body` once on a fresh, migrated database of every selected backend.
pub fn each_backend(body: impl Fn(TestDb)) {
    for backend in selected_backends() {
        body(TestDb::new(backend));
    }
}

impl TestDb {
    /// A fresh, migrated database.
    pub fn new(backend: Backend) -> Self {
        init_test_log();
        let db = Self::unmigrated(backend);
        let mut conn = db.pool.get().expect("test connection");
        migrations::run_pending(&mut conn).expect("migrations apply");
        drop(conn);
        db
    }

    /// A fresh database without any migration applied.
    pub fn unmigrated(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let path = dir.path().join("schakel-test.db");
                let url = path.to_string_lossy().into_owned();
                let pool = build_pool(&DatabaseTarget::Sqlite(path), small_pool())
                    .expect("SQLite test pool");
                TestDb {
                    pool,
                    backend,
                    url,
                    _dir: Some(dir),
                    pg_schema: None,
                }
            }
            Backend::Postgres => {
                let base = std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| {
                    panic!(
                        "PostgreSQL tests need TEST_DATABASE_URL (scripts/test starts a \
                         server); set TEST_BACKENDS=sqlite to run SQLite only"
                    )
                });
                let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
                let mut admin = diesel::PgConnection::establish_url(&base);
                admin
                    .batch_execute(&format!("CREATE SCHEMA {schema}"))
                    .expect("create test schema");
                let url = with_search_path(&base, &schema);
                let target = DatabaseTarget::parse(&url).expect("test URL");
                let pool = build_pool(&target, small_pool()).expect("PostgreSQL test pool");
                TestDb {
                    pool,
                    backend,
                    url,
                    _dir: None,
                    pg_schema: Some((base, schema)),
                }
            }
        }
    }

    /// The URL of this database, for starting a server against it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Runs raw SQL against the test database (for tampering and fault tests).
    pub fn execute_raw(&self, sql: &str) -> usize {
        let mut conn = self.pool.get().expect("test connection");
        diesel::sql_query(sql).execute(&mut *conn).expect("raw SQL")
    }

    /// Runs a query of the form `SELECT COUNT(*) AS n FROM …` and returns the count.
    pub fn count(&self, sql: &str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.pool.get().expect("test connection");
        diesel::sql_query(sql)
            .get_result::<Count>(&mut *conn)
            .expect("count query")
            .n
    }
}

/// A transaction kept open on a connection of its own, holding a table lock, so a test
/// can make a request wait.
#[derive(Debug)]
pub struct HeldLock {
    conn: crate::DbConn,
}

impl HeldLock {
    /// Ends the transaction, letting waiting statements go on.
    pub fn release(mut self) {
        self.conn.batch_execute("COMMIT").expect("release the lock");
    }
}

impl TestDb {
    /// Locks `table` against every other session (PostgreSQL `ACCESS EXCLUSIVE`, so even
    /// reads wait) until the returned lock is released.
    pub fn lock_table(&self, table: &str) -> HeldLock {
        assert_eq!(
            self.backend,
            Backend::Postgres,
            "table locks need PostgreSQL"
        );
        let target = DatabaseTarget::parse(&self.url).expect("test URL");
        let mut conn = target.connect().expect("a connection of its own");
        conn.batch_execute(&format!(
            "BEGIN; LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE;"
        ))
        .expect("take the lock");
        HeldLock { conn }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.pg_schema {
            let mut admin = diesel::PgConnection::establish_url(base);
            // The pool's idle connections hold no locks, so the drop does not wait.
            let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        }
    }
}

fn small_pool() -> PoolOptions {
    PoolOptions {
        max_size: 4,
        ..PoolOptions::default()
    }
}

/// Adds `options=-csearch_path=<schema>` so every connection of the pool works inside
/// the test's own schema.
fn with_search_path(base: &str, schema: &str) -> String {
    let mut url = url::Url::parse(base).expect("TEST_DATABASE_URL is a URL");
    url.query_pairs_mut()
        .append_pair("options", &format!("-csearch_path={schema}"));
    url.to_string()
}

trait EstablishUrl {
    fn establish_url(url: &str) -> diesel::PgConnection;
}

impl EstablishUrl for diesel::PgConnection {
    fn establish_url(url: &str) -> diesel::PgConnection {
        use diesel::Connection;
        diesel::PgConnection::establish(url).expect("connect to TEST_DATABASE_URL")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selection_names_each_backend_once_and_never_none() {
        assert_eq!(
            parse_backends("sqlite, postgres,sqlite"),
            Ok(vec![Backend::Sqlite, Backend::Postgres])
        );
        assert_eq!(parse_backends("postgresql"), Ok(vec![Backend::Postgres]));
        for none in ["", ",", " , ,", "  "] {
            let err = parse_backends(none).unwrap_err();
            assert!(err.contains("selects no backend"), "{none:?}: {err}");
        }
        assert!(
            parse_backends("sqlite,mysql")
                .unwrap_err()
                .contains("'mysql'")
        );
    }
}
