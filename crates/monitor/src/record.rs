//! Counting an event: one fact row per exploitation form, written once per outbox
//! message however often the message is delivered, and the month's count of events
//! raised with them. And relinking a corrected person: its facts move to its new key.

use crate::event::Event;
use crate::period::Month;
use schakel_store::monitor::{self, NewFact};
use schakel_store::{DbConn, StoreError};

/// Records `event`, carried by outbox message `event_id`; `false` when that message was
/// already counted. Call it inside a write transaction: an event's rows are written
/// together or not at all, and the check for a repeated message holds.
pub fn record(conn: &mut DbConn, event_id: &str, event: &Event) -> Result<bool, StoreError> {
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
    // An event recorded under a key a correction moved is counted under the new one.
    let pseudonym = match event.pseudonym.as_deref() {
        Some(k) => Some(monitor::current_key(conn, k)?),
        None => None,
    };
    let (month_text, quarter, year) = (month.to_string(), month.quarter(), month.year());
    let rows: Vec<NewFact<'_>> = forms
        .iter()
        .enumerate()
        .map(|(i, form)| NewFact {
            form,
            weight: i16::from(i == 0),
            kind: event.kind.as_str(),
            month: &month_text,
            quarter: &quarter,
            year: &year,
            sender_kind: event.sender_kind.as_str(),
            sender_region: event.sender_region.as_str(),
            receiver_kind: event.receiver_kind.map(|k| k.as_str()),
            receiver_region: event.receiver_region.map(|r| r.as_str()),
            age_band: event.age_band.as_str(),
            gender: event.gender.as_str(),
            nationality_group: event.nationality_group.as_str(),
            reporting_basis: event.reporting_basis.map(|b| b.as_str()),
            hours_to_answer: event.hours_to_answer,
            pseudonym: pseudonym.as_deref(),
        })
        .collect();
    monitor::insert_facts(conn, event_id, &rows)
}

/// Counts the facts of a corrected person under its new key from now on; returns how
/// many fact rows moved (none when applied again). Call it inside a write transaction.
pub fn relink(
    conn: &mut DbConn,
    relink: &schakel_domain::PersonRelink,
) -> Result<usize, StoreError> {
    monitor::relink(conn, &relink.from, &relink.to)
}
