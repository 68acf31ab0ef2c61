//! The start page (by role) and the agency's inbox.

use crate::WebState;
use crate::i18n::Texts;
use crate::pages::*;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_domain::Role;
use schakel_referral_workflow::referrals::ReferralBox;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    t: Texts,
    nav: Option<Nav>,
    name: String,
    agency: String,
    role_key: &'static str,
    casework: bool,
    decides: bool,
}

/// One line of the inbox.
struct InboxRow {
    id: String,
    from: String,
    purpose: String,
    urgency: String,
    state: String,
    deadline: String,
    overdue: bool,
    responsible: String,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    t: Texts,
    nav: Option<Nav>,
    rows: Vec<InboxRow>,
    list: crate::referral_list::ListNav,
}

fn role_key(role: Role) -> &'static str {
    match role {
        Role::Caseworker => "role.caseworker",
        Role::Coordinator => "role.coordinator",
        Role::Analyst => "role.analyst",
        Role::Auditor => "role.auditor",
        Role::Admin => "role.admin",
    }
}

/// `GET /`: the start page.
pub async fn home(req: HttpRequest, state: web::Data<WebState>) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    html(
        StatusCode::OK,
        &HomePage {
            t: v.texts(),
            nav: Some(Nav::of(&v)),
            name: v.user.display_name.clone(),
            agency: v.agency.name.clone(),
            role_key: role_key(v.actor.role),
            casework: matches!(v.actor.role, Role::Coordinator | Role::Caseworker),
            decides: v.actor.role == Role::Coordinator,
        },
    )
}

/// `GET /inbox`: the referrals the viewer's agency received: the open ones by deadline
/// (or, asked, the viewer's own open ones, or the ended ones, latest first), a page at a
/// time, with who is responsible for each accepted one.
pub async fn inbox(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<crate::referral_list::ListQuery>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let (page, list) = match crate::referral_list::load(
        &req,
        &state,
        v.actor,
        ReferralBox::Incoming,
        "/inbox",
        &q,
    )
    .await
    {
        Ok(x) => x,
        Err(x) => return x.page(&v),
    };
    let t = v.texts();
    let rows = page
        .items
        .into_iter()
        .map(|r| InboxRow {
            id: r.id.to_string(),
            from: r.from_agency.name,
            purpose: t.code("purpose", r.purpose.as_str()),
            urgency: t.code("urgency", r.urgency.as_str()),
            state: t.code("state", r.state.as_str()),
            deadline: crate::time::day_time(r.deadline_at),
            overdue: r.overdue,
            responsible: r.assigned_to.map(|w| w.name).unwrap_or_default(),
        })
        .collect();
    html(
        StatusCode::OK,
        &InboxPage {
            t: v.texts(),
            nav: Some(Nav::of(&v)),
            rows,
            list,
        },
    )
}
