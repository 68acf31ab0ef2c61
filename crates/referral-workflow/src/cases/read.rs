//! Reading a case, its timeline and the agency's list of cases (and its search for
//! persons like one being entered), each read audited with the persons it showed.

use super::*;

/// A case as `who` sees it through `access`.
pub(crate) fn case_view(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case: &Case,
    access: &CaseAccess,
) -> Result<CaseView, UseCaseError> {
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
    // An emergency reader sees where the person was referred (whom to call), never
    // the messages and notes the agencies exchanged.
    let emergency = matches!(access, CaseAccess::Emergency(_));
    let referrals = referrals::of_case(conn, case.id)?;
    let mut referrals = referral_views(
        conn,
        env,
        who,
        referrals
            .iter()
            .filter(|r| owner || emergency || r.to_agency_id == who.agency_id),
    )?;
    if emergency {
        for r in &mut referrals {
            r.message = None;
            r.note = None;
        }
    }
    let assigned_to = match case.assigned_to.filter(|_| owner) {
        Some(u) => Some(super::assign::worker(conn, u)?),
        None => None,
    };
    let origin = match case.origin_referral_id {
        Some(r) => Some(super::onward::origin(conn, r, who, owner)?),
        None => None,
    };
    Ok(CaseView {
        id: case.id,
        reference: case.reference.clone(),
        assigned_to,
        origin,
        agency_id: case.agency_id,
        access: access.kind(),
        emergency: match access {
            CaseAccess::Emergency(grant) => Some(crate::emergency::mark(grant)),
            _ => None,
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
        restriction: case.restriction.as_ref().filter(|_| owner).map(Into::into),
        version: case.version,
        created_at: case.created_at,
        updated_at: case.updated_at,
    })
}

/// The read audit entry of a case.
pub(crate) fn record_read(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    code: &'static str,
    case: &Case,
    access: &CaseAccess,
) -> Result<(), UseCaseError> {
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
) -> Result<CaseView, UseCaseError> {
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
) -> Result<Vec<TimelineEntry>, UseCaseError> {
    const CODE: &str = "case.timeline";
    run(conn, env, who, |conn| {
        let (case, access) =
            visible_case(conn, env, who, id, Action::ReadCase, CODE, ActionKind::Read)?;
        record_read(conn, env, who, CODE, &case, &access)?;
        let own_referrals: Vec<_> = match &access {
            CaseAccess::Owner | CaseAccess::Emergency(_) => Vec::new(),
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
                // Its opening and the emergency accesses of the reader's agency.
                CaseAccess::Emergency(_) => {
                    e.kind == "case_opened"
                        || (e.kind == "emergency_access" && e.agency_id == who.agency_id)
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
) -> Result<Page<CaseListItem>, UseCaseError> {
    list(conn, env, who, &filter, None, cursor, limit)
}

/// A person like one being entered: the family name as typed and the year of birth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimilarTo {
    /// The family name as typed.
    pub family_name: String,
    /// The year of birth.
    pub birth_year: i32,
}

/// The actor's agency's own cases (at most `limit`, most recently changed first) of
/// persons similar to `similar`: a family name that sounds the same and the same year
/// of birth, through the similar index (see `identity::similar`). Never another
/// agency's case. Audited as a search (`case.search`), with the persons found.
pub fn similar_cases(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    similar: &SimilarTo,
    limit: Option<i64>,
) -> Result<Page<CaseListItem>, UseCaseError> {
    let name = similar.family_name.trim();
    if name.is_empty() || name.chars().count() > crate::identity::MAX_NAME_CHARS {
        return Err(UseCaseError::Invalid("family_name"));
    }
    // A name without a sound matches nobody: no person is indexed under one.
    let index = crate::identity::similar::similar_index(env.cfg, name, similar.birth_year)?
        .unwrap_or_default();
    let filter = CaseListFilter::default();
    list(conn, env, who, &filter, Some(index), None, limit)
}

/// A page of the cases the actor may see through `filter` and, when given, only the
/// agency's own cases of persons with the similar index `similar`.
fn list(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    filter: &CaseListFilter,
    similar: Option<String>,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> Result<Page<CaseListItem>, UseCaseError> {
    let search = filter.family_name.is_some()
        || filter.date_of_birth.is_some()
        || filter.reference.is_some()
        || similar.is_some();
    let code: &'static str = if search { "case.search" } else { "case.list" };
    run(conn, env, who, |conn| {
        let own = who.may(Action::ReadCase, Relationship::OwnAgency);
        let received = who.may(Action::ReadCase, Relationship::ReceivingAgency);
        if !own && !received {
            return Err(denied(code, ActionKind::Read, None));
        }
        let store_filter = store_filter(env, who, filter, similar.clone())?;
        let limit = crate::cursor::limit(limit)?;
        let before = cursor.map(crate::cursor::decode::<CaseId>).transpose()?;
        let states: Vec<&str> = ACCESS_STATES.iter().map(|s| s.as_str()).collect();
        let rows = cases::list_visible(
            conn,
            who.agency_id,
            &states,
            store_filter,
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
            items.push(list_item(conn, env, case, &access)?);
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
            "by_reference": filter.reference.is_some(),
            "by_similar": similar.is_some(),
        }));
        let e = crate::subjects::with_persons(conn, e, &shown)?;
        record(conn, env, e)?;
        Ok(Page { items, next_cursor })
    })
}

/// The store's filter of a list: the blind indexes of what is searched, the reference
/// checked, the responsible worker named.
fn store_filter(
    env: &Env<'_>,
    who: &Actor,
    filter: &CaseListFilter,
    similar_index: Option<String>,
) -> Result<CaseFilter, UseCaseError> {
    let reference = filter
        .reference
        .as_deref()
        .map(str::trim)
        .map(|r| {
            schakel_domain::case::is_case_reference(r)
                .then(|| r.to_owned())
                .ok_or(UseCaseError::Invalid("reference"))
        })
        .transpose()?;
    Ok(CaseFilter {
        status: filter.status,
        region: filter.region,
        form: filter.form,
        family_name_index: family_name_index(env, filter.family_name.as_deref())?,
        birth_date_index: crate::identity::birth_date_index(env.cfg, filter.date_of_birth)?,
        similar_index,
        reference,
        assigned_to: filter.assigned_to.map(|a| match a {
            super::Assignee::Me => Some(who.user_id),
            super::Assignee::Nobody => None,
            super::Assignee::User(u) => Some(u),
        }),
    })
}

/// The blind index a family-name search looks up. A name that folds to nothing (only
/// punctuation) matches nobody: no person is indexed under an empty name.
fn family_name_index(env: &Env<'_>, name: Option<&str>) -> Result<Option<String>, UseCaseError> {
    match name {
        Some(name) if name.is_empty() || name.chars().count() > crate::identity::MAX_NAME_CHARS => {
            Err(UseCaseError::Invalid("family_name"))
        }
        Some(name) => Ok(Some(env.cfg.keys.blind_index(
            &env.cfg.index_key_id,
            "person.family_name",
            &crate::identity::family_name_canonical(name),
        )?)),
        None => Ok(None),
    }
}

/// One line of the case list, showing the name only where `access` shows the identity.
fn list_item(
    conn: &mut DbConn,
    env: &Env<'_>,
    case: &Case,
    access: &CaseAccess,
) -> Result<CaseListItem, UseCaseError> {
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
    let assigned_to = match (case.assigned_to, access) {
        (Some(u), CaseAccess::Owner) => Some(super::assign::worker(conn, u)?),
        _ => None,
    };
    Ok(CaseListItem {
        id: case.id,
        reference: case.reference.clone(),
        assigned_to,
        access: access.kind(),
        status: case.status,
        region: case.region,
        exploitation_forms: case.exploitation_forms.clone(),
        display_name,
        gender: person.gender,
        age_band: person.age_band,
        version: case.version,
        updated_at: case.updated_at,
    })
}
