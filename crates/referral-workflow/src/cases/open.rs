//! Opening a case: from a signal of the agency (nothing typed again) or directly with
//! a person, with its timeline entry and monitor event.

use super::*;

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
