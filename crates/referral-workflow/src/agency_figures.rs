//! The agency's own dashboard, for its coordinators: the referrals it received that
//! wait for its answer (near their deadline, overdue), what it answered this month and
//! last and how fast, how those referrals ended, and its open cases per worker. Exact
//! counts of the agency's own work (no disclosure control: nothing leaves the agency),
//! never another agency's; reading it is audited. The counting rules are the domain's
//! (`schakel_domain::agency_figures`).

use crate::UseCaseError;
use crate::cases::caseload_of;
use crate::support::{Env, event, permit_role, record, run};
use crate::views::Caseload;
use chrono::{DateTime, NaiveDate, Utc};
use schakel_audit::ActionKind;
use schakel_domain::agency_figures::{
    Month, MonthFigures, NEAR_DEADLINE_HOURS, month_figures, waiting,
};
use schakel_domain::{Action, Actor, AgencyId, DeclineReason, Relationship};
use schakel_store::DbConn;
use schakel_store::casework::referrals;
use serde::Serialize;

/// The referrals waiting for the agency's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitingView {
    /// Sent to the agency and not answered yet.
    pub waiting: u32,
    /// Of those, due within `near_deadline_hours` and not overdue.
    pub near_deadline: u32,
    /// Of those, past their deadline.
    pub overdue: u32,
    /// How near a deadline is near, in hours.
    pub near_deadline_hours: i64,
}

/// Declined referrals with one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeclinedCount {
    /// The reason.
    pub reason: DeclineReason,
    /// How many.
    pub count: u32,
}

/// What the agency did with the referrals it received in one calendar month (Dutch
/// time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthView {
    /// The month's first day.
    pub month: NaiveDate,
    /// Its first instant.
    pub from: DateTime<Utc>,
    /// The first instant of the next month.
    pub to: DateTime<Utc>,
    /// Accepted, declined or redirected in the month.
    pub answered: u32,
    /// The median time from sending to that answer, in seconds (`null`: none answered).
    pub median_seconds_to_answer: Option<i64>,
    /// Accepted (also when started, completed or withdrawn by the sender since).
    pub accepted: u32,
    /// Declined, all reasons.
    pub declined: u32,
    /// Declined, per reason (every reason, zero too).
    pub declined_by_reason: Vec<DeclinedCount>,
    /// Sent on to another agency.
    pub redirected: u32,
    /// Expired in the month without an answer.
    pub expired: u32,
}

impl MonthView {
    fn of(month: &Month, f: MonthFigures) -> Self {
        Self {
            month: month.first_day,
            from: month.from,
            to: month.to,
            answered: f.answered,
            median_seconds_to_answer: f.median_to_answer.map(|d| d.num_seconds()),
            accepted: f.accepted,
            declined: f.declined_total(),
            declined_by_reason: f
                .declined
                .iter()
                .map(|(reason, count)| DeclinedCount {
                    reason: *reason,
                    count: *count,
                })
                .collect(),
            redirected: f.redirected,
            expired: f.expired,
        }
    }
}

/// The agency's own figures at a moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyDashboard {
    /// The agency.
    pub agency_id: AgencyId,
    /// The moment counted at.
    pub as_of: DateTime<Utc>,
    /// The referrals waiting for its answer.
    pub waiting: WaitingView,
    /// This calendar month so far.
    pub this_month: MonthView,
    /// The calendar month before.
    pub last_month: MonthView,
    /// Its open cases per responsible worker.
    pub caseload: Caseload,
}

/// The dashboard of the coordinator's own agency (any other role: 403, audited).
pub fn agency_dashboard(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
) -> Result<AgencyDashboard, UseCaseError> {
    const CODE: &str = "agency.dashboard";
    run(conn, env, who, |conn| {
        permit_role(
            who,
            Action::ReadAgencyFigures,
            Relationship::OwnAgency,
            CODE,
            ActionKind::Read,
        )?;
        let this = Month::of(env.now);
        let last = this.previous();
        let received = referrals::received_since(conn, who.agency_id, last.from)?;
        let w = waiting(&received, env.now);
        let dashboard = AgencyDashboard {
            agency_id: who.agency_id,
            as_of: env.now,
            waiting: WaitingView {
                waiting: w.waiting,
                near_deadline: w.near_deadline,
                overdue: w.overdue,
                near_deadline_hours: NEAR_DEADLINE_HOURS,
            },
            this_month: MonthView::of(&this, month_figures(&received, &this)),
            last_month: MonthView::of(&last, month_figures(&received, &last)),
            caseload: caseload_of(conn, who.agency_id)?,
        };
        let e = event(
            Some(who),
            CODE,
            ActionKind::Read,
            ("agency", who.agency_id.to_string()),
        )?;
        record(conn, env, e)?;
        Ok(dashboard)
    })
}
