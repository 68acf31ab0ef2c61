//! `/api/v1/auth/mfa/*`: enrolling an authenticator app (or replacing one, with the
//! password) and giving the second factor.

use super::{PendingActor, request_context};
use crate::blocking::blocking;
use crate::{ApiError, AppState, ProblemKind};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_auth::login;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An authenticator enrolment.
#[derive(Serialize, ToSchema)]
pub struct EnrolResponse {
    /// The `otpauth://` URI for the authenticator app (show it as a QR code).
    pub otpauth_uri: String,
}

/// Secrets (passwords, tokens, codes, enrolment URIs) never reach logs or panics.
impl std::fmt::Debug for EnrolResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnrolResponse").finish_non_exhaustive()
    }
}

/// The proof needed to replace a confirmed authenticator.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    /// The account's current password.
    #[schema(max_length = 1024, format = Password)]
    pub password: String,
}

impl std::fmt::Debug for EnrolRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnrolRequest").finish_non_exhaustive()
    }
}

/// Start enrolling an authenticator app; confirm with a code at `/auth/mfa/verify`.
/// Replacing a confirmed authenticator needs a complete session and the current
/// password; the old app stays in force until a code from the new one is given.
#[utoipa::path(post, path = "/api/v1/auth/mfa/enrol", tag = "auth",
    request_body(content = Option<EnrolRequest>, description = "Only to replace a confirmed authenticator"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The enrolment URI", body = EnrolResponse),
        (status = 401, description = "No live session; or an authenticator is enrolled and this session has not used it (`invalid_code`), or the password is missing or wrong (`invalid_credentials`)", content_type = "application/problem+json", body = crate::problem::Problem),
    ))]
pub async fn enrol_handler(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: PendingActor,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    // The body is optional: absent, or JSON `null`, means no password is given.
    let value: serde_json::Value = if body.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&body).map_err(|_| ApiError::Problem(ProblemKind::MalformedJson))?
    };
    let password = if value.is_null() {
        None
    } else {
        let b: EnrolRequest = crate::problem::from_json(&value)?;
        if b.password.len() > super::link::MAX_PASSWORD_BYTES {
            return Err(ApiError::Problem(ProblemKind::InvalidCredentials));
        }
        Some(SecretString::from(b.password))
    };
    let _ticket = match password {
        Some(_) => Some(state.auth.hashing.admit_or_busy()?),
        None => None,
    };
    let auth = state.auth.clone();
    let uri = blocking(&state, move |conn, now| {
        let session = who.0.actor.session_id;
        login::begin_totp_enrolment(conn, &auth.config, session, password.as_ref(), &ctx, now)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(EnrolResponse { otpauth_uri: uri }))
}

/// A one-time code.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// Six digits from the authenticator app, or one of the account's recovery codes
    /// (sixteen characters, dashes and spaces ignored), each accepted once.
    #[schema(
        min_length = 6,
        max_length = 24,
        pattern = "^([0-9]{6}|[0-9A-Za-z -]{16,24})$",
        example = "123456"
    )]
    pub code: String,
}

/// Secrets (passwords, tokens, codes, enrolment URIs) never reach logs or panics.
impl std::fmt::Debug for CodeRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeRequest").finish_non_exhaustive()
    }
}

/// Give the second factor for this session (and confirm a new enrolment). Confirming
/// the account's first authenticator answers its ten recovery codes, this once.
#[utoipa::path(post, path = "/api/v1/auth/mfa/verify", tag = "auth", request_body = CodeRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The session is complete and the first authenticator confirmed: its recovery codes", body = super::recovery_codes::RecoveryCodes),
        (status = 204, description = "The session is complete"),
        (status = 401, description = "Wrong or reused code, or no live session", content_type = "application/problem+json", body = crate::problem::Problem),
    ))]
pub async fn verify_handler(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: PendingActor,
    body: crate::body::Body<CodeRequest>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let code = body.into_inner()?.code;
    let auth = state.auth.clone();
    let actor = who.0.actor;
    let codes = blocking(&state, move |conn, now| {
        let first = schakel_auth::recovery_codes::left(conn, &actor)?.is_none();
        login::verify_totp(conn, &auth.config, actor.session_id, &code, &ctx, now)?;
        if !first {
            return Ok(None);
        }
        Ok(Some(schakel_auth::recovery_codes::issue(
            conn, &actor, &ctx, now,
        )?))
    })
    .await?;
    Ok(match codes {
        Some(codes) => HttpResponse::Ok()
            .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
            .json(super::recovery_codes::RecoveryCodes {
                recovery_codes: codes.0,
            }),
        None => HttpResponse::NoContent().finish(),
    })
}
