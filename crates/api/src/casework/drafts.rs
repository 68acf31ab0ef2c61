//! `/api/v1/drafts`: drafts of the case-work forms, each its author's alone. Saving
//! again takes the draft's `ETag` in `If-Match`; deleting with `submitted=true` says the
//! form was submitted (audited as such) rather than discarded.

use super::{if_match, with_env, with_etag};
use crate::auth::CurrentActor;
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::DraftId;
use schakel_referral_workflow::drafts::{
    self as uc, DraftFieldsInput, DraftSummary, DraftView, NewDraftInput,
};

/// The actor's drafts, the latest saved first: which form, for which case, when (not
/// their fields). Caseworkers and coordinators.
#[utoipa::path(get, path = "/api/v1/drafts", tag = "drafts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The actor's drafts", body = Vec<DraftSummary>),
        (status = 403, description = "The role keeps no drafts", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn list_drafts_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let list = with_env(&state, &req, move |conn, env| {
        Ok(uc::list_drafts(conn, env, &who.0)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Start a draft of a form: `signal` (no case), or `correction`, `consent`, `referral`
/// or `note` of a case the actor may read; the fields as typed. Kept for
/// `casework.draft_days` after it was last saved; at most 100 per author (`409` beyond).
#[utoipa::path(post, path = "/api/v1/drafts", tag = "drafts", request_body = NewDraftInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Saved", body = DraftView,
            headers(("ETag" = String, description = "The version, quoted"), ("Location" = String, description = "The draft"))),
        (status = 403, description = "The role keeps no drafts", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such case visible to the actor", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The author keeps 100 drafts already", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A case named for the signal form, none for another, or fields beyond the limits", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn create_draft_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: crate::body::Body<NewDraftInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let draft = with_env(&state, &req, move |conn, env| {
        Ok(uc::create_draft(conn, env, &who.0, &input)?)
    })
    .await?;
    let mut res = HttpResponse::Created();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/drafts/{}", draft.id)) {
        res.insert_header((header::LOCATION, v));
    }
    let version = draft.version;
    Ok(with_etag(res, version).json(draft))
}

/// One of the actor's drafts, with its fields.
#[utoipa::path(get, path = "/api/v1/drafts/{id}", tag = "drafts",
    security(("bearer" = [])),
    params(("id" = DraftId, Path, description = "Draft id")),
    responses(
        (status = 200, description = "The draft", body = DraftView,
            headers(("ETag" = String, description = "The version, quoted"))),
        (status = 404, description = "No such draft of the actor's", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn get_draft_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<DraftId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let draft = with_env(&state, &req, move |conn, env| {
        Ok(uc::get_draft(conn, env, &who.0, id)?)
    })
    .await?;
    let version = draft.version;
    Ok(with_etag(HttpResponse::Ok(), version).json(draft))
}

/// Save a draft again with the fields as typed now, with `If-Match`; its expiry moves on.
#[utoipa::path(put, path = "/api/v1/drafts/{id}", tag = "drafts", request_body = DraftFieldsInput,
    security(("bearer" = [])),
    params(
        ("id" = DraftId, Path, description = "Draft id"),
        ("If-Match" = String, Header, description = "The draft's `ETag` last read"),
    ),
    responses(
        (status = 200, description = "Saved", body = DraftView,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 404, description = "No such draft of the actor's", content_type = "application/problem+json", body = Problem),
        (status = 412, description = "Saved elsewhere since that version", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "Fields beyond the limits", content_type = "application/problem+json", body = Problem),
        (status = 428, description = "`If-Match` is missing", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn save_draft_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<DraftId>,
    body: crate::body::Body<DraftFieldsInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let precondition = if_match(&req);
    let input = body.into_inner()?;
    let draft = with_env(&state, &req, move |conn, env| {
        Ok(uc::save_draft(conn, env, &who.0, id, precondition, &input)?)
    })
    .await?;
    let version = draft.version;
    Ok(with_etag(HttpResponse::Ok(), version).json(draft))
}

/// Whether a deleted draft's form was submitted.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeleteDraftQuery {
    /// `true` when the form was submitted (audited as `draft.submit`); otherwise the
    /// draft is discarded (`draft.discard`).
    #[serde(default)]
    pub submitted: bool,
}

/// Delete one of the actor's drafts: discarded, or finished because its form was
/// submitted.
#[utoipa::path(delete, path = "/api/v1/drafts/{id}", tag = "drafts",
    security(("bearer" = [])),
    params(("id" = DraftId, Path, description = "Draft id"), DeleteDraftQuery),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such draft of the actor's", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn delete_draft_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<DraftId>,
    query: web::Query<DeleteDraftQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, submitted) = (id.into_inner(), query.submitted);
    with_env(&state, &req, move |conn, env| {
        Ok(uc::discard_draft(conn, env, &who.0, id, submitted)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
