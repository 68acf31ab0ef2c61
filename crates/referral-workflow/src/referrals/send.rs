//! Sending a referral (a new one, or the next one of a redirect), with its timeline
//! entry, email and monitor event.

use super::*;

/// The monitor event of something that happened to a referral.
pub(super) fn referral_event(
    conn: &mut DbConn,
    env: &Env<'_>,
    rows: &mut Rows,
    kind: MonitorEventKind,
    r: &Referral,
    hours_to_answer: Option<i64>,
) -> Result<(), UseCaseError> {
    let message = referral_event_message(conn, env, rows, kind, r, hours_to_answer)?;
    queue_all(conn, env, &[message])
}

/// The outbox row of the monitor event of referral `r` (see [`referral_event`]).
pub(super) fn referral_event_message(
    conn: &mut DbConn,
    env: &Env<'_>,
    rows: &mut Rows,
    kind: MonitorEventKind,
    r: &Referral,
    hours_to_answer: Option<i64>,
) -> Result<NewOutboxMessage, UseCaseError> {
    rows.load_agencies(conn, &[r.from_agency_id, r.to_agency_id])?;
    let from = rows.agency(conn, r.from_agency_id)?.clone();
    let to = rows.agency(conn, r.to_agency_id)?.clone();
    let pseudonym = rows.pseudonym_of(conn, r.case_id)?;
    Ok(monitor_message(
        env,
        &MonitorEvent {
            kind,
            month: month_of(env.now),
            sender_kind: from.kind,
            sender_region: from.region,
            receiver_kind: Some(to.kind),
            receiver_region: Some(to.region),
            exploitation_forms: r.summary.exploitation_forms.clone(),
            age_band: r.summary.age_band,
            gender: r.summary.gender,
            nationality_group: r.summary.nationality_group,
            reporting_basis: None,
            hours_to_answer,
            pseudonym,
        },
    ))
}

/// What the monitor counts when a referral moves to `to` (starting the work: nothing).
pub(super) fn monitor_kind(to: ReferralState) -> Option<MonitorEventKind> {
    Some(match to {
        ReferralState::Sent => MonitorEventKind::ReferralSent,
        ReferralState::Accepted => MonitorEventKind::ReferralAccepted,
        ReferralState::Declined => MonitorEventKind::ReferralDeclined,
        ReferralState::Redirected => MonitorEventKind::ReferralRedirected,
        ReferralState::Completed => MonitorEventKind::ReferralCompleted,
        ReferralState::Withdrawn => MonitorEventKind::ReferralWithdrawn,
        ReferralState::Expired => MonitorEventKind::ReferralExpired,
        ReferralState::InProgress => return None,
    })
}

/// Checks a receiving agency: active, and neither the sender nor `also_not`.
pub(super) fn recipient(
    conn: &mut DbConn,
    rows: &mut Rows,
    id: AgencyId,
    sender: AgencyId,
    also_not: Option<AgencyId>,
) -> Result<(), UseCaseError> {
    rows.load_agencies(conn, &[id, sender])?;
    let agency = named_by(rows.agency(conn, id), "to_agency_id")?;
    if !agency.active || id == sender || Some(id) == also_not {
        return Err(UseCaseError::Conflict(Conflict::Recipient));
    }
    Ok(())
}

/// A referral to send: from the case's agency (or, redirected, from the original
/// sender) to another agency, with the facts that travel with it.
pub(super) struct Sending<'a> {
    pub(super) case_id: schakel_domain::CaseId,
    pub(super) from: AgencyId,
    pub(super) to: AgencyId,
    pub(super) purpose: ReferralPurpose,
    pub(super) urgency: Urgency,
    pub(super) message: Option<&'a str>,
    pub(super) summary: &'a Summary,
    pub(super) redirected_from: Option<ReferralId>,
    /// Its timeline entry's place among the transaction's entries.
    pub(super) ordinal: i32,
}

/// Inserts a referral in `sent` with its timeline entry, email and monitor event.
pub(super) fn send(
    conn: &mut DbConn,
    env: &Env<'_>,
    rows: &mut Rows,
    who: &Actor,
    s: &Sending<'_>,
) -> Result<Referral, UseCaseError> {
    let id = ReferralId::new_random();
    let sealed = s
        .message
        .map(|m| seal(env.cfg, "referrals", "message", &id, m))
        .transpose()?;
    let r = referrals::insert(
        conn,
        &NewReferral {
            id,
            case_id: s.case_id,
            from_agency_id: s.from,
            to_agency_id: s.to,
            sent_by: who.user_id,
            purpose: s.purpose,
            urgency: s.urgency,
            message: sealed.as_deref(),
            deadline_at: env.cfg.deadlines.deadline(s.urgency, env.now),
            summary: s.summary,
            redirected_from: s.redirected_from,
        },
        env.now,
    )?;
    let details = serde_json::json!({
        "to_agency_id": s.to,
        "purpose": s.purpose,
        "urgency": s.urgency,
        "redirected_from": s.redirected_from,
    });
    schakel_store::casework::timeline::append(
        conn,
        &schakel_store::casework::timeline::NewCaseEvent {
            case_id: s.case_id,
            ordinal: s.ordinal,
            kind: "referral_sent",
            agency_id: who.agency_id,
            user_id: Some(who.user_id),
            referral_id: Some(id),
            details,
        },
        env.now,
    )?;
    // The email to the receiver and the monitor's count, in one statement.
    let received = notice_message(
        env,
        ReferralTopic::Received,
        To::roles(s.to, &[Role::Coordinator]),
        ReferralFacts {
            urgency: Some(s.urgency),
            ..ReferralFacts::of(id, s.from, s.to)
        },
    );
    let counted =
        referral_event_message(conn, env, rows, MonitorEventKind::ReferralSent, &r, None)?;
    queue_all(conn, env, &[received, counted])?;
    Ok(r)
}

/// Refers a case of the actor's agency to another agency's inbox, once per
/// idempotency key, in one transaction.
pub fn create_referral(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case_id: schakel_domain::CaseId,
    input: &ReferralInput,
    key: Option<&IdempotencyKey>,
) -> Result<Created<ReferralView>, UseCaseError> {
    create_once(conn, env, who, Action::CreateReferral, key, 201, &|conn| {
        create_referral_in(conn, env, who, case_id, input)
    })
}

/// Refers a case inside the caller's transaction.
pub(crate) fn create_referral_in(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case_id: schakel_domain::CaseId,
    input: &ReferralInput,
) -> Result<ReferralView, UseCaseError> {
    const CODE: &str = "referral.create";
    let (case, access) = visible_case(
        conn,
        env,
        who,
        case_id,
        Action::ReadCase,
        CODE,
        ActionKind::Create,
    )?;
    if !matches!(access, crate::access::CaseAccess::Owner)
        || !who.may(Action::CreateReferral, Relationship::OwnAgency)
    {
        return Err(denied(
            CODE,
            ActionKind::Create,
            Some(("case", case_id.to_string())),
        ));
    }
    let message = free_text(input.message.as_deref(), MAX_TEXT_CHARS, "message")?;
    if case.status == CaseStatus::Closed {
        return Err(UseCaseError::Conflict(Conflict::CaseClosed));
    }
    let mut rows = Rows::default();
    rows.keep_case(&case);
    recipient(conn, &mut rows, input.to_agency_id, who.agency_id, None)?;
    let person = rows.person(conn, case.person_id)?.clone();
    let identity = match &person.identity {
        Some(s) => Identity::open(env.cfg, person.id, s)?,
        None => Identity::default(),
    };
    let summary = Summary {
        exploitation_forms: case.exploitation_forms.clone(),
        age_band: crate::cases::age_band_on(conn, env, &case, &identity)?,
        gender: person.gender,
        nationality_group: person.nationality_group,
        region: case.region,
    };
    let sending = Sending {
        case_id,
        from: who.agency_id,
        to: input.to_agency_id,
        purpose: input.purpose,
        urgency: input.urgency,
        message: message.as_deref(),
        summary: &summary,
        redirected_from: None,
        ordinal: 0,
    };
    let r = send(conn, env, &mut rows, who, &sending)?;
    let mut e = event(
        Some(who),
        CODE,
        ActionKind::Create,
        ("referral", r.id.to_string()),
    )?
    .with_purpose(format!("case:{case_id}"))
    .with_details(serde_json::json!({
        "case_id": case_id,
        "to_agency_id": input.to_agency_id,
        "purpose": input.purpose,
        "urgency": input.urgency,
    }));
    if let Some(p) = &person.pseudonym {
        e = e.with_subject_pseudonym(p.clone());
    }
    let view = referral_view(conn, env, &mut rows, who, &r)?;
    record(conn, env, e)?;
    Ok(view)
}
