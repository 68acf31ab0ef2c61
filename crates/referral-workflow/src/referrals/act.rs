//! Decisions on a referral (accept, decline, redirect, start, complete, withdraw) and
//! its expiry by the deadline job.

use super::send::{Sending, monitor_kind, recipient, referral_event, referral_event_message, send};
use super::*;

/// Takes `action` on a referral: accept, decline, redirect, start or complete (the
/// receiving agency's coordinators) or withdraw (the sending agency).
pub fn act(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: ReferralId,
    if_match: IfMatch,
    action: ReferralAction,
    input: &ActionInput,
) -> Result<ReferralView, UseCaseError> {
    let code = action_code(action)?;
    run(conn, env, who, |conn| {
        let (r, rel) = visible_referral(conn, who, id, code, ActionKind::Update)?;
        let by = party(rel).ok_or(UseCaseError::NotFound)?;
        let version = check_version(if_match, r.version)?;
        let to = r.state.apply(action, by)?;
        if !role_may(who, action, by) {
            return Err(refused(
                code,
                ActionKind::Update,
                ("referral", id.to_string()),
            ));
        }
        let mut rows = Rows::default();
        // A restricted case's referrals may only end: declined, withdrawn or completed.
        // (The case is read once, for this and for the person's pseudonym below.)
        if !action.ends() {
            crate::access::unfrozen(rows.case(conn, r.case_id)?)?;
        }
        let Decision {
            note,
            reason,
            outcome,
            assign,
        } = decision(conn, &mut rows, who, &r, action, input)?;
        let sealed = note
            .as_deref()
            .map(|n| seal(env.cfg, "referrals", "note", &id, n))
            .transpose()?;
        let transition = Transition {
            to,
            by: Some(who.user_id),
            decline_reason: reason,
            note: sealed.as_deref(),
            outcome,
            assign,
        };
        let done = referrals::transition(conn, id, version, &transition, env.now)?
            .ok_or(UseCaseError::VersionMismatch)?;
        let details = serde_json::json!({
            "from": r.state,
            "to": to,
            "reason": reason,
            "outcome": outcome,
            "redirect_to": input.to_agency_id,
        });
        let entry = (timeline_kind(to), Some(id), details.clone());
        timeline(conn, env, r.case_id, who.agency_id, Some(who), &[entry])?;
        tell(conn, env, &mut rows, &r, &done, by, reason)?;
        if let (ReferralAction::Redirect, Some(third)) = (action, input.to_agency_id) {
            redirect(conn, env, &mut rows, who, &r, third)?;
        }
        let mut e = event(
            Some(who),
            code,
            ActionKind::Update,
            ("referral", id.to_string()),
        )?
        .with_purpose(format!("case:{}", r.case_id))
        .with_details(details);
        if let Some(p) = rows.pseudonym_of(conn, r.case_id)? {
            e = e.with_subject_pseudonym(p);
        }
        let view = referral_view(conn, env, &mut rows, who, &done)?;
        record(conn, env, e)?;
        Ok(view)
    })
}

/// The audit code of an action people take (expiry is the platform's).
fn action_code(action: ReferralAction) -> Result<&'static str, UseCaseError> {
    Ok(match action {
        ReferralAction::Accept => "referral.accept",
        ReferralAction::Decline => "referral.decline",
        ReferralAction::Withdraw => "referral.withdraw",
        ReferralAction::Redirect => "referral.redirect",
        ReferralAction::Start => "referral.start",
        ReferralAction::Complete => "referral.complete",
        ReferralAction::Expire => return Err(UseCaseError::Invalid("action")),
    })
}

/// What an action carries besides itself, checked.
struct Decision {
    note: Option<String>,
    reason: Option<DeclineReason>,
    outcome: Option<ReferralOutcome>,
    /// On accepting: the worker of the receiving agency responsible for it.
    assign: Option<schakel_domain::UserId>,
}

/// What the action carries, checked: the note, and the decline reason, outcome, third
/// agency or responsible worker the action needs (and no other action may carry).
fn decision(
    conn: &mut DbConn,
    rows: &mut Rows,
    who: &Actor,
    r: &Referral,
    action: ReferralAction,
    input: &ActionInput,
) -> Result<Decision, UseCaseError> {
    let note = free_text(input.note.as_deref(), MAX_TEXT_CHARS, "note")?;
    let (mut reason, mut outcome, mut assign) = (None, None, None);
    match action {
        ReferralAction::Accept => {
            if let Some(worker) = input.assign_to {
                crate::cases::check_worker(conn, r.to_agency_id, worker).map_err(|e| match e {
                    UseCaseError::Invalid(_) => UseCaseError::Invalid("assign_to"),
                    other => other,
                })?;
            }
            assign = Some(input.assign_to.unwrap_or(who.user_id));
        }
        ReferralAction::Decline => {
            let why = input.reason.ok_or(UseCaseError::Invalid("reason"))?;
            if why == DeclineReason::Other && note.is_none() {
                return Err(UseCaseError::Invalid("note"));
            }
            reason = Some(why);
        }
        ReferralAction::Complete => {
            let how = input.outcome.ok_or(UseCaseError::Invalid("outcome"))?;
            if how == ReferralOutcome::Other && note.is_none() {
                return Err(UseCaseError::Invalid("note"));
            }
            outcome = Some(how);
        }
        ReferralAction::Redirect => {
            let third = input
                .to_agency_id
                .ok_or(UseCaseError::Invalid("to_agency_id"))?;
            recipient(conn, rows, third, r.from_agency_id, Some(r.to_agency_id))?;
        }
        _ => {}
    }
    if input.reason.is_some() && action != ReferralAction::Decline {
        return Err(UseCaseError::Invalid("reason"));
    }
    if input.outcome.is_some() && action != ReferralAction::Complete {
        return Err(UseCaseError::Invalid("outcome"));
    }
    if input.to_agency_id.is_some() && action != ReferralAction::Redirect {
        return Err(UseCaseError::Invalid("to_agency_id"));
    }
    if input.assign_to.is_some() && action != ReferralAction::Accept {
        return Err(UseCaseError::Invalid("assign_to"));
    }
    Ok(Decision {
        note,
        reason,
        outcome,
        assign,
    })
}

/// The timeline entry of a move to `to`.
fn timeline_kind(to: ReferralState) -> &'static str {
    match to {
        ReferralState::Accepted => "referral_accepted",
        ReferralState::Declined => "referral_declined",
        ReferralState::Redirected => "referral_redirected",
        ReferralState::InProgress => "referral_started",
        ReferralState::Completed => "referral_completed",
        ReferralState::Withdrawn => "referral_withdrawn",
        ReferralState::Expired => "referral_expired",
        ReferralState::Sent => "referral_sent",
    }
}

/// Tells the monitor and the other agency of the move from `before` to `done`.
fn tell(
    conn: &mut DbConn,
    env: &Env<'_>,
    rows: &mut Rows,
    before: &Referral,
    done: &Referral,
    by: Party,
    reason: Option<DeclineReason>,
) -> Result<(), UseCaseError> {
    let to = done.state;
    let answered = matches!(
        to,
        ReferralState::Accepted | ReferralState::Declined | ReferralState::Redirected
    );
    let hours = answered.then(|| (env.now - before.created_at).num_hours());
    // The monitor's count and the email to the other agency, in one statement.
    let mut messages = Vec::with_capacity(2);
    if let Some(event) = monitor_kind(to) {
        messages.push(referral_event_message(conn, env, rows, event, done, hours)?);
    }
    let facts = ReferralFacts::of(done.id, done.from_agency_id, done.to_agency_id);
    match by {
        Party::Receiver if to != ReferralState::InProgress => {
            let responsible = rows.case(conn, done.case_id)?.assigned_to;
            messages.push(notice_message(
                env,
                ReferralTopic::Decided,
                To {
                    agency: done.from_agency_id,
                    user: responsible,
                    roles: &[Role::Coordinator],
                },
                ReferralFacts {
                    state: Some(to),
                    reason,
                    ..facts
                },
            ));
        }
        Party::Sender => messages.push(notice_message(
            env,
            ReferralTopic::Withdrawn,
            To {
                agency: done.to_agency_id,
                user: done.assigned_to,
                roles: &[Role::Coordinator],
            },
            facts,
        )),
        _ => {}
    }
    queue_all(conn, env, &messages)
}

/// Sends the redirected referral on to the third agency, from the original sender.
fn redirect(
    conn: &mut DbConn,
    env: &Env<'_>,
    rows: &mut Rows,
    who: &Actor,
    r: &Referral,
    third: AgencyId,
) -> Result<(), UseCaseError> {
    let message = open_opt(env.cfg, "referrals", "message", &r.id, r.message.as_deref())?;
    let sending = Sending {
        case_id: r.case_id,
        from: r.from_agency_id,
        to: third,
        purpose: r.purpose,
        urgency: r.urgency,
        message: message.as_deref(),
        summary: &r.summary,
        redirected_from: Some(r.id),
        ordinal: 1,
    };
    send(conn, env, rows, who, &sending)?;
    Ok(())
}

/// Expires one overdue referral at `env.now`, if it is still `sent` at `version`
/// (the platform acts; the sender is told). Returns whether it expired.
pub(crate) fn expire_one(
    conn: &mut DbConn,
    env: &Env<'_>,
    r: &Referral,
) -> Result<bool, UseCaseError> {
    let to = r.state.apply(ReferralAction::Expire, Party::System)?;
    let t = Transition {
        to,
        by: None,
        decline_reason: None,
        note: None,
        outcome: None,
        assign: None,
    };
    let Some(done) = referrals::transition(conn, r.id, r.version, &t, env.now)? else {
        return Ok(false);
    };
    let details = serde_json::json!({ "from": r.state, "to": to, "deadline_at": r.deadline_at });
    timeline(
        conn,
        env,
        r.case_id,
        r.to_agency_id,
        None,
        &[("referral_expired", Some(r.id), details.clone())],
    )?;
    let mut rows = Rows::default();
    referral_event(
        conn,
        env,
        &mut rows,
        MonitorEventKind::ReferralExpired,
        &done,
        None,
    )?;
    let responsible = rows.case(conn, r.case_id)?.assigned_to;
    notify(
        conn,
        env,
        ReferralTopic::Expired,
        To {
            agency: r.from_agency_id,
            user: responsible,
            roles: &[Role::Coordinator],
        },
        ReferralFacts::of(r.id, r.from_agency_id, r.to_agency_id),
    )?;
    let e = event(
        None,
        "referral.expire",
        ActionKind::Update,
        ("referral", r.id.to_string()),
    )?
    .with_purpose(format!("case:{}", r.case_id))
    .with_details(details);
    record(conn, env, e)?;
    Ok(true)
}
