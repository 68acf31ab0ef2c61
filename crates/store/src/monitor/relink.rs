//! Moving a corrected person's facts to its new key, and telling held copies of the
//! months concerned that their facts changed (a month's revision).

use crate::schema::{monitor_facts, monitor_months};
use crate::{DbConn, StoreError};
use diesel::prelude::*;

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

/// Counts every fact held under `from` under `to` instead, and raises the revision of
/// each month that had one; returns how many fact rows moved. Applying it again moves
/// nothing. Call it inside a write transaction.
pub fn relink(conn: &mut DbConn, from: &str, to: &str) -> Result<usize, StoreError> {
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
