//! Verifying the chain: recompute every hash in `seq` order and name the first break.
//!
//! Owns the walk over the chain (in batches, so the trail is never loaded whole) and the
//! diagnosis of what broke. It only reads: it never repairs or rewrites an entry.

use crate::AuditError;
use crate::canonical::{GENESIS_HASH, entry_hash};
use schakel_store::DbConn;
use schakel_store::audit_log::{self, AuditEntryRow};
use serde::Serialize;
use std::fmt;

/// How many entries `verify` reads per query.
pub const VERIFY_BATCH_SIZE: i64 = 1000;

/// Why the chain is broken at an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum BreakReason {
    /// The entry's content no longer matches its hash: a field was edited.
    HashMismatch,
    /// The entry does not link to the hash of the entry before it: an entry before it
    /// was deleted or replaced, or entries were reordered.
    PrevHashMismatch,
    /// The next entry links past this one to the entry before it: this entry was
    /// inserted into the chain.
    Inserted,
    /// No entry has this `seq`: it was deleted. `next_found` is the next `seq` present.
    Missing {
        /// The `seq` found where this one was expected.
        next_found: i64,
    },
    /// The entry carries a `seq` that cannot be at this place (below the chain's start).
    UnexpectedSeq,
    /// The chain ends before the checkpointed entry: its tail was cut off.
    Truncated {
        /// The `seq` the signed checkpoint vouches for.
        checkpoint_seq: i64,
    },
    /// The checkpointed entry's hash differs from the signed one: the chain up to it was
    /// rewritten and re-hashed.
    CheckpointMismatch,
}

impl fmt::Display for BreakReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BreakReason::HashMismatch => f.write_str("hash mismatch (the entry was edited)"),
            BreakReason::PrevHashMismatch => f.write_str(
                "previous-hash mismatch (an entry before it was deleted, replaced or reordered)",
            ),
            BreakReason::Inserted => {
                f.write_str("inserted (the next entry links to the entry before it)")
            }
            BreakReason::Missing { next_found } => {
                write!(f, "missing (deleted; the next entry is {next_found})")
            }
            BreakReason::UnexpectedSeq => f.write_str("unexpected sequence number"),
            BreakReason::Truncated { checkpoint_seq } => write!(
                f,
                "missing (the chain was truncated before checkpointed entry {checkpoint_seq})"
            ),
            BreakReason::CheckpointMismatch => f.write_str(
                "checkpoint mismatch (its hash differs from the signed checkpoint: the chain \
                 up to it was rewritten)",
            ),
        }
    }
}

/// The first place where the chain is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BrokenEntry {
    /// The `seq` of the broken (or missing) entry.
    pub seq: i64,
    /// What is wrong with it.
    pub reason: BreakReason,
}

impl fmt::Display for BrokenEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "entry {}: {}", self.seq, self.reason)
    }
}

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// How many entries were found intact, from the first on (the `seq` of the last
    /// intact entry, since `seq` starts at 1 without gaps).
    pub checked: u64,
    /// The hash of the last intact entry (64 zeros when there is none).
    pub last_hash: String,
    /// The first broken entry, or `None` when the chain is intact.
    pub broken: Option<BrokenEntry>,
}

impl VerifyReport {
    /// Whether the chain is intact.
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// Recomputes the whole chain in `seq` order and reports the first broken entry.
///
/// This catches edited, deleted, reordered and inserted entries. It cannot see a cut-off
/// tail or a chain re-hashed from start to end: use
/// [`verify_with_checkpoint`](crate::verify_with_checkpoint) for those.
pub fn verify(conn: &mut DbConn) -> Result<VerifyReport, AuditError> {
    walk(conn, |_| None)
}

/// Walks the chain; `extra` may declare an intact entry broken (the checkpoint check).
pub(crate) fn walk(
    conn: &mut DbConn,
    mut extra: impl FnMut(&AuditEntryRow) -> Option<BrokenEntry>,
) -> Result<VerifyReport, AuditError> {
    let mut walker = Walker::new();
    let mut after = i64::MIN;
    loop {
        let batch = audit_log::chain_batch(conn, after, VERIFY_BATCH_SIZE)?;
        let Some(last) = batch.last() else {
            return Ok(walker.report(None));
        };
        after = last.seq;
        for row in &batch {
            if let Some(broken) = walker.step(row).or_else(|| extra(row)) {
                return Ok(walker.report(Some(broken)));
            }
            walker.accept(row);
        }
    }
}

/// The state of the walk: what the next entry must look like.
struct Walker {
    expected_seq: i64,
    last_hash: String,
    hash_before_last: Option<String>,
    checked: u64,
}

impl Walker {
    fn new() -> Self {
        Self {
            expected_seq: 1,
            last_hash: GENESIS_HASH.to_owned(),
            hash_before_last: None,
            checked: 0,
        }
    }

    /// Checks one entry against the chain so far: its place, its link, its content.
    fn step(&mut self, row: &AuditEntryRow) -> Option<BrokenEntry> {
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
            if self.hash_before_last.as_deref() == Some(row.prev_hash.as_str()) {
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
        if entry_hash(row) != row.hash {
            return Some(BrokenEntry {
                seq: row.seq,
                reason: BreakReason::HashMismatch,
            });
        }
        None
    }

    /// Takes an entry that passed every check as the new end of the intact chain.
    fn accept(&mut self, row: &AuditEntryRow) {
        self.hash_before_last = Some(std::mem::replace(&mut self.last_hash, row.hash.clone()));
        self.expected_seq = row.seq.saturating_add(1);
        self.checked += 1;
    }

    fn report(self, broken: Option<BrokenEntry>) -> VerifyReport {
        VerifyReport {
            checked: self.checked,
            last_hash: self.last_hash,
            broken,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    /// A valid chain of `n` entries, built in memory.
    fn chain(n: i64) -> Vec<AuditEntryRow> {
        let t = NaiveDate::from_ymd_opt(2026, 3, 1)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .unwrap();
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let mut row = AuditEntryRow {
                    seq,
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
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                row.hash = entry_hash(&row);
                prev = row.hash.clone();
                row
            })
            .collect()
    }

    fn first_break(rows: &[AuditEntryRow]) -> (u64, Option<BrokenEntry>) {
        let mut walker = Walker::new();
        for row in rows {
            if let Some(b) = walker.step(row) {
                return (walker.checked, Some(b));
            }
            walker.accept(row);
        }
        (walker.checked, None)
    }

    fn rehash(row: &mut AuditEntryRow) {
        row.hash = entry_hash(row);
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
                        r.seq -= 1;
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
                    c[1].seq = 2;
                    c[2].seq = 3;
                },
                2,
                BreakReason::PrevHashMismatch,
                1,
            ),
            (
                "inserted",
                |c| {
                    for r in c.iter_mut().skip(2) {
                        r.seq += 1;
                    }
                    let mut forged = c[1].clone();
                    forged.seq = 3;
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
                    early.seq = 0;
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
}
