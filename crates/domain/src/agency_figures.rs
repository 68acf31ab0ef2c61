//! An agency's own operational figures: the referrals it received that wait for its
//! answer (near their deadline, overdue), and per calendar month what it answered and
//! how fast, and how its referrals ended (accepted, declined by reason, redirected,
//! expired). Exact counts of its own work for its own coordinators, never the national
//! monitor's and never another agency's.
//!
//! Months are calendar months in Dutch time (Europe/Amsterdam): what an agency calls
//! "this month". A referral is answered when it was accepted, declined or redirected;
//! it counts in the month of that answer, with the time from sending to answering. An
//! expired referral counts in the month it expired. Withdrawn before an answer, it
//! counts nowhere.

use crate::{DeclineReason, ReferralState};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Amsterdam;

/// A waiting referral whose deadline is at most this many hours away is near it.
pub const NEAR_DEADLINE_HOURS: i64 = 24;

/// What the figures need of a referral the agency received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    /// Its state now.
    pub state: ReferralState,
    /// When it was sent.
    pub sent_at: DateTime<Utc>,
    /// When the answer is due.
    pub deadline_at: DateTime<Utc>,
    /// When it was accepted, declined or redirected.
    pub decided_at: Option<DateTime<Utc>>,
    /// When it ended (declined, redirected, withdrawn, completed, expired).
    pub ended_at: Option<DateTime<Utc>>,
    /// Why it was declined.
    pub decline_reason: Option<DeclineReason>,
}

/// How the agency answered a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Accepted (whatever happened after).
    Accepted,
    /// Declined.
    Declined,
    /// Sent on to another agency.
    Redirected,
}

impl Received {
    /// The agency's answer, if it gave one. An accepted referral stays accepted when it
    /// is started, completed or withdrawn by its sender later.
    pub fn answer(&self) -> Option<Answer> {
        self.decided_at?;
        match self.state {
            ReferralState::Declined => Some(Answer::Declined),
            ReferralState::Redirected => Some(Answer::Redirected),
            ReferralState::Sent | ReferralState::Expired => None,
            _ => Some(Answer::Accepted),
        }
    }
}

/// The referrals that wait for the agency's answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Waiting {
    /// All of them.
    pub waiting: u32,
    /// Those due within [`NEAR_DEADLINE_HOURS`], not yet overdue.
    pub near_deadline: u32,
    /// Those past their deadline.
    pub overdue: u32,
}

/// Counts the waiting referrals at `now`.
pub fn waiting(received: &[Received], now: DateTime<Utc>) -> Waiting {
    let near = now + Duration::hours(NEAR_DEADLINE_HOURS);
    let mut w = Waiting::default();
    for r in received.iter().filter(|r| r.state == ReferralState::Sent) {
        w.waiting += 1;
        if r.deadline_at < now {
            w.overdue += 1;
        } else if r.deadline_at <= near {
            w.near_deadline += 1;
        }
    }
    w
}

/// A calendar month in Dutch time, as the instants it spans: `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    /// The month's first day.
    pub first_day: NaiveDate,
    /// Its first instant.
    pub from: DateTime<Utc>,
    /// The first instant of the next month.
    pub to: DateTime<Utc>,
}

impl Month {
    /// The month `at` falls in (Dutch time).
    pub fn of(at: DateTime<Utc>) -> Self {
        let local = at.with_timezone(&Amsterdam).date_naive();
        let first = local.with_day(1).unwrap_or(local);
        Self::starting(first)
    }

    /// The month before this one.
    pub fn previous(&self) -> Self {
        let last_day = self.first_day.pred_opt().unwrap_or(self.first_day);
        Self::starting(last_day.with_day(1).unwrap_or(last_day))
    }

    fn starting(first_day: NaiveDate) -> Self {
        let next = first_day
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(first_day);
        Self {
            first_day,
            from: midnight(first_day),
            to: midnight(next),
        }
    }

    /// Whether `at` falls in the month.
    pub fn holds(&self, at: DateTime<Utc>) -> bool {
        self.from <= at && at < self.to
    }
}

/// The first instant of `day` in Dutch time (midnight exists on every Dutch day: the
/// clocks change at 02:00 and 03:00).
fn midnight(day: NaiveDate) -> DateTime<Utc> {
    let naive = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    Amsterdam
        .from_local_datetime(&naive)
        .earliest()
        .map_or_else(|| naive.and_utc(), |t| t.with_timezone(&Utc))
}

/// What the agency did with its referrals in one month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthFigures {
    /// Accepted, declined or redirected in the month.
    pub answered: u32,
    /// The median time from sending to that answer (`None`: nothing answered).
    pub median_to_answer: Option<Duration>,
    /// Accepted.
    pub accepted: u32,
    /// Declined, per reason (every reason, in the order of [`DeclineReason::ALL`]).
    pub declined: Vec<(DeclineReason, u32)>,
    /// Sent on to another agency.
    pub redirected: u32,
    /// Expired unanswered in the month.
    pub expired: u32,
}

impl MonthFigures {
    /// Declined, all reasons together.
    pub fn declined_total(&self) -> u32 {
        self.declined.iter().map(|(_, n)| n).sum()
    }
}

/// Counts `month` of `received`.
pub fn month_figures(received: &[Received], month: &Month) -> MonthFigures {
    let mut f = MonthFigures {
        declined: DeclineReason::ALL.iter().map(|r| (*r, 0)).collect(),
        ..MonthFigures::default()
    };
    let mut times = Vec::new();
    for r in received {
        if r.state == ReferralState::Expired && r.ended_at.is_some_and(|at| month.holds(at)) {
            f.expired += 1;
        }
        let (Some(answer), Some(at)) = (r.answer(), r.decided_at) else {
            continue;
        };
        if !month.holds(at) {
            continue;
        }
        f.answered += 1;
        times.push(at - r.sent_at);
        match answer {
            Answer::Accepted => f.accepted += 1,
            Answer::Redirected => f.redirected += 1,
            Answer::Declined => {
                let reason = r.decline_reason.unwrap_or(DeclineReason::Other);
                if let Some(slot) = f.declined.iter_mut().find(|(d, _)| *d == reason) {
                    slot.1 += 1;
                }
            }
        }
    }
    f.median_to_answer = median(&mut times);
    f
}

/// The median of `times` (the mean of the middle two of an even number), to the second.
fn median(times: &mut [Duration]) -> Option<Duration> {
    times.sort();
    let n = times.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(times[n / 2]),
        _ => {
            let sum = times[n / 2 - 1] + times[n / 2];
            Some(Duration::seconds(sum.num_seconds() / 2))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReferralState as S;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn sent(at: &str, deadline: &str) -> Received {
        Received {
            state: S::Sent,
            sent_at: utc(at),
            deadline_at: utc(deadline),
            decided_at: None,
            ended_at: None,
            decline_reason: None,
        }
    }

    #[test]
    fn months_are_dutch_calendar_months() {
        // 23:30 UTC on 31 March is already 1 April in Amsterdam (summer time).
        let m = Month::of(utc("2026-03-31T23:30:00Z"));
        assert_eq!(m.first_day, NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
        assert_eq!(m.from, utc("2026-03-31T22:00:00Z"));
        assert_eq!(m.to, utc("2026-04-30T22:00:00Z"));
        let before = m.previous();
        assert_eq!(before.from, utc("2026-02-28T23:00:00Z"));
        assert_eq!(before.to, m.from);
        let january = Month::of(utc("2026-01-15T12:00:00Z"));
        assert_eq!(january.previous().first_day.to_string(), "2025-12-01");
    }

    #[test]
    fn waiting_referrals_are_near_their_deadline_or_overdue() {
        let now = utc("2026-03-10T12:00:00Z");
        let mut answered = sent("2026-03-01T09:00:00Z", "2026-03-03T09:00:00Z");
        answered.state = S::Accepted;
        answered.decided_at = Some(utc("2026-03-02T09:00:00Z"));
        let list = [
            sent("2026-03-09T09:00:00Z", "2026-03-11T09:00:00Z"), // near
            sent("2026-03-10T09:00:00Z", "2026-03-12T09:00:00Z"), // later
            sent("2026-03-05T09:00:00Z", "2026-03-09T09:00:00Z"), // overdue
            answered,
        ];
        assert_eq!(
            waiting(&list, now),
            Waiting {
                waiting: 3,
                near_deadline: 1,
                overdue: 1
            }
        );
    }

    #[test]
    fn a_month_counts_answers_by_kind_reason_and_median_time() {
        let month = Month::of(utc("2026-03-15T12:00:00Z"));
        let answer = |state, sent_at: &str, hours: i64, reason| {
            let mut r = sent(sent_at, sent_at);
            r.state = state;
            r.decided_at = Some(r.sent_at + Duration::hours(hours));
            r.decline_reason = reason;
            r
        };
        let mut expired = sent("2026-03-01T09:00:00Z", "2026-03-03T09:00:00Z");
        expired.state = S::Expired;
        expired.ended_at = Some(utc("2026-03-05T09:00:00Z"));
        let mut withdrawn = sent("2026-03-01T09:00:00Z", "2026-03-03T09:00:00Z");
        withdrawn.state = S::Withdrawn;
        withdrawn.ended_at = Some(utc("2026-03-02T09:00:00Z"));
        let list = [
            answer(S::Completed, "2026-03-02T09:00:00Z", 2, None),
            answer(S::Withdrawn, "2026-03-02T09:00:00Z", 4, None),
            answer(
                S::Declined,
                "2026-03-03T09:00:00Z",
                6,
                Some(DeclineReason::NoCapacity),
            ),
            answer(S::Redirected, "2026-03-04T09:00:00Z", 30, None),
            // Answered in February: not this month.
            answer(S::Accepted, "2026-02-20T09:00:00Z", 1, None),
            expired,
            withdrawn,
        ];
        let f = month_figures(&list, &month);
        assert_eq!(f.answered, 4);
        assert_eq!(f.accepted, 2);
        assert_eq!(f.redirected, 1);
        assert_eq!(f.expired, 1);
        assert_eq!(f.declined_total(), 1);
        assert_eq!(f.declined[0], (DeclineReason::NoCapacity, 1));
        assert_eq!(f.median_to_answer, Some(Duration::hours(5)));
        let february = month_figures(&list, &month.previous());
        assert_eq!((february.answered, february.accepted), (1, 1));
        assert_eq!(february.median_to_answer, Some(Duration::hours(1)));
        assert_eq!(month_figures(&[], &month).median_to_answer, None);
    }
}
