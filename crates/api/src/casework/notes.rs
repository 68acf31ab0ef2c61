//! `/api/v1/cases/{id}/notes` and `/api/v1/notes/{id}`: notes on a case, written by the
//! owning agency or an agency that shares the case through a referral, read as far as
//! each may, changed by their author for a short time.

use super::{if_match, with_env, with_etag};
use crate::auth::CurrentActor;
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::{CaseId, NoteId};
use schakel_referral_workflow::notes::{self as uc, NoteInput};
use schakel_referral_workflow::views::NoteView;

fn one(res: actix_web::HttpResponseBuilder, note: NoteView) -> HttpResponse {
    let version = note.version;
    with_etag(res, version).json(note)
}

/// Write a note on a case the agency owns or shares through an accepted or in-progress
/// referral (caseworker, coordinator). The text is encrypted and never leaves the
/// case: no email, no monitor event, no audit detail.
#[utoipa::path(post, path = "/api/v1/cases/{id}/notes", tag = "cases", request_body = NoteInput,
    security(("bearer" = [])),
    params(("id" = CaseId, Path, description = "Case id")),
    responses(
        (status = 201, description = "Written", body = NoteView,
            headers(("ETag" = String, description = "The version, quoted"), ("Location" = String, description = "The new note"))),
        (status = 404, description = "No such case that the actor may write on", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The case is closed", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn add_note_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<CaseId>,
    body: crate::body::Body<NoteInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let input = body.into_inner()?;
    let note = with_env(&state, &req, move |conn, env| {
        Ok(uc::add_note(conn, env, &who.0, id, &input)?)
    })
    .await?;
    let mut res = HttpResponse::Created();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/notes/{}", note.id)) {
        res.insert_header((header::LOCATION, v));
    }
    Ok(one(res, note))
}

/// The notes of a case the actor may read: its own agency's, and those shared by the
/// other agencies that currently share the case. Oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/notes", tag = "cases",
    security(("bearer" = [])),
    params(("id" = CaseId, Path, description = "Case id")),
    responses(
        (status = 200, description = "The notes", body = Vec<NoteView>),
        (status = 404, description = "No such case that the actor may read", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn list_notes_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<CaseId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let list = with_env(&state, &req, move |conn, env| {
        Ok(uc::list_notes(conn, env, &who.0, id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Change one's own note within 30 minutes of writing it; needs `If-Match`. After that
/// the note is fixed (`409`): a correction is a new note.
#[utoipa::path(put, path = "/api/v1/notes/{id}", tag = "cases", request_body = NoteInput,
    security(("bearer" = [])),
    params(
        ("id" = NoteId, Path, description = "Note id"),
        ("If-Match" = String, Header, description = "The note's `ETag` last read"),
    ),
    responses(
        (status = 200, description = "Changed", body = NoteView,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 403, description = "The note is another worker's", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such note that the actor may read", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The note is fixed: its time to change has passed", content_type = "application/problem+json", body = Problem),
        (status = 412, description = "The note changed since that version", content_type = "application/problem+json", body = Problem),
        (status = 428, description = "`If-Match` is missing", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn edit_note_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<NoteId>,
    body: crate::body::Body<NoteInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let precondition = if_match(&req);
    let input = body.into_inner()?;
    let note = with_env(&state, &req, move |conn, env| {
        Ok(uc::edit_note(conn, env, &who.0, id, precondition, &input)?)
    })
    .await?;
    Ok(one(HttpResponse::Ok(), note))
}
