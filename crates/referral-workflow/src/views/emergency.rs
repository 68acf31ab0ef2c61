//! Emergency accesses as their holder, the owning agency's case page and the auditors
//! see them.

use super::{AgencyRef, WorkerRef};
use chrono::{DateTime, Utc};
use schakel_domain::{CaseId, EmergencyAccessId, EmergencyGround, EmergencyReview};
use serde::Serialize;

/// The mark of a case read through an emergency access: shown on every page it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmergencyMark {
    /// The emergency access.
    pub id: EmergencyAccessId,
    /// The ground stated.
    pub ground: EmergencyGround,
    /// Whether the ground lets the identity be shown.
    pub identity_shown: bool,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ends: the case is not shown after.
    pub expires_at: DateTime<Utc>,
}

/// One emergency access, in full: for the worker who broke the glass and the auditors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmergencyAccessView {
    /// Its id.
    pub id: EmergencyAccessId,
    /// The case read.
    pub case_id: CaseId,
    /// The owning agency's reference of it.
    pub case_reference: String,
    /// The agency that owns the case.
    pub owner_agency: AgencyRef,
    /// Who broke the glass.
    pub user: WorkerRef,
    /// Their agency.
    pub agency: AgencyRef,
    /// The ground stated.
    pub ground: EmergencyGround,
    /// The reason stated (erased with the case's free text by retention).
    pub reason: Option<String>,
    /// Whether the ground let the identity be shown.
    pub identity_shown: bool,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ends or ended.
    pub expires_at: DateTime<Utc>,
    /// Whether it has not ended yet.
    pub active: bool,
    /// Where it stands in the review.
    pub review: EmergencyReview,
    /// The auditor who reviewed it.
    pub reviewed_by: Option<WorkerRef>,
    /// When.
    pub reviewed_at: Option<DateTime<Utc>>,
    /// The auditor's note.
    pub review_note: Option<String>,
}

/// How many emergency accesses stand where in the review.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmergencyTally {
    /// All of them.
    pub total: u32,
    /// Not reviewed yet.
    pub pending: u32,
    /// Found justified.
    pub justified: u32,
    /// Escalated.
    pub escalated: u32,
}

impl EmergencyTally {
    /// Counts one more in `review`.
    pub fn add(&mut self, review: EmergencyReview) {
        self.total += 1;
        match review {
            EmergencyReview::Pending => self.pending += 1,
            EmergencyReview::Justified => self.justified += 1,
            EmergencyReview::Escalated => self.escalated += 1,
        }
    }
}

/// The emergency accesses of one agency's workers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmergencyByAgency {
    /// The agency.
    pub agency: AgencyRef,
    /// Its counts.
    pub tally: EmergencyTally,
}

/// The emergency accesses of one worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmergencyByUser {
    /// The worker.
    pub user: WorkerRef,
    /// Their agency.
    pub agency: AgencyRef,
    /// Their counts.
    pub tally: EmergencyTally,
}

/// Emergency accesses per agency and per worker since a moment: where misuse shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmergencySummary {
    /// Counted from.
    pub since: DateTime<Utc>,
    /// Every access since.
    pub all: EmergencyTally,
    /// Per agency of the worker, most first.
    pub by_agency: Vec<EmergencyByAgency>,
    /// Per worker, most first.
    pub by_user: Vec<EmergencyByUser>,
}
