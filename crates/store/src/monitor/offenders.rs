//! The monitor's offender side: `monitor_offender_facts` (one row per offender event,
//! written once per outbox message) and `monitor_offender_victims` (per suspect and
//! victim, the links made and not taken away); and the distinct victims the victims'
//! facts count in a range of months, which the link between the two sides starts from.
//!
//! Which rows mean what is the monitor's business; this module only holds the SQL.

use crate::schema::{monitor_facts, monitor_offender_facts as of, monitor_offender_victims as ov};
use crate::{DbConn, StoreError};
use diesel::prelude::*;

/// One offender fact, as written and as read back: codes as text, lists of codes as
/// JSON arrays of text.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = of)]
pub struct OffenderFact {
    /// The outbox message that carried the event.
    pub event_id: String,
    pub kind: String,
    /// `YYYY-Qn`.
    pub quarter: String,
    /// `YYYY`.
    pub year: String,
    pub agency_kind: String,
    pub region: String,
    pub exploitation_forms: String,
    pub age_band: String,
    pub gender: String,
    pub birth_country_group: String,
    pub role: String,
    pub decision: Option<String>,
    pub judgment: Option<String>,
    pub instance: Option<String>,
    pub sentence: String,
    pub days_since_registration: Option<i64>,
    pub suspect_key: String,
}

/// Writes an offender fact and, for a link made (`+1`) or taken away (`-1`), changes
/// the count of links between its suspect and `victim`; `false` when the message was
/// already counted, and nothing is written then. Call it inside a write transaction.
pub fn insert_offender_fact(
    conn: &mut DbConn,
    fact: &OffenderFact,
    link: Option<(&str, i64)>,
) -> Result<bool, StoreError> {
    let seen: i64 = of::table
        .filter(of::event_id.eq(&fact.event_id))
        .count()
        .get_result(conn)?;
    if seen > 0 {
        return Ok(false);
    }
    diesel::insert_into(of::table).values(fact).execute(conn)?;
    if let Some((victim, delta)) = link {
        change_links(conn, &fact.suspect_key, victim, delta)?;
    }
    Ok(true)
}

/// Adds `delta` to the links between a suspect and a victim; a pair at zero is
/// removed. The count may go below zero for a while (a removal delivered before its
/// link), so that changes add up the same in any order.
fn change_links(
    conn: &mut DbConn,
    suspect: &str,
    victim: &str,
    delta: i64,
) -> Result<(), StoreError> {
    let pair = ov::table.find((suspect, victim));
    let held: Option<i64> = pair.select(ov::links).first(conn).optional()?;
    let n = held.unwrap_or(0) + delta;
    match (held, n != 0) {
        (Some(_), true) => {
            diesel::update(pair).set(ov::links.eq(n)).execute(conn)?;
        }
        (Some(_), false) => {
            diesel::delete(pair).execute(conn)?;
        }
        (None, true) => {
            diesel::insert_into(ov::table)
                .values((
                    ov::suspect_key.eq(suspect),
                    ov::victim_key.eq(victim),
                    ov::links.eq(n),
                ))
                .execute(conn)?;
        }
        (None, false) => {}
    }
    Ok(())
}

/// Every offender fact, in the order of their suspects and kinds.
pub fn offender_facts(conn: &mut DbConn) -> Result<Vec<OffenderFact>, StoreError> {
    Ok(of::table
        .order((of::suspect_key.asc(), of::quarter.asc(), of::event_id.asc()))
        .select(OffenderFact::as_select())
        .load(conn)?)
}

/// Every (suspect key, victim key) pair with a link made and not taken away.
pub fn offender_victims(conn: &mut DbConn) -> Result<Vec<(String, String)>, StoreError> {
    Ok(ov::table
        .filter(ov::links.gt(0))
        .select((ov::suspect_key, ov::victim_key))
        .order((ov::suspect_key.asc(), ov::victim_key.asc()))
        .load(conn)?)
}

/// The distinct keys of the persons the victims' facts count with an event in the
/// months `from` to `to` (`YYYY-MM`, checked by the caller), sorted.
pub fn victims_in_months(
    conn: &mut DbConn,
    from: &str,
    to: &str,
) -> Result<Vec<String>, StoreError> {
    Ok(monitor_facts::table
        .filter(monitor_facts::month.ge(from))
        .filter(monitor_facts::month.le(to))
        .filter(monitor_facts::pseudonym.is_not_null())
        .select(monitor_facts::pseudonym.assume_not_null())
        .distinct()
        .order(monitor_facts::pseudonym.assume_not_null().asc())
        .load(conn)?)
}

/// Links held under victim key `from` are held under `to` (a corrected victim), added
/// to any the suspect already has under `to`. Call it inside a write transaction.
pub fn relink_victims(conn: &mut DbConn, from: &str, to: &str) -> Result<usize, StoreError> {
    let held: Vec<(String, i64)> = ov::table
        .filter(ov::victim_key.eq(from))
        .select((ov::suspect_key, ov::links))
        .load(conn)?;
    diesel::delete(ov::table.filter(ov::victim_key.eq(from))).execute(conn)?;
    for (suspect, links) in &held {
        change_links(conn, suspect, to, *links)?;
    }
    Ok(held.len())
}
