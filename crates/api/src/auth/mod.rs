//! Authentication over HTTP: the client address, the actor extractors and the `/auth`
//! and `/me` handlers (the shared auth state is `state::AuthState`).

pub(crate) mod client_token;
mod extract;
pub(crate) mod handlers;
pub(crate) mod invitation;
mod link;
pub(crate) mod mfa;
pub(crate) mod recovery;
pub(crate) mod recovery_codes;
pub(crate) mod sessions;

pub use crate::state::client_ip;
pub use crate::state::{AuthState, ClientLimit, RateLimit};
pub use extract::{CurrentActor, PendingActor, request_context};
pub(crate) use handlers::{configure, configure_me};
