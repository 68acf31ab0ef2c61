//! What can go wrong in a use case: one error type for every use case of the platform,
//! case work and administration alike, so that the edges map it in one place each.
//!
//! Denials follow one rule: an action on a named object the actor may not see answers
//! [`UseCaseError::NotFound`] (or [`UseCaseError::Denied`] with `hide`), exactly as if it
//! did not exist; an action on a collection the role may not use answers
//! [`UseCaseError::Forbidden`]; an object the actor sees but may not change in this way
//! also answers `Forbidden`. Every denial is audited with the outcome `denied`, through
//! [`crate::policy::record_denial`] only.
//!
//! Must not: carry personal data in its texts (a field's name, never its value).

use crate::AuthError;
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
    /// The case is open (reopening it asks for a closed one).
    CaseOpen,
    /// The referral is not accepted or in progress (a case is opened from one that is).
    NotAccepted,
    /// The agency already opened its case from this referral.
    CaseExists,
    /// The case still has open referrals.
    OpenReferrals,
    /// A case was already opened from this signal.
    SignalHasCase,
    /// An anonymous signal has no person to open a case for.
    AnonymousSignal,
    /// The consent was already withdrawn.
    AlreadyWithdrawn,
    /// The note can no longer be changed: its author's time to change it has passed (a
    /// correction is a new note).
    NoteFixed,
    /// The person's identity was erased by retention: there is nothing left to correct.
    PersonErased,
    /// The receiving agency is the sender, the same agency again, or inactive.
    Recipient,
    /// Another agency has this name.
    NameTaken,
    /// Another account has this email address.
    EmailTaken,
    /// The change would leave the platform without an active admin.
    LastAdmin,
    /// An admin may not deactivate their own account or change its role.
    OwnAccount,
    /// An admin may not deactivate their own agency.
    OwnAgency,
    /// The object is already in the asked state (e.g. deactivating an inactive user).
    AlreadyInState,
    /// The agency is deactivated: no accounts are invited into or reactivated in it.
    AgencyInactive,
    /// The agency's kind cannot change once it has received a referral: consents
    /// name recipient kinds, so a new kind would widen or narrow what existing consents
    /// let it see.
    KindLocked,
    /// The author already keeps as many drafts as one may: submit or discard some.
    DraftLimit,
    /// The document has not been scanned for malware yet: it is kept, not served.
    DocumentPending,
    /// The malware scanner found something in the document: it is quarantined and
    /// never served.
    DocumentQuarantined,
    /// The document was taken off the case or erased with the case's identity.
    DocumentGone,
    /// This delivery cannot be tried again (a failed invitation or recovery link: its
    /// token is gone).
    NotRetryable,
    /// The account is deactivated: it gets no recovery link until it is reactivated.
    AccountInactive,
    /// The account has not accepted its invitation yet: it has no password to recover.
    InvitationPending,
    /// The actor may already read the case: no emergency access is needed (or one of
    /// theirs is still open).
    EmergencyNotNeeded,
    /// The emergency access was already reviewed.
    AlreadyReviewed,
    /// A request for the same change of privilege already waits for a second admin.
    RequestPending,
    /// Nobody approves their own request for a change of privilege.
    OwnRequest,
    /// The request was decided before, or nobody approved it in time.
    RequestClosed,
    /// The person asked for their record to be restricted: it is frozen (nothing is
    /// added or changed) until the restriction is lifted.
    CaseRestricted,
    /// The owning agency keeps its records for their retention period whatever the
    /// person asks (a retention duty of its own law applies).
    RetentionDuty,
    /// The suspect is already with the prosecution (a referral of it is open).
    AlreadyReferred,
    /// A judgment needs the step it follows: a summons for the first instance, a
    /// judgment of the instance below for an appeal.
    NoEarlierStep,
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
    /// A file that is not a PDF, JPEG or PNG by its content (whatever its name says),
    /// or an image that cannot be read to strip its metadata.
    DocumentType,
    /// A file larger than the configured limit.
    DocumentTooLarge,
    /// An export of the audit trail that would hold more entries than one may: narrow
    /// the filter (a shorter period).
    ExportTooLarge,
}

impl Refusal {
    /// The input field refused.
    pub fn field(self) -> &'static str {
        match self {
            Refusal::UnknownCountry => "nationalities",
            Refusal::LegalBasisNotApplicable => "legal_basis",
            Refusal::DocumentType | Refusal::DocumentTooLarge => "file",
            Refusal::ExportTooLarge => "from",
        }
    }
}

/// A denial waiting to be audited after the rollback of the use case's transaction.
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

/// The version a change is made from, as the client named it (HTTP `If-Match`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfMatch {
    /// None was named.
    Missing,
    /// This version.
    Version(i64),
    /// Something that is no version of ours, so it matches none.
    NeverMatches,
}

/// What went wrong in a use case.
#[derive(Debug, Error)]
pub enum UseCaseError {
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
    /// A credential, token or chosen password was refused, or the authentication setup
    /// failed (never a storage or audit failure: those have their own variants).
    #[error(transparent)]
    Auth(AuthError),
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

impl UseCaseError {
    /// Whether the caller should answer as if the object did not exist (404).
    pub fn hides(&self) -> bool {
        match self {
            UseCaseError::NotFound => true,
            UseCaseError::Denied(d) => d.hide,
            _ => false,
        }
    }
}

impl From<StoreError> for UseCaseError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => UseCaseError::NotFound,
            other => UseCaseError::Store(other),
        }
    }
}

impl From<AuthError> for UseCaseError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Store(s) => s.into(),
            AuthError::Audit(m) => UseCaseError::Audit(m),
            other => UseCaseError::Auth(other),
        }
    }
}

impl From<schakel_audit::AuditError> for UseCaseError {
    fn from(e: schakel_audit::AuditError) -> Self {
        match e {
            schakel_audit::AuditError::Store(s) => s.into(),
            other => UseCaseError::Audit(other.to_string()),
        }
    }
}

impl From<schakel_crypto::CryptoError> for UseCaseError {
    fn from(e: schakel_crypto::CryptoError) -> Self {
        UseCaseError::Crypto(e.to_string())
    }
}

impl From<InvalidTransition> for UseCaseError {
    fn from(e: InvalidTransition) -> Self {
        UseCaseError::Conflict(Conflict::Transition(e))
    }
}
