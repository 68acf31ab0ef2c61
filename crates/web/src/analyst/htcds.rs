//! `GET /analyst/htcds.csv`: the monitor's record-level export in the fields of the
//! CTDC global dataset (HTCDS), exactly the API's CSV (`GET /api/v1/monitor/htcds`),
//! as a file to save, for the whole years of the dashboard's export form. Only
//! analysts; anyone else is answered 404 and the attempt audited (`monitor.export`).
//! The export is audited before it is made, as the API audits it (years, k, format)
//! with the view `csv`. Years that cannot be read answer 422 with a page saying so and
//! read nothing. This module makes no record of its own: the monitor does.

use super::analyst_reading;
use super::offenders_years::{YearsQuery, years_of};
use crate::WebState;
use crate::forms::Failure;
use crate::pages::{Nav, error_page, internal, not_found};
use crate::session::{Viewer, context};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_auth::admin::monitor_access::read_monitor;
use schakel_monitor::htcds::{Export, Years};

/// The audit code of every export, the API's.
const CODE: &str = "monitor.export";

/// What an export ended in.
enum Made {
    Export(Box<Export>),
    Denied,
}

/// The years of the form as sent (the first of each field).
fn asked(pairs: &[(String, String)]) -> YearsQuery {
    let first = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    YearsQuery::new(first("from"), first("to"))
}

/// The CSV `export` as a file to save, with its counts in headers as the API gives them.
fn attachment(export: &Export) -> HttpResponse {
    let body = match export.to_csv() {
        Ok(body) => body,
        Err(e) => return internal(&e.to_string()),
    };
    let file = format!(
        "schakel-htcds-{}-{}.csv",
        export.period.from, export.period.to
    );
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(file)],
        })
        .insert_header(("export-k", export.k.get().to_string()))
        .insert_header(("export-records-total", export.records_total.to_string()))
        .insert_header((
            "export-records-suppressed",
            export.records_suppressed.to_string(),
        ))
        .body(body)
}

/// Audits the export of `years`, then makes it from the monitor's copy.
async fn make(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    years: Years,
) -> Result<Made, Failure> {
    let (st, ctx, actor) = (state.clone(), context(req), v.actor);
    web::block(move || {
        let mut conn = schakel_store::get_conn(&st.pool)?;
        let k = st.monitor.export_k;
        let details = serde_json::json!({
            "from": years.from, "to": years.to, "k": k.get(), "format": "csv", "view": "csv",
        });
        if let Err(e) = read_monitor(&mut conn, &actor, CODE, details, &ctx, st.clock.now()) {
            return match Failure::from(e) {
                Failure::Hidden | Failure::Forbidden => Ok(Made::Denied),
                other => Err(other),
            };
        }
        let export = match &st.monitor.pool {
            Some(pool) => {
                let mut own = schakel_store::get_conn(pool)?;
                st.monitor.cube.htcds(&mut own, years, k)
            }
            None => st.monitor.cube.htcds(&mut conn, years, k),
        };
        export
            .map(|e| Made::Export(Box::new(e)))
            .map_err(Failure::from)
    })
    .await?
}

/// `GET /analyst/htcds.csv?from=YYYY&to=YYYY`: the export as CSV.
pub async fn htcds_csv(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<Vec<(String, String)>>,
) -> HttpResponse {
    let v = match analyst_reading(&req, &state, CODE).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let current = {
        use chrono::Datelike;
        u16::try_from(state.clock.now().year()).unwrap_or(2026)
    };
    let years = years_of(&asked(&q), current)
        .ok()
        .and_then(|y| Years::new(y.from, y.to).ok());
    let Some(years) = years else {
        let (t, nav) = (v.texts(), Some(Nav::of(&v)));
        return error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            t,
            nav,
            "htcds.invalid_years",
        );
    };
    let made = make(&req, &state, &v, years).await;
    match made {
        Ok(Made::Export(export)) => attachment(&export),
        Ok(Made::Denied) => not_found(v.texts(), Some(Nav::of(&v))),
        Err(e) => e.page(&v),
    }
}
