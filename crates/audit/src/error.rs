//! Audit errors.
//!
//! Policy: every failure is returned, never logged and dropped. A failure to record an
//! entry must fail the caller's transaction, so that no request goes through (or returns
//! data) without its audit entry. A broken chain is not an error: `verify` reports it
//! in its [`VerifyReport`](crate::VerifyReport); errors mean the check could not be done.
//! Messages never carry key material or the content of entries.

use schakel_store::StoreError;
use std::path::PathBuf;
use thiserror::Error;

/// What went wrong in the audit trail.
#[derive(Debug, Error)]
pub enum AuditError {
    /// The event cannot be recorded as given (a field is too long or malformed).
    #[error("invalid audit event: {0}")]
    InvalidEvent(String),
    /// `record` was called outside a transaction; the entry could fork the chain.
    #[error("audit entries must be recorded inside the caller's transaction")]
    NotInTransaction,
    /// A stored entry holds a value the code cannot read (see `verify`).
    #[error("audit entry {seq}: the stored {field} is not valid")]
    Corrupt {
        /// The entry's sequence number.
        seq: i64,
        /// Which column.
        field: &'static str,
    },
    /// A key file could not be read or holds no valid key.
    #[error("key file {}: {reason}", path.display())]
    Key {
        /// The file.
        path: PathBuf,
        /// Why (never the key itself).
        reason: String,
    },
    /// A checkpoint was asked of a chain that is already broken; signing it would vouch
    /// for the damage.
    #[error("refusing to sign a checkpoint: the chain is broken at {0}")]
    ChainBroken(crate::report::BrokenEntry),
    /// A checkpoint is malformed, not signed by the trusted key, or its signature fails.
    /// Sealing found some of its entries already sealed: another sealer ran at the same
    /// time (which the lock should make impossible). Nothing was written.
    #[error("sealing: {expected} entries to seal, {sealed} were still unsealed")]
    SealRace { expected: usize, sealed: usize },
    #[error("checkpoint: {0}")]
    InvalidCheckpoint(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}
