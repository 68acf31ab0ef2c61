//! `Organization`: the directory's active agencies, as `/api/v1/directory/agencies`
//! shows them to those who refer (audited `directory.read`).

use crate::bundle::{Entry, page_of, searchset};
use crate::outcome::resource;
use crate::params::Params;
use crate::resources::organization::organization;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_api::auth::{CurrentActor, request_context};
use schakel_api::{ApiError, AppState, FieldError, blocking};
use schakel_auth::admin::AgencyView;
use schakel_auth::admin::agencies::{DirectoryFilter, directory};
use schakel_domain::{AgencyId, AgencyKind};

fn invalid(field: &str, reason: &str) -> ApiError {
    ApiError::Invalid(FieldError {
        field: field.to_owned(),
        reason: reason.to_owned(),
    })
}

async fn agencies(
    who: CurrentActor,
    req: &HttpRequest,
    state: &web::Data<AppState>,
    filter: DirectoryFilter,
) -> Result<Vec<AgencyView>, ApiError> {
    let ctx = request_context(req, state);
    blocking(state, move |conn, now| {
        Ok(directory(conn, &who.0, filter, &ctx, now)?)
    })
    .await
}

/// `GET /fhir/R4/Organization/{id}`: an active agency of the directory.
pub async fn read_organization(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<AgencyId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let found = agencies(who, &req, &state, DirectoryFilter::default())
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(ApiError::NotFound)?;
    Ok(resource(StatusCode::OK, &organization(&found)))
}

/// `GET /fhir/R4/Organization?…`: `type` (an agency kind), `name` (a part of it, any
/// case), `_count`, `_page`.
pub async fn search_organizations(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &["type", "name", "_count", "_page"])?;
    let kind = params
        .one("type")
        .map(|t| {
            let code = t.rsplit('|').next().unwrap_or(t);
            code.parse::<AgencyKind>()
                .map_err(|_| invalid("type", "expected an agency kind"))
        })
        .transpose()?;
    let name = params.one("name").map(str::to_lowercase);
    let count = params.count()?;
    let filter = DirectoryFilter { kind, region: None };
    let entries = agencies(who, &req, &state, filter)
        .await?
        .iter()
        .filter(|a| {
            name.as_ref()
                .is_none_or(|n| a.name.to_lowercase().contains(n))
        })
        .map(|a| Entry::of("Organization", &a.id.to_string(), organization(a)))
        .collect();
    let (entries, next) = page_of(entries, count, params.one("_page"))?;
    let bundle = searchset(
        &req,
        "Organization",
        &params.canonical(),
        entries,
        next.as_deref(),
        count,
    );
    Ok(resource(StatusCode::OK, &bundle))
}
