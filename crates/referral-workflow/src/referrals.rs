//! Referrals: sent by a case's agency to another agency's inbox, decided by that
//! agency's coordinators, withdrawn by the sender, expired by the deadline job. Every
//! change of state is checked against the transition table in `domain`.

use crate::access::referral_relationship;
use crate::cases::{check_version, receiver_covered, visible_case};
use crate::identity::Identity;
use crate::signals::MAX_TEXT_CHARS;
use crate::support::{
    Env, denied, event, free_text, monitor, named_by, notify, open_opt, record, refused, run, seal,
    timeline,
};
use crate::views::{AgencyRef, Page, ReferralSummary, ReferralView};
use crate::{Conflict, IfMatch, WorkflowError};
use schakel_audit::ActionKind;
use schakel_domain::monitor_event::month_of;
use schakel_domain::{
    Action, Actor, AgencyId, CaseStatus, DeclineReason, Party, ReferralAction, ReferralId,
    ReferralOutcome, ReferralPurpose, ReferralState, Relationship, Role, Urgency,
};
use schakel_domain::{MonitorEvent, MonitorEventKind};
use schakel_domain::{ReferralFacts, ReferralTopic};
use schakel_store::DbConn;
use schakel_store::agencies::{self, Agency};
/// Which states a referral list holds.
pub use schakel_store::casework::referrals::StateSet;
use schakel_store::casework::referrals::{
    self, Direction, NewReferral, Referral, Summary, Transition,
};
use schakel_store::casework::{cases, persons};
use serde::Deserialize;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// A referral to send.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReferralInput {
    /// The receiving agency (its inbox, not a person).
    pub to_agency_id: AgencyId,
    /// Why.
    pub purpose: ReferralPurpose,
    /// How urgent; sets the deadline.
    pub urgency: Urgency,
    /// A message to the receiving agency.
    #[serde(default)]
    pub message: Option<String>,
}

/// What an action on a referral carries besides the action itself.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    /// For decline: why.
    #[serde(default)]
    pub reason: Option<DeclineReason>,
    /// For complete: how it ended.
    #[serde(default)]
    pub outcome: Option<ReferralOutcome>,
    /// For redirect: the third agency.
    #[serde(default)]
    pub to_agency_id: Option<AgencyId>,
    /// A note (required when the reason or outcome is `other`).
    #[serde(default)]
    pub note: Option<String>,
}

fn agency_ref(a: &Agency) -> AgencyRef {
    AgencyRef {
        id: a.id,
        name: a.name.clone(),
        kind: a.kind,
        region: a.region,
    }
}

/// The party `who` is to a referral, from the relationship.
fn party(rel: Relationship) -> Option<Party> {
    match rel {
        Relationship::OwnAgency => Some(Party::Sender),
        Relationship::ReceivingAgency => Some(Party::Receiver),
        _ => None,
    }
}

/// Whether `who`'s role may take `action` as `party`.
fn role_may(who: &Actor, action: ReferralAction, party: Party) -> bool {
    match (party, action) {
        (Party::Sender, ReferralAction::Withdraw) => {
            who.may(Action::WithdrawReferral, Relationship::OwnAgency)
        }
        (Party::Receiver, _) => who.may(Action::DecideReferral, Relationship::ReceivingAgency),
        _ => false,
    }
}

/// A referral as `who` may see it (the caller has checked that it may).
pub(crate) fn referral_view(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    r: &Referral,
) -> Result<ReferralView, WorkflowError> {
    view_with(conn, env, who, r, &mut AgencyCache::default())
}

/// A list of referrals as `who` may see them; each agency they name is read once.
pub(crate) fn referral_views<'r>(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    rows: impl IntoIterator<Item = &'r Referral>,
) -> Result<Vec<ReferralView>, WorkflowError> {
    let mut cache = AgencyCache::default();
    rows.into_iter()
        .map(|r| view_with(conn, env, who, r, &mut cache))
        .collect()
}

/// The agencies named by the referrals of one answer, each read once (an inbox page
/// of fifty names a handful).
#[derive(Default)]
struct AgencyCache(HashMap<AgencyId, Agency>);

impl AgencyCache {
    fn get(&mut self, conn: &mut DbConn, id: AgencyId) -> Result<&Agency, WorkflowError> {
        Ok(match self.0.entry(id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(v) => v.insert(agencies::find(conn, id)?),
        })
    }
}

fn view_with(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    r: &Referral,
    cache: &mut AgencyCache,
) -> Result<ReferralView, WorkflowError> {
    let from = agency_ref(cache.get(conn, r.from_agency_id)?);
    let to = agency_ref(cache.get(conn, r.to_agency_id)?);
    let rel = referral_relationship(who, r);
    let sender = rel == Relationship::OwnAgency;
    let identity_shared = if sender {
        Some(receiver_covered(
            conn, r.case_id, to.kind, r.purpose, env.now,
        )?)
    } else {
        None
    };
    let receiver_sees_case = rel == Relationship::ReceivingAgency
        && r.state.grants_case_access()
        && who.may(Action::ReadCase, Relationship::ReceivingAgency);
    let actions = party(rel)
        .map(|p| {
            ReferralAction::ALL
                .iter()
                .copied()
                .filter(|a| *a != ReferralAction::Expire)
                .filter(|a| r.state.apply(*a, p).is_ok() && role_may(who, *a, p))
                .collect()
        })
        .unwrap_or_default();
    let message = if sender || r.state.is_open() {
        open_opt(env.cfg, "referrals", "message", &r.id, r.message.as_deref())?
    } else {
        None
    };
    Ok(ReferralView {
        id: r.id,
        case_id: (sender || receiver_sees_case).then_some(r.case_id),
        from_agency: from,
        to_agency: to,
        purpose: r.purpose,
        urgency: r.urgency,
        message,
        state: r.state,
        deadline_at: r.deadline_at,
        overdue: r.state == ReferralState::Sent && r.deadline_at <= env.now,
        summary: ReferralSummary {
            exploitation_forms: r.summary.exploitation_forms.clone(),
            age_band: r.summary.age_band,
            gender: r.summary.gender,
            nationality_group: r.summary.nationality_group,
            region: r.summary.region,
        },
        decided_at: r.decided_at,
        decline_reason: r.decline_reason,
        note: open_opt(env.cfg, "referrals", "note", &r.id, r.note.as_deref())?,
        outcome: r.outcome,
        redirected_from: r.redirected_from,
        redirected_to: referrals::redirect_of(conn, r.id)?,
        identity_shared,
        actions,
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

/// The monitor event of something that happened to a referral.
fn referral_event(
    conn: &mut DbConn,
    env: &Env<'_>,
    kind: MonitorEventKind,
    r: &Referral,
    hours_to_answer: Option<i64>,
) -> Result<(), WorkflowError> {
    let from = agencies::find(conn, r.from_agency_id)?;
    let to = agencies::find(conn, r.to_agency_id)?;
    let case = cases::find(conn, r.case_id)?;
    let pseudonym = persons::find(conn, case.person_id)?.pseudonym;
    monitor(
        conn,
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
    )
}

/// What the monitor counts when a referral moves to `to` (starting the work: nothing).
fn monitor_kind(to: ReferralState) -> Option<MonitorEventKind> {
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
fn recipient(
    conn: &mut DbConn,
    id: AgencyId,
    sender: AgencyId,
    also_not: Option<AgencyId>,
) -> Result<Agency, WorkflowError> {
    let agency = named_by(agencies::find(conn, id), "to_agency_id")?;
    if !agency.active || id == sender || Some(id) == also_not {
        return Err(WorkflowError::Conflict(Conflict::Recipient));
    }
    Ok(agency)
}

/// Inserts a referral in `sent` with its timeline entry (at `ordinal` among the
/// transaction's entries), email and monitor event.
#[allow(clippy::too_many_arguments)]
fn send(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case_id: schakel_domain::CaseId,
    from: AgencyId,
    to: AgencyId,
    purpose: ReferralPurpose,
    urgency: Urgency,
    message: Option<&str>,
    summary: &Summary,
    redirected_from: Option<ReferralId>,
    ordinal: i32,
) -> Result<Referral, WorkflowError> {
    let id = ReferralId::new_random();
    let sealed = message
        .map(|m| seal(env.cfg, "referrals", "message", &id, m))
        .transpose()?;
    referrals::insert(
        conn,
        &NewReferral {
            id,
            case_id,
            from_agency_id: from,
            to_agency_id: to,
            sent_by: who.user_id,
            purpose,
            urgency,
            message: sealed.as_deref(),
            deadline_at: env.cfg.deadlines.deadline(urgency, env.now),
            summary,
            redirected_from,
        },
        env.now,
    )?;
    let details = serde_json::json!({
        "to_agency_id": to,
        "purpose": purpose,
        "urgency": urgency,
        "redirected_from": redirected_from,
    });
    schakel_store::casework::timeline::append(
        conn,
        &schakel_store::casework::timeline::NewCaseEvent {
            case_id,
            ordinal,
            kind: "referral_sent",
            agency_id: who.agency_id,
            user_id: Some(who.user_id),
            referral_id: Some(id),
            details,
        },
        env.now,
    )?;
    notify(
        conn,
        env,
        ReferralTopic::Received,
        to,
        &[Role::Coordinator],
        ReferralFacts {
            urgency: Some(urgency),
            ..ReferralFacts::of(id, from, to)
        },
    )?;
    let r = referrals::find(conn, id)?;
    referral_event(conn, env, MonitorEventKind::ReferralSent, &r, None)?;
    Ok(r)
}

/// Refers a case of the actor's agency to another agency (inside the caller's
/// transaction).
pub fn create_referral_in(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case_id: schakel_domain::CaseId,
    input: &ReferralInput,
) -> Result<ReferralView, WorkflowError> {
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
        return Err(WorkflowError::Conflict(Conflict::CaseClosed));
    }
    recipient(conn, input.to_agency_id, who.agency_id, None)?;
    let person = persons::find(conn, case.person_id)?;
    let identity = match &person.identity {
        Some(s) => Identity::open(env.cfg, person.id, s)?,
        None => Identity::default(),
    };
    let summary = Summary {
        exploitation_forms: case.exploitation_forms.clone(),
        age_band: identity.age_band(env.now.date_naive()),
        gender: person.gender,
        nationality_group: person.nationality_group,
        region: case.region,
    };
    let r = send(
        conn,
        env,
        who,
        case_id,
        who.agency_id,
        input.to_agency_id,
        input.purpose,
        input.urgency,
        message.as_deref(),
        &summary,
        None,
        0,
    )?;
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
    let view = referral_view(conn, env, who, &r)?;
    record(conn, env, e)?;
    Ok(view)
}

/// Loads a referral `who` may see, or the hidden denial `code`.
fn visible_referral(
    conn: &mut DbConn,
    who: &Actor,
    id: ReferralId,
    code: &'static str,
    kind: ActionKind,
) -> Result<(Referral, Relationship), WorkflowError> {
    let r = referrals::find(conn, id)?;
    let rel = referral_relationship(who, &r);
    if rel == Relationship::Unrelated || !who.may(Action::ReadReferral, rel) {
        return Err(denied(code, kind, Some(("referral", id.to_string()))));
    }
    Ok((r, rel))
}

/// One referral, as the actor may see it.
pub fn get_referral(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: ReferralId,
) -> Result<ReferralView, WorkflowError> {
    const CODE: &str = "referral.read";
    run(conn, env, who, |conn| {
        let (r, _) = visible_referral(conn, who, id, CODE, ActionKind::Read)?;
        let e = event(
            Some(who),
            CODE,
            ActionKind::Read,
            ("referral", id.to_string()),
        )?;
        let e = crate::subjects::with_case_persons(conn, e, &[r.case_id])?;
        let view = referral_view(conn, env, who, &r)?;
        record(conn, env, e)?;
        Ok(view)
    })
}

/// Which referrals to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralBox {
    /// Those the actor's agency received.
    Incoming,
    /// Those it sent.
    Outgoing,
}

/// A page of the actor's agency's incoming or outgoing referrals in the states of
/// `states`, by deadline (the ended ones latest first).
pub fn list_referrals(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    which: ReferralBox,
    states: StateSet,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> Result<Page<ReferralView>, WorkflowError> {
    const CODE: &str = "referral.list";
    run(conn, env, who, |conn| {
        let (rel, direction) = match which {
            ReferralBox::Incoming => (Relationship::ReceivingAgency, Direction::Incoming),
            ReferralBox::Outgoing => (Relationship::OwnAgency, Direction::Outgoing),
        };
        if !who.may(Action::ReadReferral, rel) {
            return Err(denied(CODE, ActionKind::Read, None));
        }
        let limit = crate::cursor::limit(limit)?;
        let after = cursor
            .map(crate::cursor::decode::<ReferralId>)
            .transpose()?;
        let rows =
            referrals::list_of_agency(conn, who.agency_id, direction, states, after, limit + 1)?;
        let (rows, next_cursor) =
            crate::cursor::split(rows, limit, |r: &Referral| (r.deadline_at, r.id));
        let e = event(Some(who), CODE, ActionKind::Read, ("agency", who.agency_id.to_string()))?
            .with_details(serde_json::json!({
                "box": match which { ReferralBox::Incoming => "incoming", ReferralBox::Outgoing => "outgoing" },
                "count": rows.len(),
            }));
        let cases: Vec<_> = rows.iter().map(|r| r.case_id).collect();
        let e = crate::subjects::with_case_persons(conn, e, &cases)?;
        let items = referral_views(conn, env, who, &rows)?;
        record(conn, env, e)?;
        Ok(Page { items, next_cursor })
    })
}

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
) -> Result<ReferralView, WorkflowError> {
    let code: &'static str = match action {
        ReferralAction::Accept => "referral.accept",
        ReferralAction::Decline => "referral.decline",
        ReferralAction::Withdraw => "referral.withdraw",
        ReferralAction::Redirect => "referral.redirect",
        ReferralAction::Start => "referral.start",
        ReferralAction::Complete => "referral.complete",
        ReferralAction::Expire => return Err(WorkflowError::Invalid("action")),
    };
    run(conn, env, who, |conn| {
        let (r, rel) = visible_referral(conn, who, id, code, ActionKind::Update)?;
        let by = party(rel).ok_or(WorkflowError::NotFound)?;
        let version = check_version(if_match, r.version)?;
        let to = r.state.apply(action, by)?;
        if !role_may(who, action, by) {
            return Err(refused(
                code,
                ActionKind::Update,
                ("referral", id.to_string()),
            ));
        }
        let note = free_text(input.note.as_deref(), MAX_TEXT_CHARS, "note")?;
        let mut transition = Transition {
            to,
            by: Some(who.user_id),
            decline_reason: None,
            note: None,
            outcome: None,
        };
        match action {
            ReferralAction::Decline => {
                let reason = input.reason.ok_or(WorkflowError::Invalid("reason"))?;
                if reason == DeclineReason::Other && note.is_none() {
                    return Err(WorkflowError::Invalid("note"));
                }
                transition.decline_reason = Some(reason);
            }
            ReferralAction::Complete => {
                let outcome = input.outcome.ok_or(WorkflowError::Invalid("outcome"))?;
                if outcome == ReferralOutcome::Other && note.is_none() {
                    return Err(WorkflowError::Invalid("note"));
                }
                transition.outcome = Some(outcome);
            }
            ReferralAction::Redirect => {
                let third = input
                    .to_agency_id
                    .ok_or(WorkflowError::Invalid("to_agency_id"))?;
                recipient(conn, third, r.from_agency_id, Some(r.to_agency_id))?;
            }
            _ => {}
        }
        if input.reason.is_some() && action != ReferralAction::Decline {
            return Err(WorkflowError::Invalid("reason"));
        }
        if input.outcome.is_some() && action != ReferralAction::Complete {
            return Err(WorkflowError::Invalid("outcome"));
        }
        if input.to_agency_id.is_some() && action != ReferralAction::Redirect {
            return Err(WorkflowError::Invalid("to_agency_id"));
        }
        let sealed = note
            .as_deref()
            .map(|n| seal(env.cfg, "referrals", "note", &id, n))
            .transpose()?;
        transition.note = sealed.as_deref();
        if !referrals::transition(conn, id, version, &transition, env.now)? {
            return Err(WorkflowError::VersionMismatch);
        }
        let done = referrals::find(conn, id)?;
        let kind = match to {
            ReferralState::Accepted => "referral_accepted",
            ReferralState::Declined => "referral_declined",
            ReferralState::Redirected => "referral_redirected",
            ReferralState::InProgress => "referral_started",
            ReferralState::Completed => "referral_completed",
            ReferralState::Withdrawn => "referral_withdrawn",
            ReferralState::Expired => "referral_expired",
            ReferralState::Sent => "referral_sent",
        };
        let details = serde_json::json!({
            "from": r.state,
            "to": to,
            "reason": transition.decline_reason,
            "outcome": transition.outcome,
            "redirect_to": input.to_agency_id,
        });
        timeline(
            conn,
            env,
            r.case_id,
            who.agency_id,
            Some(who),
            &[(kind, Some(id), details.clone())],
        )?;
        let decided = matches!(
            to,
            ReferralState::Accepted | ReferralState::Declined | ReferralState::Redirected
        );
        let hours = decided.then(|| (env.now - r.created_at).num_hours());
        if let Some(event) = monitor_kind(to) {
            referral_event(conn, env, event, &done, hours)?;
        }
        match by {
            Party::Receiver if to != ReferralState::InProgress => notify(
                conn,
                env,
                ReferralTopic::Decided,
                r.from_agency_id,
                &[Role::Caseworker, Role::Coordinator],
                ReferralFacts {
                    state: Some(to),
                    reason: transition.decline_reason,
                    ..ReferralFacts::of(id, r.from_agency_id, r.to_agency_id)
                },
            )?,
            Party::Sender => notify(
                conn,
                env,
                ReferralTopic::Withdrawn,
                r.to_agency_id,
                &[Role::Coordinator],
                ReferralFacts::of(id, r.from_agency_id, r.to_agency_id),
            )?,
            _ => {}
        }
        let case = cases::find(conn, r.case_id)?;
        let pseudonym = persons::find(conn, case.person_id)?.pseudonym;
        if let (ReferralAction::Redirect, Some(third)) = (action, input.to_agency_id) {
            let message = open_opt(env.cfg, "referrals", "message", &r.id, r.message.as_deref())?;
            send(
                conn,
                env,
                who,
                r.case_id,
                r.from_agency_id,
                third,
                r.purpose,
                r.urgency,
                message.as_deref(),
                &r.summary,
                Some(id),
                1,
            )?;
        }
        let mut e = event(
            Some(who),
            code,
            ActionKind::Update,
            ("referral", id.to_string()),
        )?
        .with_purpose(format!("case:{}", r.case_id))
        .with_details(details);
        if let Some(p) = pseudonym {
            e = e.with_subject_pseudonym(p);
        }
        let view = referral_view(conn, env, who, &done)?;
        record(conn, env, e)?;
        Ok(view)
    })
}

/// Expires one overdue referral at `env.now`, if it is still `sent` at `version`
/// (the platform acts; the sender is told). Returns whether it expired.
pub(crate) fn expire_one(
    conn: &mut DbConn,
    env: &Env<'_>,
    r: &Referral,
) -> Result<bool, WorkflowError> {
    let to = r.state.apply(ReferralAction::Expire, Party::System)?;
    let t = Transition {
        to,
        by: None,
        decline_reason: None,
        note: None,
        outcome: None,
    };
    if !referrals::transition(conn, r.id, r.version, &t, env.now)? {
        return Ok(false);
    }
    let done = referrals::find(conn, r.id)?;
    let details = serde_json::json!({ "from": r.state, "to": to, "deadline_at": r.deadline_at });
    timeline(
        conn,
        env,
        r.case_id,
        r.to_agency_id,
        None,
        &[("referral_expired", Some(r.id), details.clone())],
    )?;
    referral_event(conn, env, MonitorEventKind::ReferralExpired, &done, None)?;
    notify(
        conn,
        env,
        ReferralTopic::Expired,
        r.from_agency_id,
        &[Role::Caseworker, Role::Coordinator],
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
