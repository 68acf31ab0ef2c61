//! The person's rights on a case of the agency (its coordinators): the export of
//! everything the agency stores about the person (`/person-record`, JSON or PDF), the
//! restriction of their record (`/restriction`, set and lifted) and its erasure on
//! their request (`/erasure`). Rectification is `PATCH /api/v1/cases/{id}`.

use super::{if_match, with_env, with_etag};
use crate::auth::CurrentActor;
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::CaseId;
use schakel_referral_workflow::rights::{self as uc, ErasureInput, RestrictionInput};
use schakel_referral_workflow::views::{CaseView, PersonRecord};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The routes of the person's rights on a case.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/cases/{id}/person-record").route(web::get().to(person_record_handler)),
    )
    .service(
        web::resource("/cases/{id}/restriction")
            .route(web::put().to(restrict_handler))
            .route(web::delete().to(lift_restriction_handler)),
    )
    .service(web::resource("/cases/{id}/erasure").route(web::post().to(erasure_handler)));
}

/// The form of the person's record.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RecordFormat {
    /// The record as JSON (the default).
    #[default]
    Json,
    /// A PDF for the person to read.
    Pdf,
}

/// The language of the PDF.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RecordLang {
    /// English (the default).
    #[default]
    En,
    /// Dutch.
    Nl,
}

/// How to give the record.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RecordQuery {
    /// `json` (default) or `pdf`.
    #[param(inline)]
    #[serde(default)]
    pub format: RecordFormat,
    /// The PDF's language: `en` (default) or `nl`.
    #[param(inline)]
    #[serde(default)]
    pub lang: RecordLang,
}

/// Everything the agency stores about the person of a case, for their access request
/// (the owning agency's coordinators; audited as `person.access_export`, an export):
/// the identity, every case of the person at the agency with its consents, referrals
/// (with the receiving agencies), the agency's own notes and documents, corrections and
/// timeline, the signals, and the log of who accessed their data (by agency and role).
/// Other agencies' notes and documents are never part of it.
#[utoipa::path(get, path = "/api/v1/cases/{id}/person-record", tag = "cases",
    security(("bearer" = [])),
    params(("id" = CaseId, Path, description = "Case id"), RecordQuery),
    responses(
        (status = 200, description = "The record", content(
            (PersonRecord = "application/json"),
            (Vec<u8> = "application/pdf"),
        ), headers(("Content-Disposition" = String, description = "An attachment, named after the case"))),
        (status = 403, description = "Only the agency's coordinators answer the person's rights", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such case at the actor's agency", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn person_record_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<CaseId>,
    query: web::Query<RecordQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let RecordQuery { format, lang } = query.into_inner();
    let (record, pdf) = with_env(&state, &req, move |conn, env| {
        let record = uc::export_person_record(conn, env, &who.0, id)?;
        let pdf = match format {
            RecordFormat::Json => None,
            RecordFormat::Pdf => Some(render(&record, lang)?),
        };
        Ok((record, pdf))
    })
    .await?;
    let name = format!("person-record-{}", file_part(&record));
    Ok(match pdf {
        Some(bytes) => HttpResponse::Ok()
            .content_type("application/pdf")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.pdf\""),
            ))
            .body(bytes),
        None => HttpResponse::Ok()
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.json\""),
            ))
            .json(record),
    })
}

/// The record as a PDF in `lang`, codes in plain words.
fn render(record: &PersonRecord, lang: RecordLang) -> Result<Vec<u8>, ApiError> {
    let lang = match lang {
        RecordLang::En => schakel_record_pdf::Lang::En,
        RecordLang::Nl => schakel_record_pdf::Lang::Nl,
    };
    schakel_record_pdf::render(record, lang, &schakel_record_pdf::plain_words)
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// The first case's reference, as a file name may hold it.
fn file_part(record: &PersonRecord) -> String {
    record
        .cases
        .first()
        .map(|c| c.reference.clone())
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

/// Restrict the person's record on their request (the owning agency's coordinators);
/// needs `If-Match`. While restricted the case is frozen (nothing is added or changed;
/// its referrals can only end), hidden from receiving agencies, and kept by retention.
#[utoipa::path(put, path = "/api/v1/cases/{id}/restriction", tag = "cases", request_body = RestrictionInput,
    security(("bearer" = [])),
    params(
        ("id" = CaseId, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "The case's `ETag` last read"),
    ),
    responses(
        (status = 200, description = "Restricted", body = CaseView,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 403, description = "Only the agency's coordinators answer the person's rights", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such case at the actor's agency", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "Already restricted, or erased", content_type = "application/problem+json", body = Problem),
        (status = 412, description = "The case changed since that version", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "Not a restriction ground", content_type = "application/problem+json", body = Problem),
        (status = 428, description = "`If-Match` is missing", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn restrict_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<CaseId>,
    body: crate::body::Body<RestrictionInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let precondition = if_match(&req);
    let input = body.into_inner()?;
    let case = with_env(&state, &req, move |conn, env| {
        Ok(uc::restrict_case(
            conn,
            env,
            &who.0,
            id,
            precondition,
            &input,
        )?)
    })
    .await?;
    Ok(one(case))
}

/// Lift the restriction of the person's record (the owning agency's coordinators);
/// needs `If-Match`.
#[utoipa::path(delete, path = "/api/v1/cases/{id}/restriction", tag = "cases",
    security(("bearer" = [])),
    params(
        ("id" = CaseId, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "The case's `ETag` last read"),
    ),
    responses(
        (status = 200, description = "Lifted", body = CaseView,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 403, description = "Only the agency's coordinators answer the person's rights", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such case at the actor's agency", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The record is not restricted", content_type = "application/problem+json", body = Problem),
        (status = 412, description = "The case changed since that version", content_type = "application/problem+json", body = Problem),
        (status = 428, description = "`If-Match` is missing", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn lift_restriction_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<CaseId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let precondition = if_match(&req);
    let case = with_env(&state, &req, move |conn, env| {
        Ok(uc::lift_restriction(conn, env, &who.0, id, precondition)?)
    })
    .await?;
    Ok(one(case))
}

/// Erase the person's record on their request (the owning agency's coordinators);
/// needs `If-Match`. The identity, free text, notes, documents and drafts of every
/// closed case of the person at the agency are erased as retention would; the codes
/// stay for the monitor's counts. Refused where the agency keeps a retention duty
/// (`retention_duty`), while restricted (`case_restricted`) or while a case is open.
#[utoipa::path(post, path = "/api/v1/cases/{id}/erasure", tag = "cases", request_body = ErasureInput,
    security(("bearer" = [])),
    params(
        ("id" = CaseId, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "The case's `ETag` last read"),
    ),
    responses(
        (status = 200, description = "Erased", body = CaseView,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 403, description = "Only the agency's coordinators answer the person's rights", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such case at the actor's agency", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "A retention duty applies, the record is restricted, a case is open, or it was erased", content_type = "application/problem+json", body = Problem),
        (status = 412, description = "The case changed since that version", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "Not an erasure ground", content_type = "application/problem+json", body = Problem),
        (status = 428, description = "`If-Match` is missing", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn erasure_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<CaseId>,
    body: crate::body::Body<ErasureInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let precondition = if_match(&req);
    let input = body.into_inner()?;
    let case = with_env(&state, &req, move |conn, env| {
        Ok(uc::erase_on_request(
            conn,
            env,
            &who.0,
            id,
            precondition,
            &input,
        )?)
    })
    .await?;
    Ok(one(case))
}

fn one(case: CaseView) -> HttpResponse {
    let version = case.version;
    with_etag(HttpResponse::Ok(), version).json(case)
}
