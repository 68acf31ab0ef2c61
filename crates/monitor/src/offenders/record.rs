//! Counting an offender event: one fact row per outbox message however often it is
//! delivered, and for a link made or taken away the count of links between the
//! suspect and the victim changed (the victim under the key a relink moved it to, if
//! any).

use schakel_domain::{OffenderEvent, OffenderEventKind};
use schakel_store::monitor::{self, OffenderFact};
use schakel_store::{DbConn, StoreError};

/// Records `event`, carried by outbox message `event_id`; `false` when that message was
/// already counted. Call it inside a write transaction.
pub fn record_offender(
    conn: &mut DbConn,
    event_id: &str,
    event: &OffenderEvent,
) -> Result<bool, StoreError> {
    let year = event
        .quarter
        .get(..4)
        .ok_or_else(|| StoreError::Corrupt("offender event quarter".into()))?
        .to_owned();
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
    let sentence: Vec<&str> = event.sentence.iter().map(|b| b.as_str()).collect();
    let fact = OffenderFact {
        event_id: event_id.to_owned(),
        kind: event.kind.as_str().to_owned(),
        quarter: event.quarter.clone(),
        year,
        agency_kind: event.agency_kind.as_str().to_owned(),
        region: event.region.as_str().to_owned(),
        exploitation_forms: serde_json::Value::from(forms).to_string(),
        age_band: event.age_band.as_str().to_owned(),
        gender: event.gender.as_str().to_owned(),
        birth_country_group: event.birth_country_group.as_str().to_owned(),
        role: event.role.as_str().to_owned(),
        decision: event.decision.map(|d| d.as_str().to_owned()),
        judgment: event.judgment.map(|j| j.as_str().to_owned()),
        instance: event.instance.map(|i| i.as_str().to_owned()),
        sentence: serde_json::Value::from(sentence).to_string(),
        days_since_registration: event.days_since_registration,
        suspect_key: event.suspect.clone(),
    };
    let victim = match &event.victim {
        Some(v) => Some(monitor::current_key(conn, v)?),
        None => None,
    };
    let delta = match event.kind {
        OffenderEventKind::VictimUnlinked => -1,
        _ => 1,
    };
    let link = victim.as_deref().map(|v| (v, delta));
    monitor::insert_offender_fact(conn, &fact, link)
}
