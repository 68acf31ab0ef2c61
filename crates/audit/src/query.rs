//! The auditor's view: entries filtered and paged, newest first, or all of them as
//! stored for an export.
//!
//! Owns the typed filter and keyset paging over `seq`. Reading the trail is itself an
//! action the caller audits; this module records nothing.

use crate::{AuditEntry, AuditError};
use chrono::{DateTime, Utc};
use schakel_domain::AgencyId;
use schakel_domain::audit::{ActionCode, ActionKind, Outcome};
use schakel_store::audit_log::{self, AuditEntryRow, AuditLogFilter};
use schakel_store::{DbConn, to_db_time};
use uuid::Uuid;

/// The most entries one page holds.
pub const MAX_PAGE_SIZE: u32 = 500;

/// Which entries to show; every field that is set must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Entries by this user.
    pub actor_user_id: Option<Uuid>,
    /// Entries by users of this agency.
    pub actor_agency_id: Option<AgencyId>,
    /// Entries of this action code.
    pub action: Option<ActionCode>,
    /// Entries of this action kind.
    pub action_kind: Option<ActionKind>,
    /// Entries with this outcome.
    pub outcome: Option<Outcome>,
    /// Entries about objects of this type.
    pub object_type: Option<String>,
    /// Entries about the object with this id.
    pub object_id: Option<String>,
    /// Entries about this person (see [`is_subject_reference`]): as the entry's subject
    /// or among the persons a list or search showed (`details.subjects`).
    pub subject: Option<String>,
    /// Entries at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Entries before this time.
    pub until: Option<DateTime<Utc>>,
}

/// Which page: up to `limit` entries (1 to [`MAX_PAGE_SIZE`]; other values are
/// clamped), older than `before_seq` when given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Only entries with a lower `seq` (the previous page's `next_before_seq`).
    pub before_seq: Option<i64>,
    /// How many entries at most.
    pub limit: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            before_seq: None,
            limit: 50,
        }
    }
}

/// One page of entries, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditPage {
    /// The entries, highest `seq` first.
    pub entries: Vec<AuditEntry>,
    /// Pass as `before_seq` for the next (older) page; `None` on the last page.
    pub next_before_seq: Option<i64>,
}

/// Whether `text` names a person as the trail does: a pseudonym (64 lower-case
/// hexadecimal characters, after `u:` for an unlinkable record) or `person:` and a
/// person id (a hyphenated UUID).
pub fn is_subject_reference(text: &str) -> bool {
    let hex = |s: &str| {
        s.len() == 64
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    if let Some(id) = text.strip_prefix("person:") {
        return id.len() == 36 && Uuid::parse_str(id).is_ok() && id == id.to_lowercase();
    }
    hex(text
        .strip_prefix(schakel_domain::pseudonym::UNLINKABLE_PREFIX)
        .unwrap_or(text))
}

/// The filter as the store applies it; `None` when it can match nothing (a `subject`
/// that is not a person reference).
fn stored_filter(filter: &AuditFilter) -> Option<AuditLogFilter> {
    let stored = AuditLogFilter {
        actor_user_id: filter.actor_user_id.map(|u| u.to_string()),
        actor_agency_id: filter.actor_agency_id.map(|a| a.to_string()),
        action: filter.action.as_ref().map(|a| a.as_str().to_owned()),
        action_kind: filter.action_kind.map(|k| k.as_str().to_owned()),
        outcome: filter.outcome.map(|o| o.as_str().to_owned()),
        object_type: filter.object_type.clone(),
        object_id: filter.object_id.clone(),
        subject: filter.subject.clone().filter(|s| is_subject_reference(s)),
        from: filter.from.map(to_db_time),
        until: filter.until.map(to_db_time),
    };
    (filter.subject.is_none() || stored.subject.is_some()).then_some(stored)
}

/// Every stored entry matching `filter`, oldest first, exactly as stored (so that an
/// export can be verified against the chain elsewhere); `None` when there are more
/// than `max`.
pub fn export_rows(
    conn: &mut DbConn,
    filter: &AuditFilter,
    max: usize,
) -> Result<Option<Vec<AuditEntryRow>>, AuditError> {
    let Some(stored) = stored_filter(filter) else {
        return Ok(Some(Vec::new()));
    };
    let mut rows: Vec<AuditEntryRow> = Vec::new();
    let mut before = None;
    loop {
        let batch = audit_log::page(conn, &stored, before, i64::from(MAX_PAGE_SIZE))?;
        let last = batch.len() < MAX_PAGE_SIZE as usize;
        // After a page that ends with unsealed entries (they come first) the sealed ones.
        before = batch.last().map(|r| r.seq.unwrap_or(i64::MAX));
        rows.extend(batch);
        if rows.len() > max {
            return Ok(None);
        }
        if last {
            break;
        }
    }
    rows.reverse();
    Ok(Some(rows))
}

/// The entries matching `filter`, one page at a time, newest first. A `subject` that is
/// not a person reference matches nothing.
pub fn query(
    conn: &mut DbConn,
    filter: &AuditFilter,
    page: PageRequest,
) -> Result<AuditPage, AuditError> {
    let limit = i64::from(page.limit.clamp(1, MAX_PAGE_SIZE));
    let Some(stored) = stored_filter(filter) else {
        return Ok(AuditPage {
            entries: Vec::new(),
            next_before_seq: None,
        });
    };
    // One row more than asked tells whether an older page exists.
    let mut rows = audit_log::page(conn, &stored, page.before_seq, limit + 1)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_before_seq = if more {
        rows.last().map(|r| r.seq.unwrap_or(i64::MAX))
    } else {
        None
    };
    let entries = rows
        .into_iter()
        .map(AuditEntry::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(AuditPage {
        entries,
        next_before_seq,
    })
}
