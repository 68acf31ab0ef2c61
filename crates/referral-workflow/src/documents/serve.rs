//! Downloading a document, sharing it or not, and taking it off its case.
//!
//! A document is served only to whom it is readable (see [`super::view`]), only once
//! the malware scanner found it clean, and never once taken off or erased. Every
//! download is audited with the person it concerns.

use super::add::audit;
use super::view::{DocumentView, may_change, readable, view};
use crate::access::{CaseAccess, case_access};
use crate::support::{Env, check_version, denied, refused, run, timeline};
use crate::{Conflict, IfMatch, UseCaseError};
use schakel_audit::ActionKind;
use schakel_crypto::field_aad;
use schakel_domain::{Action, Actor, DocumentId, MediaType, ScanState};
use schakel_store::casework::cases::{self, Case};
use schakel_store::casework::documents::{self, Document};
use schakel_store::{DbConn, StoreError};
use zeroize::Zeroizing;

/// A document's content, to send as a download.
#[derive(Debug)]
pub struct Download {
    /// The kind of file.
    pub media_type: MediaType,
    /// The file name the download carries: the case's reference and the document's
    /// short id, never its title.
    pub file_name: String,
    /// The content, wiped from memory when dropped.
    pub bytes: Zeroizing<Vec<u8>>,
}

/// A document the actor may read, with its case and the access to it; an unknown
/// document and one the actor may not read answer alike.
fn readable_document(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: DocumentId,
    op: (&'static str, ActionKind),
) -> Result<(Document, Case, CaseAccess), UseCaseError> {
    let hidden = || denied(op.0, op.1, Some(("document", id.to_string())));
    let doc = documents::find(conn, id).map_err(|e| match e {
        StoreError::NotFound => hidden(),
        other => other.into(),
    })?;
    let case = cases::find(conn, doc.case_id)?;
    match case_access(conn, who, &case, Action::ReadCase, env.now)? {
        Some(access) if readable(who, &access, &doc) => {
            if op.1 != ActionKind::Read {
                crate::access::unfrozen(&case)?;
            }
            Ok((doc, case, access))
        }
        _ => Err(hidden()),
    }
}

/// Whether a document may be served now.
fn servable(doc: &Document) -> Result<(), UseCaseError> {
    if !doc.present() {
        return Err(UseCaseError::Conflict(Conflict::DocumentGone));
    }
    match doc.scan_state {
        ScanState::Clean => Ok(()),
        ScanState::Pending => Err(UseCaseError::Conflict(Conflict::DocumentPending)),
        ScanState::Quarantined => Err(UseCaseError::Conflict(Conflict::DocumentQuarantined)),
    }
}

/// One document's facts, as the actor may see them.
pub fn get_document(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: DocumentId,
) -> Result<DocumentView, UseCaseError> {
    const CODE: &str = "document.read";
    run(conn, env, who, |conn| {
        let (doc, case, access) = readable_document(conn, env, who, id, (CODE, ActionKind::Read))?;
        let details = serde_json::json!({ "content": false });
        audit(
            conn,
            env,
            who,
            (CODE, ActionKind::Read),
            (&doc, &case, &access),
            details,
        )?;
        view(conn, env, who, &access, &doc)
    })
}

/// A document's content, for a reader, once scanned clean.
pub fn download_document(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: DocumentId,
) -> Result<Download, UseCaseError> {
    const CODE: &str = "document.download";
    run(conn, env, who, |conn| {
        let (doc, case, access) = readable_document(conn, env, who, id, (CODE, ActionKind::Read))?;
        servable(&doc)?;
        let sealed =
            documents::content(conn, id)?.ok_or(UseCaseError::Conflict(Conflict::DocumentGone))?;
        let bytes = env.cfg.keys.decrypt_bytes(
            &sealed,
            &field_aad("case_documents", "content", &id.to_string()),
        )?;
        let details = serde_json::json!({ "content": true, "size_bytes": doc.size_bytes });
        audit(
            conn,
            env,
            who,
            (CODE, ActionKind::Read),
            (&doc, &case, &access),
            details,
        )?;
        let short: String = id.to_string().chars().take(8).collect();
        Ok(Download {
            media_type: doc.media_type,
            file_name: format!("{}-{short}.{}", case.reference, doc.media_type.extension()),
            bytes,
        })
    })
}

/// A document the actor's agency may change, made from the version named.
fn changeable(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: DocumentId,
    if_match: IfMatch,
    op: (&'static str, ActionKind),
) -> Result<(Document, Case, CaseAccess, i64), UseCaseError> {
    let (doc, case, access) = readable_document(conn, env, who, id, op)?;
    if !may_change(who, &access, &doc) {
        return Err(refused(op.0, op.1, ("document", id.to_string())));
    }
    let version = check_version(if_match, doc.version)?;
    if !doc.present() {
        return Err(UseCaseError::Conflict(Conflict::DocumentGone));
    }
    Ok((doc, case, access, version))
}

/// Shares a document with the agencies that see the identity, or stops sharing it.
pub fn share_document(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: DocumentId,
    if_match: IfMatch,
    shared: bool,
) -> Result<DocumentView, UseCaseError> {
    const CODE: &str = "document.share";
    run(conn, env, who, |conn| {
        let op = (CODE, ActionKind::Update);
        let (doc, case, access, version) = changeable(conn, env, who, id, if_match, op)?;
        if !documents::set_shared(conn, id, version, shared)? {
            return Err(UseCaseError::VersionMismatch);
        }
        let details = serde_json::json!({ "document_id": id, "shared": shared });
        timeline(
            conn,
            env,
            case.id,
            who.agency_id,
            Some(who),
            &[("document_shared", None, details.clone())],
        )?;
        audit(conn, env, who, op, (&doc, &case, &access), details)?;
        let doc = documents::find(conn, id)?;
        view(conn, env, who, &access, &doc)
    })
}

/// Takes a document off its case: its title and content are deleted at once, the
/// timeline keeps that it was there.
pub fn remove_document(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: DocumentId,
    if_match: IfMatch,
) -> Result<(), UseCaseError> {
    const CODE: &str = "document.delete";
    run(conn, env, who, |conn| {
        let op = (CODE, ActionKind::Delete);
        let (doc, case, access, version) = changeable(conn, env, who, id, if_match, op)?;
        if !documents::remove(conn, id, version, env.now)? {
            return Err(UseCaseError::VersionMismatch);
        }
        let details = serde_json::json!({ "document_id": id });
        timeline(
            conn,
            env,
            case.id,
            who.agency_id,
            Some(who),
            &[("document_removed", None, details.clone())],
        )?;
        audit(conn, env, who, op, (&doc, &case, &access), details)
    })
}
