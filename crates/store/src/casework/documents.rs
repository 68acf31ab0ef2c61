//! Documents on a case. Title and content are carried as the ciphertexts they are
//! stored as; listing never loads a content. Who may read which document, and whether
//! it may be served, is the workflow's decision.

use super::code;
use crate::schema::case_documents as d;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{AgencyId, CaseId, DocumentId, MediaType, ScanState, UserId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = d)]
struct DocumentRow {
    id: String,
    case_id: String,
    agency_id: String,
    uploaded_by: String,
    media_type: String,
    size_bytes: i64,
    title: Option<String>,
    shared: bool,
    scan_state: String,
    scan_finding: Option<String>,
    scan_attempts: i32,
    scanned_at: Option<NaiveDateTime>,
    version: i64,
    created_at: NaiveDateTime,
    removed_at: Option<NaiveDateTime>,
    erased_at: Option<NaiveDateTime>,
}

/// A document as stored, without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: DocumentId,
    pub case_id: CaseId,
    /// The uploader's agency.
    pub agency_id: AgencyId,
    pub uploaded_by: UserId,
    pub media_type: MediaType,
    pub size_bytes: i64,
    /// The ciphertext of the title; `None` once removed or erased.
    pub title: Option<String>,
    pub shared: bool,
    pub scan_state: ScanState,
    /// What the scanner found, for a quarantined document (a signature name).
    pub scan_finding: Option<String>,
    /// How many scans failed to reach a verdict.
    pub scan_attempts: i32,
    pub scanned_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    /// When it was taken off the case (its title and content are gone).
    pub removed_at: Option<DateTime<Utc>>,
    /// When retention erased it with the case's identity.
    pub erased_at: Option<DateTime<Utc>>,
}

impl Document {
    /// Whether title and content are still there.
    pub fn present(&self) -> bool {
        self.removed_at.is_none() && self.erased_at.is_none()
    }
}

impl TryFrom<DocumentRow> for Document {
    type Error = StoreError;
    fn try_from(r: DocumentRow) -> Result<Self, StoreError> {
        Ok(Document {
            id: code(&r.id, "document id")?,
            case_id: code(&r.case_id, "document case")?,
            agency_id: code(&r.agency_id, "document agency")?,
            uploaded_by: code(&r.uploaded_by, "document uploader")?,
            media_type: code(&r.media_type, "document media type")?,
            size_bytes: r.size_bytes,
            title: r.title,
            shared: r.shared,
            scan_state: code(&r.scan_state, "document scan state")?,
            scan_finding: r.scan_finding,
            scan_attempts: r.scan_attempts,
            scanned_at: r.scanned_at.map(from_db_time),
            version: r.version,
            created_at: from_db_time(r.created_at),
            removed_at: r.removed_at.map(from_db_time),
            erased_at: r.erased_at.map(from_db_time),
        })
    }
}

/// A new document, not yet scanned; the id is chosen by the caller (the ciphertexts are
/// bound to it).
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub id: DocumentId,
    pub case_id: CaseId,
    pub agency_id: AgencyId,
    pub uploaded_by: UserId,
    pub media_type: MediaType,
    pub size_bytes: i64,
    pub title: Option<&'a str>,
    pub content: &'a [u8],
    pub shared: bool,
}

/// Inserts a document (pending its scan) and returns it as stored.
pub fn insert(
    conn: &mut DbConn,
    new: &NewDocument<'_>,
    now: DateTime<Utc>,
) -> Result<Document, StoreError> {
    diesel::insert_into(d::table)
        .values((
            d::id.eq(new.id.to_string()),
            d::case_id.eq(new.case_id.to_string()),
            d::agency_id.eq(new.agency_id.to_string()),
            d::uploaded_by.eq(new.uploaded_by.to_string()),
            d::media_type.eq(new.media_type.as_str()),
            d::size_bytes.eq(new.size_bytes),
            d::title.eq(new.title),
            d::content.eq(Some(new.content)),
            d::shared.eq(new.shared),
            d::scan_state.eq(ScanState::Pending.as_str()),
            d::scan_attempts.eq(0),
            d::version.eq(1_i64),
            d::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    find(conn, new.id)
}

/// The document with this id.
pub fn find(conn: &mut DbConn, id: DocumentId) -> Result<Document, StoreError> {
    d::table
        .find(id.to_string())
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

/// The ciphertext of a document's content; `None` once removed or erased.
pub fn content(conn: &mut DbConn, id: DocumentId) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(d::table
        .find(id.to_string())
        .select(d::content)
        .first::<Option<Vec<u8>>>(conn)
        .optional()?
        .flatten())
}

/// The documents of a case still on it, oldest first.
pub fn of_case(conn: &mut DbConn, case: CaseId) -> Result<Vec<Document>, StoreError> {
    d::table
        .filter(d::case_id.eq(case.to_string()))
        .filter(d::removed_at.is_null())
        .select(DocumentRow::as_select())
        .order((d::created_at.asc(), d::id.asc()))
        .load(conn)?
        .into_iter()
        .map(Document::try_from)
        .collect()
}

/// Shares a document or stops sharing it, from `version`; `false` if the version is no
/// longer current.
pub fn set_shared(
    conn: &mut DbConn,
    id: DocumentId,
    version: i64,
    shared: bool,
) -> Result<bool, StoreError> {
    let n = diesel::update(d::table.find(id.to_string()).filter(d::version.eq(version)))
        .set((d::shared.eq(shared), d::version.eq(version + 1)))
        .execute(conn)?;
    Ok(n == 1)
}

/// Takes a document off its case from `version`: title and content are dropped.
pub fn remove(
    conn: &mut DbConn,
    id: DocumentId,
    version: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(d::table.find(id.to_string()).filter(d::version.eq(version)))
        .set((
            d::title.eq(None::<String>),
            d::content.eq(None::<Vec<u8>>),
            d::removed_at.eq(Some(to_db_time(now))),
            d::version.eq(version + 1),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Documents waiting for a scan: those whose scans failed least often first, then the
/// oldest (a file the scanner never gives a verdict on does not hold up the others).
pub fn pending(conn: &mut DbConn, limit: i64) -> Result<Vec<Document>, StoreError> {
    d::table
        .filter(d::scan_state.eq(ScanState::Pending.as_str()))
        .filter(d::content.is_not_null())
        .select(DocumentRow::as_select())
        .order((d::scan_attempts.asc(), d::created_at.asc(), d::id.asc()))
        .limit(limit)
        .load(conn)?
        .into_iter()
        .map(Document::try_from)
        .collect()
}

/// Records a scanner's verdict on a document still pending; `false` if it no longer is
/// (scanned meanwhile, removed or erased).
pub fn record_verdict(
    conn: &mut DbConn,
    id: DocumentId,
    state: ScanState,
    finding: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        d::table
            .find(id.to_string())
            .filter(d::scan_state.eq(ScanState::Pending.as_str()))
            .filter(d::content.is_not_null()),
    )
    .set((
        d::scan_state.eq(state.as_str()),
        d::scan_finding.eq(finding),
        d::scanned_at.eq(Some(to_db_time(now))),
        d::version.eq(d::version + 1),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Counts a scan that reached no verdict (the scanner was down or failed).
pub fn count_failed_scan(conn: &mut DbConn, id: DocumentId) -> Result<(), StoreError> {
    diesel::update(d::table.find(id.to_string()))
        .set(d::scan_attempts.eq(d::scan_attempts + 1))
        .execute(conn)?;
    Ok(())
}

/// Erases the titles and contents of a case's documents (retention); returns how many.
pub fn erase_of_case(
    conn: &mut DbConn,
    case: CaseId,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        d::table
            .filter(d::case_id.eq(case.to_string()))
            .filter(d::erased_at.is_null()),
    )
    .set((
        d::title.eq(None::<String>),
        d::content.eq(None::<Vec<u8>>),
        d::erased_at.eq(Some(to_db_time(now))),
    ))
    .execute(conn)?)
}

/// A page of the ids of documents that still have a content, in id order after `after`
/// (key rotation walks them).
pub fn with_content(
    conn: &mut DbConn,
    after: &str,
    limit: i64,
) -> Result<Vec<DocumentId>, StoreError> {
    let ids: Vec<String> = d::table
        .filter(d::content.is_not_null())
        .filter(d::id.gt(after))
        .select(d::id)
        .order(d::id.asc())
        .limit(limit)
        .load(conn)?;
    ids.iter().map(|id| code(id, "document id")).collect()
}

/// Replaces a document's content ciphertext if it is still `old`; `false` if it changed
/// meanwhile (removed or erased).
pub fn replace_content(
    conn: &mut DbConn,
    id: DocumentId,
    old: &[u8],
    new: &[u8],
) -> Result<bool, StoreError> {
    let n = diesel::update(
        d::table
            .find(id.to_string())
            .filter(d::content.eq(Some(old))),
    )
    .set(d::content.eq(Some(new)))
    .execute(conn)?;
    Ok(n == 1)
}
