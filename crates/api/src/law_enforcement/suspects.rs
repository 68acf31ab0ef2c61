//! Suspects: registered in an investigation, linked to victims, read by the
//! investigating agency and by the prosecution that accepted them; the prosecution's
//! decisions and the judgments.

use crate::auth::CurrentActor;
use crate::casework::with_env;
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::{InvestigationId, SuspectId, VictimLinkId};
use schakel_referral_workflow::offenders::{
    self as uc, AddSuspectInput, DecisionInput, JudgmentInput, LinkVictimInput, SuspectView,
};

fn created(view: SuspectView) -> HttpResponse {
    let mut res = HttpResponse::Created();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/suspects/{}", view.id)) {
        res.insert_header((header::LOCATION, v));
    }
    res.json(view)
}

/// Register a suspect in an investigation of one's agency. The identity is encrypted
/// under the compartment's own key; the monitor counts the suspect under its own
/// linkage key.
#[utoipa::path(post, path = "/api/v1/investigations/{id}/suspects", tag = "investigations",
    request_body = AddSuspectInput, security(("bearer" = [])),
    params(("id" = InvestigationId, Path, description = "Investigation id")),
    responses(
        (status = 201, description = "Registered", body = SuspectView,
            headers(("Location" = String, description = "The new suspect"))),
        (status = 404, description = "No such investigation of the actor's agency", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A field is not valid", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn add_suspect_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<InvestigationId>,
    body: crate::body::Body<AddSuspectInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let input = body.into_inner()?;
    let view = with_env(&state, &req, move |conn, env| {
        Ok(uc::add_suspect(conn, env, &who.0, id, &input)?)
    })
    .await?;
    Ok(created(view))
}

/// One suspect: for the investigating agency (with the victims linked), or for the
/// prosecution once it accepted the suspect.
#[utoipa::path(get, path = "/api/v1/suspects/{id}", tag = "investigations",
    security(("bearer" = [])),
    params(("id" = SuspectId, Path, description = "Suspect id")),
    responses(
        (status = 200, description = "The suspect", body = SuspectView),
        (status = 404, description = "No such suspect that the actor may read", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn get_suspect_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<SuspectId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = with_env(&state, &req, move |conn, env| {
        Ok(uc::read_suspect(conn, env, &who.0, id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Link a suspect of one's agency to a victim: a case the agency owns or sees through
/// a referral it accepted, or a signal of its own about a person (exactly one of the
/// two). Linking again changes nothing.
#[utoipa::path(post, path = "/api/v1/suspects/{id}/victims", tag = "investigations",
    request_body = LinkVictimInput, security(("bearer" = [])),
    params(("id" = SuspectId, Path, description = "Suspect id")),
    responses(
        (status = 200, description = "Linked", body = SuspectView),
        (status = 404, description = "No such suspect of the actor's agency, or no such case or signal that it may see", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The signal names no person", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "Neither or both of `case_id` and `signal_id`", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn link_victim_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<SuspectId>,
    body: crate::body::Body<LinkVictimInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let input = body.into_inner()?;
    let view = with_env(&state, &req, move |conn, env| {
        Ok(uc::link_victim(conn, env, &who.0, id, &input)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Remove a link of a suspect of one's agency (made in error).
#[utoipa::path(delete, path = "/api/v1/suspects/{id}/victims/{link_id}", tag = "investigations",
    security(("bearer" = [])),
    params(
        ("id" = SuspectId, Path, description = "Suspect id"),
        ("link_id" = VictimLinkId, Path, description = "Link id"),
    ),
    responses(
        (status = 200, description = "Removed", body = SuspectView),
        (status = 404, description = "No such suspect of the actor's agency, or no such link of it", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn unlink_victim_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(SuspectId, VictimLinkId)>,
) -> Result<HttpResponse, ApiError> {
    let (id, link) = path.into_inner();
    let view = with_env(&state, &req, move |conn, env| {
        Ok(uc::unlink_victim(conn, env, &who.0, id, link)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Record the prosecution's decision on a suspect it accepted (prosecution only).
#[utoipa::path(post, path = "/api/v1/suspects/{id}/decisions", tag = "investigations",
    request_body = DecisionInput, security(("bearer" = [])),
    params(("id" = SuspectId, Path, description = "Suspect id")),
    responses(
        (status = 201, description = "Recorded", body = SuspectView),
        (status = 403, description = "Not the prosecution that accepted the suspect", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such suspect that the actor may read", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The referral is not accepted or in progress", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A field is not valid", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn decision_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<SuspectId>,
    body: crate::body::Body<DecisionInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let input = body.into_inner()?;
    let view = with_env(&state, &req, move |conn, env| {
        Ok(uc::record_decision(conn, env, &who.0, id, &input)?)
    })
    .await?;
    Ok(created(view))
}

/// Record a court's judgment on a suspect the prosecution accepted (prosecution only):
/// at first instance after a summons, on appeal after a judgment of the instance below.
#[utoipa::path(post, path = "/api/v1/suspects/{id}/judgments", tag = "investigations",
    request_body = JudgmentInput, security(("bearer" = [])),
    params(("id" = SuspectId, Path, description = "Suspect id")),
    responses(
        (status = 201, description = "Recorded", body = SuspectView),
        (status = 403, description = "Not the prosecution that accepted the suspect", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such suspect that the actor may read", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "No summons (or no judgment of the instance below) to follow, or the referral is not accepted or in progress", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A field is not valid (a sentence without a conviction, two prison bands, a date out of order)", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn judgment_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<SuspectId>,
    body: crate::body::Body<JudgmentInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let input = body.into_inner()?;
    let view = with_env(&state, &req, move |conn, env| {
        Ok(uc::record_judgment(conn, env, &who.0, id, &input)?)
    })
    .await?;
    Ok(created(view))
}
