//! What an access request hands the person: everything the owning agency stores about
//! them (identity, cases, signals, consents, referrals with the receiving agencies, the
//! agency's own notes and documents, corrections, the timeline) and the log of who
//! accessed it. Staff are named by agency and role only, never by name; other agencies'
//! notes and documents, and other persons, are never part of it.

use super::{AgencyRef, ConsentView, PersonView};
use chrono::{DateTime, NaiveDate, Utc};
use schakel_domain::{
    CaseStatus, CloseReason, DeclineReason, ExploitationForm, MediaType, NoteKind, NoteVisibility,
    ReferralOutcome, ReferralPurpose, ReferralState, Region, ReportingBasis, RestrictionGround,
    Role, ScanState, Urgency,
};
use serde::Serialize;

/// Everything the owning agency stores about one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonRecord {
    /// When the export was made.
    pub produced_at: DateTime<Utc>,
    /// The agency that holds the record and answers the request.
    pub agency: AgencyRef,
    /// The person (the identity as stored; absent once erased).
    pub person: PersonView,
    /// The person's cases at the agency.
    pub cases: Vec<CaseRecord>,
    /// The signals logged about the person at the agency.
    pub signals: Vec<SignalRecord>,
    /// Who accessed the person's data at the agency, oldest first.
    pub accesses: Vec<AccessRecord>,
}

/// One case, whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseRecord {
    /// The agency's reference.
    pub reference: String,
    /// Open or closed.
    pub status: CaseStatus,
    /// Region.
    pub region: Region,
    /// Exploitation forms.
    pub exploitation_forms: Vec<ExploitationForm>,
    /// The case notes (free text of the case itself).
    pub notes: Option<String>,
    /// Whether a legal basis stands in for consent.
    pub legal_basis_used: bool,
    /// When it was opened.
    pub opened_at: DateTime<Utc>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Why it was closed.
    pub close_reason: Option<CloseReason>,
    /// The closing note.
    pub close_note: Option<String>,
    /// The restriction the person asked for, while it holds.
    pub restriction: Option<RestrictionView>,
    /// Consent and legal-basis records.
    pub consents: Vec<ConsentView>,
    /// Where the person was referred.
    pub referrals: Vec<ReferralRecord>,
    /// The agency's own notes on the case.
    pub notes_written: Vec<NoteRecord>,
    /// The agency's own documents on the case (the files are handed over separately).
    pub documents: Vec<DocumentRecord>,
    /// Corrections, with the values they replaced.
    pub corrections: Vec<CorrectionRecord>,
    /// What happened, oldest first.
    pub timeline: Vec<TimelineRecord>,
}

/// A restriction of the case's processing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RestrictionView {
    /// Since when.
    pub since: DateTime<Utc>,
    /// On which ground.
    pub ground: RestrictionGround,
}

impl From<&schakel_store::casework::cases::Restriction> for RestrictionView {
    fn from(r: &schakel_store::casework::cases::Restriction) -> Self {
        RestrictionView {
            since: r.at,
            ground: r.ground,
        }
    }
}

/// A referral of the case, as the person may know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralRecord {
    /// The receiving agency.
    pub to_agency: AgencyRef,
    /// Why.
    pub purpose: ReferralPurpose,
    /// How urgent.
    pub urgency: Urgency,
    /// Where it stands.
    pub state: ReferralState,
    /// The message that went with it.
    pub message: Option<String>,
    /// When it was sent.
    pub sent_at: DateTime<Utc>,
    /// When the receiver answered.
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was declined.
    pub decline_reason: Option<DeclineReason>,
    /// How it ended.
    pub outcome: Option<ReferralOutcome>,
    /// When it ended.
    pub ended_at: Option<DateTime<Utc>>,
}

/// A note the agency wrote on the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoteRecord {
    /// What it records.
    pub kind: NoteKind,
    /// The day it happened.
    pub occurred_on: NaiveDate,
    /// Who at the agency may read it.
    pub visibility: NoteVisibility,
    /// The text (none once erased).
    pub text: Option<String>,
    /// When it was written.
    pub written_at: DateTime<Utc>,
}

/// A document the agency keeps on the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentRecord {
    /// Its title (none once removed).
    pub title: Option<String>,
    /// What kind of file.
    pub media_type: MediaType,
    /// Its size in bytes.
    pub size_bytes: i64,
    /// When it was added.
    pub added_at: DateTime<Utc>,
    /// Where the malware scan stands.
    pub scan_state: ScanState,
    /// Whether it is shared with receiving agencies that see the identity.
    pub shared: bool,
    /// When it was taken off the case.
    pub removed_at: Option<DateTime<Utc>>,
}

/// A correction of the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorrectionRecord {
    /// When.
    pub corrected_at: DateTime<Utc>,
    /// The fields it changed.
    pub fields: Vec<String>,
    /// The values those fields had before, by field.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub earlier: Option<serde_json::Value>,
}

/// One entry of the case's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineRecord {
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// What (`case_opened`, `referral_sent`, `case_closed`, ...).
    pub kind: String,
    /// The agency that acted.
    pub agency: String,
}

/// A signal about the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignalRecord {
    /// When the situation was observed.
    pub observed_on: NaiveDate,
    /// Where.
    pub region: Region,
    /// The exploitation forms suspected.
    pub exploitation_forms: Vec<ExploitationForm>,
    /// The indicator codes seen.
    pub indicators: Vec<String>,
    /// On which basis it was reported.
    pub reporting_basis: ReportingBasis,
    /// The free-text summary (none if none or erased).
    pub summary: Option<String>,
    /// When it was logged.
    pub logged_at: DateTime<Utc>,
}

/// One access to the person's data: by agency and role, never by a staff member's
/// name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessRecord {
    /// When.
    pub at: DateTime<Utc>,
    /// The agency of the person who acted (none for the platform's own jobs).
    pub agency: Option<String>,
    /// Their role.
    pub role: Option<Role>,
    /// What they did (the audit action code: `case.read`, `case.search`, ...).
    pub action: String,
    /// Why, when recorded (a referral, an emergency access, retention).
    pub purpose: Option<String>,
}
