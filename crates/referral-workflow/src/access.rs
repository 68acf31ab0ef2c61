//! Who may see a case, and how much of the person.
//!
//! A case is seen by its own agency, and by the receiving agency of one of its
//! referrals while that referral is accepted or in progress (DESIGN §7). The receiver
//! sees the identity only where a consent or legal basis that holds now covers its
//! agency kind and the referral's purpose. Everything is decided afresh on every
//! request, so a referral that ends or a consent withdrawn cuts access at once.
//!
//! A case the person asked to restrict is hidden from its receiving agencies (an
//! emergency access, for a person in danger, still reads it) and frozen for everyone:
//! any use case that would add or change something is refused as `CaseRestricted`.

use crate::UseCaseError;
use crate::support::{Env, denied};
use chrono::{DateTime, Utc};
use schakel_audit::ActionKind;
use schakel_domain::{Action, Actor, CaseId, Party, ReferralAction, ReferralState, Relationship};
use schakel_store::DbConn;
use schakel_store::agencies;
use schakel_store::casework::cases::{self, Case};
use schakel_store::casework::consents::{self, Consent};
use schakel_store::casework::emergency::{self, EmergencyAccess};
use schakel_store::casework::referrals::{self, Referral};

/// The referral states in which the receiving agency sees the case.
pub const ACCESS_STATES: [ReferralState; 2] = [ReferralState::Accepted, ReferralState::InProgress];

/// How the actor's agency may see a case.
#[derive(Debug, Clone)]
pub enum CaseAccess {
    /// Its own case.
    Owner,
    /// Received through these referrals, accepted and open.
    Receiver {
        /// The referrals that grant access.
        referrals: Vec<Referral>,
        /// Whether a consent or legal basis covers the receiver for one of them.
        identity: bool,
    },
    /// The actor's own emergency access, not ended.
    Emergency(EmergencyAccess),
}

impl CaseAccess {
    /// The policy relationship of this access.
    pub fn relationship(&self) -> Relationship {
        match self {
            CaseAccess::Owner => Relationship::OwnAgency,
            CaseAccess::Receiver { .. } => Relationship::ReceivingAgency,
            CaseAccess::Emergency(_) => Relationship::Emergency,
        }
    }

    /// How the access is shown in views.
    pub fn kind(&self) -> crate::views::AccessKind {
        use crate::views::AccessKind;
        match self {
            CaseAccess::Owner => AccessKind::Owner,
            CaseAccess::Receiver { .. } => AccessKind::Receiver,
            CaseAccess::Emergency(_) => AccessKind::Emergency,
        }
    }

    /// Whether the person's identity may be shown.
    pub fn shows_identity(&self) -> bool {
        match self {
            CaseAccess::Owner => true,
            CaseAccess::Receiver { identity, .. } => *identity,
            CaseAccess::Emergency(grant) => grant.identity_shown,
        }
    }

    /// The purpose the access serves, for the audit entry: the referral id(s), or
    /// `emergency:<id>` for an emergency access.
    pub fn purpose(&self) -> Option<String> {
        match self {
            CaseAccess::Owner => None,
            CaseAccess::Emergency(grant) => Some(format!("emergency:{}", grant.id)),
            CaseAccess::Receiver { referrals, .. } => Some(
                referrals
                    .iter()
                    .map(|r| r.id.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        }
    }
}

/// How `who` may see `case` with `action` (`ReadCase` or `UpdateCase`) at `now`, or
/// `None` if not at all.
pub fn case_access(
    conn: &mut DbConn,
    who: &Actor,
    case: &Case,
    action: Action,
    now: DateTime<Utc>,
) -> Result<Option<CaseAccess>, UseCaseError> {
    let access = if case.agency_id == who.agency_id {
        CaseAccess::Owner
    } else {
        let received = if case.restriction.is_some() {
            Vec::new()
        } else {
            referrals::received_in_state(conn, case.id, who.agency_id, &ACCESS_STATES)?
        };
        if received.is_empty() {
            return Ok(emergency::live(conn, case.id, who.user_id, now)?
                .map(CaseAccess::Emergency)
                .filter(|a| who.may(action, a.relationship())));
        }
        let kind = agencies::find(conn, who.agency_id)?.kind;
        let records = consents::of_case(conn, case.id)?;
        let identity = received
            .iter()
            .any(|r| covered(&records, kind, r.purpose, now));
        CaseAccess::Receiver {
            referrals: received,
            identity,
        }
    };
    Ok(who.may(action, access.relationship()).then_some(access))
}

/// Whether any record that holds at `now` covers an agency of `kind` for `purpose`.
pub fn covered(
    records: &[Consent],
    kind: schakel_domain::AgencyKind,
    purpose: schakel_domain::ReferralPurpose,
    now: DateTime<Utc>,
) -> bool {
    records.iter().any(|c| c.scope.covers(kind, purpose, now))
}

/// How the actor's agency relates to a referral: it sent it, it received it, or
/// neither.
pub fn referral_relationship(who: &Actor, r: &Referral) -> Relationship {
    if r.from_agency_id == who.agency_id {
        Relationship::OwnAgency
    } else if r.to_agency_id == who.agency_id {
        Relationship::ReceivingAgency
    } else {
        Relationship::Unrelated
    }
}

/// Whether a receiver of `case` with this access would see the identity — used by
/// the sender's view of its referrals.
pub(crate) fn receiver_covered(
    conn: &mut DbConn,
    case: schakel_domain::CaseId,
    receiver_kind: schakel_domain::AgencyKind,
    purpose: schakel_domain::ReferralPurpose,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, UseCaseError> {
    Ok(covered(
        &schakel_store::casework::consents::of_case(conn, case)?,
        receiver_kind,
        purpose,
        now,
    ))
}

/// The party `who` is to a referral, from the relationship.
pub(crate) fn party(rel: Relationship) -> Option<Party> {
    match rel {
        Relationship::OwnAgency => Some(Party::Sender),
        Relationship::ReceivingAgency => Some(Party::Receiver),
        _ => None,
    }
}

/// Whether `who`'s role may take `action` as `party`.
pub(crate) fn role_may(who: &Actor, action: ReferralAction, party: Party) -> bool {
    match (party, action) {
        (Party::Sender, ReferralAction::Withdraw) => {
            who.may(Action::WithdrawReferral, Relationship::OwnAgency)
        }
        (Party::Receiver, _) => who.may(Action::DecideReferral, Relationship::ReceivingAgency),
        _ => false,
    }
}

/// Loads a case `who` may act on with `action`, or the hidden denial `code`; a change
/// (any `kind` but a read) of a restricted case is refused.
pub(crate) fn visible_case(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
    action: Action,
    code: &'static str,
    kind: ActionKind,
) -> Result<(Case, CaseAccess), UseCaseError> {
    let case = cases::find(conn, id)?;
    match case_access(conn, who, &case, action, env.now)? {
        Some(access) if kind != ActionKind::Read => {
            unfrozen(&case)?;
            Ok((case, access))
        }
        Some(access) => Ok((case, access)),
        None => Err(denied(code, kind, Some(("case", id.to_string())))),
    }
}

/// Refuses any change to a case the person asked to restrict.
pub(crate) fn unfrozen(case: &Case) -> Result<(), UseCaseError> {
    match case.restriction {
        Some(_) => Err(UseCaseError::Conflict(crate::Conflict::CaseRestricted)),
        None => Ok(()),
    }
}
