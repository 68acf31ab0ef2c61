#![doc = include_str!("../README.md")]

pub mod actor;
pub mod age;
pub mod agency;
pub mod agency_figures;
pub mod audit;
pub mod case;
pub mod clock;
pub mod code;
pub mod deadline;
pub mod directory;
pub mod document;
pub mod draft;
pub mod emergency;
pub mod holidays;
pub mod hsds;
pub mod id;
pub mod indicators;
pub mod monitor_event;
pub mod note;
pub mod notice;
pub mod offender;
pub mod offender_event;
pub mod policy;
pub mod privilege;
pub mod pseudonym;
pub mod referral;
pub mod relink;
pub mod rights;
pub mod role;
pub mod vocabulary;

pub use actor::Actor;
pub use age::AgeBand;
pub use agency::{AgencyKind, Region};
pub use case::{
    CaseStatus, CloseReason, ConsentGiver, ConsentKind, ConsentScope, LegalBasis, Palermo,
    RecipientKind, ReferralOutcome, ReopenReason,
};
pub use clock::{Clock, ManualClock, SystemClock};
pub use code::UnknownCode;
pub use deadline::DeadlinePolicy;
pub use directory::{AgencyProfile, Capacity, Eligibility, Misfit, PersonFacts, Service};
pub use document::{MediaType, ScanState};
pub use draft::DraftForm;
pub use emergency::{EmergencyGround, EmergencyPolicy, EmergencyReview, EmergencyVerdict};
pub use id::{
    AgencyId, CaseId, ConsentId, CorrectionId, DocumentId, DraftId, EmergencyAccessId,
    InvestigationId, NoteId, PersonId, PrivilegeRequestId, ProsecutionStepId, ReferralId,
    SessionId, SignalId, SuspectId, SuspectReferralId, UserId, VictimLinkId,
};
pub use monitor_event::{InvalidEvent, MonitorEvent, MonitorEventKind};
pub use note::{NoteKind, NoteVisibility};
pub use notice::{
    DOCUMENT_QUARANTINED_TOPIC, EMERGENCY_ACCESS_TOPIC, InvalidNotice, LinkTopic, Notice,
    ReferralFacts, ReferralTopic, SECOND_FACTOR_RESET_TOPIC, SuspectTopic,
};
pub use offender::{
    BirthCountryGroup, CourtInstance, JudgmentOutcome, ProsecutionDecision, SentenceBand,
    SentenceMisfit, SuspectRole,
};
pub use offender_event::{InvalidOffenderEvent, OffenderEvent, OffenderEventKind};
pub use policy::{Action, Relationship, allows};
pub use privilege::{FourEyesPolicy, PrivilegeChange, RequestState};
pub use referral::{InvalidTransition, Party, ReferralAction, ReferralState};
pub use relink::{PersonRelink, RELINK_TOPIC};
pub use rights::{ErasureGround, RestrictionGround, RightsPolicy};
pub use role::Role;
pub use vocabulary::{
    DeclineReason, ExploitationForm, Gender, NationalityGroup, ReferralPurpose, ReportingBasis,
    Urgency,
};
