//! `/api/v1/privilege-requests` and `/api/v1/users/{id}/second-factor/reset`: four eyes
//! on privilege. A role change, a reactivation, a reset of a second factor or an
//! invitation to case work that the configuration names answers `202` with a request;
//! a second admin approves it (and it is carried out) or an admin rejects it.

use super::blocking;
use super::privilege_view::PrivilegeRequestResponse;
use super::users::changed;
use crate::auth::{CurrentActor, request_context};
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_auth::admin::four_eyes as uc;
use schakel_auth::admin::users::reset_second_factor;
use schakel_domain::{PrivilegeRequestId, RequestState, UserId};
use serde::Deserialize;
use utoipa::IntoParams;

/// Which requests to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RequestsQuery {
    /// Only those in this state.
    #[param(value_type = Option<RequestState>)]
    pub state: Option<RequestState>,
}

/// Requests for changes of privilege, newest first, at most 200 (admin).
#[utoipa::path(get, path = "/api/v1/privilege-requests", tag = "admin",
    security(("bearer" = [])),
    params(RequestsQuery),
    responses(
        (status = 200, description = "The requests", body = [PrivilegeRequestResponse]),
        (status = 400, description = "A query parameter is not valid", content_type = "application/problem+json", body = Problem),
        (status = 403, description = "Not an admin", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn list_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<RequestsQuery>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let wanted = query.into_inner().state;
    let list = blocking(&state, move |conn, now| {
        Ok(uc::list_requests(conn, &who.0, wanted, &ctx, now)?)
    })
    .await?;
    let list: Vec<PrivilegeRequestResponse> = list.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(list))
}

/// One request (admin).
#[utoipa::path(get, path = "/api/v1/privilege-requests/{id}", tag = "admin",
    security(("bearer" = [])),
    params(("id" = PrivilegeRequestId, Path, description = "Request id")),
    responses(
        (status = 200, description = "The request", body = crate::admin::privilege_view::PrivilegeRequestResponse),
        (status = 404, description = "No such request, or not an admin", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn get_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<PrivilegeRequestId>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let id = id.into_inner();
    let r = blocking(&state, move |conn, now| {
        Ok(uc::get_request(conn, &who.0, id, &ctx, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(PrivilegeRequestResponse::from(r)))
}

/// Approve another admin's pending request: it is carried out at once, under its own
/// rules as they hold now (admin; `409` for one's own request, or one decided before or
/// expired, or when the change's own rules refuse it now).
#[utoipa::path(post, path = "/api/v1/privilege-requests/{id}/approve", tag = "admin",
    security(("bearer" = [])),
    params(("id" = PrivilegeRequestId, Path, description = "Request id")),
    responses(
        (status = 200, description = "Approved and carried out", body = crate::admin::privilege_view::PrivilegeRequestResponse),
        (status = 404, description = "No such request, or not an admin", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "`own_request`, `request_closed`, or the change's own conflict", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn approve_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<PrivilegeRequestId>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let id = id.into_inner();
    let cfg = state.auth.config.clone();
    let r = blocking(&state, move |conn, now| {
        Ok(uc::approve_request(conn, &cfg, &who.0, id, &ctx, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(PrivilegeRequestResponse::from(r)))
}

/// Reject a pending request; the admin who asked withdraws it so (admin).
#[utoipa::path(post, path = "/api/v1/privilege-requests/{id}/reject", tag = "admin",
    security(("bearer" = [])),
    params(("id" = PrivilegeRequestId, Path, description = "Request id")),
    responses(
        (status = 200, description = "Rejected", body = crate::admin::privilege_view::PrivilegeRequestResponse),
        (status = 404, description = "No such request, or not an admin", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "`request_closed`", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn reject_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<PrivilegeRequestId>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let id = id.into_inner();
    let r = blocking(&state, move |conn, now| {
        Ok(uc::reject_request(conn, &who.0, id, &ctx, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(PrivilegeRequestResponse::from(r)))
}

/// Reset the second factor of a user who lost it (admin): their authenticator and
/// recovery codes go, their sessions end, an email tells them to set up a new one at
/// their next login. With four eyes on it (the default) a request for a second admin
/// (`202`). Not one's own; `409` for an account without one.
#[utoipa::path(post, path = "/api/v1/users/{id}/second-factor/reset", tag = "admin",
    security(("bearer" = [])),
    params(("id" = UserId, Path, description = "User id")),
    responses(
        (status = 200, description = "Reset", body = crate::admin::users::UserResponse),
        (status = 202, description = "Waiting for a second admin", body = crate::admin::privilege_view::PrivilegeRequestResponse,
            headers(("Location" = String, description = "The request"))),
        (status = 404, description = "No such account, or not an admin", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "One's own account, none enrolled, or a request already waits", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn reset_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let id = id.into_inner();
    let cfg = state.auth.config.clone();
    let change = blocking(&state, move |conn, now| {
        Ok(reset_second_factor(conn, &cfg, &who.0, id, &ctx, now)?)
    })
    .await?;
    Ok(changed(HttpResponse::Ok(), change))
}

/// The routes (inside `/api/v1`).
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/privilege-requests").route(web::get().to(list_handler)))
        .service(web::resource("/privilege-requests/{id}").route(web::get().to(get_handler)))
        .service(
            web::resource("/privilege-requests/{id}/approve")
                .route(web::post().to(approve_handler)),
        )
        .service(
            web::resource("/privilege-requests/{id}/reject").route(web::post().to(reject_handler)),
        )
        .service(
            web::resource("/users/{id}/second-factor/reset").route(web::post().to(reset_handler)),
        );
}
