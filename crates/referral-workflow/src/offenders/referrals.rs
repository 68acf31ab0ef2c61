//! Suspects handed to the prosecution: the referral state machine of the victims' side
//! (sent, accepted, in progress, completed; declined, withdrawn), the prosecution's
//! coordinators deciding, the investigating agency withdrawing, each change made from
//! the version it was read at. The prosecution's coordinators are emailed when a
//! suspect arrives, the investigating agency's when it is accepted or declined (the
//! agencies' names and a link only).

use super::access::{is_prosecution, member, visible_suspect};
use super::events::{Happened, emit};
use super::identity::{SuspectIdentity, open, seal};
use super::{ReferSuspectInput, SuspectReferralAnswer, SuspectReferralView, SuspectSummary};
use crate::support::{Env, check_version, denied, event, free_text, named_by, record, run};
use crate::{Conflict, IfMatch, UseCaseError};
use schakel_audit::ActionKind;
use schakel_domain::{
    Action, Actor, Notice, Party, ReferralAction, ReferralState, Relationship, Role, SuspectId,
    SuspectReferralId, SuspectTopic,
};
use schakel_store::DbConn;
use schakel_store::agencies;
use schakel_store::offenders::investigations::{self, Investigation};
use schakel_store::offenders::referrals::{self, SuspectReferral, Transition};
use schakel_store::offenders::suspects::{self, Suspect};
use schakel_store::outbox::{self, Channel, NewOutboxMessage};

/// The longest message with a referral, in characters.
pub const MAX_MESSAGE_CHARS: usize = 4000;

/// What can be done to a suspect referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuspectReferralAction {
    /// The prosecution takes the suspect on.
    Accept,
    /// The prosecution does not (with a reason).
    Decline,
    /// The prosecution starts its work.
    Start,
    /// The prosecution's work on the suspect is done.
    Complete,
    /// The investigating agency takes the referral back.
    Withdraw,
}

impl SuspectReferralAction {
    fn of_machine(self) -> (ReferralAction, Party) {
        match self {
            Self::Accept => (ReferralAction::Accept, Party::Receiver),
            Self::Decline => (ReferralAction::Decline, Party::Receiver),
            Self::Start => (ReferralAction::Start, Party::Receiver),
            Self::Complete => (ReferralAction::Complete, Party::Receiver),
            Self::Withdraw => (ReferralAction::Withdraw, Party::Sender),
        }
    }
}

/// Hands a suspect of the actor's agency to a prosecution agency.
pub fn refer_suspect(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: SuspectId,
    input: &ReferSuspectInput,
) -> Result<SuspectReferralView, UseCaseError> {
    const CODE: &str = "suspect.refer";
    run(conn, env, who, |conn| {
        let (suspect, inv, access, agency) = visible_suspect(
            conn,
            who,
            id,
            Action::CreateReferral,
            CODE,
            ActionKind::Create,
        )?;
        if !matches!(access, super::access::SuspectAccess::Investigator) {
            return Err(denied(
                CODE,
                ActionKind::Create,
                Some(("suspect", id.to_string())),
            ));
        }
        let to = named_by(agencies::find(conn, input.to_agency_id), "to_agency_id")?;
        if !is_prosecution(&to) || to.id == who.agency_id {
            return Err(UseCaseError::Conflict(Conflict::Recipient));
        }
        if referrals::of_suspect(conn, id)?
            .iter()
            .any(|r| r.state.is_open())
        {
            return Err(UseCaseError::Conflict(Conflict::AlreadyReferred));
        }
        let message = free_text(input.message.as_deref(), MAX_MESSAGE_CHARS, "message")?;
        let rid = SuspectReferralId::new_random();
        let referral = SuspectReferral {
            id: rid,
            suspect_id: id,
            from_agency_id: who.agency_id,
            to_agency_id: to.id,
            sent_by: who.user_id,
            message: message
                .as_deref()
                .map(|m| seal(env.cfg, "suspect_referrals", "message", &rid, m))
                .transpose()?,
            state: ReferralState::Sent,
            decided_by: None,
            decided_at: None,
            decline_reason: None,
            ended_at: None,
            version: 1,
            created_at: env.now,
            updated_at: env.now,
        };
        referrals::insert(conn, &referral)?;
        let e = event(
            Some(who),
            CODE,
            ActionKind::Create,
            ("suspect_referral", rid.to_string()),
        )?
        .with_details(serde_json::json!({ "suspect": id, "to_agency": to.id }));
        record(conn, env, e)?;
        let office = (to.id, Role::Coordinator);
        notify(conn, env, SuspectTopic::Received, &referral, office, None)?;
        let identity = SuspectIdentity::open(env.cfg, id, &suspect.identity)?;
        let today = env.now.date_naive();
        emit(
            conn,
            env,
            (&suspect, &inv),
            &identity,
            agency.kind,
            Happened::Referred,
            today,
        )?;
        referral_view(conn, env, &referral, Some((&suspect, &inv)))
    })
}

/// Accepts, declines, starts or completes a suspect referral (the prosecution's
/// coordinators), or withdraws it (the investigating agency).
pub fn act_on_suspect_referral(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: SuspectReferralId,
    action: SuspectReferralAction,
    if_match: IfMatch,
    answer: &SuspectReferralAnswer,
) -> Result<SuspectReferralView, UseCaseError> {
    let code: &'static str = match action {
        SuspectReferralAction::Accept => "suspect_referral.accept",
        SuspectReferralAction::Decline => "suspect_referral.decline",
        SuspectReferralAction::Start => "suspect_referral.start",
        SuspectReferralAction::Complete => "suspect_referral.complete",
        SuspectReferralAction::Withdraw => "suspect_referral.withdraw",
    };
    run(conn, env, who, |conn| {
        let kind = ActionKind::Update;
        let referral = deciding(conn, who, id, action, code)?;
        let (machine, party) = action.of_machine();
        let version = check_version(if_match, referral.version)?;
        let to = referral
            .state
            .apply(machine, party)
            .map_err(|t| UseCaseError::Conflict(Conflict::Transition(t)))?;
        let reason = match action {
            SuspectReferralAction::Decline => Some(
                answer
                    .decline_reason
                    .ok_or(UseCaseError::Invalid("decline_reason"))?,
            ),
            _ => None,
        };
        let t = Transition {
            to,
            by: who.user_id,
            decline_reason: reason,
        };
        let changed = referrals::transition(conn, id, version, t, env.now)?
            .ok_or(UseCaseError::VersionMismatch)?;
        let e = event(Some(who), code, kind, ("suspect_referral", id.to_string()))?.with_details(
            serde_json::json!({
                "suspect": referral.suspect_id,
                "from": referral.state,
                "to": to,
                "decline_reason": reason,
            }),
        );
        record(conn, env, e)?;
        if matches!(to, ReferralState::Accepted | ReferralState::Declined) {
            let sender = (changed.from_agency_id, Role::Coordinator);
            notify(conn, env, SuspectTopic::Decided, &changed, sender, Some(to))?;
        }
        let suspect = suspects::find(conn, changed.suspect_id)?;
        let inv = investigations::find(conn, suspect.investigation_id)?;
        referral_view(conn, env, &changed, Some((&suspect, &inv)))
    })
}

/// Queues an email about `r` to the users of a role at an agency: ids and codes only,
/// never the suspect.
fn notify(
    conn: &mut DbConn,
    env: &Env<'_>,
    topic: SuspectTopic,
    r: &SuspectReferral,
    (agency_id, role): (schakel_domain::AgencyId, Role),
    state: Option<ReferralState>,
) -> Result<(), UseCaseError> {
    let notice = Notice::SuspectReferral {
        topic,
        agency_id,
        roles: vec![role],
        referral_id: r.id,
        from_agency_id: r.from_agency_id,
        to_agency_id: r.to_agency_id,
        state,
    };
    let message = NewOutboxMessage {
        channel: Channel::Email,
        topic: notice.topic().to_owned(),
        payload: notice.payload(),
        available_at: env.now,
    };
    outbox::enqueue(conn, &message, env.now)?;
    Ok(())
}

/// A referral of the actor's agency (sent or received) on which its side may take
/// `action`: hidden (404) from any other agency, refused (403) to the wrong side or
/// role.
fn deciding(
    conn: &mut DbConn,
    who: &Actor,
    id: SuspectReferralId,
    action: SuspectReferralAction,
    code: &'static str,
) -> Result<SuspectReferral, UseCaseError> {
    let kind = ActionKind::Update;
    let object = Some(("suspect_referral", id.to_string()));
    let referral = match referrals::find(conn, id) {
        Ok(r) if r.to_agency_id == who.agency_id || r.from_agency_id == who.agency_id => r,
        Ok(_) | Err(schakel_store::StoreError::NotFound) => {
            return Err(denied(code, kind, object));
        }
        Err(e) => return Err(e.into()),
    };
    let (policy, rel, ours) = match action.of_machine().1 {
        Party::Sender => (
            Action::WithdrawReferral,
            Relationship::OwnAgency,
            referral.from_agency_id == who.agency_id,
        ),
        _ => (
            Action::DecideReferral,
            Relationship::ReceivingAgency,
            referral.to_agency_id == who.agency_id,
        ),
    };
    let read = if referral.to_agency_id == who.agency_id {
        Relationship::ReceivingAgency
    } else {
        Relationship::OwnAgency
    };
    member(conn, who, Action::ReadReferral, read, code, kind, object)?;
    if !ours || !who.may(policy, rel) {
        return Err(crate::support::refused(
            code,
            kind,
            ("suspect_referral", id.to_string()),
        ));
    }
    Ok(referral)
}

/// The suspect referrals the actor's agency received (`received`) or sent, newest
/// first.
pub fn list_suspect_referrals(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    received: bool,
) -> Result<Vec<SuspectReferralView>, UseCaseError> {
    const CODE: &str = "suspect_referral.list";
    run(conn, env, who, |conn| {
        let rel = if received {
            Relationship::ReceivingAgency
        } else {
            Relationship::OwnAgency
        };
        member(
            conn,
            who,
            Action::ReadReferral,
            rel,
            CODE,
            ActionKind::Read,
            None,
        )?;
        let rows = referrals::of_agency(conn, who.agency_id, received)?;
        let views = rows
            .iter()
            .map(|r| referral_view(conn, env, r, None))
            .collect::<Result<Vec<_>, _>>()?;
        let e = event(
            Some(who),
            CODE,
            ActionKind::Read,
            ("agency", who.agency_id.to_string()),
        )?
        .with_details(serde_json::json!({ "received": received, "count": views.len() }));
        record(conn, env, e)?;
        Ok(views)
    })
}

/// The view of a referral: its state, message and the suspect's coarse summary.
pub(super) fn referral_view(
    conn: &mut DbConn,
    env: &Env<'_>,
    r: &SuspectReferral,
    known: Option<(&Suspect, &Investigation)>,
) -> Result<SuspectReferralView, UseCaseError> {
    let (suspect, inv) = match known {
        Some((s, i)) => (s.clone(), i.clone()),
        None => {
            let s = suspects::find(conn, r.suspect_id)?;
            let i = investigations::find(conn, s.investigation_id)?;
            (s, i)
        }
    };
    let identity = SuspectIdentity::open(env.cfg, suspect.id, &suspect.identity)?;
    let message = r
        .message
        .as_deref()
        .map(|m| open(env.cfg, "suspect_referrals", "message", &r.id, m))
        .transpose()?
        .map(|m| m.as_str().to_owned());
    Ok(SuspectReferralView {
        id: r.id,
        suspect_id: r.suspect_id,
        from_agency_id: r.from_agency_id,
        to_agency_id: r.to_agency_id,
        state: r.state,
        message,
        decline_reason: r.decline_reason,
        decided_at: r.decided_at,
        ended_at: r.ended_at,
        version: r.version,
        created_at: r.created_at,
        summary: SuspectSummary {
            role: suspect.role,
            gender: suspect.gender,
            age_band: identity.person.age_band(env.now.date_naive()),
            birth_country_group: suspect.birth_country_group,
            region: inv.region,
            exploitation_forms: inv.exploitation_forms.clone(),
            linked_victims: suspects::links_of(conn, suspect.id)?.len(),
        },
    })
}
