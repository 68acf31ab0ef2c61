//! `GET /api/v1/me/sessions` and `DELETE /api/v1/me/sessions/{id}`: one's own live
//! sessions (where each was started from, when, last used) and ending one of them.

use super::{CurrentActor, request_context};
use crate::blocking::blocking;
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use schakel_auth::devices;
use schakel_domain::SessionId;
use serde::Serialize;
use utoipa::ToSchema;

/// One of the caller's live sessions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    /// Session id (to end it).
    #[schema(value_type = String, format = Uuid)]
    pub id: SessionId,
    /// When it was started (signing in).
    pub started_at: DateTime<Utc>,
    /// When it was last used.
    pub last_used_at: DateTime<Utc>,
    /// The client address it was started from.
    pub source_ip: Option<String>,
    /// The browser's `User-Agent` at sign-in.
    pub user_agent: Option<String>,
    /// Whether it is the session of this request.
    pub current: bool,
}

/// One's own live sessions: the current one first, then by last use.
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The live sessions", body = [SessionResponse]),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn list_sessions_handler(
    state: web::Data<AppState>,
    who: CurrentActor,
) -> Result<HttpResponse, ApiError> {
    let auth = state.auth.clone();
    let list = blocking(&state, move |conn, now| {
        devices::own_sessions(conn, &auth.config, &who.0, now).map_err(ApiError::from)
    })
    .await?;
    let body: Vec<SessionResponse> = list
        .into_iter()
        .map(|s| SessionResponse {
            id: s.id,
            started_at: s.started_at,
            last_used_at: s.last_used_at,
            source_ip: s.source_ip,
            user_agent: s.user_agent,
            current: s.current,
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

/// End one of one's own sessions (its tokens and pages stop working at once); ending the
/// current one is signing out. Another's session, or one already ended: `404`.
#[utoipa::path(delete, path = "/api/v1/me/sessions/{id}", tag = "auth",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Session id")),
    responses(
        (status = 204, description = "Ended"),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such session of the caller's", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn end_session_handler(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: CurrentActor,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: SessionId = path.parse().map_err(|_| ApiError::NotFound)?;
    let ctx = request_context(&req, &state);
    blocking(&state, move |conn, now| {
        devices::end_own_session(conn, &who.0, id, &ctx, now).map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
