//! `/api/v1/auth/*` and `/api/v1/me`: login, refresh, logout, one's own account and
//! password (the second factor's handlers are in `mfa`).

use super::{CurrentActor, PendingActor, request_context};
use crate::blocking::blocking;
use crate::{ApiError, AppState, ProblemKind};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_auth::login::MfaState;
use schakel_auth::session::{self, Tokens};
use schakel_auth::{account, login};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Email and password.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The account's email address.
    #[schema(max_length = 254, example = "anna@gemeente.example")]
    pub email: String,
    /// The password.
    #[schema(max_length = 1024, format = Password)]
    pub password: String,
}

/// Secrets (passwords, tokens, codes, enrolment URIs) never reach logs or panics.
impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest").finish_non_exhaustive()
    }
}

/// A session's tokens.
#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// The access token, for `Authorization: Bearer`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// The refresh token; exchange it at `/auth/refresh` (once).
    pub refresh_token: String,
    /// What the session still needs: `none`, `verify` (a code) or `enrol` (an
    /// authenticator, then a code).
    #[schema(example = "verify")]
    pub mfa: &'static str,
}

/// Secrets (passwords, tokens, codes, enrolment URIs) never reach logs or panics.
impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("mfa", &self.mfa)
            .finish_non_exhaustive()
    }
}

fn tokens_response(t: Tokens) -> TokenResponse {
    let mfa = match t.mfa {
        MfaState::Done => "none",
        MfaState::Verify => "verify",
        MfaState::Enrol => "enrol",
    };
    TokenResponse {
        access_token: t.access_token,
        token_type: "Bearer",
        expires_in: t.expires_in,
        refresh_token: t.refresh_token,
        mfa,
    }
}

/// Log in with email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "A session; see `mfa` for what it still needs", body = TokenResponse),
        (status = 401, description = "Wrong email or password (the same answer whatever the cause)", content_type = "application/problem+json", body = crate::problem::Problem),
        (status = 429, description = "Too many requests from this client", content_type = "application/problem+json", body = crate::problem::Problem),
    ))]
pub async fn login_handler(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: crate::body::Body<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let body = body.into_inner()?;
    if body.email.len() > 254 || body.password.len() > super::link::MAX_PASSWORD_BYTES {
        return Err(ApiError::Problem(ProblemKind::InvalidCredentials));
    }
    let password = SecretString::from(body.password);
    // Admitted before anything is read or counted: a full queue answers 503 at once.
    let ticket = state.auth.hashing.admit_or_busy()?;
    // A free hashing thread first: no more attempts are counted ahead than are checked.
    let turn = state.auth.hashing.turn(&ticket).await?;
    let auth = state.auth.clone();
    let attempt = blocking(&state, move |conn, now| {
        Ok(login::begin(conn, &auth.config, &body.email, now)?)
    })
    .await?;
    // The check runs on the hashing threads, holding no connection.
    let (attempt, checked) = state
        .auth
        .hashing
        .run(ticket, move || {
            let checked = attempt.check(&password);
            (attempt, checked)
        })
        .await?;
    drop(turn);
    let checked = checked?;
    let auth = state.auth.clone();
    let done = blocking(&state, move |conn, now| {
        let ok = login::finish(conn, &auth.config, attempt, checked, &ctx, now)?;
        let access = session::access_token(&auth.keyring, &auth.config, &ok.session, now)?;
        Ok((ok, access))
    })
    .await?;
    let (ok, access) = done;
    let tokens = Tokens {
        access_token: access,
        expires_in: state.auth.config.access_ttl_secs,
        refresh_token: ok.refresh_token,
        mfa: ok.mfa,
    };
    Ok(HttpResponse::Ok().json(tokens_response(tokens)))
}

/// A refresh token.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token of the last login or refresh.
    #[schema(max_length = 256)]
    pub refresh_token: String,
}

/// Secrets (passwords, tokens, codes, enrolment URIs) never reach logs or panics.
impl std::fmt::Debug for RefreshRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshRequest").finish_non_exhaustive()
    }
}

/// Exchange a refresh token for new tokens; a spent one ends the session.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 401, description = "Unknown, spent or expired refresh token", content_type = "application/problem+json", body = crate::problem::Problem),
    ))]
pub async fn refresh_handler(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: crate::body::Body<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let token = body.into_inner()?.refresh_token;
    let auth = state.auth.clone();
    let tokens = blocking(&state, move |conn, now| {
        session::refresh(conn, &auth.keyring, &auth.config, &token, &ctx, now)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(tokens_response(tokens)))
}

/// End this session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The session has ended"),
        (status = 401, description = "No live session", content_type = "application/problem+json", body = crate::problem::Problem),
    ))]
pub async fn logout_handler(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: PendingActor,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    blocking(&state, move |conn, now| {
        session::logout(conn, &who.0.actor, &ctx, now).map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The agency of the signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeAgency {
    /// Agency id.
    pub id: schakel_domain::AgencyId,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: schakel_domain::AgencyKind,
    /// Region.
    pub region: schakel_domain::Region,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    /// User id.
    pub id: schakel_domain::UserId,
    /// Email address.
    pub email: String,
    /// Name shown to colleagues.
    pub display_name: String,
    /// Role.
    pub role: schakel_domain::Role,
    /// Preferred language (`en` or `nl`).
    pub locale: String,
    /// How notifications arrive: `immediate`, or `digest` (once a day).
    pub notify: String,
    /// The user's agency.
    pub agency: MeAgency,
}

/// The signed-in user and their agency.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = MeResponse),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = crate::problem::Problem),
    ))]
pub async fn me_handler(
    state: web::Data<AppState>,
    who: CurrentActor,
) -> Result<HttpResponse, ApiError> {
    let account::SignedIn {
        account: user,
        agency,
    } = blocking(&state, move |conn, _now| {
        account::signed_in(conn, &who.0).map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(MeResponse {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        role: user.role,
        locale: user.locale,
        notify: user.notify,
        agency: MeAgency {
            id: agency.id,
            name: agency.name,
            kind: agency.kind,
            region: agency.region,
        },
    }))
}

/// A language.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Locale {
    /// English.
    En,
    /// Dutch.
    Nl,
}

/// How notifications arrive.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotifyPreference {
    /// One email per event.
    Immediate,
    /// One email a day with everything since the last.
    Digest,
}

/// Changes to one's preferences; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesRequest {
    /// Language of emails and pages.
    pub locale: Option<Locale>,
    /// How notifications arrive.
    pub notify: Option<NotifyPreference>,
}

/// Set one's language and how notifications arrive.
#[utoipa::path(patch, path = "/api/v1/me", tag = "auth", request_body = PreferencesRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user, changed", body = MeResponse),
    ))]
pub async fn preferences_handler(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: CurrentActor,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    // Only an object: serde would also read the two fields from an array.
    let b: PreferencesRequest = crate::problem::from_json(&body.into_inner())?;
    let locale = b.locale.map(|l| match l {
        Locale::En => "en",
        Locale::Nl => "nl",
    });
    let notify = b.notify.map(|n| match n {
        NotifyPreference::Immediate => "immediate",
        NotifyPreference::Digest => "digest",
    });
    let actor = who.0;
    blocking(&state, move |conn, now| {
        account::set_preferences(conn, &actor, locale, notify, &ctx, now).map_err(ApiError::from)
    })
    .await?;
    me_handler(state, CurrentActor(actor)).await
}

/// The current and the new password.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeRequest {
    /// The current password.
    #[schema(max_length = 1024, format = Password)]
    pub current_password: String,
    /// The new password: 15 to 128 characters, not guessable.
    #[schema(max_length = 1024, format = Password)]
    pub new_password: String,
}

/// Secrets (passwords, tokens, codes, enrolment URIs) never reach logs or panics.
impl std::fmt::Debug for PasswordChangeRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordChangeRequest")
            .finish_non_exhaustive()
    }
}

/// Change one's password; every other session ends.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth", request_body = PasswordChangeRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Changed"),
        (status = 401, description = "Wrong current password, or no complete session", content_type = "application/problem+json", body = crate::problem::Problem),
        (status = 422, description = "The new password is refused; `type` says why", content_type = "application/problem+json", body = crate::problem::Problem),
    ))]
pub async fn change_password_handler(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: CurrentActor,
    body: crate::body::Body<PasswordChangeRequest>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let body = body.into_inner()?;
    if body.current_password.len() > super::link::MAX_PASSWORD_BYTES
        || body.new_password.len() > super::link::MAX_PASSWORD_BYTES
    {
        return Err(ApiError::Problem(ProblemKind::PasswordTooLong));
    }
    let current = SecretString::from(body.current_password);
    let new = SecretString::from(body.new_password);
    let _ticket = state.auth.hashing.admit_or_busy()?;
    let auth = state.auth.clone();
    blocking(&state, move |conn, now| {
        account::change_password(conn, &auth.config, &who.0, &current, &new, &ctx, now)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The `/auth` routes, behind the per-client rate limit.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/login").route(web::post().to(login_handler)))
        .service(
            web::resource("/token")
                .app_data(super::client_token::form_config())
                .route(web::post().to(super::client_token::client_token_handler)),
        )
        .service(web::resource("/refresh").route(web::post().to(refresh_handler)))
        .service(web::resource("/logout").route(web::post().to(logout_handler)))
        .service(web::resource("/mfa/enrol").route(web::post().to(super::mfa::enrol_handler)))
        .service(web::resource("/mfa/verify").route(web::post().to(super::mfa::verify_handler)))
        .service(
            web::resource("/invitation")
                .route(web::post().to(super::invitation::accept_invitation_handler)),
        )
        .service(
            web::resource("/password-reset")
                .route(web::post().to(super::recovery::request_reset_handler)),
        )
        .service(
            web::resource("/password-reset/complete")
                .route(web::post().to(super::recovery::complete_reset_handler)),
        );
}

/// The `/me` routes; the password change, which checks a password, behind the per-client
/// rate limit of `/auth`.
pub(crate) fn configure_me(cfg: &mut web::ServiceConfig, rate_limit: &super::RateLimit) {
    cfg.service(
        web::resource("/me")
            .route(web::get().to(me_handler))
            .route(web::patch().to(preferences_handler)),
    )
    .service(
        web::resource("/me/password")
            .wrap(actix_governor::Governor::new(rate_limit))
            .route(web::post().to(change_password_handler)),
    )
    .service(
        web::resource("/me/sessions").route(web::get().to(super::sessions::list_sessions_handler)),
    )
    .service(
        web::resource("/me/recovery-codes")
            .route(web::get().to(super::recovery_codes::left_handler))
            .route(web::post().to(super::recovery_codes::issue_handler)),
    )
    .service(
        web::resource("/me/sessions/{id}")
            .route(web::delete().to(super::sessions::end_session_handler)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::mfa::{CodeRequest, EnrolResponse};

    #[test]
    fn debug_output_of_credential_bodies_holds_no_secret() {
        let secret = "geheim-wachtwoord-123";
        let shown = [
            format!(
                "{:?}",
                serde_json::from_value::<LoginRequest>(
                    serde_json::json!({ "email": "a@b.example", "password": secret })
                )
                .unwrap()
            ),
            format!(
                "{:?}",
                serde_json::from_value::<RefreshRequest>(
                    serde_json::json!({ "refresh_token": secret })
                )
                .unwrap()
            ),
            format!(
                "{:?}",
                serde_json::from_value::<PasswordChangeRequest>(serde_json::json!({
                    "current_password": secret, "new_password": secret
                }))
                .unwrap()
            ),
            format!(
                "{:?}",
                serde_json::from_value::<CodeRequest>(serde_json::json!({ "code": secret }))
                    .unwrap()
            ),
            format!(
                "{:?}",
                tokens_response(Tokens {
                    access_token: secret.into(),
                    expires_in: 900,
                    refresh_token: secret.into(),
                    mfa: MfaState::Done,
                })
            ),
            format!(
                "{:?}",
                EnrolResponse {
                    otpauth_uri: format!("otpauth://totp/x?secret={secret}")
                }
            ),
        ];
        for s in shown {
            assert!(!s.contains(secret), "{s}");
        }
    }
}
