//! The analyst's dashboard: `GET /analyst` (a period and four panels, each a chart, its
//! table and its definitions), `GET /analyst/{table}.csv` (the same CSV as the API's) and
//! `GET /analyst/charts/{chart}.svg`. Only analysts; anyone else is answered 404, and
//! the attempt is audited. Every reading is audited before it is counted: a page view as
//! one entry naming the tables it shows (the charts are drawn into the page, so they
//! read nothing more), a CSV or a chart on its own as the API audits it; this module
//! makes no table of its own.
//!
//! Its parts: `panels` (the tables read and the charts drawn from them), `layout` (the
//! four panels), `view` (the tables laid out in words) and `charts` (the SVG drawing).
//! Beside the dashboard, `estimate` serves the multiple systems estimate
//! (`GET /analyst/estimate`, its CSV and JSON) from `estimate_query` (the form's query
//! read into a request), `estimate_request` (the request as a query again and as an
//! audit entry), `estimate_form` (the form shown), `estimate_view` and
//! `estimate_words` (the result in words), `estimate_chart` (its SVG) and `numbers`
//! (numbers as the page's language writes them). The offender tables page, `offenders`
//! (`GET /analyst/offenders` and each table's CSV), reads the monitor's offender
//! tables over the years of `offenders_years`, lays them out in `offenders_view`,
//! draws them in `offenders_chart` and puts each in its section in
//! `offenders_sections`. The dashboard's export form leads to `htcds`
//! (`GET /analyst/htcds.csv`, the monitor's HTCDS export of whole years).

mod charts;
pub(crate) mod estimate;
mod estimate_chart;
mod estimate_form;
mod estimate_query;
mod estimate_request;
mod estimate_view;
mod estimate_words;
pub(crate) mod htcds;
mod layout;
mod numbers;
pub(crate) mod offenders;
mod offenders_chart;
mod offenders_sections;
mod offenders_view;
mod offenders_years;
mod panels;
mod view;

use crate::WebState;
use crate::forms::Failure;
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html, internal, not_found};
use crate::session::{Viewer, context};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use layout::Panel;
use panels::{Chart, Source};
use schakel_auth::admin::monitor_access::read_monitor;
use schakel_domain::Role;
use schakel_monitor::{Grain, Month, PeriodRange, Table};
use serde::Deserialize;

/// The period asked for, as the form sends it.
#[derive(Debug, Deserialize)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

/// A checked period: first and last month.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Period {
    pub(crate) from: Month,
    pub(crate) to: Month,
}

impl Period {
    /// The period of the query; both months absent: the last two calendar years to now.
    fn of(q: &PeriodQuery, now: chrono::DateTime<chrono::Utc>) -> Option<Period> {
        use chrono::Datelike;
        let this = Month {
            year: u16::try_from(now.year()).ok()?,
            month: u8::try_from(now.month()).ok()?,
        };
        let (from, to) = match (q.from.as_deref(), q.to.as_deref()) {
            (None | Some(""), None | Some("")) => (
                Month {
                    year: this.year - 1,
                    month: 1,
                },
                this,
            ),
            (Some(f), Some(t)) => (Month::parse(f)?, Month::parse(t)?),
            _ => return None,
        };
        PeriodRange::new(from, to, Grain::Quarter).map(|_| Period { from, to })
    }

    /// The query string of links that keep this period.
    pub(crate) fn query(self) -> String {
        format!("from={}&to={}", self.from, self.to)
    }
}

/// What a reading ended in.
enum Read {
    Tables(Vec<Table>),
    Denied,
}

/// The audit entries of a reading: one for the dashboard page, naming every table it
/// shows (`monitor.dashboard`); one per table for a CSV or a chart on its own, as the
/// API audits it.
fn audited(
    sources: &[Source],
    period: Period,
    view: &'static str,
) -> Vec<(&'static str, serde_json::Value)> {
    if view == "page" {
        let tables: Vec<serde_json::Value> = sources
            .iter()
            .map(|s| {
                let mut d = s.details(period, view);
                if let serde_json::Value::Object(m) = &mut d {
                    m.remove("view");
                    m.remove("from");
                    m.remove("to");
                    m.insert("table".into(), s.name().into());
                }
                d
            })
            .collect();
        let details = serde_json::json!({
            "view": view,
            "from": period.from.to_string(),
            "to": period.to.to_string(),
            "tables": tables,
        });
        return vec![("monitor.dashboard", details)];
    }
    sources
        .iter()
        .map(|s| (s.code(), s.details(period, view)))
        .collect()
}

/// Audits the reading of the sources, then makes their tables from the monitor's copy.
async fn read(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    sources: Vec<Source>,
    period: Period,
    view: &'static str,
) -> Result<Read, Failure> {
    let (st, ctx, actor) = (state.clone(), context(req), v.actor);
    web::block(move || {
        let mut conn = schakel_store::get_conn(&st.pool)?;
        let now = st.clock.now();
        for (code, details) in audited(&sources, period, view) {
            match read_monitor(&mut conn, &actor, code, details, &ctx, now) {
                Ok(()) => {}
                Err(e) => match Failure::from(e) {
                    Failure::Hidden | Failure::Forbidden => return Ok(Read::Denied),
                    other => return Err(other),
                },
            }
        }
        let rules = st.monitor.rules;
        let mut own;
        let monitor = match &st.monitor.pool {
            Some(pool) => {
                own = schakel_store::get_conn(pool)?;
                &mut own
            }
            None => &mut conn,
        };
        let mut tables = Vec::with_capacity(sources.len());
        for s in &sources {
            let table = s.make(&st.monitor.cube, &mut *monitor, period, rules);
            tables.push(table?);
        }
        Ok(Read::Tables(tables))
    })
    .await?
}

/// The viewer if an analyst; otherwise the response (login, or 404 with the attempt
/// audited as the API audits it).
async fn analyst(req: &HttpRequest, state: &web::Data<WebState>) -> Result<Viewer, HttpResponse> {
    analyst_reading(req, state, "monitor.counts").await
}

/// The viewer if an analyst; otherwise the response (login, or 404 with the attempt
/// audited under `code`, the reading asked for).
async fn analyst_reading(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    code: &'static str,
) -> Result<Viewer, HttpResponse> {
    let v = complete_viewer(req, state).await?;
    if v.actor.role == Role::Analyst {
        return Ok(v);
    }
    let (st, ctx, actor) = (state.clone(), context(req), v.actor);
    let denied = web::block(move || {
        let mut conn = schakel_store::get_conn(&st.pool)?;
        let details = serde_json::json!({ "page": "analyst" });
        read_monitor(&mut conn, &actor, code, details, &ctx, st.clock.now())
            .err()
            .map_or(Ok(()), |e| match Failure::from(e) {
                Failure::Hidden | Failure::Forbidden => Ok(()),
                other => Err(other),
            })
    })
    .await
    .map_err(Failure::from);
    match denied.and_then(|done| done) {
        Ok(()) => Err(not_found(v.texts(), Some(Nav::of(&v)))),
        Err(e) => Err(e.page(&v)),
    }
}

#[derive(Template)]
#[template(path = "analyst.html")]
struct DashboardPage {
    t: Texts,
    nav: Option<Nav>,
    from: String,
    to: String,
    invalid: bool,
    panels: Vec<Panel>,
    /// The one legend of the suppressed cells.
    legend: String,
    /// The export form's years (those of the period) and what k it is anonymous under.
    export_from: String,
    export_to: String,
    export_k: String,
}

/// `GET /analyst`: the period form and the four panels.
pub async fn dashboard(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<PeriodQuery>,
) -> HttpResponse {
    let v = match analyst(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let t = v.texts();
    let k = state.monitor.export_k.get().to_string();
    let export_k = t.get("analyst.htcds.k").replace("{k}", &k);
    let Some(period) = Period::of(&q, state.clock.now()) else {
        let page = DashboardPage {
            t,
            nav: Some(Nav::of(&v)),
            from: q.from.clone().unwrap_or_default(),
            to: q.to.clone().unwrap_or_default(),
            invalid: true,
            panels: Vec::new(),
            legend: String::new(),
            export_from: String::new(),
            export_to: String::new(),
            export_k,
        };
        return html(StatusCode::BAD_REQUEST, &page);
    };
    let tables = match read(&req, &state, &v, Source::ALL.to_vec(), period, "page").await {
        Ok(Read::Tables(tables)) => tables,
        Ok(Read::Denied) => return not_found(t, Some(Nav::of(&v))),
        Err(e) => return e.page(&v),
    };
    let panels = layout::panels(&t, period, &tables);
    let legend = view::legend(&t, state.monitor.rules.threshold);
    html(
        StatusCode::OK,
        &DashboardPage {
            t,
            nav: Some(Nav::of(&v)),
            from: period.from.to_string(),
            to: period.to.to_string(),
            invalid: false,
            panels,
            legend,
            export_from: period.from.year(),
            export_to: period.to.year(),
            export_k,
        },
    )
}

/// `GET /analyst/{table}.csv`: one table as CSV, exactly as the API gives it.
pub async fn csv(
    req: HttpRequest,
    state: web::Data<WebState>,
    name: web::Path<String>,
    q: web::Query<PeriodQuery>,
) -> HttpResponse {
    let v = match analyst(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let (Some(source), Some(period)) = (Source::parse(&name), Period::of(&q, state.clock.now()))
    else {
        return not_found(v.texts(), Some(Nav::of(&v)));
    };
    let table = match read(&req, &state, &v, vec![source], period, "csv").await {
        Ok(Read::Tables(mut tables)) => tables.pop(),
        Ok(Read::Denied) => return not_found(v.texts(), Some(Nav::of(&v))),
        Err(e) => return e.page(&v),
    };
    let body = match table.map(|t| t.to_csv()) {
        Some(Ok(body)) => body,
        Some(Err(e)) => return internal(&e.to_string()),
        None => return internal("no table was made"),
    };
    let file = format!(
        "schakel-{}-{}-{}.csv",
        source.name(),
        period.from,
        period.to
    );
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(file)],
        })
        .body(body)
}

/// `GET /analyst/charts/{chart}.svg`: one chart as an SVG image.
pub async fn chart(
    req: HttpRequest,
    state: web::Data<WebState>,
    name: web::Path<String>,
    q: web::Query<PeriodQuery>,
) -> HttpResponse {
    let v = match analyst(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let (Some(chart), Some(period)) = (Chart::parse(&name), Period::of(&q, state.clock.now()))
    else {
        return not_found(v.texts(), Some(Nav::of(&v)));
    };
    let table = match read(&req, &state, &v, vec![chart.source()], period, "chart").await {
        Ok(Read::Tables(mut tables)) => tables.pop(),
        Ok(Read::Denied) => return not_found(v.texts(), Some(Nav::of(&v))),
        Err(e) => return e.page(&v),
    };
    let Some(table) = table else {
        return internal("no table was made");
    };
    match panels::draw(&v.texts(), chart, &table) {
        Ok(svg) => HttpResponse::Ok()
            .content_type("image/svg+xml; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'"))
            .body(svg),
        Err(e) => internal(&e.to_string()),
    }
}
