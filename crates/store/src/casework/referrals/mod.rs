//! Referral rows.

use super::{code, codes_from_json, codes_to_json, opt_code};
use crate::schema::referrals;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{
    AgeBand, AgencyId, CaseId, DeclineReason, ExploitationForm, Gender, NationalityGroup,
    ReferralId, ReferralOutcome, ReferralPurpose, ReferralState, Region, Urgency, UserId,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = referrals)]
struct ReferralRow {
    id: String,
    case_id: String,
    from_agency_id: String,
    to_agency_id: String,
    sent_by: String,
    purpose: String,
    urgency: String,
    message: Option<String>,
    state: String,
    deadline_at: NaiveDateTime,
    exploitation_forms: String,
    age_band: String,
    gender: String,
    nationality_group: String,
    region: String,
    decided_by: Option<String>,
    decided_at: Option<NaiveDateTime>,
    decline_reason: Option<String>,
    note: Option<String>,
    outcome: Option<String>,
    redirected_from: Option<String>,
    ended_at: Option<NaiveDateTime>,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    assigned_to: Option<String>,
}

/// The coarse facts about the person that travel with a referral: all the receiver
/// sees before accepting, and what the monitor counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub exploitation_forms: Vec<ExploitationForm>,
    pub age_band: AgeBand,
    pub gender: Gender,
    pub nationality_group: NationalityGroup,
    pub region: Region,
}

/// A referral as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub id: ReferralId,
    pub case_id: CaseId,
    pub from_agency_id: AgencyId,
    pub to_agency_id: AgencyId,
    pub sent_by: UserId,
    pub purpose: ReferralPurpose,
    pub urgency: Urgency,
    /// The ciphertext of the sender's message.
    pub message: Option<String>,
    pub state: ReferralState,
    pub deadline_at: DateTime<Utc>,
    pub summary: Summary,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decline_reason: Option<DeclineReason>,
    /// The ciphertext of the decline or completion note.
    pub note: Option<String>,
    pub outcome: Option<ReferralOutcome>,
    pub redirected_from: Option<ReferralId>,
    pub ended_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The receiving agency's worker responsible for it once accepted.
    pub assigned_to: Option<UserId>,
}

impl TryFrom<ReferralRow> for Referral {
    type Error = StoreError;
    fn try_from(r: ReferralRow) -> Result<Self, StoreError> {
        Ok(Referral {
            id: code(&r.id, "referral id")?,
            case_id: code(&r.case_id, "referral case")?,
            from_agency_id: code(&r.from_agency_id, "referral sender")?,
            to_agency_id: code(&r.to_agency_id, "referral receiver")?,
            sent_by: code(&r.sent_by, "referral sent by")?,
            purpose: code(&r.purpose, "referral purpose")?,
            urgency: code(&r.urgency, "referral urgency")?,
            message: r.message,
            state: code(&r.state, "referral state")?,
            deadline_at: from_db_time(r.deadline_at),
            summary: Summary {
                exploitation_forms: codes_from_json(&r.exploitation_forms, "referral forms")?,
                age_band: code(&r.age_band, "referral age band")?,
                gender: code(&r.gender, "referral gender")?,
                nationality_group: code(&r.nationality_group, "referral nationality")?,
                region: code(&r.region, "referral region")?,
            },
            decided_by: opt_code(r.decided_by.as_deref(), "referral decided by")?,
            decided_at: r.decided_at.map(from_db_time),
            decline_reason: opt_code(r.decline_reason.as_deref(), "referral decline reason")?,
            note: r.note,
            outcome: opt_code(r.outcome.as_deref(), "referral outcome")?,
            redirected_from: opt_code(r.redirected_from.as_deref(), "referral redirected from")?,
            ended_at: r.ended_at.map(from_db_time),
            version: r.version,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            assigned_to: opt_code(r.assigned_to.as_deref(), "referral assignee")?,
        })
    }
}

/// The columns of a referral row, for `RETURNING` (the same on both backends).
fn row_columns() -> <ReferralRow as Selectable<diesel::sqlite::Sqlite>>::SelectExpression {
    <ReferralRow as Selectable<diesel::sqlite::Sqlite>>::construct_selection()
}

/// A new referral, in `sent`; the id is chosen by the caller.
#[derive(Debug, Clone)]
pub struct NewReferral<'a> {
    pub id: ReferralId,
    pub case_id: CaseId,
    pub from_agency_id: AgencyId,
    pub to_agency_id: AgencyId,
    pub sent_by: UserId,
    pub purpose: ReferralPurpose,
    pub urgency: Urgency,
    pub message: Option<&'a str>,
    pub deadline_at: DateTime<Utc>,
    pub summary: &'a Summary,
    pub redirected_from: Option<ReferralId>,
}

/// Inserts a referral in `sent` at version 1; returns it as stored.
pub fn insert(
    conn: &mut DbConn,
    new: &NewReferral<'_>,
    now: DateTime<Utc>,
) -> Result<Referral, StoreError> {
    let now = to_db_time(now);
    let s = new.summary;
    diesel::insert_into(referrals::table)
        .values((
            referrals::id.eq(new.id.to_string()),
            referrals::case_id.eq(new.case_id.to_string()),
            referrals::from_agency_id.eq(new.from_agency_id.to_string()),
            referrals::to_agency_id.eq(new.to_agency_id.to_string()),
            referrals::sent_by.eq(new.sent_by.to_string()),
            referrals::purpose.eq(new.purpose.as_str()),
            referrals::urgency.eq(new.urgency.as_str()),
            referrals::message.eq(new.message),
            referrals::state.eq(ReferralState::Sent.as_str()),
            referrals::deadline_at.eq(to_db_time(new.deadline_at)),
            referrals::exploitation_forms.eq(codes_to_json(&s.exploitation_forms)),
            referrals::age_band.eq(s.age_band.as_str()),
            referrals::gender.eq(s.gender.as_str()),
            referrals::nationality_group.eq(s.nationality_group.as_str()),
            referrals::region.eq(s.region.as_str()),
            referrals::redirected_from.eq(new.redirected_from.map(|r| r.to_string())),
            referrals::version.eq(1_i64),
            referrals::created_at.eq(now),
            referrals::updated_at.eq(now),
        ))
        .returning(row_columns())
        .get_result::<ReferralRow>(conn)?
        .try_into()
}

/// One referral by id.
pub fn find(conn: &mut DbConn, id: ReferralId) -> Result<Referral, StoreError> {
    referrals::table
        .find(id.to_string())
        .select(ReferralRow::as_select())
        .first(conn)?
        .try_into()
}

/// The referrals of a case, oldest first.
pub fn of_case(conn: &mut DbConn, case: CaseId) -> Result<Vec<Referral>, StoreError> {
    referrals::table
        .filter(referrals::case_id.eq(case.to_string()))
        .select(ReferralRow::as_select())
        .order((referrals::created_at.asc(), referrals::id.asc()))
        .load(conn)?
        .into_iter()
        .map(Referral::try_from)
        .collect()
}

/// Whether `agency` ever received a referral (in any state, redirects included).
pub fn any_received(conn: &mut DbConn, agency: AgencyId) -> Result<bool, StoreError> {
    let found: Option<String> = referrals::table
        .filter(referrals::to_agency_id.eq(agency.to_string()))
        .select(referrals::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Whether `agency` received a referral of `case` that is now in one of `states`.
pub fn received_in_state(
    conn: &mut DbConn,
    case: CaseId,
    agency: AgencyId,
    states: &[ReferralState],
) -> Result<Vec<Referral>, StoreError> {
    referrals::table
        .filter(referrals::case_id.eq(case.to_string()))
        .filter(referrals::to_agency_id.eq(agency.to_string()))
        .filter(referrals::state.eq_any(states.iter().map(|s| s.as_str())))
        .select(ReferralRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Referral::try_from)
        .collect()
}

/// The change a transition makes.
#[derive(Debug, Clone)]
pub struct Transition<'a> {
    pub to: ReferralState,
    pub by: Option<UserId>,
    pub decline_reason: Option<DeclineReason>,
    pub note: Option<&'a str>,
    pub outcome: Option<ReferralOutcome>,
    /// The receiving agency's worker to make responsible (on accepting).
    pub assign: Option<UserId>,
}

/// The columns a transition writes; `None` leaves a column as it is.
#[derive(AsChangeset)]
#[diesel(table_name = referrals)]
struct TransitionSet<'a> {
    state: &'a str,
    version: i64,
    updated_at: NaiveDateTime,
    decided_by: Option<Option<String>>,
    decided_at: Option<Option<NaiveDateTime>>,
    ended_at: Option<Option<NaiveDateTime>>,
    decline_reason: Option<Option<&'a str>>,
    note: Option<Option<&'a str>>,
    outcome: Option<Option<&'a str>>,
    assigned_to: Option<Option<String>>,
}

/// Moves a referral to `t.to` if it is still at `version`, in one statement; returns
/// it as stored after the move, or `None` when its version moved on.
pub fn transition(
    conn: &mut DbConn,
    id: ReferralId,
    version: i64,
    t: &Transition<'_>,
    now: DateTime<Utc>,
) -> Result<Option<Referral>, StoreError> {
    let at = to_db_time(now);
    let decided = matches!(
        t.to,
        ReferralState::Accepted | ReferralState::Declined | ReferralState::Redirected
    );
    let ended = !t.to.is_open();
    let remarks = t.decline_reason.is_some() || t.note.is_some() || t.outcome.is_some();
    let set = TransitionSet {
        state: t.to.as_str(),
        version: version + 1,
        updated_at: at,
        decided_by: decided.then(|| t.by.map(|u| u.to_string())),
        decided_at: decided.then_some(Some(at)),
        ended_at: ended.then_some(Some(at)),
        decline_reason: remarks.then(|| t.decline_reason.map(|r| r.as_str())),
        note: remarks.then_some(t.note),
        outcome: remarks.then(|| t.outcome.map(|o| o.as_str())),
        assigned_to: t.assign.map(|u| Some(u.to_string())),
    };
    let target = referrals::table
        .find(id.to_string())
        .filter(referrals::version.eq(version));
    diesel::update(target)
        .set(&set)
        .returning(row_columns())
        .get_result::<ReferralRow>(conn)
        .optional()?
        .map(Referral::try_from)
        .transpose()
}

/// Makes `user` (or nobody) responsible for a referral if it is still at `version`;
/// returns it as stored after, or `None` when its version moved on.
pub fn assign(
    conn: &mut DbConn,
    id: ReferralId,
    version: i64,
    user: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<Option<Referral>, StoreError> {
    let target = referrals::table
        .find(id.to_string())
        .filter(referrals::version.eq(version));
    diesel::update(target)
        .set((
            referrals::assigned_to.eq(user.map(|u| u.to_string())),
            referrals::version.eq(version + 1),
            referrals::updated_at.eq(to_db_time(now)),
        ))
        .returning(row_columns())
        .get_result::<ReferralRow>(conn)
        .optional()?
        .map(Referral::try_from)
        .transpose()
}

/// Erases the free text of a case's referrals (retention).
pub fn erase_of_case(conn: &mut DbConn, case: CaseId) -> Result<usize, StoreError> {
    Ok(
        diesel::update(referrals::table.filter(referrals::case_id.eq(case.to_string())))
            .set((
                referrals::message.eq(None::<String>),
                referrals::note.eq(None::<String>),
            ))
            .execute(conn)?,
    )
}

/// The referral a redirect created from `id`, if any.
pub fn redirect_of(conn: &mut DbConn, id: ReferralId) -> Result<Option<ReferralId>, StoreError> {
    let found: Option<String> = referrals::table
        .filter(referrals::redirected_from.eq(id.to_string()))
        .select(referrals::id)
        .first(conn)
        .optional()?;
    found.map(|r| code(&r, "referral id")).transpose()
}

mod deadlines;
mod lists;
mod received;

pub use deadlines::{FollowUp, due_for, mark_followed_up, overdue};
pub use lists::{Direction, StateSet, list_of_agency};
pub use received::received_since;
