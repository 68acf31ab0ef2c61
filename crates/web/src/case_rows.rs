//! The parts of a case as its page lists them, in the viewer's words: the consent and
//! legal-basis records, the referrals, the person's identity (nationalities and
//! languages by name) and the timeline (a reopening with its reason), each moment in
//! Netherlands time. Only how things read: what the viewer may see, the use cases
//! decided before.

use crate::i18n::Texts;
use crate::names;
use crate::session::Viewer;
use crate::time::day_time;
use schakel_domain::ConsentKind;
use schakel_referral_workflow::views::{
    AccessKind, CaseView, ConsentView, ReferralView, TimelineEntry,
};

/// A consent or legal-basis record as the page shows it.
pub(crate) struct ConsentRow {
    pub(crate) id: String,
    pub(crate) legal: bool,
    pub(crate) kind: String,
    pub(crate) recipients: String,
    pub(crate) purposes: String,
    pub(crate) by: String,
    pub(crate) reason: Option<String>,
    pub(crate) given_on: String,
    pub(crate) expires: String,
    pub(crate) state: String,
    pub(crate) open: bool,
}

/// A referral of the case as the page lists it.
pub(crate) struct ReferralRow {
    pub(crate) id: String,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) purpose: String,
    pub(crate) state: String,
    pub(crate) deadline: String,
}

/// One line of the timeline.
pub(crate) struct Event {
    pub(crate) at: String,
    pub(crate) what: String,
    pub(crate) by: String,
}

/// The person's identity in words.
pub(crate) struct Person {
    pub(crate) given_names: String,
    pub(crate) family_name: String,
    pub(crate) date_of_birth: String,
    pub(crate) stated_age: String,
    pub(crate) nationalities: String,
    pub(crate) stateless: bool,
    pub(crate) languages: String,
    pub(crate) contact: String,
}

/// Codes of a list in words, joined with commas.
pub(crate) fn words<T: std::fmt::Display>(t: Texts, kind: &str, codes: &[T]) -> String {
    codes
        .iter()
        .map(|c| t.code(kind, &c.to_string()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A consent or legal-basis record in words.
pub(crate) fn consent_row(t: Texts, c: &ConsentView) -> ConsentRow {
    let legal = c.kind == ConsentKind::LegalBasis;
    let state = if c.withdrawn_at.is_some() {
        "consent_state.withdrawn"
    } else if c.active {
        "consent_state.active"
    } else {
        "consent_state.ended"
    };
    ConsentRow {
        id: c.id.to_string(),
        legal,
        kind: t.code("consent_kind", c.kind.as_str()),
        recipients: words(t, "recipient", &c.recipient_kinds),
        purposes: words(t, "purpose", &c.purposes),
        by: match (c.given_by, c.legal_basis) {
            (Some(g), _) => t.code("giver", g.as_str()),
            (None, Some(b)) => t.code("legal_basis", b.as_str()),
            (None, None) => String::new(),
        },
        reason: c.reason.clone(),
        given_on: c.given_on.format("%Y-%m-%d").to_string(),
        expires: c.expires_at.map(day_time).unwrap_or_default(),
        state: t.get(state).to_owned(),
        open: c.withdrawn_at.is_none(),
    }
}

/// The person's identity in words; `None` when not shown.
pub(crate) fn person(t: Texts, c: &CaseView) -> Option<Person> {
    let i = c.person.identity.as_ref()?;
    Some(Person {
        given_names: i.given_names.clone().unwrap_or_default(),
        family_name: i.family_name.clone().unwrap_or_default(),
        date_of_birth: i
            .date_of_birth
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        stated_age: i.stated_age.map(|a| a.to_string()).unwrap_or_default(),
        nationalities: names::countries(t.lang, &i.nationalities),
        stateless: i.stateless,
        languages: names::languages(t.lang, &i.languages),
        contact: i.contact.clone().unwrap_or_default(),
    })
}

/// A referral of the case in words.
pub(crate) fn referral_row(t: Texts, r: &ReferralView) -> ReferralRow {
    ReferralRow {
        id: r.id.to_string(),
        from: r.from_agency.name.clone(),
        to: r.to_agency.name.clone(),
        purpose: t.code("purpose", r.purpose.as_str()),
        state: t.code("state", r.state.as_str()),
        deadline: day_time(r.deadline_at),
    }
}

/// The timeline in words, each entry with the name of its agency where known.
pub(crate) fn events(v: &Viewer, c: &CaseView, timeline: &[TimelineEntry]) -> Vec<Event> {
    let t = v.texts();
    let mut names = vec![(v.actor.agency_id, v.agency.name.clone())];
    for r in &c.referrals {
        names.push((r.from_agency.id, r.from_agency.name.clone()));
        names.push((r.to_agency.id, r.to_agency.name.clone()));
    }
    let name_of = |id| {
        names
            .iter()
            .find(|(a, _)| *a == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    timeline
        .iter()
        .map(|x| Event {
            at: day_time(x.occurred_at),
            what: what(t, x),
            by: name_of(x.agency_id),
        })
        .collect()
}

/// The page of the signal the case was opened from, for its own agency only.
pub(crate) fn signal_link(c: &CaseView) -> Option<String> {
    c.signal_id
        .filter(|_| c.access == AccessKind::Owner)
        .map(|s| format!("/signals/{s}"))
}

/// Why the case's identity is gone, when it is (a catalog key): erased on the person's
/// request (its timeline entry names the ground) or by retention.
pub(crate) fn erased(c: &CaseView, timeline: &[TimelineEntry]) -> Option<&'static str> {
    let asked = timeline
        .iter()
        .any(|x| x.kind == "identity_erased" && x.details.get("ground").is_some());
    match (c.person.erased, asked) {
        (false, _) => None,
        (true, true) => Some("case.erased_on_request"),
        (true, false) => Some("case.erased"),
    }
}

/// What a timeline entry records, in words; a reopening with its reason, a restriction
/// (or its lifting) and an erasure on request with their grounds.
fn what(t: Texts, x: &TimelineEntry) -> String {
    let said = t.code("event", &x.kind);
    let detail = |key: &str| x.details.get(key).and_then(serde_json::Value::as_str);
    let (catalog, code) = match x.kind.as_str() {
        "case_reopened" => ("reopen_reason", detail("reason")),
        "case_restricted" | "restriction_lifted" => ("restriction_ground", detail("ground")),
        "identity_erased" => ("erasure_ground", detail("ground")),
        _ => ("", None),
    };
    match code {
        Some(code) => format!("{said}: {}", t.code(catalog, code)),
        None => said,
    }
}
