//! `/api/v1/monitor/offenders`: the analyst's offender tables — the funnel from
//! registration to conviction, the durations, the sentences and the link between
//! victims and suspects — as JSON or CSV with their definitions, after disclosure
//! control. Every other role is answered 404; every reading is audited.

use crate::auth::{CurrentActor, request_context};
use crate::monitor_api::{Format, respond, table};
use crate::problem::Problem;
use crate::{ApiError, AppState, ProblemKind};
use actix_web::{HttpResponse, web};
use schakel_monitor::offenders::{OffenderTable, offender_table};
use serde::Deserialize;
use utoipa::IntoParams;

/// The most years one offender table spans.
pub const MAX_YEARS: u16 = 20;

/// Which offender table.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OffendersQuery {
    /// `funnel`, `durations`, `sentences` or `victims`.
    #[param(pattern = r"^(funnel|durations|sentences|victims)$")]
    pub table: String,
    /// The first year.
    #[param(minimum = 1900, maximum = 2999)]
    pub from: u16,
    /// The last year (at most 20 years after `from`).
    #[param(minimum = 1900, maximum = 2999)]
    pub to: u16,
    /// `json` (default) or `csv`.
    #[param(inline)]
    pub format: Option<Format>,
}

/// An offender table over whole years, after disclosure control.
#[utoipa::path(get, path = "/api/v1/monitor/offenders", tag = "monitor", params(OffendersQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The table with its definitions (JSON, or CSV with `format=csv`)", content(
            (Object = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "An unknown table, or years out of order or more than 20 apart", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "Not an analyst", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn offenders_handler(
    state: web::Data<AppState>,
    who: CurrentActor,
    req: actix_web::HttpRequest,
    q: web::Query<OffendersQuery>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let q = q.into_inner();
    let bad = || ApiError::Problem(ProblemKind::BadRequest);
    let kind = OffenderTable::parse(&q.table).ok_or_else(bad)?;
    let (from, to) = (q.from, q.to);
    if !(1900..=2999).contains(&from) || !(from..=from + MAX_YEARS - 1).contains(&to) {
        return Err(bad());
    }
    let rules = state.monitor.rules;
    let details = serde_json::json!({ "table": kind.as_str(), "from": from, "to": to });
    let t = table(
        state,
        who,
        ctx,
        "monitor.offenders",
        details,
        move |_, c| offender_table(c, kind, from, to, rules),
    )
    .await?;
    respond(&t, q.format)
}

/// The `/monitor/offenders` route.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/monitor/offenders").route(web::get().to(offenders_handler)));
}
