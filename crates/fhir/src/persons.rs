//! `Patient` and `Consent`: a person only where the actor's agency sees their identity,
//! and the consent records that concern the agency, through the workflow's
//! `read_person` and `read_consent` (audited `person.read`, `consent.read`).

use crate::bundle::{Entry, page_of, searchset};
use crate::outcome::resource;
use crate::params::{Params, reference_id};
use crate::resources::{consent, patient};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_api::auth::CurrentActor;
use schakel_api::{ApiError, AppState, FieldError, with_env};
use schakel_domain::{ConsentId, PersonId};
use schakel_referral_workflow::cases::{read_consent, read_person};

/// `GET /fhir/R4/Patient/{id}`.
pub async fn read_patient(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<PersonId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let record = with_env(&state, &req, move |conn, env| {
        Ok(read_person(conn, env, &who.0, id)?)
    })
    .await?;
    Ok(resource(StatusCode::OK, &patient::patient(&record)))
}

/// `GET /fhir/R4/Consent/{id}`.
pub async fn read_consent_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ConsentId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (record, view) = with_env(&state, &req, move |conn, env| {
        Ok(read_consent(conn, env, &who.0, id)?)
    })
    .await?;
    Ok(resource(
        StatusCode::OK,
        &consent::consent(&view, record.person.id),
    ))
}

/// `GET /fhir/R4/Consent?patient=Patient/{id}`: the records about a person that
/// concern the actor's agency (the search needs the patient).
pub async fn search_consents(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &["patient", "_count", "_page"])?;
    let person: PersonId = params
        .one("patient")
        .and_then(|v| reference_id(v, "Patient"))
        .ok_or_else(|| {
            ApiError::Invalid(FieldError {
                field: "patient".to_owned(),
                reason: "expected Patient/{id}".to_owned(),
            })
        })?;
    let count = params.count()?;
    let record = with_env(&state, &req, move |conn, env| {
        Ok(read_person(conn, env, &who.0, person)?)
    })
    .await?;
    let entries = record
        .consents
        .iter()
        .map(|c| Entry::of("Consent", &c.id.to_string(), consent::consent(c, person)))
        .collect();
    let (entries, next) = page_of(entries, count, params.one("_page"))?;
    let bundle = searchset(
        &req,
        "Consent",
        &params.canonical(),
        entries,
        next.as_deref(),
        count,
    );
    Ok(resource(StatusCode::OK, &bundle))
}
