//! The agency's outgoing referrals: what it sent, where each stands and by when the
//! receiver must answer, linked to the referral and its case; the open ones first,
//! the ended ones a click away, a page at a time.

use crate::WebState;
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html};
use crate::referral_list::{ListNav, ListQuery, load};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_referral_workflow::referrals::ReferralBox;

/// One line of the list.
struct Row {
    id: String,
    case_id: Option<String>,
    to: String,
    purpose: String,
    urgency: String,
    state: String,
    deadline: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "outgoing.html")]
struct OutgoingPage {
    t: Texts,
    nav: Option<Nav>,
    rows: Vec<Row>,
    list: ListNav,
}

/// `GET /outgoing`: the open referrals by deadline (or, asked, the ended ones, latest
/// first), a page at a time.
pub async fn list(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<ListQuery>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let (page, list) = match load(
        &req,
        &state,
        v.actor,
        ReferralBox::Outgoing,
        "/outgoing",
        &q,
    )
    .await
    {
        Ok(x) => x,
        Err(x) => return x.page(&v),
    };
    let items = page.items;
    let t = v.texts();
    let rows = items
        .into_iter()
        .map(|r| Row {
            id: r.id.to_string(),
            case_id: r.case_id.map(|c| c.to_string()),
            to: r.to_agency.name,
            purpose: t.code("purpose", r.purpose.as_str()),
            urgency: t.code("urgency", r.urgency.as_str()),
            state: t.code("state", r.state.as_str()),
            deadline: crate::time::day_time(r.deadline_at),
            overdue: r.overdue,
        })
        .collect();
    html(
        StatusCode::OK,
        &OutgoingPage {
            t,
            nav: Some(Nav::of(&v)),
            rows,
            list,
        },
    )
}
