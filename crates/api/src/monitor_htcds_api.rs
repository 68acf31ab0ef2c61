//! `GET /api/v1/monitor/htcds`: the monitor's record-level export in the field layout
//! of the CTDC global dataset (the Human Trafficking Case Data Standard as CTDC
//! publishes it): one record per person of the whole years asked for, k-anonymous
//! under `monitor.export_k`, as JSON or CSV. Only analysts; every other role is
//! answered 404, as for the monitor's tables. Every export is audited
//! (`monitor.export`, with the years, k and format) before it is made; a refusal too.

use crate::auth::{CurrentActor, request_context};
use crate::blocking::blocking;
use crate::invalid::FieldError;
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, HttpResponseBuilder, web};
use schakel_auth::admin::monitor_access::read_monitor;
use schakel_monitor::htcds::{Export, Years, YearsError};
use schakel_monitor::query::QueryError;
use serde::Deserialize;
use utoipa::IntoParams;

/// Which export.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HtcdsQuery {
    /// The first calendar year, `YYYY` (1900 to 2999).
    #[param(pattern = r"^[0-9]{4}$")]
    pub from: String,
    /// The last calendar year, `YYYY`: from `from` to 19 years after it (at most 20
    /// years).
    #[param(pattern = r"^[0-9]{4}$")]
    pub to: String,
    /// `json` (default) or `csv` (the CTDC columns as the header, one row per record).
    #[param(pattern = r"^(json|csv)$")]
    pub format: Option<String>,
}

/// JSON or CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Json,
    Csv,
}

fn invalid(field: &'static str, reason: &'static str) -> ApiError {
    ApiError::Invalid(FieldError::named(field, reason))
}

/// The years and the form `q` asks for, or the parameter at fault.
fn asked(q: &HtcdsQuery) -> Result<(Years, Form), ApiError> {
    const YEAR: &str = "expected a year, YYYY, 1900 to 2999";
    let year = |text: &str, field| {
        let digits = text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit());
        digits
            .then(|| text.parse::<u16>().ok())
            .flatten()
            .ok_or_else(|| invalid(field, YEAR))
    };
    let years = Years::new(year(&q.from, "from")?, year(&q.to, "to")?).map_err(|e| match e {
        YearsError::From => invalid("from", YEAR),
        YearsError::To => invalid(
            "to",
            "expected a year from `from` to 19 years after it (at most 20 years)",
        ),
    })?;
    let form = match q.format.as_deref() {
        None | Some("json") => Form::Json,
        Some("csv") => Form::Csv,
        Some(_) => return Err(invalid("format", "expected one of: json, csv")),
    };
    Ok((years, form))
}

fn query_failed(e: QueryError) -> ApiError {
    match e {
        QueryError::Store(s) => ApiError::Store(s),
        other => ApiError::Internal(other.to_string()),
    }
}

/// The answer: the export with its counts in headers too (for the CSV, which has none
/// of its definitions).
fn respond(export: &Export, form: Form) -> Result<HttpResponse, ApiError> {
    let mut res = HttpResponse::Ok();
    counts(&mut res, export);
    match form {
        Form::Json => Ok(res.json(export)),
        Form::Csv => {
            let body = export
                .to_csv()
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            let file = format!(
                "schakel-htcds-{}-{}.csv",
                export.period.from, export.period.to
            );
            Ok(res
                .content_type("text/csv; charset=utf-8")
                .insert_header(ContentDisposition {
                    disposition: DispositionType::Attachment,
                    parameters: vec![DispositionParam::Filename(file)],
                })
                .body(body))
        }
    }
}

fn counts(res: &mut HttpResponseBuilder, export: &Export) {
    res.insert_header(("export-k", export.k.get().to_string()))
        .insert_header(("export-records-total", export.records_total.to_string()))
        .insert_header((
            "export-records-suppressed",
            export.records_suppressed.to_string(),
        ));
}

/// The monitor's facts of the whole years asked for as HTCDS records, one per person,
/// k-anonymous: generalised up a fixed ladder, the records still in a class below k
/// suppressed and counted.
#[utoipa::path(get, path = "/api/v1/monitor/htcds", tag = "monitor", params(HtcdsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The export: JSON (`standard`, `source`, `k`, `period`, `records_total`, `records_suppressed`, `generalisation`, `quasi_identifiers`, `empty_fields`, `records`), or with `format=csv` the CTDC columns as the header and one row per record (an attachment)", content(
            (Object = "application/json"),
            (String = "text/csv"),
        ), headers(
            ("export-k" = u32, description = "The k every class of quasi-identifiers holds at least"),
            ("export-records-total" = u64, description = "The persons of the years: the records before suppression"),
            ("export-records-suppressed" = u64, description = "The records left out: in a class below k at every step of the ladder"),
        )),
        (status = 400, description = "A parameter missing, unknown or given twice", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "Not an analyst", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A year that is not one, years out of order or more than 20, an unknown format: `invalid_body` naming the parameter", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn htcds_handler(
    state: web::Data<AppState>,
    who: CurrentActor,
    req: actix_web::HttpRequest,
    q: web::Query<HtcdsQuery>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let (years, form) = asked(&q)?;
    let k = state.monitor.export_k;
    let details = serde_json::json!({
        "from": years.from, "to": years.to, "k": k.get(),
        "format": if form == Form::Csv { "csv" } else { "json" },
    });
    let (monitor, cube) = (state.monitor.pool.clone(), state.monitor.cube.clone());
    let export = blocking(&state, move |conn, now| {
        read_monitor(conn, &who.0, "monitor.export", details, &ctx, now)?;
        let made = match monitor {
            Some(pool) => cube.htcds(&mut *schakel_store::get_conn(&pool)?, years, k),
            None => cube.htcds(conn, years, k),
        };
        made.map_err(query_failed)
    })
    .await?;
    respond(&export, form)
}

/// The export's route.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/monitor/htcds").route(web::get().to(htcds_handler)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(from: &str, to: &str, format: Option<&str>) -> HtcdsQuery {
        HtcdsQuery {
            from: from.into(),
            to: to.into(),
            format: format.map(Into::into),
        }
    }

    fn field(r: Result<(Years, Form), ApiError>) -> String {
        match r {
            Err(e) => e.field_errors()[0].field.clone(),
            Ok(_) => String::new(),
        }
    }

    #[test]
    fn each_bad_parameter_is_named() {
        let (years, form) = asked(&q("2025", "2026", Some("csv"))).unwrap();
        assert_eq!((years.from, years.to, form), (2025, 2026, Form::Csv));
        assert_eq!(asked(&q("2026", "2026", None)).unwrap().1, Form::Json);
        for (from, to, format, at) in [
            ("twee", "2026", None, "from"),
            ("+202", "2026", None, "from"),
            ("1899", "1900", None, "from"),
            ("2026", "2025", None, "to"),
            ("2000", "2020", None, "to"),
            ("2026", "26", None, "to"),
            ("2026", "2026", Some("xml"), "format"),
        ] {
            assert_eq!(
                field(asked(&q(from, to, format))),
                at,
                "{from} {to} {format:?}"
            );
        }
    }
}
