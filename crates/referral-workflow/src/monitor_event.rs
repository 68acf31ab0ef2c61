//! The monitor event a use case queues: coarse attributes and the pseudonym only
//! (DESIGN §8). No id of a case, person, user or referral, no free text, no date finer
//! than a month, no nationality finer than the group.

use chrono::{DateTime, Utc};
use schakel_domain::{
    AgeBand, AgencyKind, ExploitationForm, Gender, NationalityGroup, Region, ReportingBasis,
};
use serde::Serialize;

/// One monitor event, as it travels through the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonitorEvent {
    /// What happened: `signal_logged`, `case_opened`, `case_closed`, `referral_sent`,
    /// `referral_accepted`, `referral_declined`, `referral_redirected`,
    /// `referral_withdrawn`, `referral_completed`, `referral_expired`.
    pub kind: &'static str,
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
    /// The exploitation forms.
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
    /// The person's pseudonym; none for anonymous signals or persons without a name.
    pub pseudonym: Option<String>,
}

/// The month of `at` as the monitor stores it.
pub fn month_of(at: DateTime<Utc>) -> String {
    at.format("%Y-%m").to_string()
}
