//! A document as a reader sees it, and who reads which document.
//!
//! The uploader's agency reads its documents always; another agency that may read the
//! case reads a document when the uploader shared it and that agency sees the person's
//! identity now (a receiver without a consent or legal basis that covers it sees none).

use crate::Env;
use crate::UseCaseError;
use crate::access::CaseAccess;
use crate::support::open_opt;
use crate::views::AgencyRef;
use chrono::{DateTime, Utc};
use schakel_domain::{Action, Actor, CaseId, DocumentId, MediaType, ScanState, UserId};
use schakel_store::DbConn;
use schakel_store::casework::documents::Document;
use schakel_store::{agencies, users};
use serde::Serialize;

/// A document on a case, as a reader may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentView {
    /// The document.
    pub id: DocumentId,
    /// The case it is on.
    pub case_id: CaseId,
    /// Its title (none if none was given, or once taken off or erased).
    pub title: Option<String>,
    /// The kind of file, as its content shows.
    pub media_type: MediaType,
    /// Its size in bytes, as stored (an image without its metadata).
    pub size_bytes: i64,
    /// Whether the uploader shared it with the agencies that see the identity.
    pub shared: bool,
    /// Where it stands with the malware scanner.
    pub scan_state: ScanState,
    /// Whether it can be downloaded now: scanned clean and not erased.
    pub downloadable: bool,
    /// Whether the actor's agency may share it, stop sharing it or take it off.
    pub may_change: bool,
    /// Whether retention erased it with the case's identity.
    pub erased: bool,
    /// The uploader's agency.
    pub agency: AgencyRef,
    /// The uploader.
    pub uploaded_by: UserId,
    /// The uploader's name as colleagues see it.
    pub uploaded_by_name: String,
    /// The version a change is made from (`If-Match`).
    pub version: i64,
    /// When it was uploaded.
    pub uploaded_at: DateTime<Utc>,
}

/// Whether `who`'s agency, seeing the case through `access`, reads `doc`.
pub(crate) fn readable(who: &Actor, access: &CaseAccess, doc: &Document) -> bool {
    doc.agency_id == who.agency_id
        || (doc.shared && access.shows_identity() && !matches!(access, CaseAccess::Emergency(_)))
}

/// Whether `who` may share, stop sharing or take off `doc`.
pub(crate) fn may_change(who: &Actor, access: &CaseAccess, doc: &Document) -> bool {
    doc.agency_id == who.agency_id && who.may(Action::AddDocument, access.relationship())
}

/// A document as `who` sees it.
pub(crate) fn view(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    access: &CaseAccess,
    doc: &Document,
) -> Result<DocumentView, UseCaseError> {
    let agency = agencies::find(conn, doc.agency_id)?;
    let uploader = users::find(conn, doc.uploaded_by)?;
    Ok(DocumentView {
        id: doc.id,
        case_id: doc.case_id,
        title: open_opt(
            env.cfg,
            "case_documents",
            "title",
            &doc.id,
            doc.title.as_deref(),
        )?,
        media_type: doc.media_type,
        size_bytes: doc.size_bytes,
        shared: doc.shared,
        scan_state: doc.scan_state,
        downloadable: doc.present() && doc.scan_state == ScanState::Clean,
        may_change: doc.present() && may_change(who, access, doc),
        erased: doc.erased_at.is_some(),
        agency: AgencyRef {
            id: agency.id,
            name: agency.name,
            kind: agency.kind,
            region: agency.region,
        },
        uploaded_by: doc.uploaded_by,
        uploaded_by_name: uploader.display_name,
        version: doc.version,
        uploaded_at: doc.created_at,
    })
}
