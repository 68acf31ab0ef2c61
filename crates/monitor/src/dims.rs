//! What a table may be grouped by and what it may count.

use crate::period::{Grain, Month};
use schakel_domain::{
    AgeBand, AgencyKind, ExploitationForm, Gender, NationalityGroup, Region, ReportingBasis,
};
use serde::{Deserialize, Serialize};

/// A dimension of a counts table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Month, quarter or year of the event (the table's grain).
    Period,
    /// Exploitation form; an event with several forms counts under each.
    ExploitationForm,
    /// The kind of the agency that acted (or sent, for referrals).
    AgencyKind,
    /// The region a signal or case concerns; for referrals, the sending agency's.
    Region,
    /// The person's age band at the event.
    AgeBand,
    /// The person's gender.
    Gender,
    /// The person's nationality group.
    NationalityGroup,
    /// The reporting basis of a signal (`not_applicable` for other events).
    ReportingBasis,
}

/// The category of events without a reporting basis (everything but signals).
pub const NOT_APPLICABLE: &str = "not_applicable";

impl Dimension {
    /// Every dimension.
    pub const ALL: &'static [Dimension] = &[
        Dimension::Period,
        Dimension::ExploitationForm,
        Dimension::AgencyKind,
        Dimension::Region,
        Dimension::AgeBand,
        Dimension::Gender,
        Dimension::NationalityGroup,
        Dimension::ReportingBasis,
    ];

    /// Its code.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Period => "period",
            Dimension::ExploitationForm => "exploitation_form",
            Dimension::AgencyKind => "agency_kind",
            Dimension::Region => "region",
            Dimension::AgeBand => "age_band",
            Dimension::Gender => "gender",
            Dimension::NationalityGroup => "nationality_group",
            Dimension::ReportingBasis => "reporting_basis",
        }
    }

    /// Reads a code.
    pub fn parse(s: &str) -> Option<Dimension> {
        Dimension::ALL.iter().copied().find(|d| d.as_str() == s)
    }

    /// The SQL expression of its category (fixed text: never built from input).
    pub(crate) fn sql(self, grain: Grain) -> &'static str {
        match self {
            Dimension::Period => grain.column(),
            Dimension::ExploitationForm => "form",
            Dimension::AgencyKind => "sender_kind",
            Dimension::Region => "sender_region",
            Dimension::AgeBand => "age_band",
            Dimension::Gender => "gender",
            Dimension::NationalityGroup => "nationality_group",
            Dimension::ReportingBasis => "COALESCE(reporting_basis, 'not_applicable')",
        }
    }

    /// Every category, in a fixed order: the whole code list (so which categories
    /// appear never depends on the data), or the periods of the range.
    pub fn categories(self, range: &PeriodRange) -> Vec<String> {
        fn codes<T: Copy>(all: &[T], f: impl Fn(T) -> &'static str) -> Vec<String> {
            all.iter().map(|v| f(*v).to_owned()).collect()
        }
        match self {
            Dimension::Period => range.periods(),
            Dimension::ExploitationForm => codes(ExploitationForm::ALL, ExploitationForm::as_str),
            Dimension::AgencyKind => codes(AgencyKind::ALL, AgencyKind::as_str),
            Dimension::Region => codes(Region::ALL, Region::as_str),
            Dimension::AgeBand => codes(AgeBand::ALL, AgeBand::as_str),
            Dimension::Gender => codes(Gender::ALL, Gender::as_str),
            Dimension::NationalityGroup => codes(NationalityGroup::ALL, NationalityGroup::as_str),
            Dimension::ReportingBasis => {
                let mut c = codes(ReportingBasis::ALL, ReportingBasis::as_str);
                c.push(NOT_APPLICABLE.to_owned());
                c
            }
        }
    }
}

/// What a counts table counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Distinct persons (by pseudonym, or once per unlinkable record) with at least one
    /// event.
    Persons,
    /// Signals logged.
    Signals,
    /// Referrals sent.
    ReferralsSent,
    /// Referrals accepted.
    ReferralsAccepted,
    /// Referrals declined.
    ReferralsDeclined,
    /// Referrals redirected to another agency.
    ReferralsRedirected,
    /// Referrals withdrawn by the sender.
    ReferralsWithdrawn,
    /// Referrals completed.
    ReferralsCompleted,
    /// Referrals that expired unanswered.
    ReferralsExpired,
}

impl Measure {
    /// Every measure.
    pub const ALL: &'static [Measure] = &[
        Measure::Persons,
        Measure::Signals,
        Measure::ReferralsSent,
        Measure::ReferralsAccepted,
        Measure::ReferralsDeclined,
        Measure::ReferralsRedirected,
        Measure::ReferralsWithdrawn,
        Measure::ReferralsCompleted,
        Measure::ReferralsExpired,
    ];

    /// Its code.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Persons => "persons",
            Measure::Signals => "signals",
            Measure::ReferralsSent => "referrals_sent",
            Measure::ReferralsAccepted => "referrals_accepted",
            Measure::ReferralsDeclined => "referrals_declined",
            Measure::ReferralsRedirected => "referrals_redirected",
            Measure::ReferralsWithdrawn => "referrals_withdrawn",
            Measure::ReferralsCompleted => "referrals_completed",
            Measure::ReferralsExpired => "referrals_expired",
        }
    }

    /// Reads a code.
    pub fn parse(s: &str) -> Option<Measure> {
        Measure::ALL.iter().copied().find(|m| m.as_str() == s)
    }

    /// The event kind it counts; `None` for persons (any event).
    pub(crate) fn event_kind(self) -> Option<&'static str> {
        Some(match self {
            Measure::Persons => return None,
            Measure::Signals => "signal_logged",
            Measure::ReferralsSent => "referral_sent",
            Measure::ReferralsAccepted => "referral_accepted",
            Measure::ReferralsDeclined => "referral_declined",
            Measure::ReferralsRedirected => "referral_redirected",
            Measure::ReferralsWithdrawn => "referral_withdrawn",
            Measure::ReferralsCompleted => "referral_completed",
            Measure::ReferralsExpired => "referral_expired",
        })
    }

    /// What one unit of it is, in words.
    pub fn unit(self) -> &'static str {
        match self {
            Measure::Persons => {
                "distinct persons (by pseudonym; a person recorded without a name or without a full date of birth once per record) with at least one event in the cell; anonymous signals are not counted"
            }
            Measure::Signals => "signals logged, anonymous ones included",
            _ => "referral events of this state",
        }
    }
}

/// An inclusive range of months and the grain its periods are shown at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodRange {
    /// The first month.
    pub from: Month,
    /// The last month.
    pub to: Month,
    /// Months, quarters or years.
    pub grain: Grain,
}

/// The longest range a table covers, in months.
pub const MAX_MONTHS: u32 = 240;

impl PeriodRange {
    /// A range, if `from` ≤ `to` and it spans at most [`MAX_MONTHS`].
    pub fn new(from: Month, to: Month, grain: Grain) -> Option<PeriodRange> {
        let span = months_between(from, to)?;
        (span < MAX_MONTHS).then_some(PeriodRange { from, to, grain })
    }

    /// The periods of the range at its grain, in order.
    pub fn periods(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut m = self.from;
        loop {
            let p = match self.grain {
                Grain::Month => m.to_string(),
                Grain::Quarter => m.quarter(),
                Grain::Year => m.year(),
            };
            if out.last() != Some(&p) {
                out.push(p);
            }
            if m >= self.to {
                return out;
            }
            m = if m.month == 12 {
                Month {
                    year: m.year + 1,
                    month: 1,
                }
            } else {
                Month {
                    year: m.year,
                    month: m.month + 1,
                }
            };
        }
    }
}

fn months_between(from: Month, to: Month) -> Option<u32> {
    let a = u32::from(from.year) * 12 + u32::from(from.month);
    let b = u32::from(to.year) * 12 + u32::from(to.month);
    b.checked_sub(a)
}
