//! The embedded migrations of both trees.
//!
//! `migrations/sqlite` and `migrations/postgres` hold the same folder names; each
//! backend applies its own tree. On PostgreSQL an advisory lock makes instances that
//! start together apply the migrations one after the other.

use crate::{DbConn, StoreError};
use diesel::RunQueryDsl;
use diesel::migration::MigrationSource;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// The SQLite tree.
pub const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
/// The PostgreSQL tree.
pub const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// Any fixed number: the key of the advisory lock held while migrating PostgreSQL.
const MIGRATION_LOCK_KEY: i64 = 0x5343_4841_4b45;

fn err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Migration(e.to_string())
}

/// Applies every pending migration; returns the names applied.
pub fn run_pending(conn: &mut DbConn) -> Result<Vec<String>, StoreError> {
    let applied = match conn {
        DbConn::Sqlite(c) => c
            .run_pending_migrations(SQLITE)
            .map_err(err)?
            .into_iter()
            .map(|m| m.to_string())
            .collect(),
        DbConn::Postgres(c) => {
            // Why backend-specific: only PostgreSQL is shared by several instances.
            diesel::sql_query("SELECT pg_advisory_lock($1)")
                .bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK_KEY)
                .execute(c)?;
            let result = c
                .run_pending_migrations(POSTGRES)
                .map(|v| v.into_iter().map(|m| m.to_string()).collect::<Vec<_>>())
                .map_err(err);
            let unlocked = diesel::sql_query("SELECT pg_advisory_unlock($1)")
                .bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK_KEY)
                .execute(c);
            // A failed migration is the error worth reporting, even if unlocking failed
            // too (the lock ends with the session anyway).
            let applied = result?;
            unlocked?;
            applied
        }
    };
    Ok(applied)
}

/// Reverts every applied migration (for the up → down → up check and for tests).
pub fn revert_all(conn: &mut DbConn) -> Result<Vec<String>, StoreError> {
    let reverted = match conn {
        DbConn::Sqlite(c) => c.revert_all_migrations(SQLITE).map_err(err)?,
        DbConn::Postgres(c) => c.revert_all_migrations(POSTGRES).map_err(err)?,
    };
    Ok(reverted.into_iter().map(|v| v.to_string()).collect())
}

/// Reverts the last applied migration; returns its version (the digits of its folder's
/// date and number) (for upgrade tests and for an
/// operator stepping back one release).
pub fn revert_last(conn: &mut DbConn) -> Result<String, StoreError> {
    let reverted = match conn {
        DbConn::Sqlite(c) => c.revert_last_migration(SQLITE).map_err(err)?,
        DbConn::Postgres(c) => c.revert_last_migration(POSTGRES).map_err(err)?,
    };
    Ok(reverted.to_string())
}

/// How many migrations of this backend's tree are not yet applied.
pub fn pending_count(conn: &mut DbConn) -> Result<usize, StoreError> {
    Ok(match conn {
        DbConn::Sqlite(c) => c.pending_migrations(SQLITE).map_err(err)?.len(),
        DbConn::Postgres(c) => c.pending_migrations(POSTGRES).map_err(err)?.len(),
    })
}

/// The folder names of a tree, in order.
pub fn names(tree: &EmbeddedMigrations) -> Result<Vec<String>, StoreError> {
    let migrations = MigrationSource::<diesel::sqlite::Sqlite>::migrations(tree).map_err(err)?;
    Ok(migrations.iter().map(|m| m.name().to_string()).collect())
}
