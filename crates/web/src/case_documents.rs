//! Documents on a case in the pages: the section of the case page that lists the
//! documents the viewer may read (the use case decides which) with the form that adds
//! one, and the forms that share, stop sharing or remove one of the viewer's agency.
//!
//! The upload comes through [`crate::upload::SignedUpload`] (the file read under the
//! size limit); what the use case refuses (a kind other than PDF, JPEG or PNG, a file
//! over the limit, a closed case) and a document changed or removed meanwhile come back
//! as the case page with a message in this section, and nothing is changed. The
//! download itself is `document_download`'s. Nothing here decides who may do what.

use crate::WebState;
use crate::case_document_rows::{DocShown, limit};
use crate::cases::again_documents;
use crate::forms::{Failure, with_env};
use crate::i18n::Texts;
use crate::pages::see_other;
use crate::session::Viewer;
use crate::signed::SignedForm;
use crate::upload::{FilePart, SignedUpload};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::{CaseId, DocumentId};
use schakel_referral_workflow::documents::{
    DocumentUpload, add_document, remove_document, share_document,
};
use schakel_referral_workflow::{Conflict, IfMatch, Refusal, UseCaseError};

/// The message of an upload the use case refused, in words; `None` for what no message
/// of this section answers.
fn refused(t: Texts, e: &UseCaseError, max: usize) -> Option<String> {
    let key = match e {
        UseCaseError::Refused(Refusal::DocumentType) => "document.wrong_type",
        UseCaseError::Refused(Refusal::DocumentTooLarge) => "document.too_large",
        UseCaseError::Invalid("file") => "document.no_file",
        UseCaseError::Invalid("title") => "document.title_too_long",
        UseCaseError::Conflict(Conflict::CaseClosed) => "document.case_closed",
        _ => return None,
    };
    Some(t.get(key).replace("{limit}", &limit(t, max)))
}

/// The message of a change refused by the state of a document, in words.
pub(crate) fn conflict(t: Texts, c: Option<Conflict>) -> String {
    t.get(match c {
        Some(Conflict::DocumentGone) => "document.gone",
        Some(Conflict::DocumentPending) => "document.not_scanned",
        Some(Conflict::DocumentQuarantined) => "document.not_served",
        Some(Conflict::CaseClosed) => "document.case_closed",
        None => "document.changed",
        Some(_) => "error.conflict",
    })
    .to_owned()
}

/// `POST /cases/{id}/documents`: adds the uploaded file to the case.
pub async fn add(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    upload: SignedUpload,
) -> HttpResponse {
    let SignedUpload { v, f, file } = upload;
    let Ok(id) = path.parse::<CaseId>() else {
        return Failure::Hidden.page(&v);
    };
    let (t, max) = (v.texts(), state.workflow.document_max_bytes);
    let typed = |alert: String| DocShown {
        alert: Some(alert),
        status: StatusCode::UNPROCESSABLE_ENTITY,
        title: f.raw("title"),
        shared: f.ticked("shared"),
    };
    let bytes = match file {
        FilePart::Received(bytes) => bytes,
        FilePart::Missing => {
            let shown = typed(t.get("document.no_file").to_owned());
            return again_documents(&req, &state, &v, id, shown).await;
        }
        FilePart::TooLarge => {
            let alert = t
                .get("document.too_large")
                .replace("{limit}", &limit(t, max));
            return again_documents(&req, &state, &v, id, typed(alert)).await;
        }
        FilePart::Broken => {
            let shown = typed(t.get("document.upload_failed").to_owned());
            return again_documents(&req, &state, &v, id, shown).await;
        }
    };
    let upload = DocumentUpload {
        title: f.text("title"),
        shared: f.ticked("shared"),
        file: bytes,
    };
    let actor = v.actor;
    let done = with_env(&req, &state, move |conn, env| {
        Ok(add_document(conn, env, &actor, id, upload))
    })
    .await;
    match done {
        Ok(Ok(_)) => see_other(&format!("/cases/{id}?done=document_added#documents")),
        Ok(Err(e)) => match refused(t, &e, max) {
            Some(alert) => again_documents(&req, &state, &v, id, typed(alert)).await,
            None => Failure::from(e).page(&v),
        },
        Err(x) => x.page(&v),
    }
}

/// The case and document of an action's address; `None` when either is no id.
fn ids(path: web::Path<(String, String)>) -> Option<(CaseId, DocumentId)> {
    let (case, doc) = path.into_inner();
    Some((case.parse().ok()?, doc.parse().ok()?))
}

/// The case page after a change that failed: with the message for a conflict, else the
/// failure's own page.
async fn failed(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    id: CaseId,
    x: Failure,
) -> HttpResponse {
    match x {
        Failure::Conflict(c) => {
            let shown = DocShown {
                alert: Some(conflict(v.texts(), c)),
                status: StatusCode::CONFLICT,
                ..DocShown::default()
            };
            again_documents(req, state, v, id, shown).await
        }
        x => x.page(v),
    }
}

/// The version a change is made from, as the form names it.
fn version(f: &crate::forms::Fields) -> IfMatch {
    f.one("version")
        .parse::<i64>()
        .map_or(IfMatch::NeverMatches, IfMatch::Version)
}

/// `POST /cases/{id}/documents/{doc}/share`: shares the document (`shared=true`) with
/// the agencies that see the identity, or stops sharing it.
pub async fn share(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<(String, String)>,
    form: SignedForm,
) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let Some((id, doc)) = ids(path) else {
        return Failure::Hidden.page(&v);
    };
    let (if_match, shared) = (version(&f), f.one("shared") == "true");
    let actor = v.actor;
    let done = with_env(&req, &state, move |conn, env| {
        Ok(share_document(conn, env, &actor, doc, if_match, shared)?)
    })
    .await;
    match done {
        Ok(d) => {
            let what = if d.shared { "shared" } else { "unshared" };
            see_other(&format!(
                "/cases/{}?done=document_{what}#document-{}",
                d.case_id, d.id
            ))
        }
        Err(x) => failed(&req, &state, &v, id, x).await,
    }
}

/// `POST /cases/{id}/documents/{doc}/remove`: takes the document off the case.
pub async fn remove(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<(String, String)>,
    form: SignedForm,
) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let Some((id, doc)) = ids(path) else {
        return Failure::Hidden.page(&v);
    };
    let if_match = version(&f);
    let actor = v.actor;
    let done = with_env(&req, &state, move |conn, env| {
        Ok(remove_document(conn, env, &actor, doc, if_match)?)
    })
    .await;
    match done {
        Ok(()) => see_other(&format!("/cases/{id}?done=document_removed#documents")),
        Err(x) => failed(&req, &state, &v, id, x).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn refusals_and_conflicts_have_their_messages() {
        let t = Texts { lang: Lang::En };
        let max = 20 * 1024 * 1024;
        let said = |e: UseCaseError| refused(t, &e, max).unwrap();
        assert!(said(UseCaseError::Refused(Refusal::DocumentType)).contains("PDF, JPEG or PNG"));
        assert!(said(UseCaseError::Refused(Refusal::DocumentTooLarge)).contains("20 MB"));
        assert!(said(UseCaseError::Conflict(Conflict::CaseClosed)).contains("closed"));
        assert!(refused(t, &UseCaseError::NotFound, max).is_none());
        assert!(conflict(t, None).contains("changed in the meantime"));
        assert!(conflict(t, Some(Conflict::DocumentQuarantined)).contains("malware"));
        assert!(conflict(t, Some(Conflict::DocumentPending)).contains("scan"));
    }
}
