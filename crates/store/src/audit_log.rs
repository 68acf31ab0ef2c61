//! Audit entry rows and their queries (append and read only).
//!
//! Owns the SQL of the audit trail: appending one entry, reading the head of the chain
//! (under a lock on PostgreSQL), paging through entries for the auditor, and reading the
//! chain in `seq` order in batches for verification. It never updates or deletes an
//! entry (the database's triggers refuse that anyway), and it knows nothing of hashes:
//! computing and checking them is the `audit` crate's work.

use crate::schema::audit_entries;
use crate::{DbConn, StoreError};
use chrono::NaiveDateTime;
use diesel::connection::{Connection, TransactionManager};
use diesel::prelude::*;

/// An audit entry as stored; also what is inserted (every column is given).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_entries)]
pub struct AuditEntryRow {
    pub seq: i64,
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
    pub prev_hash: String,
    pub hash: String,
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

/// The key of the PostgreSQL advisory lock that serialises appends to the chain
/// (the ASCII bytes of "SCHAKELA").
const CHAIN_LOCK_KEY: i64 = 0x5343_4841_4B45_4C41;

/// Whether `conn` is inside a transaction (appending outside one could fork the chain).
pub fn in_transaction(conn: &mut DbConn) -> Result<bool, StoreError> {
    let status = <DbConn as Connection>::TransactionManager::transaction_manager_status_mut(conn);
    Ok(status.transaction_depth()?.is_some())
}

/// Reads the head of the chain for an append, so that no other transaction can append
/// the same `seq` before this one commits. Call inside the appending transaction.
pub fn head_for_append(conn: &mut DbConn) -> Result<Option<ChainHead>, StoreError> {
    match conn {
        // PostgreSQL runs concurrent writers side by side: two transactions could both
        // read head N and both append N+1. A transaction-scoped advisory lock makes the
        // second wait until the first commits; under READ COMMITTED its next statement
        // then sees the new head. (It is released at COMMIT or ROLLBACK.)
        DbConn::Postgres(c) => {
            diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
                .bind::<diesel::sql_types::BigInt, _>(CHAIN_LOCK_KEY)
                .execute(c)?;
        }
        // SQLite has one writer at a time: `write_tx` begins with BEGIN IMMEDIATE,
        // which already holds the database's write lock here.
        DbConn::Sqlite(_) => {}
    }
    head(conn)
}

/// The last entry of the chain, or `None` when the trail is empty.
pub fn head(conn: &mut DbConn) -> Result<Option<ChainHead>, StoreError> {
    Ok(audit_entries::table
        .select((audit_entries::seq, audit_entries::hash))
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
        .find(seq)
        .select(AuditEntryRow::as_select())
        .first(conn)
        .optional()?)
}

/// Entries matching `filter`, newest first (by `seq`), at most `limit`, only those
/// with `seq` below `before_seq` when given (keyset paging).
pub fn page(
    conn: &mut DbConn,
    filter: &AuditLogFilter,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditEntryRow>, StoreError> {
    let mut query = audit_entries::table
        .select(AuditEntryRow::as_select())
        .order(audit_entries::seq.desc())
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
