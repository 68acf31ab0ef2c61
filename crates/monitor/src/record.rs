//! Counting an event: one fact row per exploitation form, written once per outbox
//! message however often the message is delivered, and the month's count of events
//! raised with them.

use crate::event::Event;
use crate::period::Month;
use crate::schema::monitor_facts;
use diesel::prelude::*;
use schakel_store::{DbConn, StoreError};

/// Records `event`, carried by outbox message `event_id`; `false` when that message was
/// already counted. Call it inside a write transaction: an event's rows are written
/// together or not at all, and the check for a repeated message holds.
pub fn record(conn: &mut DbConn, event_id: &str, event: &Event) -> Result<bool, StoreError> {
    let seen: i64 = monitor_facts::table
        .filter(monitor_facts::event_id.eq(event_id))
        .count()
        .get_result(conn)?;
    if seen > 0 {
        return Ok(false);
    }
    let month = Month::parse(&event.month)
        .ok_or_else(|| StoreError::Corrupt("monitor event month".into()))?;
    let mut forms: Vec<&str> = event
        .exploitation_forms
        .iter()
        .map(|f| f.as_str())
        .collect();
    forms.sort_unstable();
    forms.dedup();
    if forms.is_empty() {
        forms.push("unknown");
    }
    let rows: Vec<_> = forms
        .iter()
        .enumerate()
        .map(|(i, form)| {
            (
                monitor_facts::event_id.eq(event_id),
                monitor_facts::form.eq(*form),
                monitor_facts::weight.eq(i16::from(i == 0)),
                monitor_facts::kind.eq(event.kind.as_str()),
                monitor_facts::month.eq(month.to_string()),
                monitor_facts::quarter.eq(month.quarter()),
                monitor_facts::year.eq(month.year()),
                monitor_facts::sender_kind.eq(event.sender_kind.as_str()),
                monitor_facts::sender_region.eq(event.sender_region.as_str()),
                monitor_facts::receiver_kind.eq(event.receiver_kind.map(|k| k.as_str())),
                monitor_facts::receiver_region.eq(event.receiver_region.map(|r| r.as_str())),
                (
                    monitor_facts::age_band.eq(event.age_band.as_str()),
                    monitor_facts::gender.eq(event.gender.as_str()),
                    monitor_facts::nationality_group.eq(event.nationality_group.as_str()),
                    monitor_facts::reporting_basis.eq(event.reporting_basis.map(|b| b.as_str())),
                    monitor_facts::hours_to_answer.eq(event.hours_to_answer),
                    monitor_facts::pseudonym.eq(event.pseudonym.as_deref()),
                ),
            )
        })
        .collect();
    for row in rows {
        diesel::insert_into(monitor_facts::table)
            .values(row)
            .execute(conn)?;
    }
    count_month(conn, month)?;
    Ok(true)
}

/// Adds the event to its month's count. The month is a checked value, so it may stand
/// in the statement; the same upsert works on both backends.
fn count_month(conn: &mut DbConn, month: Month) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO monitor_months (month, events) VALUES ('{month}', 1) \
         ON CONFLICT (month) DO UPDATE SET events = monitor_months.events + 1"
    );
    match conn {
        DbConn::Sqlite(c) => diesel::sql_query(sql).execute(c)?,
        DbConn::Postgres(c) => diesel::sql_query(sql).execute(c)?,
    };
    Ok(())
}
