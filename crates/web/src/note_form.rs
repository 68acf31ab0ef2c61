//! How notes appear in the pages: the rows of the list on the case page and the note
//! form (to add a note there, or to change one's own on its edit page), filled as first
//! shown, from a note, or as typed with its messages.

use crate::WebState;
use crate::forms::{Choice, Fields, Problems, choices};
use crate::i18n::Texts;
use schakel_domain::{NoteKind, NoteVisibility};
use schakel_referral_workflow::views::NoteView;

/// A note as the pages list it.
pub(crate) struct NoteRow {
    pub(crate) id: String,
    pub(crate) occurred_on: String,
    pub(crate) kind: String,
    pub(crate) author: String,
    pub(crate) agency: String,
    pub(crate) visibility: String,
    pub(crate) text: Option<String>,
    pub(crate) editable: bool,
}

/// The notes in the viewer's words, in the order given (oldest first).
pub(crate) fn rows(t: Texts, list: &[NoteView]) -> Vec<NoteRow> {
    list.iter().map(|n| row(t, n)).collect()
}

pub(crate) fn row(t: Texts, n: &NoteView) -> NoteRow {
    NoteRow {
        id: n.id.to_string(),
        occurred_on: n.occurred_on.format("%Y-%m-%d").to_string(),
        kind: t.code("note_kind", n.kind.as_str()),
        author: n.author_name.clone(),
        agency: n.agency.name.clone(),
        visibility: t.code("note_visibility", n.visibility.as_str()),
        text: n.text.clone(),
        editable: n.editable_until.is_some(),
    }
}

/// The note form as typed, its messages, and a message about notes (a catalog key).
pub(crate) struct Typed {
    pub(crate) f: Fields,
    pub(crate) e: Problems,
    pub(crate) alert: Option<&'static str>,
}

impl Typed {
    /// The form as first shown: happened today, for the own agency only.
    pub(crate) fn fresh(state: &WebState) -> Typed {
        let today = state.clock.now().date_naive().format("%Y-%m-%d");
        Typed {
            f: Fields::new(vec![
                ("occurred_on".to_owned(), today.to_string()),
                (
                    "visibility".to_owned(),
                    NoteVisibility::OwnAgency.to_string(),
                ),
            ]),
            e: Problems::default(),
            alert: None,
        }
    }

    /// The form filled with a note.
    pub(crate) fn of(n: &NoteView) -> Typed {
        Typed {
            f: Fields::new(vec![
                ("kind".to_owned(), n.kind.to_string()),
                (
                    "occurred_on".to_owned(),
                    n.occurred_on.format("%Y-%m-%d").to_string(),
                ),
                ("visibility".to_owned(), n.visibility.to_string()),
                ("text".to_owned(), n.text.clone().unwrap_or_default()),
            ]),
            e: Problems::default(),
            alert: None,
        }
    }
}

/// The note form as a page shows it.
pub(crate) struct NoteForm {
    pub(crate) action: String,
    /// Which form of the page this is, when it posts to the page's own address.
    pub(crate) form_kind: &'static str,
    pub(crate) version: Option<i64>,
    pub(crate) submit: &'static str,
    pub(crate) f: Fields,
    pub(crate) e: Problems,
    pub(crate) alert: Option<&'static str>,
    pub(crate) kinds: Vec<Choice>,
    pub(crate) visibilities: Vec<Choice>,
    /// The draft a new note keeps while it is typed (none when a note is changed).
    pub(crate) draft: Option<crate::drafts::Slot>,
}

impl NoteForm {
    /// The form that adds a note to case `id`.
    pub(crate) fn adding(t: Texts, id: &str, typed: Typed) -> NoteForm {
        let case = id.parse().ok();
        let slot = crate::drafts::Slot::again(schakel_domain::DraftForm::Note, case, &typed.f);
        let mut form = NoteForm::new(t, format!("/cases/{id}"), None, "note.submit", typed);
        form.draft = Some(slot);
        form.form_kind = "note";
        form
    }

    pub(crate) fn new(
        t: Texts,
        action: String,
        version: Option<i64>,
        submit: &'static str,
        typed: Typed,
    ) -> NoteForm {
        let Typed { f, e, alert } = typed;
        let kind = vec![f.one("kind").to_owned()];
        let visibility = vec![f.one("visibility").to_owned()];
        NoteForm {
            action,
            form_kind: "",
            version,
            submit,
            kinds: choices(t, "note_kind", NoteKind::ALL, &kind),
            visibilities: choices(t, "note_visibility", NoteVisibility::ALL, &visibility),
            f,
            e,
            alert,
            draft: None,
        }
    }
}
