//! Audit entry rows and their queries (append and read only).
//!
//! Owns the SQL of the audit trail: appending one entry, reading the head of the chain,
//! paging through entries for the auditor, and reading the chain in `seq` order in
//! batches for verification. It never updates or deletes an entry (sealing, the one
//! change the triggers allow, is `audit_seal`'s), and it knows nothing of hashes:
//! computing and checking them is the `audit` crate's work.

use crate::schema::audit_entries;
use crate::{DbConn, StoreError};
use chrono::NaiveDateTime;
use diesel::connection::{Connection, TransactionManager};
use diesel::prelude::*;

/// An audit entry as stored; also what is inserted (every column is given).
///
/// `seq`, `prev_hash` and `hash` are `None` while the entry is unsealed (on PostgreSQL,
/// from its insert until the sealer links it into the chain); a sealed entry has all
/// three.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_entries)]
pub struct AuditEntryRow {
    pub seq: Option<i64>,
    pub id: String,
    pub occurred_at: NaiveDateTime,
    pub actor_user_id: Option<String>,
    pub actor_agency_id: Option<String>,
    pub actor_role: Option<String>,
    pub on_behalf_of: Option<String>,
    pub action: String,
    pub action_kind: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub purpose: Option<String>,
    pub subject_pseudonym: Option<String>,
    pub outcome: String,
    pub source_ip: Option<String>,
    pub request_id: Option<String>,
    pub details: String,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
    /// The keyed MAC over `hash` (lower-case hex), or `None` for an entry written
    /// without the entry key.
    pub mac: Option<String>,
}

/// The last entry of the chain: what the next entry links to.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ChainHead {
    /// Its sequence number.
    pub seq: i64,
    /// Its hash (lower-case hex).
    pub hash: String,
}

/// Which entries an auditor asks for; every field that is set must match. Times are
/// stored values: `from` inclusive, `until` exclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditLogFilter {
    pub actor_user_id: Option<String>,
    pub actor_agency_id: Option<String>,
    pub action: Option<String>,
    pub action_kind: Option<String>,
    pub outcome: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    /// A person reference (a pseudonym or `person:<id>`, checked by the caller to hold
    /// no `%`, `_` or quote): the entry's subject, or listed in `details.subjects`.
    pub subject: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

/// How this backend appends an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appending {
    /// Sealed at once, linked to the head: the backend has one writer at a time
    /// (SQLite's `BEGIN IMMEDIATE`), so the head cannot move before COMMIT.
    Sealed,
    /// Unsealed, with the transaction's id (set by the insert trigger): concurrent
    /// writers never wait for each other, and the sealer links the entry later
    /// (PostgreSQL).
    Unsealed,
}

/// How `conn`'s backend appends an entry.
pub fn appending(conn: &DbConn) -> Appending {
    match conn {
        DbConn::Postgres(_) => Appending::Unsealed,
        DbConn::Sqlite(_) => Appending::Sealed,
    }
}

/// Whether `conn` is inside a transaction (appending outside one could fork the chain).
pub fn in_transaction(conn: &mut DbConn) -> Result<bool, StoreError> {
    let status = <DbConn as Connection>::TransactionManager::transaction_manager_status_mut(conn);
    Ok(status.transaction_depth()?.is_some())
}

/// The last sealed entry of the chain, or `None` when nothing is sealed yet. A sealed
/// append must read it inside the appending write transaction; the sealer, under its
/// lock.
pub fn head(conn: &mut DbConn) -> Result<Option<ChainHead>, StoreError> {
    Ok(audit_entries::table
        .select((
            audit_entries::seq.assume_not_null(),
            audit_entries::hash.assume_not_null(),
        ))
        .filter(audit_entries::seq.is_not_null())
        .order(audit_entries::seq.desc())
        .first::<ChainHead>(conn)
        .optional()?)
}

/// Appends one entry. A `seq` already taken is `Conflict`.
pub fn append(conn: &mut DbConn, row: &AuditEntryRow) -> Result<(), StoreError> {
    diesel::insert_into(audit_entries::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// One entry by its sequence number.
pub fn find(conn: &mut DbConn, seq: i64) -> Result<Option<AuditEntryRow>, StoreError> {
    Ok(audit_entries::table
        .filter(audit_entries::seq.eq(seq))
        .select(AuditEntryRow::as_select())
        .first(conn)
        .optional()?)
}

/// Entries matching `filter`, newest first, at most `limit`: without `before_seq` the
/// unsealed entries first (newest first by time), then the sealed ones by `seq`; with
/// it only sealed entries with `seq` below it (keyset paging).
pub fn page(
    conn: &mut DbConn,
    filter: &AuditLogFilter,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditEntryRow>, StoreError> {
    let mut query = audit_entries::table
        .select(AuditEntryRow::as_select())
        .order((
            audit_entries::seq.is_null().desc(),
            audit_entries::seq.desc(),
            audit_entries::occurred_at.desc(),
            audit_entries::id.desc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some(before) = before_seq {
        query = query.filter(audit_entries::seq.lt(before));
    }
    if let Some(v) = &filter.actor_user_id {
        query = query.filter(audit_entries::actor_user_id.eq(v));
    }
    if let Some(v) = &filter.actor_agency_id {
        query = query.filter(audit_entries::actor_agency_id.eq(v));
    }
    if let Some(v) = &filter.action {
        query = query.filter(audit_entries::action.eq(v));
    }
    if let Some(v) = &filter.action_kind {
        query = query.filter(audit_entries::action_kind.eq(v));
    }
    if let Some(v) = &filter.outcome {
        query = query.filter(audit_entries::outcome.eq(v));
    }
    if let Some(v) = &filter.object_type {
        query = query.filter(audit_entries::object_type.eq(v));
    }
    if let Some(v) = &filter.object_id {
        query = query.filter(audit_entries::object_id.eq(v));
    }
    if let Some(v) = &filter.subject {
        // Details are stored as compact JSON: a listed person appears as `"<ref>"`.
        query = query.filter(
            audit_entries::subject_pseudonym
                .eq(v)
                .or(audit_entries::details.like(format!("%\"{v}\"%"))),
        );
    }
    if let Some(v) = filter.from {
        query = query.filter(audit_entries::occurred_at.ge(v));
    }
    if let Some(v) = filter.until {
        query = query.filter(audit_entries::occurred_at.lt(v));
    }
    Ok(query.load(conn)?)
}

/// The next batch of the chain in `seq` order: at most `limit` entries with `seq`
/// above `after_seq` (pass `i64::MIN` to start at the very first stored entry).
pub fn chain_batch(
    conn: &mut DbConn,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<AuditEntryRow>, StoreError> {
    Ok(audit_entries::table
        .select(AuditEntryRow::as_select())
        .filter(audit_entries::seq.gt(after_seq))
        .order(audit_entries::seq.asc())
        .limit(limit)
        .load(conn)?)
}
