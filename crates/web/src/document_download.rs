//! Downloading a document from the case page (`GET /documents/{id}/download`): the
//! file as an attachment for a signed-in viewer who may read it, once the malware
//! scanner found it clean.
//!
//! The answer never renders in the site's origin: it is an attachment named by the use
//! case (the case's reference and the document's short id, never its title), of the
//! kind its content showed, with `nosniff`, no caching and a sandboxing policy. A
//! document still waiting for its scan, quarantined or removed answers with the case
//! page and a message in its documents section; one that does not exist or that the
//! viewer may not read answers the not-found page, alike.

use crate::WebState;
use crate::case_document_rows::DocShown;
use crate::case_documents::conflict;
use crate::cases::again_documents;
use crate::forms::{Failure, with_env};
use crate::pages::complete_viewer;
use crate::session::Viewer;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::DocumentId;
use schakel_referral_workflow::Conflict;
use schakel_referral_workflow::documents::{Download, download_document, get_document};

/// The policy of a download: were it ever shown in the browser, it runs nothing and
/// reaches nothing of this site.
pub(crate) const DOWNLOAD_CSP: &str = "sandbox";

/// A file name as a header may carry it: letters, digits, `.`, `_` and `-`.
fn safe_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .collect()
}

/// The download as an attachment. The content leaves the wiped buffer for the response
/// (the web stack does not wipe what it sends).
fn attachment(mut d: Download) -> HttpResponse {
    let bytes = std::mem::take(&mut *d.bytes);
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(safe_name(&d.file_name))],
    };
    HttpResponse::Ok()
        .content_type(d.media_type.as_str())
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_SECURITY_POLICY, DOWNLOAD_CSP))
        .body(bytes)
}

/// The case page of document `id` with why it cannot be downloaded now.
async fn not_served(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    id: DocumentId,
    why: Option<Conflict>,
) -> HttpResponse {
    let actor = v.actor;
    let found = with_env(req, state, move |conn, env| {
        Ok(get_document(conn, env, &actor, id)?)
    })
    .await;
    match found {
        Ok(d) => {
            let shown = DocShown {
                alert: Some(conflict(v.texts(), why)),
                status: StatusCode::CONFLICT,
                ..DocShown::default()
            };
            again_documents(req, state, v, d.case_id, shown).await
        }
        Err(x) => x.page(v),
    }
}

/// `GET /documents/{id}/download`.
pub async fn download(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let Ok(id) = path.parse::<DocumentId>() else {
        return Failure::Hidden.page(&v);
    };
    let actor = v.actor;
    let got = with_env(&req, &state, move |conn, env| {
        Ok(download_document(conn, env, &actor, id)?)
    })
    .await;
    match got {
        Ok(d) => attachment(d),
        Err(Failure::Conflict(why)) => not_served(&req, &state, &v, id, why).await,
        Err(x) => x.page(&v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_keeps_only_safe_characters() {
        assert_eq!(
            safe_name("2026-000123-ab12cd34.pdf"),
            "2026-000123-ab12cd34.pdf"
        );
        assert_eq!(safe_name("a\"b\r\n;c/../d.pdf"), "abc..d.pdf");
    }
}
