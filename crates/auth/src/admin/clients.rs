//! External systems' accounts: the admin gives an agency's own system (its case system,
//! a hospital's record) an account of a case-work role at that agency, and hands its
//! secret to the system's operators once; the secret can be replaced (the old one stops
//! at once), and the account is deactivated and reactivated like anyone's. The account
//! has no email, password or second factor; it never receives email and is never given
//! a case to work on.
//!
//! When the configuration asks four eyes for invitations to case work, a new client
//! account is created deactivated: it works only once another admin reactivates it.

use super::privilege_apply::{Invitation, check_invitation};
use super::{AccountView, Conflict, Op, UseCaseError, parse_name, permit};
use crate::{AuthConfig, RequestContext, secret_token};
use chrono::{DateTime, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::{Action, Actor, AgencyId, Role, UserId};
use schakel_store::users::NewUser;
use schakel_store::{DbConn, StoreError, clients, users, write_tx};
use secrecy::SecretString;

/// A new client account as the admin describes it.
#[derive(Debug, Clone)]
pub struct ClientInput {
    /// The agency the system acts for.
    pub agency_id: AgencyId,
    /// The system's name as colleagues and the audit trail see it.
    pub name: String,
    /// What it may do there: `caseworker` (signals, cases, referrals out) or
    /// `coordinator` (also the agency's inbox).
    pub role: Role,
}

/// A client account and its secret, shown this once.
#[derive(Debug)]
pub struct IssuedClient {
    /// The account (its id is the client id).
    pub account: AccountView,
    /// The client secret.
    pub secret: SecretString,
}

/// Creates a client account for an agency with a fresh secret; audited
/// `admin.client_create`. Roles other than caseworker and coordinator are
/// `Invalid("role")`.
pub fn create_client(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    who: &Actor,
    input: &ClientInput,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<IssuedClient, UseCaseError> {
    let op = Op::new("admin.client_create", ActionKind::Create);
    permit(conn, who, Action::ManageUsers, &op, ctx, now)?;
    let name = parse_name(&input.name, "name")?;
    if !matches!(input.role, Role::Caseworker | Role::Coordinator) {
        return Err(UseCaseError::Invalid("role"));
    }
    let id = UserId::new_random();
    // An address no mail can reach: the account's unique key beside people's.
    let email = format!("client-{id}@clients.schakel.invalid");
    let token = secret_token::generate();
    let account = write_tx(conn, |conn| {
        check_invitation(
            conn,
            &Invitation {
                agency_id: input.agency_id,
                email: &email,
                display_name: &name,
                role: input.role,
                locale: "en",
            },
        )?;
        let new = NewUser {
            agency_id: input.agency_id,
            email: &email,
            display_name: &name,
            role: input.role,
            locale: "en",
            password_hash: None,
        };
        let user = clients::insert(conn, &new, &token.hash, now)?;
        let held = cfg.four_eyes.requires_invitation(input.role);
        if held {
            users::set_active(conn, user.id, false, now)?;
        }
        let op = Op::on("admin.client_create", ActionKind::Create, "user", user.id);
        let details = serde_json::json!({
            "agency_id": user.agency_id,
            "role": user.role,
            "awaits_second_admin": held,
        });
        op.record(conn, who, Outcome::Success, details, ctx, now)?;
        Ok::<_, UseCaseError>(users::find(conn, user.id)?)
    })?;
    Ok(IssuedClient {
        account: account.into(),
        secret: SecretString::from(token.token),
    })
}

/// Replaces a client's secret: the old one stops at once, the new one is shown this
/// once; audited `admin.client_secret_rotate`. A person's account is `NotFound`.
pub fn rotate_secret(
    conn: &mut DbConn,
    who: &Actor,
    id: UserId,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<IssuedClient, UseCaseError> {
    let op = Op::on("admin.client_secret_rotate", ActionKind::Update, "user", id);
    permit(conn, who, Action::ManageUsers, &op, ctx, now)?;
    let token = secret_token::generate();
    let account = write_tx(conn, |conn| {
        let user = match users::find(conn, id) {
            Ok(u) if u.client => u,
            Ok(_) | Err(StoreError::NotFound) => return Err(UseCaseError::NotFound),
            Err(e) => return Err(e.into()),
        };
        if !user.active {
            return Err(UseCaseError::Conflict(Conflict::AccountInactive));
        }
        clients::set_secret(conn, user.id, &token.hash, now)?;
        op.record(conn, who, Outcome::Success, serde_json::json!({}), ctx, now)?;
        Ok(users::find(conn, user.id)?)
    })?;
    Ok(IssuedClient {
        account: account.into(),
        secret: SecretString::from(token.token),
    })
}
