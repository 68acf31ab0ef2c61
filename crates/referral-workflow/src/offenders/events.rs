//! The offender event of a suspect, as the monitor counts it, and its outbox row:
//! coarse codes, the quarter of the day it concerns, the suspect's key and, for a link
//! made or taken away, the victim's key.

use super::identity::SuspectIdentity;
use crate::UseCaseError;
use crate::support::Env;
use chrono::NaiveDate;
use schakel_domain::offender_event::quarter_of;
use schakel_domain::{
    AgencyKind, CourtInstance, JudgmentOutcome, OffenderEvent, OffenderEventKind,
    ProsecutionDecision, SentenceBand,
};
use schakel_store::DbConn;
use schakel_store::offenders::investigations::Investigation;
use schakel_store::offenders::suspects::Suspect;
use schakel_store::outbox::{self, Channel, NewOutboxMessage};

/// What happened to the suspect, with what the kind carries.
#[derive(Debug, Clone)]
pub(super) enum Happened {
    Registered,
    Referred,
    Decided(ProsecutionDecision),
    Judged {
        instance: CourtInstance,
        outcome: JudgmentOutcome,
        sentence: Vec<SentenceBand>,
    },
    /// A link to the victim of this key was made.
    Linked(String),
    /// A link to the victim of this key was taken away.
    Unlinked(String),
}

/// Queues the offender event of `what` happening to `suspect` on day `on`, by an agency
/// of `kind`.
pub(super) fn emit(
    conn: &mut DbConn,
    env: &Env<'_>,
    (suspect, investigation): (&Suspect, &Investigation),
    identity: &SuspectIdentity,
    kind: AgencyKind,
    what: Happened,
    on: NaiveDate,
) -> Result<(), UseCaseError> {
    let days = (on - suspect.registered_on).num_days().max(0);
    let (event_kind, decision, judgment, days) = match &what {
        Happened::Registered => (OffenderEventKind::SuspectRegistered, None, None, None),
        Happened::Referred => (OffenderEventKind::SuspectReferred, None, None, None),
        Happened::Linked(_) => (OffenderEventKind::VictimLinked, None, None, None),
        Happened::Unlinked(_) => (OffenderEventKind::VictimUnlinked, None, None, None),
        Happened::Decided(d) => (
            OffenderEventKind::ProsecutionDecided,
            Some(*d),
            None,
            Some(days),
        ),
        Happened::Judged {
            instance, outcome, ..
        } => (
            OffenderEventKind::JudgmentRecorded,
            None,
            Some((*instance, *outcome)),
            Some(days),
        ),
    };
    let (sentence, victim) = match what {
        Happened::Judged { sentence, .. } => (sentence, None),
        Happened::Linked(v) | Happened::Unlinked(v) => (Vec::new(), Some(v)),
        _ => (Vec::new(), None),
    };
    let event = OffenderEvent {
        kind: event_kind,
        quarter: quarter_of(on),
        agency_kind: kind,
        region: investigation.region,
        exploitation_forms: investigation.exploitation_forms.clone(),
        age_band: identity.person.age_band(on),
        gender: suspect.gender,
        birth_country_group: suspect.birth_country_group,
        role: suspect.role,
        decision,
        judgment: judgment.map(|j| j.1),
        instance: judgment.map(|j| j.0),
        sentence,
        days_since_registration: days,
        suspect: suspect.suspect_key.clone(),
        victim,
    };
    outbox::enqueue(
        conn,
        &NewOutboxMessage {
            channel: Channel::Monitor,
            topic: event.kind.as_str().to_owned(),
            payload: event.payload(),
            available_at: env.now,
        },
        env.now,
    )?;
    Ok(())
}
