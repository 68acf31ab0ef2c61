//! An agency's inbox and sent list: pages of its referrals by state, by deadline.

use super::*;

/// Which way a list of referrals looks from an agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Referrals the agency received.
    Incoming,
    /// Referrals the agency sent.
    Outgoing,
}

/// Which states an agency's referral list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateSet {
    /// Every state, earliest deadline first.
    All,
    /// One state, earliest deadline first.
    Only(ReferralState),
    /// Those still awaiting an answer or work (sent, accepted, in progress), earliest
    /// deadline first.
    Open,
    /// Those ended (completed, declined, withdrawn, redirected, expired), latest
    /// deadline first.
    Closed,
    /// None: filters that exclude each other (an ended state among the open ones).
    Nothing,
}

impl StateSet {
    fn states(self) -> Option<Vec<&'static str>> {
        let all = [
            ReferralState::Sent,
            ReferralState::Accepted,
            ReferralState::InProgress,
            ReferralState::Completed,
            ReferralState::Declined,
            ReferralState::Withdrawn,
            ReferralState::Redirected,
            ReferralState::Expired,
        ];
        let pick = |open: bool| {
            all.iter()
                .filter(|s| s.is_open() == open)
                .map(|s| s.as_str())
                .collect()
        };
        match self {
            StateSet::All => None,
            StateSet::Only(s) => Some(vec![s.as_str()]),
            StateSet::Open => Some(pick(true)),
            StateSet::Closed => Some(pick(false)),
            StateSet::Nothing => Some(Vec::new()),
        }
    }

    /// Whether the list runs from the latest deadline back.
    pub fn latest_first(self) -> bool {
        self == StateSet::Closed
    }
}

/// A page of an agency's incoming or outgoing referrals in the states of `set` (and,
/// when `assignee` says so, those the worker is responsible for, `Some(None)` for
/// nobody), ordered by deadline then id (backwards for [`StateSet::Closed`]), after the
/// cursor `(deadline_at, id)`.
pub fn list_of_agency(
    conn: &mut DbConn,
    agency: AgencyId,
    direction: Direction,
    set: StateSet,
    assignee: Option<Option<UserId>>,
    after: Option<(DateTime<Utc>, ReferralId)>,
    limit: i64,
) -> Result<Vec<Referral>, StoreError> {
    let mut q = referrals::table
        .select(ReferralRow::as_select())
        .limit(limit)
        .into_boxed();
    q = if set.latest_first() {
        q.order((referrals::deadline_at.desc(), referrals::id.desc()))
    } else {
        q.order((referrals::deadline_at.asc(), referrals::id.asc()))
    };
    q = match direction {
        Direction::Incoming => q.filter(referrals::to_agency_id.eq(agency.to_string())),
        Direction::Outgoing => q.filter(referrals::from_agency_id.eq(agency.to_string())),
    };
    if let Some(states) = set.states() {
        q = q.filter(referrals::state.eq_any(states));
    }
    match assignee {
        None => {}
        Some(None) => q = q.filter(referrals::assigned_to.is_null()),
        Some(Some(u)) => q = q.filter(referrals::assigned_to.eq(u.to_string())),
    }
    if let Some((at, id)) = after {
        let (at, id) = (to_db_time(at), id.to_string());
        q = if set.latest_first() {
            q.filter(
                referrals::deadline_at
                    .lt(at)
                    .or(referrals::deadline_at.eq(at).and(referrals::id.lt(id))),
            )
        } else {
            q.filter(
                referrals::deadline_at
                    .gt(at)
                    .or(referrals::deadline_at.eq(at).and(referrals::id.gt(id))),
            )
        };
    }
    q.load(conn)?.into_iter().map(Referral::try_from).collect()
}
