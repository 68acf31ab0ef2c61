//! A file uploaded with a form (`multipart/form-data`) by a signed-in viewer, the form's
//! CSRF token checked: the upload's counterpart of [`crate::signed::SignedForm`]. As an
//! extractor, a handler that takes a [`SignedUpload`] runs only for a complete session
//! whose form carries the session's token; anyone else gets the login, the second-factor
//! step or the "form expired" page, and nothing of the body is kept.
//!
//! The body is read part by part under hard caps, never whole: the file part (`file`)
//! up to the case-work settings' `document_max_bytes` (beyond it nothing more is kept and
//! the upload is marked too large), each text part up to [`TEXT_MAX_BYTES`], at most
//! [`MAX_PARTS`] parts. What comes after a cap is read and dropped, so that the browser
//! gets its answer, but only up to [`drain_limit`]: then reading stops altogether.
//! Whether the file is fit to keep (its kind, its size) is the use case's to decide.

use crate::WebState;
use crate::forms::Fields;
use crate::pages::{Nav, complete_viewer, internal, stale_form};
use crate::session::Viewer;
use actix_multipart::{Field, Multipart};
use actix_web::dev::Payload;
use actix_web::error::InternalError;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use schakel_auth::web_session;
use std::future::Future;
use std::pin::Pin;

/// The most bytes kept of one text part (a title of 200 characters in any script, the
/// CSRF token, a checkbox).
pub(crate) const TEXT_MAX_BYTES: usize = 4 * 1024;

/// The most parts read of one form (the upload form has four).
pub(crate) const MAX_PARTS: usize = 16;

/// The name of the file part.
const FILE_PART: &str = "file";

/// The file of an upload, as it arrived.
#[derive(Debug)]
pub(crate) enum FilePart {
    /// No file was chosen (no part, or an empty one without a name).
    Missing,
    /// The file's bytes, within the limit.
    Received(Vec<u8>),
    /// Larger than the limit: nothing of it is kept.
    TooLarge,
    /// The body broke off or was not a form upload.
    Broken,
}

/// A form with a file, submitted by a signed-in viewer with the session's CSRF token.
#[derive(Debug)]
pub(crate) struct SignedUpload {
    /// Who submitted it.
    pub(crate) v: Viewer,
    /// Its text fields.
    pub(crate) f: Fields,
    /// Its file.
    pub(crate) file: FilePart,
}

/// How many bytes of a body are read at most (kept or dropped) for a limit of `max`
/// bytes: the file twice over, and room for the text parts.
pub(crate) fn drain_limit(max: usize) -> usize {
    max.saturating_mul(2)
        .saturating_add(MAX_PARTS * TEXT_MAX_BYTES)
}

/// What reading a part did to the budget of the body.
enum Read {
    /// The part was read to its end: its kept bytes, and whether more came than kept.
    Whole(Vec<u8>, bool),
    /// The body broke off, or the budget of the whole body ran out.
    Stopped,
}

/// Reads `field` to its end, keeping at most `keep` bytes and spending the bytes read
/// from `budget`.
async fn read_part(field: &mut Field, keep: usize, budget: &mut usize) -> Read {
    let mut kept = Vec::new();
    let mut over = false;
    while let Some(chunk) = field.next().await {
        let Ok(chunk) = chunk else {
            return Read::Stopped;
        };
        let Some(left) = budget.checked_sub(chunk.len()) else {
            return Read::Stopped;
        };
        *budget = left;
        if over || kept.len() + chunk.len() > keep {
            over = true;
            kept = Vec::new();
        } else {
            kept.extend_from_slice(&chunk);
        }
    }
    Read::Whole(kept, over)
}

/// The text of a part: its UTF-8 as far as it is valid (a cut-off part fails the use
/// case's own checks).
fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Reads the parts of an upload form with a file of at most `max` bytes.
async fn read_form(mut parts: Multipart, max: usize) -> (Fields, FilePart) {
    let mut fields = Vec::new();
    let mut file = FilePart::Missing;
    let mut budget = drain_limit(max);
    let mut count = 0;
    while let Some(part) = parts.next().await {
        count += 1;
        let Ok(mut part) = part else {
            return (Fields::new(fields), FilePart::Broken);
        };
        if count > MAX_PARTS {
            return (Fields::new(fields), FilePart::Broken);
        }
        let name = part.name().unwrap_or_default().to_owned();
        let file_name = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_owned);
        let is_file = file_name.is_some();
        let keep = if is_file { max } else { TEXT_MAX_BYTES };
        let (bytes, over) = match read_part(&mut part, keep, &mut budget).await {
            Read::Whole(bytes, over) => (bytes, over),
            Read::Stopped if is_file && name == FILE_PART => {
                return (Fields::new(fields), FilePart::TooLarge);
            }
            Read::Stopped => return (Fields::new(fields), FilePart::Broken),
        };
        match (is_file, name == FILE_PART, &file) {
            (false, _, _) => fields.push((name, text_of(&bytes))),
            (true, true, FilePart::Missing) if over => file = FilePart::TooLarge,
            (true, true, FilePart::Missing) if !bytes.is_empty() => {
                file = FilePart::Received(bytes);
            }
            // An empty file part with a name is an empty file (the use case refuses it);
            // without a name, no file was chosen.
            (true, true, FilePart::Missing) if file_name.is_some_and(|n| !n.is_empty()) => {
                file = FilePart::Received(bytes);
            }
            // Another file, or a second one: read and dropped.
            _ => {}
        }
    }
    (Fields::new(fields), file)
}

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, actix_web::Error>>>>;

/// A prepared response as the extractor's refusal.
fn answer(res: HttpResponse) -> actix_web::Error {
    InternalError::from_response("refused", res).into()
}

impl FromRequest for SignedUpload {
    type Error = actix_web::Error;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let stream = payload.take();
        Box::pin(async move {
            let Some(state) = req.app_data::<web::Data<WebState>>().cloned() else {
                return Err(answer(internal("the pages' state is missing")));
            };
            let v = complete_viewer(&req, &state).await.map_err(answer)?;
            let parts = Multipart::new(req.headers(), stream);
            let (f, file) = read_form(parts, state.workflow.document_max_bytes).await;
            if !web_session::csrf_matches(&v.csrf, f.one("csrf")) {
                return Err(answer(stale_form(v.texts(), Some(Nav::of(&v)))));
            }
            Ok(SignedUpload { v, f, file })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{self, HeaderMap, HeaderValue};
    use actix_web::web::Bytes;

    /// A multipart body of `parts` (name, file name, content) cut into chunks of `chunk`
    /// bytes, as the parser reads it.
    fn form(parts: &[(&str, Option<&str>, &[u8])], chunk: usize) -> Multipart {
        let mut body = Vec::new();
        for (name, file, content) in parts {
            body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"");
            body.extend_from_slice(name.as_bytes());
            body.extend_from_slice(b"\"");
            if let Some(f) = file {
                body.extend_from_slice(format!("; filename=\"{f}\"").as_bytes());
                body.extend_from_slice(b"\r\nContent-Type: application/octet-stream");
            }
            body.extend_from_slice(b"\r\n\r\n");
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--XyZ--\r\n");
        let chunks: Vec<Result<Bytes, actix_web::error::PayloadError>> = body
            .chunks(chunk)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("multipart/form-data; boundary=XyZ"),
        );
        Multipart::new(&headers, futures_util::stream::iter(chunks))
    }

    #[actix_web::test]
    async fn the_text_fields_and_the_file_are_read() {
        let pdf = b"%PDF-1.7\n%canary\n%%EOF".to_vec();
        let parts = form(
            &[
                ("csrf", None, b"token"),
                ("title", None, "Paspoort – kopie".as_bytes()),
                ("file", Some("scan.pdf"), &pdf),
                ("shared", None, b"on"),
            ],
            7,
        );
        let (f, file) = read_form(parts, 1000).await;
        assert_eq!(f.one("csrf"), "token");
        assert_eq!(f.raw("title"), "Paspoort – kopie");
        assert!(f.ticked("shared"));
        assert!(matches!(file, FilePart::Received(b) if b == pdf));
    }

    #[actix_web::test]
    async fn a_file_over_the_limit_is_not_kept_and_the_rest_still_read() {
        let big = vec![b'x'; 3000];
        let parts = form(
            &[
                ("csrf", None, b"token"),
                ("file", Some("big.pdf"), &big),
                ("title", None, b"t"),
            ],
            512,
        );
        let (f, file) = read_form(parts, 2999).await;
        assert!(matches!(file, FilePart::TooLarge));
        assert_eq!(f.one("csrf"), "token");
        assert_eq!(f.one("title"), "t", "read past the file");

        // Beyond twice the limit, reading stops altogether.
        let huge = vec![b'x'; 10_000];
        let parts = form(
            &[("csrf", None, b"token"), ("file", Some("h.pdf"), &huge)],
            512,
        );
        let (_, file) = read_form(parts, 1000).await;
        assert!(matches!(file, FilePart::TooLarge));
    }

    #[actix_web::test]
    async fn no_file_chosen_long_text_and_too_many_parts() {
        let parts = form(&[("csrf", None, b"token"), ("file", Some(""), b"")], 64);
        let (_, file) = read_form(parts, 1000).await;
        assert!(matches!(file, FilePart::Missing));
        let long = vec![b'a'; TEXT_MAX_BYTES + 1];
        let parts = form(&[("title", None, &long), ("csrf", None, b"token")], 64);
        let (f, _) = read_form(parts, 1000).await;
        assert!(
            f.raw("title").is_empty(),
            "nothing kept of a text over its cap"
        );
        assert_eq!(f.one("csrf"), "token");
        let many: Vec<(&str, Option<&str>, &[u8])> =
            (0..=MAX_PARTS).map(|_| ("x", None, &b"1"[..])).collect();
        let (_, file) = read_form(form(&many, 64), 1000).await;
        assert!(matches!(file, FilePart::Broken));
    }

    #[actix_web::test]
    async fn a_body_that_is_no_form_upload_is_broken() {
        let headers = HeaderMap::new();
        let empty: Vec<Result<Bytes, actix_web::error::PayloadError>> = Vec::new();
        let parts = Multipart::new(&headers, futures_util::stream::iter(empty));
        let (f, file) = read_form(parts, 1000).await;
        assert!(matches!(file, FilePart::Broken));
        assert!(f.one("csrf").is_empty());
    }
}
