//! What can go wrong in a use case: the platform's one use-case error, shared with
//! administration (see `schakel_auth::usecase`), re-exported here for the case-work
//! callers.

pub use schakel_auth::usecase::{Conflict, Denial, Refusal, UseCaseError};
