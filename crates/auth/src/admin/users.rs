//! Accounts: the admin invites users, changes their role, deactivates and reactivates
//! them, and sends one a link to choose a new password; an invited user accepts the
//! invitation by choosing a password.
//!
//! Rules kept here: one active admin always remains; an admin never deactivates their
//! own account nor changes its role; nobody is invited into, or reactivated in, a
//! deactivated agency. Role changes, reactivations, resets of a second factor and
//! invitations to case work wait for a second admin when the configuration says so
//! (`four_eyes`). A role
//! change ends no session: the role is read with the session on every request, so it
//! takes effect on the next one. Deactivation ends every session of the account.

use super::four_eyes::{Ask, Change, file};
use super::privilege_apply::{
    Invitation, apply_reactivation, apply_reset, apply_role, check_invitation, check_reactivation,
    check_reset, check_role, create_invitation, keep_an_admin,
};
use super::{AccountView, Conflict, Op, UseCaseError, parse_email, parse_name, permit};
use crate::links::{Link, issue_reset_link, set_password_by_link};
use crate::{AuthConfig, AuthError, RequestContext, secret_token};
use chrono::{DateTime, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::{Action, Actor, AgencyId, PrivilegeChange, Role, UserId};
use schakel_store::sessions::{self, LinkPurpose};
use schakel_store::users;
use schakel_store::{DbConn, write_tx};
use secrecy::SecretString;

/// The languages the interface and emails speak.
pub const LOCALES: &[&str] = &["nl", "en"];

/// A new account as the admin describes it.
#[derive(Debug, Clone)]
pub struct InvitationInput {
    /// The agency the user works for.
    pub agency_id: AgencyId,
    /// Their work email address (unique on the platform).
    pub email: String,
    /// The name shown to colleagues.
    pub display_name: String,
    /// Their role.
    pub role: Role,
    /// Their language: `nl` or `en`.
    pub locale: String,
}

/// Invites a user: creates the account without a password, a single-use invitation
/// link valid for `invitation_ttl_secs`, and the email that carries it — or, for a role
/// that does case work when the configuration asks four eyes for it, a request that
/// waits for a second admin.
pub fn invite_user(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    who: &Actor,
    input: &InvitationInput,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<Change, UseCaseError> {
    let op = Op::new("admin.user_invite", ActionKind::Create);
    permit(conn, who, Action::ManageUsers, &op, ctx, now)?;
    let email = parse_email(&input.email)?;
    let display_name = parse_name(&input.display_name, "display_name")?;
    if !LOCALES.contains(&input.locale.as_str()) {
        return Err(UseCaseError::Invalid("locale"));
    }
    let new = Invitation {
        agency_id: input.agency_id,
        email: &email,
        display_name: &display_name,
        role: input.role,
        locale: &input.locale,
    };
    write_tx(conn, |conn| {
        check_invitation(conn, &new)?;
        if cfg.four_eyes.requires_invitation(input.role) {
            let ask = Ask {
                kind: PrivilegeChange::CaseWorkInvitation,
                target: None,
                role: None,
                invitation: Some(&new),
            };
            return Ok(Change::Requested(file(conn, cfg, who, &ask, ctx, now)?));
        }
        let user = create_invitation(conn, cfg, who, &new, None, ctx, now)?;
        Ok(Change::Applied(AccountView::from(user)))
    })
}

/// Gives a user another role; it applies from their next request — or, when the
/// configuration asks four eyes for it, files a request for a second admin. One's own
/// role is [`Conflict::OwnAccount`]: another admin must change it.
pub fn change_role(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    who: &Actor,
    id: UserId,
    role: Role,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<Change, UseCaseError> {
    let op = Op::on("admin.user_role_change", ActionKind::Update, "user", id);
    permit(conn, who, Action::ManageUsers, &op, ctx, now)?;
    write_tx(conn, |conn| {
        let user = users::find(conn, id)?;
        check_role(conn, who, &user, role)?;
        if cfg.four_eyes.requires(PrivilegeChange::RoleChange) {
            let ask = Ask {
                role: Some(role),
                ..Ask::of(PrivilegeChange::RoleChange, id)
            };
            return Ok(Change::Requested(file(conn, cfg, who, &ask, ctx, now)?));
        }
        let user = apply_role(conn, who, &user, role, None, ctx, now)?;
        Ok(Change::Applied(user.into()))
    })
}

/// Removes the second factor of a user who lost it — or, when the configuration asks
/// four eyes for it, files a request for a second admin: their authenticators and
/// recovery codes go, their sessions end, and an email tells them to set up a new one
/// at their next login. Not one's own ([`Conflict::OwnAccount`]); an account without one
/// is [`Conflict::AlreadyInState`].
pub fn reset_second_factor(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    who: &Actor,
    id: UserId,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<Change, UseCaseError> {
    let op = Op::on(
        "admin.user_second_factor_reset",
        ActionKind::Update,
        "user",
        id,
    );
    permit(conn, who, Action::ManageUsers, &op, ctx, now)?;
    write_tx(conn, |conn| {
        let user = users::find(conn, id)?;
        check_reset(who, &user)?;
        if cfg.four_eyes.requires(PrivilegeChange::SecondFactorReset) {
            let ask = Ask::of(PrivilegeChange::SecondFactorReset, id);
            return Ok(Change::Requested(file(conn, cfg, who, &ask, ctx, now)?));
        }
        let user = apply_reset(conn, who, &user, None, ctx, now)?;
        Ok(Change::Applied(user.into()))
    })
}

/// Deactivates an account and ends all its sessions.
pub fn deactivate_user(
    conn: &mut DbConn,
    who: &Actor,
    id: UserId,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<AccountView, UseCaseError> {
    let op = Op::on("admin.user_deactivate", ActionKind::Update, "user", id);
    permit(conn, who, Action::ManageUsers, &op, ctx, now)?;
    write_tx(conn, |conn| {
        let user = users::find(conn, id)?;
        if user.id == who.user_id {
            return Err(UseCaseError::Conflict(Conflict::OwnAccount));
        }
        if !user.active {
            return Err(UseCaseError::Conflict(Conflict::AlreadyInState));
        }
        keep_an_admin(conn, &user)?;
        users::set_active(conn, id, false, now)?;
        let ended = sessions::revoke_all_of_user(conn, id, "deactivated", now)?;
        let details = serde_json::json!({ "sessions_ended": ended });
        op.record(conn, who, Outcome::Success, details, ctx, now)?;
        Ok(users::find(conn, id)?)
    })
    .map(AccountView::from)
}

/// Reactivates an account of an active agency — or, when the configuration asks four
/// eyes for it, files a request for a second admin.
pub fn reactivate_user(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    who: &Actor,
    id: UserId,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<Change, UseCaseError> {
    let op = Op::on("admin.user_reactivate", ActionKind::Update, "user", id);
    permit(conn, who, Action::ManageUsers, &op, ctx, now)?;
    write_tx(conn, |conn| {
        let user = users::find(conn, id)?;
        check_reactivation(conn, &user)?;
        if cfg.four_eyes.requires(PrivilegeChange::Reactivation) {
            let ask = Ask::of(PrivilegeChange::Reactivation, id);
            return Ok(Change::Requested(file(conn, cfg, who, &ask, ctx, now)?));
        }
        let user = apply_reactivation(conn, who, &user, None, ctx, now)?;
        Ok(Change::Applied(user.into()))
    })
}

/// Sends a user of any agency a link to choose a new password: the same single-use link,
/// lifetime and email as the person's own request, recorded as the admin's action. The
/// current password keeps working until the link is used; using it ends every session
/// of the account. A deactivated account and one whose invitation is still open get no
/// link ([`Conflict::AccountInactive`], [`Conflict::InvitationPending`]).
pub fn send_password_reset(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    who: &Actor,
    id: UserId,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<AccountView, UseCaseError> {
    let op = Op::on("admin.user_password_reset", ActionKind::Create, "user", id);
    permit(conn, who, Action::ManageUsers, &op, ctx, now)?;
    let token = secret_token::generate();
    write_tx(conn, |conn| {
        let user = users::find(conn, id)?;
        if !user.active {
            return Err(UseCaseError::Conflict(Conflict::AccountInactive));
        }
        if user.password_hash.is_none() {
            return Err(UseCaseError::Conflict(Conflict::InvitationPending));
        }
        let expires = issue_reset_link(conn, cfg, &user, &token, now)?;
        let details = serde_json::json!({ "expires_at": expires.to_rfc3339() });
        op.record(conn, who, Outcome::Success, details, ctx, now)?;
        Ok(user)
    })
    .map(AccountView::from)
}

/// Every account, or those of one agency, ordered by email.
pub fn list_users(
    conn: &mut DbConn,
    who: &Actor,
    agency: Option<AgencyId>,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<Vec<AccountView>, UseCaseError> {
    let op = Op::new("admin.user_list", ActionKind::Read);
    permit(conn, who, Action::ManageUsers, &op, ctx, now)?;
    Ok(users::list(conn, agency)?
        .into_iter()
        .map(AccountView::from)
        .collect())
}

/// One account.
pub fn get_user(
    conn: &mut DbConn,
    who: &Actor,
    id: UserId,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<AccountView, UseCaseError> {
    let op = Op::on("admin.user_read", ActionKind::Read, "user", id);
    permit(conn, who, Action::ManageUsers, &op, ctx, now)?;
    Ok(users::find(conn, id)?.into())
}

/// Accepts an invitation: the single-use token sets the account's first password, which
/// must meet the policy. An unknown, used or expired token and a deactivated account all
/// answer [`AuthError::InvalidCredentials`]; a refused password leaves the token usable.
/// The password is hashed on the calling thread: run this on a blocking pool.
pub fn accept_invitation(
    conn: &mut DbConn,
    token: &str,
    new_password: &SecretString,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    let link = Link {
        purpose: LinkPurpose::Invitation,
        code: "auth.invitation_accept",
    };
    set_password_by_link(conn, &link, token, new_password, ctx, now).map(|_| ())
}
