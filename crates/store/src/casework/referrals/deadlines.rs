//! The referrals the deadline job looks at: overdue ones to expire, and those due a
//! reminder or an escalation (each sent once).

use super::*;

/// Referrals still `sent` whose deadline is at or before `deadline_before` (candidates
/// for expiry; the caller decides which are due), in deadline order after `after`.
pub fn overdue(
    conn: &mut DbConn,
    deadline_before: DateTime<Utc>,
    after: Option<(DateTime<Utc>, ReferralId)>,
    limit: i64,
) -> Result<Vec<Referral>, StoreError> {
    let mut q = referrals::table
        .filter(referrals::state.eq(ReferralState::Sent.as_str()))
        .filter(referrals::deadline_at.le(to_db_time(deadline_before)))
        .select(ReferralRow::as_select())
        .order((referrals::deadline_at.asc(), referrals::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        let at = to_db_time(at);
        q = q.filter(
            referrals::deadline_at.gt(at).or(referrals::deadline_at
                .eq(at)
                .and(referrals::id.gt(id.to_string()))),
        );
    }
    q.load(conn)?.into_iter().map(Referral::try_from).collect()
}

/// Which follow-up of an unanswered referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUp {
    /// The reminder at the deadline.
    Reminder,
    /// The escalation after the second deadline.
    Escalation,
}

/// Referrals still `sent` without `follow_up` whose deadline is at or before
/// `deadline_before` (candidates; the caller decides which are due), in deadline order
/// after `after`.
pub fn due_for(
    conn: &mut DbConn,
    follow_up: FollowUp,
    deadline_before: DateTime<Utc>,
    after: Option<(DateTime<Utc>, ReferralId)>,
    limit: i64,
) -> Result<Vec<Referral>, StoreError> {
    let mut q = referrals::table
        .filter(referrals::state.eq(ReferralState::Sent.as_str()))
        .filter(referrals::deadline_at.le(to_db_time(deadline_before)))
        .select(ReferralRow::as_select())
        .order((referrals::deadline_at.asc(), referrals::id.asc()))
        .limit(limit)
        .into_boxed();
    q = match follow_up {
        FollowUp::Reminder => q.filter(referrals::reminded_at.is_null()),
        FollowUp::Escalation => q.filter(referrals::escalated_at.is_null()),
    };
    if let Some((at, id)) = after {
        let at = to_db_time(at);
        q = q.filter(
            referrals::deadline_at.gt(at).or(referrals::deadline_at
                .eq(at)
                .and(referrals::id.gt(id.to_string()))),
        );
    }
    q.load(conn)?.into_iter().map(Referral::try_from).collect()
}

/// Records that `follow_up` happened, unless it already had or the referral is no
/// longer `sent`; returns whether this call recorded it.
pub fn mark_followed_up(
    conn: &mut DbConn,
    id: ReferralId,
    follow_up: FollowUp,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let at = Some(to_db_time(now));
    let target = referrals::table
        .find(id.to_string())
        .filter(referrals::state.eq(ReferralState::Sent.as_str()));
    let n = match follow_up {
        FollowUp::Reminder => diesel::update(target.filter(referrals::reminded_at.is_null()))
            .set(referrals::reminded_at.eq(at))
            .execute(conn)?,
        FollowUp::Escalation => diesel::update(target.filter(referrals::escalated_at.is_null()))
            .set(referrals::escalated_at.eq(at))
            .execute(conn)?,
    };
    Ok(n == 1)
}
