//! Drafts of case-work forms. The fields are carried as the ciphertext they are stored
//! as; whose draft it is, is the workflow's check.

use super::code;
use crate::schema::drafts;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{CaseId, DraftForm, DraftId, UserId};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = drafts)]
struct DraftRow {
    id: String,
    user_id: String,
    form: String,
    case_id: Option<String>,
    content: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    expires_at: NaiveDateTime,
}

/// A draft as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub id: DraftId,
    pub user_id: UserId,
    pub form: DraftForm,
    pub case_id: Option<CaseId>,
    /// The ciphertext of the fields.
    pub content: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl TryFrom<DraftRow> for Draft {
    type Error = StoreError;
    fn try_from(r: DraftRow) -> Result<Self, StoreError> {
        Ok(Draft {
            id: code(&r.id, "draft id")?,
            user_id: code(&r.user_id, "draft author")?,
            form: code(&r.form, "draft form")?,
            case_id: super::opt_code(r.case_id.as_deref(), "draft case")?,
            content: r.content,
            version: r.version,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            expires_at: from_db_time(r.expires_at),
        })
    }
}

/// A new draft; the id is chosen by the caller (the ciphertext is bound to it).
#[derive(Debug, Clone)]
pub struct NewDraft<'a> {
    pub id: DraftId,
    pub user_id: UserId,
    pub form: DraftForm,
    pub case_id: Option<CaseId>,
    pub content: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// Stores a new draft at version 1.
pub fn insert(conn: &mut DbConn, d: &NewDraft<'_>, now: DateTime<Utc>) -> Result<(), StoreError> {
    let at = to_db_time(now);
    let row = DraftRow {
        id: d.id.to_string(),
        user_id: d.user_id.to_string(),
        form: d.form.as_str().to_owned(),
        case_id: d.case_id.map(|c| c.to_string()),
        content: d.content.to_owned(),
        version: 1,
        created_at: at,
        updated_at: at,
        expires_at: to_db_time(d.expires_at),
    };
    diesel::insert_into(drafts::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// One draft by id.
pub fn find(conn: &mut DbConn, id: DraftId) -> Result<Draft, StoreError> {
    drafts::table
        .find(id.to_string())
        .select(DraftRow::as_select())
        .first(conn)?
        .try_into()
}

/// Replaces a draft's fields if it is still at `version`, and moves its expiry on;
/// returns whether it did.
pub fn update(
    conn: &mut DbConn,
    id: DraftId,
    version: i64,
    content: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let target = drafts::table
        .find(id.to_string())
        .filter(drafts::version.eq(version));
    let n = diesel::update(target)
        .set((
            drafts::content.eq(content),
            drafts::version.eq(version + 1),
            drafts::updated_at.eq(to_db_time(now)),
            drafts::expires_at.eq(to_db_time(expires_at)),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// A user's drafts not yet expired at `now`, the latest changed first.
pub fn of_user(
    conn: &mut DbConn,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<Vec<Draft>, StoreError> {
    drafts::table
        .filter(drafts::user_id.eq(user.to_string()))
        .filter(drafts::expires_at.gt(to_db_time(now)))
        .order((drafts::updated_at.desc(), drafts::id.desc()))
        .select(DraftRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Draft::try_from)
        .collect()
}

/// Deletes one draft; returns whether it was there.
pub fn delete(conn: &mut DbConn, id: DraftId) -> Result<bool, StoreError> {
    Ok(diesel::delete(drafts::table.find(id.to_string())).execute(conn)? == 1)
}

/// Deletes the drafts expired at `now` (retention); returns how many.
pub fn delete_expired(conn: &mut DbConn, now: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(drafts::table.filter(drafts::expires_at.le(to_db_time(now))))
            .execute(conn)?,
    )
}

/// Deletes the drafts of a case (when retention erases the case's free text).
pub fn delete_of_case(conn: &mut DbConn, case: CaseId) -> Result<usize, StoreError> {
    Ok(diesel::delete(drafts::table.filter(drafts::case_id.eq(case.to_string()))).execute(conn)?)
}
