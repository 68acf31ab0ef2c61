//! Emergency access ("breaking the glass"): a case worker of an agency of a kind the
//! configuration allows reads a case of another agency they have no access to, naming
//! it by its agency and reference, for a stated reason on a ground from a fixed list.
//! The access is theirs alone, read only, lasts the configured time and shows the
//! identity only where the ground allows it (`crate::access` decides it afresh on every
//! read). Opening one is a flagged audit entry naming the person, a timeline entry of
//! the case and an email to the owning agency's coordinators (ids and codes only), in
//! one transaction. The auditors review every one — justified, or escalated with a
//! note — and see them per agency and worker, where misuse shows.

mod open;
mod review;

pub use open::{EmergencyInput, open_emergency_access};
pub use review::{
    EmergencyListFilter, MAX_LIST, MAX_SUMMARY_DAYS, ReviewInput, emergency_access,
    emergency_accesses, emergency_summary, review_emergency_access,
};

use crate::UseCaseError;
use crate::rows::Rows;
use crate::support::{Env, open_opt};
use crate::views::{AgencyRef, EmergencyAccessView, EmergencyMark, WorkerRef};
use schakel_store::DbConn;
use schakel_store::agencies::Agency;
use schakel_store::casework::emergency::EmergencyAccess;

/// The mark a case view carries when read through `grant`.
pub(crate) fn mark(grant: &EmergencyAccess) -> EmergencyMark {
    EmergencyMark {
        id: grant.id,
        ground: grant.ground,
        identity_shown: grant.identity_shown,
        started_at: grant.started_at,
        expires_at: grant.expires_at,
    }
}

pub(crate) fn agency_ref(a: &Agency) -> AgencyRef {
    AgencyRef {
        id: a.id,
        name: a.name.clone(),
        kind: a.kind,
        region: a.region,
    }
}

/// An emergency access in full, its texts decrypted.
pub(crate) fn view(
    conn: &mut DbConn,
    env: &Env<'_>,
    g: &EmergencyAccess,
    rows: &mut Rows,
) -> Result<EmergencyAccessView, UseCaseError> {
    let case_reference = rows.case(conn, g.case_id)?.reference.clone();
    let owner = agency_ref(rows.agency(conn, g.owner_agency_id)?);
    let agency = agency_ref(rows.agency(conn, g.agency_id)?);
    let user = rows.worker(conn, g.user_id)?;
    let reviewed_by: Option<WorkerRef> = match g.reviewed_by {
        Some(u) => Some(rows.worker(conn, u)?),
        None => None,
    };
    let table = "emergency_accesses";
    Ok(EmergencyAccessView {
        id: g.id,
        case_id: g.case_id,
        case_reference,
        owner_agency: owner,
        user,
        agency,
        ground: g.ground,
        reason: open_opt(env.cfg, table, "reason", &g.id, g.reason.as_deref())?,
        identity_shown: g.identity_shown,
        started_at: g.started_at,
        expires_at: g.expires_at,
        active: g.expires_at > env.now,
        review: g.review,
        reviewed_by,
        reviewed_at: g.reviewed_at,
        review_note: open_opt(
            env.cfg,
            table,
            "review_note",
            &g.id,
            g.review_note.as_deref(),
        )?,
    })
}
