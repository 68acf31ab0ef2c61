//! The suspects handed to the prosecution (`/suspect-referrals`): the prosecution's
//! inbox of the suspects referred to it, and the investigating agency's list of those
//! it sent (`?box=received` or `?box=sent`; by default the inbox for the prosecution,
//! the sent list for anyone else). Before it accepts, the prosecution sees only each
//! referral's coarse summary of the suspect (role, gender, age band, group of the
//! country of birth, region, forms, how many victims are linked), and the suspect's
//! page once it accepted. The forms of the steps the viewer may take now post here
//! (`suspect_referrals_actions`): accepting leads to the suspect, a refusal comes back
//! here. Who takes part the use case decides: anyone else is refused the list (403).

use crate::WebState;
use crate::forms::{Choice, Fields, Problems, choices, with_env};
use crate::i18n::Texts;
use crate::investigations::done;
use crate::pages::{Nav, complete_viewer, html, see_other};
use crate::session::Viewer;
use crate::signed::SignedForm;
use crate::suspect_referrals_actions::{Taken, take};
use crate::suspect_referrals_rows::Agencies;
use crate::suspect_referrals_rows::{ReferralRow, referral_row};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_auth::admin::agencies::{DirectoryFilter, directory};
use schakel_domain::{AgencyKind, DeclineReason};
use schakel_referral_workflow::offenders::list_suspect_referrals;

#[derive(Template)]
#[template(path = "suspect_referrals.html")]
struct ListPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    received: bool,
    rows: Vec<ReferralRow>,
    reasons: Vec<Choice>,
    f: Fields,
    e: Problems,
    alert: Option<&'static str>,
    done: Option<&'static str>,
    /// The page's own address, where its forms post.
    page_href: String,
}

/// Which list `requested` asks for (`received`, `sent`); the viewer's usual one when
/// none or an unknown one is asked for.
fn received(v: &Viewer, requested: &str) -> bool {
    match requested {
        "received" => true,
        "sent" => false,
        _ => v.agency.kind == AgencyKind::Prosecution,
    }
}

/// The list the viewer asked for, with the forms as typed, their messages and an alert;
/// the refusal's page when the viewer's agency or role does not take part.
async fn page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    received: bool,
    (f, e, alert): (Fields, Problems, Option<&'static str>),
) -> HttpResponse {
    let actor = v.actor;
    let listed = with_env(req, state, move |conn, env| {
        let list = list_suspect_referrals(conn, env, &actor, received)?;
        let all = directory(conn, &actor, DirectoryFilter::default(), env.ctx, env.now)?;
        let names = Agencies(all.into_iter().map(|a| (a.id, a.name)).collect());
        Ok((list, names))
    })
    .await;
    let (list, names) = match listed {
        Ok(x) => x,
        Err(x) => return x.page(v),
    };
    let t = v.texts();
    let status = match (e.is_empty(), alert) {
        (false, _) => StatusCode::UNPROCESSABLE_ENTITY,
        (true, Some(_)) => StatusCode::CONFLICT,
        (true, None) => StatusCode::OK,
    };
    let page = ListPage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        received,
        rows: list
            .iter()
            .map(|r| referral_row(t, &v.actor, r, &names))
            .collect(),
        reasons: choices(t, "reason", DeclineReason::ALL, &[]),
        done: if e.is_empty() && alert.is_none() {
            done(req)
        } else {
            None
        },
        page_href: "/suspect-referrals".to_owned(),
        alert,
        f,
        e,
    };
    html(status, &page)
}

/// `GET /suspect-referrals?box=`.
pub async fn list(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<Vec<(String, String)>>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let q = Fields::new(q.into_inner());
    let received = received(&v, q.one("box"));
    let typed = (Fields::default(), Problems::default(), None);
    page(&req, &state, &v, received, typed).await
}

/// `POST /suspect-referrals`: a step on one of the list's referrals.
pub async fn act(req: HttpRequest, state: web::Data<WebState>, form: SignedForm) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let taken = take(&req, &state, v.actor, &f).await;
    // The list the form was on: the viewer's side of the referral.
    let received = received(&v, "");
    match taken {
        Taken::Done(_, "declined") => see_other("/suspect-referrals?box=received&done=declined"),
        Taken::Done(suspect, done) => see_other(&format!("/suspects/{suspect}?done={done}")),
        Taken::Problem(field, key) => {
            let mut e = Problems::default();
            e.add(field, key);
            page(&req, &state, &v, received, (f, e, None)).await
        }
        Taken::Alert(key) => {
            let typed = (f, Problems::default(), Some(key));
            page(&req, &state, &v, received, typed).await
        }
        Taken::Page(x) => x.page(&v),
    }
}
