//! The case page: the person (identity only as far as consent or a legal basis lets the
//! viewer's agency see it), the consent and legal-basis records with the forms to give
//! and withdraw them (handled in `consents`), the notes with the form that adds one
//! (handled in `notes`), the case's referrals, the form that closes it (handled in
//! `case_close`) or how it was closed with the form that reopens it (handled in
//! `case_reopen`), and its timeline; for the owning agency also who is responsible for
//! the case, with the form that changes it for its coordinators (its choices from
//! `case_assignees`, handled in `case_assign`), the link to correct the case (handled
//! in `case_correct`) and its rectification record (`case_history`); for everyone who
//! sees it, where it came from and the chain of referrals it is part of (`case_chain`);
//! the documents the viewer may read with the forms that add, share and remove them
//! (`case_documents`). A case read through an emergency access carries its banner and
//! none of the forms (`emergency_mark`). A case the viewer may not see answers 404, as
//! the API does.

use crate::WebState;
use crate::case_assignees::{self, Workers};
use crate::case_chain::{self, ChainRow, Origin};
use crate::case_document_rows::{self, DocShown, DocumentsSection};
use crate::case_history::{self, CorrectionRow};
use crate::case_rows::{
    self, ConsentRow, Event, Person, ReferralRow, consent_row, events, person, referral_row, words,
};
use crate::drafts::{self, Slot};
use crate::emergency_mark::{self, Reading};
use crate::forms::{Choice, Failure, Fields, Problems, choices, with_env};
use crate::i18n::Texts;
use crate::note_form::{self, NoteForm, NoteRow, Typed};
use crate::pages::{Nav, complete_viewer, html_with_drafts};
use crate::session::Viewer;
use crate::time::day_time;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_domain::{
    CaseId, CaseStatus, CloseReason, ConsentGiver, ConsentKind, DraftForm, LegalBasis,
    RecipientKind, ReferralPurpose, ReopenReason,
};
use schakel_referral_workflow::cases::{case_chain, case_timeline, get_case};
use schakel_referral_workflow::documents::{DocumentView, list_documents};
use schakel_referral_workflow::notes::list_notes;
use schakel_referral_workflow::views::{
    AccessKind, CaseChain, CaseView, CorrectionView, NoteView, TimelineEntry,
};

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    id: String,
    reference: String,
    /// The page of the signal the case was opened from, for its own agency.
    signal: Option<String>,
    version: i64,
    owner: bool,
    open: bool,
    status: String,
    region: String,
    forms: String,
    opened: String,
    legal_basis_used: bool,
    person: Option<Person>,
    withheld: bool,
    /// Why the identity is gone (a catalog key), when it is.
    erased: Option<&'static str>,
    correctable: bool,
    corrections: Vec<CorrectionRow>,
    gender: String,
    age_band: String,
    notes: Option<String>,
    consents: Vec<ConsentRow>,
    referrals: Vec<ReferralRow>,
    events: Vec<Event>,
    changed: bool,
    done: Option<&'static str>,
    case_notes: Vec<NoteRow>,
    note: NoteForm,
    e: Problems,
    f: Fields,
    kinds: Vec<Choice>,
    recipients: Vec<Choice>,
    purposes: Vec<Choice>,
    givers: Vec<Choice>,
    bases: Vec<Choice>,
    status_form: StatusForm,
    reasons: Vec<Choice>,
    reopenable: bool,
    reopen_reasons: Vec<Choice>,
    close_reason: String,
    closed_at: String,
    close_note: Option<String>,
    responsible: String,
    assignees: Option<Vec<Choice>>,
    origin: Option<Origin>,
    chain: Vec<ChainRow>,
    consent_draft: Slot,
    documents: DocumentsSection,
    reading: Reading,
}

/// What the case page shows besides the case: the forms as typed and what happened.
pub(crate) struct Shown {
    /// The case changed since the consent form was made.
    pub(crate) changed: bool,
    /// The consent form as typed, with its messages.
    pub(crate) consent: (Fields, Problems),
    /// The note form as typed, with its messages and a message about notes.
    pub(crate) note: Typed,
    /// A confirmation of what was just done (a catalog key).
    pub(crate) done: Option<&'static str>,
}

/// The form that closes or reopens the case as typed (a case shows at most one of them:
/// the close form while open, the reopen form while closed), its messages, and a message
/// about the change (a catalog key).
#[derive(Default)]
pub(crate) struct StatusForm {
    pub(crate) f: Fields,
    pub(crate) e: Problems,
    pub(crate) alert: Option<&'static str>,
}

impl StatusForm {
    /// The answer's status as far as the close or reopen form goes.
    fn status(&self) -> StatusCode {
        if !self.e.is_empty() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else if self.alert.is_some() {
            StatusCode::CONFLICT
        } else {
            StatusCode::OK
        }
    }
}

impl Shown {
    /// The answer's status: refused input, then a conflict, else fine.
    fn status(&self) -> StatusCode {
        if !self.consent.1.is_empty() || !self.note.e.is_empty() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else if self.changed || self.note.alert.is_some() {
            StatusCode::CONFLICT
        } else {
            StatusCode::OK
        }
    }
}

/// The case page with what `shown` adds to it, the close or reopen form as
/// `status_form` says and the documents section as `docs` says.
fn page(v: &Viewer, loaded: &Loaded, shown: Shown, forms: (StatusForm, DocShown)) -> HttpResponse {
    let ((c, timeline, list, history, workers, chain), documents, max) = loaded;
    let (status_form, docs) = forms;
    let t = v.texts();
    let status = shown.status().max(status_form.status()).max(docs.status);
    let owner = c.access == AccessKind::Owner;
    let open = c.status == CaseStatus::Open;
    let Shown {
        changed,
        consent: (f, e),
        note,
        done,
    } = shown;
    let id = c.id.to_string();
    let one = |name: &str| vec![f.one(name).to_owned()];
    let close_chosen = status_form.f.all("close_reason");
    let reopen_chosen = status_form.f.all("reopen_reason");
    let reading = emergency_mark::reading(v, c);
    let page = CasePage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        version: c.version,
        owner,
        open,
        status: t.code("case_status", c.status.as_str()),
        region: t.code("region", c.region.as_str()),
        forms: words(t, "form", &c.exploitation_forms),
        opened: day_time(c.created_at),
        legal_basis_used: c.legal_basis_used,
        person: person(t, c),
        withheld: c.person.identity_withheld,
        erased: case_rows::erased(c, timeline),
        correctable: owner && reading.writes && c.person.identity.is_some() && !c.person.erased,
        corrections: case_history::rows(t, history),
        gender: t.code("gender", c.person.gender.as_str()),
        age_band: t.code("age", c.person.age_band.as_str()),
        notes: c.notes.clone(),
        consents: c.consents.iter().map(|x| consent_row(t, x)).collect(),
        referrals: c.referrals.iter().map(|r| referral_row(t, r)).collect(),
        events: events(v, c, timeline),
        changed,
        done,
        case_notes: note_form::rows(t, list),
        note: NoteForm::adding(t, &id, note),
        kinds: choices(t, "consent_kind", ConsentKind::ALL, &one("kind")),
        recipients: choices(t, "recipient", RecipientKind::ALL, &f.all("recipient")),
        purposes: choices(t, "purpose", ReferralPurpose::ALL, &f.all("purpose")),
        givers: choices(t, "giver", ConsentGiver::ALL, &one("given_by")),
        bases: choices(t, "legal_basis", LegalBasis::ALL, &one("legal_basis")),
        reasons: choices(t, "close_reason", CloseReason::ALL, &close_chosen),
        reopenable: owner && reading.writes && !open && !c.person.erased,
        reopen_reasons: choices(t, "reopen_reason", ReopenReason::ALL, &reopen_chosen),
        status_form,
        close_reason: c
            .close_reason
            .map_or_else(String::new, |r| t.code("close_reason", r.as_str())),
        closed_at: c.closed_at.map(day_time).unwrap_or_default(),
        close_note: c.close_note.clone(),
        responsible: c.assigned_to.as_ref().map_or_else(
            || t.get("case.responsible_nobody").to_owned(),
            |w| w.name.clone(),
        ),
        assignees: workers
            .as_ref()
            .filter(|_| reading.writes)
            .map(|w| case_assignees::choices(t, w, c.assigned_to.as_ref())),
        origin: c.origin.as_ref().map(|o| case_chain::origin(t, o)),
        consent_draft: Slot::again(DraftForm::Consent, Some(c.id), &f),
        chain: case_chain::rows(t, chain),
        documents: case_document_rows::section(v, c, documents, docs, *max),
        reading,
        reference: c.reference.clone(),
        signal: case_rows::signal_link(c),
        id,
        e,
        f,
    };
    html_with_drafts(status, &page)
}

/// A case as the viewer may see it: the case, its timeline, its notes, its
/// rectification record (empty but for the owning agency), the workers the viewer
/// may make responsible for it and the chain of referrals it is part of; then its
/// documents and the size limit of a new one.
type Loaded = (
    (
        CaseView,
        Vec<TimelineEntry>,
        Vec<NoteView>,
        Vec<CorrectionView>,
        Workers,
        CaseChain,
    ),
    Vec<DocumentView>,
    usize,
);

/// Loads the case, its timeline, its notes, its record, the workers to choose from and
/// its documents as the viewer may see them.
async fn load(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    id: CaseId,
) -> Result<Loaded, Failure> {
    let actor = v.actor;
    with_env(req, state, move |conn, env| {
        let case = get_case(conn, env, &actor, id)?;
        let timeline = case_timeline(conn, env, &actor, id)?;
        let notes = list_notes(conn, env, &actor, id)?;
        let history = case_history::record(conn, env, &actor, &case)?;
        let workers = case_assignees::workers(conn, env, &actor, &case)?;
        let chain = case_chain(conn, env, &actor, id)?;
        let documents = list_documents(conn, env, &actor, id)?;
        let max = env.cfg.document_max_bytes;
        Ok((
            (case, timeline, notes, history, workers, chain),
            documents,
            max,
        ))
    })
    .await
}

/// The consent form as first shown: given today.
pub(crate) fn fresh(state: &WebState) -> Fields {
    let today = state
        .clock
        .now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    Fields::new(vec![("given_on".to_owned(), today)])
}

/// Shows the case again (after a refused or stale consent form).
pub(crate) async fn again(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    id: CaseId,
    changed: bool,
    f: Fields,
    e: Problems,
) -> HttpResponse {
    let shown = Shown {
        changed,
        consent: (f, e),
        note: Typed::fresh(state),
        done: None,
    };
    again_with(req, state, v, id, shown).await
}

/// Shows the case with what `shown` adds to it.
pub(crate) async fn again_with(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    id: CaseId,
    shown: Shown,
) -> HttpResponse {
    again_status(req, state, v, id, shown, StatusForm::default()).await
}

/// Shows the case with what `shown` adds to it and the close or reopen form as
/// `status_form` says.
pub(crate) async fn again_status(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    id: CaseId,
    shown: Shown,
    status_form: StatusForm,
) -> HttpResponse {
    match load(req, state, v, id).await {
        Ok(loaded) => page(v, &loaded, shown, (status_form, DocShown::default())),
        Err(x) => x.page(v),
    }
}

/// Shows the case with a message of its documents section, the upload form as `docs`
/// says.
pub(crate) async fn again_documents(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    id: CaseId,
    docs: DocShown,
) -> HttpResponse {
    let shown = Shown {
        changed: false,
        consent: (fresh(state), Problems::default()),
        note: Typed::fresh(state),
        done: None,
    };
    match load(req, state, v, id).await {
        Ok(loaded) => page(v, &loaded, shown, (StatusForm::default(), docs)),
        Err(x) => x.page(v),
    }
}

/// The confirmation a case page's address asks for (`?done=…`), when it is a known one.
fn done_of(query: &str) -> Option<&'static str> {
    query.split('&').find_map(|pair| match pair {
        "done=signal_saved" => Some("case.signal_saved_done"),
        "done=note_added" => Some("note.added"),
        "done=note_saved" => Some("note.saved"),
        "done=case_closed" => Some("case.closed_done"),
        "done=case_reopened" => Some("case.reopened_done"),
        "done=case_corrected" => Some("case.corrected_done"),
        "done=case_unchanged" => Some("case.unchanged_done"),
        "done=case_assigned" => Some("case.assigned_done"),
        "done=case_opened_onward" => Some("case.opened_onward_done"),
        "done=consent_recorded" => Some("case.consent_recorded_done"),
        "done=consent_withdrawn" => Some("case.consent_withdrawn_done"),
        "done=document_added" => Some("document.added"),
        "done=document_shared" => Some("document.shared_done"),
        "done=document_unshared" => Some("document.unshared_done"),
        "done=document_removed" => Some("document.removed_done"),
        "done=record_restricted" => Some("case.record_restricted_done"),
        "done=restriction_lifted" => Some("case.restriction_lifted_done"),
        "done=erased_on_request" => Some("case.erased_on_request_done"),
        _ => None,
    })
}

/// `GET /cases/{id}`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let Ok(id) = path.parse::<CaseId>() else {
        return Failure::Hidden.page(&v);
    };
    let mut note = Typed::fresh(&state);
    let mut consent = fresh(&state);
    // A draft of either form of the page, resumed.
    match drafts::resume(&req, &state, &v, DraftForm::Note, Some(id)).await {
        Ok(Some((_, f))) => note.f = f,
        Ok(None) => match drafts::resume(&req, &state, &v, DraftForm::Consent, Some(id)).await {
            Ok(Some((_, f))) => consent = f,
            Ok(None) => {}
            Err(x) => return x.page(&v),
        },
        Err(x) => return x.page(&v),
    }
    let shown = Shown {
        changed: false,
        consent: (consent, Problems::default()),
        note,
        done: done_of(req.query_string()),
    };
    again_with(&req, &state, &v, id, shown).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_confirmations_are_shown() {
        assert_eq!(done_of("done=note_added"), Some("note.added"));
        assert_eq!(done_of("x=1&done=note_saved"), Some("note.saved"));
        assert_eq!(done_of("done=case_closed"), Some("case.closed_done"));
        assert_eq!(done_of("done=case_corrected"), Some("case.corrected_done"));
        assert_eq!(done_of("done=case_reopened"), Some("case.reopened_done"));
        assert_eq!(done_of("done=case_assigned"), Some("case.assigned_done"));
        assert_eq!(
            done_of("done=consent_withdrawn"),
            Some("case.consent_withdrawn_done")
        );
        assert_eq!(done_of("done=document_added"), Some("document.added"));
        assert_eq!(
            done_of("done=document_removed"),
            Some("document.removed_done")
        );
        assert_eq!(done_of("done=%3Cscript%3E"), None);
        assert_eq!(done_of(""), None);
    }
}
