//! Accounts: the admin invites users, changes their role, deactivates and reactivates
//! them, and sends one a link to choose a new password; an invited user accepts the
//! invitation by choosing a password.
//!
//! Rules kept here: one active admin always remains; an admin never deactivates their
//! own account nor changes its role; nobody is invited into, or reactivated in, a deactivated agency. A role
//! change ends no session: the role is read with the session on every request, so it
//! takes effect on the next one. Deactivation ends every session of the account.

use super::{AccountView, Conflict, Op, UseCaseError, parse_email, parse_name, permit};
use crate::links::{Link, issue_reset_link, set_password_by_link};
use crate::{AuthConfig, AuthError, RequestContext, secret_token};
use chrono::{DateTime, Duration, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::{Action, Actor, AgencyId, Role, UserId};
use schakel_domain::{LinkTopic, Notice};
use schakel_store::outbox::{self, Channel, NewOutboxMessage};
use schakel_store::sessions::{self, LinkPurpose};
use schakel_store::users::{self, NewUser, User};
use schakel_store::{DbConn, StoreError, agencies, write_tx};
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
/// link valid for `invitation_ttl_secs`, and the email that carries it.
pub fn invite_user(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    who: &Actor,
    input: &InvitationInput,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<AccountView, UseCaseError> {
    let op = Op::new("admin.user_invite", ActionKind::Create);
    permit(conn, who, Action::ManageUsers, &op, ctx, now)?;
    let email = parse_email(&input.email)?;
    let display_name = parse_name(&input.display_name, "display_name")?;
    if !LOCALES.contains(&input.locale.as_str()) {
        return Err(UseCaseError::Invalid("locale"));
    }
    let token = secret_token::generate();
    write_tx(conn, |conn| {
        // Locked, so a concurrent deactivation of the agency cannot miss this account.
        let agency = match agencies::find_for_update(conn, input.agency_id) {
            Ok(a) => a,
            Err(StoreError::NotFound) => return Err(UseCaseError::Invalid("agency_id")),
            Err(e) => return Err(e.into()),
        };
        if !agency.active {
            return Err(UseCaseError::Conflict(Conflict::AgencyInactive));
        }
        if users::find_by_email(conn, &email)?.is_some() {
            return Err(UseCaseError::Conflict(Conflict::EmailTaken));
        }
        let new = NewUser {
            agency_id: agency.id,
            email: &email,
            display_name: &display_name,
            role: input.role,
            locale: &input.locale,
            password_hash: None,
        };
        // The unique index still decides between two concurrent invitations.
        let user = users::insert(conn, &new, now).map_err(|e| match e {
            StoreError::Conflict(_) => UseCaseError::Conflict(Conflict::EmailTaken),
            other => other.into(),
        })?;
        let expires = now + Duration::seconds(cfg.invitation_ttl_secs);
        sessions::add_account_token(
            conn,
            user.id,
            LinkPurpose::Invitation,
            &token.hash,
            now,
            expires,
        )?;
        // The raw token travels to the dispatcher in this row because the email must
        // carry it; the dispatcher must scrub it from the payload once the email is
        // delivered (or given up on), so a copy of the database holds only its hash.
        let notice = Notice::AccountLink {
            topic: LinkTopic::Invitation,
            user_id: user.id,
            token: Some(token.token),
        };
        let message = NewOutboxMessage {
            channel: Channel::Email,
            topic: notice.topic().into(),
            payload: notice.payload(),
            available_at: now,
        };
        outbox::enqueue(conn, &message, now)?;
        let op = Op::on("admin.user_invite", ActionKind::Create, "user", user.id);
        let details = serde_json::json!({
            "agency_id": user.agency_id,
            "role": user.role,
            "expires_at": expires.to_rfc3339(),
        });
        op.record(conn, who, Outcome::Success, details, ctx, now)?;
        Ok(user)
    })
    .map(AccountView::from)
}

/// Fails when taking `target` out of the active admins would leave none. Locks the
/// active admins until the transaction ends, so two admins cannot remove each other at
/// the same moment.
fn keep_an_admin(conn: &mut DbConn, target: &User) -> Result<(), UseCaseError> {
    if target.role != Role::Admin || !target.active {
        return Ok(());
    }
    let admins = users::lock_active_with_role(conn, Role::Admin)?;
    if admins.iter().all(|a| a.id == target.id) {
        return Err(UseCaseError::Conflict(Conflict::LastAdmin));
    }
    Ok(())
}

/// Gives a user another role; it applies from their next request. One's own role is
/// [`Conflict::OwnAccount`]: another admin must change it.
pub fn change_role(
    conn: &mut DbConn,
    who: &Actor,
    id: UserId,
    role: Role,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<AccountView, UseCaseError> {
    let op = Op::on("admin.user_role_change", ActionKind::Update, "user", id);
    permit(conn, who, Action::ManageUsers, &op, ctx, now)?;
    write_tx(conn, |conn| {
        let user = users::find(conn, id)?;
        // Nobody raises or changes their own powers: another admin must do it.
        if user.id == who.user_id {
            return Err(UseCaseError::Conflict(Conflict::OwnAccount));
        }
        if role != Role::Admin {
            keep_an_admin(conn, &user)?;
        }
        users::set_role(conn, id, role, now)?;
        let details = serde_json::json!({ "from": user.role, "to": role });
        op.record(conn, who, Outcome::Success, details, ctx, now)?;
        Ok(users::find(conn, id)?)
    })
    .map(AccountView::from)
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

/// Reactivates an account of an active agency.
pub fn reactivate_user(
    conn: &mut DbConn,
    who: &Actor,
    id: UserId,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<AccountView, UseCaseError> {
    let op = Op::on("admin.user_reactivate", ActionKind::Update, "user", id);
    permit(conn, who, Action::ManageUsers, &op, ctx, now)?;
    write_tx(conn, |conn| {
        let user = users::find(conn, id)?;
        if user.active {
            return Err(UseCaseError::Conflict(Conflict::AlreadyInState));
        }
        if !agencies::find_for_update(conn, user.agency_id)?.active {
            return Err(UseCaseError::Conflict(Conflict::AgencyInactive));
        }
        users::set_active(conn, id, true, now)?;
        op.record(conn, who, Outcome::Success, serde_json::json!({}), ctx, now)?;
        Ok(users::find(conn, id)?)
    })
    .map(AccountView::from)
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
