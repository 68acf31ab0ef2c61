//! Drafts in the pages: the forms of signals, notes, referrals, corrections and consents
//! save themselves while they are typed (`static/draft.js` posts the form to
//! `POST /drafts/save`, which starts or saves the author's draft and answers its id as
//! JSON), a form opened with `?draft=<id>` is filled in from the draft, submitting it
//! finishes the draft, and "My drafts" (`GET /drafts`) lists the author's drafts to
//! resume or discard (`POST /drafts/{id}/discard`). When a session ends while a form is
//! typed, the page says so, and signing in again leads back to the form with its draft
//! (`/login?draft=<id>`, then `GET /drafts/{id}/resume`). What a draft may hold and who
//! may reach it is the use cases' decision; a draft of someone else answers as missing.

use crate::WebState;
use crate::forms::{Failure, Fields, with_env};
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html, see_other};
use crate::session::Viewer;
use crate::signed::SignedForm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_domain::{CaseId, DraftForm, DraftId};
use schakel_referral_workflow::IfMatch;
use schakel_referral_workflow::drafts::{
    self as uc, DraftField, DraftFieldsInput, DraftSummary, NewDraftInput,
};

/// The fields a form carries for itself, never kept in a draft.
const OWN: [&str; 6] = [
    "csrf",
    "once",
    "version",
    "draft_id",
    "draft_form",
    "draft_case",
];

/// What a form holds of its draft: the hidden field naming it, with the form's kind and
/// case for the script.
pub(crate) struct Slot {
    /// The draft's id once saved (empty before).
    pub(crate) id: String,
    /// Which form.
    pub(crate) form: &'static str,
    /// The case the form belongs to (empty for a signal).
    pub(crate) case: String,
}

impl Slot {
    /// The slot of a form of `kind` (of `case`), holding draft `id` if it was resumed.
    pub(crate) fn new(kind: DraftForm, case: Option<CaseId>, id: Option<DraftId>) -> Slot {
        Slot {
            id: id.map(|d| d.to_string()).unwrap_or_default(),
            form: kind.as_str(),
            case: case.map(|c| c.to_string()).unwrap_or_default(),
        }
    }

    /// The slot of a form shown again as it was posted (keeping its draft).
    pub(crate) fn again(kind: DraftForm, case: Option<CaseId>, f: &Fields) -> Slot {
        Slot::new(kind, case, f.code::<DraftId>("draft_id"))
    }
}

/// The fields of a posted form that a draft keeps.
fn kept(f: &Fields) -> Vec<DraftField> {
    f.pairs()
        .iter()
        .filter(|(name, _)| !OWN.contains(&name.as_str()))
        .map(|(name, value)| DraftField {
            name: name.clone(),
            value: value.clone(),
        })
        .collect()
}

/// The status and short JSON answer of a refused save, for the script.
fn refused(x: &Failure) -> HttpResponse {
    let (status, code) = match x {
        Failure::Hidden => (StatusCode::NOT_FOUND, "not_found"),
        Failure::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
        Failure::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        Failure::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
        Failure::Internal(e) => {
            tracing::error!(error = %e, "saving a draft failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal")
        }
        Failure::Unavailable(e) => {
            tracing::error!(error = %e, "saving a draft failed: the database is unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
    };
    HttpResponse::build(status).json(serde_json::json!({ "error": code }))
}

/// `POST /drafts/save`: starts the author's draft of the posted form, or saves the one
/// it names again (as last typed: the author is its only writer). A request without a
/// live session, or with a form not carrying the session's token, is answered as JSON
/// (`401`, `403`) for the script, never with a page: a background save must not change
/// what the person sees, such as the sign-in form they are about to fill in.
pub async fn save(
    req: HttpRequest,
    state: web::Data<WebState>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let f = Fields::new(form.into_inner());
    let v = match crate::session::viewer(&req, &state).await {
        Ok(v) if !v.mfa_pending => v,
        Ok(_) | Err(crate::session::Refused::NotSignedIn) => {
            return HttpResponse::Unauthorized().json(serde_json::json!({ "error": "signed_out" }));
        }
        Err(crate::session::Refused::Failed(e)) => return refused(&Failure::Internal(e)),
        Err(crate::session::Refused::Unavailable(e)) => {
            return refused(&Failure::Unavailable(e));
        }
    };
    if !schakel_auth::web_session::csrf_matches(&v.csrf, f.one("csrf")) {
        return refused(&Failure::Forbidden);
    }
    match keep_fields(&req, &state, &v, &f, None).await {
        Ok(d) => HttpResponse::Ok().json(serde_json::json!({
            "id": d.id,
            "version": d.version,
            "saved_at": crate::time::clock(d.updated_at),
            "idle_secs": state.auth.idle_timeout_secs,
            "session_secs": schakel_auth::session::lives_at_least(&state.auth),
        })),
        Err(x) => refused(&x),
    }
}

/// Saves the posted form `f` as its draft: the one it names, or a new one of the form
/// kind it names (or `kind`, when the form does not say). A named draft that is gone
/// (finished in another tab, expired) is started anew when `kind` is given.
async fn keep_fields(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    f: &Fields,
    kind: Option<(DraftForm, Option<CaseId>)>,
) -> Result<uc::DraftView, Failure> {
    let posted = f
        .code::<DraftForm>("draft_form")
        .map(|k| (k, f.code::<CaseId>("draft_case")));
    let Some((form, case)) = kind.or(posted) else {
        return Err(Failure::Invalid("draft_form"));
    };
    let id = f.code::<DraftId>("draft_id");
    let fields = kept(f);
    let actor = v.actor;
    let anew = kind.is_some();
    with_env(req, state, move |conn, env| {
        let start = |conn: &mut schakel_store::DbConn, fields| {
            let input = NewDraftInput {
                form,
                case_id: case,
                fields,
            };
            Ok(uc::create_draft(conn, env, &actor, &input)?)
        };
        let Some(id) = id else {
            return start(conn, fields);
        };
        match uc::get_draft(conn, env, &actor, id) {
            Ok(now) => {
                let input = DraftFieldsInput { fields };
                let v = IfMatch::Version(now.version);
                Ok(uc::save_draft(conn, env, &actor, id, v, &input)?)
            }
            Err(e) if anew && e.hides() => start(conn, fields),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

/// Keeps a refused form as its draft (what was typed since the last save included), and
/// returns the form's fields naming that draft, to show again. When the draft cannot be
/// kept the form is shown as posted, and the failure is logged: the person still sees
/// everything they typed.
pub(crate) async fn keep(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    kind: DraftForm,
    case: Option<CaseId>,
    f: Fields,
) -> Fields {
    match keep_fields(req, state, v, &f, Some((kind, case))).await {
        Ok(d) => {
            let mut pairs: Vec<(String, String)> = f
                .pairs()
                .iter()
                .filter(|(n, _)| n != "draft_id")
                .cloned()
                .collect();
            pairs.push(("draft_id".to_owned(), d.id.to_string()));
            Fields::new(pairs)
        }
        Err(x) => {
            tracing::warn!(error = %x.message(), "keeping a refused form as a draft failed");
            f
        }
    }
}

/// The draft a form page was opened with (`?draft=<id>`), when it is the viewer's, of
/// this form and this case: its id and fields (`draft_id` among them, so the form keeps
/// saving to it). Anything else opens the form empty.
pub(crate) async fn resume(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    kind: DraftForm,
    case: Option<CaseId>,
) -> Result<Option<(DraftId, Fields)>, Failure> {
    let Some(id) = named(req) else {
        return Ok(None);
    };
    let actor = v.actor;
    let found = with_env(req, state, move |conn, env| {
        Ok(uc::get_draft(conn, env, &actor, id)?)
    })
    .await;
    match found {
        Ok(d) if d.form == kind && d.case_id == case => {
            let mut pairs: Vec<(String, String)> =
                d.fields.into_iter().map(|f| (f.name, f.value)).collect();
            pairs.push(("draft_id".to_owned(), d.id.to_string()));
            Ok(Some((d.id, Fields::new(pairs))))
        }
        Ok(_) | Err(Failure::Hidden) => Ok(None),
        Err(x) => Err(x),
    }
}

/// The query of a form page that resumes a draft.
#[derive(Debug, serde::Deserialize)]
struct Resume {
    draft: Option<String>,
}

/// Finishes the draft a submitted form names: its work is done. A draft already gone
/// (finished in another tab) is no failure; any other is logged, as the form's work
/// itself is saved.
pub(crate) async fn finish(req: &HttpRequest, state: &web::Data<WebState>, v: &Viewer, f: &Fields) {
    let Some(id) = f.code::<DraftId>("draft_id") else {
        return;
    };
    let actor = v.actor;
    let done = with_env(req, state, move |conn, env| {
        Ok(uc::discard_draft(conn, env, &actor, id, true)?)
    })
    .await;
    match done {
        Ok(()) | Err(Failure::Hidden) => {}
        Err(x) => tracing::warn!(error = %x.message(), "finishing a draft failed"),
    }
}

/// One draft in the list.
struct Row {
    id: String,
    form: String,
    resume: String,
    updated: String,
    expires: String,
}

/// Where a draft is resumed.
fn resume_href(d: &DraftSummary) -> String {
    resume_at(d.id, d.form, d.case_id)
}

fn resume_at(id: DraftId, form: DraftForm, case: Option<CaseId>) -> String {
    let case = case.map(|c| c.to_string()).unwrap_or_default();
    match form {
        DraftForm::Signal => format!("/signals/new?draft={id}"),
        DraftForm::Note => format!("/cases/{case}?draft={id}#notes"),
        DraftForm::Consent => format!("/cases/{case}?draft={id}#give"),
        DraftForm::Referral => format!("/cases/{case}/referrals/new?draft={id}"),
        DraftForm::Correction => format!("/cases/{case}/correct?draft={id}"),
    }
}

/// The draft a page's address names (`?draft=<id>`), if it is an id.
pub(crate) fn named(req: &HttpRequest) -> Option<DraftId> {
    web::Query::<Resume>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.draft.as_deref().and_then(|d| d.parse::<DraftId>().ok()))
}

/// Where a sign-in leads: back to the form of `draft` (through its resume address, which
/// checks that it is the user's), or the start page.
pub(crate) fn after_login(draft: Option<DraftId>) -> String {
    draft.map_or_else(|| "/".to_owned(), |d| format!("/drafts/{d}/resume"))
}

/// `GET /drafts/{id}/resume`: the form of one of the viewer's drafts, filled in; the
/// list when it is not theirs or no longer there.
pub async fn resume_page(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let Ok(id) = path.parse::<DraftId>() else {
        return see_other("/drafts");
    };
    let actor = v.actor;
    let found = with_env(&req, &state, move |conn, env| {
        Ok(uc::get_draft(conn, env, &actor, id)?)
    })
    .await;
    match found {
        Ok(d) => see_other(&resume_at(d.id, d.form, d.case_id)),
        Err(Failure::Hidden) => see_other("/drafts"),
        Err(x) => x.page(&v),
    }
}

fn row(t: Texts, d: &DraftSummary) -> Row {
    let form = t.code("draft_form", d.form.as_str());
    let about = d.label.as_ref().or(d.case_reference.as_ref());
    Row {
        id: d.id.to_string(),
        form: match about {
            Some(a) => format!("{form}: {a}"),
            None => form,
        },
        resume: resume_href(d),
        updated: crate::time::day_time(d.updated_at),
        expires: crate::time::day(d.expires_at),
    }
}

#[derive(Template)]
#[template(path = "drafts.html")]
struct DraftsPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    rows: Vec<Row>,
    done: bool,
}

/// `GET /drafts`: the viewer's drafts, the latest saved first.
pub async fn list(req: HttpRequest, state: web::Data<WebState>) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let actor = v.actor;
    let found = with_env(&req, &state, move |conn, env| {
        Ok(uc::list_drafts(conn, env, &actor)?)
    })
    .await;
    let list = match found {
        Ok(l) => l,
        Err(x) => return x.page(&v),
    };
    let t = v.texts();
    let page = DraftsPage {
        t,
        nav: Some(Nav::of(&v)),
        csrf: v.csrf.clone(),
        rows: list.iter().map(|d| row(t, d)).collect(),
        done: req.query_string() == "done=discarded",
    };
    html(StatusCode::OK, &page)
}

/// `POST /drafts/{id}/discard`: deletes one of the viewer's drafts.
pub async fn discard(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: SignedForm,
) -> HttpResponse {
    let SignedForm { v, .. } = form;
    let Ok(id) = path.parse::<DraftId>() else {
        return Failure::Hidden.page(&v);
    };
    let actor = v.actor;
    let done = with_env(&req, &state, move |conn, env| {
        Ok(uc::discard_draft(conn, env, &actor, id, false)?)
    })
    .await;
    match done {
        Ok(()) => see_other("/drafts?done=discarded"),
        Err(x) => x.page(&v),
    }
}

/// `GET /static/draft.js`.
pub async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((
            actix_web::http::header::CACHE_CONTROL,
            "public, max-age=3600",
        ))
        .body(include_str!("../static/draft.js"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_keeps_what_was_typed_and_not_the_forms_own_fields() {
        let f = Fields::new(
            [
                ("csrf", "t"),
                ("once", "k"),
                ("draft_id", ""),
                ("family_name", "Jansen"),
                ("indicator", "a1"),
                ("indicator", "b2"),
                ("version", "3"),
            ]
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect(),
        );
        let names: Vec<_> = kept(&f).into_iter().map(|d| (d.name, d.value)).collect();
        assert_eq!(
            names,
            [
                ("family_name".to_owned(), "Jansen".to_owned()),
                ("indicator".to_owned(), "a1".to_owned()),
                ("indicator".to_owned(), "b2".to_owned()),
            ]
        );
    }

    #[test]
    fn each_form_is_resumed_where_it_is_typed() {
        let id = DraftId::new_random();
        let case = CaseId::new_random();
        let summary = |form, case_id| DraftSummary {
            id,
            form,
            case_id,
            case_reference: None,
            label: None,
            updated_at: chrono::Utc::now(),
            expires_at: chrono::Utc::now(),
        };
        assert_eq!(
            resume_href(&summary(DraftForm::Signal, None)),
            format!("/signals/new?draft={id}")
        );
        assert_eq!(
            resume_href(&summary(DraftForm::Referral, Some(case))),
            format!("/cases/{case}/referrals/new?draft={id}")
        );
        assert_eq!(
            resume_href(&summary(DraftForm::Note, Some(case))),
            format!("/cases/{case}?draft={id}#notes")
        );
    }
}
