//! Packed snapshots of the monitor's months: a month's events as a held copy packs
//! them, with the month's count and revision when it was packed. The bytes mean
//! nothing to this module; the monitor packs and checks them.

use crate::schema::monitor_snapshots as s;
use crate::{DbConn, StoreError};
use diesel::prelude::*;

/// One stored snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Snapshot {
    pub month: String,
    pub events: i64,
    pub revision: i64,
    pub format: i32,
    pub packed: Vec<u8>,
}

/// The snapshots of `months` (those that have one).
pub fn snapshots_of(conn: &mut DbConn, months: &[String]) -> Result<Vec<Snapshot>, StoreError> {
    let mut out = Vec::new();
    // In slices, so that no statement carries more parameters than SQLite allows.
    for part in months.chunks(500) {
        out.extend(
            s::table
                .filter(s::month.eq_any(part))
                .select((s::month, s::events, s::revision, s::format, s::packed))
                .load::<Snapshot>(conn)?,
        );
    }
    Ok(out)
}

/// Stores `snapshot` in place of the month's earlier one, in one transaction.
pub fn save_snapshot(conn: &mut DbConn, snapshot: &Snapshot) -> Result<(), StoreError> {
    crate::write_tx(conn, |c| {
        diesel::delete(s::table.filter(s::month.eq(&snapshot.month))).execute(c)?;
        diesel::insert_into(s::table)
            .values((
                s::month.eq(&snapshot.month),
                s::events.eq(snapshot.events),
                s::revision.eq(snapshot.revision),
                s::format.eq(snapshot.format),
                s::packed.eq(&snapshot.packed),
            ))
            .execute(c)?;
        Ok(())
    })
}
