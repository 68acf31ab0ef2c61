//! What can go wrong in a use case.
//!
//! Denials follow one rule, as in administration: an action on a named object the actor
//! may not see answers [`WorkflowError::NotFound`], exactly as if it did not exist; an
//! action on a collection the role may not use answers [`WorkflowError::Forbidden`];
//! an object the actor sees but may not change in this way also answers `Forbidden`.
//! Every denial is audited with the outcome `denied`, in its own transaction after the
//! use case's has been rolled back.

use schakel_audit::ActionKind;
use schakel_domain::InvalidTransition;
use schakel_store::StoreError;
use thiserror::Error;

/// Why a change conflicts with the current state (all answer `409`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// The referral's state does not allow the action (the transition table says no).
    Transition(InvalidTransition),
    /// The case is closed.
    CaseClosed,
    /// The case still has open referrals.
    OpenReferrals,
    /// A case was already opened from this signal.
    SignalHasCase,
    /// An anonymous signal has no person to open a case for.
    AnonymousSignal,
    /// The consent was already withdrawn.
    AlreadyWithdrawn,
    /// The receiving agency is the sender, the same agency again, or inactive.
    Recipient,
}

/// A value refused for what it means, not for its shape (each has its own stable
/// problem code, naming the field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A nationality that is not an ISO 3166-1 alpha-2 country code.
    UnknownCountry,
    /// A legal basis that does not apply to the person's age or to the recording
    /// agency's kind.
    LegalBasisNotApplicable,
}

impl Refusal {
    /// The input field refused.
    pub fn field(self) -> &'static str {
        match self {
            Refusal::UnknownCountry => "nationalities",
            Refusal::LegalBasisNotApplicable => "legal_basis",
        }
    }
}

/// A denial waiting to be audited after the rollback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    /// The audit action code.
    pub code: &'static str,
    /// The NEN 7513 kind of the attempted action.
    pub kind: ActionKind,
    /// The object (type, id), if the action named one.
    pub object: Option<(&'static str, String)>,
    /// `true`: answer 404 (the actor may not see it); `false`: 403.
    pub hide: bool,
}

/// What went wrong.
#[derive(Debug, Error)]
pub enum WorkflowError {
    /// The policy refused; recorded, then answered as `NotFound` or `Forbidden`.
    #[error("denied")]
    Denied(Box<Denial>),
    /// The role may not use this action.
    #[error("forbidden")]
    Forbidden,
    /// The object does not exist or the actor may not see it.
    #[error("not found")]
    NotFound,
    /// The change conflicts with the current state; nothing was changed.
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    /// The change must name the version it was made from (`If-Match`).
    #[error("version required")]
    VersionRequired,
    /// The object changed since the version named.
    #[error("stale version")]
    VersionMismatch,
    /// The idempotency key was used before for another request.
    #[error("idempotency key reused with another request")]
    IdempotencyMismatch,
    /// A first request with the same idempotency key committed meanwhile; retried once.
    #[error("idempotency key race")]
    IdempotencyRace,
    /// The input is not valid (the text names the field, never its value).
    #[error("invalid input: {0}")]
    Invalid(&'static str),
    /// A value is well-formed but refused for what it means.
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
    /// The audit entry could not be written (and so nothing was done).
    #[error("audit: {0}")]
    Audit(String),
    /// Encryption or decryption failed (a missing key, a damaged value).
    #[error("crypto: {0}")]
    Crypto(String),
    /// A view could not be written as the JSON stored for replays.
    #[error("encoding: {0}")]
    Encoding(String),
}

impl From<StoreError> for WorkflowError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => WorkflowError::NotFound,
            other => WorkflowError::Store(other),
        }
    }
}

impl From<schakel_audit::AuditError> for WorkflowError {
    fn from(e: schakel_audit::AuditError) -> Self {
        match e {
            schakel_audit::AuditError::Store(s) => s.into(),
            other => WorkflowError::Audit(other.to_string()),
        }
    }
}

impl From<schakel_crypto::CryptoError> for WorkflowError {
    fn from(e: schakel_crypto::CryptoError) -> Self {
        WorkflowError::Crypto(e.to_string())
    }
}

impl From<InvalidTransition> for WorkflowError {
    fn from(e: InvalidTransition) -> Self {
        WorkflowError::Conflict(Conflict::Transition(e))
    }
}
