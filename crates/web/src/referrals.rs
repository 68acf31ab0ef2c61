//! The referral page: what a referral says (the summary only, never the identity: that
//! belongs to the case) and the forms for what the viewer's agency may do with it now —
//! accept, decline with a reason, redirect to another agency chosen from the directory,
//! start, complete with an outcome, withdraw — and, for whoever may see the case now,
//! a link to it; for the receiving agency once it accepted, the form that opens its own
//! case from the referral (handled in [`crate::referral_case`]) or a link to that case,
//! and who is responsible for it, with the form that changes that for its coordinators
//! (handled in [`crate::referral_assign`]).
//! What the other forms do is in [`crate::referral_actions`].

use crate::WebState;
use crate::case_assignees::{self, Workers};
use crate::forms::{
    Choice, Directory, DirectoryQuery, Failure, Problems, Routing, directory, with_env,
};
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html, not_found};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_domain::{
    Action, Actor, DeclineReason, ReferralAction, ReferralId, ReferralOutcome, ReferralState,
    Relationship,
};
use schakel_referral_workflow::cases::assignable_workers;
use schakel_referral_workflow::referrals::get_referral;
use schakel_referral_workflow::views::ReferralView;

/// A referral as the page shows it, in the viewer's language.
struct Shown {
    id: String,
    from: String,
    to: String,
    state: String,
    purpose: String,
    urgency: String,
    deadline: String,
    overdue: bool,
    /// Still awaiting an answer: only then is the deadline shown.
    sent: bool,
    /// When it was answered, once it was.
    decided: Option<String>,
    /// Why it was declined, in words.
    decline_reason: Option<String>,
    /// How it ended, in words.
    outcome: Option<String>,
    /// The note given with its last step.
    note: Option<String>,
    forms: String,
    age_band: String,
    gender: String,
    nationality: String,
    region: String,
    message: Option<String>,
    case_id: Option<String>,
    /// The viewer's agency's own case opened from it.
    own_case: Option<String>,
    /// Whether the viewer may open the agency's own case from it now.
    may_open_case: bool,
    /// For the receiving agency once it accepted: who is responsible for it.
    responsible: Option<String>,
    may: May,
    version: i64,
}

/// What the viewer may do now.
struct May {
    accept: bool,
    decline: bool,
    start: bool,
    complete: bool,
    withdraw: bool,
    redirect: bool,
}

impl May {
    fn nothing(&self) -> bool {
        !(self.accept
            || self.decline
            || self.start
            || self.complete
            || self.withdraw
            || self.redirect)
    }
}

impl Shown {
    fn of(r: &ReferralView, t: Texts, who: &Actor) -> Shown {
        let carried = matches!(r.state, ReferralState::Accepted | ReferralState::InProgress);
        let s = &r.summary;
        Shown {
            id: r.id.to_string(),
            from: r.from_agency.name.clone(),
            to: r.to_agency.name.clone(),
            state: t.code("state", r.state.as_str()),
            purpose: t.code("purpose", r.purpose.as_str()),
            urgency: t.code("urgency", r.urgency.as_str()),
            deadline: crate::time::day_time(r.deadline_at),
            overdue: r.overdue,
            sent: r.state == ReferralState::Sent,
            decided: r.decided_at.map(crate::time::day_time),
            decline_reason: r.decline_reason.map(|c| t.code("reason", c.as_str())),
            outcome: r.outcome.map(|c| t.code("outcome", c.as_str())),
            note: r.note.clone(),
            forms: s
                .exploitation_forms
                .iter()
                .map(|f| t.code("form", f.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
            age_band: t.code("age", s.age_band.as_str()),
            gender: t.code("gender", s.gender.as_str()),
            nationality: t.code("nationality", s.nationality_group.as_str()),
            region: t.code("region", s.region.as_str()),
            message: r.message.clone(),
            case_id: r.case_id.map(|c| c.to_string()),
            own_case: r.own_case_id.map(|c| c.to_string()),
            responsible: (carried && r.to_agency.id == who.agency_id).then(|| {
                r.assigned_to.as_ref().map_or_else(
                    || t.get("case.responsible_nobody").to_owned(),
                    |w| w.name.clone(),
                )
            }),
            may_open_case: carried
                && r.own_case_id.is_none()
                && r.to_agency.id == who.agency_id
                && who.may(Action::CreateCase, Relationship::OwnAgency),
            may: May {
                accept: r.actions.contains(&ReferralAction::Accept),
                decline: r.actions.contains(&ReferralAction::Decline),
                start: r.actions.contains(&ReferralAction::Start),
                complete: r.actions.contains(&ReferralAction::Complete),
                withdraw: r.actions.contains(&ReferralAction::Withdraw),
                redirect: r.actions.contains(&ReferralAction::Redirect),
            },
            version: r.version,
        }
    }
}

#[derive(Template)]
#[template(path = "referral.html")]
struct ReferralPage {
    t: Texts,
    nav: Option<Nav>,
    r: Shown,
    csrf: String,
    changed: bool,
    reasons: Vec<(&'static str, String)>,
    outcomes: Vec<(&'static str, String)>,
    d: Option<Directory>,
    filter_action: String,
    e: Problems,
    note: String,
    chosen_reason: String,
    alert: Option<&'static str>,
    assignees: Option<Vec<Choice>>,
    /// What was just done and what happens next.
    done: Option<String>,
    /// The way back to the case is the next step (just after sending the referral).
    back_to_case: bool,
    /// The withdraw form opens at its confirmation.
    confirm_withdraw: bool,
}

/// What the referral page's address asks for besides the directory filter: the
/// confirmation of what was just done (`?done=…`, a catalog key) and whether the
/// withdraw form opens at its confirmation (`?confirm=withdraw`).
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) struct Asked {
    done: Option<&'static str>,
    confirm_withdraw: bool,
}

impl Asked {
    /// What `query` asks for; anything unknown is ignored.
    pub(crate) fn of(query: &str) -> Asked {
        let mut asked = Asked::default();
        for pair in query.split('&') {
            if pair == "confirm=withdraw" {
                asked.confirm_withdraw = true;
            } else if let Some(k) = done_key(pair) {
                asked.done = Some(k);
            }
        }
        asked
    }
}

/// The catalog key of a known `done=…` pair.
fn done_key(pair: &str) -> Option<&'static str> {
    Some(match pair {
        "done=sent" => "referral.sent_done",
        "done=accepted" => "referral.accepted_done",
        "done=declined" => "referral.declined_done",
        "done=declined_full" => "referral.declined_full_done",
        "done=redirected" => "referral.redirected_done",
        "done=started" => "referral.started_done",
        "done=completed" => "referral.completed_done",
        "done=withdrawn" => "referral.withdrawn_done",
        _ => return None,
    })
}

/// The confirmation of `key` about `r`, with its receiving agency and deadline.
fn said(t: Texts, key: &'static str, r: &ReferralView) -> String {
    t.get(key)
        .replace("{to}", &r.to_agency.name)
        .replace("{deadline}", &crate::time::day_time(r.deadline_at))
}

/// The page's forms as typed, to show them again: the redirect form's filter and
/// choice, the decline form's reason, the note, and the messages of their fields.
#[derive(Default)]
pub(crate) struct Typed {
    pub(crate) q: DirectoryQuery,
    pub(crate) chosen: String,
    pub(crate) reason: String,
    pub(crate) note: String,
    pub(crate) e: Problems,
}

/// What the page's forms need besides the referral: the directory for the redirect
/// form, the forms' messages and input as typed, the workers to make responsible and
/// what the address asks for.
#[derive(Default)]
struct Forms {
    d: Option<Directory>,
    e: Problems,
    note: String,
    reason: String,
    workers: Workers,
    asked: Asked,
}

/// The page with its `forms`; `alert` a message about a change refused.
fn page(
    v: &crate::session::Viewer,
    r: &ReferralView,
    changed: bool,
    forms: Forms,
    alert: Option<&'static str>,
) -> HttpResponse {
    let Forms {
        d,
        e,
        note,
        reason,
        workers,
        asked,
    } = forms;
    let t = v.texts();
    let status = if !e.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if changed || alert.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let page = ReferralPage {
        t,
        nav: Some(Nav::of(v)),
        r: Shown::of(r, t, &v.actor),
        alert,
        done: asked.done.map(|k| said(t, k, r)),
        back_to_case: asked.done == Some("referral.sent_done"),
        confirm_withdraw: asked.confirm_withdraw,
        chosen_reason: reason,
        assignees: workers
            .as_ref()
            .map(|w| case_assignees::choices(t, w, r.assigned_to.as_ref())),
        csrf: v.csrf.clone(),
        changed,
        d,
        filter_action: format!("/referrals/{}", r.id),
        e,
        note,
        reasons: DeclineReason::ALL
            .iter()
            .map(|c| (c.as_str(), t.code("reason", c.as_str())))
            .collect(),
        outcomes: ReferralOutcome::ALL
            .iter()
            .map(|c| (c.as_str(), t.code("outcome", c.as_str())))
            .collect(),
    };
    html(status, &page)
}

/// The directory for the redirect form, when the viewer may redirect `r`: agencies
/// other than the sender and the viewer's own.
async fn redirect_choices(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &crate::session::Viewer,
    r: &ReferralView,
    q: DirectoryQuery,
    chosen: String,
) -> Result<Option<Directory>, Failure> {
    if !r.actions.contains(&ReferralAction::Redirect) {
        return Ok(None);
    }
    let (actor, t, sender) = (v.actor, v.texts(), r.from_agency.id);
    // Whom the referral routes, as far as its summary tells.
    let s = &r.summary;
    let need = crate::directory_fit::Need {
        person: schakel_domain::PersonFacts {
            age_band: s.age_band,
            gender: s.gender,
            nationality_group: s.nationality_group,
            forms: s.exploitation_forms.clone(),
            region: s.region,
            languages: Vec::new(),
        },
        service: schakel_domain::directory::service_for(r.purpose),
    };
    with_env(req, state, move |conn, env| {
        let routing = Routing {
            chosen: &chosen,
            not: &[sender],
            need: Some(&need),
        };
        directory(conn, env, &actor, t, &q, routing).map(Some)
    })
    .await
}

/// The page with its forms `typed` and what its address `asked`, as loaded now.
pub(crate) async fn full_page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &crate::session::Viewer,
    r: &ReferralView,
    changed: bool,
    typed: Typed,
    asked: Asked,
) -> HttpResponse {
    let Typed {
        q,
        chosen,
        reason,
        note,
        e,
    } = typed;
    let d = match redirect_choices(req, state, v, r, q, chosen).await {
        Ok(d) => d,
        Err(x) => return x.page(v),
    };
    match workers(req, state, v, r).await {
        Ok(workers) => {
            let forms = Forms {
                d,
                e,
                note,
                reason,
                workers,
                asked,
            };
            page(v, r, changed, forms, None)
        }
        Err(x) => x.page(v),
    }
}

/// Loads a referral as the viewer may see it; what it may not see (or whose role may
/// not read referrals) sorted by the pages' one mapping.
pub(crate) async fn load(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    actor: schakel_domain::Actor,
    id: ReferralId,
) -> Result<ReferralView, Failure> {
    with_env(req, state, move |conn, env| {
        Ok(get_referral(conn, env, &actor, id)?)
    })
    .await
}

/// `GET /referrals/{id}`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    query: web::Query<DirectoryQuery>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let Ok(id) = path.parse::<ReferralId>() else {
        return not_found(v.texts(), Some(Nav::of(&v)));
    };
    let typed = Typed {
        q: query.into_inner(),
        ..Typed::default()
    };
    let asked = Asked::of(req.query_string());
    match load(&req, &state, v.actor, id).await {
        Ok(r) => full_page(&req, &state, &v, &r, false, typed, asked).await,
        Err(x) => x.page(&v),
    }
}

/// The workers a coordinator of the receiving agency may make responsible for `r`,
/// once it accepted; `None` (no form) for anyone else.
async fn workers(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &crate::session::Viewer,
    r: &ReferralView,
) -> Result<Workers, Failure> {
    let carried = matches!(r.state, ReferralState::Accepted | ReferralState::InProgress);
    let receiver = r.to_agency.id == v.actor.agency_id;
    if !carried
        || !receiver
        || !v
            .actor
            .may(Action::AssignCase, Relationship::ReceivingAgency)
    {
        return Ok(None);
    }
    let actor = v.actor;
    with_env(req, state, move |conn, env| {
        Ok(Some(assignable_workers(conn, env, &actor)?))
    })
    .await
}

/// The page with a message about a change refused (opening the agency's own case from
/// it, or making someone responsible), and the form that makes someone responsible.
pub(crate) async fn with_alert(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &crate::session::Viewer,
    r: &ReferralView,
    alert: &'static str,
) -> HttpResponse {
    match workers(req, state, v, r).await {
        Ok(workers) => {
            let forms = Forms {
                workers,
                ..Forms::default()
            };
            page(v, r, false, forms, Some(alert))
        }
        Err(x) => x.page(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_asks_for_known_confirmations_only() {
        assert_eq!(Asked::of("done=sent").done, Some("referral.sent_done"));
        assert_eq!(
            Asked::of("kind=police&done=declined").done,
            Some("referral.declined_done")
        );
        assert!(Asked::of("confirm=withdraw").confirm_withdraw);
        assert_eq!(Asked::of("done=%3Cscript%3E"), Asked::default());
        assert_eq!(Asked::of(""), Asked::default());
    }
}
