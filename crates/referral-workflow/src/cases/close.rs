//! Closing a case with a reason: its open referrals end, the monitor counts it.

use super::*;

/// Closes a case of the actor's agency. Refused while referrals are open.
pub fn close_case(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
    if_match: IfMatch,
    input: &CloseCaseInput,
) -> Result<CaseView, UseCaseError> {
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
            return Err(UseCaseError::Invalid("note"));
        }
        if case.status == CaseStatus::Closed {
            return Err(UseCaseError::Conflict(crate::Conflict::CaseClosed));
        }
        if referrals::of_case(conn, id)?
            .iter()
            .any(|r| r.state.is_open())
        {
            return Err(UseCaseError::Conflict(crate::Conflict::OpenReferrals));
        }
        if !cases::bump(conn, id, version, env.now)? {
            return Err(UseCaseError::VersionMismatch);
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
        let closed = closed_event(conn, env, &agency, &case, &person)?;
        monitor(conn, env, &closed)?;
        let case = cases::find(conn, id)?;
        case_view(conn, env, who, &case, &CaseAccess::Owner)
    })
}

/// The monitor event of `case` closed by `agency`.
fn closed_event(
    conn: &mut DbConn,
    env: &Env<'_>,
    agency: &agencies::Agency,
    case: &cases::Case,
    person: &persons::Person,
) -> Result<MonitorEvent, UseCaseError> {
    let identity = match &person.identity {
        Some(s) => Identity::open(env.cfg, person.id, s)?,
        None => Identity::default(),
    };
    Ok(MonitorEvent {
        kind: MonitorEventKind::CaseClosed,
        month: month_of(env.now),
        sender_kind: agency.kind,
        sender_region: case.region,
        receiver_kind: None,
        receiver_region: None,
        exploitation_forms: case.exploitation_forms.clone(),
        age_band: super::age_band_on(conn, env, case, &identity)?,
        gender: person.gender,
        nationality_group: person.nationality_group,
        reporting_basis: None,
        hours_to_answer: None,
        pseudonym: person.pseudonym.clone(),
    })
}
