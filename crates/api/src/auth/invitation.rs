//! Accepting an invitation: the invited user chooses a first password with the token
//! from the invitation email, before any sign-in.

use super::link::choose_password;
use super::request_context;
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_auth::admin::users as uc;
use serde::Deserialize;
use utoipa::ToSchema;

/// The invitation token and the first password.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitationRequest {
    /// The token from the invitation email.
    #[schema(max_length = 256)]
    pub token: String,
    /// The password: 15 to 128 characters, not guessable.
    #[schema(max_length = 1024, format = Password)]
    pub password: String,
}

/// Secrets (passwords, tokens, codes, enrolment URIs) never reach logs or panics.
impl std::fmt::Debug for AcceptInvitationRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AcceptInvitationRequest")
            .finish_non_exhaustive()
    }
}

/// Accept an invitation by choosing a password; sign in afterwards (and enrol an
/// authenticator app).
#[utoipa::path(post, path = "/api/v1/auth/invitation", tag = "auth", request_body = AcceptInvitationRequest,
    responses(
        (status = 204, description = "The password is set"),
        (status = 401, description = "The invitation is unknown, used or expired (the same answer for all)", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "The password is refused; `type` says why", content_type = "application/problem+json", body = Problem),
        (status = 429, description = "Too many requests from this client", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn accept_invitation_handler(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: crate::body::Body<AcceptInvitationRequest>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let b = body.into_inner()?;
    choose_password(
        &state,
        b.token,
        b.password,
        move |conn, token, password, now| uc::accept_invitation(conn, token, password, &ctx, now),
    )
    .await
}
