//! Signals: logged by caseworkers and coordinators, with a new person, anonymous, or
//! attached to a case of their own agency whose person they are about (see `attach`).

use crate::idempotency::{Created, IdempotencyKey, create_once};
use crate::identity::Identity;
use crate::support::{
    Env, denied, event, free_text, monitor, open_opt, permit_role, record, run, seal,
};
use crate::views::{PersonView, SignalView};
use crate::{UseCaseError, WorkflowConfig};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use schakel_audit::ActionKind;
use schakel_domain::indicators::{INDICATOR_LIST_VERSION, parse_codes};
use schakel_domain::monitor_event::month_of;
use schakel_domain::{
    Action, Actor, AgeBand, CaseId, ExploitationForm, Gender, NationalityGroup, Palermo, PersonId,
    Region, Relationship, ReportingBasis, SignalId,
};
use schakel_domain::{MonitorEvent, MonitorEventKind};
use schakel_store::DbConn;
use schakel_store::agencies;
use schakel_store::casework::persons::{self, NewPerson, Person};
use schakel_store::casework::signals::{self, NewSignal, Signal};
use serde::Deserialize;

mod attach;

use attach::Subject;

/// The longest summary or note accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 4000;

/// A person as entered: identity and gender.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// Who the person is; every field may be unknown.
    #[serde(default)]
    pub identity: Identity,
    /// Gender.
    pub gender: Gender,
}

/// A signal as entered.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignalInput {
    /// When the situation was observed (not in the future, at most ten years ago).
    pub observed_on: NaiveDate,
    /// Where.
    pub region: Region,
    /// The exploitation forms suspected (at least one; `unknown` allowed).
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub exploitation_forms: Vec<ExploitationForm>,
    /// Indicator codes seen, from the current indicator list.
    #[serde(default)]
    pub indicators: Vec<String>,
    /// The Palermo elements observed.
    #[serde(default)]
    pub palermo: Palermo,
    /// The basis of reporting; `anonymous` exactly when no person is given nor a case
    /// attached to.
    pub reporting_basis: ReportingBasis,
    /// A free-text summary.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub summary: Option<String>,
    /// The person, unless anonymous or attached to a case.
    #[serde(default)]
    pub person: Option<PersonInput>,
    /// Attach this signal to this case of your own agency: it is about the case's person
    /// (then no `person` is given, and the report is not anonymous). A case of another
    /// agency is answered as one that does not exist; a closed or erased case is a
    /// conflict.
    #[serde(default)]
    pub case_id: Option<CaseId>,
}

/// A set of exploitation forms: at least one, sorted, without duplicates.
pub(crate) fn forms(raw: &[ExploitationForm]) -> Result<Vec<ExploitationForm>, UseCaseError> {
    let mut f = raw.to_vec();
    f.sort();
    f.dedup();
    if f.is_empty() {
        return Err(UseCaseError::Invalid("exploitation_forms"));
    }
    Ok(f)
}

/// A person stored for an agency: its id, identity and pseudonym.
pub(crate) struct StoredPerson {
    pub id: PersonId,
    pub identity: Identity,
    pub gender: Gender,
    pub pseudonym: Option<String>,
}

/// Checks and stores a person for the actor's agency, seen on `seen_on` (a stated age
/// without its own day is taken as stated then).
pub(crate) fn store_person(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    input: &PersonInput,
    seen_on: NaiveDate,
) -> Result<StoredPerson, UseCaseError> {
    let identity = input.identity.checked(env.now.date_naive(), seen_on)?;
    let id = PersonId::new_random();
    let pseudonym = Some(identity.person_key(env.cfg, input.gender, id)?);
    let sealed = identity.seal(env.cfg, id)?;
    let family = identity.family_name_index(env.cfg)?;
    let birth = identity.birth_date_index(env.cfg)?;
    let similar = identity.similar_index(env.cfg)?;
    persons::insert_indexed(
        conn,
        &NewPerson {
            id,
            agency_id: who.agency_id,
            identity: &sealed,
            gender: input.gender,
            nationality_group: identity.nationality_group(),
            family_name_index: family.as_deref(),
            birth_date_index: birth.as_deref(),
            pseudonym: pseudonym.as_deref(),
        },
        similar.as_deref(),
        env.now,
    )?;
    Ok(StoredPerson {
        id,
        identity,
        gender: input.gender,
        pseudonym,
    })
}

/// A stored person as the actor may see them.
pub(crate) fn person_view(
    cfg: &WorkflowConfig,
    p: &Person,
    show_identity: bool,
    now: DateTime<Utc>,
) -> Result<PersonView, UseCaseError> {
    let identity = match &p.identity {
        Some(sealed) => Some(Identity::open(cfg, p.id, sealed)?),
        None => None,
    };
    let age_band = identity
        .as_ref()
        .map_or(AgeBand::Unknown, |i| i.age_band(now.date_naive()));
    Ok(PersonView {
        id: p.id,
        identity_withheld: !show_identity && identity.is_some(),
        erased: p.erased_at.is_some(),
        identity: identity.filter(|_| show_identity),
        gender: p.gender,
        age_band,
        nationality_group: p.nationality_group,
    })
}

/// Logs a signal for the actor's agency, once per idempotency key, in one
/// transaction.
pub fn create_signal(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    input: &SignalInput,
    key: Option<&IdempotencyKey>,
) -> Result<Created<SignalView>, UseCaseError> {
    create_once(conn, env, who, Action::CreateSignal, key, 201, &|conn| {
        create_signal_in(conn, env, who, input)
    })
}

/// A signal's input, checked.
struct Checked {
    forms: Vec<ExploitationForm>,
    indicators: Vec<&'static str>,
    summary: Option<String>,
}

/// Checks a signal's input: observed in the last ten years and not in the future, known
/// forms and indicators, a person or a case to attach to (not both) exactly when the
/// report is not anonymous, a summary of plain text within bounds.
fn check(env: &Env<'_>, input: &SignalInput) -> Result<Checked, UseCaseError> {
    let today = env.now.date_naive();
    if input.observed_on > today || input.observed_on < today - Duration::days(3653) {
        return Err(UseCaseError::Invalid("observed_on"));
    }
    let forms = forms(&input.exploitation_forms)?;
    let indicators =
        parse_codes(&input.indicators).map_err(|_| UseCaseError::Invalid("indicators"))?;
    if input.case_id.is_some() && input.person.is_some() {
        return Err(UseCaseError::Invalid("person"));
    }
    let about_someone = input.person.is_some() || input.case_id.is_some();
    if (input.reporting_basis == ReportingBasis::Anonymous) == about_someone {
        return Err(UseCaseError::Invalid("reporting_basis"));
    }
    let summary = free_text(input.summary.as_deref(), MAX_TEXT_CHARS, "summary")?;
    Ok(Checked {
        forms,
        indicators,
        summary,
    })
}

/// Logs a signal inside the caller's transaction.
pub(crate) fn create_signal_in(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    input: &SignalInput,
) -> Result<SignalView, UseCaseError> {
    const CODE: &str = "signal.create";
    permit_role(
        who,
        Action::CreateSignal,
        Relationship::OwnAgency,
        CODE,
        ActionKind::Create,
    )?;
    let Checked {
        forms,
        indicators,
        summary,
    } = check(env, input)?;
    let agency = agencies::find(conn, who.agency_id)?;
    let subject = subject_of(conn, env, who, input, CODE)?;
    let age_band = subject.as_ref().map_or(AgeBand::Unknown, |s| s.age_band);
    let elements_met = input.palermo.elements_met(age_band.is_minor());
    let id = SignalId::new_random();
    let sealed = summary
        .as_deref()
        .map(|s| seal(env.cfg, "signals", "summary", &id, s))
        .transpose()?;
    signals::insert(
        conn,
        &NewSignal {
            id,
            agency_id: who.agency_id,
            recorded_by: who.user_id,
            person_id: subject.as_ref().map(|p| p.person_id),
            observed_on: input.observed_on,
            region: input.region,
            exploitation_forms: &forms,
            indicators: &indicators,
            indicator_list_version: INDICATOR_LIST_VERSION,
            palermo: input.palermo,
            palermo_elements_met: elements_met,
            reporting_basis: input.reporting_basis,
            summary: sealed.as_deref(),
            age_band,
            case_id: input.case_id,
        },
        env.now,
    )?;
    if let Some(case) = input.case_id {
        attach::on_timeline(conn, env, who, case, id)?;
    }
    let mut e = event(
        Some(who),
        CODE,
        ActionKind::Create,
        ("signal", id.to_string()),
    )?
    .with_details(attach::audit_details(
        serde_json::json!({
            "anonymous": subject.is_none(),
            "reporting_basis": input.reporting_basis,
            "indicators": indicators.len(),
        }),
        input.case_id,
    ));
    if let Some(p) = subject.as_ref().and_then(|p| p.pseudonym.clone()) {
        e = e.with_subject_pseudonym(p);
    }
    record(conn, env, e)?;
    let logged = logged_event(env, &agency, input, &forms, subject.as_ref());
    monitor(conn, env, &logged)?;
    let stored = signals::find(conn, id)?;
    signal_view(conn, env.cfg, &stored, env.now)
}

/// Who a signal is about: the person of the case it is attached to, a person stored now,
/// or no one (anonymous).
fn subject_of(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    input: &SignalInput,
    code: &'static str,
) -> Result<Option<Subject>, UseCaseError> {
    Ok(match (input.case_id, &input.person) {
        (Some(case), _) => Some(attach::case_subject(
            conn,
            env,
            who,
            case,
            input.observed_on,
            code,
        )?),
        (None, Some(p)) => {
            let stored = store_person(conn, env, who, p, input.observed_on)?;
            Some(Subject::new_person(stored, input.observed_on))
        }
        (None, None) => None,
    })
}

/// The monitor event of a signal logged by `agency` about `subject` (none: anonymous),
/// in the month it was observed.
fn logged_event(
    env: &Env<'_>,
    agency: &agencies::Agency,
    input: &SignalInput,
    forms: &[ExploitationForm],
    subject: Option<&Subject>,
) -> MonitorEvent {
    let observed = input
        .observed_on
        .and_hms_opt(0, 0, 0)
        .map_or(env.now, |d| d.and_utc());
    MonitorEvent {
        kind: MonitorEventKind::SignalLogged,
        month: month_of(observed),
        sender_kind: agency.kind,
        sender_region: input.region,
        receiver_kind: None,
        receiver_region: None,
        exploitation_forms: forms.to_vec(),
        age_band: subject.map_or(AgeBand::Unknown, |s| s.age_band),
        gender: subject.map_or(Gender::Unknown, |s| s.gender),
        nationality_group: subject.map_or(NationalityGroup::Unknown, |s| s.nationality_group),
        reporting_basis: Some(input.reporting_basis),
        hours_to_answer: None,
        pseudonym: subject.and_then(|s| s.pseudonym.clone()),
    }
}

/// A stored signal as its agency sees it.
pub(crate) fn signal_view(
    conn: &mut DbConn,
    cfg: &WorkflowConfig,
    s: &Signal,
    now: DateTime<Utc>,
) -> Result<SignalView, UseCaseError> {
    let person = match s.person_id {
        Some(p) => Some(person_view(cfg, &persons::find(conn, p)?, true, now)?),
        None => None,
    };
    Ok(SignalView {
        id: s.id,
        agency_id: s.agency_id,
        recorded_by: s.recorded_by,
        observed_on: s.observed_on,
        region: s.region,
        exploitation_forms: s.exploitation_forms.clone(),
        indicators: s.indicators.clone(),
        indicator_list_version: s.indicator_list_version.clone(),
        palermo: s.palermo,
        palermo_elements_met: s.palermo_elements_met,
        reporting_basis: s.reporting_basis,
        summary: open_opt(cfg, "signals", "summary", &s.id, s.summary.as_deref())?,
        age_band: s.age_band,
        anonymous: s.person_id.is_none(),
        person,
        case_id: signals::case_of(conn, s.id)?,
        created_at: s.created_at,
    })
}

/// One of the actor's agency's signals.
pub fn get_signal(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: SignalId,
) -> Result<SignalView, UseCaseError> {
    const CODE: &str = "signal.read";
    run(conn, env, who, |conn| {
        let object = ("signal", id.to_string());
        let hidden = || denied(CODE, ActionKind::Read, Some(("signal", id.to_string())));
        let s = signals::find(conn, id)?;
        if s.agency_id != who.agency_id || !who.may(Action::ReadCase, Relationship::OwnAgency) {
            return Err(hidden());
        }
        let e = event(Some(who), CODE, ActionKind::Read, object)?;
        let people: Vec<_> = s.person_id.into_iter().collect();
        let e = crate::subjects::with_persons(conn, e, &people)?;
        let view = signal_view(conn, env.cfg, &s, env.now)?;
        record(conn, env, e)?;
        Ok(view)
    })
}

/// A page of the actor's agency's signals, newest first.
pub fn list_signals(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> Result<crate::views::Page<SignalView>, UseCaseError> {
    const CODE: &str = "signal.list";
    run(conn, env, who, |conn| {
        permit_role(
            who,
            Action::ReadCase,
            Relationship::OwnAgency,
            CODE,
            ActionKind::Read,
        )?;
        let limit = crate::cursor::limit(limit)?;
        let before = cursor.map(crate::cursor::decode::<SignalId>).transpose()?;
        let rows = signals::list_of_agency(conn, who.agency_id, before, limit + 1)?;
        let (rows, next_cursor) =
            crate::cursor::split(rows, limit, |s: &Signal| (s.created_at, s.id));
        let e = event(
            Some(who),
            CODE,
            ActionKind::Read,
            ("agency", who.agency_id.to_string()),
        )?
        .with_details(serde_json::json!({ "count": rows.len() }));
        let people: Vec<_> = rows.iter().filter_map(|s| s.person_id).collect();
        let e = crate::subjects::with_persons(conn, e, &people)?;
        let items = rows
            .iter()
            .map(|s| signal_view(conn, env.cfg, s, env.now))
            .collect::<Result<_, _>>()?;
        record(conn, env, e)?;
        Ok(crate::views::Page { items, next_cursor })
    })
}
