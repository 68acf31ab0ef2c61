//! Verifying the chain: recompute every hash in `seq` order and name the first break.
//!
//! Owns the walk over the chain and the diagnosis of what broke, including each entry's
//! keyed MAC when the entry key is known. The chain is read on a thread of its own (on
//! PostgreSQL as one binary `COPY` stream) in batches that are hashed here as the next
//! arrives, so reading and hashing run side by side and the trail is never loaded
//! whole. It only reads: it never repairs or rewrites an entry.

use crate::AuditError;
use crate::canonical::{GENESIS_HASH, entry_digest, is_hex_of};
use crate::mac::{EntryKey, installed_entry_key};
use crate::report::{BreakReason, BrokenEntry, VerifyReport};
use schakel_store::DbConn;
use schakel_store::audit_stream::{ChainBatch, EntryRef, read_chain};

/// How many entries `verify` reads per query.
pub const VERIFY_BATCH_SIZE: usize = 1000;

/// Batches read ahead of the hashing.
const READ_AHEAD: usize = 4;

/// Recomputes the whole chain in `seq` order and reports the first broken entry; with
/// the process's entry key installed ([`install_entry_key`](crate::install_entry_key))
/// it also checks every entry's MAC.
///
/// This catches edited, deleted, reordered and inserted entries, and with the key, any
/// entry written or re-hashed without it. It cannot see a cut-off tail: use
/// [`verify_with_checkpoints`](crate::verify_with_checkpoints) for that (and for a
/// chain re-hashed from start to end when there is no key).
pub fn verify(conn: &mut DbConn) -> Result<VerifyReport, AuditError> {
    walk(conn, installed_entry_key(), |_| None)
}

/// Walks the chain, checking MACs with `key` when given; `extra` may declare an intact
/// entry broken (the checkpoint check).
pub(crate) fn walk(
    conn: &mut DbConn,
    key: Option<&EntryKey>,
    mut extra: impl FnMut(&EntryRef<'_>) -> Option<BrokenEntry>,
) -> Result<VerifyReport, AuditError> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<ChainBatch>(READ_AHEAD);
    std::thread::scope(|s| {
        // The reader stops at the first batch nobody takes any more.
        let reader = s.spawn(move || read_chain(conn, VERIFY_BATCH_SIZE, |b| tx.send(b).is_ok()));
        let mut walker = Walker::new(key);
        let broken = walk_batches(&mut walker, rx, &mut extra);
        let read = reader.join().map_err(|_| AuditError::Corrupt {
            seq: walker.expected_seq,
            field: "chain (its reader stopped)",
        })?;
        let broken = broken?;
        if broken.is_none() {
            read?;
        }
        Ok(walker.report(broken))
    })
}

/// Walks the batches as they come, to the first break; dropping `rx` on return tells
/// the reader to stop.
fn walk_batches(
    walker: &mut Walker<'_>,
    rx: std::sync::mpsc::Receiver<ChainBatch>,
    extra: &mut impl FnMut(&EntryRef<'_>) -> Option<BrokenEntry>,
) -> Result<Option<BrokenEntry>, AuditError> {
    for batch in rx {
        for entry in batch.entries() {
            let entry = entry?;
            if let Some(broken) = walker.step(&entry).or_else(|| extra(&entry)) {
                return Ok(Some(broken));
            }
            walker.accept(&entry);
        }
    }
    Ok(None)
}

/// The state of the walk: what the next entry must look like.
struct Walker<'k> {
    key: Option<&'k EntryKey>,
    expected_seq: i64,
    last_hash: String,
    hash_before_last: Option<String>,
    checked: u64,
    keyed_from: Option<i64>,
}

impl<'k> Walker<'k> {
    fn new(key: Option<&'k EntryKey>) -> Self {
        Self {
            key,
            expected_seq: 1,
            last_hash: GENESIS_HASH.to_owned(),
            hash_before_last: None,
            checked: 0,
            keyed_from: None,
        }
    }

    /// Checks one entry against the chain so far: its place, its link, its content.
    fn step(&mut self, row: &EntryRef<'_>) -> Option<BrokenEntry> {
        let expected = self.expected_seq;
        if row.seq > expected {
            let reason = BreakReason::Missing {
                next_found: row.seq,
            };
            return Some(BrokenEntry {
                seq: expected,
                reason,
            });
        }
        if row.seq < expected {
            return Some(BrokenEntry {
                seq: row.seq,
                reason: BreakReason::UnexpectedSeq,
            });
        }
        if row.prev_hash != self.last_hash {
            // Linking past the last entry to the one before it means the last entry
            // was slipped in between (and the later ones renumbered to make room).
            if self.hash_before_last.as_deref() == Some(row.prev_hash) {
                self.checked = self.checked.saturating_sub(1);
                if let Some(before) = self.hash_before_last.take() {
                    self.last_hash = before;
                }
                return Some(BrokenEntry {
                    seq: expected - 1,
                    reason: BreakReason::Inserted,
                });
            }
            return Some(BrokenEntry {
                seq: row.seq,
                reason: BreakReason::PrevHashMismatch,
            });
        }
        if !is_hex_of(row.hash, &entry_digest(row)) {
            return Some(BrokenEntry {
                seq: row.seq,
                reason: BreakReason::HashMismatch,
            });
        }
        self.check_mac(row).map(|reason| BrokenEntry {
            seq: row.seq,
            reason,
        })
    }

    /// With the key: a MAC must verify, and once one entry has a MAC every later one
    /// must have one. Without it only the presence is followed (for `keyed_from`).
    fn check_mac(&self, row: &EntryRef<'_>) -> Option<BreakReason> {
        match (row.mac, self.key) {
            (Some(mac), Some(key)) if !key.verifies(row.hash, mac) => {
                Some(BreakReason::MacMismatch)
            }
            (None, Some(_)) if self.keyed_from.is_some() => Some(BreakReason::Unkeyed),
            _ => None,
        }
    }

    /// Takes an entry that passed every check as the new end of the intact chain.
    fn accept(&mut self, row: &EntryRef<'_>) {
        // The two hashes trade buffers, so no entry allocates.
        let mut before = self.hash_before_last.take().unwrap_or_default();
        std::mem::swap(&mut before, &mut self.last_hash);
        self.hash_before_last = Some(before);
        self.last_hash.clear();
        self.last_hash.push_str(row.hash);
        self.expected_seq = row.seq.saturating_add(1);
        self.checked += 1;
        if row.mac.is_some() && self.keyed_from.is_none() {
            self.keyed_from = Some(row.seq);
        }
    }

    fn report(self, broken: Option<BrokenEntry>) -> VerifyReport {
        VerifyReport {
            checked: self.checked,
            last_hash: self.last_hash,
            broken,
            macs_checked: self.key.is_some(),
            keyed_from: self.keyed_from,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::entry_hash;
    use chrono::NaiveDate;
    use schakel_store::audit_log::AuditEntryRow;

    /// A valid chain of `n` entries, built in memory.
    fn chain(n: i64) -> Vec<AuditEntryRow> {
        let t = NaiveDate::from_ymd_opt(2026, 3, 1)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .unwrap();
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let mut row = AuditEntryRow {
                    seq: Some(seq),
                    id: format!("id-{seq}"),
                    occurred_at: t,
                    actor_user_id: None,
                    actor_agency_id: None,
                    actor_role: None,
                    on_behalf_of: None,
                    action: "auth.login".into(),
                    action_kind: "R".into(),
                    object_type: None,
                    object_id: None,
                    purpose: None,
                    subject_pseudonym: None,
                    outcome: "success".into(),
                    source_ip: None,
                    request_id: None,
                    details: "{}".into(),
                    prev_hash: Some(prev.clone()),
                    hash: None,
                    mac: None,
                };
                prev = entry_hash(&row);
                row.hash = Some(prev.clone());
                row
            })
            .collect()
    }

    fn first_break(rows: &[AuditEntryRow]) -> (u64, Option<BrokenEntry>) {
        first_break_keyed(rows, None)
    }

    fn first_break_keyed(
        rows: &[AuditEntryRow],
        key: Option<&EntryKey>,
    ) -> (u64, Option<BrokenEntry>) {
        let mut walker = Walker::new(key);
        for row in rows {
            let row = EntryRef::from(row);
            if let Some(b) = walker.step(&row) {
                return (walker.checked, Some(b));
            }
            walker.accept(&row);
        }
        (walker.checked, None)
    }

    fn rehash(row: &mut AuditEntryRow) {
        row.hash = Some(entry_hash(row));
    }

    #[test]
    fn an_untouched_chain_is_intact() {
        assert_eq!(first_break(&chain(5)), (5, None));
        assert_eq!(first_break(&[]), (0, None));
    }

    #[test]
    fn each_kind_of_tampering_is_named_at_its_entry() {
        type Tamper = fn(&mut Vec<AuditEntryRow>);
        let cases: [(&str, Tamper, i64, BreakReason, u64); 6] = [
            (
                "edited",
                |c| c[2].outcome = "denied".into(),
                3,
                BreakReason::HashMismatch,
                2,
            ),
            (
                "deleted",
                |c| {
                    c.remove(2);
                },
                3,
                BreakReason::Missing { next_found: 4 },
                2,
            ),
            (
                "deleted and renumbered",
                |c| {
                    c.remove(2);
                    for r in c.iter_mut().skip(2) {
                        r.seq = r.seq.map(|s| s - 1);
                        rehash(r);
                    }
                },
                3,
                BreakReason::PrevHashMismatch,
                2,
            ),
            (
                "swapped",
                |c| {
                    c.swap(1, 2);
                    c[1].seq = Some(2);
                    c[2].seq = Some(3);
                },
                2,
                BreakReason::PrevHashMismatch,
                1,
            ),
            (
                "inserted",
                |c| {
                    for r in c.iter_mut().skip(2) {
                        r.seq = r.seq.map(|s| s + 1);
                    }
                    let mut forged = c[1].clone();
                    forged.seq = Some(3);
                    forged.id = "forged".into();
                    forged.prev_hash = c[1].hash.clone();
                    rehash(&mut forged);
                    c.insert(2, forged);
                },
                3,
                BreakReason::Inserted,
                2,
            ),
            (
                "seq below the start",
                |c| {
                    let mut early = c[0].clone();
                    early.seq = Some(0);
                    c.insert(0, early);
                },
                0,
                BreakReason::UnexpectedSeq,
                0,
            ),
        ];
        for (name, tamper, seq, reason, checked) in cases {
            let mut rows = chain(5);
            tamper(&mut rows);
            let (got_checked, broken) = first_break(&rows);
            assert_eq!(broken, Some(BrokenEntry { seq, reason }), "{name}");
            assert_eq!(
                got_checked, checked,
                "{name}: intact entries before the break"
            );
        }
    }

    #[test]
    fn with_the_key_a_forged_or_unkeyed_entry_after_keyed_ones_is_found() {
        let key = EntryKey::from_bytes(&[5; 32]);
        let keyed = |rows: &mut Vec<AuditEntryRow>, from: usize| {
            for r in rows.iter_mut().skip(from) {
                r.mac = r.hash.as_deref().map(|h| key.mac(h));
            }
        };
        // Written before the key was set, then with it: intact.
        let mut rows = chain(5);
        keyed(&mut rows, 2);
        assert_eq!(first_break_keyed(&rows, Some(&key)), (5, None));

        // An entry appended by a database writer: right hash, no MAC.
        let mut forged = rows.clone();
        forged[4].mac = None;
        let (checked, broken) = first_break_keyed(&forged, Some(&key));
        assert_eq!(checked, 4);
        assert_eq!(
            broken.map(|b| (b.seq, b.reason)),
            Some((5, BreakReason::Unkeyed))
        );

        // ... or with a MAC of another key.
        forged[4].mac = forged[4]
            .hash
            .as_deref()
            .map(|h| EntryKey::from_bytes(&[6; 32]).mac(h));
        let (_, broken) = first_break_keyed(&forged, Some(&key));
        assert_eq!(
            broken.map(|b| (b.seq, b.reason)),
            Some((5, BreakReason::MacMismatch))
        );

        // Without the key the walk cannot tell.
        assert_eq!(first_break_keyed(&forged, None), (5, None));
    }
}
