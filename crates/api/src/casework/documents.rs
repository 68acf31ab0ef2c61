//! `/api/v1/cases/{id}/documents` and `/api/v1/documents/{id}`: documents on a case,
//! uploaded as `multipart/form-data` by the owning agency or one that shares the case
//! through a referral, read as far as each agency may, their content served once the
//! malware scanner found it clean, shared and taken off by the uploader's agency.
//!
//! The upload is read as a stream under hard caps: never more than the configured
//! document limit of the file, 4 KiB of a text part, and the whole body at most the
//! limit and 64 KiB of framing; an unknown or repeated part is refused. What kind of
//! file it is, is the use case's to read from the content: the part's file name and
//! content type are never looked at. Content is only ever served as an `attachment`.

use super::{if_match, with_env, with_etag};
use crate::auth::CurrentActor;
use crate::problem::{Problem, ProblemKind};
use crate::{ApiError, AppState, FieldError};
use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::body::{BodySize, MessageBody};
use actix_web::error::PayloadError;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::http::header::{HeaderValue, TryIntoHeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use schakel_domain::{CaseId, DocumentId};
use schakel_referral_workflow::documents::{self as uc, DocumentUpload, DocumentView, Download};
use std::cell::Cell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// The most read of a text part (`title`, `shared`), in bytes.
const TEXT_PART_MAX: usize = 4 * 1024;
/// What an upload's body may hold besides the file: boundaries, part headers, the text
/// parts.
const FRAMING_MAX: usize = 64 * 1024;
/// The size of the pieces a download is sent in.
const CHUNK: usize = 64 * 1024;
/// The policy of a download: the default one, and sandboxed should a browser ever
/// render it.
const CONTENT_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

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

/// Whether a document is shared (`PUT /api/v1/documents/{id}/shared`).
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareDocumentRequest {
    /// `true`: the agencies that see the person's identity read it too; `false`: only
    /// the uploader's agency.
    pub shared: bool,
}

/// A document's content as a response body, sent in pieces; the decrypted whole is
/// wiped from memory when the response is dropped.
#[derive(Debug)]
pub struct DocumentContent(Download, usize);

impl utoipa::PartialSchema for DocumentContent {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some("The file's bytes"))
            .into()
    }
}

impl utoipa::ToSchema for DocumentContent {}

impl MessageBody for DocumentContent {
    type Error = std::convert::Infallible;

    fn size(&self) -> BodySize {
        let left = self.0.bytes.len().saturating_sub(self.1);
        BodySize::Sized(u64::try_from(left).unwrap_or(u64::MAX))
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        let this = self.get_mut();
        let left = this.0.bytes.get(this.1..).unwrap_or_default();
        let piece = left.get(..CHUNK.min(left.len())).unwrap_or_default();
        if piece.is_empty() {
            return Poll::Ready(None);
        }
        this.1 += piece.len();
        Poll::Ready(Some(Ok(Bytes::copy_from_slice(piece))))
    }
}

fn problem(kind: ProblemKind) -> ApiError {
    ApiError::Problem(kind)
}

fn one(res: actix_web::HttpResponseBuilder, doc: DocumentView) -> HttpResponse {
    let version = doc.version;
    with_etag(res, version).json(doc)
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
async fn read_upload(
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

/// Add a document to a case the agency owns or shares through an accepted or
/// in-progress referral (caseworker, coordinator). It is kept encrypted and served only
/// once the malware scanner found it clean (`scan_state` `pending` until then).
#[utoipa::path(post, path = "/api/v1/cases/{id}/documents", tag = "documents",
    request_body(content = DocumentUploadForm, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    params(("id" = CaseId, Path, description = "Case id")),
    responses(
        (status = 201, description = "Added; waiting for its malware scan", body = DocumentView,
            headers(("ETag" = String, description = "The version, quoted"), ("Location" = String, description = "The new document"))),
        (status = 400, description = "The multipart body is malformed", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such case that the actor may add to", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The case is closed", content_type = "application/problem+json", body = Problem),
        (status = 413, description = "`document_too_large`: the file is over the configured limit", content_type = "application/problem+json", body = Problem),
        (status = 415, description = "`document_type`: the file is not a PDF, JPEG or PNG by its content; `unsupported_media_type`: the body is not multipart/form-data", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "No file, an empty file, an unknown or repeated part, a title over 200 characters, `shared` not `true` or `false`; `errors` names the part at fault", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn add_document_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<CaseId>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let upload: DocumentUpload = read_upload(&req, payload, state.workflow.document_max_bytes)
        .await?
        .into();
    let doc = with_env(&state, &req, move |conn, env| {
        Ok(uc::add_document(conn, env, &who.0, id, upload)?)
    })
    .await?;
    let mut res = HttpResponse::Created();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/documents/{}", doc.id)) {
        res.insert_header((header::LOCATION, v));
    }
    Ok(one(res, doc))
}

/// The documents of a case the actor may read: its own agency's, and those another
/// agency shared when the actor's agency sees the person's identity. Oldest first; a
/// closed case's too.
#[utoipa::path(get, path = "/api/v1/cases/{id}/documents", tag = "documents",
    security(("bearer" = [])),
    params(("id" = CaseId, Path, description = "Case id")),
    responses(
        (status = 200, description = "The documents", body = Vec<DocumentView>),
        (status = 404, description = "No such case that the actor may read", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn list_documents_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<CaseId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let list = with_env(&state, &req, move |conn, env| {
        Ok(uc::list_documents(conn, env, &who.0, id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// One document's facts (not its content), with its version as `ETag`.
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "documents",
    security(("bearer" = [])),
    params(("id" = DocumentId, Path, description = "Document id")),
    responses(
        (status = 200, description = "The document", body = DocumentView,
            headers(("ETag" = String, description = "The version, quoted"))),
        (status = 404, description = "No such document that the actor may read", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn get_document_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<DocumentId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let doc = with_env(&state, &req, move |conn, env| {
        Ok(uc::get_document(conn, env, &who.0, id)?)
    })
    .await?;
    Ok(one(HttpResponse::Ok(), doc))
}

/// Download a document's content, once scanned clean: as an attachment named after the
/// case's reference (never the title), never cached. Every download is audited.
#[utoipa::path(get, path = "/api/v1/documents/{id}/content", tag = "documents",
    security(("bearer" = [])),
    params(("id" = DocumentId, Path, description = "Document id")),
    responses(
        (status = 200, description = "The file as stored (an image without its metadata)",
            content(
                (DocumentContent = "application/pdf"),
                (DocumentContent = "image/jpeg"),
                (DocumentContent = "image/png"),
            ),
            headers(
                ("Content-Disposition" = String, description = "`attachment; filename=\"<case reference>-<short id>.<pdf|jpg|png>\"`"),
                ("Content-Security-Policy" = String, description = "Sandboxed"),
            )),
        (status = 404, description = "No such document that the actor may read", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "`document_pending`: not scanned yet; `document_quarantined`: malware was found in it", content_type = "application/problem+json", body = Problem),
        (status = 410, description = "`document_gone`: taken off the case or erased", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn download_document_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<DocumentId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let download = with_env(&state, &req, move |conn, env| {
        Ok(uc::download_document(conn, env, &who.0, id)?)
    })
    .await?;
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(download.file_name.clone())],
    };
    let disposition = disposition
        .try_into_value()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    // Cache-Control: no-store and X-Content-Type-Options: nosniff come with every
    // response (the security headers); the policy here replaces the default one.
    Ok(HttpResponse::Ok()
        .content_type(download.media_type.as_str())
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_POLICY))
        .body(DocumentContent(download, 0)))
}

/// Share a document with the agencies that see the person's identity, or stop sharing
/// it (the uploader's agency only); needs `If-Match`.
#[utoipa::path(put, path = "/api/v1/documents/{id}/shared", tag = "documents",
    request_body = ShareDocumentRequest,
    security(("bearer" = [])),
    params(
        ("id" = DocumentId, Path, description = "Document id"),
        ("If-Match" = String, Header, description = "The document's `ETag` last read"),
    ),
    responses(
        (status = 200, description = "Changed", body = DocumentView,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 403, description = "The document is another agency's", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such document that the actor may read", content_type = "application/problem+json", body = Problem),
        (status = 410, description = "`document_gone`: taken off the case or erased", content_type = "application/problem+json", body = Problem),
        (status = 412, description = "The document changed since that version", content_type = "application/problem+json", body = Problem),
        (status = 428, description = "`If-Match` is missing", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn share_document_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<DocumentId>,
    body: crate::body::Body<ShareDocumentRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let precondition = if_match(&req);
    let shared = body.into_inner()?.shared;
    let doc = with_env(&state, &req, move |conn, env| {
        Ok(uc::share_document(
            conn,
            env,
            &who.0,
            id,
            precondition,
            shared,
        )?)
    })
    .await?;
    Ok(one(HttpResponse::Ok(), doc))
}

/// Take a document off its case (the uploader's agency only); needs `If-Match`. Its
/// title and content are deleted at once; the timeline keeps that it was there.
#[utoipa::path(delete, path = "/api/v1/documents/{id}", tag = "documents",
    security(("bearer" = [])),
    params(
        ("id" = DocumentId, Path, description = "Document id"),
        ("If-Match" = String, Header, description = "The document's `ETag` last read"),
    ),
    responses(
        (status = 204, description = "Taken off"),
        (status = 403, description = "The document is another agency's", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such document that the actor may read", content_type = "application/problem+json", body = Problem),
        (status = 410, description = "`document_gone`: already taken off or erased", content_type = "application/problem+json", body = Problem),
        (status = 412, description = "The document changed since that version", content_type = "application/problem+json", body = Problem),
        (status = 428, description = "`If-Match` is missing", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn remove_document_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<DocumentId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let precondition = if_match(&req);
    with_env(&state, &req, move |conn, env| {
        Ok(uc::remove_document(conn, env, &who.0, id, precondition)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
