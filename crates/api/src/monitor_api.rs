//! `/api/v1/monitor/*`: the analyst's tables — counts, the flow matrix and the overlap
//! of agency kinds — as JSON or CSV, each with its definitions. Every other role is
//! answered 404; every reading is audited, the overlap with its purpose.

use crate::auth::{CurrentActor, request_context};
use crate::blocking::blocking;
use crate::problem::Problem;
use crate::{ApiError, AppState, ProblemKind};
use actix_web::{HttpResponse, web};
use schakel_auth::admin::monitor_access::read_monitor;
use schakel_monitor::query::QueryError;
use schakel_monitor::{Cube, Dimension, Grain, Measure, Month, PeriodRange, Table};
use schakel_store::DbConn;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// JSON (the default) or CSV.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// `application/json`.
    #[default]
    Json,
    /// `text/csv`, the definitions as leading `# key: value` lines.
    Csv,
}

/// Which counts table.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CountsQuery {
    /// What to count: `persons`, `signals`, or `referrals_<state>` (`sent`, `accepted`,
    /// `declined`, `redirected`, `withdrawn`, `completed`, `expired`).
    #[param(
        max_length = 32,
        pattern = r"^(persons|signals|referrals_(sent|accepted|declined|redirected|withdrawn|completed|expired))$"
    )]
    pub measure: String,
    /// Up to three dimensions, comma-separated: `period`, `exploitation_form`,
    /// `agency_kind`, `region`, `age_band`, `gender`, `nationality_group`,
    /// `reporting_basis`. None: one grand total.
    #[param(
        max_length = 100,
        pattern = r"^((period|exploitation_form|agency_kind|region|age_band|gender|nationality_group|reporting_basis)(,(period|exploitation_form|agency_kind|region|age_band|gender|nationality_group|reporting_basis)){0,2})?$"
    )]
    pub by: Option<String>,
    /// The grain of `period`: `month`, `quarter` (default) or `year`.
    #[param(value_type = Option<String>, pattern = r"^(month|quarter|year)$")]
    pub grain: Option<Grain>,
    /// First month, `YYYY-MM`.
    #[param(pattern = r"^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])$")]
    pub from: String,
    /// Last month, `YYYY-MM` (at most 20 years after `from`).
    #[param(pattern = r"^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])$")]
    pub to: String,
    /// `json` (default) or `csv`.
    #[param(inline)]
    pub format: Option<Format>,
}

/// Which flow matrix.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FlowsQuery {
    /// First month, `YYYY-MM`.
    #[param(pattern = r"^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])$")]
    pub from: String,
    /// Last month, `YYYY-MM`.
    #[param(pattern = r"^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])$")]
    pub to: String,
    /// `json` (default) or `csv`.
    #[param(inline)]
    pub format: Option<Format>,
}

/// Why the exact overlap table is needed; recorded in the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OverlapPurpose {
    /// Estimating the hidden number of victims (multiple systems estimation).
    MultipleSystemsEstimation,
    /// Checking the quality of registrations across agencies.
    QualityAssurance,
    /// Preparing the Rapporteur's published report.
    Reporting,
}

impl OverlapPurpose {
    fn as_str(self) -> &'static str {
        match self {
            OverlapPurpose::MultipleSystemsEstimation => "multiple_systems_estimation",
            OverlapPurpose::QualityAssurance => "quality_assurance",
            OverlapPurpose::Reporting => "reporting",
        }
    }
}

/// Which overlap table, and why.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OverlapQuery {
    /// The calendar year.
    #[param(minimum = 1900, maximum = 2999)]
    pub year: u16,
    /// `multiple_systems_estimation`, `quality_assurance` or `reporting`.
    #[param(inline)]
    pub purpose: OverlapPurpose,
    /// `json` (default) or `csv`.
    #[param(inline)]
    pub format: Option<Format>,
}

fn bad() -> ApiError {
    ApiError::Problem(ProblemKind::BadRequest)
}

fn month(s: &str) -> Result<Month, ApiError> {
    Month::parse(s).ok_or_else(bad)
}

fn range(from: &str, to: &str, grain: Grain) -> Result<PeriodRange, ApiError> {
    PeriodRange::new(month(from)?, month(to)?, grain).ok_or_else(bad)
}

fn query_failed(e: QueryError) -> ApiError {
    match e {
        QueryError::TooManyDimensions => ApiError::Problem(ProblemKind::TooManyDimensions),
        QueryError::Store(s) => ApiError::Store(s),
    }
}

/// Checks the actor and audits the reading on the operational database, then makes the
/// table from the in-memory copy of the monitor's facts, brought up to date first.
pub(crate) async fn table<F>(
    state: web::Data<AppState>,
    who: CurrentActor,
    ctx: schakel_auth::RequestContext,
    code: &'static str,
    details: serde_json::Value,
    make: F,
) -> Result<Table, ApiError>
where
    F: FnOnce(&Cube, &mut DbConn) -> Result<Table, QueryError> + Send + 'static,
{
    blocking(&state, move |conn, now| {
        Ok(read_monitor(conn, &who.0, code, details, &ctx, now)?)
    })
    .await?;
    let monitor = state.monitor.pool.clone();
    let cube = state.monitor.cube.clone();
    blocking(&state, move |conn, _| match monitor {
        Some(pool) => {
            let mut c = schakel_store::get_conn(&pool)?;
            make(&cube, &mut c).map_err(query_failed)
        }
        None => make(&cube, conn).map_err(query_failed),
    })
    .await
}

pub(crate) fn respond(table: &Table, format: Option<Format>) -> Result<HttpResponse, ApiError> {
    match format.unwrap_or_default() {
        Format::Json => Ok(HttpResponse::Ok().json(table)),
        Format::Csv => {
            let body = table
                .to_csv()
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok(HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .body(body))
        }
    }
}

/// A counts table: a measure grouped by up to three dimensions, after disclosure control.
#[utoipa::path(get, path = "/api/v1/monitor/counts", tag = "monitor", params(CountsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The table with its definitions (JSON, or CSV with `format=csv`)", content(
            (Object = "application/json"),
            (String = "text/csv"),
        )),
        (status = 404, description = "Not an analyst", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn counts_handler(
    state: web::Data<AppState>,
    who: CurrentActor,
    req: actix_web::HttpRequest,
    q: web::Query<CountsQuery>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let q = q.into_inner();
    let measure = Measure::parse(&q.measure).ok_or_else(bad)?;
    let dims = match q.by.as_deref() {
        None | Some("") => Vec::new(),
        Some(list) => list
            .split(',')
            .map(|d| Dimension::parse(d).ok_or_else(bad))
            .collect::<Result<Vec<_>, _>>()?,
    };
    let range = range(&q.from, &q.to, q.grain.unwrap_or(Grain::Quarter))?;
    let rules = state.monitor.rules;
    let details = serde_json::json!({
        "measure": measure.as_str(),
        "by": dims.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
        "from": q.from, "to": q.to,
    });
    let t = table(
        state,
        who,
        ctx,
        "monitor.counts",
        details,
        move |cube, c| cube.counts(c, measure, &dims, &range, rules),
    )
    .await?;
    respond(&t, q.format)
}

/// The flow matrix between agency kinds, after disclosure control.
#[utoipa::path(get, path = "/api/v1/monitor/flows", tag = "monitor", params(FlowsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The matrix with its definitions (JSON, or CSV with `format=csv`)", content(
            (Object = "application/json"),
            (String = "text/csv"),
        )),
        (status = 404, description = "Not an analyst", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn flows_handler(
    state: web::Data<AppState>,
    who: CurrentActor,
    req: actix_web::HttpRequest,
    q: web::Query<FlowsQuery>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let q = q.into_inner();
    let r = range(&q.from, &q.to, Grain::Month)?;
    let rules = state.monitor.rules;
    let details = serde_json::json!({ "from": q.from, "to": q.to });
    let t = table(state, who, ctx, "monitor.flows", details, move |cube, c| {
        cube.flows(c, r.from, r.to, rules)
    })
    .await?;
    respond(&t, q.format)
}

/// The exact overlap table of a year: distinct persons per combination of agency kinds
/// that recorded them. No disclosure control; every request is audited with its purpose.
#[utoipa::path(get, path = "/api/v1/monitor/overlap", tag = "monitor", params(OverlapQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The table with its definitions (JSON, or CSV with `format=csv`)", content(
            (Object = "application/json"),
            (String = "text/csv"),
        )),
        (status = 404, description = "Not an analyst", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn overlap_handler(
    state: web::Data<AppState>,
    who: CurrentActor,
    req: actix_web::HttpRequest,
    q: web::Query<OverlapQuery>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let q = q.into_inner();
    if !(1900..=2999).contains(&q.year) {
        return Err(bad());
    }
    let year = q.year;
    let details = serde_json::json!({ "year": year, "purpose": q.purpose.as_str() });
    let t = table(
        state,
        who,
        ctx,
        "monitor.overlap",
        details,
        move |cube, c| cube.overlap(c, year),
    )
    .await?;
    respond(&t, q.format)
}

/// The `/monitor` routes.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/monitor/counts").route(web::get().to(counts_handler)))
        .service(web::resource("/monitor/flows").route(web::get().to(flows_handler)))
        .service(web::resource("/monitor/overlap").route(web::get().to(overlap_handler)));
}
