//! `/api/v1/cases`: open, list, read, close cases; their timeline and consents.

use super::{Page, created, idempotency_key, if_match, input, with_env, with_etag};
use crate::auth::CurrentActor;
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::{CaseId, CaseStatus, ConsentId, ExploitationForm, Region};
use schakel_referral_workflow::cases::{
    self as uc, CaseListFilter, CloseCaseInput, OpenCaseInput, ReopenCaseInput,
};
use schakel_referral_workflow::consents::{self as consent_uc, ConsentInput};
use schakel_referral_workflow::views::{CaseListItem, CaseView, TimelineEntry};
use serde::Deserialize;

fn one(res: actix_web::HttpResponseBuilder, case: CaseView) -> HttpResponse {
    let version = case.version;
    with_etag(res, version).json(case)
}

/// Open a case (caseworker, coordinator): from a signal of the agency, or directly.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = OpenCaseInput,
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body answer the first response")),
    responses(
        (status = 201, description = "Opened", body = CaseView,
            headers(("ETag" = String, description = "The version, quoted"), ("Location" = String, description = "The new case"))),
        (status = 403, description = "The role may not open cases", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The signal is anonymous or already has a case", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A field is not valid, or the key was used for another request", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn open_case_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let key = idempotency_key(&req, &body)?;
    let open: OpenCaseInput = input(&body)?;
    let result = with_env(&state, &req, move |conn, env| {
        Ok(uc::open_case(conn, env, &who.0, &open, key.as_ref())?)
    })
    .await?;
    Ok(created(
        result,
        |c| format!("/api/v1/cases/{}", c.id),
        |c| Some(c.version),
    ))
}

/// Filters and paging of the case list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// Only cases in this status.
    pub status: Option<CaseStatus>,
    /// Only cases in this region.
    pub region: Option<Region>,
    /// Only cases with this exploitation form.
    pub form: Option<ExploitationForm>,
    /// Only the agency's own cases of persons with exactly this family name (case,
    /// diacritics, hyphens and spacing do not matter). Audited as a search.
    #[param(min_length = 1, max_length = 200)]
    pub family_name: Option<String>,
    /// Only the agency's own cases of persons born on this day. Audited as a search.
    pub date_of_birth: Option<chrono::NaiveDate>,
    /// Only the agency's own case with this reference, `YYYY-NNNNNN`. Audited as a
    /// search.
    #[param(pattern = r"^[0-9]{4}-[0-9]{6,12}$")]
    pub reference: Option<String>,
    /// Only the agency's own cases with this responsible worker: `me`, `none` (nobody
    /// is), or a user id.
    #[param(pattern = r"^(me|none|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")]
    pub assigned_to: Option<String>,
    /// The `next_cursor` of the previous page.
    #[param(
        pattern = r"^[0-9]{1,16}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    )]
    pub cursor: Option<String>,
    /// Items per page, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The cases the actor may see: its agency's own, and those received through an
/// accepted open referral; most recently changed first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases",
    security(("bearer" = [])),
    params(CaseQuery),
    responses(
        (status = 200, description = "A page of cases", body = Page<CaseListItem>),
        (status = 403, description = "The role may not read case data", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "The cursor or limit is not valid", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn list_cases_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<CaseQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let assigned_to = q
        .assigned_to
        .as_deref()
        .map(str::parse::<uc::Assignee>)
        .transpose()
        .map_err(ApiError::from)?;
    let filter = CaseListFilter {
        assigned_to,
        status: q.status,
        region: q.region,
        form: q.form,
        family_name: q.family_name,
        date_of_birth: q.date_of_birth,
        reference: q.reference,
    };
    let page = with_env(&state, &req, move |conn, env| {
        Ok(uc::list_cases(
            conn,
            env,
            &who.0,
            filter,
            q.cursor.as_deref(),
            q.limit,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from(page)))
}

/// One case, as the actor may see it: identity only where the actor's agency owns the
/// case or a consent covers it.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases",
    security(("bearer" = [])),
    params(("id" = CaseId, Path, description = "Case id")),
    responses(
        (status = 200, description = "The case", body = CaseView,
            headers(("ETag" = String, description = "The version, quoted"))),
        (status = 404, description = "No such case, or not visible to the actor", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn get_case_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<CaseId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let case = with_env(&state, &req, move |conn, env| {
        Ok(uc::get_case(conn, env, &who.0, id)?)
    })
    .await?;
    Ok(one(HttpResponse::Ok(), case))
}

/// What happened to a case, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/timeline", tag = "cases",
    security(("bearer" = [])),
    params(("id" = CaseId, Path, description = "Case id")),
    responses(
        (status = 200, description = "The timeline", body = [TimelineEntry]),
        (status = 404, description = "No such case, or not visible to the actor", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn timeline_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<CaseId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let entries = with_env(&state, &req, move |conn, env| {
        Ok(uc::case_timeline(conn, env, &who.0, id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(entries))
}

/// Close a case of the agency; needs `If-Match`. Refused while referrals are open.
#[utoipa::path(post, path = "/api/v1/cases/{id}/close", tag = "cases", request_body = CloseCaseInput,
    security(("bearer" = [])),
    params(
        ("id" = CaseId, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "The `ETag` last read, e.g. `\"3\"`"),
    ),
    responses(
        (status = 200, description = "Closed", body = CaseView,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 404, description = "No such case at the actor's agency", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "Already closed, or referrals are open", content_type = "application/problem+json", body = Problem),
        (status = 412, description = "The case changed since that version", content_type = "application/problem+json", body = Problem),
        (status = 428, description = "`If-Match` is missing", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn close_case_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<CaseId>,
    body: crate::body::Body<CloseCaseInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let precondition = if_match(&req);
    let close = body.into_inner()?;
    let case = with_env(&state, &req, move |conn, env| {
        Ok(uc::close_case(conn, env, &who.0, id, precondition, &close)?)
    })
    .await?;
    Ok(one(HttpResponse::Ok(), case))
}

/// Reopen a closed case of the agency with a reason; needs `If-Match`. The closing it
/// ends is kept in the case's rectification record.
#[utoipa::path(post, path = "/api/v1/cases/{id}/reopen", tag = "cases", request_body = ReopenCaseInput,
    security(("bearer" = [])),
    params(
        ("id" = CaseId, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "The `ETag` last read"),
    ),
    responses(
        (status = 200, description = "Open again", body = CaseView,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 404, description = "No such case at the actor's agency", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The case is open, or retention erased it", content_type = "application/problem+json", body = Problem),
        (status = 412, description = "The case changed since that version", content_type = "application/problem+json", body = Problem),
        (status = 428, description = "`If-Match` is missing", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn reopen_case_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<CaseId>,
    body: crate::body::Body<ReopenCaseInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let precondition = if_match(&req);
    let input = body.into_inner()?;
    let case = with_env(&state, &req, move |conn, env| {
        Ok(uc::reopen_case(
            conn,
            env,
            &who.0,
            id,
            precondition,
            &input,
        )?)
    })
    .await?;
    Ok(one(HttpResponse::Ok(), case))
}

/// Record a consent or a legal basis on a case of the agency; needs `If-Match`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/consents", tag = "cases", request_body = ConsentInput,
    security(("bearer" = [])),
    params(
        ("id" = CaseId, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "The case's `ETag` last read"),
    ),
    responses(
        (status = 201, description = "Recorded; the case with its records", body = CaseView,
            headers(("ETag" = String, description = "The case's new version, quoted"))),
        (status = 404, description = "No such case at the actor's agency", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The case is closed", content_type = "application/problem+json", body = Problem),
        (status = 412, description = "The case changed since that version", content_type = "application/problem+json", body = Problem),
        (status = 428, description = "`If-Match` is missing", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn record_consent_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<CaseId>,
    body: crate::body::Body<ConsentInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let precondition = if_match(&req);
    let consent = body.into_inner()?;
    let case = with_env(&state, &req, move |conn, env| {
        Ok(consent_uc::record_consent(
            conn,
            env,
            &who.0,
            id,
            precondition,
            &consent,
        )?)
    })
    .await?;
    Ok(one(HttpResponse::Created(), case))
}

/// Withdraw a consent or legal basis; receiving agencies lose sight of the identity on
/// their next request. Needs the case's `If-Match`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/consents/{consent_id}/withdraw", tag = "cases",
    security(("bearer" = [])),
    params(
        ("id" = CaseId, Path, description = "Case id"),
        ("consent_id" = ConsentId, Path, description = "Consent id"),
        ("If-Match" = String, Header, description = "The case's `ETag` last read"),
    ),
    responses(
        (status = 200, description = "Withdrawn; the case with its records", body = CaseView,
            headers(("ETag" = String, description = "The case's new version, quoted"))),
        (status = 404, description = "No such case or record at the actor's agency", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "Already withdrawn", content_type = "application/problem+json", body = Problem),
        (status = 412, description = "The case changed since that version", content_type = "application/problem+json", body = Problem),
        (status = 428, description = "`If-Match` is missing", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn withdraw_consent_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(CaseId, ConsentId)>,
) -> Result<HttpResponse, ApiError> {
    let (id, consent) = path.into_inner();
    let precondition = if_match(&req);
    let case = with_env(&state, &req, move |conn, env| {
        Ok(consent_uc::withdraw_consent(
            conn,
            env,
            &who.0,
            id,
            consent,
            precondition,
        )?)
    })
    .await?;
    Ok(one(HttpResponse::Ok(), case))
}
