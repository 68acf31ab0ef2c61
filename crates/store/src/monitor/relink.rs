//! Moving a corrected person's facts to its new key, and telling held copies of the
//! months concerned that their facts changed (a month's revision).

use crate::schema::{monitor_facts, monitor_months, monitor_relinks};
use crate::{DbConn, StoreError};
use diesel::prelude::*;
use schakel_domain::pseudonym::is_unlinkable;

/// What a held copy of a month compares with the database: its number of events and
/// its revision, raised whenever facts already counted change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthState {
    pub events: i64,
    pub revision: i64,
}

/// Every counted month (`YYYY-MM`) with its state, in no particular order.
pub fn month_states(conn: &mut DbConn) -> Result<Vec<(String, MonthState)>, StoreError> {
    Ok(monitor_months::table
        .select((
            monitor_months::month,
            monitor_months::events,
            monitor_months::revision,
        ))
        .load::<(String, i64, i64)>(conn)?
        .into_iter()
        .map(|(m, events, revision)| (m, MonthState { events, revision }))
        .collect())
}

/// The key a person recorded under `key` is counted under now (`key` itself unless a
/// relink moved it).
pub fn current_key(conn: &mut DbConn, key: &str) -> Result<String, StoreError> {
    Ok(monitor_relinks::table
        .find(key)
        .select(monitor_relinks::to_key)
        .first::<String>(conn)
        .optional()?
        .unwrap_or_else(|| key.to_owned()))
}

/// Counts every fact held under `from` under `to` instead, raises the revision of each
/// month that had one, and remembers the move, so that an event arriving later under
/// `from` (or under a key moved to `from` before) is counted under `to`; `to` itself
/// is live again if it had been moved. Returns how many fact rows moved; applying it
/// again moves nothing. Call it inside a write transaction.
pub fn relink(conn: &mut DbConn, from: &str, to: &str) -> Result<usize, StoreError> {
    super::persons::number_person(conn, to, is_unlinkable(to))?;
    diesel::delete(monitor_relinks::table.find(to)).execute(conn)?;
    diesel::update(monitor_relinks::table.filter(monitor_relinks::to_key.eq(from)))
        .set(monitor_relinks::to_key.eq(to))
        .execute(conn)?;
    diesel::delete(monitor_relinks::table.find(from)).execute(conn)?;
    diesel::insert_into(monitor_relinks::table)
        .values((
            monitor_relinks::from_key.eq(from),
            monitor_relinks::to_key.eq(to),
        ))
        .execute(conn)?;
    super::offenders::relink_victims(conn, from, to)?;
    let months: Vec<String> = monitor_facts::table
        .filter(monitor_facts::pseudonym.eq(from))
        .select(monitor_facts::month)
        .distinct()
        .load(conn)?;
    if months.is_empty() {
        return Ok(0);
    }
    let moved = diesel::update(monitor_facts::table.filter(monitor_facts::pseudonym.eq(from)))
        .set(monitor_facts::pseudonym.eq(to))
        .execute(conn)?;
    diesel::update(monitor_months::table.filter(monitor_months::month.eq_any(&months)))
        .set(monitor_months::revision.eq(monitor_months::revision + 1))
        .execute(conn)?;
    Ok(moved)
}
