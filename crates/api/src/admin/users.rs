//! `/api/v1/users`: the admin lists, reads, invites, re-roles, deactivates and
//! reactivates accounts; `/api/v1/auth/invitation`: the invited user sets a password.

use super::privilege_view::PrivilegeRequestResponse;
use super::{blocking, with_etag};
use crate::auth::{CurrentActor, request_context};
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::http::header;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use schakel_auth::admin::AccountView;
use schakel_auth::admin::four_eyes::Change;
use schakel_auth::admin::users::{self as uc, InvitationInput};
use schakel_domain::{AgencyId, Role, UserId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An account as the admin sees it: no password hash, second-factor secret or token.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    /// User id.
    pub id: UserId,
    /// The user's agency.
    pub agency_id: AgencyId,
    /// Work email address.
    pub email: String,
    /// Name shown to colleagues.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Whether the account may sign in.
    pub active: bool,
    /// Language (`nl` or `en`).
    pub locale: String,
    /// The invitation has not been accepted yet (no password chosen).
    pub invitation_pending: bool,
    /// An authenticator app is enrolled.
    pub mfa_enrolled: bool,
    /// Version, also sent as the `ETag`.
    pub version: i64,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// An external system's account: it signs in with a client secret
    /// (`POST /api/v1/auth/token`), never with a password.
    pub client: bool,
}

impl From<AccountView> for UserResponse {
    fn from(u: AccountView) -> Self {
        Self {
            id: u.id,
            agency_id: u.agency_id,
            invitation_pending: u.invitation_pending,
            mfa_enrolled: u.second_factor_enrolled,
            email: u.email,
            display_name: u.display_name,
            role: u.role,
            active: u.active,
            locale: u.locale,
            version: u.version,
            created_at: u.created_at,
            updated_at: u.updated_at,
            client: u.client,
        }
    }
}

pub(crate) fn one(res: actix_web::HttpResponseBuilder, user: AccountView) -> HttpResponse {
    let version = user.version;
    with_etag(res, version).json(UserResponse::from(user))
}

/// Which accounts to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UsersQuery {
    /// Only the accounts of this agency.
    #[param(value_type = Option<String>, format = Uuid)]
    pub agency_id: Option<AgencyId>,
}

/// Every account, or those of one agency (admin).
#[utoipa::path(get, path = "/api/v1/users", tag = "admin",
    security(("bearer" = [])),
    params(UsersQuery),
    responses(
        (status = 200, description = "Accounts, by email", body = [UserResponse]),
        (status = 400, description = "A query parameter is not valid", content_type = "application/problem+json", body = Problem),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 403, description = "Not an admin", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn list_users_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<UsersQuery>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let agency = query.into_inner().agency_id;
    let list = blocking(&state, move |conn, now| {
        Ok(uc::list_users(conn, &who.0, agency, &ctx, now)?)
    })
    .await?;
    let body: Vec<UserResponse> = list.into_iter().map(UserResponse::from).collect();
    Ok(HttpResponse::Ok().json(body))
}

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteUserRequest {
    /// The (active) agency the user works for.
    pub agency_id: AgencyId,
    /// Work email address; the invitation goes there.
    #[schema(max_length = 254, example = "anna@gemeente.example")]
    pub email: String,
    /// Name shown to colleagues.
    #[schema(min_length = 1, max_length = 120)]
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Language: `nl` (the default) or `en`.
    #[schema(example = "nl")]
    pub locale: Option<String>,
}

/// Invite a user (admin): the account is created without a password and an email
/// carries a single-use link to choose one.
#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = InviteUserRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Invited", body = UserResponse,
            headers(("ETag" = String, description = "The version, quoted"), ("Location" = String, description = "The new account"))),
        (status = 202, description = "A case-work role with four eyes on invitations: waiting for a second admin", body = crate::admin::privilege_view::PrivilegeRequestResponse,
            headers(("Location" = String, description = "The request"))),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 403, description = "Not an admin", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The email address is taken, or the agency is inactive", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A field is not valid, or no such agency", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn invite_user_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: crate::body::Body<InviteUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let b = body.into_inner()?;
    let input = InvitationInput {
        agency_id: b.agency_id,
        email: b.email,
        display_name: b.display_name,
        role: b.role,
        locale: b.locale.unwrap_or_else(|| "nl".to_owned()),
    };
    let cfg = state.auth.config.clone();
    let change = blocking(&state, move |conn, now| {
        Ok(uc::invite_user(conn, &cfg, &who.0, &input, &ctx, now)?)
    })
    .await?;
    let mut res = HttpResponse::Created();
    if let Change::Applied(user) = &change {
        res.insert_header((header::LOCATION, format!("/api/v1/users/{}", user.id)));
    }
    Ok(changed(res, change))
}

/// One account (admin).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "admin",
    security(("bearer" = [])),
    params(("id" = UserId, Path, description = "User id")),
    responses(
        (status = 200, description = "The account", body = UserResponse,
            headers(("ETag" = String, description = "The version, quoted"))),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such account, or not an admin", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn get_user_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let id = id.into_inner();
    let user = blocking(&state, move |conn, now| {
        Ok(uc::get_user(conn, &who.0, id, &ctx, now)?)
    })
    .await?;
    Ok(one(HttpResponse::Ok(), user))
}

/// A new role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// The role; it applies from the user's next request.
    pub role: Role,
}

/// Change an account's role (admin). The body is the one changeable field, so no
/// `If-Match` is needed; the last admin cannot be demoted.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "admin", request_body = UpdateUserRequest,
    security(("bearer" = [])),
    params(("id" = UserId, Path, description = "User id")),
    responses(
        (status = 200, description = "Changed", body = UserResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 202, description = "With four eyes on role changes: waiting for a second admin", body = crate::admin::privilege_view::PrivilegeRequestResponse,
            headers(("Location" = String, description = "The request"))),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such account, or not an admin", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "It would leave no active admin", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "Unknown role, or a field that cannot be changed", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn update_user_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
    body: crate::body::Body<UpdateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let (id, role) = (id.into_inner(), body.into_inner()?.role);
    let cfg = state.auth.config.clone();
    let change = blocking(&state, move |conn, now| {
        Ok(uc::change_role(conn, &cfg, &who.0, id, role, &ctx, now)?)
    })
    .await?;
    Ok(changed(HttpResponse::Ok(), change))
}

/// Deactivate an account and end its sessions (admin); not one's own.
#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", tag = "admin",
    security(("bearer" = [])),
    params(("id" = UserId, Path, description = "User id")),
    responses(
        (status = 200, description = "Deactivated", body = UserResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such account, or not an admin", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "Already inactive, one's own account, or the last active admin", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn deactivate_user_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let id = id.into_inner();
    let user = blocking(&state, move |conn, now| {
        Ok(uc::deactivate_user(conn, &who.0, id, &ctx, now)?)
    })
    .await?;
    Ok(one(HttpResponse::Ok(), user))
}

/// Reactivate an account (admin).
#[utoipa::path(post, path = "/api/v1/users/{id}/reactivate", tag = "admin",
    security(("bearer" = [])),
    params(("id" = UserId, Path, description = "User id")),
    responses(
        (status = 200, description = "Reactivated", body = UserResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 202, description = "With four eyes on reactivations: waiting for a second admin", body = crate::admin::privilege_view::PrivilegeRequestResponse,
            headers(("Location" = String, description = "The request"))),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such account, or not an admin", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "Already active, or its agency is inactive", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn reactivate_user_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let id = id.into_inner();
    let cfg = state.auth.config.clone();
    let change = blocking(&state, move |conn, now| {
        Ok(uc::reactivate_user(conn, &cfg, &who.0, id, &ctx, now)?)
    })
    .await?;
    Ok(changed(HttpResponse::Ok(), change))
}

/// The answer to an admin's change: `applied` with the account, or `202` with the
/// request that waits for a second admin (`Location` the request).
pub(crate) fn changed(applied: actix_web::HttpResponseBuilder, change: Change) -> HttpResponse {
    match change {
        Change::Applied(user) => one(applied, user),
        Change::Requested(r) => HttpResponse::Accepted()
            .insert_header((LOCATION, format!("/api/v1/privilege-requests/{}", r.id)))
            .json(PrivilegeRequestResponse::from(r)),
    }
}
