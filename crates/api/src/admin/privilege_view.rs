//! What the API answers about a request for a change of privilege.

use chrono::{DateTime, Utc};
use schakel_auth::admin::four_eyes::{Named, RequestView};
use schakel_domain::{AgencyId, PrivilegeChange, PrivilegeRequestId, RequestState, Role, UserId};
use serde::Serialize;
use utoipa::ToSchema;

/// A user named in a request.
#[derive(Debug, Serialize, ToSchema)]
pub struct NamedUser {
    /// User id.
    pub id: UserId,
    /// Their name now.
    pub name: String,
}

impl From<Named> for NamedUser {
    fn from(n: Named) -> Self {
        NamedUser {
            id: n.id,
            name: n.name,
        }
    }
}

/// A request for a change of privilege.
#[derive(Debug, Serialize, ToSchema)]
pub struct PrivilegeRequestResponse {
    /// Request id.
    pub id: PrivilegeRequestId,
    /// `role_change`, `reactivation`, `second_factor_reset` or `case_work_invitation`.
    pub kind: PrivilegeChange,
    /// `pending`, `approved`, `rejected` or `expired`.
    pub state: RequestState,
    /// The account it changes (none for an invitation).
    pub target: Option<NamedUser>,
    /// An invitation's agency.
    pub agency_id: Option<AgencyId>,
    /// An invitation's email address.
    pub email: Option<String>,
    /// An invitation's name.
    pub display_name: Option<String>,
    /// The role asked for.
    pub role: Option<Role>,
    /// Who asked.
    pub requested_by: NamedUser,
    /// When.
    pub requested_at: DateTime<Utc>,
    /// Until when it waits for a second admin.
    pub expires_at: DateTime<Utc>,
    /// Who decided.
    pub decided_by: Option<NamedUser>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<RequestView> for PrivilegeRequestResponse {
    fn from(r: RequestView) -> Self {
        PrivilegeRequestResponse {
            id: r.id,
            kind: r.kind,
            state: r.state,
            target: r.target.map(NamedUser::from),
            agency_id: r.agency_id,
            email: r.email,
            display_name: r.display_name,
            role: r.role,
            requested_by: r.requested_by.into(),
            requested_at: r.requested_at,
            expires_at: r.expires_at,
            decided_by: r.decided_by.map(NamedUser::from),
            decided_at: r.decided_at,
        }
    }
}
