//! The person's own rights, answered by the owning agency's coordinators: an export of
//! everything the agency stores about them (access, GDPR article 15), the restriction
//! of their record and its lifting (article 18), and its erasure on their request
//! (article 17) where the agency has no retention duty. Rectification is the case's
//! correction (`crate::cases::correct`), whose history is kept.
//!
//! Each is one transaction with its audit entry naming the person; restriction,
//! lifting and erasure also write the case's timeline.

mod erase;
mod export;
mod restrict;

pub use erase::{ErasureInput, erase_on_request, erasure_refusal};
pub use export::export_person_record;
pub use restrict::{RestrictionInput, lift_restriction, restrict_case};

use crate::UseCaseError;
use crate::access::{CaseAccess, case_access};
use crate::support::{Env, denied, refused};
use schakel_audit::ActionKind;
use schakel_domain::{Action, Actor, CaseId, Relationship};
use schakel_store::DbConn;
use schakel_store::casework::cases::{self, Case};

/// The case `id` of the actor's own agency, for a coordinator answering the person's
/// rights; any other case is hidden (404), another role of the agency refused (403).
pub(crate) fn owned_for_rights(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
    code: &'static str,
    kind: ActionKind,
) -> Result<Case, UseCaseError> {
    let case = cases::find(conn, id)?;
    let access = case_access(conn, who, &case, Action::ReadCase, env.now)?;
    if !matches!(access, Some(CaseAccess::Owner)) {
        return Err(denied(code, kind, Some(("case", id.to_string()))));
    }
    if !who.may(Action::AnswerPersonRights, Relationship::OwnAgency) {
        return Err(refused(code, kind, ("case", id.to_string())));
    }
    Ok(case)
}
