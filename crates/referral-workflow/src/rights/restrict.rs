//! Restricting a person's record on their request, and lifting the restriction. While
//! it holds the case is frozen and hidden from its receiving agencies (`crate::access`),
//! and retention keeps it (it is held for the person's legal claims).

use super::owned_for_rights;
use crate::access::CaseAccess;
use crate::cases::case_view;
use crate::support::{Env, check_version, event, record, run, timeline};
use crate::views::CaseView;
use crate::{Conflict, IfMatch, UseCaseError};
use schakel_audit::ActionKind;
use schakel_domain::{Actor, CaseId, RestrictionGround};
use schakel_store::DbConn;
use schakel_store::casework::{case_rights, cases, persons};
use serde::Deserialize;

/// A restriction: the ground the person gave.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RestrictionInput {
    /// Why the person asks for restriction.
    pub ground: RestrictionGround,
}

/// Restricts the case (the owning agency's coordinators); already restricted is
/// `AlreadyInState`, an erased record `PersonErased`.
pub fn restrict_case(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
    if_match: IfMatch,
    input: &RestrictionInput,
) -> Result<CaseView, UseCaseError> {
    const CODE: &str = "case.restrict";
    run(conn, env, who, |conn| {
        let case = owned_for_rights(conn, env, who, id, CODE, ActionKind::Update)?;
        let version = check_version(if_match, case.version)?;
        if case.restriction.is_some() {
            return Err(UseCaseError::Conflict(Conflict::AlreadyInState));
        }
        if case.erased_at.is_some() {
            return Err(UseCaseError::Conflict(Conflict::PersonErased));
        }
        let done = case_rights::restrict(conn, id, version, who.user_id, input.ground, env.now)?
            .ok_or(UseCaseError::VersionMismatch)?;
        let details = serde_json::json!({ "ground": input.ground });
        written(conn, env, who, &done, CODE, ("case_restricted", details))
    })
}

/// Lifts the case's restriction (the owning agency's coordinators); a case not
/// restricted is `AlreadyInState`.
pub fn lift_restriction(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
    if_match: IfMatch,
) -> Result<CaseView, UseCaseError> {
    const CODE: &str = "case.restriction_lift";
    run(conn, env, who, |conn| {
        let case = owned_for_rights(conn, env, who, id, CODE, ActionKind::Update)?;
        let version = check_version(if_match, case.version)?;
        let Some(was) = &case.restriction else {
            return Err(UseCaseError::Conflict(Conflict::AlreadyInState));
        };
        let details = serde_json::json!({ "ground": was.ground });
        let done = case_rights::lift_restriction(conn, id, version, env.now)?
            .ok_or(UseCaseError::VersionMismatch)?;
        written(conn, env, who, &done, CODE, ("restriction_lifted", details))
    })
}

/// The timeline entry and audit entry of a change of restriction, and the case after.
fn written(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case: &cases::Case,
    code: &'static str,
    (kind, details): (&'static str, serde_json::Value),
) -> Result<CaseView, UseCaseError> {
    timeline(
        conn,
        env,
        case.id,
        who.agency_id,
        Some(who),
        &[(kind, None, details.clone())],
    )?;
    let mut e = event(
        Some(who),
        code,
        ActionKind::Update,
        ("case", case.id.to_string()),
    )?
    .with_purpose("person_rights")
    .with_details(details);
    if let Some(p) = persons::find(conn, case.person_id)?.pseudonym {
        e = e.with_subject_pseudonym(p);
    }
    record(conn, env, e)?;
    case_view(conn, env, who, case, &CaseAccess::Owner)
}
