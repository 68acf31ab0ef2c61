//! Suspects handed to the prosecution: rows of the referral state machine, changed
//! only from the version they were read at.

use crate::casework::{code, opt_code};
use crate::schema::suspect_referrals as sr;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{
    AgencyId, DeclineReason, ReferralState, SuspectId, SuspectReferralId, UserId,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sr)]
struct Row {
    id: String,
    suspect_id: String,
    from_agency_id: String,
    to_agency_id: String,
    sent_by: String,
    message: Option<String>,
    state: String,
    decided_by: Option<String>,
    decided_at: Option<NaiveDateTime>,
    decline_reason: Option<String>,
    ended_at: Option<NaiveDateTime>,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A suspect referral as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuspectReferral {
    pub id: SuspectReferralId,
    pub suspect_id: SuspectId,
    pub from_agency_id: AgencyId,
    pub to_agency_id: AgencyId,
    pub sent_by: UserId,
    /// The ciphertext of the sender's message (the compartment's keys).
    pub message: Option<String>,
    pub state: ReferralState,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decline_reason: Option<DeclineReason>,
    pub ended_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<Row> for SuspectReferral {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(SuspectReferral {
            id: code(&r.id, "suspect referral id")?,
            suspect_id: code(&r.suspect_id, "suspect referral suspect")?,
            from_agency_id: code(&r.from_agency_id, "suspect referral sender")?,
            to_agency_id: code(&r.to_agency_id, "suspect referral receiver")?,
            sent_by: code(&r.sent_by, "suspect referral sent by")?,
            message: r.message,
            state: code(&r.state, "suspect referral state")?,
            decided_by: opt_code(r.decided_by.as_deref(), "suspect referral decided by")?,
            decided_at: r.decided_at.map(from_db_time),
            decline_reason: opt_code(r.decline_reason.as_deref(), "decline reason")?,
            ended_at: r.ended_at.map(from_db_time),
            version: r.version,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
        })
    }
}

/// Stores a new referral (`sent`, version 1).
pub fn insert(conn: &mut DbConn, x: &SuspectReferral) -> Result<(), StoreError> {
    let row = Row {
        id: x.id.to_string(),
        suspect_id: x.suspect_id.to_string(),
        from_agency_id: x.from_agency_id.to_string(),
        to_agency_id: x.to_agency_id.to_string(),
        sent_by: x.sent_by.to_string(),
        message: x.message.clone(),
        state: ReferralState::Sent.as_str().to_owned(),
        decided_by: None,
        decided_at: None,
        decline_reason: None,
        ended_at: None,
        version: 1,
        created_at: to_db_time(x.created_at),
        updated_at: to_db_time(x.updated_at),
    };
    diesel::insert_into(sr::table).values(&row).execute(conn)?;
    Ok(())
}

/// One referral.
pub fn find(conn: &mut DbConn, id: SuspectReferralId) -> Result<SuspectReferral, StoreError> {
    sr::table
        .find(id.to_string())
        .select(Row::as_select())
        .first::<Row>(conn)?
        .try_into()
}

/// The referrals of a suspect, oldest first.
pub fn of_suspect(
    conn: &mut DbConn,
    suspect: SuspectId,
) -> Result<Vec<SuspectReferral>, StoreError> {
    sr::table
        .filter(sr::suspect_id.eq(suspect.to_string()))
        .order((sr::created_at.asc(), sr::id.asc()))
        .select(Row::as_select())
        .load::<Row>(conn)?
        .into_iter()
        .map(SuspectReferral::try_from)
        .collect()
}

/// The referrals `agency` received (`received`) or sent, newest first.
pub fn of_agency(
    conn: &mut DbConn,
    agency: AgencyId,
    received: bool,
) -> Result<Vec<SuspectReferral>, StoreError> {
    let id = agency.to_string();
    let rows: Vec<Row> = if received {
        sr::table
            .filter(sr::to_agency_id.eq(id))
            .order((sr::created_at.desc(), sr::id.desc()))
            .select(Row::as_select())
            .load(conn)?
    } else {
        sr::table
            .filter(sr::from_agency_id.eq(id))
            .order((sr::created_at.desc(), sr::id.desc()))
            .select(Row::as_select())
            .load(conn)?
    };
    rows.into_iter().map(SuspectReferral::try_from).collect()
}

/// A change of state, made from `version`.
#[derive(Debug, Clone, Copy)]
pub struct Transition {
    pub to: ReferralState,
    pub by: UserId,
    pub decline_reason: Option<DeclineReason>,
}

/// Moves a referral to another state if it is still at `version`; the changed row, or
/// `None` when another change came first.
pub fn transition(
    conn: &mut DbConn,
    id: SuspectReferralId,
    version: i64,
    t: Transition,
    now: DateTime<Utc>,
) -> Result<Option<SuspectReferral>, StoreError> {
    let at = to_db_time(now);
    let target = sr::table
        .find(id.to_string())
        .filter(sr::version.eq(version));
    let decided = matches!(t.to, ReferralState::Accepted | ReferralState::Declined);
    let n = diesel::update(target)
        .set((
            sr::state.eq(t.to.as_str()),
            sr::version.eq(version + 1),
            sr::updated_at.eq(at),
        ))
        .execute(conn)?;
    if n == 0 {
        return Ok(None);
    }
    if decided {
        diesel::update(sr::table.find(id.to_string()))
            .set((
                sr::decided_by.eq(Some(t.by.to_string())),
                sr::decided_at.eq(Some(at)),
                sr::decline_reason.eq(t.decline_reason.map(|r| r.as_str())),
            ))
            .execute(conn)?;
    }
    if !t.to.is_open() {
        diesel::update(sr::table.find(id.to_string()))
            .set(sr::ended_at.eq(Some(at)))
            .execute(conn)?;
    }
    find(conn, id).map(Some)
}
