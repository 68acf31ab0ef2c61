//! Write transactions.
//!
//! Every use case that writes runs in one transaction through [`write_tx`]. On SQLite
//! the transaction begins with `BEGIN IMMEDIATE`, which takes the write lock at once and
//! so waits on `busy_timeout` for other writers; a deferred transaction that upgrades
//! from read to write would instead fail with `SQLITE_BUSY` under concurrent writers.
//! PostgreSQL uses its ordinary `BEGIN`. Callers' error types need only convert from
//! [`StoreError`]: diesel stays inside this crate.

use crate::{DbConn, StoreError};
use diesel::Connection;
use diesel::connection::{AnsiTransactionManager, TransactionManager};

/// The caller's error, or the database's while beginning or ending the transaction.
enum TxError<E> {
    Database(diesel::result::Error),
    Caller(E),
}

impl<E> From<diesel::result::Error> for TxError<E> {
    fn from(e: diesel::result::Error) -> Self {
        TxError::Database(e)
    }
}

/// Runs `f` in one write transaction: committed if it returns `Ok`, rolled back if not.
pub fn write_tx<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<StoreError>,
{
    let result = if matches!(conn, DbConn::Sqlite(_)) {
        sqlite_immediate(conn, f)
    } else {
        conn.transaction(|c| f(c).map_err(TxError::Caller))
    };
    result.map_err(|e| match e {
        TxError::Database(e) => E::from(StoreError::from(e)),
        TxError::Caller(e) => e,
    })
}

fn sqlite_immediate<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, TxError<E>>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
{
    if let DbConn::Sqlite(c) = conn {
        AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
    }
    let result = f(conn);
    let DbConn::Sqlite(c) = conn else {
        return result.map_err(TxError::Caller);
    };
    match result {
        Ok(value) => match AnsiTransactionManager::commit_transaction(c) {
            Ok(()) => Ok(value),
            Err(e) => {
                // A failed COMMIT leaves the transaction open on SQLite; end it.
                let _ = AnsiTransactionManager::rollback_transaction(c);
                Err(TxError::Database(e))
            }
        },
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(c)?;
            Err(TxError::Caller(e))
        }
    }
}
