//! The monitor event: what a use case tells the monitor, through the outbox.
//!
//! Coarse attributes and the pseudonym only (DESIGN §8): no id of a case, person, user
//! or referral, no free text, no date finer than a month, no nationality finer than the
//! group. A use case queues it in its own transaction; the monitor sink reads it back
//! into the same type and counts it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::pseudonym::UNLINKABLE_PREFIX;
use crate::{
    AgeBand, AgencyKind, ExploitationForm, Gender, NationalityGroup, Region, ReportingBasis,
};

crate::code_enum! {
    /// What happened (the outbox row's topic).
    pub enum MonitorEventKind as "monitor event kind" {
        /// A signal was logged.
        SignalLogged = "signal_logged",
        /// A case was opened.
        CaseOpened = "case_opened",
        /// A case was closed.
        CaseClosed = "case_closed",
        /// A referral was sent.
        ReferralSent = "referral_sent",
        /// The receiver accepted it.
        ReferralAccepted = "referral_accepted",
        /// The receiver declined it.
        ReferralDeclined = "referral_declined",
        /// The receiver sent it on elsewhere.
        ReferralRedirected = "referral_redirected",
        /// The sender withdrew it.
        ReferralWithdrawn = "referral_withdrawn",
        /// The receiver completed the work.
        ReferralCompleted = "referral_completed",
        /// Nobody answered in time.
        ReferralExpired = "referral_expired",
    }
}

/// One monitor event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitorEvent {
    /// What happened.
    pub kind: MonitorEventKind,
    /// The month it happened in, `YYYY-MM`.
    pub month: String,
    /// The kind of the agency that acted or sent.
    pub sender_kind: AgencyKind,
    /// Its region.
    pub sender_region: Region,
    /// The kind of the receiving agency, for referrals.
    pub receiver_kind: Option<AgencyKind>,
    /// Its region.
    pub receiver_region: Option<Region>,
    /// The exploitation forms (none: counted as `unknown`).
    pub exploitation_forms: Vec<ExploitationForm>,
    /// The person's age band at the event.
    pub age_band: AgeBand,
    /// The person's gender.
    pub gender: Gender,
    /// The person's nationality group.
    pub nationality_group: NationalityGroup,
    /// The reporting basis, for signals.
    pub reporting_basis: Option<ReportingBasis>,
    /// Whole hours from sending to the answer, for decisions.
    pub hours_to_answer: Option<i64>,
    /// The person's pseudonym, or for an unlinkable record (no name or no full date of
    /// birth) `u:` and the keyed digest of its own record; none for anonymous signals.
    pub pseudonym: Option<String>,
}

/// Why an event cannot be counted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("monitor event refused: {0}")]
pub struct InvalidEvent(pub String);

/// The month of `at` as the monitor stores it, `YYYY-MM`.
pub fn month_of(at: DateTime<Utc>) -> String {
    at.format("%Y-%m").to_string()
}

/// Whether `s` is a month as the monitor stores it: `YYYY-MM`, year 1900 to 2999.
pub fn is_month(s: &str) -> bool {
    let Some((y, m)) = s.split_once('-') else {
        return false;
    };
    y.len() == 4
        && m.len() == 2
        && y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())
        && y.parse::<u16>().is_ok_and(|y| (1900..=2999).contains(&y))
        && m.parse::<u8>().is_ok_and(|m| (1..=12).contains(&m))
}

impl MonitorEvent {
    /// The outbox row's payload.
    pub fn payload(&self) -> serde_json::Value {
        // Codes, numbers and strings only: serialising them cannot fail.
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Reads and checks an outbox payload: every code from its list, the month a real
    /// `YYYY-MM`, the pseudonym a hex digest, the time to answer not negative.
    pub fn from_payload(payload: &serde_json::Value) -> Result<MonitorEvent, InvalidEvent> {
        let e: MonitorEvent = serde_json::from_value(payload.clone())
            .map_err(|err| InvalidEvent(format!("shape: {err}")))?;
        e.check()?;
        Ok(e)
    }

    fn check(&self) -> Result<(), InvalidEvent> {
        if !is_month(&self.month) {
            return Err(InvalidEvent("month is not YYYY-MM".into()));
        }
        if let Some(p) = &self.pseudonym {
            let digest = p.strip_prefix(UNLINKABLE_PREFIX).unwrap_or(p);
            if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(InvalidEvent("pseudonym is not a SHA-256 hex digest".into()));
            }
        }
        if self.hours_to_answer.is_some_and(|h| h < 0) {
            return Err(InvalidEvent("negative time to answer".into()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: MonitorEventKind) -> MonitorEvent {
        MonitorEvent {
            kind,
            month: "2026-03".into(),
            sender_kind: AgencyKind::Municipality,
            sender_region: Region::MiddenNederland,
            receiver_kind: Some(AgencyKind::ShelterCategorical),
            receiver_region: Some(Region::National),
            exploitation_forms: vec![ExploitationForm::Labour],
            age_band: AgeBand::From18To22,
            gender: Gender::Female,
            nationality_group: NationalityGroup::EuEeaCh,
            reporting_basis: None,
            hours_to_answer: Some(5),
            pseudonym: Some("a".repeat(64)),
        }
    }

    #[test]
    fn every_kind_reads_back_as_itself() {
        for kind in MonitorEventKind::ALL {
            let e = event(*kind);
            assert_eq!(MonitorEvent::from_payload(&e.payload()), Ok(e));
        }
    }

    #[test]
    fn bad_events_are_refused() {
        let good = event(MonitorEventKind::ReferralSent).payload();
        for (field, value) in [
            ("kind", serde_json::json!("party")),
            ("month", serde_json::json!("2026-13")),
            ("month", serde_json::json!("26-01")),
            ("pseudonym", serde_json::json!("Iva")),
            ("hours_to_answer", serde_json::json!(-1)),
            ("name", serde_json::json!("Iva")),
        ] {
            let mut bad = good.clone();
            bad[field] = value;
            assert!(MonitorEvent::from_payload(&bad).is_err(), "{field}");
        }
        let mut unlinkable = good;
        unlinkable["pseudonym"] = serde_json::json!(format!("u:{}", "b".repeat(64)));
        assert!(MonitorEvent::from_payload(&unlinkable).is_ok());
    }
}
