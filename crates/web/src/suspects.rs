//! A suspect's page (`/suspects/{id}`): who the suspect is, the role, the victims
//! linked, the referrals to the prosecution and the decisions and judgments, with the
//! forms the viewer's side may use now — for the investigating agency linking a case
//! (by its reference or id) or a signal, removing a link and handing the suspect to an
//! active prosecution agency; for the prosecution that accepted the suspect, recording
//! a decision and a judgment; for each side its steps on the referral (what the forms
//! do: `suspects_forms`). The use case decides who reads the suspect: anyone else is
//! answered as if there were no such suspect (404), the prosecution included until it
//! accepts (it reads the summary in its inbox before that).

use crate::WebState;
use crate::forms::{Choice, Failure, Fields, Problems, choices, with_env};
use crate::i18n::Texts;
use crate::investigations::{done, today};
use crate::pages::{Nav, complete_viewer, html};
use crate::session::Viewer;
use crate::suspect_referrals_rows::Agencies;
use crate::suspects_shown::{Shown, shown};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_auth::admin::agencies::{DirectoryFilter, directory};
use schakel_domain::{
    AgencyKind, CourtInstance, DeclineReason, JudgmentOutcome, ProsecutionDecision, SentenceBand,
    SuspectId,
};
use schakel_referral_workflow::offenders::{self as uc, SuspectView};

#[derive(Template)]
#[template(path = "suspect.html")]
struct SuspectPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    s: Shown,
    f: Fields,
    e: Problems,
    alert: Option<&'static str>,
    done: Option<&'static str>,
    /// The active prosecution agencies, for the referral form.
    agencies: Vec<Choice>,
    reasons: Vec<Choice>,
    decisions: Vec<Choice>,
    instances: Vec<Choice>,
    outcomes: Vec<Choice>,
    bands: Vec<Choice>,
    today: String,
    /// The page's own address, where its forms post.
    page_href: String,
}

/// The page's forms as typed, their messages and an alert about a change refused.
#[derive(Default)]
pub(crate) struct Typed {
    pub(crate) f: Fields,
    pub(crate) e: Problems,
    pub(crate) alert: Option<&'static str>,
}

/// What the page shows: the suspect and the active agencies.
struct Loaded {
    view: SuspectView,
    names: Agencies,
    prosecution: Vec<(String, String)>,
}

/// Reads the suspect as the viewer may see it and, once it may, the active agencies.
async fn load(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    actor: schakel_domain::Actor,
    id: SuspectId,
) -> Result<Loaded, Failure> {
    with_env(req, state, move |conn, env| {
        let view = uc::read_suspect(conn, env, &actor, id)?;
        let all = directory(conn, &actor, DirectoryFilter::default(), env.ctx, env.now)?;
        let prosecution = all
            .iter()
            .filter(|a| a.kind == AgencyKind::Prosecution && a.id != actor.agency_id)
            .map(|a| (a.id.to_string(), a.name.clone()))
            .collect();
        let names = Agencies(all.into_iter().map(|a| (a.id, a.name)).collect());
        Ok(Loaded {
            view,
            names,
            prosecution,
        })
    })
    .await
}

/// The choices of a coded list of the compartment, `chosen` marked.
fn coded<T: Copy + std::fmt::Display>(
    t: Texts,
    kind: &str,
    all: &[T],
    f: &Fields,
    name: &str,
) -> Vec<Choice> {
    choices(t, kind, all, &f.all(name))
}

/// The page of suspect `id` with its forms as `typed`; the refusal's page when the
/// viewer may not read it.
pub(crate) async fn page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    id: SuspectId,
    typed: Typed,
) -> HttpResponse {
    let loaded = match load(req, state, v.actor, id).await {
        Ok(l) => l,
        Err(x) => return x.page(v),
    };
    let Typed { f, e, alert } = typed;
    let t = v.texts();
    let status = match (e.is_empty(), alert) {
        (false, _) => StatusCode::UNPROCESSABLE_ENTITY,
        (true, Some(_)) => StatusCode::CONFLICT,
        (true, None) => StatusCode::OK,
    };
    let chosen = f.one("to_agency");
    let agencies = loaded
        .prosecution
        .into_iter()
        .map(|(code, words)| Choice {
            on: code == chosen,
            code,
            words,
        })
        .collect();
    let page = SuspectPage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        s: shown(t, &v.actor, &loaded.view, &loaded.names),
        agencies,
        reasons: coded(t, "reason", DeclineReason::ALL, &f, "reason"),
        decisions: coded(
            t,
            "investigations.decision",
            ProsecutionDecision::ALL,
            &f,
            "decision",
        ),
        instances: coded(
            t,
            "investigations.instance",
            CourtInstance::ALL,
            &f,
            "instance",
        ),
        outcomes: coded(
            t,
            "investigations.outcome",
            JudgmentOutcome::ALL,
            &f,
            "outcome",
        ),
        bands: coded(t, "sentence_band", SentenceBand::ALL, &f, "sentence"),
        done: if e.is_empty() && alert.is_none() {
            done(req)
        } else {
            None
        },
        today: today(state),
        page_href: format!("/suspects/{id}"),
        alert,
        f,
        e,
    };
    html(status, &page)
}

/// `GET /suspects/{id}`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let Ok(id) = path.parse::<SuspectId>() else {
        return Failure::Hidden.page(&v);
    };
    page(&req, &state, &v, id, Typed::default()).await
}
