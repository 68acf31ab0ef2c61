//! Cryptography errors.
//!
//! Policy: a message may name a line number, a key id or a fixed reason, and nothing
//! else. It never carries plaintext, key bytes, hex or base64 taken from the input, nor
//! the text of an underlying library error (the `hex` crate, for one, quotes the
//! offending character). Every way a stored value can fail to open once it is well
//! formed — wrong key, wrong place (associated data), tampering, truncation inside the
//! ciphertext — is one variant, [`CryptoError::Decrypt`], because AES-GCM cannot tell
//! them apart and a caller must not try to.

use thiserror::Error;

/// What went wrong in a cryptographic operation.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CryptoError {
    /// A line of the key text is not `<key-id> <64 hex digits>`, or repeats a key id.
    #[error("key text line {line}: {reason}")]
    KeyLine {
        /// One-based line number.
        line: usize,
        /// What is wrong with it (fixed text, never the line itself).
        reason: &'static str,
    },
    /// The key text holds no key at all.
    #[error("key text holds no key")]
    NoKeys,
    /// No master key with this id is configured.
    #[error("no master key with id '{0}'")]
    UnknownKey(String),
    /// A stored value is not `v1.<key-id>.<nonce>.<ciphertext>`.
    #[error("stored value is malformed: {0}")]
    Malformed(&'static str),
    /// A stored value of another format version than this build understands.
    #[error("stored value has an unsupported version")]
    UnsupportedVersion,
    /// The value did not authenticate: wrong key, wrong place, or tampered with.
    #[error("stored value does not decrypt here")]
    Decrypt,
    /// Input the operation refuses (fixed reason).
    #[error("invalid input: {0}")]
    InvalidInput(&'static str),
    /// The operating system's random number generator failed.
    #[error("random number generator failed")]
    Random,
    /// A primitive refused its parameters; a bug, not a data problem.
    #[error("cryptographic primitive failed: {0}")]
    Primitive(&'static str),
}
