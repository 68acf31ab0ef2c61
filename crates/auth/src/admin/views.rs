//! What administration hands to the edges: views of accounts and agencies, never the
//! stored rows, so no password hash or TOTP secret leaves the use cases.

use chrono::{DateTime, Utc};
use schakel_domain::{AgencyId, AgencyKind, Region, Role, UserId};
use schakel_store::agencies::Agency;
use schakel_store::users::User;

/// An account as the admin sees it.
#[derive(Clone, PartialEq, Eq)]
pub struct AccountView {
    /// The user's id.
    pub id: UserId,
    /// The user's agency.
    pub agency_id: AgencyId,
    /// The email address the user logs in with.
    pub email: String,
    /// The name shown to colleagues.
    pub display_name: String,
    /// The role.
    pub role: Role,
    /// Whether the account may sign in.
    pub active: bool,
    /// The language of pages and emails (`en`, `nl`).
    pub locale: String,
    /// The invitation is not yet accepted: no password was chosen.
    pub invitation_pending: bool,
    /// Whether an authenticator is enrolled and confirmed as a second factor.
    pub second_factor_enrolled: bool,
    /// The version changes are made from (`If-Match`).
    pub version: i64,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// An external system's account (client credentials, no password).
    pub client: bool,
}

/// Personal data (email, name) stays out of logs and panics.
impl std::fmt::Debug for AccountView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountView")
            .field("id", &self.id)
            .field("agency_id", &self.agency_id)
            .field("role", &self.role)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

impl From<User> for AccountView {
    fn from(u: User) -> Self {
        AccountView {
            id: u.id,
            agency_id: u.agency_id,
            invitation_pending: u.password_hash.is_none() && !u.client,
            client: u.client,
            second_factor_enrolled: u.totp_confirmed,
            email: u.email,
            display_name: u.display_name,
            role: u.role,
            active: u.active,
            locale: u.locale,
            version: u.version,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// An agency as the admin and the directory show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyView {
    /// The agency's id.
    pub id: AgencyId,
    /// Its name.
    pub name: String,
    /// What kind of agency it is.
    pub kind: AgencyKind,
    /// Where it works.
    pub region: Region,
    /// The address its notices go to.
    pub contact_email: String,
    /// Whether it is active.
    pub active: bool,
    /// The version changes are made from (`If-Match`).
    pub version: i64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Agency> for AgencyView {
    fn from(a: Agency) -> Self {
        AgencyView {
            id: a.id,
            name: a.name,
            kind: a.kind,
            region: a.region,
            contact_email: a.contact_email,
            active: a.active,
            version: a.version,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}
