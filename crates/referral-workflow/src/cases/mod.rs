//! Cases: opened from a signal or directly, read by their own agency and by receiving
//! agencies with access, corrected by their own agency (with a rectification record),
//! opened by a receiving agency from a referral it accepted (its own case, linked to
//! where it came from), assigned to a responsible worker, closed with a reason and reopened with one.

use crate::access::{ACCESS_STATES, CaseAccess, case_access};
use crate::identity::Identity;
use crate::present::{consent_view, referral_views};
use crate::signals::{MAX_TEXT_CHARS, PersonInput, forms, person_view, store_person};
use crate::support::check_version;
use crate::support::{
    Env, denied, event, free_text, monitor, named_by, open_opt, permit_role, record, run, seal,
    timeline,
};
use crate::views::{CaseListItem, CaseView, Page, TimelineEntry};
use crate::{IfMatch, UseCaseError};
use schakel_audit::ActionKind;
use schakel_domain::monitor_event::month_of;
use schakel_domain::{
    Action, Actor, CaseId, CaseStatus, CloseReason, ExploitationForm, Region, Relationship,
    SignalId,
};
use schakel_domain::{MonitorEvent, MonitorEventKind};
use schakel_store::DbConn;
use schakel_store::agencies;
use schakel_store::casework::cases::{self, Case, CaseFilter, NewCase};
use schakel_store::casework::{consents, persons, referrals, signals, timeline as events};
use serde::Deserialize;

/// A case to open: from a signal of the agency (nothing typed again), or directly with
/// a person.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpenCaseInput {
    /// The signal to open it from; its person, region and forms are taken over.
    #[serde(default)]
    pub signal_id: Option<SignalId>,
    /// The person, when opened directly.
    #[serde(default)]
    pub person: Option<PersonInput>,
    /// Region (required when opened directly; overrides the signal's).
    #[serde(default)]
    pub region: Option<Region>,
    /// Exploitation forms (required when opened directly; override the signal's).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub exploitation_forms: Option<Vec<ExploitationForm>>,
    /// Case notes.
    #[serde(default)]
    pub notes: Option<String>,
}

/// Closing a case.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CloseCaseInput {
    /// Why.
    pub reason: CloseReason,
    /// A note; required when the reason is `other`.
    #[serde(default)]
    pub note: Option<String>,
}

/// Filters of the case list.
#[derive(Debug, Clone, Default)]
pub struct CaseListFilter {
    /// Only cases in this status.
    pub status: Option<CaseStatus>,
    /// Only cases in this region.
    pub region: Option<Region>,
    /// Only cases with this exploitation form.
    pub form: Option<ExploitationForm>,
    /// Only the agency's own cases of persons with exactly this family name (compared
    /// folded: case, diacritics, hyphens and spaces do not matter), through the blind
    /// index.
    pub family_name: Option<String>,
    /// Only the agency's own cases of persons born on this day, through the blind index.
    pub date_of_birth: Option<chrono::NaiveDate>,
    /// Only the agency's own case with this reference (`YYYY-NNNNNN`).
    pub reference: Option<String>,
    /// Only the agency's own cases with this responsible worker.
    pub assigned_to: Option<Assignee>,
}

/// Whose cases a list shows, by responsible worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    /// The actor's own (`me`).
    Me,
    /// Those nobody is responsible for (`none`).
    Nobody,
    /// This worker's.
    User(schakel_domain::UserId),
}

impl std::str::FromStr for Assignee {
    type Err = UseCaseError;
    fn from_str(s: &str) -> Result<Self, UseCaseError> {
        match s {
            "me" => Ok(Assignee::Me),
            "none" => Ok(Assignee::Nobody),
            id => id
                .parse()
                .map(Assignee::User)
                .map_err(|_| UseCaseError::Invalid("assigned_to")),
        }
    }
}

mod assign;
mod chain;
mod close;
mod correct;
mod onward;
mod open;
mod person;
mod read;
mod reopen;

pub(crate) use crate::access::visible_case;
pub(crate) use crate::subjects::age_band_on;
pub(crate) use assign::caseload_of;
pub(crate) use assign::check_worker;
pub use assign::{AssignCaseInput, assign_case, assignable_workers, caseload};
pub use chain::case_chain;
pub use close::close_case;
pub use correct::{CorrectCaseInput, case_history, correct_case};
pub use onward::open_case_from_referral;
pub use open::open_case;
pub(crate) use open::open_case_in;
pub use person::{PersonRecord, identified_persons, read_consent, read_person};
pub use read::{SimilarTo, case_timeline, get_case, list_cases, similar_cases};
pub(crate) use read::{case_view, record_read};
pub use reopen::{ReopenCaseInput, reopen_case};
