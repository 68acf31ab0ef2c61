//! Response deadlines of referrals, derived from the urgency.
//!
//! An urgent referral must be answered within a number of hours; a normal one within a
//! number of working days at the same time of day. At the deadline the receiving agency
//! is reminded; a number of hours later the coordinators of both agencies are told
//! (escalation); later still the referral expires. The numbers come from configuration
//! through [`DeadlinePolicy`].
//!
//! One clock per urgency, for all three instants: a normal referral counts its deadline,
//! escalation and expiry in working time (weekends and the Dutch public holidays of
//! [`crate::holidays`] do not count: the hours after the deadline pass on working days
//! only), so one sent on a Wednesday does not escalate on Saturday. An urgent referral
//! counts all three in calendar hours, because urgent means the same on a Sunday.
//! Days are UTC dates, as the instants are.

use crate::Urgency;
use crate::holidays::is_working_day;
use chrono::{DateTime, Duration, Utc};

/// How long the receiving agency has to answer, per urgency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlinePolicy {
    /// Hours to answer an urgent referral.
    pub urgent_hours: u32,
    /// Working days to answer a normal referral.
    pub normal_working_days: u32,
    /// Hours after the deadline at which an unanswered referral is escalated.
    pub escalation_hours: u32,
    /// Hours after the deadline at which an unanswered referral expires (at least the
    /// escalation's).
    pub expiry_hours: u32,
}

impl Default for DeadlinePolicy {
    fn default() -> Self {
        Self {
            urgent_hours: 4,
            normal_working_days: 2,
            escalation_hours: 24,
            expiry_hours: 48,
        }
    }
}

impl DeadlinePolicy {
    /// How long after the deadline an unanswered referral is escalated.
    pub fn escalation_delay(&self) -> Duration {
        Duration::hours(i64::from(self.escalation_hours))
    }

    /// How long after the deadline an unanswered referral expires (never before its
    /// escalation).
    pub fn expiry_delay(&self) -> Duration {
        Duration::hours(i64::from(self.expiry_hours.max(self.escalation_hours)))
    }

    /// When an unanswered referral of `urgency` with this deadline is escalated: the
    /// escalation hours after the deadline, in working time for a normal referral.
    pub fn escalates_at(&self, urgency: Urgency, deadline: DateTime<Utc>) -> DateTime<Utc> {
        after(urgency, deadline, self.escalation_delay())
    }

    /// When an unanswered referral of `urgency` with this deadline expires: the expiry
    /// hours after the deadline, in working time for a normal referral.
    pub fn expires_at(&self, urgency: Urgency, deadline: DateTime<Utc>) -> DateTime<Utc> {
        after(urgency, deadline, self.expiry_delay())
    }

    /// The deadline of a referral of `urgency` sent at `sent_at`.
    pub fn deadline(&self, urgency: Urgency, sent_at: DateTime<Utc>) -> DateTime<Utc> {
        match urgency {
            Urgency::Urgent => sent_at + Duration::hours(i64::from(self.urgent_hours)),
            Urgency::Normal => {
                let mut at = sent_at;
                let mut left = self.normal_working_days;
                while left > 0 {
                    at += Duration::days(1);
                    if is_working_day(at.date_naive()) {
                        left -= 1;
                    }
                }
                at
            }
        }
    }
}

/// `delay` after `from` on the clock of `urgency`.
fn after(urgency: Urgency, from: DateTime<Utc>, delay: Duration) -> DateTime<Utc> {
    match urgency {
        Urgency::Urgent => from + delay,
        Urgency::Normal => add_working_time(from, delay),
    }
}

/// `from` plus `delay` of working time: only time on working days counts.
pub fn add_working_time(from: DateTime<Utc>, delay: Duration) -> DateTime<Utc> {
    let mut at = from;
    let mut left = delay;
    // A delay is at most days of hours (the policy's u32 hours): bounded by the
    // number of calendar days plus the longest run of days off, so this ends.
    loop {
        let day = at.date_naive();
        let Some(next_midnight) = day
            .succ_opt()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc())
        else {
            return at + left;
        };
        if is_working_day(day) {
            let rest_of_day = next_midnight - at;
            if left <= rest_of_day {
                return at + left;
            }
            left -= rest_of_day;
        }
        at = next_midnight;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    #[test]
    fn urgent_referrals_get_hours_and_normal_ones_working_days() {
        let p = DeadlinePolicy::default();
        // Thursday 2026-03-05 10:00.
        let thu = at(2026, 3, 5, 10);
        assert_eq!(p.deadline(Urgency::Urgent, thu), at(2026, 3, 5, 14));
        // Two working days after Thursday is Monday.
        assert_eq!(p.deadline(Urgency::Normal, thu), at(2026, 3, 9, 10));
        // Sent on a Saturday: Tuesday.
        let sat = at(2026, 3, 7, 9);
        assert_eq!(p.deadline(Urgency::Normal, sat), at(2026, 3, 10, 9));
    }

    #[test]
    fn a_normal_referral_escalates_and_expires_in_working_time_across_a_weekend() {
        let p = DeadlinePolicy::default();
        // Sent Wednesday 2026-03-04 10:00: deadline Friday 10:00.
        let deadline = p.deadline(Urgency::Normal, at(2026, 3, 4, 10));
        assert_eq!(deadline, at(2026, 3, 6, 10));
        // 24 working hours after Friday 10:00 is Monday 10:00, not Saturday.
        assert_eq!(
            p.escalates_at(Urgency::Normal, deadline),
            at(2026, 3, 9, 10)
        );
        // 48 working hours: Tuesday 10:00, not Sunday.
        assert_eq!(p.expires_at(Urgency::Normal, deadline), at(2026, 3, 10, 10));
        // An urgent referral keeps calendar hours for all three.
        let urgent = p.deadline(Urgency::Urgent, at(2026, 3, 6, 20));
        assert_eq!(urgent, at(2026, 3, 7, 0));
        assert_eq!(p.escalates_at(Urgency::Urgent, urgent), at(2026, 3, 8, 0));
        assert_eq!(p.expires_at(Urgency::Urgent, urgent), at(2026, 3, 9, 0));
    }

    #[test]
    fn public_holidays_count_as_no_working_time() {
        let p = DeadlinePolicy::default();
        // Sent Thursday 2026-04-02 15:00; Good Friday works, Easter Monday does not:
        // Friday and Tuesday are the two working days.
        let deadline = p.deadline(Urgency::Normal, at(2026, 4, 2, 15));
        assert_eq!(deadline, at(2026, 4, 7, 15));
        // Sent Wednesday 2026-04-22: Thursday, Friday; then King's Day (Monday 27th) is
        // skipped for the escalation and expiry.
        let deadline = p.deadline(Urgency::Normal, at(2026, 4, 22, 9));
        assert_eq!(deadline, at(2026, 4, 24, 9));
        assert_eq!(
            p.escalates_at(Urgency::Normal, deadline),
            at(2026, 4, 28, 9)
        );
        assert_eq!(p.expires_at(Urgency::Normal, deadline), at(2026, 4, 29, 9));
        // Christmas 2026 falls on Friday and Saturday.
        let deadline = p.deadline(Urgency::Normal, at(2026, 12, 22, 12));
        assert_eq!(deadline, at(2026, 12, 24, 12));
        assert_eq!(
            p.escalates_at(Urgency::Normal, deadline),
            at(2026, 12, 28, 12)
        );
    }

    #[test]
    fn working_time_starting_on_a_day_off_begins_on_the_next_working_day() {
        // Saturday 12:00 plus 3 hours of working time: Monday 03:00.
        assert_eq!(
            add_working_time(at(2026, 3, 7, 12), Duration::hours(3)),
            at(2026, 3, 9, 3)
        );
        // Friday 22:00 plus 2 hours ends at Friday's midnight.
        assert_eq!(
            add_working_time(at(2026, 3, 6, 22), Duration::hours(2)),
            at(2026, 3, 7, 0)
        );
        assert_eq!(
            add_working_time(at(2026, 3, 6, 22), Duration::hours(3)),
            at(2026, 3, 9, 1)
        );
    }
}
