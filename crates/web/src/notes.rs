//! Notes on a case in the pages: the list on the case page, the form that adds a note
//! below it, and the page that changes one's own note while it may still be changed.
//!
//! The case page shows the notes the viewer may read (the use case decides which), oldest
//! first. Refused input comes back as typed with a message next to the field; a case
//! closed meanwhile, a note that became fixed or changed since the form was made comes
//! back as the case page with a message, and nothing is changed. The edit page's address
//! names the case as well as the note: the page is found among the case's notes, so a
//! note the viewer may not read answers 404 exactly as a note that does not exist.

use crate::WebState;
use crate::cases::{Shown, again_with, fresh};
use crate::forms::{Failure, Fields, Problems, date, with_env};
use crate::i18n::Texts;
use crate::note_form::{NoteForm, NoteRow, Typed, row};
use crate::pages::{Nav, html, see_other};
use crate::session::Viewer;
use crate::signed::SignedForm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_domain::{CaseId, DraftForm, NoteId, NoteKind, NoteVisibility};
use schakel_referral_workflow::notes::{NoteInput, add_note, edit_note, list_notes};
use schakel_referral_workflow::{Conflict, IfMatch};

/// The note the form describes, or the messages of its fields.
fn parse(f: &Fields) -> Result<NoteInput, Problems> {
    let mut e = Problems::default();
    let kind = f.code::<NoteKind>("kind");
    if kind.is_none() {
        e.add("note_kind", "invalid.choose");
    }
    let occurred_on = date(f.one("occurred_on"));
    if occurred_on.is_none() {
        e.add("occurred_on", "invalid.date");
    }
    let visibility = f.code::<NoteVisibility>("visibility");
    if visibility.is_none() {
        e.add("visibility", "invalid.choose");
    }
    let text = f.raw("text");
    if text.trim().is_empty() {
        e.add("note_text", "invalid.note_text");
    }
    match (kind, occurred_on, visibility, e.is_empty()) {
        (Some(kind), Some(occurred_on), Some(visibility), true) => Ok(NoteInput {
            kind,
            occurred_on,
            visibility,
            text,
        }),
        _ => Err(e),
    }
}

/// The messages of a field the use case refused.
fn refused(field: &str) -> Problems {
    let (name, key) = match field {
        "occurred_on" => ("occurred_on", "invalid.note_occurred_on"),
        "text" => ("note_text", "invalid.text"),
        "kind" => ("note_kind", "invalid.choose"),
        "visibility" => ("visibility", "invalid.choose"),
        _ => ("note_kind", "invalid.field"),
    };
    let mut e = Problems::default();
    e.add(name, key);
    e
}

/// The message of a note refused by the state of the case or the note.
fn alert(c: Option<Conflict>) -> &'static str {
    match c {
        Some(Conflict::CaseClosed) => "note.case_closed",
        Some(Conflict::NoteFixed) => "note.fixed",
        None => "note.changed",
        Some(_) => "error.conflict",
    }
}

/// The case page again, the note form as `note` says.
async fn case_again(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    id: CaseId,
    note: Typed,
) -> HttpResponse {
    let shown = Shown {
        changed: false,
        consent: (fresh(state), Problems::default()),
        note,
        done: None,
    };
    again_with(req, state, v, id, shown).await
}

/// `POST /cases/{id}/notes`: writes a note on the case.
pub async fn add(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: SignedForm,
) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let Ok(id) = path.parse::<CaseId>() else {
        return Failure::Hidden.page(&v);
    };
    let input = match parse(&f) {
        Ok(i) => i,
        Err(e) => {
            let f = crate::drafts::keep(&req, &state, &v, DraftForm::Note, Some(id), f).await;
            let typed = Typed { f, e, alert: None };
            return case_again(&req, &state, &v, id, typed).await;
        }
    };
    let actor = v.actor;
    let done = with_env(&req, &state, move |conn, env| {
        Ok(add_note(conn, env, &actor, id, &input)?)
    })
    .await;
    let typed = match done {
        Ok(_) => {
            crate::drafts::finish(&req, &state, &v, &f).await;
            return see_other(&format!("/cases/{id}?done=note_added#notes"));
        }
        Err(Failure::Invalid(field)) => Typed {
            f,
            e: refused(field),
            alert: None,
        },
        Err(Failure::Conflict(c)) => Typed {
            f,
            e: Problems::default(),
            alert: Some(alert(c)),
        },
        Err(x) => return x.page(&v),
    };
    let f = crate::drafts::keep(&req, &state, &v, DraftForm::Note, Some(id), typed.f).await;
    let typed = Typed { f, ..typed };
    case_again(&req, &state, &v, id, typed).await
}

/// The case and note of an edit page's address; `None` when either is no id.
fn ids(path: web::Path<(String, String)>) -> Option<(CaseId, NoteId)> {
    let (case, note) = path.into_inner();
    Some((case.parse().ok()?, note.parse().ok()?))
}

#[derive(Template)]
#[template(path = "note_edit.html")]
struct EditPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    case_id: String,
    about: NoteRow,
    until: String,
    note: NoteForm,
}

/// The edit page of a note of case `id`, filled with the note or with `typed`; the case
/// page with a message once the note is fixed.
async fn edit_page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    (id, note_id): (CaseId, NoteId),
    typed: Option<Typed>,
) -> HttpResponse {
    let actor = v.actor;
    let found = with_env(req, state, move |conn, env| {
        let list = list_notes(conn, env, &actor, id)?;
        list.into_iter()
            .find(|n| n.id == note_id)
            .ok_or(Failure::Hidden)
    })
    .await;
    let n = match found {
        Ok(n) if n.author_id != v.actor.user_id => return Failure::Forbidden.page(v),
        Ok(n) => n,
        Err(x) => return x.page(v),
    };
    let Some(until) = n.editable_until else {
        let fixed = Typed {
            alert: Some("note.fixed"),
            ..Typed::fresh(state)
        };
        return case_again(req, state, v, id, fixed).await;
    };
    let t = v.texts();
    let typed = typed.unwrap_or_else(|| Typed::of(&n));
    let status = if typed.e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let action = format!("/cases/{id}/notes/{note_id}/edit");
    let page = EditPage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        case_id: id.to_string(),
        about: row(t, &n),
        until: crate::time::day_time(until),
        note: NoteForm::new(t, action, Some(n.version), "note.save", typed),
    };
    html(status, &page)
}

/// `GET /cases/{id}/notes/{note}/edit`: one's own note, while it may still change.
pub async fn edit(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let v = match crate::pages::complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let Some(ids) = ids(path) else {
        return Failure::Hidden.page(&v);
    };
    edit_page(&req, &state, &v, ids, None).await
}

/// `POST /cases/{id}/notes/{note}/edit`: saves the note, made from the version named.
pub async fn save(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<(String, String)>,
    form: SignedForm,
) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let Some((id, note_id)) = ids(path) else {
        return Failure::Hidden.page(&v);
    };
    let input = match parse(&f) {
        Ok(i) => i,
        Err(e) => {
            let typed = Typed { f, e, alert: None };
            return edit_page(&req, &state, &v, (id, note_id), Some(typed)).await;
        }
    };
    let version = f
        .one("version")
        .parse::<i64>()
        .map_or(IfMatch::NeverMatches, IfMatch::Version);
    let actor = v.actor;
    let done = with_env(&req, &state, move |conn, env| {
        Ok(edit_note(conn, env, &actor, note_id, version, &input)?)
    })
    .await;
    match done {
        Ok(n) => see_other(&format!("/cases/{}?done=note_saved#notes", n.case_id)),
        Err(Failure::Invalid(field)) => {
            let typed = Typed {
                f,
                e: refused(field),
                alert: None,
            };
            edit_page(&req, &state, &v, (id, note_id), Some(typed)).await
        }
        Err(Failure::Conflict(c)) => {
            let stale = Typed {
                alert: Some(alert(c)),
                ..Typed::fresh(&state)
            };
            case_again(&req, &state, &v, id, stale).await
        }
        Err(x) => x.page(&v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn a_complete_form_is_a_note_and_each_missing_field_has_its_message() {
        let ok = fields(&[
            ("kind", "phone_call"),
            ("occurred_on", "2026-03-01"),
            ("visibility", "shared"),
            ("text", "  Called her.\nShe is safe.  "),
        ]);
        let input = parse(&ok).unwrap();
        assert_eq!(input.kind, NoteKind::PhoneCall);
        assert_eq!(input.visibility, NoteVisibility::Shared);
        assert_eq!(input.text, "  Called her.\nShe is safe.  ", "as typed");

        let bad = fields(&[
            ("kind", "letter"),
            ("occurred_on", "1 maart"),
            ("text", " "),
        ]);
        let e = parse(&bad).unwrap_err();
        assert_eq!(e.of("note_kind"), Some("invalid.choose"));
        assert_eq!(e.of("occurred_on"), Some("invalid.date"));
        assert_eq!(e.of("visibility"), Some("invalid.choose"));
        assert_eq!(e.of("note_text"), Some("invalid.note_text"));
    }

    #[test]
    fn refusals_and_conflicts_have_their_messages() {
        assert_eq!(
            refused("occurred_on").of("occurred_on"),
            Some("invalid.note_occurred_on")
        );
        assert_eq!(refused("text").of("note_text"), Some("invalid.text"));
        assert_eq!(alert(Some(Conflict::NoteFixed)), "note.fixed");
        assert_eq!(alert(Some(Conflict::CaseClosed)), "note.case_closed");
        assert_eq!(alert(None), "note.changed");
    }
}
