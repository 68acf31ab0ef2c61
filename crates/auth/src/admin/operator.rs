//! The operator at the command line (`schakel admin …`): sets up agencies and accounts
//! before any admin can sign in, with the same checks and audit entries as the admin's
//! own use cases. There is no signed-in actor: whoever runs the command holds the
//! server's settings and database, so the entry names no actor and says `via: cli`.
//!
//! Must not: be reachable over HTTP.

use super::agencies::AgencyInput;
use super::users::LOCALES;
use super::{AccountView, AgencyView, Conflict, UseCaseError, parse_email, parse_name};
use crate::RequestContext;
use crate::events::{event, record};
use chrono::{DateTime, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::Role;
use schakel_store::agencies::{self, NewAgency};
use schakel_store::users::{self, NewUser};
use schakel_store::{DbConn, StoreError, write_tx};
use secrecy::{ExposeSecret, SecretString};

/// An account the operator creates, with a password they type.
#[derive(Debug, Clone)]
pub struct ConsoleAccount {
    /// The work email address (unique on the platform).
    pub email: String,
    /// The name shown to colleagues.
    pub display_name: String,
    /// The role.
    pub role: Role,
    /// The name of an existing agency.
    pub agency_name: String,
    /// `nl` or `en`.
    pub locale: String,
}

/// Why the operator's command is refused, beyond the admin's own refusals.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// No agency has that name.
    #[error("no agency named '{0}'")]
    NoSuchAgency(String),
    /// The password does not meet the policy.
    #[error("password refused: {0}")]
    Password(crate::password::Rejection),
    /// As the admin's use case would refuse it.
    #[error(transparent)]
    Admin(#[from] UseCaseError),
}

impl From<StoreError> for ConsoleError {
    fn from(e: StoreError) -> Self {
        ConsoleError::Admin(e.into())
    }
}

/// Records the entry of the operator's `code` on `object`, in the current transaction.
fn audit(
    conn: &mut DbConn,
    code: &str,
    object: (&'static str, String),
    now: DateTime<Utc>,
) -> Result<(), UseCaseError> {
    let e = event(
        code,
        ActionKind::Create,
        Outcome::Success,
        &RequestContext::default(),
    )?
    .with_object(object.0, object.1)
    .with_details(serde_json::json!({ "via": "cli" }));
    record(conn, &e, now)?;
    Ok(())
}

/// Creates an agency (active, version 1); a name in use is
/// [`Conflict::NameTaken`].
pub fn create_agency(
    conn: &mut DbConn,
    input: &AgencyInput,
    now: DateTime<Utc>,
) -> Result<AgencyView, UseCaseError> {
    let name = parse_name(&input.name, "name")?;
    let contact_email = parse_email(&input.contact_email)?;
    write_tx(conn, |conn| {
        let new = NewAgency {
            name: &name,
            kind: input.kind,
            region: input.region,
            contact_email: &contact_email,
        };
        let agency = agencies::insert(conn, &new, now).map_err(|e| match e {
            StoreError::Conflict(_) => UseCaseError::Conflict(Conflict::NameTaken),
            other => other.into(),
        })?;
        audit(
            conn,
            "admin.agency_create",
            ("agency", agency.id.to_string()),
            now,
        )?;
        Ok(agency)
    })
    .map(AgencyView::from)
}

/// Creates an active account with `password` (checked against the policy, with the
/// account's own name, address and agency as context) in an existing agency.
pub fn create_user(
    conn: &mut DbConn,
    input: &ConsoleAccount,
    password: &SecretString,
    now: DateTime<Utc>,
) -> Result<(AccountView, AgencyView), ConsoleError> {
    if !LOCALES.contains(&input.locale.as_str()) {
        return Err(UseCaseError::Invalid("locale").into());
    }
    let email = parse_email(&input.email)?;
    let display_name = parse_name(&input.display_name, "display_name")?;
    let agency = agencies::find_by_name(conn, &input.agency_name)?
        .ok_or_else(|| ConsoleError::NoSuchAgency(input.agency_name.clone()))?;
    let context = [email.as_str(), display_name.as_str(), agency.name.as_str()];
    crate::password::check_policy(password.expose_secret(), &context)
        .map_err(ConsoleError::Password)?;
    let hash = crate::password::hash(password).map_err(UseCaseError::from)?;
    let user = write_tx(conn, |conn| {
        let new = NewUser {
            agency_id: agency.id,
            email: &email,
            display_name: &display_name,
            role: input.role,
            locale: &input.locale,
            password_hash: Some(&hash),
        };
        let user = users::insert(conn, &new, now).map_err(|e| match e {
            StoreError::Conflict(_) => UseCaseError::Conflict(Conflict::EmailTaken),
            other => other.into(),
        })?;
        audit(
            conn,
            "admin.user_create",
            ("user", user.id.to_string()),
            now,
        )?;
        Ok::<_, UseCaseError>(user)
    })?;
    Ok((user.into(), agency.into()))
}
