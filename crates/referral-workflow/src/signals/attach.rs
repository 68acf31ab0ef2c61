//! Who a signal is about, and attaching a signal to a case the agency already has: a
//! new signal about a person the agency knows is logged on that person's case instead
//! of storing the person again. The signal takes the case's person (its age band from
//! the person's identity, its monitor event under the person's stored key, so the
//! monitor counts one person), is linked to the case (`signals.case_id`) and shows on
//! the case's timeline as `signal_attached`, in the signal's transaction.
//!
//! Only the actor's own agency's open cases that its role may change take signals: any
//! other case is answered as one that does not exist (and the attempt is audited as
//! denied), a closed case or one whose identity was erased is a conflict.

use super::StoredPerson;
use crate::access::CaseAccess;
use crate::access::visible_case;
use crate::identity::Identity;
use crate::subjects::age_band_on;
use crate::support::{Env, denied, timeline};
use crate::{Conflict, UseCaseError};
use chrono::NaiveDate;
use schakel_audit::ActionKind;
use schakel_domain::{
    Action, Actor, AgeBand, CaseId, CaseStatus, Gender, NationalityGroup, PersonId, SignalId,
};
use schakel_store::DbConn;
use schakel_store::casework::persons;

/// The person a signal is about, as its row, audit entry and monitor event need them.
pub(super) struct Subject {
    pub(super) person_id: PersonId,
    pub(super) gender: Gender,
    pub(super) nationality_group: NationalityGroup,
    /// On the day the situation was observed.
    pub(super) age_band: AgeBand,
    /// The key the person is counted and audited under.
    pub(super) pseudonym: Option<String>,
}

impl Subject {
    /// A person stored with the signal, observed on `observed_on`.
    pub(super) fn new_person(p: StoredPerson, observed_on: NaiveDate) -> Subject {
        Subject {
            person_id: p.id,
            gender: p.gender,
            nationality_group: p.identity.nationality_group(),
            age_band: AgeBand::of_age(p.identity.age_on(observed_on)),
            pseudonym: p.pseudonym,
        }
    }
}

/// The person of case `case_id` for a signal observed on `observed_on`, once the case
/// is found to take it: the actor's own agency's, changeable by its role, open, its
/// identity not erased. Any other case is the hidden denial `code`.
pub(super) fn case_subject(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case_id: CaseId,
    observed_on: NaiveDate,
    code: &'static str,
) -> Result<Subject, UseCaseError> {
    let kind = ActionKind::Create;
    let (case, access) = visible_case(conn, env, who, case_id, Action::UpdateCase, code, kind)?;
    if !matches!(access, CaseAccess::Owner) {
        return Err(denied(code, kind, Some(("case", case_id.to_string()))));
    }
    if case.status == CaseStatus::Closed {
        return Err(UseCaseError::Conflict(Conflict::CaseClosed));
    }
    let person = persons::find(conn, case.person_id)?;
    let (Some(sealed), None, None) = (&person.identity, case.erased_at, person.erased_at) else {
        return Err(UseCaseError::Conflict(Conflict::PersonErased));
    };
    let identity = Identity::open(env.cfg, person.id, sealed)?;
    let age_band = match AgeBand::of_age(identity.age_on(observed_on)) {
        // A receiver's case may hold no age: the age band its referral stated.
        AgeBand::Unknown => age_band_on(conn, env, &case, &identity)?,
        band => band,
    };
    Ok(Subject {
        person_id: person.id,
        gender: person.gender,
        nationality_group: person.nationality_group,
        age_band,
        pseudonym: person.pseudonym,
    })
}

/// The timeline entry of signal `signal` attached to case `case`.
pub(super) fn on_timeline(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case: CaseId,
    signal: SignalId,
) -> Result<(), UseCaseError> {
    let details = serde_json::json!({ "signal_id": signal });
    let entry = ("signal_attached", None, details);
    timeline(conn, env, case, who.agency_id, Some(who), &[entry])
}

/// The audit details of a logged signal, naming the case it was attached to, if any.
pub(super) fn audit_details(
    mut details: serde_json::Value,
    case: Option<CaseId>,
) -> serde_json::Value {
    if let (Some(case), serde_json::Value::Object(map)) = (case, &mut details) {
        map.insert("attached_to_case".into(), serde_json::json!(case));
    }
    details
}
