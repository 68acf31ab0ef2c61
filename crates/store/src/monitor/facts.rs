//! Writing an event's fact rows once per outbox message, with its month's count of
//! events and its person's number, and loading them back: the counts per month and the
//! facts of one month, each with its person's number.

use crate::schema::monitor_facts;
use crate::{DbConn, StoreError};
use diesel::prelude::*;
use diesel::sql_types::Text;
use schakel_domain::pseudonym::is_unlinkable;
use std::collections::BTreeSet;

/// One fact row to write: an event and one of its exploitation forms.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = monitor_facts)]
pub struct NewFact<'a> {
    /// The exploitation form of this row (`unknown` when the event names none).
    pub form: &'a str,
    /// 1 on the one row of the event that counts it once, 0 on its other forms.
    pub weight: i16,
    /// The event kind.
    pub kind: &'a str,
    /// `YYYY-MM`.
    pub month: &'a str,
    /// `YYYY-Qn`.
    pub quarter: &'a str,
    /// `YYYY`.
    pub year: &'a str,
    pub sender_kind: &'a str,
    pub sender_region: &'a str,
    pub receiver_kind: Option<&'a str>,
    pub receiver_region: Option<&'a str>,
    pub age_band: &'a str,
    pub gender: &'a str,
    pub nationality_group: &'a str,
    pub reporting_basis: Option<&'a str>,
    pub hours_to_answer: Option<i64>,
    /// The person's pseudonym or unlinkable record's key; none for anonymous signals.
    pub pseudonym: Option<&'a str>,
}

/// One stored fact row as the monitor's in-memory copy reads it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct FactRow {
    pub event_id: String,
    pub form: String,
    pub kind: String,
    pub sender_kind: String,
    pub sender_region: String,
    pub receiver_kind: Option<String>,
    pub age_band: String,
    pub gender: String,
    pub nationality_group: String,
    pub reporting_basis: Option<String>,
    pub hours_to_answer: Option<i64>,
    /// Whether the event concerns a person (it has a pseudonym or unlinkable key).
    pub has_person: bool,
    /// The person's number and whether it is an unlinkable record (none for anonymous
    /// signals; none for a person without a number, which the monitor refuses).
    pub person: Option<(i32, bool)>,
}

/// Writes the fact rows of the event carried by outbox message `event_id` and adds the
/// event to the count of its month; `false` when that message was already counted (or
/// `rows` is empty), and nothing is written then.
///
/// Call it inside a write transaction: the rows and the count are written together or
/// not at all, and the check for a repeated message holds.
pub fn insert_facts(
    conn: &mut DbConn,
    event_id: &str,
    rows: &[NewFact<'_>],
) -> Result<bool, StoreError> {
    let seen: i64 = monitor_facts::table
        .filter(monitor_facts::event_id.eq(event_id))
        .count()
        .get_result(conn)?;
    if seen > 0 || rows.is_empty() {
        return Ok(false);
    }
    let keys: BTreeSet<&str> = rows.iter().filter_map(|r| r.pseudonym).collect();
    for key in keys {
        super::persons::number_person(conn, key, is_unlinkable(key))?;
    }
    for row in rows {
        diesel::insert_into(monitor_facts::table)
            .values((monitor_facts::event_id.eq(event_id), row))
            .execute(conn)?;
    }
    // The rows of one event share its month; counted once.
    let months: BTreeSet<&str> = rows.iter().map(|r| r.month).collect();
    for month in months {
        count_month(conn, month)?;
    }
    Ok(true)
}

/// Adds one event to the count of `month`. Why backend-specific: raw SQL needs the
/// concrete connection and its placeholder (`?` or `$1`); the upsert itself is the
/// same on both.
fn count_month(conn: &mut DbConn, month: &str) -> Result<(), StoreError> {
    match conn {
        DbConn::Sqlite(c) => diesel::sql_query(
            "INSERT INTO monitor_months (month, events) VALUES (?, 1) \
             ON CONFLICT (month) DO UPDATE SET events = monitor_months.events + 1",
        )
        .bind::<Text, _>(month)
        .execute(c)?,
        DbConn::Postgres(c) => diesel::sql_query(
            "INSERT INTO monitor_months (month, events) VALUES ($1, 1) \
             ON CONFLICT (month) DO UPDATE SET events = monitor_months.events + 1",
        )
        .bind::<Text, _>(month)
        .execute(c)?,
    };
    Ok(())
}

/// The fact rows of `month` (`YYYY-MM`), ordered by event and form, so an event's rows
/// come together.
pub fn facts_of_month(conn: &mut DbConn, month: &str) -> Result<Vec<FactRow>, StoreError> {
    use crate::schema::monitor_persons as p;
    use monitor_facts as f;
    Ok(f::table
        .left_join(p::table.on(f::pseudonym.eq(p::key.nullable())))
        .filter(f::month.eq(month))
        .order((f::event_id, f::form))
        .select((
            f::event_id,
            f::form,
            f::kind,
            f::sender_kind,
            f::sender_region,
            f::receiver_kind,
            f::age_band,
            f::gender,
            f::nationality_group,
            f::reporting_basis,
            f::hours_to_answer,
            f::pseudonym.is_not_null(),
            (p::number, p::unlinkable).nullable(),
        ))
        .load(conn)?)
}
