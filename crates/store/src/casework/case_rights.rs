//! The person's rights on a case row: its restriction (set and lifted), and the erasure
//! of its free text (by retention, or on the person's request), with the closed cases
//! retention is due to erase.

use super::cases::{Case, CaseRow};
use crate::schema::cases;
use crate::{DbConn, StoreError, to_db_time};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{CaseId, CaseStatus, PersonId, RestrictionGround, UserId};

/// Restricts the case at `version`, which moves on; `None` when the version moved on.
pub fn restrict(
    conn: &mut DbConn,
    id: CaseId,
    version: i64,
    by: UserId,
    ground: RestrictionGround,
    now: DateTime<Utc>,
) -> Result<Option<Case>, StoreError> {
    let now = to_db_time(now);
    let done = diesel::update(
        cases::table
            .find(id.to_string())
            .filter(cases::version.eq(version)),
    )
    .set((
        cases::restricted_at.eq(Some(now)),
        cases::restricted_by.eq(Some(by.to_string())),
        cases::restriction_ground.eq(Some(ground.as_str())),
        cases::version.eq(version + 1),
        cases::updated_at.eq(now),
    ))
    .execute(conn)?;
    reread(conn, id, done)
}

/// Lifts the case's restriction at `version`; `None` when the version moved on.
pub fn lift_restriction(
    conn: &mut DbConn,
    id: CaseId,
    version: i64,
    now: DateTime<Utc>,
) -> Result<Option<Case>, StoreError> {
    let now = to_db_time(now);
    let done = diesel::update(
        cases::table
            .find(id.to_string())
            .filter(cases::version.eq(version)),
    )
    .set((
        cases::restricted_at.eq(None::<chrono::NaiveDateTime>),
        cases::restricted_by.eq(None::<String>),
        cases::restriction_ground.eq(None::<String>),
        cases::version.eq(version + 1),
        cases::updated_at.eq(now),
    ))
    .execute(conn)?;
    reread(conn, id, done)
}

/// The cases of a person, oldest first.
pub fn of_person(conn: &mut DbConn, person: PersonId) -> Result<Vec<Case>, StoreError> {
    cases::table
        .filter(cases::person_id.eq(person.to_string()))
        .select(CaseRow::as_select())
        .order((cases::created_at.asc(), cases::id.asc()))
        .load(conn)?
        .into_iter()
        .map(Case::try_from)
        .collect()
}

fn reread(conn: &mut DbConn, id: CaseId, done: usize) -> Result<Option<Case>, StoreError> {
    if done == 0 {
        return Ok(None);
    }
    super::cases::find(conn, id).map(Some)
}

/// Closed cases, not yet erased nor restricted (a restricted record is kept for the
/// person's legal claims), closed at or before `closed_before`, oldest first, after the
/// cursor `(closed_at, id)`.
pub fn due_for_erasure(
    conn: &mut DbConn,
    closed_before: DateTime<Utc>,
    after: Option<(DateTime<Utc>, CaseId)>,
    limit: i64,
) -> Result<Vec<Case>, StoreError> {
    let mut q = cases::table
        .filter(cases::status.eq(CaseStatus::Closed.as_str()))
        .filter(cases::erased_at.is_null())
        .filter(cases::restricted_at.is_null())
        .filter(cases::closed_at.le(to_db_time(closed_before)))
        .select(CaseRow::as_select())
        .order((cases::closed_at.asc(), cases::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        let at = to_db_time(at);
        q = q.filter(
            cases::closed_at
                .gt(at)
                .or(cases::closed_at.eq(at).and(cases::id.gt(id.to_string()))),
        );
    }
    q.load(conn)?.into_iter().map(Case::try_from).collect()
}

/// Erases a case's free text.
pub fn erase(conn: &mut DbConn, id: CaseId, now: DateTime<Utc>) -> Result<(), StoreError> {
    diesel::update(cases::table.find(id.to_string()))
        .set((
            cases::notes.eq(None::<String>),
            cases::close_note.eq(None::<String>),
            cases::erased_at.eq(Some(to_db_time(now))),
        ))
        .execute(conn)?;
    Ok(())
}

/// Which cases of `ids` are restricted, in one query (a list shows many referrals, and
/// each open one to a receiver must know whether its case is hidden).
pub fn restricted_among(conn: &mut DbConn, ids: &[CaseId]) -> Result<Vec<CaseId>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    cases::table
        .filter(cases::id.eq_any(keys))
        .filter(cases::restricted_at.is_not_null())
        .select(cases::id)
        .load::<String>(conn)?
        .iter()
        .map(|id| {
            id.parse()
                .map_err(|_| StoreError::Corrupt(format!("case id {id}")))
        })
        .collect()
}
