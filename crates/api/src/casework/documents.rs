//! `/api/v1/cases/{id}/documents` and `/api/v1/documents/{id}`: documents on a case,
//! uploaded as `multipart/form-data` by the owning agency or one that shares the case
//! through a referral, read as far as each agency may, their content served once the
//! malware scanner found it clean, shared and taken off by the uploader's agency.
//!
//! The upload form is read under hard caps (`upload_form`). Content is only ever served
//! as an `attachment`.

use super::upload_form::{DocumentUploadForm, read_upload};
use super::{if_match, with_env, with_etag};
use crate::auth::CurrentActor;
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::body::{BodySize, MessageBody};
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::http::header::{HeaderValue, TryIntoHeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::{CaseId, DocumentId};
use schakel_referral_workflow::documents::{self as uc, DocumentUpload, DocumentView, Download};
use std::pin::Pin;
use std::task::{Context, Poll};

/// The size of the pieces a download is sent in.
const CHUNK: usize = 64 * 1024;
/// The policy of a download: the default one, and sandboxed should a browser ever
/// render it.
const CONTENT_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

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

fn one(res: actix_web::HttpResponseBuilder, doc: DocumentView) -> HttpResponse {
    let version = doc.version;
    with_etag(res, version).json(doc)
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
