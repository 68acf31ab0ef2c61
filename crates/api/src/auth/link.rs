//! Choosing a password with a one-time link (an invitation or a recovery link): the
//! checks both share before the use case runs, and the bound on password hashes
//! computed at once.

use crate::blocking::blocking;
use crate::{ApiError, AppState, ProblemKind};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use schakel_auth::AuthError;
use schakel_store::DbConn;
use secrecy::SecretString;

/// The longest link token accepted; a longer one is no token of ours.
const MAX_TOKEN_BYTES: usize = 256;
/// The longest password accepted before the policy is asked (argon2 input bound).
pub(crate) const MAX_PASSWORD_BYTES: usize = 1024;

/// Runs `use_case` with the link's token and the chosen password once both have a
/// plausible length and a hashing slot is free; answers `204` when it succeeds.
pub(crate) async fn choose_password<F>(
    state: &web::Data<AppState>,
    token: String,
    password: String,
    use_case: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut DbConn, &str, &SecretString, DateTime<Utc>) -> Result<(), AuthError>
        + Send
        + 'static,
{
    if token.len() > MAX_TOKEN_BYTES {
        return Err(ApiError::Problem(ProblemKind::InvalidCredentials));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::Problem(ProblemKind::PasswordTooLong));
    }
    let password = SecretString::from(password);
    let _ticket = state.auth.hashing.admit_or_busy()?;
    blocking(state, move |conn, now| {
        Ok(use_case(conn, &token, &password, now)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
