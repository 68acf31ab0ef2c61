//! The monitor's persons by number: every pseudonym or unlinkable record's key the
//! monitor counts gets one number, once, shared by every instance, so that a held copy
//! of the facts stores a 32-bit number per event and no map of its own.

use crate::schema::monitor_persons as p;
use crate::{DbConn, StoreError};
use diesel::prelude::*;

/// Gives `key` a number unless it has one. Call it inside the write transaction that
/// writes facts under `key`; two writers numbering the same new key at once both
/// succeed (the second finds the first's row).
pub fn number_person(conn: &mut DbConn, key: &str, unlinkable: bool) -> Result<(), StoreError> {
    let known: i64 = p::table.filter(p::key.eq(key)).count().get_result(conn)?;
    if known > 0 {
        return Ok(());
    }
    let row = (p::key.eq(key), p::unlinkable.eq(unlinkable));
    let insert = diesel::insert_into(p::table)
        .values(row)
        .on_conflict(p::key)
        .do_nothing();
    // Why backend-specific: diesel's multi-backend connection has no upsert.
    match conn {
        DbConn::Sqlite(c) => insert.execute(c)?,
        DbConn::Postgres(c) => insert.execute(c)?,
    };
    Ok(())
}
