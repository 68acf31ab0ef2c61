//! `POST /api/v1/auth/token`: an external system's client credentials (OAuth 2.0,
//! RFC 6749 §4.4) for an access token. The id and secret come as form fields
//! (`client_id`, `client_secret`) or by HTTP Basic; the answer is the token in OAuth's
//! shape, a refusal a problem (`invalid_client`, `unsupported_grant_type`).

use super::request_context;
use crate::blocking::blocking;
use crate::{ApiError, AppState, ProblemKind};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use schakel_auth::AuthError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The longest id or secret read (a secret is 43 characters).
const MAX_CREDENTIAL_BYTES: usize = 256;

/// The token request, as a form (`application/x-www-form-urlencoded`); a `scope` is
/// ignored (a client's rights are those of its account's role).
#[derive(Deserialize, ToSchema)]
pub struct ClientTokenRequest {
    /// Always `client_credentials` (another grant is `400 unsupported_grant_type`).
    #[schema(example = "client_credentials", pattern = "^client_credentials$")]
    pub grant_type: String,
    /// The client account's id (or by HTTP Basic).
    pub client_id: Option<String>,
    /// The client secret (or by HTTP Basic).
    #[schema(format = Password)]
    pub client_secret: Option<String>,
}

/// Secrets never reach logs or panics.
impl std::fmt::Debug for ClientTokenRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientTokenRequest").finish_non_exhaustive()
    }
}

/// An access token for a client.
#[derive(Serialize, ToSchema)]
pub struct ClientTokenResponse {
    /// For `Authorization: Bearer`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until it expires; then ask again.
    pub expires_in: i64,
}

/// Secrets never reach logs or panics.
impl std::fmt::Debug for ClientTokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientTokenResponse")
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// The id and secret of HTTP Basic, if the request carries it.
fn basic(req: &HttpRequest) -> Option<(String, String)> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// An access token for an external system's account.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth",
    request_body(content = ClientTokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "An access token (no refresh token: ask again when it expires)", body = ClientTokenResponse),
        (status = 400, description = "Not the `client_credentials` grant (`unsupported_grant_type`), or the form is not readable", content_type = "application/problem+json", body = crate::problem::Problem),
        (status = 401, description = "Wrong id or secret, or a deactivated client (`invalid_client`, the same answer whatever the cause)", content_type = "application/problem+json", body = crate::problem::Problem),
        (status = 429, description = "Too many requests from this client", content_type = "application/problem+json", body = crate::problem::Problem),
    ))]
pub async fn client_token_handler(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<ClientTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let form = form.into_inner();
    if form.grant_type != "client_credentials" {
        return Err(ApiError::Problem(ProblemKind::UnsupportedGrantType));
    }
    let (id, secret) = match (basic(&req), form.client_id, form.client_secret) {
        (Some(pair), None, None) => pair,
        (None, Some(id), Some(secret)) => (id, secret),
        _ => return Err(ApiError::Problem(ProblemKind::InvalidClient)),
    };
    if id.len() > MAX_CREDENTIAL_BYTES || secret.len() > MAX_CREDENTIAL_BYTES {
        return Err(ApiError::Problem(ProblemKind::InvalidClient));
    }
    let auth = state.auth.clone();
    let token = blocking(&state, move |conn, now| {
        let pair = (id.as_str(), secret.as_str());
        match schakel_auth::clients::exchange(conn, &auth.keyring, &auth.config, pair, &ctx, now) {
            Err(AuthError::InvalidCredentials) => {
                Err(ApiError::Problem(ProblemKind::InvalidClient))
            }
            other => Ok(other?),
        }
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ClientTokenResponse {
            access_token: token.access_token,
            token_type: "Bearer",
            expires_in: token.expires_in,
        }))
}

/// Form errors as problems: a body that is not the form is 400, too large 413.
pub(crate) fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(4096)
        .error_handler(|err, _| {
            let kind = match err {
                actix_web::error::UrlencodedError::Overflow { .. } => ProblemKind::PayloadTooLarge,
                actix_web::error::UrlencodedError::ContentType => ProblemKind::UnsupportedMediaType,
                _ => ProblemKind::BadRequest,
            };
            ApiError::Problem(kind).into()
        })
}
