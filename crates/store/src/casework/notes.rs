//! Notes on a case. The text is carried as the ciphertext it is stored as; who may
//! read which note is the workflow's decision.

use super::code;
use crate::schema::case_notes;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{AgencyId, CaseId, NoteId, NoteKind, NoteVisibility, UserId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_notes)]
struct NoteRow {
    id: String,
    case_id: String,
    agency_id: String,
    author_id: String,
    kind: String,
    occurred_on: NaiveDate,
    visibility: String,
    body: Option<String>,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A note as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: NoteId,
    pub case_id: CaseId,
    /// The author's agency.
    pub agency_id: AgencyId,
    pub author_id: UserId,
    pub kind: NoteKind,
    pub occurred_on: NaiveDate,
    pub visibility: NoteVisibility,
    /// The ciphertext of the text; `None` once erased.
    pub body: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<NoteRow> for Note {
    type Error = StoreError;
    fn try_from(r: NoteRow) -> Result<Self, StoreError> {
        Ok(Note {
            id: code(&r.id, "note id")?,
            case_id: code(&r.case_id, "note case")?,
            agency_id: code(&r.agency_id, "note agency")?,
            author_id: code(&r.author_id, "note author")?,
            kind: code(&r.kind, "note kind")?,
            occurred_on: r.occurred_on,
            visibility: code(&r.visibility, "note visibility")?,
            body: r.body,
            version: r.version,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
        })
    }
}

/// A new note; the id is chosen by the caller (the ciphertext is bound to it).
#[derive(Debug, Clone)]
pub struct NewNote<'a> {
    pub id: NoteId,
    pub case_id: CaseId,
    pub agency_id: AgencyId,
    pub author_id: UserId,
    pub kind: NoteKind,
    pub occurred_on: NaiveDate,
    pub visibility: NoteVisibility,
    pub body: &'a str,
}

/// What a change of a note sets.
#[derive(Debug, Clone)]
pub struct NoteChanges<'a> {
    pub kind: NoteKind,
    pub occurred_on: NaiveDate,
    pub visibility: NoteVisibility,
    pub body: &'a str,
}

/// Inserts a note and returns it as stored.
pub fn insert(
    conn: &mut DbConn,
    new: &NewNote<'_>,
    now: DateTime<Utc>,
) -> Result<Note, StoreError> {
    diesel::insert_into(case_notes::table)
        .values((
            case_notes::id.eq(new.id.to_string()),
            case_notes::case_id.eq(new.case_id.to_string()),
            case_notes::agency_id.eq(new.agency_id.to_string()),
            case_notes::author_id.eq(new.author_id.to_string()),
            case_notes::kind.eq(new.kind.as_str()),
            case_notes::occurred_on.eq(new.occurred_on),
            case_notes::visibility.eq(new.visibility.as_str()),
            case_notes::body.eq(Some(new.body)),
            case_notes::version.eq(1_i64),
            case_notes::created_at.eq(to_db_time(now)),
            case_notes::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    find(conn, new.id)
}

/// The note with this id.
pub fn find(conn: &mut DbConn, id: NoteId) -> Result<Note, StoreError> {
    case_notes::table
        .find(id.to_string())
        .select(NoteRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

/// Every note of a case, oldest first.
pub fn of_case(conn: &mut DbConn, case: CaseId) -> Result<Vec<Note>, StoreError> {
    case_notes::table
        .filter(case_notes::case_id.eq(case.to_string()))
        .select(NoteRow::as_select())
        .order((case_notes::created_at.asc(), case_notes::id.asc()))
        .load(conn)?
        .into_iter()
        .map(Note::try_from)
        .collect()
}

/// Changes a note made at `version`; `false` if the version is no longer current.
pub fn update(
    conn: &mut DbConn,
    id: NoteId,
    version: i64,
    changes: &NoteChanges<'_>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        case_notes::table
            .find(id.to_string())
            .filter(case_notes::version.eq(version)),
    )
    .set((
        case_notes::kind.eq(changes.kind.as_str()),
        case_notes::occurred_on.eq(changes.occurred_on),
        case_notes::visibility.eq(changes.visibility.as_str()),
        case_notes::body.eq(Some(changes.body)),
        case_notes::version.eq(version + 1),
        case_notes::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Erases the text of a case's notes (retention); returns how many.
pub fn erase_of_case(conn: &mut DbConn, case: CaseId) -> Result<usize, StoreError> {
    Ok(
        diesel::update(case_notes::table.filter(case_notes::case_id.eq(case.to_string())))
            .set(case_notes::body.eq(None::<String>))
            .execute(conn)?,
    )
}
