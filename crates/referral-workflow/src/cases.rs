//! Cases: opened from a signal or directly, read by their own agency and by receiving
//! agencies with access, closed with a reason.

use crate::access::{ACCESS_STATES, CaseAccess, case_access, covered};
use crate::consents::consent_view;
use crate::identity::Identity;
use crate::referrals::referral_views;
use crate::signals::{MAX_TEXT_CHARS, PersonInput, forms, person_view, store_person};
use crate::support::{
    Env, denied, event, free_text, monitor, named_by, open_opt, permit_role, record, run, seal,
    timeline,
};
use crate::views::{AccessKind, CaseListItem, CaseView, Page, TimelineEntry};
use crate::{IfMatch, WorkflowError};
use schakel_audit::ActionKind;
use schakel_domain::monitor_event::month_of;
use schakel_domain::{
    Action, Actor, CaseId, CaseStatus, CloseReason, ExploitationForm, Region, Relationship,
    SignalId,
};
use schakel_domain::{MonitorEvent, MonitorEventKind};
use schakel_store::DbConn;
use schakel_store::agencies;
use schakel_store::casework::cases::{self, Case, CaseFilter, NewCase};
use schakel_store::casework::{consents, persons, referrals, signals, timeline as events};
use serde::Deserialize;

/// A case to open: from a signal of the agency (nothing typed again), or directly with
/// a person.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpenCaseInput {
    /// The signal to open it from; its person, region and forms are taken over.
    #[serde(default)]
    pub signal_id: Option<SignalId>,
    /// The person, when opened directly.
    #[serde(default)]
    pub person: Option<PersonInput>,
    /// Region (required when opened directly; overrides the signal's).
    #[serde(default)]
    pub region: Option<Region>,
    /// Exploitation forms (required when opened directly; override the signal's).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub exploitation_forms: Option<Vec<ExploitationForm>>,
    /// Case notes.
    #[serde(default)]
    pub notes: Option<String>,
}

/// Closing a case.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CloseCaseInput {
    /// Why.
    pub reason: CloseReason,
    /// A note; required when the reason is `other`.
    #[serde(default)]
    pub note: Option<String>,
}

/// Filters of the case list.
#[derive(Debug, Clone, Default)]
pub struct CaseListFilter {
    /// Only cases in this status.
    pub status: Option<CaseStatus>,
    /// Only cases in this region.
    pub region: Option<Region>,
    /// Only cases with this exploitation form.
    pub form: Option<ExploitationForm>,
    /// Only the agency's own cases of persons with exactly this family name (compared
    /// folded: case, diacritics, hyphens and spaces do not matter), through the blind
    /// index.
    pub family_name: Option<String>,
    /// Only the agency's own cases of persons born on this day, through the blind index.
    pub date_of_birth: Option<chrono::NaiveDate>,
}

/// Opens a case for the actor's agency (inside the caller's transaction).
pub fn open_case_in(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    input: &OpenCaseInput,
) -> Result<CaseView, WorkflowError> {
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
    let (person_id, pseudonym, identity, gender, region, case_forms, signal_id) =
        match (&input.signal_id, &input.person) {
            (Some(signal_id), None) => {
                let s = named_by(signals::find(conn, *signal_id), "signal_id")?;
                if s.agency_id != who.agency_id {
                    return Err(WorkflowError::Invalid("signal_id"));
                }
                let Some(pid) = s.person_id else {
                    return Err(WorkflowError::Conflict(crate::Conflict::AnonymousSignal));
                };
                if signals::case_of(conn, s.id)?.is_some() {
                    return Err(WorkflowError::Conflict(crate::Conflict::SignalHasCase));
                }
                let p = persons::find(conn, pid)?;
                let identity = match &p.identity {
                    Some(sealed) => Identity::open(env.cfg, p.id, sealed)?,
                    None => Identity::default(),
                };
                let f = match &input.exploitation_forms {
                    Some(f) => forms(f)?,
                    None => s.exploitation_forms.clone(),
                };
                let region = input.region.unwrap_or(s.region);
                (p.id, p.pseudonym, identity, p.gender, region, f, Some(s.id))
            }
            (None, Some(person)) => {
                let region = input.region.ok_or(WorkflowError::Invalid("region"))?;
                let f = forms(
                    input
                        .exploitation_forms
                        .as_deref()
                        .ok_or(WorkflowError::Invalid("exploitation_forms"))?,
                )?;
                let stored = store_person(conn, env, who, person, env.now.date_naive())?;
                (
                    stored.id,
                    stored.pseudonym,
                    stored.identity,
                    stored.gender,
                    region,
                    f,
                    None,
                )
            }
            _ => return Err(WorkflowError::Invalid("signal_id")),
        };
    let id = CaseId::new_random();
    let sealed = notes
        .as_deref()
        .map(|n| seal(env.cfg, "cases", "notes", &id, n))
        .transpose()?;
    cases::insert(
        conn,
        &NewCase {
            id,
            agency_id: who.agency_id,
            person_id,
            signal_id,
            opened_by: who.user_id,
            region,
            exploitation_forms: &case_forms,
            notes: sealed.as_deref(),
        },
        env.now,
    )
    .map_err(|e| match e {
        schakel_store::StoreError::Conflict(_) => {
            WorkflowError::Conflict(crate::Conflict::SignalHasCase)
        }
        other => other.into(),
    })?;
    let details = serde_json::json!({ "from_signal": signal_id.is_some() });
    timeline(
        conn,
        env,
        id,
        who.agency_id,
        Some(who),
        &[("case_opened", None, details.clone())],
    )?;
    let mut e = event(
        Some(who),
        CODE,
        ActionKind::Create,
        ("case", id.to_string()),
    )?
    .with_details(details);
    if let Some(p) = &pseudonym {
        e = e.with_subject_pseudonym(p.clone());
    }
    record(conn, env, e)?;
    monitor(
        conn,
        env,
        &MonitorEvent {
            kind: MonitorEventKind::CaseOpened,
            month: month_of(env.now),
            sender_kind: agency.kind,
            sender_region: region,
            receiver_kind: None,
            receiver_region: None,
            exploitation_forms: case_forms,
            age_band: identity.age_band(env.now.date_naive()),
            gender,
            nationality_group: identity.nationality_group(),
            reporting_basis: None,
            hours_to_answer: None,
            pseudonym,
        },
    )?;
    let case = cases::find(conn, id)?;
    case_view(conn, env, who, &case, &CaseAccess::Owner)
}

/// Opens a case (one transaction).
pub fn open_case(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    input: &OpenCaseInput,
) -> Result<CaseView, WorkflowError> {
    run(conn, env, who, |conn| open_case_in(conn, env, who, input))
}

/// A case as `who` sees it through `access`.
pub(crate) fn case_view(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case: &Case,
    access: &CaseAccess,
) -> Result<CaseView, WorkflowError> {
    let owner = matches!(access, CaseAccess::Owner);
    let person = persons::find(conn, case.person_id)?;
    let person = person_view(env.cfg, &person, access.shows_identity(), env.now)?;
    let consents = if owner {
        consents::of_case(conn, case.id)?
            .iter()
            .map(|c| consent_view(env.cfg, c, env.now))
            .collect::<Result<_, _>>()?
    } else {
        Vec::new()
    };
    let referrals = referrals::of_case(conn, case.id)?;
    let referrals = referral_views(
        conn,
        env,
        who,
        referrals
            .iter()
            .filter(|r| owner || r.to_agency_id == who.agency_id),
    )?;
    Ok(CaseView {
        id: case.id,
        agency_id: case.agency_id,
        access: if owner {
            AccessKind::Owner
        } else {
            AccessKind::Receiver
        },
        status: case.status,
        region: case.region,
        exploitation_forms: case.exploitation_forms.clone(),
        notes: if owner {
            open_opt(env.cfg, "cases", "notes", &case.id, case.notes.as_deref())?
        } else {
            None
        },
        signal_id: case.signal_id.filter(|_| owner),
        person,
        legal_basis_used: case.legal_basis_used,
        consents,
        referrals,
        close_reason: case.close_reason,
        close_note: if owner {
            open_opt(
                env.cfg,
                "cases",
                "close_note",
                &case.id,
                case.close_note.as_deref(),
            )?
        } else {
            None
        },
        closed_at: case.closed_at,
        version: case.version,
        created_at: case.created_at,
        updated_at: case.updated_at,
    })
}

/// Loads a case `who` may act on with `action`, or the hidden denial `code`.
pub(crate) fn visible_case(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
    action: Action,
    code: &'static str,
    kind: ActionKind,
) -> Result<(Case, CaseAccess), WorkflowError> {
    let case = cases::find(conn, id)?;
    match case_access(conn, who, &case, action, env.now)? {
        Some(access) => Ok((case, access)),
        None => Err(denied(code, kind, Some(("case", id.to_string())))),
    }
}

/// The read audit entry of a case.
fn record_read(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    code: &'static str,
    case: &Case,
    access: &CaseAccess,
) -> Result<(), WorkflowError> {
    let mut e = event(
        Some(who),
        code,
        ActionKind::Read,
        ("case", case.id.to_string()),
    )?
    .with_details(serde_json::json!({ "identity_shown": access.shows_identity() }));
    if let Some(purpose) = access.purpose() {
        e = e.with_purpose(purpose);
    }
    // The person is named whether or not their identity was shown: a receiver still
    // read facts about them.
    let e = crate::subjects::with_persons(conn, e, &[case.person_id])?;
    record(conn, env, e)
}

/// One case, as the actor may see it.
pub fn get_case(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
) -> Result<CaseView, WorkflowError> {
    const CODE: &str = "case.read";
    run(conn, env, who, |conn| {
        let (case, access) =
            visible_case(conn, env, who, id, Action::ReadCase, CODE, ActionKind::Read)?;
        let view = case_view(conn, env, who, &case, &access)?;
        record_read(conn, env, who, CODE, &case, &access)?;
        Ok(view)
    })
}

/// A case's timeline: all of it for the owner; for a receiver, the opening and what
/// concerns its own referrals.
pub fn case_timeline(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
) -> Result<Vec<TimelineEntry>, WorkflowError> {
    const CODE: &str = "case.timeline";
    run(conn, env, who, |conn| {
        let (case, access) =
            visible_case(conn, env, who, id, Action::ReadCase, CODE, ActionKind::Read)?;
        record_read(conn, env, who, CODE, &case, &access)?;
        let own_referrals: Vec<_> = match &access {
            CaseAccess::Owner => Vec::new(),
            CaseAccess::Receiver { .. } => referrals::of_case(conn, id)?
                .into_iter()
                .filter(|r| r.to_agency_id == who.agency_id)
                .map(|r| r.id)
                .collect(),
        };
        Ok(events::of_case(conn, id)?
            .into_iter()
            .filter(|e| match &access {
                CaseAccess::Owner => true,
                CaseAccess::Receiver { .. } => {
                    e.kind == "case_opened"
                        || e.referral_id.is_some_and(|r| own_referrals.contains(&r))
                }
            })
            .map(|e| TimelineEntry {
                occurred_at: e.occurred_at,
                kind: e.kind,
                agency_id: e.agency_id,
                user_id: e.user_id,
                referral_id: e.referral_id,
                details: e.details,
            })
            .collect())
    })
}

/// A page of the cases the actor may see: its agency's own and those received through
/// an accepted, open referral.
pub fn list_cases(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    filter: CaseListFilter,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> Result<Page<CaseListItem>, WorkflowError> {
    let search = filter.family_name.is_some() || filter.date_of_birth.is_some();
    let code: &'static str = if search { "case.search" } else { "case.list" };
    run(conn, env, who, |conn| {
        let own = who.may(Action::ReadCase, Relationship::OwnAgency);
        let received = who.may(Action::ReadCase, Relationship::ReceivingAgency);
        if !own && !received {
            return Err(denied(code, ActionKind::Read, None));
        }
        // A name that folds to nothing (only punctuation) matches nobody: no person is
        // indexed under an empty name.
        let family_name_index = match filter.family_name.as_deref() {
            Some(name)
                if name.is_empty() || name.chars().count() > crate::identity::MAX_NAME_CHARS =>
            {
                return Err(WorkflowError::Invalid("family_name"));
            }
            Some(name) => Some(env.cfg.keys.blind_index(
                &env.cfg.index_key_id,
                "person.family_name",
                &crate::identity::family_name_canonical(name),
            )?),
            None => None,
        };
        let birth_date_index = crate::identity::birth_date_index(env.cfg, filter.date_of_birth)?;
        let limit = crate::cursor::limit(limit)?;
        let before = cursor.map(crate::cursor::decode::<CaseId>).transpose()?;
        let states: Vec<&str> = ACCESS_STATES.iter().map(|s| s.as_str()).collect();
        let rows = cases::list_visible(
            conn,
            who.agency_id,
            &states,
            CaseFilter {
                status: filter.status,
                region: filter.region,
                form: filter.form,
                family_name_index,
                birth_date_index,
            },
            before,
            limit + 1,
        )?;
        let (rows, next_cursor) =
            crate::cursor::split(rows, limit, |c: &Case| (c.updated_at, c.id));
        let mut items = Vec::with_capacity(rows.len());
        let mut shown = Vec::with_capacity(rows.len());
        for case in &rows {
            let Some(access) = case_access(conn, who, case, Action::ReadCase, env.now)? else {
                continue;
            };
            shown.push(case.person_id);
            let person = person_view(
                env.cfg,
                &persons::find(conn, case.person_id)?,
                access.shows_identity(),
                env.now,
            )?;
            let display_name = person.identity.as_ref().and_then(|i| {
                let name = [i.given_names.as_deref(), i.family_name.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                (!name.is_empty()).then_some(name)
            });
            items.push(CaseListItem {
                id: case.id,
                access: match access {
                    CaseAccess::Owner => AccessKind::Owner,
                    CaseAccess::Receiver { .. } => AccessKind::Receiver,
                },
                status: case.status,
                region: case.region,
                exploitation_forms: case.exploitation_forms.clone(),
                display_name,
                gender: person.gender,
                age_band: person.age_band,
                version: case.version,
                updated_at: case.updated_at,
            });
        }
        let e = event(
            Some(who),
            code,
            ActionKind::Read,
            ("agency", who.agency_id.to_string()),
        )?
        .with_details(serde_json::json!({
            "count": items.len(),
            "by_family_name": filter.family_name.is_some(),
            "by_date_of_birth": filter.date_of_birth.is_some(),
        }));
        let e = crate::subjects::with_persons(conn, e, &shown)?;
        record(conn, env, e)?;
        Ok(Page { items, next_cursor })
    })
}

/// Checks the version a change is made from.
pub(crate) fn check_version(if_match: IfMatch, current: i64) -> Result<i64, WorkflowError> {
    match if_match {
        IfMatch::Missing => Err(WorkflowError::VersionRequired),
        IfMatch::NeverMatches => Err(WorkflowError::VersionMismatch),
        IfMatch::Version(v) if v != current => Err(WorkflowError::VersionMismatch),
        IfMatch::Version(v) => Ok(v),
    }
}

/// Closes a case of the actor's agency. Refused while referrals are open.
pub fn close_case(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
    if_match: IfMatch,
    input: &CloseCaseInput,
) -> Result<CaseView, WorkflowError> {
    const CODE: &str = "case.close";
    run(conn, env, who, |conn| {
        let (case, access) = visible_case(
            conn,
            env,
            who,
            id,
            Action::UpdateCase,
            CODE,
            ActionKind::Update,
        )?;
        if !matches!(access, CaseAccess::Owner) {
            return Err(denied(
                CODE,
                ActionKind::Update,
                Some(("case", id.to_string())),
            ));
        }
        let version = check_version(if_match, case.version)?;
        let note = free_text(input.note.as_deref(), MAX_TEXT_CHARS, "note")?;
        if input.reason == CloseReason::Other && note.is_none() {
            return Err(WorkflowError::Invalid("note"));
        }
        if case.status == CaseStatus::Closed {
            return Err(WorkflowError::Conflict(crate::Conflict::CaseClosed));
        }
        if referrals::of_case(conn, id)?
            .iter()
            .any(|r| r.state.is_open())
        {
            return Err(WorkflowError::Conflict(crate::Conflict::OpenReferrals));
        }
        if !cases::bump(conn, id, version, env.now)? {
            return Err(WorkflowError::VersionMismatch);
        }
        let sealed = note
            .as_deref()
            .map(|n| seal(env.cfg, "cases", "close_note", &id, n))
            .transpose()?;
        cases::close(conn, id, input.reason, sealed.as_deref(), env.now)?;
        let details = serde_json::json!({ "reason": input.reason });
        timeline(
            conn,
            env,
            id,
            who.agency_id,
            Some(who),
            &[("case_closed", None, details.clone())],
        )?;
        let person = persons::find(conn, case.person_id)?;
        let mut e = event(
            Some(who),
            CODE,
            ActionKind::Update,
            ("case", id.to_string()),
        )?
        .with_details(details);
        if let Some(p) = &person.pseudonym {
            e = e.with_subject_pseudonym(p.clone());
        }
        record(conn, env, e)?;
        let agency = agencies::find(conn, who.agency_id)?;
        let identity = match &person.identity {
            Some(s) => Identity::open(env.cfg, person.id, s)?,
            None => Identity::default(),
        };
        monitor(
            conn,
            env,
            &MonitorEvent {
                kind: MonitorEventKind::CaseClosed,
                month: month_of(env.now),
                sender_kind: agency.kind,
                sender_region: case.region,
                receiver_kind: None,
                receiver_region: None,
                exploitation_forms: case.exploitation_forms.clone(),
                age_band: identity.age_band(env.now.date_naive()),
                gender: person.gender,
                nationality_group: person.nationality_group,
                reporting_basis: None,
                hours_to_answer: None,
                pseudonym: person.pseudonym.clone(),
            },
        )?;
        let case = cases::find(conn, id)?;
        case_view(conn, env, who, &case, &CaseAccess::Owner)
    })
}

/// Whether a receiver of `case` with this access would see the identity — used by
/// the sender's view of its referrals.
pub(crate) fn receiver_covered(
    conn: &mut DbConn,
    case: CaseId,
    receiver_kind: schakel_domain::AgencyKind,
    purpose: schakel_domain::ReferralPurpose,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, WorkflowError> {
    Ok(covered(
        &consents::of_case(conn, case)?,
        receiver_kind,
        purpose,
        now,
    ))
}
