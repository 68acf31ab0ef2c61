//! Reopening a closed case, with a reason, while retention has not erased it. The
//! closing it ends is kept in the case's record (its reason, date and note, the note
//! encrypted) before the case is open again, so nothing of it is lost.

use super::*;
use schakel_domain::{CorrectionId, ReopenReason};
use schakel_store::casework::corrections::{self, NewCorrection};

/// Why a closed case is opened again.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReopenCaseInput {
    /// The reason.
    pub reason: ReopenReason,
}

/// Opens a closed case of the actor's agency again, made from the version named.
pub fn reopen_case(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
    if_match: IfMatch,
    input: &ReopenCaseInput,
) -> Result<CaseView, UseCaseError> {
    const CODE: &str = "case.reopen";
    run(conn, env, who, |conn| {
        let (case, access) = visible_case(
            conn,
            env,
            who,
            id,
            Action::UpdateCase,
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
        let version = check_version(if_match, case.version)?;
        if case.status != CaseStatus::Closed {
            return Err(UseCaseError::Conflict(crate::Conflict::CaseOpen));
        }
        if case.erased_at.is_some() {
            return Err(UseCaseError::Conflict(crate::Conflict::PersonErased));
        }
        if !cases::bump(conn, id, version, env.now)? {
            return Err(UseCaseError::VersionMismatch);
        }
        keep_closing(conn, env, who, &case)?;
        cases::reopen(conn, id)?;
        let details = serde_json::json!({ "reason": input.reason });
        let entry = ("case_reopened", None, details.clone());
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

/// Writes the closing being ended into the case's record, as the earlier value of
/// `closing`.
fn keep_closing(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case: &Case,
) -> Result<(), UseCaseError> {
    let note = open_opt(
        env.cfg,
        "cases",
        "close_note",
        &case.id,
        case.close_note.as_deref(),
    )?;
    let earlier = serde_json::json!({
        "closing": {
            "reason": case.close_reason,
            "closed_at": case.closed_at,
            "note": note.as_deref(),
        }
    });
    let id = CorrectionId::new_random();
    let sealed = seal(
        env.cfg,
        "case_corrections",
        "earlier",
        &id,
        &earlier.to_string(),
    )?;
    let new = NewCorrection {
        id,
        case_id: case.id,
        corrected_by: who.user_id,
        fields: &["closing"],
        earlier: &sealed,
    };
    corrections::insert(conn, &new, env.now)?;
    Ok(())
}
