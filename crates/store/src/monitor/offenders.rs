//! The monitor's offender side: `monitor_offender_facts` (one row per offender event,
//! written once per outbox message) and `monitor_offender_victims` (the victims linked
//! to each suspect as its latest event said); and the distinct victims the victims'
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

/// Writes an offender fact and replaces the suspect's linked victims with `victims`;
/// `false` when the message was already counted, and nothing is written then. Call it
/// inside a write transaction.
pub fn insert_offender_fact(
    conn: &mut DbConn,
    fact: &OffenderFact,
    victims: &[String],
) -> Result<bool, StoreError> {
    let seen: i64 = of::table
        .filter(of::event_id.eq(&fact.event_id))
        .count()
        .get_result(conn)?;
    if seen > 0 {
        return Ok(false);
    }
    diesel::insert_into(of::table).values(fact).execute(conn)?;
    diesel::delete(ov::table.filter(ov::suspect_key.eq(&fact.suspect_key))).execute(conn)?;
    let mut keys: Vec<&String> = victims.iter().collect();
    keys.sort();
    keys.dedup();
    for v in keys {
        diesel::insert_into(ov::table)
            .values((ov::suspect_key.eq(&fact.suspect_key), ov::victim_key.eq(v)))
            .execute(conn)?;
    }
    Ok(true)
}

/// Every offender fact, in the order of their suspects and kinds.
pub fn offender_facts(conn: &mut DbConn) -> Result<Vec<OffenderFact>, StoreError> {
    Ok(of::table
        .order((of::suspect_key.asc(), of::quarter.asc(), of::event_id.asc()))
        .select(OffenderFact::as_select())
        .load(conn)?)
}

/// Every (suspect key, victim key) link the monitor holds.
pub fn offender_victims(conn: &mut DbConn) -> Result<Vec<(String, String)>, StoreError> {
    Ok(ov::table
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

/// Links held under victim key `from` are held under `to` (a corrected victim); a
/// suspect linked to both keeps one link. Call it inside a write transaction.
pub fn relink_victims(conn: &mut DbConn, from: &str, to: &str) -> Result<usize, StoreError> {
    let suspects: Vec<String> = ov::table
        .filter(ov::victim_key.eq(from))
        .select(ov::suspect_key)
        .load(conn)?;
    diesel::delete(ov::table.filter(ov::victim_key.eq(from))).execute(conn)?;
    for s in &suspects {
        let held: i64 = ov::table
            .filter(ov::suspect_key.eq(s))
            .filter(ov::victim_key.eq(to))
            .count()
            .get_result(conn)?;
        if held == 0 {
            diesel::insert_into(ov::table)
                .values((ov::suspect_key.eq(s), ov::victim_key.eq(to)))
                .execute(conn)?;
        }
    }
    Ok(suspects.len())
}
