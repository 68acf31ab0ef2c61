//! The one mapping of an error to the problem a client sees: which kind, and so which
//! status and stable code (a refusal the use case explains — a country, a legal basis,
//! a document — keeps its own code), when to try again, and which members are at fault.

use crate::invalid::FieldError;
use crate::problem::{ApiError, ProblemKind};
use schakel_store::StoreError;

impl ApiError {
    /// The problem kind a client sees.
    pub fn kind(&self) -> ProblemKind {
        match self {
            ApiError::NotFound | ApiError::Store(StoreError::NotFound) => ProblemKind::NotFound,
            ApiError::Problem(kind) => *kind,
            ApiError::Invalid(_) => ProblemKind::InvalidBody,
            ApiError::Store(StoreError::Conflict(_)) => ProblemKind::Conflict,
            ApiError::Store(e @ (StoreError::Connection(_) | StoreError::StorageFull(_))) => {
                store_kind(e)
            }
            ApiError::Auth(e) => auth_kind(e),
            ApiError::UseCase(e) => use_case_kind(e),
            ApiError::Store(_) | ApiError::Blocking(_) | ApiError::Internal(_) => {
                ProblemKind::Internal
            }
        }
    }

    /// When to try again, for an answer that says so (`Retry-After`, seconds).
    pub fn retry_after(&self) -> Option<u64> {
        use schakel_auth::AuthError as A;
        match self {
            ApiError::Auth(A::Busy { retry_after_secs }) => Some(*retry_after_secs),
            ApiError::Auth(A::Throttled { retry_after_secs }) => {
                Some(u64::try_from(*retry_after_secs).unwrap_or(1))
            }
            _ => None,
        }
    }

    /// The members at fault that the problem names: the member of `Invalid`, or the
    /// field a use case found not valid.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            ApiError::Invalid(f) => vec![f.clone()],
            ApiError::UseCase(schakel_auth::UseCaseError::Invalid(name)) => {
                FieldError::of_use_case(name).into_iter().collect()
            }
            _ => Vec::new(),
        }
    }
}

pub(crate) fn auth_kind(e: &schakel_auth::AuthError) -> ProblemKind {
    use schakel_auth::AuthError as A;
    use schakel_auth::password::Rejection as R;
    match e {
        A::InvalidCredentials => ProblemKind::InvalidCredentials,
        A::InvalidToken => ProblemKind::Unauthorized,
        A::InvalidCode => ProblemKind::InvalidCode,
        A::PasswordRejected(R::TooShort) => ProblemKind::PasswordTooShort,
        A::PasswordRejected(R::TooLong) => ProblemKind::PasswordTooLong,
        A::PasswordRejected(R::Guessable) => ProblemKind::PasswordGuessable,
        A::PasswordRejected(R::ContainsContext) => ProblemKind::PasswordContainsContext,
        A::Throttled { .. } => ProblemKind::TooManyRequests,
        A::Busy { .. } => ProblemKind::Busy,
        A::NoSecondFactor => ProblemKind::Conflict,
        A::Store(StoreError::NotFound) => ProblemKind::NotFound,
        A::Store(e) => store_kind(e),
        A::Setup(_) | A::Audit(_) => ProblemKind::Internal,
    }
}

/// The one mapping of a use case's error to what a client sees.
pub(crate) fn use_case_kind(e: &schakel_auth::UseCaseError) -> ProblemKind {
    use schakel_auth::{Conflict as C, UseCaseError as U};
    match e {
        U::Forbidden => ProblemKind::Forbidden,
        U::NotFound => ProblemKind::NotFound,
        U::Denied(d) if d.hide => ProblemKind::NotFound,
        U::Denied(_) => ProblemKind::Forbidden,
        U::Conflict(C::KindLocked) => ProblemKind::AgencyKindLocked,
        U::Conflict(C::NoteFixed) => ProblemKind::NoteFixed,
        U::Conflict(C::DocumentPending) => ProblemKind::DocumentPending,
        U::Conflict(C::DocumentQuarantined) => ProblemKind::DocumentQuarantined,
        U::Conflict(C::DocumentGone) => ProblemKind::DocumentGone,
        U::Conflict(C::EmergencyNotNeeded) => ProblemKind::EmergencyAccessNotNeeded,
        U::Conflict(C::AlreadyReviewed) => ProblemKind::AlreadyReviewed,
        U::Conflict(C::RequestPending) => ProblemKind::RequestPending,
        U::Conflict(C::OwnRequest) => ProblemKind::OwnRequest,
        U::Conflict(C::RequestClosed) => ProblemKind::RequestClosed,
        U::Conflict(C::CaseRestricted) => ProblemKind::CaseRestricted,
        U::Conflict(C::RetentionDuty) => ProblemKind::RetentionDuty,
        U::Conflict(C::AlreadyReferred) => ProblemKind::AlreadyReferred,
        U::Conflict(C::NoEarlierStep) => ProblemKind::NoEarlierStep,
        U::Conflict(_) => ProblemKind::Conflict,
        U::VersionRequired => ProblemKind::PreconditionRequired,
        U::VersionMismatch => ProblemKind::PreconditionFailed,
        U::IdempotencyMismatch => ProblemKind::IdempotencyKeyReused,
        U::Invalid(_) => ProblemKind::InvalidBody,
        U::Refused(r) => refusal_kind(*r),
        U::Auth(e) => auth_kind(e),
        U::Store(e) => store_kind(e),
        U::IdempotencyRace | U::Audit(_) | U::Crypto(_) | U::Encoding(_) => ProblemKind::Internal,
    }
}

/// A database failure as a client sees it: an outage or full storage is the service's
/// state, not a fault of the request; anything else is internal.
fn store_kind(e: &StoreError) -> ProblemKind {
    match e {
        StoreError::NotFound => ProblemKind::NotFound,
        StoreError::Connection(_) => ProblemKind::Unavailable,
        StoreError::StorageFull(_) => ProblemKind::StorageFull,
        _ => ProblemKind::Internal,
    }
}

fn refusal_kind(r: schakel_referral_workflow::Refusal) -> ProblemKind {
    use schakel_referral_workflow::Refusal as R;
    match r {
        R::UnknownCountry => ProblemKind::UnknownCountry,
        R::LegalBasisNotApplicable => ProblemKind::LegalBasisNotApplicable,
        R::DocumentType => ProblemKind::DocumentType,
        R::DocumentTooLarge => ProblemKind::DocumentTooLarge,
        R::ExportTooLarge => ProblemKind::ExportTooLarge,
    }
}
