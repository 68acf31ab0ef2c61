//! The connection pool (r2d2) over either backend.
//!
//! The pool is built from a [`DatabaseTarget`]; SQLite files get their parent folder
//! created, and the first connection is checked for the required SQLite settings so a
//! misconfigured database stops the start instead of failing later. PostgreSQL
//! connections are closed when idle for ten minutes and replaced after half an hour;
//! SQLite connections are kept (see [`build_pool`]).

use crate::StoreError;
use crate::conn::{DatabaseTarget, DbConn, check_settings};
use diesel::r2d2::{self, ManageConnection};
use std::time::Duration;

/// Opens connections for the pool.
#[derive(Debug, Clone)]
pub struct DbManager {
    target: DatabaseTarget,
}

impl ManageConnection for DbManager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        self.target.connect()
    }

    /// Run on every check-out. A PostgreSQL connection answers a `SELECT 1` first: one
    /// the server dropped (a restart, a failover, a stopped server) would otherwise
    /// stay in the pool and fail every request it is lent to, long after the database
    /// is back. A SQLite connection is a file handle and cannot be dropped that way.
    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        use diesel::RunQueryDsl;
        match conn {
            DbConn::Sqlite(_) => Ok(()),
            DbConn::Postgres(_) => diesel::sql_query("SELECT 1")
                .execute(conn)
                .map(|_| ())
                .map_err(r2d2::Error::QueryError),
        }
    }

    /// Run when a connection comes back: one whose transaction could not be ended (the
    /// server went away mid-transaction) is closed instead of lent again.
    fn has_broken(&self, conn: &mut DbConn) -> bool {
        diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// A pool of database connections.
pub type Pool = r2d2::Pool<DbManager>;
/// A connection borrowed from the pool.
pub type PooledConn = r2d2::PooledConnection<DbManager>;

/// Pool sizing and timeouts.
#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    /// Most connections open at once.
    pub max_size: u32,
    /// How long a request waits for a free connection before failing.
    pub connection_timeout: Duration,
    /// Idle connections kept open, opened in the background when one is taken. A
    /// one-shot command wants none: a connection still being opened by the pool's
    /// threads when the process ends can crash the client library's exit handlers.
    pub min_idle: u32,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 8,
            connection_timeout: Duration::from_secs(10),
            min_idle: 1,
        }
    }
}

/// Connections in use and idle, for `/metrics`.
#[derive(Debug, Clone, Copy)]
pub struct PoolState {
    /// Open connections.
    pub connections: u32,
    /// Open connections not in use.
    pub idle: u32,
    /// Configured maximum.
    pub max_size: u32,
}

/// Builds a pool for `target` and checks one connection.
pub fn build_pool(target: &DatabaseTarget, options: PoolOptions) -> Result<Pool, StoreError> {
    if let DatabaseTarget::Sqlite(path) = target
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Connection(format!("cannot create folder {}: {e}", dir.display()))
        })?;
    }
    let manager = DbManager {
        target: target.clone(),
    };
    // A PostgreSQL connection holds a server process: one idle for ten minutes is
    // closed, and each is replaced after half an hour. A SQLite connection holds only
    // this process's memory (its page cache, the parsed schema): it is kept for the
    // life of the pool, since every replacement allocates both again, from whichever
    // thread opens it, and the allocator keeps the memory the old one freed in that
    // thread's heap — resident memory crept up at each replacement until it stopped.
    let (idle, lifetime) = match target {
        DatabaseTarget::Sqlite(_) => (None, None),
        DatabaseTarget::Postgres(_) => (
            Some(Duration::from_secs(600)),
            Some(Duration::from_secs(1800)),
        ),
    };
    let pool = r2d2::Pool::builder()
        .max_size(options.max_size.max(1))
        .min_idle(Some(options.min_idle.min(options.max_size.max(1))))
        .connection_timeout(options.connection_timeout)
        .idle_timeout(idle)
        .max_lifetime(lifetime)
        .test_on_check_out(true)
        .build(manager)
        .map_err(|e| StoreError::Connection(e.to_string()))?;
    let mut conn = pool.get()?;
    check_settings(&mut conn)?;
    Ok(pool)
}

/// Borrows a connection from the pool, waiting at most the pool's timeout.
pub fn get_conn(pool: &Pool) -> Result<PooledConn, StoreError> {
    Ok(pool.get()?)
}

/// Checks the settings of a pooled connection (used by the readiness probe and tests).
pub fn check_connection(conn: &mut DbConn) -> Result<(), StoreError> {
    check_settings(conn)
}

/// The pool's current state.
pub fn pool_state(pool: &Pool) -> PoolState {
    let s = pool.state();
    PoolState {
        connections: s.connections,
        idle: s.idle_connections,
        max_size: pool.max_size(),
    }
}
