//! Appending an entry to the chain.
//!
//! Owns `record`: it gives the event the next `seq`, links it to the head's hash, hashes
//! it, adds the MAC when the process has the entry key, and inserts it, all inside the caller's transaction, so the entry commits or rolls
//! back together with the change it records. It never rewrites an existing entry.

use crate::canonical::{GENESIS_HASH, entry_hash};
use crate::mac::installed_entry_key;
use crate::{AuditEntry, AuditError, AuditEvent};
use chrono::{DateTime, Utc};
use schakel_store::audit_log::{self, AuditEntryRow};
use schakel_store::{DbConn, to_db_time};
use uuid::Uuid;

/// Records `event` as having happened at `now` (truncated to microseconds) and returns
/// the stored entry.
///
/// Must be called inside the caller's write transaction (`schakel_store::write_tx`),
/// the same one that makes the change being audited: otherwise it returns
/// [`AuditError::NotInTransaction`] and writes nothing. On PostgreSQL it takes a
/// transaction-scoped advisory lock, so concurrent appends wait for each other until
/// commit; call it once the transaction's other work has checked out, and keep the
/// transaction short. (That relies on the default READ COMMITTED isolation; under a
/// stricter level a concurrent append makes this one fail with a conflict instead, so
/// the chain never forks.) Any error must fail the caller's transaction (fail closed).
pub fn record(
    conn: &mut DbConn,
    event: &AuditEvent,
    now: DateTime<Utc>,
) -> Result<AuditEntry, AuditError> {
    if !audit_log::in_transaction(conn)? {
        return Err(AuditError::NotInTransaction);
    }
    let details = event.validate()?;
    let (seq, prev_hash) = match audit_log::head_for_append(conn)? {
        None => (1, GENESIS_HASH.to_owned()),
        Some(head) => {
            let next = head.seq.checked_add(1).ok_or(AuditError::Corrupt {
                seq: head.seq,
                field: "seq",
            })?;
            (next, head.hash)
        }
    };
    let actor = event.actor.as_ref();
    let mut row = AuditEntryRow {
        seq,
        id: Uuid::new_v4().to_string(),
        occurred_at: to_db_time(now),
        actor_user_id: actor.map(|a| a.user_id.to_string()),
        actor_agency_id: actor.map(|a| a.agency_id.to_string()),
        actor_role: actor.map(|a| a.role.as_str().to_owned()),
        on_behalf_of: event.on_behalf_of.map(|u| u.to_string()),
        action: event.action.as_str().to_owned(),
        action_kind: event.action_kind.as_str().to_owned(),
        object_type: event.object.as_ref().map(|o| o.kind.clone()),
        object_id: event.object.as_ref().map(|o| o.id.clone()),
        purpose: event.purpose.clone(),
        subject_pseudonym: event.subject_pseudonym.clone(),
        outcome: event.outcome.as_str().to_owned(),
        source_ip: event.source_ip.map(|ip| ip.to_string()),
        request_id: event.request_id.clone(),
        details,
        prev_hash,
        hash: String::new(),
        mac: None,
    };
    row.hash = entry_hash(&row);
    row.mac = installed_entry_key().map(|key| key.mac(&row.hash));
    audit_log::append(conn, &row)?;
    AuditEntry::try_from(row)
}
