//! The rectification record of a case: one row per correction, naming the fields it
//! changed and carrying their earlier values as the ciphertext they are stored as.

use super::code;
use crate::schema::case_corrections;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{CaseId, CorrectionId, UserId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_corrections)]
struct CorrectionRow {
    id: String,
    case_id: String,
    corrected_by: String,
    fields: String,
    earlier: Option<String>,
    created_at: NaiveDateTime,
}

/// A correction as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub id: CorrectionId,
    pub case_id: CaseId,
    pub corrected_by: UserId,
    /// The names of the fields it changed.
    pub fields: Vec<String>,
    /// The ciphertext of the earlier values; `None` once erased.
    pub earlier: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<CorrectionRow> for Correction {
    type Error = StoreError;
    fn try_from(r: CorrectionRow) -> Result<Self, StoreError> {
        Ok(Correction {
            id: code(&r.id, "correction id")?,
            case_id: code(&r.case_id, "correction case")?,
            corrected_by: code(&r.corrected_by, "correction author")?,
            fields: serde_json::from_str(&r.fields)
                .map_err(|_| StoreError::Corrupt("correction fields".into()))?,
            earlier: r.earlier,
            created_at: from_db_time(r.created_at),
        })
    }
}

/// A new correction; the id is chosen by the caller (the ciphertext is bound to it).
#[derive(Debug, Clone)]
pub struct NewCorrection<'a> {
    pub id: CorrectionId,
    pub case_id: CaseId,
    pub corrected_by: UserId,
    pub fields: &'a [&'a str],
    pub earlier: &'a str,
}

/// Records a correction.
pub fn insert(
    conn: &mut DbConn,
    new: &NewCorrection<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(case_corrections::table)
        .values((
            case_corrections::id.eq(new.id.to_string()),
            case_corrections::case_id.eq(new.case_id.to_string()),
            case_corrections::corrected_by.eq(new.corrected_by.to_string()),
            case_corrections::fields.eq(serde_json::Value::from(new.fields.to_vec()).to_string()),
            case_corrections::earlier.eq(Some(new.earlier)),
            case_corrections::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Every correction of a case, oldest first.
pub fn of_case(conn: &mut DbConn, case: CaseId) -> Result<Vec<Correction>, StoreError> {
    case_corrections::table
        .filter(case_corrections::case_id.eq(case.to_string()))
        .select(CorrectionRow::as_select())
        .order((
            case_corrections::created_at.asc(),
            case_corrections::id.asc(),
        ))
        .load(conn)?
        .into_iter()
        .map(Correction::try_from)
        .collect()
}

/// Erases the earlier values of every correction of a case; returns how many rows held
/// one.
pub fn erase_of_case(conn: &mut DbConn, case: CaseId) -> Result<usize, StoreError> {
    Ok(diesel::update(
        case_corrections::table
            .filter(case_corrections::case_id.eq(case.to_string()))
            .filter(case_corrections::earlier.is_not_null()),
    )
    .set(case_corrections::earlier.eq(None::<String>))
    .execute(conn)?)
}
