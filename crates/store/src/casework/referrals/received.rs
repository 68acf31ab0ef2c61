//! What an agency's own figures read of the referrals it received: those still waiting
//! and those answered or ended since a moment, only the columns the counts need.

use super::*;
use schakel_domain::agency_figures::Received;

type ReceivedRow = (
    String,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<String>,
);

/// The referrals `agency` received that wait for its answer, or were answered or ended
/// at or after `since`.
pub fn received_since(
    conn: &mut DbConn,
    agency: AgencyId,
    since: DateTime<Utc>,
) -> Result<Vec<Received>, StoreError> {
    let since = to_db_time(since);
    referrals::table
        .filter(referrals::to_agency_id.eq(agency.to_string()))
        .filter(
            referrals::state
                .eq(ReferralState::Sent.as_str())
                .or(referrals::decided_at.ge(since))
                .or(referrals::ended_at.ge(since)),
        )
        .select((
            referrals::state,
            referrals::created_at,
            referrals::deadline_at,
            referrals::decided_at,
            referrals::ended_at,
            referrals::decline_reason,
        ))
        .load::<ReceivedRow>(conn)?
        .into_iter()
        .map(|(state, sent, deadline, decided, ended, reason)| {
            Ok(Received {
                state: code(&state, "referral state")?,
                sent_at: from_db_time(sent),
                deadline_at: from_db_time(deadline),
                decided_at: decided.map(from_db_time),
                ended_at: ended.map(from_db_time),
                decline_reason: opt_code::<DeclineReason>(reason.as_deref(), "decline reason")?,
            })
        })
        .collect()
}
