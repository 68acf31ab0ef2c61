//! The analyst's multiple systems estimate: `GET /analyst/estimate` (the form, and the
//! estimate it asks for with its model, intervals, overlap table and chart), and the
//! same estimate as a download, `GET /analyst/estimate.csv` (the API's CSV) and
//! `GET /analyst/estimate.json` (the API's JSON). Only analysts; anyone else is
//! answered 404 and the attempt audited (`monitor.estimate`). Every estimate is audited
//! with what was asked before it is made, as the API audits it, the view (`page`,
//! `csv`, `json`) named; a first visit without a query shows the form alone and reads
//! nothing. A query that asks for no estimate (bad years, lists, stratum or model) shows
//! the form again with what is wrong (422) and reads nothing either.

use super::analyst_reading;
use super::estimate_form::{self, FormView};
use super::estimate_query::{Asked, request_of};
use super::estimate_view::{self, ResultView};
use crate::WebState;
use crate::forms::{Failure, Problems};
use crate::i18n::Texts;
use crate::pages::{Nav, html, internal, not_found};
use crate::session::{Viewer, context};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_auth::admin::monitor_access::read_monitor;
use schakel_monitor::estimate::{PeriodEstimate, Request};

/// How the estimate is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum View {
    Page,
    Csv,
    Json,
}

impl View {
    /// Its name in the audit entry.
    fn code(self) -> &'static str {
        match self {
            View::Page => "page",
            View::Csv => "csv",
            View::Json => "json",
        }
    }
}

#[derive(Template)]
#[template(path = "analyst_estimate.html")]
struct EstimatePage {
    t: Texts,
    nav: Option<Nav>,
    form: FormView,
    e: Problems,
    result: Option<ResultView>,
}

/// What asking for an estimate ended in.
enum Made {
    Estimate(Box<PeriodEstimate>),
    Denied,
}

/// The last calendar year before now: the period a first visit offers.
fn previous_year(now: chrono::DateTime<chrono::Utc>) -> u16 {
    use chrono::Datelike;
    u16::try_from(now.year() - 1).unwrap_or(2025)
}

/// Audits the request (`monitor.estimate`), then makes the estimate from the monitor's
/// copy, each on the blocking pool.
async fn estimated(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    r: Request,
    view: View,
) -> Result<Made, Failure> {
    let (st, ctx, actor) = (state.clone(), context(req), v.actor);
    let details = r.audit_details(view.code());
    let allowed = web::block(move || {
        let mut conn = schakel_store::get_conn(&st.pool)?;
        let now = st.clock.now();
        match read_monitor(&mut conn, &actor, "monitor.estimate", details, &ctx, now) {
            Ok(()) => Ok(true),
            Err(e) => match Failure::from(e) {
                Failure::Hidden | Failure::Forbidden => Ok(false),
                other => Err(other),
            },
        }
    })
    .await??;
    if !allowed {
        return Ok(Made::Denied);
    }
    let st = state.clone();
    web::block(move || {
        let pool = st.monitor.pool.as_ref().unwrap_or(&st.pool);
        let mut conn = schakel_store::get_conn(pool)?;
        st.monitor
            .cube
            .estimate(&mut conn, &r, st.monitor.rules)
            .map(|e| Made::Estimate(Box::new(e)))
            .map_err(Failure::from)
    })
    .await?
}

fn page(
    v: &Viewer,
    form: FormView,
    e: Problems,
    result: Option<ResultView>,
    status: StatusCode,
) -> HttpResponse {
    let page = EstimatePage {
        t: v.texts(),
        nav: Some(Nav::of(v)),
        form,
        e,
        result,
    };
    html(status, &page)
}

/// The estimate as a file to save.
fn download(e: &PeriodEstimate, view: View) -> HttpResponse {
    let (body, kind, ext) = match view {
        View::Csv => (
            e.to_csv().map_err(|e| e.to_string()),
            "text/csv; charset=utf-8",
            "csv",
        ),
        _ => (
            serde_json::to_string_pretty(e).map_err(|e| e.to_string()),
            "application/json",
            "json",
        ),
    };
    let body = match body {
        Ok(body) => body,
        Err(e) => return internal(&e),
    };
    let file = format!("schakel-estimate-{}-{}.{ext}", e.from_year, e.to_year);
    HttpResponse::Ok()
        .content_type(kind)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(file)],
        })
        .body(body)
}

/// The page or download of `view` for the query `pairs`.
async fn serve(
    req: HttpRequest,
    state: web::Data<WebState>,
    pairs: Vec<(String, String)>,
    view: View,
) -> HttpResponse {
    let v = match analyst_reading(&req, &state, "monitor.estimate").await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let t = v.texts();
    let year = previous_year(state.clock.now());
    let asked = Asked::new(pairs);
    let form = estimate_form::form(&t, &asked, year);
    if view == View::Page && asked.is_empty() {
        return page(&v, form, Problems::default(), None, StatusCode::OK);
    }
    let r = match request_of(&asked, year) {
        Ok(r) => r,
        Err(e) => return page(&v, form, e, None, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let e = match estimated(&req, &state, &v, r.clone(), view).await {
        Ok(Made::Estimate(e)) => e,
        Ok(Made::Denied) => return not_found(t, Some(Nav::of(&v))),
        Err(e) => return e.page(&v),
    };
    if view != View::Page {
        return download(&e, view);
    }
    let result = estimate_view::result(&t, &r, &e, state.monitor.rules);
    page(&v, form, Problems::default(), Some(result), StatusCode::OK)
}

/// `GET /analyst/estimate`: the form, and the estimate it asks for.
pub async fn estimate_page(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<Vec<(String, String)>>,
) -> HttpResponse {
    serve(req, state, q.into_inner(), View::Page).await
}

/// `GET /analyst/estimate.csv`: the estimate as the API's CSV.
pub async fn estimate_csv(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<Vec<(String, String)>>,
) -> HttpResponse {
    serve(req, state, q.into_inner(), View::Csv).await
}

/// `GET /analyst/estimate.json`: the estimate as the API's JSON.
pub async fn estimate_json(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<Vec<(String, String)>>,
) -> HttpResponse {
    serve(req, state, q.into_inner(), View::Json).await
}
