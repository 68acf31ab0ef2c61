//! `/api/v1/privilege-requests` and `/api/v1/users/{id}/second-factor/reset`: four eyes
//! on privilege. A role change, a reactivation, a reset of a second factor or an
//! invitation to case work that the configuration names answers `202` with a request;
//! a second admin approves it (and it is carried out) or an admin rejects it.

use super::blocking;
use super::users::one;
use crate::auth::{CurrentActor, request_context};
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use schakel_auth::admin::four_eyes::{self as uc, Change, Named, RequestView};
use schakel_auth::admin::users::reset_second_factor;
use schakel_domain::{AgencyId, PrivilegeChange, PrivilegeRequestId, RequestState, Role, UserId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A user named in a request.
#[derive(Debug, Serialize, ToSchema)]
pub struct NamedUser {
    /// User id.
    pub id: UserId,
    /// Their name now.
    pub name: String,
}

impl From<Named> for NamedUser {
    fn from(n: Named) -> Self {
        NamedUser {
            id: n.id,
            name: n.name,
        }
    }
}

/// A request for a change of privilege.
#[derive(Debug, Serialize, ToSchema)]
pub struct PrivilegeRequestResponse {
    /// Request id.
    pub id: PrivilegeRequestId,
    /// `role_change`, `reactivation`, `second_factor_reset` or `case_work_invitation`.
    pub kind: PrivilegeChange,
    /// `pending`, `approved`, `rejected` or `expired`.
    pub state: RequestState,
    /// The account it changes (none for an invitation).
    pub target: Option<NamedUser>,
    /// An invitation's agency.
    pub agency_id: Option<AgencyId>,
    /// An invitation's email address.
    pub email: Option<String>,
    /// An invitation's name.
    pub display_name: Option<String>,
    /// The role asked for.
    pub role: Option<Role>,
    /// Who asked.
    pub requested_by: NamedUser,
    /// When.
    pub requested_at: DateTime<Utc>,
    /// Until when it waits for a second admin.
    pub expires_at: DateTime<Utc>,
    /// Who decided.
    pub decided_by: Option<NamedUser>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<RequestView> for PrivilegeRequestResponse {
    fn from(r: RequestView) -> Self {
        PrivilegeRequestResponse {
            id: r.id,
            kind: r.kind,
            state: r.state,
            target: r.target.map(NamedUser::from),
            agency_id: r.agency_id,
            email: r.email,
            display_name: r.display_name,
            role: r.role,
            requested_by: r.requested_by.into(),
            requested_at: r.requested_at,
            expires_at: r.expires_at,
            decided_by: r.decided_by.map(NamedUser::from),
            decided_at: r.decided_at,
        }
    }
}

/// The answer to an admin's change: `applied` with the account, or `202` with the
/// request that waits for a second admin (`Location` the request).
pub(crate) fn changed(applied: actix_web::HttpResponseBuilder, change: Change) -> HttpResponse {
    match change {
        Change::Applied(user) => one(applied, user),
        Change::Requested(r) => HttpResponse::Accepted()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/privilege-requests/{}", r.id),
            ))
            .json(PrivilegeRequestResponse::from(r)),
    }
}

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
        (status = 200, description = "The request", body = PrivilegeRequestResponse),
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
        (status = 200, description = "Approved and carried out", body = PrivilegeRequestResponse),
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
        (status = 200, description = "Rejected", body = PrivilegeRequestResponse),
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
        (status = 202, description = "Waiting for a second admin", body = PrivilegeRequestResponse,
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
