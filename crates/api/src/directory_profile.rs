//! `/api/v1/directory/agencies/{id}/profile`: what an agency says of itself — services,
//! eligibility, languages, regions served, reachability and free places. Whoever may
//! refer reads it; the agency's own coordinators keep it (`PUT` with `If-Match`, `"0"`
//! for an agency that kept none yet). No client's data is in it.

use crate::admin::{blocking, if_match, with_etag};
use crate::auth::{CurrentActor, request_context};
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Duration, Utc};
use schakel_auth::admin::profiles::{self as uc, ProfileInput};
use schakel_domain::{
    AgeBand, AgencyId, Eligibility, ExploitationForm, Gender, NationalityGroup, Region, Service,
    UserId,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Whom an agency takes; an empty list takes everyone on that count.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EligibilityBody {
    /// Age bands taken.
    #[serde(default)]
    #[schema(value_type = Vec<String>, example = json!(["18-22", "23-29"]))]
    pub age_bands: Vec<AgeBand>,
    /// Genders taken.
    #[serde(default)]
    #[schema(value_type = Vec<String>, example = json!(["female"]))]
    pub genders: Vec<Gender>,
    /// Nationality groups taken.
    #[serde(default)]
    #[schema(value_type = Vec<String>, example = json!(["eu_eea_ch", "non_eu"]))]
    pub nationality_groups: Vec<NationalityGroup>,
    /// Forms of exploitation worked with.
    #[serde(default)]
    #[schema(value_type = Vec<String>, example = json!(["sexual", "labour"]))]
    pub forms: Vec<ExploitationForm>,
    /// What the lists cannot say (at most 1000 characters).
    #[serde(default)]
    pub note: Option<String>,
}

/// Places in total and free.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlacesBody {
    /// Places in total (at most 100000).
    pub total: u32,
    /// Places free (at most the total).
    pub free: u32,
}

/// A profile as its coordinators keep it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileBody {
    /// Services offered.
    #[serde(default)]
    #[schema(value_type = Vec<String>, example = json!(["shelter_places", "psychological_care"]))]
    pub services: Vec<Service>,
    /// Whom the agency takes.
    #[serde(default)]
    pub eligibility: EligibilityBody,
    /// Languages spoken: ISO 639 codes (two or three letters).
    #[serde(default)]
    #[schema(example = json!(["nl", "en", "ro"]))]
    pub languages: Vec<String>,
    /// Regions served besides the agency's own.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub regions: Vec<Region>,
    /// When professionals can reach the agency (at most 200 characters).
    #[serde(default)]
    pub hours: Option<String>,
    /// A telephone number for professionals: digits, spaces, `+ - ( )`.
    #[serde(default)]
    pub phone: Option<String>,
    /// Whether the hours and the number may appear in the open directory export.
    #[serde(default)]
    pub contact_public: bool,
    /// Places, where the agency has them.
    #[serde(default)]
    pub places: Option<PlacesBody>,
    /// Report the places anew even when they are unchanged (a fresh count).
    #[serde(default)]
    pub places_confirmed: bool,
}

/// The free places as last reported.
#[derive(Debug, Serialize, ToSchema)]
pub struct CapacityResponse {
    /// Places in total.
    pub total: u32,
    /// Places free.
    pub free: u32,
    /// When the figure was reported.
    pub updated_at: DateTime<Utc>,
    /// Who reported it.
    pub updated_by: UserId,
    /// Their name.
    pub updated_by_name: Option<String>,
    /// Whether the figure is older than seven days.
    pub stale: bool,
}

/// An agency's profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileResponse {
    /// The agency.
    pub agency_id: AgencyId,
    /// Services offered.
    #[schema(value_type = Vec<String>)]
    pub services: Vec<Service>,
    /// Whom the agency takes.
    pub eligibility: EligibilityBody,
    /// Languages spoken.
    pub languages: Vec<String>,
    /// Regions served besides the agency's own.
    #[schema(value_type = Vec<String>)]
    pub regions: Vec<Region>,
    /// When professionals can reach the agency.
    pub hours: Option<String>,
    /// A telephone number for professionals.
    pub phone: Option<String>,
    /// Whether hours and number may appear in the open export.
    pub contact_public: bool,
    /// Places, where the agency reports them.
    pub capacity: Option<CapacityResponse>,
    /// The version to name in `If-Match` (0: the agency kept none yet).
    pub version: i64,
    /// When the profile last changed.
    pub updated_at: Option<DateTime<Utc>>,
}

fn response(v: uc::ProfileView, now: DateTime<Utc>, stale_after: Duration) -> ProfileResponse {
    let (p, by_name) = (v.profile, v.places_reported_by);
    ProfileResponse {
        agency_id: p.agency_id,
        services: p.services,
        eligibility: EligibilityBody {
            age_bands: p.eligibility.age_bands,
            genders: p.eligibility.genders,
            nationality_groups: p.eligibility.nationality_groups,
            forms: p.eligibility.forms,
            note: p.eligibility.note,
        },
        languages: p.languages,
        regions: p.regions,
        hours: p.hours,
        phone: p.phone,
        contact_public: p.contact_public,
        capacity: p.capacity.map(|c| CapacityResponse {
            total: c.total,
            free: c.free,
            updated_at: c.updated_at,
            updated_by: c.updated_by,
            updated_by_name: by_name,
            stale: c.is_stale(now, stale_after),
        }),
        version: p.version,
        updated_at: p.updated.map(|(at, _)| at),
    }
}

fn agency_id(path: &str) -> Result<AgencyId, ApiError> {
    path.parse().map_err(|_| ApiError::NotFound)
}

/// An agency's profile (caseworkers and coordinators).
#[utoipa::path(get, path = "/api/v1/directory/agencies/{id}/profile", tag = "directory",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Agency id")),
    responses(
        (status = 200, description = "The profile (empty lists for an agency that kept none)", body = ProfileResponse),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such active agency, or the role does not refer", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn get_profile_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = agency_id(&path)?;
    let ctx = request_context(&req, &state);
    let (profile, now) = blocking(&state, move |conn, now| {
        Ok((uc::read_profile(conn, &who.0, id, &ctx, now)?, now))
    })
    .await?;
    let version = profile.profile.version;
    Ok(with_etag(HttpResponse::Ok(), version).json(response(
        profile,
        now,
        state.workflow.places_stale_after,
    )))
}

/// Keep one's own agency's profile (its coordinators), from the version in `If-Match`.
#[utoipa::path(put, path = "/api/v1/directory/agencies/{id}/profile", tag = "directory",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "Agency id"),
        ("If-Match" = String, Header, description = "The profile's `ETag` (`\"0\"` for one never kept)"),
    ),
    request_body = ProfileBody,
    responses(
        (status = 200, description = "The profile as kept", body = ProfileResponse),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 403, description = "Not a coordinator of this agency", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "The id is not an agency's id", content_type = "application/problem+json", body = Problem),
        (status = 412, description = "The profile changed meanwhile", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A value is not valid (free places over the total, a malformed language code or number, text too long)", content_type = "application/problem+json", body = Problem),
        (status = 428, description = "No `If-Match`", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn put_profile_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: crate::body::Body<ProfileBody>,
) -> Result<HttpResponse, ApiError> {
    let id = agency_id(&path)?;
    let ctx = request_context(&req, &state);
    let version = if_match(&req);
    let b = body.into_inner()?;
    let input = ProfileInput {
        services: b.services,
        eligibility: Eligibility {
            age_bands: b.eligibility.age_bands,
            genders: b.eligibility.genders,
            nationality_groups: b.eligibility.nationality_groups,
            forms: b.eligibility.forms,
            note: b.eligibility.note,
        },
        languages: b.languages,
        regions: b.regions,
        hours: b.hours,
        phone: b.phone,
        contact_public: b.contact_public,
        places: b.places.map(|p| (p.total, p.free)),
        places_confirmed: b.places_confirmed,
    };
    let (profile, now) = blocking(&state, move |conn, now| {
        Ok((
            uc::keep_profile(conn, &who.0, id, version, &input, &ctx, now)?,
            now,
        ))
    })
    .await?;
    let version = profile.profile.version;
    Ok(with_etag(HttpResponse::Ok(), version).json(response(
        profile,
        now,
        state.workflow.places_stale_after,
    )))
}

/// The profile route (inside `/api/v1`).
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/directory/agencies/{id}/profile")
            .route(web::get().to(get_profile_handler))
            .route(web::put().to(put_profile_handler)),
    );
}
