//! Referrals: sent by a case's agency to another agency's inbox, decided by that
//! agency's coordinators, withdrawn by the sender, expired by the deadline job. Every
//! change of state is checked against the transition table in `domain`.

use crate::access::{party, referral_relationship, role_may};
use crate::cases::visible_case;
use crate::idempotency::{Created, IdempotencyKey, create_once};
use crate::identity::Identity;
use crate::rows::Rows;
use crate::signals::MAX_TEXT_CHARS;
use crate::support::check_version;
use crate::support::{
    Env, To, denied, event, free_text, monitor_message, named_by, notice_message, notify, open_opt,
    queue_all, record, refused, run, seal, timeline,
};
use crate::views::{Page, ReferralView};
use crate::{Conflict, IfMatch, UseCaseError};
use schakel_audit::ActionKind;
use schakel_domain::monitor_event::month_of;
use schakel_domain::{
    Action, Actor, AgencyId, CaseStatus, DeclineReason, Party, ReferralAction, ReferralId,
    ReferralOutcome, ReferralPurpose, ReferralState, Relationship, Role, Urgency,
};
use schakel_domain::{MonitorEvent, MonitorEventKind};
use schakel_domain::{ReferralFacts, ReferralTopic};
use schakel_store::DbConn;
/// Which states a referral list holds.
pub use schakel_store::casework::referrals::StateSet;
use schakel_store::casework::referrals::{
    self, Direction, NewReferral, Referral, Summary, Transition,
};
use schakel_store::outbox::NewOutboxMessage;
use serde::Deserialize;

/// A referral to send.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReferralInput {
    /// The receiving agency (its inbox, not a person).
    pub to_agency_id: AgencyId,
    /// Why.
    pub purpose: ReferralPurpose,
    /// How urgent; sets the deadline.
    pub urgency: Urgency,
    /// A message to the receiving agency.
    #[serde(default)]
    pub message: Option<String>,
}

/// What an action on a referral carries besides the action itself.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    /// For decline: why.
    #[serde(default)]
    pub reason: Option<DeclineReason>,
    /// For complete: how it ended.
    #[serde(default)]
    pub outcome: Option<ReferralOutcome>,
    /// For redirect: the third agency.
    #[serde(default)]
    pub to_agency_id: Option<AgencyId>,
    /// A note (required when the reason or outcome is `other`).
    #[serde(default)]
    pub note: Option<String>,
    /// For accept: the worker of the receiving agency responsible for it (an active
    /// caseworker or coordinator); the accepting coordinator when left out.
    #[serde(default)]
    pub assign_to: Option<schakel_domain::UserId>,
}

/// Loads a referral `who` may see, or the hidden denial `code`.
fn visible_referral(
    conn: &mut DbConn,
    who: &Actor,
    id: ReferralId,
    code: &'static str,
    kind: ActionKind,
) -> Result<(Referral, Relationship), UseCaseError> {
    let r = referrals::find(conn, id)?;
    let rel = referral_relationship(who, &r);
    if rel == Relationship::Unrelated || !who.may(Action::ReadReferral, rel) {
        return Err(denied(code, kind, Some(("referral", id.to_string()))));
    }
    Ok((r, rel))
}

mod act;
mod assign;
mod intake;
mod read;
mod send;

pub(crate) use crate::present::{referral_view, referral_views};
pub use act::act;
pub(crate) use act::expire_one;
pub use assign::{AssignReferralInput, assign_referral};
pub use intake::{IntakeInput, IntakeView, intake};
pub use read::{ReferralBox, ReferralFilter, get_referral, list_referrals};
pub use send::create_referral;
