//! `GET /api/v1/monitor/estimate`: the multiple systems estimate of how many persons no
//! agency saw, from the monitor's overlap of lists (groups of agency kinds) over whole
//! years, optionally for one stratum. Only analysts; every estimate is audited with
//! what was asked before it is made. What is answered is the estimate with its model
//! and intervals and the overlap table after disclosure control, never the exact table.

use crate::auth::{CurrentActor, request_context};
use crate::blocking::blocking;
use crate::invalid::FieldError;
use crate::monitor_api::Format;
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::{HttpResponse, web};
use schakel_auth::admin::monitor_access::read_monitor;
use schakel_monitor::estimate::{Lists, PeriodEstimate, Request, Stratum};
use schakel_monitor::mse::{self, Method, Model, Options, Resampling};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// How the model is chosen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EstimateMethod {
    /// Stepwise by significance (`threshold`), as the R package SparseMSE.
    #[default]
    Stepwise,
    /// Main effects only: the lists independent.
    Independence,
    /// The smallest BIC a downhill search over two-list models reaches.
    Bic,
    /// The model named in `model`.
    Fixed,
}

/// Which estimate.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EstimateQuery {
    /// First calendar year.
    #[param(minimum = 1900, maximum = 2999)]
    pub from: u16,
    /// Last calendar year (at most 20 years after `from`).
    #[param(minimum = 1900, maximum = 2999)]
    pub to: u16,
    /// The lists: `name=kind+kind;name=kind…`, each agency kind in at most one list
    /// (2 to 10 lists). Default: police_inspectorates, care_coordination, shelters,
    /// municipalities, ngos, other.
    #[param(max_length = 1000, pattern = r"^[a-z0-9_=+;-]*$")]
    pub lists: Option<String>,
    /// One stratum: `age_band:<code>`, `gender:<code>` or `exploitation_form:<code>`.
    #[param(
        max_length = 64,
        pattern = r"^(age_band|gender|exploitation_form):[a-z0-9_+-]+$"
    )]
    pub stratum: Option<String>,
    /// `stepwise` (default), `independence`, `bic` or `fixed`.
    #[param(inline)]
    pub method: Option<EstimateMethod>,
    /// With `method=fixed`: the interactions by the lists' names, `a:b+c:d`.
    #[param(max_length = 1000, pattern = r"^[a-z0-9_:+,-]*$")]
    pub model: Option<String>,
    /// The stepwise method's significance threshold (default 0.02).
    #[param(minimum = 0.0, maximum = 1.0)]
    pub threshold: Option<f64>,
    /// Bootstrap resamples for the interval over the choice of model (0, the default:
    /// none; 1000 as published; at most 2000).
    #[param(minimum = 0, maximum = 2000)]
    pub bootstrap: Option<u32>,
    /// The bootstrap's seed (default 1234).
    #[param(minimum = 0)]
    pub seed: Option<u64>,
    /// `json` (default) or `csv`.
    #[param(inline)]
    pub format: Option<Format>,
}

fn invalid(field: &'static str, reason: &'static str) -> ApiError {
    ApiError::Invalid(FieldError::named(field, reason))
}

/// The request the query describes, or the parameter at fault.
fn request_of(q: &EstimateQuery) -> Result<Request, ApiError> {
    if !(1900..=2999).contains(&q.from) || !(1900..=2999).contains(&q.to) {
        return Err(invalid("from", "expected years from 1900 to 2999"));
    }
    if q.to < q.from || q.to - q.from > 20 {
        return Err(invalid(
            "to",
            "expected a year from `from` to 20 years after it",
        ));
    }
    let lists = match q.lists.as_deref() {
        None | Some("") => Lists::defaults(),
        Some(spec) => Lists::parse(spec).map_err(|_| {
            invalid(
                "lists",
                "expected name=kind+kind;… with names of letters, digits, _ or -, known agency kinds, each kind in one list",
            )
        })?,
    };
    let n = lists.names().len();
    if !(mse::MIN_LISTS..=mse::MAX_LISTS).contains(&n) {
        return Err(invalid("lists", "expected 2 to 10 lists"));
    }
    let stratum = match q.stratum.as_deref() {
        None | Some("") => None,
        Some(s) => Some(Stratum::parse(s).ok_or_else(|| {
            invalid(
                "stratum",
                "expected age_band:, gender: or exploitation_form: and a code of it",
            )
        })?),
    };
    let threshold = q.threshold.unwrap_or(mse::DEFAULT_THRESHOLD);
    if !(0.0..=1.0).contains(&threshold) {
        return Err(invalid("threshold", "expected a probability from 0 to 1"));
    }
    let method = match q.method.unwrap_or_default() {
        EstimateMethod::Stepwise => Method::Stepwise { threshold },
        EstimateMethod::Independence => Method::Independence,
        EstimateMethod::Bic => Method::Bic,
        EstimateMethod::Fixed => Method::Fixed(
            Model::parse(q.model.as_deref().unwrap_or(""), &lists.names()).map_err(|_| {
                invalid(
                    "model",
                    "expected interactions a:b of the lists' names, joined by +",
                )
            })?,
        ),
    };
    let replicates = q.bootstrap.unwrap_or(0);
    if replicates > 2000 {
        return Err(invalid("bootstrap", "expected 0 to 2000 resamples"));
    }
    let bootstrap = (replicates > 0).then(|| Resampling {
        replicates: usize::try_from(replicates).unwrap_or(0),
        seed: q.seed.unwrap_or(1234),
    });
    Ok(Request {
        lists,
        from_year: q.from,
        to_year: q.to,
        stratum,
        options: Options {
            method,
            level: 0.95,
            bootstrap,
        },
    })
}

/// The estimate of `r`, audited first (`monitor.estimate`), made from the monitor's
/// copy outside the request's thread.
pub(crate) async fn estimated(
    state: web::Data<AppState>,
    who: CurrentActor,
    ctx: schakel_auth::RequestContext,
    r: Request,
) -> Result<PeriodEstimate, ApiError> {
    let details = r.audit_details("api");
    blocking(&state, move |conn, now| {
        Ok(read_monitor(
            conn,
            &who.0,
            "monitor.estimate",
            details,
            &ctx,
            now,
        )?)
    })
    .await?;
    let monitor = state.monitor.pool.clone();
    let cube = state.monitor.cube.clone();
    let rules = state.monitor.rules;
    blocking(&state, move |conn, _| {
        let made = match monitor {
            Some(pool) => {
                let mut c = schakel_store::get_conn(&pool)?;
                cube.estimate(&mut c, &r, rules)
            }
            None => cube.estimate(conn, &r, rules),
        };
        made.map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await
}

/// The multiple systems estimate of the persons no agency saw, with its model, its
/// intervals and the overlap table after disclosure control; `refused` says why an
/// estimate could not be made (the table is still answered).
#[utoipa::path(get, path = "/api/v1/monitor/estimate", tag = "monitor", params(EstimateQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The estimate (JSON, or CSV with `format=csv`)", content(
            (Object = "application/json"),
            (String = "text/csv"),
        )),
        (status = 404, description = "Not an analyst", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A parameter is not valid", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn estimate_handler(
    state: web::Data<AppState>,
    who: CurrentActor,
    req: actix_web::HttpRequest,
    q: web::Query<EstimateQuery>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let q = q.into_inner();
    let r = request_of(&q)?;
    let e = estimated(state, who, ctx, r).await?;
    match q.format.unwrap_or_default() {
        Format::Json => Ok(HttpResponse::Ok().json(&e)),
        Format::Csv => {
            let body = e.to_csv().map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok(HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .body(body))
        }
    }
}

/// The estimate's route.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/monitor/estimate").route(web::get().to(estimate_handler)));
}
