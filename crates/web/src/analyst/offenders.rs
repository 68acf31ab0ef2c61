//! The analyst's offender tables: `GET /analyst/offenders` (a form of whole years, then
//! the funnel, the durations, the sentences and the victims, each a chart beside its
//! table with how to read it) and `GET /analyst/offenders/{table}.csv` (the API's CSV
//! of one table). Only analysts; anyone else is answered 404 and the attempt audited
//! (`monitor.offenders`). Every table read is audited before it is made, as the API
//! audits it (its table, first and last year) with the view (`page` or `csv`). Years
//! that cannot be read show the form again with the message at the field (422) and
//! read nothing. This module makes no table of its own: the monitor does.

use super::analyst_reading;
use super::offenders_sections::{self, Section};
use super::offenders_years::{Years, YearsQuery, years_of};
use super::view;
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
use schakel_monitor::Table;
use schakel_monitor::offenders::{OffenderTable, offender_table};

/// The audit code of every reading, the API's.
const CODE: &str = "monitor.offenders";

#[derive(Template)]
#[template(path = "analyst_offenders.html")]
struct OffendersPage {
    t: Texts,
    nav: Option<Nav>,
    from: String,
    to: String,
    e: Problems,
    /// The one legend of the suppressed cells.
    legend: String,
    sections: Vec<Section>,
}

/// What a reading ended in.
enum Read {
    Tables(Vec<(OffenderTable, Table)>),
    Denied,
}

/// What the audit trail records of reading `kind`: the API's fields and the view.
fn details(kind: OffenderTable, years: Years, view: &str) -> serde_json::Value {
    serde_json::json!({
        "table": kind.as_str(),
        "from": years.from,
        "to": years.to,
        "view": view,
    })
}

/// Audits the reading of each of `kinds`, then makes them from the monitor's copy.
async fn read(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    kinds: Vec<OffenderTable>,
    years: Years,
    view: &'static str,
) -> Result<Read, Failure> {
    let (st, ctx, actor) = (state.clone(), context(req), v.actor);
    web::block(move || {
        let mut conn = schakel_store::get_conn(&st.pool)?;
        let now = st.clock.now();
        for kind in &kinds {
            let asked = details(*kind, years, view);
            if let Err(e) = read_monitor(&mut conn, &actor, CODE, asked, &ctx, now) {
                return match Failure::from(e) {
                    Failure::Hidden | Failure::Forbidden => Ok(Read::Denied),
                    other => Err(other),
                };
            }
        }
        let mut own;
        let monitor = match &st.monitor.pool {
            Some(pool) => {
                own = schakel_store::get_conn(pool)?;
                &mut own
            }
            None => &mut conn,
        };
        let mut tables = Vec::with_capacity(kinds.len());
        for kind in kinds {
            let table = offender_table(monitor, kind, years.from, years.to, st.monitor.rules)?;
            tables.push((kind, table));
        }
        Ok(Read::Tables(tables))
    })
    .await?
}

/// The calendar year of `now`.
fn current_year(now: chrono::DateTime<chrono::Utc>) -> u16 {
    use chrono::Datelike;
    u16::try_from(now.year()).unwrap_or(2026)
}

/// The years' fields of the query as sent (the first of each).
fn asked(pairs: Vec<(String, String)>) -> YearsQuery {
    let first = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    YearsQuery::new(first("from"), first("to"))
}

/// The form again with what is wrong in `e`, and no table.
fn refused(v: &Viewer, q: &YearsQuery, e: Problems) -> HttpResponse {
    let page = OffendersPage {
        t: v.texts(),
        nav: Some(Nav::of(v)),
        from: q.first_typed().to_owned(),
        to: q.last_typed().to_owned(),
        e,
        legend: String::new(),
        sections: Vec::new(),
    };
    html(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// `GET /analyst/offenders`: the years' form and the four tables.
pub async fn offenders_page(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<Vec<(String, String)>>,
) -> HttpResponse {
    let v = match analyst_reading(&req, &state, CODE).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let q = asked(q.into_inner());
    let years = match years_of(&q, current_year(state.clock.now())) {
        Ok(years) => years,
        Err(e) => return refused(&v, &q, e),
    };
    let t = v.texts();
    let tables = match read(&req, &state, &v, OffenderTable::ALL.to_vec(), years, "page").await {
        Ok(Read::Tables(tables)) => tables,
        Ok(Read::Denied) => return not_found(t, Some(Nav::of(&v))),
        Err(e) => return e.page(&v),
    };
    let page = OffendersPage {
        legend: view::legend(&t, state.monitor.rules.threshold),
        sections: offenders_sections::sections(&t, years, &tables),
        t,
        nav: Some(Nav::of(&v)),
        from: years.from.to_string(),
        to: years.to.to_string(),
        e: Problems::default(),
    };
    html(StatusCode::OK, &page)
}

/// The CSV `body` of `kind` as a file to save.
fn attachment(kind: OffenderTable, years: Years, body: String) -> HttpResponse {
    let file = format!(
        "schakel-offenders-{}-{}-{}.csv",
        kind.as_str(),
        years.from,
        years.to
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

/// `GET /analyst/offenders/{table}.csv`: one table as CSV, exactly as the API gives it.
pub async fn offenders_csv(
    req: HttpRequest,
    state: web::Data<WebState>,
    name: web::Path<String>,
    q: web::Query<Vec<(String, String)>>,
) -> HttpResponse {
    let v = match analyst_reading(&req, &state, CODE).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let Some(kind) = OffenderTable::parse(&name) else {
        return not_found(v.texts(), Some(Nav::of(&v)));
    };
    let q = asked(q.into_inner());
    let years = match years_of(&q, current_year(state.clock.now())) {
        Ok(years) => years,
        Err(e) => return refused(&v, &q, e),
    };
    let table = match read(&req, &state, &v, vec![kind], years, "csv").await {
        Ok(Read::Tables(mut tables)) => tables.pop(),
        Ok(Read::Denied) => return not_found(v.texts(), Some(Nav::of(&v))),
        Err(e) => return e.page(&v),
    };
    match table.map(|(_, t)| t.to_csv()) {
        Some(Ok(body)) => attachment(kind, years, body),
        Some(Err(e)) => internal(&e.to_string()),
        None => internal("no table was made"),
    }
}
