//! The upload form of a document (`multipart/form-data`), read as a stream under hard
//! caps: never more than the configured document limit of the file, 4 KiB of a text
//! part, and the whole body at most the limit and 64 KiB of framing. An unknown or
//! repeated part is refused, naming it; the part's file name and content type are never
//! looked at (what kind of file it is, is the use case's to read from the content).

use crate::problem::ProblemKind;
use crate::{ApiError, FieldError};
use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, web};
use futures_util::StreamExt;
use schakel_referral_workflow::documents::DocumentUpload;
use std::cell::Cell;
use std::rc::Rc;

/// The most read of a text part (`title`, `shared`), in bytes.
const TEXT_PART_MAX: usize = 4 * 1024;
/// What an upload's body may hold besides the file: boundaries, part headers, the text
/// parts.
const FRAMING_MAX: usize = 64 * 1024;
/// The upload form (`multipart/form-data`). Any other part, or a part given twice, is
/// refused.
#[derive(Debug, utoipa::ToSchema)]
pub struct DocumentUploadForm {
    /// The file: a PDF, JPEG or PNG by its content (the part's file name and content
    /// type are ignored), at most the configured size (20 MiB by default). An image's
    /// metadata (EXIF with the place it was taken, XMP, IPTC, comments) is stripped.
    #[schema(value_type = String, format = Binary, examples("%PDF-1.7\n%%EOF\n"))]
    pub file: Vec<u8>,
    /// A title (a file name, or what the paper is), at most 200 characters; encrypted
    /// like the person's identity.
    #[schema(max_length = 200, nullable = false)]
    pub title: Option<String>,
    /// `true` to share it with the agencies that see the person's identity; `false`
    /// (the default) keeps it with the uploader's agency.
    #[schema(nullable = false, default = false)]
    pub shared: Option<bool>,
}

impl From<DocumentUploadForm> for DocumentUpload {
    fn from(form: DocumentUploadForm) -> Self {
        DocumentUpload {
            title: form.title,
            shared: form.shared.unwrap_or(false),
            file: form.file,
        }
    }
}

pub(crate) fn problem(kind: ProblemKind) -> ApiError {
    ApiError::Problem(kind)
}

/// What a broken upload body is: over the cap (413), not multipart (415), or
/// malformed (400).
fn multipart_problem(e: MultipartError, capped: bool) -> ApiError {
    problem(match e {
        MultipartError::Payload(PayloadError::Overflow) if capped => ProblemKind::DocumentTooLarge,
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible => ProblemKind::UnsupportedMediaType,
        _ => ProblemKind::BadRequest,
    })
}

/// Reads one part whole, refusing it with `over` once it passes `max` bytes (nothing
/// beyond is read).
async fn read_part(
    part: &mut Field,
    max: usize,
    over: fn() -> ApiError,
    capped: &Cell<bool>,
) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    while let Some(chunk) = part.next().await {
        let chunk = chunk.map_err(|e| multipart_problem(e, capped.get()))?;
        if out.len().saturating_add(chunk.len()) > max {
            return Err(over());
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Part `name` of the form is not valid for `reason` (422 naming it).
fn invalid(name: &'static str, reason: &'static str) -> ApiError {
    ApiError::Invalid(FieldError::named(name, reason))
}

/// The `title` part as text (422 if not UTF-8).
fn text(bytes: Vec<u8>) -> Result<String, ApiError> {
    String::from_utf8(bytes).map_err(|_| invalid("title", "expected UTF-8 text"))
}

/// The `shared` part: `true` or `false` (422 otherwise).
fn flag(bytes: Vec<u8>) -> Result<bool, ApiError> {
    match bytes.as_slice() {
        b"true" => Ok(true),
        b"false" => Ok(false),
        _ => Err(invalid("shared", "expected true or false")),
    }
}

/// Refuses, before reading it, a body that is not `multipart/form-data` (415) or says
/// it is longer than `body_max` (413).
fn check_headers(req: &HttpRequest, body_max: usize) -> Result<(), ApiError> {
    let form_data = req.mime_type().ok().flatten().is_some_and(|m| {
        m.type_() == actix_web::mime::MULTIPART && m.subtype() == actix_web::mime::FORM_DATA
    });
    if !form_data {
        return Err(problem(ProblemKind::UnsupportedMediaType));
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > u64::try_from(body_max).unwrap_or(u64::MAX)) {
        return Err(problem(ProblemKind::DocumentTooLarge));
    }
    Ok(())
}

/// Reads the upload form from a `multipart/form-data` body, never more of it than
/// `file_max` and the framing.
pub(crate) async fn read_upload(
    req: &HttpRequest,
    payload: web::Payload,
    file_max: usize,
) -> Result<DocumentUploadForm, ApiError> {
    let body_max = file_max.saturating_add(FRAMING_MAX);
    check_headers(req, body_max)?;
    // The cap on the whole body, wherever the parser is: it stops at the first byte
    // over, and says so (the parser's own overflow is a malformed body).
    let capped = Rc::new(Cell::new(false));
    let (mut seen, tripped) = (0_usize, capped.clone());
    let body = payload.map(move |chunk| {
        let chunk = chunk?;
        seen = seen.saturating_add(chunk.len());
        if seen > body_max {
            tripped.set(true);
            return Err(PayloadError::Overflow);
        }
        Ok(chunk)
    });
    let mut parts = Multipart::new(req.headers(), body);
    let (mut file, mut title, mut shared) = (None, None, None);
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(|e| multipart_problem(e, capped.get()))?;
        let name = part.name().unwrap_or_default().to_owned();
        let (max, over, fresh): (usize, fn() -> ApiError, bool) = match name.as_str() {
            "file" => (
                file_max,
                || problem(ProblemKind::DocumentTooLarge),
                file.is_none(),
            ),
            "title" => (
                TEXT_PART_MAX,
                || invalid("title", "is too long"),
                title.is_none(),
            ),
            "shared" => (
                TEXT_PART_MAX,
                || invalid("shared", "expected true or false"),
                shared.is_none(),
            ),
            _ => {
                return Err(invalid(
                    "",
                    "expected only the parts file, title and shared",
                ));
            }
        };
        if !fresh {
            let repeated = match name.as_str() {
                "file" => "file",
                "title" => "title",
                _ => "shared",
            };
            return Err(invalid(repeated, "is given more than once"));
        }
        let bytes = read_part(&mut part, max, over, &capped).await?;
        match name.as_str() {
            "file" => file = Some(bytes),
            "title" => title = Some(text(bytes)?),
            _ => shared = Some(flag(bytes)?),
        }
    }
    Ok(DocumentUploadForm {
        file: file.ok_or_else(|| invalid("file", "is required"))?,
        title,
        shared,
    })
}
