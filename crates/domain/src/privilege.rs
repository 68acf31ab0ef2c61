//! Four eyes on privilege: the changes of who may do what — a new role, an account
//! reactivated, a second factor reset, an invitation to case work — that one admin asks
//! for and a second approves. Owns the kinds of change, the states of a request, and the
//! policy of which changes need a second admin and how long a request waits. Storing,
//! applying and auditing them belong elsewhere.

use crate::{Role, code_enum};
use chrono::{DateTime, Duration, Utc};

/// The default time a request waits for a second admin: three days.
pub const DEFAULT_EXPIRY_HOURS: i64 = 72;

code_enum! {
    /// A change of privilege.
    pub enum PrivilegeChange as "privilege change" {
        /// Another role for an account.
        RoleChange = "role_change",
        /// A deactivated account made active again.
        Reactivation = "reactivation",
        /// A lost second factor removed, so the user sets up a new one.
        SecondFactorReset = "second_factor_reset",
        /// A new account with a role that does case work (caseworker, coordinator).
        CaseWorkInvitation = "case_work_invitation",
    }
}

code_enum! {
    /// Where a request stands.
    pub enum RequestState as "request state" {
        /// Waiting for a second admin.
        Pending = "pending",
        /// Approved by a second admin and carried out.
        Approved = "approved",
        /// Rejected by an admin (or withdrawn by the one who asked).
        Rejected = "rejected",
        /// Nobody approved it in time.
        Expired = "expired",
    }
}

/// Which changes need a second admin, and how long a request waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FourEyesPolicy {
    /// The changes that become requests.
    pub required: Vec<PrivilegeChange>,
    /// How long a request waits before it expires.
    pub expiry: Duration,
}

impl Default for FourEyesPolicy {
    fn default() -> Self {
        FourEyesPolicy {
            required: PrivilegeChange::ALL.to_vec(),
            expiry: Duration::hours(DEFAULT_EXPIRY_HOURS),
        }
    }
}

impl FourEyesPolicy {
    /// No change needs a second admin.
    pub fn off() -> Self {
        FourEyesPolicy {
            required: Vec::new(),
            ..FourEyesPolicy::default()
        }
    }

    /// Whether `change` needs a second admin.
    pub fn requires(&self, change: PrivilegeChange) -> bool {
        self.required.contains(&change)
    }

    /// Whether inviting an account with `role` needs a second admin.
    pub fn requires_invitation(&self, role: Role) -> bool {
        matches!(role, Role::Caseworker | Role::Coordinator)
            && self.requires(PrivilegeChange::CaseWorkInvitation)
    }
}

/// The state of a request stored as `stored`, waiting until `expires_at`, at `now`: a
/// pending request past its time has expired.
pub fn state_at(
    stored: RequestState,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> RequestState {
    if stored == RequestState::Pending && expires_at <= now {
        RequestState::Expired
    } else {
        stored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_default_every_change_needs_a_second_admin_and_only_case_work_invitations() {
        let p = FourEyesPolicy::default();
        assert!(PrivilegeChange::ALL.iter().all(|c| p.requires(*c)));
        assert!(
            p.requires_invitation(Role::Caseworker) && p.requires_invitation(Role::Coordinator)
        );
        assert!(!p.requires_invitation(Role::Analyst) && !p.requires_invitation(Role::Admin));
        assert!(!FourEyesPolicy::off().requires(PrivilegeChange::RoleChange));
    }

    #[test]
    fn a_pending_request_expires_at_its_time() {
        let t: DateTime<Utc> = "2026-03-02T09:00:00Z".parse().unwrap();
        let at = |h| t + Duration::hours(h);
        assert_eq!(
            state_at(RequestState::Pending, at(72), at(71)),
            RequestState::Pending
        );
        assert_eq!(
            state_at(RequestState::Pending, at(72), at(72)),
            RequestState::Expired
        );
        assert_eq!(
            state_at(RequestState::Approved, at(72), at(99)),
            RequestState::Approved
        );
    }
}
