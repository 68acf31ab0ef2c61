//! `/api/v1/auth/password-reset`: asking for a recovery link by email, and choosing a
//! new password with it.

use super::link::choose_password;
use super::request_context;
use crate::blocking::blocking;
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_auth::{request_password_reset, reset_password};
use serde::Deserialize;
use utoipa::ToSchema;

/// The address of the account whose password is forgotten.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    /// Work email address.
    #[schema(max_length = 254)]
    pub email: String,
}

/// Ask for a password-recovery link. The answer is the same whether or not the address
/// belongs to an active account; only then does an email with a single-use link go out.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = ResetRequest,
    responses(
        (status = 202, description = "If the address belongs to an active account, a link is on its way"),
        (status = 422, description = "The address is longer than 254 characters", content_type = "application/problem+json", body = Problem),
        (status = 429, description = "Too many requests from this client", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn request_reset_handler(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: crate::body::Body<ResetRequest>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let b = body.into_inner()?;
    if b.email.chars().count() > 254 {
        let long = crate::invalid::FieldError::named("email", "expected at most 254 characters");
        return Err(ApiError::Invalid(long));
    }
    let auth = state.auth.clone();
    blocking(&state, move |conn, now| {
        Ok(request_password_reset(
            conn,
            &auth.config,
            &b.email,
            &ctx,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// The recovery token and the new password.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteResetRequest {
    /// The token from the recovery email.
    #[schema(max_length = 256)]
    pub token: String,
    /// The new password: 15 to 128 characters, not guessable.
    #[schema(max_length = 1024, format = Password)]
    pub password: String,
}

/// Secrets (passwords, tokens, codes, enrolment URIs) never reach logs or panics.
impl std::fmt::Debug for CompleteResetRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompleteResetRequest")
            .finish_non_exhaustive()
    }
}

/// Choose a new password with a recovery link. Every session of the account ends; the
/// next login still asks for the authenticator code.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/complete", tag = "auth", request_body = CompleteResetRequest,
    responses(
        (status = 204, description = "The new password is set"),
        (status = 401, description = "The link is unknown, used or expired (the same answer for all)", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "The password is refused; `type` says why", content_type = "application/problem+json", body = Problem),
        (status = 429, description = "Too many requests from this client", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn complete_reset_handler(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: crate::body::Body<CompleteResetRequest>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let b = body.into_inner()?;
    choose_password(
        &state,
        b.token,
        b.password,
        move |conn, token, password, now| reset_password(conn, token, password, &ctx, now),
    )
    .await
}
