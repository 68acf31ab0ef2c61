#![doc = include_str!("../README.md")]

mod canonical;
mod checkpoint;
mod entry;
mod error;
mod event;
pub mod export;
mod keys;
mod mac;
mod query;
mod record;
mod report;
mod seal;
mod series;
mod verify;

pub use canonical::{
    ENTRY_FORMAT, GENESIS_HASH, encode_entry, entry_digest, entry_hash, unsealed_hash,
};
pub use checkpoint::{CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_V1, SignedCheckpoint};
pub use ed25519_dalek::{SigningKey, VerifyingKey};
pub use entry::AuditEntry;
pub use error::AuditError;
pub use event::{AuditActor, AuditEvent, AuditObject, MAX_DETAILS_LEN, MAX_FIELD_LEN};
pub use keys::{read_signing_key, read_verifying_key};
pub use mac::{
    EntryKey, MAC_FORMAT, UNSEALED_MAC_FORMAT, install_entry_key, installed_entry_key,
    read_entry_key,
};
pub use query::{
    AuditFilter, AuditPage, MAX_PAGE_SIZE, PageRequest, export_rows, is_subject_reference, query,
};
pub use record::record;
pub use report::{BreakReason, BrokenEntry, VerifyReport};
pub use schakel_domain::audit::{ActionCode, ActionKind, Outcome};
pub use seal::{
    SEAL_BATCH_SIZE, SealRound, SealingState, seal, seal_all, seal_committed, sealing_state,
};
pub use series::{checkpoint, verify_with_checkpoint, verify_with_checkpoints};
pub use verify::{VERIFY_BATCH_SIZE, verify};
