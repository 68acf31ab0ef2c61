//! What the compartment's use cases answer: only what the actor's agency may see,
//! decrypted. The prosecution sees a referral's coarse summary before it accepts, and
//! the suspect (identity included) from then on; the victims linked to a suspect are
//! shown as case and signal ids to the investigating agency only (each opened, if at
//! all, under the victims' side's own access rules), as a count to the prosecution.

use chrono::{DateTime, NaiveDate, Utc};
use schakel_domain::{
    AgeBand, AgencyId, BirthCountryGroup, CaseId, CourtInstance, DeclineReason, ExploitationForm,
    Gender, InvestigationId, JudgmentOutcome, ProsecutionDecision, ProsecutionStepId,
    ReferralState, Region, SentenceBand, SignalId, SuspectId, SuspectReferralId, SuspectRole,
    VictimLinkId,
};
use serde::Serialize;

/// An investigation, for its own agency.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvestigationView {
    pub id: InvestigationId,
    pub agency_id: AgencyId,
    /// The agency's own reference.
    pub reference: String,
    pub region: Region,
    pub exploitation_forms: Vec<ExploitationForm>,
    pub started_on: NaiveDate,
    /// The version, for `If-Match`.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    /// Its suspects (in a list of investigations: none, see `suspect_count`).
    pub suspects: Vec<SuspectView>,
    /// How many suspects it holds.
    pub suspect_count: usize,
}

/// A suspect, for the investigating agency or the prosecution that accepted it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuspectView {
    pub id: SuspectId,
    pub investigation_id: InvestigationId,
    /// The investigation's reference.
    pub investigation_reference: String,
    /// The investigating agency.
    pub investigating_agency_id: AgencyId,
    /// Who the suspect is.
    pub identity: crate::identity::Identity,
    /// The country of birth (ISO 3166-1 alpha-2).
    pub country_of_birth: Option<String>,
    pub birth_country_group: BirthCountryGroup,
    pub gender: Gender,
    pub role: SuspectRole,
    pub registered_on: NaiveDate,
    /// The investigation's region and forms.
    pub region: Region,
    pub exploitation_forms: Vec<ExploitationForm>,
    /// The victims linked (ids for the investigating agency; empty for the
    /// prosecution, which sees `linked_victims` only).
    pub victims: Vec<VictimLinkView>,
    /// How many victims' cases and signals the suspect is linked to.
    pub linked_victims: usize,
    /// The referrals to the prosecution (the prosecution sees its own).
    pub referrals: Vec<SuspectReferralView>,
    /// The decisions and judgments, by date.
    pub steps: Vec<StepView>,
}

/// A link from a suspect to a victim's case or signal.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VictimLinkView {
    pub id: VictimLinkId,
    pub case_id: Option<CaseId>,
    pub signal_id: Option<SignalId>,
    pub created_at: DateTime<Utc>,
}

/// What the prosecution sees of a suspect before accepting: coarse facts only.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuspectSummary {
    pub role: SuspectRole,
    pub gender: Gender,
    pub age_band: AgeBand,
    pub birth_country_group: BirthCountryGroup,
    pub region: Region,
    pub exploitation_forms: Vec<ExploitationForm>,
    pub linked_victims: usize,
}

/// A suspect handed to the prosecution.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuspectReferralView {
    pub id: SuspectReferralId,
    pub suspect_id: SuspectId,
    pub from_agency_id: AgencyId,
    pub to_agency_id: AgencyId,
    pub state: ReferralState,
    /// The sender's message.
    pub message: Option<String>,
    pub decline_reason: Option<DeclineReason>,
    pub decided_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// The version, for `If-Match`.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    /// The coarse facts about the suspect.
    pub summary: SuspectSummary,
}

/// A decision or a judgment.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepView {
    pub id: ProsecutionStepId,
    pub agency_id: AgencyId,
    /// The decision (for a decision).
    pub decision: Option<ProsecutionDecision>,
    /// The court (for a judgment).
    pub instance: Option<CourtInstance>,
    /// The outcome (for a judgment).
    pub outcome: Option<JudgmentOutcome>,
    /// The sentence's bands (for a conviction).
    pub sentence: Vec<SentenceBand>,
    /// The day of the decision or judgment.
    pub dated_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}
