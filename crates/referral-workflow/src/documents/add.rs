//! Adding a document to a case, and listing a case's documents.

use super::file::check_file;
use super::view::{DocumentView, readable, view};
use crate::access::CaseAccess;
use crate::cases::{record_read, visible_case};
use crate::support::{Env, event, free_text, record, run, timeline};
use crate::{Conflict, UseCaseError};
use schakel_audit::ActionKind;
use schakel_crypto::field_aad;
use schakel_domain::{Action, Actor, CaseId, CaseStatus, DocumentId};
use schakel_store::DbConn;
use schakel_store::casework::cases::Case;
use schakel_store::casework::documents::{self, Document, NewDocument};

/// The longest title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// A file to add to a case, as the edge received it.
#[derive(Debug, Clone)]
pub struct DocumentUpload {
    /// A title (a file name, or what the paper is); encrypted like identity.
    pub title: Option<String>,
    /// Whether the agencies that see the identity may read it too.
    pub shared: bool,
    /// The file's bytes.
    pub file: Vec<u8>,
}

/// Adds a document to a case the actor's agency owns or shares through a referral. It
/// is kept encrypted and not served until the malware scanner found it clean.
pub fn add_document(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case_id: CaseId,
    upload: DocumentUpload,
) -> Result<DocumentView, UseCaseError> {
    const CODE: &str = "document.create";
    let DocumentUpload {
        title,
        shared,
        file,
    } = upload;
    run(conn, env, who, move |conn| {
        let (case, access) = visible_case(
            conn,
            env,
            who,
            case_id,
            Action::AddDocument,
            CODE,
            ActionKind::Create,
        )?;
        if case.status == CaseStatus::Closed {
            return Err(UseCaseError::Conflict(Conflict::CaseClosed));
        }
        let title = free_text(title.as_deref(), MAX_TITLE_CHARS, "title")?;
        let checked = check_file(file, env.cfg.document_max_bytes)?;
        let id = DocumentId::new_random();
        let sealed_title = title
            .as_deref()
            .map(|t| crate::support::seal(env.cfg, "case_documents", "title", &id, t))
            .transpose()?;
        let content = env.cfg.keys.encrypt_bytes(
            &checked.bytes,
            &field_aad("case_documents", "content", &id.to_string()),
        )?;
        let doc = documents::insert(
            conn,
            &NewDocument {
                id,
                case_id,
                agency_id: who.agency_id,
                uploaded_by: who.user_id,
                media_type: checked.media_type,
                size_bytes: i64::try_from(checked.bytes.len()).unwrap_or(i64::MAX),
                title: sealed_title.as_deref(),
                content: &content,
                shared,
            },
            env.now,
        )?;
        let details = serde_json::json!({
            "document_id": id,
            "media_type": checked.media_type,
            "size_bytes": doc.size_bytes,
            "shared": shared,
        });
        timeline(
            conn,
            env,
            case_id,
            who.agency_id,
            Some(who),
            &[("document_added", None, details.clone())],
        )?;
        audit(
            conn,
            env,
            who,
            (CODE, ActionKind::Create),
            (&doc, &case, &access),
            details,
        )?;
        view(conn, env, who, &access, &doc)
    })
}

/// The documents of a case the actor may read, oldest first.
pub fn list_documents(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case_id: CaseId,
) -> Result<Vec<DocumentView>, UseCaseError> {
    const CODE: &str = "document.list";
    run(conn, env, who, |conn| {
        let (case, access) = visible_case(
            conn,
            env,
            who,
            case_id,
            Action::ReadCase,
            CODE,
            ActionKind::Read,
        )?;
        let list = documents::of_case(conn, case_id)?
            .into_iter()
            .filter(|d| readable(who, &access, d))
            .map(|d| view(conn, env, who, &access, &d))
            .collect::<Result<Vec<_>, _>>()?;
        record_read(conn, env, who, CODE, &case, &access)?;
        Ok(list)
    })
}

/// Records the audit entry of something done to a document, naming the person.
pub(crate) fn audit(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    op: (&'static str, ActionKind),
    on: (&Document, &Case, &CaseAccess),
    details: serde_json::Value,
) -> Result<(), UseCaseError> {
    let (doc, case, access) = on;
    let mut e =
        event(Some(who), op.0, op.1, ("document", doc.id.to_string()))?.with_details(details);
    if let Some(purpose) = access.purpose() {
        e = e.with_purpose(purpose);
    }
    let e = crate::subjects::with_persons(conn, e, &[case.person_id])?;
    record(conn, env, e)
}
