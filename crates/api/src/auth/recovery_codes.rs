//! `GET /api/v1/me/recovery-codes` and `POST /api/v1/me/recovery-codes`: how many of
//! one's one-time recovery codes are left, and ten new ones (replacing all the old),
//! shown once. A recovery code is given at `/auth/mfa/verify` in place of the app's.

use super::CurrentActor;
use super::request_context;
use crate::blocking::blocking;
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_auth::recovery_codes;
use serde::Serialize;
use utoipa::ToSchema;

/// How many recovery codes are left.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodesLeft {
    /// Whether the account has a confirmed authenticator (without one there are no
    /// codes).
    pub second_factor: bool,
    /// Unused codes.
    pub left: i64,
}

/// New recovery codes, shown this once.
#[derive(Serialize, ToSchema)]
pub struct RecoveryCodes {
    /// Ten codes, each accepted once in place of a code from the app.
    pub recovery_codes: Vec<String>,
}

/// Secrets (passwords, tokens, codes, enrolment URIs) never reach logs or panics.
impl std::fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecoveryCodes").finish_non_exhaustive()
    }
}

/// How many of one's recovery codes are unused.
#[utoipa::path(get, path = "/api/v1/me/recovery-codes", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Codes left", body = RecoveryCodesLeft),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn left_handler(
    state: web::Data<AppState>,
    who: CurrentActor,
) -> Result<HttpResponse, ApiError> {
    let left = blocking(&state, move |conn, _| {
        recovery_codes::left(conn, &who.0).map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(RecoveryCodesLeft {
        second_factor: left.is_some(),
        left: left.unwrap_or(0),
    }))
}

/// Ten new recovery codes, replacing every earlier one; shown only in this answer
/// (audited as `auth.recovery_codes_issue`). `409` without a confirmed authenticator.
#[utoipa::path(post, path = "/api/v1/me/recovery-codes", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new codes", body = RecoveryCodes),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "No confirmed authenticator", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn issue_handler(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: CurrentActor,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let codes = blocking(&state, move |conn, now| {
        recovery_codes::issue(conn, &who.0, &ctx, now).map_err(ApiError::from)
    })
    .await?;
    let mut res = HttpResponse::Created();
    // Shown once: no cache keeps them.
    res.insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"));
    Ok(res.json(RecoveryCodes {
        recovery_codes: codes.0,
    }))
}
