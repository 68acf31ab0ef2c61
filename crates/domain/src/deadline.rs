//! Response deadlines of referrals, derived from the urgency.
//!
//! An urgent referral must be answered within a number of hours; a normal one within a
//! number of working days (Monday to Friday; public holidays are not known here), at
//! the same time of day. At the deadline the receiving agency is reminded; a number of
//! hours later the coordinators of both agencies are told (escalation); later still the
//! referral expires. The numbers come from configuration through [`DeadlinePolicy`].

use crate::Urgency;
use chrono::{DateTime, Datelike, Duration, Utc, Weekday};

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

    /// When an unanswered referral with this deadline is escalated.
    pub fn escalates_at(&self, deadline: DateTime<Utc>) -> DateTime<Utc> {
        deadline + self.escalation_delay()
    }

    /// When an unanswered referral with this deadline expires.
    pub fn expires_at(&self, deadline: DateTime<Utc>) -> DateTime<Utc> {
        deadline + self.expiry_delay()
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
                    if !matches!(at.weekday(), Weekday::Sat | Weekday::Sun) {
                        left -= 1;
                    }
                }
                at
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn urgent_referrals_get_hours_and_normal_ones_working_days() {
        let p = DeadlinePolicy::default();
        // Thursday 2026-03-05 10:00.
        let thu = Utc.with_ymd_and_hms(2026, 3, 5, 10, 0, 0).unwrap();
        assert_eq!(
            p.deadline(Urgency::Urgent, thu),
            Utc.with_ymd_and_hms(2026, 3, 5, 14, 0, 0).unwrap()
        );
        // Two working days after Thursday is Monday.
        assert_eq!(
            p.deadline(Urgency::Normal, thu),
            Utc.with_ymd_and_hms(2026, 3, 9, 10, 0, 0).unwrap()
        );
        // Sent on a Saturday: Tuesday.
        let sat = Utc.with_ymd_and_hms(2026, 3, 7, 9, 0, 0).unwrap();
        assert_eq!(
            p.deadline(Urgency::Normal, sat),
            Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap()
        );
    }
}
