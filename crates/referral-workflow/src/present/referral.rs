//! How a referral looks to the one who asks: the sender sees all of it, the receiver
//! the summary (and the case once it accepted), with the actions open to them.

use crate::UseCaseError;
use crate::access::{covered, party, receiver_covered, referral_relationship, role_may};
use crate::rows::Rows;
use crate::support::{Env, open_opt};
use crate::views::{AgencyRef, ReferralSummary, ReferralView};
use schakel_domain::{Action, Actor, CaseId, ReferralAction, ReferralState, Relationship};
use schakel_store::DbConn;
use schakel_store::agencies::Agency;
use schakel_store::casework::consents::Consent;
use schakel_store::casework::referrals::{self, Referral};
use std::collections::HashMap;

fn agency_ref(a: &Agency) -> AgencyRef {
    AgencyRef {
        id: a.id,
        name: a.name.clone(),
        kind: a.kind,
        region: a.region,
    }
}

/// A referral as `who` may see it (the caller has checked that it may), from the rows
/// already read where it can.
pub(crate) fn referral_view(
    conn: &mut DbConn,
    env: &Env<'_>,
    rows: &mut Rows,
    who: &Actor,
    r: &Referral,
) -> Result<ReferralView, UseCaseError> {
    view_with(conn, env, who, r, rows, None)
}

/// What a list's views read for all of its referrals at once.
struct Known<'a> {
    /// Whether this referral's case is hidden from its receiver.
    restricted: bool,
    /// The consent records of the cases of the referrals the actor's agency sent.
    consents: &'a HashMap<CaseId, Vec<Consent>>,
}

/// A list of referrals as `who` may see them; each agency they name is read once.
pub(crate) fn referral_views<'r>(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    list: impl IntoIterator<Item = &'r Referral>,
) -> Result<Vec<ReferralView>, UseCaseError> {
    let mut rows = Rows::default();
    let list: Vec<&Referral> = list.into_iter().collect();
    // Whether each open referral's case is hidden from its receiver, in one query.
    let asked: Vec<_> = list
        .iter()
        .filter(|r| {
            referral_relationship(who, r) == Relationship::ReceivingAgency && r.state.is_open()
        })
        .map(|r| r.case_id)
        .collect();
    let restricted = schakel_store::casework::case_rights::restricted_among(conn, &asked)?;
    // And the consent records of the cases it sent them from, in one query: whether
    // each receiver sees the identity.
    let mut sent: Vec<CaseId> = list
        .iter()
        .filter(|r| referral_relationship(who, r) == Relationship::OwnAgency)
        .map(|r| r.case_id)
        .collect();
    sent.sort_unstable();
    sent.dedup();
    let mut consents: HashMap<CaseId, Vec<Consent>> = HashMap::new();
    for c in schakel_store::casework::consents::of_cases(conn, &sent)? {
        consents.entry(c.case_id).or_default().push(c);
    }
    list.into_iter()
        .map(|r| {
            let known = Known {
                restricted: restricted.contains(&r.case_id),
                consents: &consents,
            };
            view_with(conn, env, who, r, &mut rows, Some(known))
        })
        .collect()
}

fn view_with(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    r: &Referral,
    rows: &mut Rows,
    known: Option<Known<'_>>,
) -> Result<ReferralView, UseCaseError> {
    rows.load_agencies(conn, &[r.from_agency_id, r.to_agency_id])?;
    let from = agency_ref(rows.agency(conn, r.from_agency_id)?);
    let to = agency_ref(rows.agency(conn, r.to_agency_id)?);
    let rel = referral_relationship(who, r);
    let sender = rel == Relationship::OwnAgency;
    let identity_shared = match (&known, sender) {
        (_, false) => None,
        (Some(k), true) => Some(covered(
            k.consents.get(&r.case_id).map_or(&[][..], Vec::as_slice),
            to.kind,
            r.purpose,
            env.now,
        )),
        (None, true) => Some(receiver_covered(
            conn, r.case_id, to.kind, r.purpose, env.now,
        )?),
    };
    let restricted = match known {
        Some(k) => k.restricted && rel == Relationship::ReceivingAgency && r.state.is_open(),
        None => restricted_for_receiver(conn, r, rel)?,
    };
    let receiver_sees_case = rel == Relationship::ReceivingAgency
        && r.state.grants_case_access()
        && !restricted
        && who.may(Action::ReadCase, Relationship::ReceivingAgency);
    let actions = party(rel)
        .map(|p| {
            ReferralAction::ALL
                .iter()
                .copied()
                .filter(|a| *a != ReferralAction::Expire)
                .filter(|a| !restricted || a.ends())
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
        own_case_id: None,
        assigned_to: match r.assigned_to {
            Some(u) if rel == Relationship::ReceivingAgency => Some(rows.worker(conn, u)?),
            _ => None,
        },
        redirected_to: if r.state == ReferralState::Redirected {
            referrals::redirect_of(conn, r.id)?
        } else {
            None
        },
        identity_shared,
        actions,
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

/// Whether `r` is an open referral to the actor's agency of a case the person asked to
/// restrict: the case is hidden from the receiver, and the referral may only end.
fn restricted_for_receiver(
    conn: &mut DbConn,
    r: &Referral,
    rel: Relationship,
) -> Result<bool, UseCaseError> {
    Ok(rel == Relationship::ReceivingAgency
        && r.state.is_open()
        && schakel_store::casework::cases::find(conn, r.case_id)?
            .restriction
            .is_some())
}
