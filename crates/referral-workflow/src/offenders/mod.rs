//! The law-enforcement compartment: investigations and their suspects, the links from
//! a suspect to victims' cases and signals, suspects handed to the prosecution (the
//! referral state machine of the victims' side), and the prosecution's decisions and
//! the courts' judgments — each use case one transaction writing state, one audit
//! entry and the offender event for the monitor together.
//!
//! Only agencies of a law-enforcement kind take part, whatever the policy table allows
//! a role: anyone else is refused every record as if it did not exist (404), and every
//! list (403). The investigating agency keeps its investigations; the prosecution reads
//! a suspect once it accepted the suspect's referral, and records its decisions and the
//! judgments while that referral is accepted or in progress. Suspects' identity and
//! the investigations' free text are encrypted under the compartment's own keys, and
//! suspects are pseudonymised under its own linkage key.

mod access;
mod events;
mod identity;
mod investigations;
mod prosecution;
mod referrals;
mod suspects;
mod views;

pub use identity::SuspectIdentity;
pub use investigations::{list_investigations, open_investigation, read_investigation};
pub use prosecution::{record_decision, record_judgment};
pub use referrals::{
    SuspectReferralAction, act_on_suspect_referral, list_suspect_referrals, refer_suspect,
};
pub use suspects::{add_suspect, link_victim, read_suspect, unlink_victim};
pub use views::{
    InvestigationView, StepView, SuspectReferralView, SuspectSummary, SuspectView, VictimLinkView,
};

use chrono::NaiveDate;
use schakel_domain::{
    AgencyId, CaseId, CourtInstance, DeclineReason, ExploitationForm, Gender, JudgmentOutcome,
    ProsecutionDecision, Region, SentenceBand, SignalId, SuspectRole,
};
use serde::Deserialize;

/// The longest reference of an investigation, in characters.
pub const MAX_REFERENCE_CHARS: usize = 100;

/// An investigation to open.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpenInvestigationInput {
    /// The agency's own reference (its case number); encrypted at rest.
    pub reference: String,
    /// The region the investigation runs in.
    pub region: Region,
    /// The exploitation forms investigated.
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub exploitation_forms: Vec<ExploitationForm>,
    /// The day the investigation started (not later than today).
    pub started_on: NaiveDate,
}

/// A suspect to register in an investigation.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddSuspectInput {
    /// Who the suspect is; every field may be unknown.
    #[serde(default)]
    pub identity: crate::identity::Identity,
    /// The suspect's country of birth, as an ISO 3166-1 alpha-2 code.
    #[serde(default)]
    pub country_of_birth: Option<String>,
    /// The suspect's gender.
    pub gender: Gender,
    /// The suspect's role in the network.
    pub role: SuspectRole,
    /// The day the suspect was registered (not before the investigation started, not
    /// later than today); today when absent.
    #[serde(default)]
    pub registered_on: Option<NaiveDate>,
}

/// A victim to link a suspect to: a case the agency may see, or a signal of its own.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LinkVictimInput {
    /// A case the agency owns or sees through a referral it accepted.
    #[serde(default)]
    pub case_id: Option<CaseId>,
    /// A signal of the agency's own, about a person.
    #[serde(default)]
    pub signal_id: Option<SignalId>,
}

/// Handing a suspect to the prosecution.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReferSuspectInput {
    /// The prosecution agency (an active agency of the kind `prosecution`).
    pub to_agency_id: AgencyId,
    /// A message for the prosecution; encrypted at rest.
    #[serde(default)]
    pub message: Option<String>,
}

/// The answer to a suspect referral.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SuspectReferralAnswer {
    /// Why it is declined (for `decline`).
    #[serde(default)]
    pub decline_reason: Option<DeclineReason>,
}

/// The prosecution's decision on a suspect.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// The decision.
    pub decision: ProsecutionDecision,
    /// The day it was taken (not before the suspect's registration, not later than
    /// today).
    pub decided_on: NaiveDate,
}

/// A court's judgment on a suspect.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct JudgmentInput {
    /// The court: first instance, or an appeal of an earlier judgment.
    pub instance: CourtInstance,
    /// The outcome.
    pub outcome: JudgmentOutcome,
    /// The sentence's bands: at least one for a conviction, none otherwise; at most
    /// one band of unconditional prison.
    #[serde(default)]
    pub sentence: Vec<SentenceBand>,
    /// The day of the judgment (not before the summons, nor before the judgment it
    /// appeals; not later than today).
    pub judged_on: NaiveDate,
}
