//! Who takes part in the compartment and how an agency relates to an investigation or
//! a suspect: the investigating agency owns them; the prosecution relates to a suspect
//! through a referral of it that it accepted (reading from acceptance on, recording
//! while the referral is accepted or in progress). Decided afresh on every call.

use crate::UseCaseError;
use crate::support::denied;
use schakel_audit::ActionKind;
use schakel_domain::{Action, Actor, AgencyKind, ReferralState, Relationship};
use schakel_store::DbConn;
use schakel_store::agencies::{self, Agency};
use schakel_store::offenders::investigations::{self, Investigation};
use schakel_store::offenders::referrals::{self, SuspectReferral};
use schakel_store::offenders::suspects::{self, Suspect};

/// The states in which the prosecution reads a suspect it received.
const READ_STATES: [ReferralState; 3] = [
    ReferralState::Accepted,
    ReferralState::InProgress,
    ReferralState::Completed,
];

/// The actor's agency, if it is of a law-enforcement kind and active, and the actor
/// may take `action` with `rel` at all; otherwise the refusal (404 for an object, 403
/// for a collection).
pub(super) fn member(
    conn: &mut DbConn,
    who: &Actor,
    action: Action,
    rel: Relationship,
    code: &'static str,
    kind: ActionKind,
    object: Option<(&'static str, String)>,
) -> Result<Agency, UseCaseError> {
    let agency = agencies::find(conn, who.agency_id)?;
    if agency.kind.is_law_enforcement() && agency.active && who.may(action, rel) {
        Ok(agency)
    } else {
        Err(denied(code, kind, object))
    }
}

/// How the actor's agency relates to a suspect.
#[derive(Debug, Clone)]
pub(super) enum SuspectAccess {
    /// Its own investigation's suspect.
    Investigator,
    /// Received by the prosecution through these referrals (accepted at some time).
    Prosecution(Vec<SuspectReferral>),
}

impl SuspectAccess {
    pub(super) fn relationship(&self) -> Relationship {
        match self {
            SuspectAccess::Investigator => Relationship::OwnAgency,
            SuspectAccess::Prosecution(_) => Relationship::ReceivingAgency,
        }
    }

    /// Whether the prosecution may still record steps (a referral accepted or in
    /// progress).
    pub(super) fn may_record(&self) -> bool {
        match self {
            SuspectAccess::Investigator => false,
            SuspectAccess::Prosecution(rs) => rs.iter().any(|r| r.state.grants_case_access()),
        }
    }
}

/// A suspect the actor may take `action` on, with its investigation, its agency's
/// relation to it and the actor's agency; the refusal (404) otherwise.
pub(super) fn visible_suspect(
    conn: &mut DbConn,
    who: &Actor,
    id: schakel_domain::SuspectId,
    action: Action,
    code: &'static str,
    kind: ActionKind,
) -> Result<(Suspect, Investigation, SuspectAccess, Agency), UseCaseError> {
    let object = Some(("suspect", id.to_string()));
    let hidden = || denied(code, kind, object.clone());
    let suspect = match suspects::find(conn, id) {
        Ok(s) => s,
        Err(schakel_store::StoreError::NotFound) => return Err(hidden()),
        Err(e) => return Err(e.into()),
    };
    let investigation = investigations::find(conn, suspect.investigation_id)?;
    let access = if investigation.agency_id == who.agency_id {
        SuspectAccess::Investigator
    } else {
        let received: Vec<SuspectReferral> = referrals::of_suspect(conn, id)?
            .into_iter()
            .filter(|r| r.to_agency_id == who.agency_id && READ_STATES.contains(&r.state))
            .collect();
        if received.is_empty() {
            return Err(hidden());
        }
        SuspectAccess::Prosecution(received)
    };
    let agency = member(conn, who, action, access.relationship(), code, kind, object)?;
    Ok((suspect, investigation, access, agency))
}

/// An investigation of the actor's own agency the actor may take `action` on; the
/// refusal (404) otherwise.
pub(super) fn own_investigation(
    conn: &mut DbConn,
    who: &Actor,
    id: schakel_domain::InvestigationId,
    action: Action,
    code: &'static str,
    kind: ActionKind,
) -> Result<(Investigation, Agency), UseCaseError> {
    let object = Some(("investigation", id.to_string()));
    let investigation = match investigations::find(conn, id) {
        Ok(i) if i.agency_id == who.agency_id => i,
        Ok(_) | Err(schakel_store::StoreError::NotFound) => {
            return Err(denied(code, kind, object));
        }
        Err(e) => return Err(e.into()),
    };
    let agency = member(
        conn,
        who,
        action,
        Relationship::OwnAgency,
        code,
        kind,
        object,
    )?;
    Ok((investigation, agency))
}

/// Whether an agency may receive suspects: an active prosecution agency.
pub(super) fn is_prosecution(agency: &Agency) -> bool {
    agency.active && agency.kind == AgencyKind::Prosecution
}
