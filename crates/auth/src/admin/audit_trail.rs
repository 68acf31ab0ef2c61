//! The auditor's reading and verifying of the audit trail. Reading the trail is itself
//! recorded: the page (or report) is returned only once its `audit.read`
//! (`audit.verify`) entry is committed. A page comes with the names of the users on it
//! and of every agency: auditors may see who did what.

use super::{Op, UseCaseError, permit};
use crate::RequestContext;
use chrono::{DateTime, SecondsFormat, Utc};
use schakel_audit::{ActionKind, AuditFilter, AuditPage, Outcome, PageRequest, VerifyReport};
use schakel_domain::{Action, Actor, AgencyId, UserId};
use schakel_store::audit_log::AuditEntryRow;
use schakel_store::{DbConn, agencies, users, write_tx};
use std::collections::BTreeMap;
use uuid::Uuid;

/// One page of the trail with the names it is read by.
#[derive(Debug)]
pub struct Trail {
    /// The entries and the next page.
    pub page: AuditPage,
    /// The display names of the users who acted, or were acted for, on this page.
    pub users: BTreeMap<Uuid, String>,
    /// Every agency (active or not) by id and name, ordered by name.
    pub agencies: Vec<(AgencyId, String)>,
}

impl Trail {
    /// The display name of a user on the page.
    pub fn user(&self, id: Uuid) -> Option<&str> {
        self.users.get(&id).map(String::as_str)
    }

    /// The name of an agency.
    pub fn agency(&self, id: AgencyId) -> Option<&str> {
        self.agencies
            .iter()
            .find(|(a, _)| *a == id)
            .map(|(_, n)| n.as_str())
    }
}

/// The names of the page's actors and of every agency.
fn names(conn: &mut DbConn, page: AuditPage, filter: &AuditFilter) -> Result<Trail, UseCaseError> {
    let mut ids: Vec<UserId> = page
        .entries
        .iter()
        .flat_map(|e| [e.actor.as_ref().map(|a| a.user_id), e.on_behalf_of])
        .chain([filter.actor_user_id])
        .flatten()
        .map(UserId::from)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let users = users::names(conn, &ids)?
        .into_iter()
        .map(|(id, name)| (id.as_uuid(), name))
        .collect();
    let mut agencies: Vec<(AgencyId, String)> = agencies::list_all(conn)?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    agencies.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(Trail {
        page,
        users,
        agencies,
    })
}

/// One page of entries matching `filter`, newest first, with the names of its actors.
pub fn read_trail(
    conn: &mut DbConn,
    who: &Actor,
    filter: &AuditFilter,
    page: PageRequest,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<Trail, UseCaseError> {
    let op = Op::new("audit.read", ActionKind::Read);
    permit(conn, who, Action::ReadAudit, &op, ctx, now)?;
    let found = schakel_audit::query(conn, filter, page)?;
    let result = names(conn, found, filter)?;
    let details = serde_json::json!({
        "filter": filter_details(filter),
        "before_seq": page.before_seq,
        "limit": page.limit,
        "entries": result.page.entries.len(),
    });
    write_tx(conn, |conn| {
        op.record(conn, who, Outcome::Success, details, ctx, now)
            .map_err(UseCaseError::from)
    })?;
    Ok(result)
}

/// The most entries one export holds; a filter that matches more is refused
/// ([`crate::usecase::Refusal::ExportTooLarge`]): narrow it (a shorter period).
pub const MAX_EXPORT: usize = 100_000;

/// The entries of an export, as stored, with the names of their actors and agencies.
#[derive(Debug)]
pub struct TrailExport {
    /// The entries, oldest first, exactly as stored.
    pub rows: Vec<AuditEntryRow>,
    /// The display names of the users who acted.
    pub users: BTreeMap<String, String>,
    /// The names of the agencies.
    pub agencies: BTreeMap<String, String>,
}

impl TrailExport {
    /// The actor's and the agency's names of a row (empty when none).
    pub fn names(&self, row: &AuditEntryRow) -> (String, String) {
        let of = |map: &BTreeMap<String, String>, id: &Option<String>| {
            id.as_ref()
                .and_then(|id| map.get(id))
                .cloned()
                .unwrap_or_default()
        };
        (
            of(&self.users, &row.actor_user_id),
            of(&self.agencies, &row.actor_agency_id),
        )
    }
}

/// Every entry matching `filter`, oldest first, as stored (auditors). The export is
/// audited (`audit.export`, kind `E`, with the filter, the format and the count) before
/// anything is returned.
pub fn export_trail(
    conn: &mut DbConn,
    who: &Actor,
    filter: &AuditFilter,
    format: &str,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<TrailExport, UseCaseError> {
    let op = Op::new("audit.export", ActionKind::Export);
    permit(conn, who, Action::ReadAudit, &op, ctx, now)?;
    let rows = schakel_audit::export_rows(conn, filter, MAX_EXPORT)?.ok_or(
        UseCaseError::Refused(crate::usecase::Refusal::ExportTooLarge),
    )?;
    let mut ids: Vec<UserId> = rows
        .iter()
        .filter_map(|r| r.actor_user_id.as_deref())
        .filter_map(|u| u.parse().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let users = users::names(conn, &ids)?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    let agencies = agencies::list_all(conn)?
        .into_iter()
        .map(|a| (a.id.to_string(), a.name))
        .collect();
    let details = serde_json::json!({
        "filter": filter_details(filter),
        "format": format,
        "entries": rows.len(),
    });
    write_tx(conn, |conn| {
        op.record(conn, who, Outcome::Success, details, ctx, now)
            .map_err(UseCaseError::from)
    })?;
    Ok(TrailExport {
        rows,
        users,
        agencies,
    })
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
        "subject": f.subject,
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
