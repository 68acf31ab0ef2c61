//! `/api/v1/emergency-accesses`: breaking the glass and its review. A case worker of an
//! agency of an allowed kind opens an emergency access to a case by its agency and
//! reference; the auditors list, read and review them and see them per agency and
//! worker. Handlers parse, call one `schakel_referral_workflow::emergency` use case and
//! answer with its view.

use crate::auth::CurrentActor;
use crate::casework::with_env;
use crate::problem::Problem;
use crate::{ApiError, AppState, ProblemKind};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::{EmergencyAccessId, EmergencyReview};
use schakel_referral_workflow::emergency::{
    self as uc, EmergencyInput, EmergencyListFilter, ReviewInput,
};
use schakel_referral_workflow::views::{EmergencyAccessView, EmergencySummary};
use serde::Deserialize;
use utoipa::IntoParams;

/// Which emergency accesses to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EmergencyQuery {
    /// Only those in this review state.
    #[param(value_type = Option<EmergencyReview>)]
    pub review: Option<EmergencyReview>,
    /// At most this many, newest first: 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// The period of the summary.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// The last this many days: 1 to 3660 (default 90).
    #[param(minimum = 1, maximum = 3660)]
    pub days: Option<i64>,
}

/// Break the glass: read a case of another agency that you have no access to, for a
/// stated reason on a ground (caseworkers and coordinators of the agency kinds the
/// configuration allows; by default police, care coordination and the coordination
/// centre). The access is yours alone, read only, lasts the configured time (by default
/// four hours) and shows the person's identity only on the grounds `danger_to_life` and
/// `missing_person`. It is a flagged audit entry, the owning agency's coordinators are
/// emailed at once, and an auditor reviews it. Read the case at `/api/v1/cases/{id}`.
#[utoipa::path(post, path = "/api/v1/emergency-accesses", tag = "emergency",
    request_body = EmergencyInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Opened", body = EmergencyAccessView,
            headers(("Location" = String, description = "The case it opens"))),
        (status = 403, description = "Your role or your agency's kind may not break the glass", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No case of that agency has that reference", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "`emergency_access_not_needed`: you can already read the case", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A field is not valid (a reason must be at least a sentence)", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn open_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: crate::body::Body<EmergencyInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let grant = with_env(&state, &req, move |conn, env| {
        Ok(uc::open_emergency_access(conn, env, &who.0, &input)?)
    })
    .await?;
    let mut res = HttpResponse::Created();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/cases/{}", grant.case_id)) {
        res.insert_header((header::LOCATION, v));
    }
    Ok(res.json(grant))
}

/// Emergency accesses for review, newest first, with who, which case, the ground, the
/// reason and where the review stands (auditors; the reading is audited).
#[utoipa::path(get, path = "/api/v1/emergency-accesses", tag = "emergency",
    security(("bearer" = [])),
    params(EmergencyQuery),
    responses(
        (status = 200, description = "The emergency accesses", body = Vec<EmergencyAccessView>),
        (status = 400, description = "A filter is not valid", content_type = "application/problem+json", body = Problem),
        (status = 403, description = "Not an auditor", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn list_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<EmergencyQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    if q.limit.is_some_and(|l| !(1..=uc::MAX_LIST).contains(&l)) {
        return Err(ApiError::Problem(ProblemKind::BadRequest));
    }
    let filter = EmergencyListFilter {
        review: q.review,
        limit: q.limit,
    };
    let list = with_env(&state, &req, move |conn, env| {
        Ok(uc::emergency_accesses(conn, env, &who.0, &filter)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Emergency accesses per agency and per worker over the last days, by review state:
/// where misuse shows (auditors; audited).
#[utoipa::path(get, path = "/api/v1/emergency-accesses/summary", tag = "emergency",
    security(("bearer" = [])),
    params(SummaryQuery),
    responses(
        (status = 200, description = "The counts", body = EmergencySummary),
        (status = 400, description = "`days` is not valid", content_type = "application/problem+json", body = Problem),
        (status = 403, description = "Not an auditor", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn summary_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<SummaryQuery>,
) -> Result<HttpResponse, ApiError> {
    let days = query.into_inner().days.unwrap_or(90);
    if !(1..=uc::MAX_SUMMARY_DAYS).contains(&days) {
        return Err(ApiError::Problem(ProblemKind::BadRequest));
    }
    let summary = with_env(&state, &req, move |conn, env| {
        Ok(uc::emergency_summary(conn, env, &who.0, days)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(summary))
}

/// One emergency access (auditors; audited).
#[utoipa::path(get, path = "/api/v1/emergency-accesses/{id}", tag = "emergency",
    security(("bearer" = [])),
    params(("id" = EmergencyAccessId, Path, description = "Emergency access id")),
    responses(
        (status = 200, description = "The emergency access", body = EmergencyAccessView),
        (status = 403, description = "Not an auditor", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such emergency access", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn get_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<EmergencyAccessId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let grant = with_env(&state, &req, move |conn, env| {
        Ok(uc::emergency_access(conn, env, &who.0, id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(grant))
}

/// Review an emergency access once: `justified`, or `escalated` with a note (auditors;
/// audited, the note encrypted and kept out of the trail).
#[utoipa::path(post, path = "/api/v1/emergency-accesses/{id}/review", tag = "emergency",
    request_body = ReviewInput,
    security(("bearer" = [])),
    params(("id" = EmergencyAccessId, Path, description = "Emergency access id")),
    responses(
        (status = 200, description = "Reviewed", body = EmergencyAccessView),
        (status = 403, description = "Not an auditor", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such emergency access", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "`already_reviewed`", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A field is not valid (escalating needs a note)", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn review_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<EmergencyAccessId>,
    body: crate::body::Body<ReviewInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let input = body.into_inner()?;
    let grant = with_env(&state, &req, move |conn, env| {
        Ok(uc::review_emergency_access(conn, env, &who.0, id, &input)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(grant))
}

/// The routes (inside `/api/v1`).
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/emergency-accesses")
            .route(web::get().to(list_handler))
            .route(web::post().to(open_handler)),
    )
    .service(web::resource("/emergency-accesses/summary").route(web::get().to(summary_handler)))
    .service(web::resource("/emergency-accesses/{id}").route(web::get().to(get_handler)))
    .service(
        web::resource("/emergency-accesses/{id}/review").route(web::post().to(review_handler)),
    );
}
