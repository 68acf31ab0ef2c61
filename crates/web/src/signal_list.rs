//! The signal list: the signals the viewer's agency logged, newest first, a page at a
//! time, each linked to its own page and to the case opened from it. Other agencies'
//! signals never appear: the use case reads only the agency's own.

use crate::WebState;
use crate::forms::{Failure, with_env};
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html};
use crate::session::Viewer;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_referral_workflow::signals::list_signals;
use schakel_referral_workflow::views::{Page, SignalView};
use serde::Deserialize;

/// Signals per page.
const PAGE_SIZE: i64 = 50;

/// The query of the list: where the page starts.
#[derive(Debug, Default, Deserialize)]
pub struct SignalQuery {
    /// The cursor of the page (the previous page's last signal).
    #[serde(default)]
    after: Option<String>,
}

/// Who a signal is about, as far as the list says it.
enum Who {
    /// Reported anonymously: no person.
    Anonymous,
    /// A person without a name on record (or erased).
    Unnamed,
    /// A person with this name.
    Named(String),
}

/// One line of the list.
struct Row {
    id: String,
    logged: String,
    observed_on: String,
    region: String,
    forms: String,
    basis: String,
    who: Who,
    case_id: Option<String>,
}

#[derive(Template)]
#[template(path = "signal_list.html")]
struct SignalListPage {
    t: Texts,
    nav: Option<Nav>,
    rows: Vec<Row>,
    bad_page: bool,
    next: Option<String>,
    later_page: bool,
}

fn who(s: &SignalView) -> Who {
    let Some(p) = &s.person else {
        return Who::Anonymous;
    };
    let name = p.identity.as_ref().map(|i| {
        [i.given_names.as_deref(), i.family_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    });
    match name {
        Some(n) if !n.trim().is_empty() => Who::Named(n),
        _ => Who::Unnamed,
    }
}

fn row(t: Texts, s: SignalView) -> Row {
    Row {
        id: s.id.to_string(),
        logged: crate::time::day_time(s.created_at),
        observed_on: s.observed_on.format("%Y-%m-%d").to_string(),
        region: t.code("region", s.region.as_str()),
        forms: s
            .exploitation_forms
            .iter()
            .map(|f| t.code("form", f.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
        basis: t.code("basis", s.reporting_basis.as_str()),
        who: who(&s),
        case_id: s.case_id.map(|c| c.to_string()),
    }
}

/// The page with the signals `found`; a message instead when the page asked for does
/// not exist.
fn page(v: &Viewer, found: Page<SignalView>, later_page: bool, bad_page: bool) -> HttpResponse {
    let t = v.texts();
    let status = if bad_page {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = SignalListPage {
        t,
        nav: Some(Nav::of(v)),
        rows: found.items.into_iter().map(|s| row(t, s)).collect(),
        bad_page,
        next: found.next_cursor.map(|c| format!("/signals?after={c}")),
        later_page,
    };
    html(status, &page)
}

/// `GET /signals`: the agency's signals, newest first, a page at a time.
pub async fn list(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<SignalQuery>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let after = q.into_inner().after.filter(|a| !a.is_empty());
    let later_page = after.is_some();
    let actor = v.actor;
    let found = with_env(&req, &state, move |conn, env| {
        Ok(list_signals(
            conn,
            env,
            &actor,
            after.as_deref(),
            Some(PAGE_SIZE),
        )?)
    })
    .await;
    match found {
        Ok(found) => page(&v, found, later_page, false),
        Err(Failure::Invalid(_)) => {
            let none = Page {
                items: Vec::new(),
                next_cursor: None,
            };
            page(&v, none, later_page, true)
        }
        Err(x) => x.page(&v),
    }
}
