//! Erasing a person's record on their request: the identity, free text, notes,
//! documents and drafts of every case of the person at the agency, as retention would,
//! with the ground recorded. Refused where the agency keeps a retention duty, while the
//! record is restricted (held for legal claims), and while a case is open (close it
//! first: its referrals end with it).

use super::owned_for_rights;
use crate::access::CaseAccess;
use crate::cases::case_view;
use crate::jobs::{Erasure, erase_case};
use crate::support::{Env, check_version, run};
use crate::views::CaseView;
use crate::{Conflict, IfMatch, UseCaseError};
use schakel_audit::ActionKind;
use schakel_domain::{Actor, CaseId, CaseStatus, ErasureGround};
use schakel_store::DbConn;
use schakel_store::agencies;
use schakel_store::casework::cases::Case;
use schakel_store::casework::{case_rights, cases};
use serde::Deserialize;

/// An erasure: the ground the person's request rests on.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ErasureInput {
    /// Why the record is erased.
    pub ground: ErasureGround,
}

/// Erases the person of case `id` on their request (the owning agency's coordinators).
/// `RetentionDuty` where the agency's kind keeps its records, `CaseRestricted` while
/// restricted, `CaseOpen` while any of the person's cases is open, `PersonErased` once
/// erased.
pub fn erase_on_request(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
    if_match: IfMatch,
    input: &ErasureInput,
) -> Result<CaseView, UseCaseError> {
    const CODE: &str = "case.erase_on_request";
    run(conn, env, who, |conn| {
        let case = owned_for_rights(conn, env, who, id, CODE, ActionKind::Delete)?;
        let version = check_version(if_match, case.version)?;
        if let Some(c) = refusal(conn, env, &case)? {
            return Err(UseCaseError::Conflict(c));
        }
        let all = case_rights::of_person(conn, case.person_id)?;
        // The version moves on with the erasure, so a second request from the same
        // page finds the record changed.
        if !cases::bump(conn, id, version, env.now)? {
            return Err(UseCaseError::VersionMismatch);
        }
        let why = Erasure::Request {
            who,
            ground: input.ground,
        };
        for c in all.iter().filter(|c| c.erased_at.is_none()) {
            erase_case(conn, env, c, &why)?;
        }
        let case = cases::find(conn, id)?;
        case_view(conn, env, who, &case, &CaseAccess::Owner)
    })
}

/// Why an erasure on request of case `id` would be refused now (`None`: it would be
/// done), for the page that offers it; the same rule `erase_on_request` applies, read
/// by the owning agency's coordinators only.
pub fn erasure_refusal(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
) -> Result<Option<Conflict>, UseCaseError> {
    run(conn, env, who, |conn| {
        let case = owned_for_rights(
            conn,
            env,
            who,
            id,
            "case.erase_on_request",
            ActionKind::Read,
        )?;
        refusal(conn, env, &case)
    })
}

/// The first rule that refuses erasing `case`'s person: a retention duty of the agency,
/// an erased record, a restricted or an open case of the person at the agency.
fn refusal(
    conn: &mut DbConn,
    env: &Env<'_>,
    case: &Case,
) -> Result<Option<Conflict>, UseCaseError> {
    let kind = agencies::find(conn, case.agency_id)?.kind;
    if !env.cfg.rights.may_erase(kind) {
        return Ok(Some(Conflict::RetentionDuty));
    }
    if case.erased_at.is_some() {
        return Ok(Some(Conflict::PersonErased));
    }
    let all = case_rights::of_person(conn, case.person_id)?;
    if all.iter().any(|c| c.restriction.is_some()) {
        return Ok(Some(Conflict::CaseRestricted));
    }
    if all.iter().any(|c| c.status == CaseStatus::Open) {
        return Ok(Some(Conflict::CaseOpen));
    }
    Ok(None)
}
