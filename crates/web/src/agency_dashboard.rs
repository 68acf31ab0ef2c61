//! The coordinators' dashboard of their own agency (`GET /agency/dashboard`): the
//! referrals waiting for its answer (near their deadline, overdue), what it answered
//! this month and last and how fast, how those referrals ended (declined per reason),
//! and its open cases per worker. The use case decides who may read it (any other role
//! gets the page that says the role cannot do this) and audits the view; nothing here
//! changes data.

use crate::WebState;
use crate::forms::with_env;
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_referral_workflow::agency_figures::{AgencyDashboard, MonthView, agency_dashboard};

/// One line of the months' table: what is counted, and its value in each month.
struct Line {
    label: String,
    /// A line under another (a decline reason).
    sub: bool,
    this_month: String,
    last_month: String,
}

/// One worker's open cases.
struct Worker {
    id: String,
    name: String,
    open_cases: i64,
}

#[derive(Template)]
#[template(path = "agency_dashboard.html")]
struct DashboardPage {
    t: Texts,
    nav: Option<Nav>,
    as_of: String,
    waiting: u32,
    near_deadline: u32,
    near_label: String,
    overdue: u32,
    months_caption: String,
    lines: Vec<Line>,
    workers: Vec<Worker>,
    unassigned: i64,
    with_inactive: i64,
}

/// A span of time in words: minutes, hours and minutes, or days and hours.
fn span(t: Texts, seconds: i64) -> String {
    let minutes = (seconds + 30) / 60;
    let (d, h, m) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let key = match (d, h) {
        (0, 0) => "span.minutes",
        (0, _) => "span.hours",
        _ => "span.days",
    };
    t.get(key)
        .replace("{d}", &d.to_string())
        .replace("{h}", &h.to_string())
        .replace("{m}", &m.to_string())
}

/// The lines of the months' table.
fn lines(t: Texts, this: &MonthView, last: &MonthView) -> Vec<Line> {
    let count = |label: &str, f: fn(&MonthView) -> u32| Line {
        label: t.get(label).to_owned(),
        sub: false,
        this_month: f(this).to_string(),
        last_month: f(last).to_string(),
    };
    let median = |m: &MonthView| {
        m.median_seconds_to_answer
            .map_or_else(|| t.get("figures.none").to_owned(), |s| span(t, s))
    };
    let mut out = vec![
        count("figures.answered", |m| m.answered),
        Line {
            label: t.get("figures.median").to_owned(),
            sub: false,
            this_month: median(this),
            last_month: median(last),
        },
        count("figures.accepted", |m| m.accepted),
        count("figures.declined", |m| m.declined),
    ];
    for (a, b) in this.declined_by_reason.iter().zip(&last.declined_by_reason) {
        out.push(Line {
            label: t.code("reason", a.reason.as_str()),
            sub: true,
            this_month: a.count.to_string(),
            last_month: b.count.to_string(),
        });
    }
    out.push(count("figures.redirected", |m| m.redirected));
    out.push(count("figures.expired", |m| m.expired));
    out
}

fn page(t: Texts, nav: Option<Nav>, d: AgencyDashboard) -> DashboardPage {
    let months_caption = t
        .get("figures.months_caption")
        .replace("{this}", &d.this_month.month.to_string())
        .replace("{last}", &d.last_month.month.to_string());
    DashboardPage {
        as_of: crate::time::day_time(d.as_of),
        waiting: d.waiting.waiting,
        near_deadline: d.waiting.near_deadline,
        near_label: t
            .get("figures.near_deadline")
            .replace("{hours}", &d.waiting.near_deadline_hours.to_string()),
        overdue: d.waiting.overdue,
        months_caption,
        lines: lines(t, &d.this_month, &d.last_month),
        workers: d
            .caseload
            .workers
            .into_iter()
            .map(|w| Worker {
                id: w.worker.id.to_string(),
                name: w.worker.name,
                open_cases: w.open_cases,
            })
            .collect(),
        unassigned: d.caseload.unassigned,
        with_inactive: d.caseload.with_inactive,
        t,
        nav,
    }
}

/// `GET /agency/dashboard`.
pub async fn show(req: HttpRequest, state: web::Data<WebState>) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let actor = v.actor;
    let figures = with_env(&req, &state, move |conn, env| {
        Ok(agency_dashboard(conn, env, &actor)?)
    })
    .await;
    match figures {
        Ok(d) => html(StatusCode::OK, &page(v.texts(), Some(Nav::of(&v)), d)),
        Err(x) => x.page(&v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn a_span_reads_in_minutes_hours_or_days() {
        let t = Texts { lang: Lang::En };
        assert_eq!(span(t, 0), "0 min");
        assert_eq!(span(t, 25 * 60), "25 min");
        assert_eq!(span(t, 3 * 3600 + 20 * 60), "3 h 20 min");
        assert_eq!(span(t, 2 * 86400 + 5 * 3600 + 59), "2 d 5 h");
    }
}
