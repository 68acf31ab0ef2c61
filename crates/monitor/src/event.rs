//! A monitor event as it arrives from the outbox, checked before it is counted: every
//! code from its list, the month a real `YYYY-MM`, the pseudonym a hex digest.

use schakel_domain::pseudonym::UNLINKABLE_PREFIX;
use schakel_domain::{
    AgeBand, AgencyKind, ExploitationForm, Gender, NationalityGroup, Region, ReportingBasis,
};
use serde::Deserialize;

/// The event kinds the monitor counts.
pub const KINDS: &[&str] = &[
    "signal_logged",
    "case_opened",
    "case_closed",
    "referral_sent",
    "referral_accepted",
    "referral_declined",
    "referral_redirected",
    "referral_withdrawn",
    "referral_completed",
    "referral_expired",
];

/// One event (the payload of a `monitor` outbox row).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// What happened; one of [`KINDS`].
    pub kind: String,
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

impl Event {
    /// Reads and checks an outbox payload.
    pub fn from_payload(payload: &serde_json::Value) -> Result<Event, InvalidEvent> {
        let e: Event = serde_json::from_value(payload.clone())
            .map_err(|err| InvalidEvent(format!("shape: {err}")))?;
        e.check()?;
        Ok(e)
    }

    fn check(&self) -> Result<(), InvalidEvent> {
        if !KINDS.contains(&self.kind.as_str()) {
            return Err(InvalidEvent(format!("unknown kind {}", self.kind)));
        }
        if crate::period::Month::parse(&self.month).is_none() {
            return Err(InvalidEvent("month is not YYYY-MM".into()));
        }
        if let Some(p) = &self.pseudonym {
            // A pseudonym, or the key of an unlinkable record: the prefix and a digest.
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
