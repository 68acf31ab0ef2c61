//! The auditors' review of emergency access (`GET /audit/emergency`, `POST
//! /audit/emergency/{id}/review`): the accesses waiting for review (or all of them, or
//! the justified or escalated ones), each with when, who and their agency, which case
//! (its owning agency and reference: never a link, auditors do not read cases), the
//! ground, whether the identity was shown, the reason, whether it still runs and where
//! its review stands; a pending one with the form that finds it justified or escalates
//! it with a note. Below, the last 90 days per agency and per worker, where misuse
//! shows. The use cases decide who may (anyone but an auditor gets the page that says
//! the role cannot do this) and audit every reading and review; the rows are made in
//! `emergency_review_rows`.

use crate::WebState;
use crate::emergency_review_rows::{AccessRow, Sent, Tally, filters, row, tallies};
use crate::forms::{Choice, Failure, with_env};
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html, see_other};
use crate::session::Viewer;
use crate::signed::AuditorForm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_domain::{EmergencyAccessId, EmergencyReview, EmergencyVerdict};
use schakel_referral_workflow::Conflict;
use schakel_referral_workflow::emergency::{
    EmergencyListFilter, ReviewInput, emergency_accesses, emergency_summary,
    review_emergency_access,
};
use schakel_referral_workflow::views::{EmergencyAccessView, EmergencySummary};

/// The days the summary counts.
const SUMMARY_DAYS: i64 = 90;

/// The filter of the list (`?review=`): `pending` unless another is asked for.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ReviewQuery {
    #[serde(default)]
    review: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

impl ReviewQuery {
    /// The review state listed (`None`: all), and the filter's code.
    fn filter(&self) -> (Option<EmergencyReview>, String) {
        match self.review.as_deref() {
            Some("all") => (None, "all".to_owned()),
            Some(r) => match r.parse::<EmergencyReview>() {
                Ok(state) => (Some(state), r.to_owned()),
                Err(_) => (Some(EmergencyReview::Pending), "pending".to_owned()),
            },
            None => (Some(EmergencyReview::Pending), "pending".to_owned()),
        }
    }

    /// The confirmation the address asks for, when it is a known one.
    fn done(&self) -> Option<&'static str> {
        match self.done.as_deref() {
            Some("justified") => Some("emergency_review.done_justified"),
            Some("escalated") => Some("emergency_review.done_escalated"),
            _ => None,
        }
    }
}

#[derive(Template)]
#[template(path = "emergency_review.html")]
struct ReviewPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    filters: Vec<Choice>,
    filter: String,
    done: Option<&'static str>,
    alert: Option<&'static str>,
    rows: Vec<AccessRow>,
    summary_hint: String,
    all: Tally,
    by_agency: Vec<Tally>,
    by_user: Vec<Tally>,
}

/// Reads the list and the summary as the viewer may.
async fn load(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    review: Option<EmergencyReview>,
) -> Result<(Vec<EmergencyAccessView>, EmergencySummary), Failure> {
    let actor = v.actor;
    with_env(req, state, move |conn, env| {
        let filter = EmergencyListFilter {
            review,
            limit: None,
        };
        let list = emergency_accesses(conn, env, &actor, &filter)?;
        let summary = emergency_summary(conn, env, &actor, SUMMARY_DAYS)?;
        Ok((list, summary))
    })
    .await
}

/// The page of `q`, with the review form `sent` as typed and a message above the list.
async fn page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    q: &ReviewQuery,
    (sent, alert): (Option<Sent>, Option<&'static str>),
) -> HttpResponse {
    let (review, filter) = q.filter();
    let (list, summary) = match load(req, state, v, review).await {
        Ok(found) => found,
        Err(x) => return x.page(v),
    };
    let t = v.texts();
    let status = match (&sent, alert) {
        (Some(s), _) if s.problem.is_some() => StatusCode::UNPROCESSABLE_ENTITY,
        (_, Some(_)) => StatusCode::CONFLICT,
        _ => StatusCode::OK,
    };
    let (all, by_agency, by_user) = tallies(t, &summary);
    let page = ReviewPage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        filters: filters(t, &filter),
        done: q.done(),
        alert,
        rows: list.iter().map(|a| row(t, a, sent.as_ref())).collect(),
        summary_hint: t
            .get("emergency_review.summary_hint")
            .replace("{since}", &crate::time::day(summary.since)),
        all,
        by_agency,
        by_user,
        filter,
    };
    html(status, &page)
}

/// `GET /audit/emergency`.
pub async fn list(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<ReviewQuery>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    page(&req, &state, &v, &q, (None, None)).await
}

/// The review a form describes, or the message of its field.
fn parse(verdict: &str, note: &str) -> Result<ReviewInput, (&'static str, &'static str)> {
    let Ok(verdict) = verdict.parse::<EmergencyVerdict>() else {
        return Err(("verdict", "invalid.choose"));
    };
    let note = Some(note.to_owned()).filter(|n| !n.trim().is_empty());
    if verdict == EmergencyVerdict::Escalated && note.is_none() {
        return Err(("note", "invalid.escalation_note"));
    }
    Ok(ReviewInput { verdict, note })
}

/// `POST /audit/emergency/{id}/review`: records the verdict, then back to the list.
pub async fn review(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: AuditorForm,
) -> HttpResponse {
    let AuditorForm { v, f, .. } = form;
    let Ok(id) = path.parse::<EmergencyAccessId>() else {
        return Failure::Hidden.page(&v);
    };
    let q = ReviewQuery {
        review: Some(f.one("filter").to_owned()).filter(|r| !r.is_empty()),
        done: None,
    };
    let mut sent = Sent {
        id,
        verdict: f.one("verdict").to_owned(),
        note: f.raw("note"),
        problem: None,
    };
    let input = match parse(&sent.verdict, &sent.note) {
        Ok(input) => input,
        Err(problem) => {
            sent.problem = Some(problem);
            return page(&req, &state, &v, &q, (Some(sent), None)).await;
        }
    };
    let actor = v.actor;
    let done = with_env(&req, &state, move |conn, env| {
        Ok(review_emergency_access(conn, env, &actor, id, &input)?)
    })
    .await;
    match done {
        Ok(g) => {
            let (_, filter) = q.filter();
            let verdict = g.review.as_str();
            see_other(&format!("/audit/emergency?review={filter}&done={verdict}"))
        }
        Err(Failure::Invalid(_)) => {
            sent.problem = Some(("note", "invalid.text"));
            page(&req, &state, &v, &q, (Some(sent), None)).await
        }
        Err(Failure::Conflict(Some(Conflict::AlreadyReviewed))) => {
            let alert = Some("emergency_review.already");
            page(&req, &state, &v, &q, (None, alert)).await
        }
        Err(x) => x.page(&v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(review: Option<&str>) -> ReviewQuery {
        ReviewQuery {
            review: review.map(str::to_owned),
            done: Some("justified".to_owned()),
        }
    }

    #[test]
    fn the_list_is_pending_unless_another_state_is_asked_for() {
        let pending = (Some(EmergencyReview::Pending), "pending".to_owned());
        assert_eq!(query(None).filter(), pending);
        assert_eq!(query(Some("nonsense")).filter(), pending);
        assert_eq!(query(Some("all")).filter(), (None, "all".to_owned()));
        assert_eq!(
            query(Some("escalated")).filter(),
            (Some(EmergencyReview::Escalated), "escalated".to_owned())
        );
        assert_eq!(query(None).done(), Some("emergency_review.done_justified"));
    }

    #[test]
    fn escalating_needs_a_note_and_a_verdict_must_be_chosen() {
        assert_eq!(parse("", "x").unwrap_err(), ("verdict", "invalid.choose"));
        assert_eq!(
            parse("escalated", "  ").unwrap_err(),
            ("note", "invalid.escalation_note")
        );
        let ok = parse("justified", " ").unwrap();
        assert_eq!(ok.verdict, EmergencyVerdict::Justified);
        assert_eq!(ok.note, None);
        let ok = parse("escalated", "Geen noodsituatie gebleken.").unwrap();
        assert_eq!(ok.note.as_deref(), Some("Geen noodsituatie gebleken."));
    }
}
