//! Appending an entry to the chain.
//!
//! Owns `record`: inside the caller's transaction, so the entry commits or rolls back
//! together with the change it records, it inserts the entry — on PostgreSQL unsealed
//! (the sealer links it into the chain once its transaction has finished), on SQLite
//! sealed at once: the next `seq`, linked to the head's hash, hashed, with the MAC when
//! the process has the entry key. It never rewrites an existing entry.

use crate::canonical::{GENESIS_HASH, entry_hash, unsealed_hash};
use crate::mac::installed_entry_key;
use crate::{AuditEntry, AuditError, AuditEvent};
use chrono::{DateTime, Utc};
use schakel_store::audit_log::{self, Appending, AuditEntryRow, ChainHead};
use schakel_store::{DbConn, to_db_time};
use uuid::Uuid;

/// Records `event` as having happened at `now` (truncated to microseconds) and returns
/// the stored entry.
///
/// Must be called inside the caller's write transaction (`schakel_store::write_tx`),
/// the same one that makes the change being audited: otherwise it returns
/// [`AuditError::NotInTransaction`] and writes nothing. On PostgreSQL the entry is
/// inserted unsealed (`seq`, `prev_hash` and `hash` absent) and concurrent appends never
/// wait for each other; [`crate::seal`] links it into the chain after COMMIT. On SQLite
/// the transaction already holds the only write lock, so the entry is sealed here. Any
/// error must fail the caller's transaction (fail closed).
pub fn record(
    conn: &mut DbConn,
    event: &AuditEvent,
    now: DateTime<Utc>,
) -> Result<AuditEntry, AuditError> {
    if !audit_log::in_transaction(conn)? {
        return Err(AuditError::NotInTransaction);
    }
    let details = event.validate()?;
    let actor = event.actor.as_ref();
    let mut row = AuditEntryRow {
        seq: None,
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
        prev_hash: None,
        hash: None,
        mac: None,
    };
    match audit_log::appending(conn) {
        Appending::Sealed => {
            let head = audit_log::head(conn)?;
            seal_after(&mut row, head.as_ref())?;
        }
        Appending::Unsealed => {
            row.mac = installed_entry_key().map(|key| key.unsealed_mac(&unsealed_hash(&row)));
        }
    }
    audit_log::append(conn, &row)?;
    AuditEntry::try_from(row)
}

/// Seals `row` as the entry after `head` (the first of the chain when `None`): its
/// `seq`, `prev_hash`, `hash` and, when the process has the entry key, `mac`. (The
/// sealer first checks the MAC an unsealed entry came with; see `seal`.)
pub(crate) fn seal_after(
    row: &mut AuditEntryRow,
    head: Option<&ChainHead>,
) -> Result<(), AuditError> {
    let (seq, prev_hash) = match head {
        None => (1, GENESIS_HASH.to_owned()),
        Some(head) => {
            let next = head.seq.checked_add(1).ok_or(AuditError::Corrupt {
                seq: head.seq,
                field: "seq",
            })?;
            (next, head.hash.clone())
        }
    };
    row.seq = Some(seq);
    row.prev_hash = Some(prev_hash);
    let hash = entry_hash(row);
    row.mac = installed_entry_key().map(|key| key.mac(&hash));
    row.hash = Some(hash);
    Ok(())
}
