//! Who is responsible for a case: a coordinator of the owning agency makes one of its
//! active caseworkers or coordinators responsible (or nobody), and sees the agency's
//! caseload. Emails about the case then go to that worker (see `support::To`), and to
//! the agency's coordinators while nobody is responsible.

use super::*;
use crate::views::{Caseload, WorkerLoad, WorkerRef};
use schakel_domain::{AgencyId, Role, UserId};
use schakel_store::users;

/// Who becomes responsible.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignCaseInput {
    /// An active caseworker or coordinator of the agency; `null` for nobody.
    pub user_id: Option<UserId>,
}

/// A worker as colleagues see them.
pub(crate) fn worker(conn: &mut DbConn, id: UserId) -> Result<WorkerRef, UseCaseError> {
    let u = users::find(conn, id)?;
    Ok(WorkerRef {
        id: u.id,
        name: u.display_name,
    })
}

/// Whether `role` does case work.
fn works_cases(role: Role) -> bool {
    matches!(role, Role::Caseworker | Role::Coordinator)
}

/// Checks that `user` may be made responsible for work of `agency`: one of its active
/// caseworkers or coordinators (else the field `user_id` is invalid).
pub(crate) fn check_worker(
    conn: &mut DbConn,
    agency: schakel_domain::AgencyId,
    user: UserId,
) -> Result<(), UseCaseError> {
    let u = named_by(users::find(conn, user), "user_id")?;
    if u.agency_id != agency || !u.active || !works_cases(u.role) {
        return Err(UseCaseError::Invalid("user_id"));
    }
    Ok(())
}

/// Makes a worker of the agency (or nobody) responsible for one of its cases, made
/// from the version named. The same worker again changes nothing.
pub fn assign_case(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
    if_match: IfMatch,
    input: &AssignCaseInput,
) -> Result<CaseView, UseCaseError> {
    const CODE: &str = "case.assign";
    run(conn, env, who, |conn| {
        let (case, access) = visible_case(
            conn,
            env,
            who,
            id,
            Action::ReadCase,
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
        if !who.may(Action::AssignCase, Relationship::OwnAgency) {
            return Err(crate::support::refused(
                CODE,
                ActionKind::Update,
                ("case", id.to_string()),
            ));
        }
        let version = check_version(if_match, case.version)?;
        if let Some(user) = input.user_id {
            check_worker(conn, case.agency_id, user)?;
        }
        if case.assigned_to == input.user_id {
            return case_view(conn, env, who, &case, &CaseAccess::Owner);
        }
        if !cases::bump(conn, id, version, env.now)? {
            return Err(UseCaseError::VersionMismatch);
        }
        cases::assign(conn, id, input.user_id)?;
        let details = serde_json::json!({
            "assigned_to": input.user_id,
            "previously": case.assigned_to,
        });
        let entry = ("case_assigned", None, details.clone());
        timeline(conn, env, id, who.agency_id, Some(who), &[entry])?;
        let e = event(
            Some(who),
            CODE,
            ActionKind::Update,
            ("case", id.to_string()),
        )?
        .with_details(details);
        let e = crate::subjects::with_persons(conn, e, &[case.person_id])?;
        record(conn, env, e)?;
        let case = cases::find(conn, id)?;
        case_view(conn, env, who, &case, &CaseAccess::Owner)
    })
}

/// The workers a coordinator may make responsible for a case of the agency: its active
/// caseworkers and coordinators, by name, with their roles. Colleagues' names only: not
/// audited as a read of case data.
pub fn assignable_workers(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
) -> Result<Vec<(WorkerRef, Role)>, UseCaseError> {
    const CODE: &str = "case.assign";
    run(conn, env, who, |conn| {
        permit_role(
            who,
            Action::AssignCase,
            Relationship::OwnAgency,
            CODE,
            ActionKind::Read,
        )?;
        let mut out: Vec<(WorkerRef, Role)> = users::list(conn, Some(who.agency_id))?
            .into_iter()
            .filter(|u| u.active && !u.client && works_cases(u.role))
            .map(|u| {
                let worker = WorkerRef {
                    id: u.id,
                    name: u.display_name,
                };
                (worker, u.role)
            })
            .collect();
        out.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        Ok(out)
    })
}

/// The agency's open cases per responsible worker (coordinators).
pub fn caseload(conn: &mut DbConn, env: &Env<'_>, who: &Actor) -> Result<Caseload, UseCaseError> {
    const CODE: &str = "case.caseload";
    run(conn, env, who, |conn| {
        permit_role(
            who,
            Action::AssignCase,
            Relationship::OwnAgency,
            CODE,
            ActionKind::Read,
        )?;
        let load = caseload_of(conn, who.agency_id)?;
        let e = event(
            Some(who),
            CODE,
            ActionKind::Read,
            ("agency", who.agency_id.to_string()),
        )?;
        record(conn, env, e)?;
        Ok(load)
    })
}

/// The open cases of `agency` per active worker, unassigned, and of inactive workers.
pub(crate) fn caseload_of(conn: &mut DbConn, agency: AgencyId) -> Result<Caseload, UseCaseError> {
    let counts = cases::open_per_assignee(conn, agency)?;
    let count_of =
        |id: Option<UserId>| counts.iter().find(|(u, _)| *u == id).map_or(0, |(_, n)| *n);
    let mut workers: Vec<WorkerLoad> = users::list(conn, Some(agency))?
        .into_iter()
        .filter(|u| u.active && !u.client && works_cases(u.role))
        .map(|u| WorkerLoad {
            open_cases: count_of(Some(u.id)),
            role: u.role,
            worker: WorkerRef {
                id: u.id,
                name: u.display_name,
            },
        })
        .collect();
    workers.sort_by(|a, b| a.worker.name.cmp(&b.worker.name));
    let shown: i64 = workers.iter().map(|w| w.open_cases).sum();
    let unassigned = count_of(None);
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    Ok(Caseload {
        workers,
        unassigned,
        with_inactive: total - shown - unassigned,
    })
}
