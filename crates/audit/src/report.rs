//! What a verification of the chain reports: the first broken entry and why it is
//! broken, and how far the chain was found intact. Plain values, shared by the walk over
//! the chain, the checkpoint series and the errors that carry a break.

use serde::Serialize;
use std::fmt;

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
    /// The entry's MAC does not verify with the entry key: it was forged or re-hashed
    /// by someone without the key (or the key is not the one it was written with).
    MacMismatch,
    /// The entry has no MAC while an entry before it has one: it was appended by
    /// someone without the entry key.
    Unkeyed,
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
            BreakReason::MacMismatch => f.write_str(
                "MAC mismatch (the entry was forged or re-hashed without the entry key)",
            ),
            BreakReason::Unkeyed => f.write_str(
                "no MAC after keyed entries (appended by someone without the entry key)",
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
    /// Whether each entry's MAC was checked (the entry key was known).
    pub macs_checked: bool,
    /// The `seq` of the first intact entry that carries a MAC: entries before it were
    /// written before the entry key was set. `None` when no intact entry has one.
    pub keyed_from: Option<i64>,
}

impl VerifyReport {
    /// Whether the chain is intact.
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}
