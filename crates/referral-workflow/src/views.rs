//! What the use cases return: views holding only what the actor may see, decrypted.
//! The API serialises them as they are.

use crate::identity::Identity;
use chrono::{DateTime, NaiveDate, Utc};
use schakel_domain::{
    AgeBand, AgencyId, AgencyKind, CaseId, CaseStatus, CloseReason, ConsentGiver, ConsentId,
    ConsentKind, CorrectionId, DeclineReason, ExploitationForm, Gender, LegalBasis,
    NationalityGroup, NoteId, NoteKind, NoteVisibility, Palermo, PersonId, RecipientKind,
    ReferralAction, ReferralId, ReferralOutcome, ReferralPurpose, ReferralState, Region,
    ReportingBasis, SignalId, Urgency, UserId,
};
use serde::Serialize;

/// A person as the actor may see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonView {
    /// Person id.
    pub id: PersonId,
    /// The identity; absent when the actor may not see it or retention erased it.
    pub identity: Option<Identity>,
    /// Whether the identity was withheld from this actor (no consent covers them).
    pub identity_withheld: bool,
    /// Whether retention erased the identity.
    pub erased: bool,
    /// Gender.
    pub gender: Gender,
    /// Age band today.
    pub age_band: AgeBand,
    /// Nationality group.
    pub nationality_group: NationalityGroup,
}

/// A signal as its agency sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignalView {
    /// Signal id.
    pub id: SignalId,
    /// The agency that logged it.
    pub agency_id: AgencyId,
    /// Who logged it.
    pub recorded_by: UserId,
    /// When the situation was observed.
    pub observed_on: NaiveDate,
    /// Where.
    pub region: Region,
    /// The exploitation forms suspected.
    pub exploitation_forms: Vec<ExploitationForm>,
    /// Indicator codes seen.
    pub indicators: Vec<String>,
    /// The version of the indicator list the codes come from.
    pub indicator_list_version: String,
    /// The Palermo elements observed.
    pub palermo: Palermo,
    /// `act ∧ purpose ∧ (means ∨ minor)`: a description of the evidence, not a decision.
    pub palermo_elements_met: bool,
    /// The basis on which it was reported.
    pub reporting_basis: ReportingBasis,
    /// The free-text summary (absent if none or erased).
    pub summary: Option<String>,
    /// The age band at the time of the signal.
    pub age_band: AgeBand,
    /// Whether it is anonymous (no person).
    pub anonymous: bool,
    /// The person, if any.
    pub person: Option<PersonView>,
    /// The case opened from it, if any.
    pub case_id: Option<CaseId>,
    /// When it was logged.
    pub created_at: DateTime<Utc>,
}

/// A worker of an agency as colleagues see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkerRef {
    /// User id.
    pub id: UserId,
    /// Their name.
    pub name: String,
}

/// An agency as named in a referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyRef {
    /// Agency id.
    pub id: AgencyId,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: AgencyKind,
    /// Its region.
    pub region: Region,
}

/// The coarse facts travelling with a referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralSummary {
    /// Exploitation forms.
    pub exploitation_forms: Vec<ExploitationForm>,
    /// Age band when sent.
    pub age_band: AgeBand,
    /// Gender.
    pub gender: Gender,
    /// Nationality group.
    pub nationality_group: NationalityGroup,
    /// Region of the case.
    pub region: Region,
}

/// A referral as the actor may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralView {
    /// Referral id.
    pub id: ReferralId,
    /// The case; absent for a receiver that has no access to it (before accepting,
    /// after the referral ended).
    pub case_id: Option<CaseId>,
    /// The sending agency.
    pub from_agency: AgencyRef,
    /// The receiving agency.
    pub to_agency: AgencyRef,
    /// Why.
    pub purpose: ReferralPurpose,
    /// How urgent.
    pub urgency: Urgency,
    /// The sender's message; shown to the receiver while the referral is open.
    pub message: Option<String>,
    /// Where it stands.
    pub state: ReferralState,
    /// When the receiver must have answered.
    pub deadline_at: DateTime<Utc>,
    /// Whether it still awaits an answer after its deadline.
    pub overdue: bool,
    /// The coarse facts about the person.
    pub summary: ReferralSummary,
    /// When the receiver accepted, declined or redirected it.
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was declined.
    pub decline_reason: Option<DeclineReason>,
    /// The decline, redirect, withdrawal or completion note.
    pub note: Option<String>,
    /// How it ended, once completed.
    pub outcome: Option<ReferralOutcome>,
    /// The referral this one continues, when it was redirected here.
    pub redirected_from: Option<ReferralId>,
    /// The referral this one was redirected to.
    pub redirected_to: Option<ReferralId>,
    /// For the receiving agency, on reading this one referral: the case it opened from
    /// it, if it did (lists leave it out).
    pub own_case_id: Option<CaseId>,
    /// The receiving agency's worker responsible for it (for the receiving agency only).
    pub assigned_to: Option<WorkerRef>,
    /// For the sender: whether a consent or legal basis now lets the receiver see the
    /// identity once accepted.
    pub identity_shared: Option<bool>,
    /// What this actor may do with it now.
    pub actions: Vec<ReferralAction>,
    /// Version, also sent as the `ETag`; give it back in `If-Match` to act on it.
    pub version: i64,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// A consent or legal-basis record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentView {
    /// Record id.
    pub id: ConsentId,
    /// Consent or legal basis.
    pub kind: ConsentKind,
    /// The recipient kinds covered.
    pub recipient_kinds: Vec<RecipientKind>,
    /// The purposes covered.
    pub purposes: Vec<ReferralPurpose>,
    /// Who gave the consent.
    pub given_by: Option<ConsentGiver>,
    /// The legal basis standing in for consent.
    pub legal_basis: Option<LegalBasis>,
    /// The written reason for a legal basis.
    pub reason: Option<String>,
    /// When it was given.
    pub given_on: NaiveDate,
    /// When it ends by itself.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was withdrawn.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Whether it holds now.
    pub active: bool,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// How the actor's agency sees a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccessKind {
    /// Its own case.
    Owner,
    /// Received through an accepted referral.
    Receiver,
    /// Read through the actor's own emergency access, until it ends.
    Emergency,
}

impl AccessKind {
    /// The policy relationship of this access.
    pub fn relationship(self) -> schakel_domain::Relationship {
        use schakel_domain::Relationship;
        match self {
            AccessKind::Owner => Relationship::OwnAgency,
            AccessKind::Receiver => Relationship::ReceivingAgency,
            AccessKind::Emergency => Relationship::Emergency,
        }
    }
}

/// A case as the actor may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    /// Case id.
    pub id: CaseId,
    /// The owning agency's reference, `YYYY-NNNNNN` (unique within that agency).
    pub reference: String,
    /// The owning agency's worker responsible for it (for the owning agency only).
    pub assigned_to: Option<WorkerRef>,
    /// Where the case came from, when the agency opened it from a referral it received.
    pub origin: Option<OriginView>,
    /// The owning agency.
    pub agency_id: AgencyId,
    /// How the actor's agency sees it.
    pub access: AccessKind,
    /// The emergency access the actor reads it through, if so: shown on every page.
    pub emergency: Option<EmergencyMark>,
    /// Open or closed.
    pub status: CaseStatus,
    /// Region.
    pub region: Region,
    /// Exploitation forms.
    pub exploitation_forms: Vec<ExploitationForm>,
    /// Case notes (the owner only).
    pub notes: Option<String>,
    /// The signal it was opened from.
    pub signal_id: Option<SignalId>,
    /// The person.
    pub person: PersonView,
    /// Whether a legal basis stands in for consent on this case.
    pub legal_basis_used: bool,
    /// Consent and legal-basis records (the owner only).
    pub consents: Vec<ConsentView>,
    /// Referrals: all for the owner, the receiver's own otherwise.
    pub referrals: Vec<ReferralView>,
    /// Why it was closed.
    pub close_reason: Option<CloseReason>,
    /// The closing note (the owner only).
    pub close_note: Option<String>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// The restriction the person asked for, while it holds (the owner only): the case
    /// is frozen and hidden from receiving agencies.
    pub restriction: Option<RestrictionView>,
    /// Version, also sent as the `ETag`; give it back in `If-Match` to change the case.
    pub version: i64,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// A case in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseListItem {
    /// Case id.
    pub id: CaseId,
    /// The owning agency's reference, `YYYY-NNNNNN`.
    pub reference: String,
    /// The worker responsible for it (own cases only).
    pub assigned_to: Option<WorkerRef>,
    /// How the actor's agency sees it.
    pub access: AccessKind,
    /// Open or closed.
    pub status: CaseStatus,
    /// Region.
    pub region: Region,
    /// Exploitation forms.
    pub exploitation_forms: Vec<ExploitationForm>,
    /// The person's name as far as the actor may see it.
    pub display_name: Option<String>,
    /// Gender.
    pub gender: Gender,
    /// Age band today.
    pub age_band: AgeBand,
    /// Version.
    pub version: i64,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// One entry of a case's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// What: `signal_logged`, `case_opened`, `consent_recorded`, `legal_basis_recorded`,
    /// `consent_withdrawn`, `referral_sent`, `referral_accepted`, ..., `case_closed`,
    /// `identity_erased`.
    pub kind: String,
    /// The agency that acted.
    pub agency_id: AgencyId,
    /// The user who acted (none for the platform's own jobs).
    pub user_id: Option<UserId>,
    /// The referral concerned.
    pub referral_id: Option<ReferralId>,
    /// Codes describing it (never personal data).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: serde_json::Value,
}

/// A page of results and the cursor of the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Give this back as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

/// A note on a case, as a reader may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoteView {
    /// The note.
    pub id: NoteId,
    /// The case it is on.
    pub case_id: CaseId,
    /// What it records.
    pub kind: NoteKind,
    /// The day it happened.
    pub occurred_on: NaiveDate,
    /// Who may read it.
    pub visibility: NoteVisibility,
    /// The text (none once erased by retention).
    pub text: Option<String>,
    /// The author's agency.
    pub agency: AgencyRef,
    /// The author.
    pub author_id: UserId,
    /// The author's name as colleagues see it.
    pub author_name: String,
    /// Until when its author may still change it (none for anyone else, or once fixed).
    pub editable_until: Option<DateTime<Utc>>,
    /// The version a change is made from (`If-Match`).
    pub version: i64,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// One correction of a case, as the owning agency sees it in the rectification record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorrectionView {
    /// The correction.
    pub id: CorrectionId,
    /// When it was made.
    pub corrected_at: DateTime<Utc>,
    /// Who made it.
    pub corrected_by: UserId,
    /// Their name as colleagues see it.
    pub corrected_by_name: String,
    /// The fields it changed (`identity.date_of_birth`, `gender`, `region`,
    /// `exploitation_forms`, `notes`, ...).
    pub fields: Vec<String>,
    /// The values those fields had before, by field (none once retention erased them).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub earlier: Option<serde_json::Value>,
}

/// The open cases of an agency per responsible worker, for its coordinators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Caseload {
    /// Every active caseworker and coordinator of the agency, with their open cases
    /// (none too), by name.
    pub workers: Vec<WorkerLoad>,
    /// Open cases nobody is responsible for.
    pub unassigned: i64,
    /// Open cases of workers no longer active (to reassign).
    pub with_inactive: i64,
}

/// One worker's open cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkerLoad {
    /// The worker.
    pub worker: WorkerRef,
    /// Their role.
    pub role: schakel_domain::Role,
    /// The open cases they are responsible for.
    pub open_cases: i64,
}

mod chain;
mod emergency;
mod record;
pub use chain::{CaseChain, ChainHop, ChainParty, OriginView};
pub use emergency::{
    EmergencyAccessView, EmergencyByAgency, EmergencyByUser, EmergencyMark, EmergencySummary,
    EmergencyTally,
};
pub use record::{
    AccessRecord, CaseRecord, CorrectionRecord, DocumentRecord, NoteRecord, PersonRecord,
    ReferralRecord, RestrictionView, SignalRecord, TimelineRecord,
};
