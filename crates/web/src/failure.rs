//! How a use case or a page's own reading ended, as far as a page cares: the one mapping
//! of every error a page meets (a use case's, the platform's, the store's, a monitor
//! table's, the blocking pool's) to what the page answers — 404, 403, a form with a
//! message, a conflict, the page's own failure (500, logged, never shown) or the database
//! unavailable or full (the 503 page that says nothing was saved).

use crate::pages::{Nav, internal, not_found};
use crate::session::Viewer;
use actix_web::HttpResponse;
use schakel_referral_workflow::{Refusal, UseCaseError};

/// How a use case ended, as far as a page cares.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Not there, or not for this viewer: 404.
    Hidden,
    /// The role may not do this: 403.
    Forbidden,
    /// A field is not valid (its name).
    Invalid(&'static str),
    /// The state does not allow it now, or it changed meanwhile.
    Conflict(Option<schakel_referral_workflow::Conflict>),
    /// The page failed (logged, never shown).
    Internal(String),
    /// The database cannot be reached, or its storage is full: nothing was saved (503,
    /// logged).
    Unavailable(String),
}

/// The web's one mapping of a use case's error to what a page does with it.
impl From<UseCaseError> for Failure {
    fn from(e: UseCaseError) -> Failure {
        match e {
            UseCaseError::Denied(d) if d.hide => Failure::Hidden,
            UseCaseError::NotFound => Failure::Hidden,
            UseCaseError::Denied(_) | UseCaseError::Forbidden => Failure::Forbidden,
            UseCaseError::Invalid(f) => Failure::Invalid(f),
            UseCaseError::Refused(Refusal::LegalBasisNotApplicable) => {
                Failure::Invalid("legal_basis_not_applicable")
            }
            UseCaseError::Refused(r) => Failure::Invalid(r.field()),
            UseCaseError::Conflict(c) => Failure::Conflict(Some(c)),
            UseCaseError::VersionMismatch
            | UseCaseError::VersionRequired
            | UseCaseError::IdempotencyMismatch
            | UseCaseError::IdempotencyRace => Failure::Conflict(None),
            UseCaseError::Store(e) if e.is_unavailable() => Failure::Unavailable(e.to_string()),
            other => Failure::Internal(other.to_string()),
        }
    }
}

/// A store's failure outside a use case (taking a connection, a monitor's query): the
/// database unavailable, or the page's own failure.
impl From<schakel_store::StoreError> for Failure {
    fn from(e: schakel_store::StoreError) -> Failure {
        if e.is_unavailable() {
            Failure::Unavailable(e.to_string())
        } else {
            Failure::Internal(e.to_string())
        }
    }
}

/// A failure of the platform's own use cases (sign-in, sessions, passwords) that no
/// form answers: as its store failed, else the page's own.
impl From<schakel_auth::AuthError> for Failure {
    fn from(e: schakel_auth::AuthError) -> Failure {
        match e {
            schakel_auth::AuthError::Store(s) => Failure::from(s),
            other => Failure::Internal(other.to_string()),
        }
    }
}

/// A monitor's table that could not be made: as its store failed, else the page's own.
impl From<schakel_monitor::QueryError> for Failure {
    fn from(e: schakel_monitor::QueryError) -> Failure {
        match e {
            schakel_monitor::QueryError::Store(s) => Failure::from(s),
            other => Failure::Internal(other.to_string()),
        }
    }
}

/// The blocking pool could not run the work: the page's own failure.
impl From<actix_web::error::BlockingError> for Failure {
    fn from(e: actix_web::error::BlockingError) -> Failure {
        Failure::Internal(e.to_string())
    }
}

impl Failure {
    /// What to log of a failure a page does not answer itself.
    pub(crate) fn message(self) -> String {
        match self {
            Failure::Internal(e) | Failure::Unavailable(e) => e,
            other => format!("{other:?}"),
        }
    }

    /// The page of a failure on a page for anyone (signing in, a link from an email):
    /// the database unavailable, or the page's own failure.
    pub(crate) fn anonymous_page(self, t: crate::i18n::Texts) -> HttpResponse {
        match self {
            Failure::Unavailable(e) => crate::pages::unavailable(t, None, &e),
            other => internal(&other.message()),
        }
    }

    /// The page of a failure no form can answer better.
    pub(crate) fn page(self, v: &Viewer) -> HttpResponse {
        match self {
            Failure::Hidden => not_found(v.texts(), Some(Nav::of(v))),
            Failure::Forbidden => crate::pages::forbidden(v.texts(), Some(Nav::of(v))),
            Failure::Internal(e) => internal(&e),
            Failure::Unavailable(e) => crate::pages::unavailable(v.texts(), Some(Nav::of(v)), &e),
            Failure::Invalid(_) | Failure::Conflict(_) => {
                crate::pages::conflict(v.texts(), Some(Nav::of(v)))
            }
        }
    }
}
