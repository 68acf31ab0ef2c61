//! `/api/v1/signals`: log a signal, list and read the agency's signals.

use super::{Page, PageQuery, created, idempotency_key, input, with_env};
use crate::auth::CurrentActor;
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::SignalId;
use schakel_referral_workflow::signals::{self as uc, SignalInput};
use schakel_referral_workflow::views::SignalView;

/// Log a signal (caseworker, coordinator), with a person or anonymous.
#[utoipa::path(post, path = "/api/v1/signals", tag = "signals", request_body = SignalInput,
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body answer the first response")),
    responses(
        (status = 201, description = "Logged", body = SignalView,
            headers(("Location" = String, description = "The new signal"))),
        (status = 403, description = "The role may not log signals", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "The `case_id` names no case of the actor's agency", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The case named by `case_id` is closed, or its person was erased", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A field is not valid, or the key was used for another request", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn create_signal_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let key = idempotency_key(&req, &body)?;
    let signal: SignalInput = input(&body)?;
    let result = with_env(&state, &req, move |conn, env| {
        Ok(uc::create_signal(conn, env, &who.0, &signal, key.as_ref())?)
    })
    .await?;
    Ok(created(
        result,
        |s| format!("/api/v1/signals/{}", s.id),
        |_| None,
    ))
}

/// The agency's signals, newest first (caseworker, coordinator).
#[utoipa::path(get, path = "/api/v1/signals", tag = "signals",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of signals", body = Page<SignalView>),
        (status = 403, description = "The role may not read case data", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "The cursor or limit is not valid", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn list_signals_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let page = with_env(&state, &req, move |conn, env| {
        Ok(uc::list_signals(
            conn,
            env,
            &who.0,
            q.cursor.as_deref(),
            q.limit,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from(page)))
}

/// One of the agency's signals.
#[utoipa::path(get, path = "/api/v1/signals/{id}", tag = "signals",
    security(("bearer" = [])),
    params(("id" = SignalId, Path, description = "Signal id")),
    responses(
        (status = 200, description = "The signal", body = SignalView),
        (status = 404, description = "No such signal at the actor's agency", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn get_signal_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<SignalId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let signal = with_env(&state, &req, move |conn, env| {
        Ok(uc::get_signal(conn, env, &who.0, id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(signal))
}
