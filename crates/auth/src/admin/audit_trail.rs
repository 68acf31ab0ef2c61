//! The auditor's reading and verifying of the audit trail. Reading the trail is itself
//! recorded: the page (or report) is returned only once its `audit.read`
//! (`audit.verify`) entry is committed.

use super::{Op, UseCaseError, permit};
use crate::RequestContext;
use chrono::{DateTime, SecondsFormat, Utc};
use schakel_audit::{ActionKind, AuditFilter, AuditPage, Outcome, PageRequest, VerifyReport};
use schakel_domain::{Action, Actor};
use schakel_store::{DbConn, write_tx};

/// One page of entries matching `filter`, newest first.
pub fn read_trail(
    conn: &mut DbConn,
    who: &Actor,
    filter: &AuditFilter,
    page: PageRequest,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<AuditPage, UseCaseError> {
    let op = Op::new("audit.read", ActionKind::Read);
    permit(conn, who, Action::ReadAudit, &op, ctx, now)?;
    let result = schakel_audit::query(conn, filter, page)?;
    let details = serde_json::json!({
        "filter": filter_details(filter),
        "before_seq": page.before_seq,
        "limit": page.limit,
        "entries": result.entries.len(),
    });
    write_tx(conn, |conn| {
        op.record(conn, who, Outcome::Success, details, ctx, now)
            .map_err(UseCaseError::from)
    })?;
    Ok(result)
}

/// The filter as the audit entry records it: codes, ids and times only.
fn filter_details(f: &AuditFilter) -> serde_json::Value {
    let time =
        |t: &Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339_opts(SecondsFormat::Micros, true));
    serde_json::json!({
        "actor_user_id": f.actor_user_id,
        "actor_agency_id": f.actor_agency_id,
        "action": f.action,
        "action_kind": f.action_kind,
        "outcome": f.outcome,
        "object_type": f.object_type,
        "object_id": f.object_id,
        "from": time(&f.from),
        "until": time(&f.until),
    })
}

/// Recomputes the whole chain and reports the first broken entry, if any.
pub fn verify_trail(
    conn: &mut DbConn,
    who: &Actor,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<VerifyReport, UseCaseError> {
    let op = Op::new("audit.verify", ActionKind::Read);
    permit(conn, who, Action::VerifyAudit, &op, ctx, now)?;
    // Walked outside the write transaction: a long walk must not hold the write lock.
    let report = schakel_audit::verify(conn)?;
    let details = serde_json::json!({
        "checked": report.checked,
        "intact": report.is_intact(),
        "broken_seq": report.broken.map(|b| b.seq),
    });
    write_tx(conn, |conn| {
        op.record(conn, who, Outcome::Success, details, ctx, now)
            .map_err(UseCaseError::from)
    })?;
    Ok(report)
}
