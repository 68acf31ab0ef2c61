//! `/api/v1/clients`: the admin gives an agency's own system an account of its own
//! (client credentials for `POST /api/v1/auth/token`) and replaces its secret; the
//! account is listed, deactivated and reactivated with the others under `/users`.

use super::blocking;
use super::users::UserResponse;
use crate::auth::{CurrentActor, request_context};
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_auth::admin::clients::{self as uc, ClientInput, IssuedClient};
use schakel_domain::{AgencyId, Role, UserId};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A new client account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateClientRequest {
    /// The (active) agency the system acts for.
    pub agency_id: AgencyId,
    /// The system's name, as colleagues and the audit trail see it.
    #[schema(
        min_length = 1,
        max_length = 120,
        example = "Case system of Gemeente Utrecht"
    )]
    pub name: String,
    /// `caseworker` (signals, cases, referrals out) or `coordinator` (also the agency's
    /// inbox: accept, decline, complete).
    pub role: Role,
}

/// A client account with its secret, shown this once.
#[derive(Serialize, ToSchema)]
pub struct ClientResponse {
    /// The account; its `id` is the client id.
    pub account: UserResponse,
    /// The client id (the account's id).
    pub client_id: UserId,
    /// The client secret: give it to the system's operators now; it is never shown
    /// again (replace it if it is lost).
    pub client_secret: String,
}

/// Secrets never reach logs or panics.
impl std::fmt::Debug for ClientResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientResponse")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

fn issued(res: actix_web::HttpResponseBuilder, c: IssuedClient) -> HttpResponse {
    let mut res = res;
    res.insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::ETAG, format!("\"{}\"", c.account.version)))
        .json(ClientResponse {
            client_id: c.account.id,
            client_secret: c.secret.expose_secret().to_owned(),
            account: UserResponse::from(c.account),
        })
}

/// Give an agency's own system an account (admin). It is created deactivated when four
/// eyes apply to invitations to case work: another admin reactivates it.
#[utoipa::path(post, path = "/api/v1/clients", tag = "admin", request_body = CreateClientRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; the secret is in this answer only", body = ClientResponse,
            headers(("Location" = String, description = "The account"))),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 403, description = "Not an admin", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The agency is inactive", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A field is not valid (a role other than caseworker or coordinator), or no such agency", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn create_client_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: crate::body::Body<CreateClientRequest>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let b = body.into_inner()?;
    let input = ClientInput {
        agency_id: b.agency_id,
        name: b.name,
        role: b.role,
    };
    let cfg = state.auth.config.clone();
    let client = blocking(&state, move |conn, now| {
        Ok(uc::create_client(conn, &cfg, &who.0, &input, &ctx, now)?)
    })
    .await?;
    let mut res = HttpResponse::Created();
    res.insert_header((
        header::LOCATION,
        format!("/api/v1/users/{}", client.account.id),
    ));
    Ok(issued(res, client))
}

/// Replace a client's secret (admin): the old one stops working at once.
#[utoipa::path(post, path = "/api/v1/clients/{id}/secret", tag = "admin",
    security(("bearer" = [])),
    params(("id" = UserId, Path, description = "The client's account id")),
    responses(
        (status = 200, description = "The new secret, in this answer only", body = ClientResponse),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such client account, or not an admin", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The account is deactivated", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn rotate_client_secret_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let id = id.into_inner();
    let client = blocking(&state, move |conn, now| {
        Ok(uc::rotate_secret(conn, &who.0, id, &ctx, now)?)
    })
    .await?;
    Ok(issued(HttpResponse::Ok(), client))
}
