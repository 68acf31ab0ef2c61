//! Write transactions.
//!
//! Every use case that writes runs in one transaction through [`write_tx`]. On SQLite
//! the transaction begins with `BEGIN IMMEDIATE`, which takes the write lock at once and
//! so waits on `busy_timeout` for other writers; a deferred transaction that upgrades
//! from read to write would instead fail with `SQLITE_BUSY` under concurrent writers.
//! PostgreSQL uses its ordinary `BEGIN`.

use crate::DbConn;
use diesel::Connection;
use diesel::connection::{AnsiTransactionManager, TransactionManager};

/// Runs `f` in one write transaction: committed if it returns `Ok`, rolled back if not.
pub fn write_tx<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    if !matches!(conn, DbConn::Sqlite(_)) {
        return conn.transaction(f);
    }
    if let DbConn::Sqlite(c) = conn {
        AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
    }
    let result = f(conn);
    let DbConn::Sqlite(c) = conn else {
        return result;
    };
    match result {
        Ok(value) => match AnsiTransactionManager::commit_transaction(c) {
            Ok(()) => Ok(value),
            Err(e) => {
                // A failed COMMIT leaves the transaction open on SQLite; end it.
                let _ = AnsiTransactionManager::rollback_transaction(c);
                Err(e.into())
            }
        },
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(c)?;
            Err(e)
        }
    }
}
