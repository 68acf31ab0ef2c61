//! Emergency accesses to cases: who broke the glass for which case, on what ground and
//! until when, and the auditors' review of it. The reason and the review note are
//! carried as the ciphertext they are stored as; whether an access lets its holder see
//! the case is the workflow's decision.

use super::code;
use crate::schema::emergency_accesses as ea;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{
    AgencyId, CaseId, EmergencyAccessId, EmergencyGround, EmergencyReview, UserId,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ea)]
struct Row {
    id: String,
    case_id: String,
    owner_agency_id: String,
    user_id: String,
    agency_id: String,
    ground: String,
    reason: Option<String>,
    identity_shown: bool,
    started_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    review: String,
    reviewed_by: Option<String>,
    reviewed_at: Option<NaiveDateTime>,
    review_note: Option<String>,
}

/// An emergency access as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmergencyAccess {
    pub id: EmergencyAccessId,
    pub case_id: CaseId,
    /// The agency that owns the case.
    pub owner_agency_id: AgencyId,
    /// Who broke the glass.
    pub user_id: UserId,
    /// Their agency.
    pub agency_id: AgencyId,
    pub ground: EmergencyGround,
    /// The ciphertext of the stated reason; `None` once erased.
    pub reason: Option<String>,
    /// Whether the ground let the identity be shown.
    pub identity_shown: bool,
    pub started_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub review: EmergencyReview,
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<DateTime<Utc>>,
    /// The ciphertext of the reviewer's note.
    pub review_note: Option<String>,
}

impl TryFrom<Row> for EmergencyAccess {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(EmergencyAccess {
            id: code(&r.id, "emergency access id")?,
            case_id: code(&r.case_id, "emergency access case")?,
            owner_agency_id: code(&r.owner_agency_id, "emergency access owner")?,
            user_id: code(&r.user_id, "emergency access user")?,
            agency_id: code(&r.agency_id, "emergency access agency")?,
            ground: code(&r.ground, "emergency ground")?,
            reason: r.reason,
            identity_shown: r.identity_shown,
            started_at: from_db_time(r.started_at),
            expires_at: from_db_time(r.expires_at),
            review: code(&r.review, "emergency review")?,
            reviewed_by: r
                .reviewed_by
                .as_deref()
                .map(|u| code(u, "emergency reviewer"))
                .transpose()?,
            reviewed_at: r.reviewed_at.map(from_db_time),
            review_note: r.review_note,
        })
    }
}

/// A new emergency access; the id is chosen by the caller (the reason's ciphertext is
/// bound to it).
#[derive(Debug, Clone)]
pub struct NewEmergencyAccess<'a> {
    pub id: EmergencyAccessId,
    pub case_id: CaseId,
    pub owner_agency_id: AgencyId,
    pub user_id: UserId,
    pub agency_id: AgencyId,
    pub ground: EmergencyGround,
    pub reason: &'a str,
    pub identity_shown: bool,
    pub started_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Stores a new emergency access, pending review.
pub fn insert(
    conn: &mut DbConn,
    n: &NewEmergencyAccess<'_>,
) -> Result<EmergencyAccess, StoreError> {
    let values = (
        ea::id.eq(n.id.to_string()),
        ea::case_id.eq(n.case_id.to_string()),
        ea::owner_agency_id.eq(n.owner_agency_id.to_string()),
        ea::user_id.eq(n.user_id.to_string()),
        ea::agency_id.eq(n.agency_id.to_string()),
        ea::ground.eq(n.ground.as_str()),
        ea::reason.eq(Some(n.reason)),
        ea::identity_shown.eq(n.identity_shown),
        ea::started_at.eq(to_db_time(n.started_at)),
        ea::expires_at.eq(to_db_time(n.expires_at)),
        ea::review.eq(EmergencyReview::Pending.as_str()),
    );
    diesel::insert_into(ea::table)
        .values(values)
        .execute(conn)?;
    find(conn, n.id)
}

/// One emergency access by id.
pub fn find(conn: &mut DbConn, id: EmergencyAccessId) -> Result<EmergencyAccess, StoreError> {
    ea::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)?
        .try_into()
}

/// The emergency access of `user` to `case` that has not ended at `now` (the latest, if
/// several), if any.
pub fn live(
    conn: &mut DbConn,
    case: CaseId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<Option<EmergencyAccess>, StoreError> {
    ea::table
        .filter(ea::case_id.eq(case.to_string()))
        .filter(ea::user_id.eq(user.to_string()))
        .filter(ea::expires_at.gt(to_db_time(now)))
        .order(ea::expires_at.desc())
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(EmergencyAccess::try_from)
        .transpose()
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only those in this review state.
    pub review: Option<EmergencyReview>,
    /// Only those started at or after.
    pub since: Option<DateTime<Utc>>,
    /// Only those of this case.
    pub case: Option<CaseId>,
}

/// Emergency accesses, newest first, at most `limit`.
pub fn list(
    conn: &mut DbConn,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<EmergencyAccess>, StoreError> {
    let mut q = ea::table.select(Row::as_select()).into_boxed();
    if let Some(review) = filter.review {
        q = q.filter(ea::review.eq(review.as_str()));
    }
    if let Some(since) = filter.since {
        q = q.filter(ea::started_at.ge(to_db_time(since)));
    }
    if let Some(case) = filter.case {
        q = q.filter(ea::case_id.eq(case.to_string()));
    }
    q.order((ea::started_at.desc(), ea::id.desc()))
        .limit(limit)
        .load(conn)?
        .into_iter()
        .map(EmergencyAccess::try_from)
        .collect()
}

/// Records an auditor's review of a pending access; `false` if it was not pending.
pub fn review(
    conn: &mut DbConn,
    id: EmergencyAccessId,
    verdict: EmergencyReview,
    by: UserId,
    note: Option<&str>,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let target = ea::table
        .filter(ea::id.eq(id.to_string()))
        .filter(ea::review.eq(EmergencyReview::Pending.as_str()));
    let n = diesel::update(target)
        .set((
            ea::review.eq(verdict.as_str()),
            ea::reviewed_by.eq(Some(by.to_string())),
            ea::reviewed_at.eq(Some(to_db_time(at))),
            ea::review_note.eq(note),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Erases the stated reasons and review notes of the accesses to `case` (with the
/// case's own free text, by retention).
pub fn erase_texts_of_case(conn: &mut DbConn, case: CaseId) -> Result<usize, StoreError> {
    let target = ea::table.filter(ea::case_id.eq(case.to_string()));
    Ok(diesel::update(target)
        .set((
            ea::reason.eq(None::<String>),
            ea::review_note.eq(None::<String>),
        ))
        .execute(conn)?)
}
