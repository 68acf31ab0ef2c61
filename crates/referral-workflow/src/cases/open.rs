//! Opening a case: from a signal of the agency (nothing typed again) or directly with
//! a person, with its timeline entry and monitor event.

use super::*;
use crate::idempotency::{Created, IdempotencyKey, create_once};
use schakel_domain::{Gender, PersonId};

/// Who a new case is about, and how it is filed.
struct Subject {
    person_id: PersonId,
    pseudonym: Option<String>,
    identity: Identity,
    gender: Gender,
    region: Region,
    forms: Vec<ExploitationForm>,
    signal_id: Option<SignalId>,
}

/// The subject of a case opened from a signal of the actor's agency: its person, forms
/// and region unless the input overrides them. A signal opens one case at most.
fn from_signal(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    signal_id: SignalId,
    input: &OpenCaseInput,
) -> Result<Subject, UseCaseError> {
    let s = named_by(signals::find(conn, signal_id), "signal_id")?;
    if s.agency_id != who.agency_id {
        return Err(UseCaseError::Invalid("signal_id"));
    }
    let Some(pid) = s.person_id else {
        return Err(UseCaseError::Conflict(crate::Conflict::AnonymousSignal));
    };
    if signals::case_of(conn, s.id)?.is_some() {
        return Err(UseCaseError::Conflict(crate::Conflict::SignalHasCase));
    }
    let p = persons::find(conn, pid)?;
    let identity = match &p.identity {
        Some(sealed) => Identity::open(env.cfg, p.id, sealed)?,
        None => Identity::default(),
    };
    let forms = match &input.exploitation_forms {
        Some(f) => forms(f)?,
        None => s.exploitation_forms.clone(),
    };
    Ok(Subject {
        person_id: p.id,
        pseudonym: p.pseudonym,
        identity,
        gender: p.gender,
        region: input.region.unwrap_or(s.region),
        forms,
        signal_id: Some(s.id),
    })
}

/// The subject of a case opened directly: the person is stored now; region and forms
/// must be given.
fn from_person(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    person: &PersonInput,
    input: &OpenCaseInput,
) -> Result<Subject, UseCaseError> {
    let region = input.region.ok_or(UseCaseError::Invalid("region"))?;
    let forms = forms(
        input
            .exploitation_forms
            .as_deref()
            .ok_or(UseCaseError::Invalid("exploitation_forms"))?,
    )?;
    let stored = store_person(conn, env, who, person, env.now.date_naive())?;
    Ok(Subject {
        person_id: stored.id,
        pseudonym: stored.pseudonym,
        identity: stored.identity,
        gender: stored.gender,
        region,
        forms,
        signal_id: None,
    })
}

/// Opens a case for the actor's agency (inside the caller's transaction).
pub(crate) fn open_case_in(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    input: &OpenCaseInput,
) -> Result<CaseView, UseCaseError> {
    const CODE: &str = "case.create";
    permit_role(
        who,
        Action::CreateCase,
        Relationship::OwnAgency,
        CODE,
        ActionKind::Create,
    )?;
    let notes = free_text(input.notes.as_deref(), MAX_TEXT_CHARS, "notes")?;
    let agency = agencies::find(conn, who.agency_id)?;
    let subject = match (&input.signal_id, &input.person) {
        (Some(signal_id), None) => from_signal(conn, env, who, *signal_id, input)?,
        (None, Some(person)) => from_person(conn, env, who, person, input)?,
        _ => return Err(UseCaseError::Invalid("signal_id")),
    };
    let id = CaseId::new_random();
    let sealed = notes
        .as_deref()
        .map(|n| seal(env.cfg, "cases", "notes", &id, n))
        .transpose()?;
    let year = chrono::Datelike::year(&env.now);
    let number = schakel_store::casework::references::next_number(conn, who.agency_id, year)?;
    let reference = schakel_domain::case::case_reference(year, number);
    let new = NewCase {
        reference: &reference,
        origin_referral_id: None,
        id,
        agency_id: who.agency_id,
        person_id: subject.person_id,
        signal_id: subject.signal_id,
        opened_by: who.user_id,
        region: subject.region,
        exploitation_forms: &subject.forms,
        notes: sealed.as_deref(),
    };
    cases::insert(conn, &new, env.now).map_err(|e| match e {
        schakel_store::StoreError::Conflict(_) => {
            UseCaseError::Conflict(crate::Conflict::SignalHasCase)
        }
        other => other.into(),
    })?;
    let details = serde_json::json!({ "from_signal": subject.signal_id.is_some() });
    let entry = ("case_opened", None, details.clone());
    timeline(conn, env, id, who.agency_id, Some(who), &[entry])?;
    let mut e = event(
        Some(who),
        CODE,
        ActionKind::Create,
        ("case", id.to_string()),
    )?
    .with_details(details);
    if let Some(p) = &subject.pseudonym {
        e = e.with_subject_pseudonym(p.clone());
    }
    record(conn, env, e)?;
    monitor(conn, env, &opened_event(&agency, subject, env.now))?;
    let case = cases::find(conn, id)?;
    case_view(conn, env, who, &case, &CaseAccess::Owner)
}

/// The monitor event of a case opened by `agency` about `subject`.
fn opened_event(
    agency: &agencies::Agency,
    subject: Subject,
    now: chrono::DateTime<chrono::Utc>,
) -> MonitorEvent {
    MonitorEvent {
        kind: MonitorEventKind::CaseOpened,
        month: month_of(now),
        sender_kind: agency.kind,
        sender_region: subject.region,
        receiver_kind: None,
        receiver_region: None,
        exploitation_forms: subject.forms,
        age_band: subject.identity.age_band(now.date_naive()),
        gender: subject.gender,
        nationality_group: subject.identity.nationality_group(),
        reporting_basis: None,
        hours_to_answer: None,
        pseudonym: subject.pseudonym,
    }
}

/// Opens a case, once per idempotency key, in one transaction.
pub fn open_case(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    input: &OpenCaseInput,
    key: Option<&IdempotencyKey>,
) -> Result<Created<CaseView>, UseCaseError> {
    create_once(conn, env, who, Action::CreateCase, key, 201, &|conn| {
        open_case_in(conn, env, who, input)
    })
}
