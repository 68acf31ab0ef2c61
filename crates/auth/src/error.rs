//! Authentication errors.
//!
//! Policy: variants say what happened so the API can answer precisely — but every
//! credential failure that could tell an attacker whether an account exists is one
//! variant, [`AuthError::InvalidCredentials`], whatever the cause.

use thiserror::Error;

/// What went wrong while authenticating.
#[derive(Debug, Error)]
pub enum AuthError {
    /// Unknown user, wrong password, deactivated or locked account: one answer for all.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// A token that is malformed, forged, expired or of the wrong kind.
    #[error("invalid token")]
    InvalidToken,
    /// A one-time code that is wrong or already used.
    #[error("invalid one-time code")]
    InvalidCode,
    /// The chosen password does not meet the policy.
    #[error("password rejected: {0}")]
    PasswordRejected(Rejection),
    /// Too many attempts; try again after the given number of seconds.
    #[error("too many attempts")]
    Throttled {
        /// Seconds until another attempt is considered.
        retry_after_secs: i64,
    },
    /// Every hashing thread is busy and the queue before them is full: try again after
    /// the given number of seconds (nothing was read or counted).
    #[error("password hashing is busy")]
    Busy {
        /// Seconds until another attempt is worth it.
        retry_after_secs: u64,
    },
    /// The account has no confirmed second factor to recover (recovery codes).
    #[error("no second factor enrolled")]
    NoSecondFactor,
    /// Keys or parameters are wrong: a configuration problem, not the user's.
    #[error("authentication setup: {0}")]
    Setup(String),
    /// The audit entry could not be written: the whole request fails.
    #[error("audit: {0}")]
    Audit(String),
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] schakel_store::StoreError),
}

/// Why a chosen password is refused; shown to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// Fewer than 15 characters.
    #[error("use at least 15 characters")]
    TooShort,
    /// More than 128 characters.
    #[error("use at most 128 characters")]
    TooLong,
    /// Contains the user's email, name or agency, or the product name.
    #[error("do not use your name, email address, agency or the product name")]
    ContainsContext,
    /// Too easy to guess (common words, patterns, leaked lists).
    #[error("this password is too easy to guess; a few unrelated words make a strong one")]
    Guessable,
}
