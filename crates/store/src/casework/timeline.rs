//! The case timeline: one row per thing that happened to a case. Rows hold codes and
//! ids only, never personal data or free text.

use super::{code, opt_code};
use crate::schema::case_events;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{AgencyId, CaseId, ReferralId, UserId};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_events)]
struct EventRow {
    id: String,
    case_id: String,
    occurred_at: NaiveDateTime,
    ordinal: i32,
    kind: String,
    agency_id: String,
    user_id: Option<String>,
    referral_id: Option<String>,
    details: String,
}

/// One timeline entry.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseEvent {
    pub id: String,
    pub case_id: CaseId,
    pub occurred_at: DateTime<Utc>,
    pub ordinal: i32,
    pub kind: String,
    pub agency_id: AgencyId,
    pub user_id: Option<UserId>,
    pub referral_id: Option<ReferralId>,
    pub details: serde_json::Value,
}

impl TryFrom<EventRow> for CaseEvent {
    type Error = StoreError;
    fn try_from(r: EventRow) -> Result<Self, StoreError> {
        Ok(CaseEvent {
            case_id: code(&r.case_id, "event case")?,
            occurred_at: from_db_time(r.occurred_at),
            ordinal: r.ordinal,
            agency_id: code(&r.agency_id, "event agency")?,
            user_id: opt_code(r.user_id.as_deref(), "event user")?,
            referral_id: opt_code(r.referral_id.as_deref(), "event referral")?,
            details: serde_json::from_str(&r.details)
                .map_err(|_| StoreError::Corrupt("event details".into()))?,
            kind: r.kind,
            id: r.id,
        })
    }
}

/// A new timeline entry. `ordinal` orders entries written in one transaction.
#[derive(Debug, Clone)]
pub struct NewCaseEvent<'a> {
    pub case_id: CaseId,
    pub ordinal: i32,
    pub kind: &'a str,
    pub agency_id: AgencyId,
    pub user_id: Option<UserId>,
    pub referral_id: Option<ReferralId>,
    pub details: serde_json::Value,
}

/// Appends an entry to a case's timeline.
pub fn append(
    conn: &mut DbConn,
    e: &NewCaseEvent<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(case_events::table)
        .values((
            case_events::id.eq(Uuid::new_v4().to_string()),
            case_events::case_id.eq(e.case_id.to_string()),
            case_events::occurred_at.eq(to_db_time(now)),
            case_events::ordinal.eq(e.ordinal),
            case_events::kind.eq(e.kind),
            case_events::agency_id.eq(e.agency_id.to_string()),
            case_events::user_id.eq(e.user_id.map(|u| u.to_string())),
            case_events::referral_id.eq(e.referral_id.map(|r| r.to_string())),
            case_events::details.eq(e.details.to_string()),
        ))
        .execute(conn)?;
    Ok(())
}

/// A case's timeline, oldest first.
pub fn of_case(conn: &mut DbConn, case: CaseId) -> Result<Vec<CaseEvent>, StoreError> {
    case_events::table
        .filter(case_events::case_id.eq(case.to_string()))
        .select(EventRow::as_select())
        .order((
            case_events::occurred_at.asc(),
            case_events::ordinal.asc(),
            case_events::id.asc(),
        ))
        .load(conn)?
        .into_iter()
        .map(CaseEvent::try_from)
        .collect()
}
