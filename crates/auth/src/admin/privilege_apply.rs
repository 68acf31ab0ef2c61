//! Carrying out a change of privilege — a role, a reactivation, a reset second factor,
//! an invitation — at once (when the configuration asks no second admin for it) or when
//! a second admin approves the request. Each writes the change, its audit entry (naming
//! the request and who asked, when there was one) and its email in the caller's
//! transaction. The checks that depend on the moment (the last admin, an inactive
//! agency, a taken address) run here, so an approval meets them as they are then.

use super::{AccountView, Conflict, Op, UseCaseError};
use crate::{AuthConfig, RequestContext, secret_token};
use chrono::{DateTime, Duration, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::{Actor, LinkTopic, Notice, PrivilegeChange, Role, UserId};
use schakel_store::outbox::{self, Channel, NewOutboxMessage};
use schakel_store::privilege_requests::PrivilegeRequest;
use schakel_store::sessions::{self, LinkPurpose};
use schakel_store::users::{self, NewUser, User};
use schakel_store::{DbConn, StoreError, agencies, recovery_codes};

/// A new account as the admin describes it (checked).
#[derive(Debug, Clone)]
pub(crate) struct Invitation<'a> {
    pub(crate) agency_id: schakel_domain::AgencyId,
    pub(crate) email: &'a str,
    pub(crate) display_name: &'a str,
    pub(crate) role: Role,
    pub(crate) locale: &'a str,
}

/// The details of the change's entry: `base`, with the request it carries out.
fn with_request(
    mut base: serde_json::Value,
    request: Option<&PrivilegeRequest>,
) -> serde_json::Value {
    if let (Some(r), serde_json::Value::Object(map)) = (request, &mut base) {
        map.insert("request_id".into(), serde_json::json!(r.id));
        map.insert("requested_by".into(), serde_json::json!(r.requested_by));
    }
    base
}

fn enqueue(conn: &mut DbConn, notice: &Notice, now: DateTime<Utc>) -> Result<(), UseCaseError> {
    let message = NewOutboxMessage {
        channel: Channel::Email,
        topic: notice.topic().into(),
        payload: notice.payload(),
        available_at: now,
    };
    outbox::enqueue(conn, &message, now)?;
    Ok(())
}

/// Fails when taking `target` out of the active admins would leave none. Locks the
/// active admins until the transaction ends, so two admins cannot remove each other at
/// the same moment.
pub(crate) fn keep_an_admin(conn: &mut DbConn, target: &User) -> Result<(), UseCaseError> {
    if target.role != Role::Admin || !target.active {
        return Ok(());
    }
    let admins = users::lock_active_with_role(conn, Role::Admin)?;
    if admins.iter().all(|a| a.id == target.id) {
        return Err(UseCaseError::Conflict(Conflict::LastAdmin));
    }
    Ok(())
}

/// The checks of a role change of `user` by `who`.
pub(crate) fn check_role(
    conn: &mut DbConn,
    who: &Actor,
    user: &User,
    role: Role,
) -> Result<(), UseCaseError> {
    // Nobody raises or changes their own powers: another admin must do it.
    if user.id == who.user_id {
        return Err(UseCaseError::Conflict(Conflict::OwnAccount));
    }
    // An external system's account only ever does case work.
    if user.client && !matches!(role, Role::Caseworker | Role::Coordinator) {
        return Err(UseCaseError::Invalid("role"));
    }
    if role != Role::Admin {
        keep_an_admin(conn, user)?;
    }
    Ok(())
}

/// Gives `user` another role.
pub(crate) fn apply_role(
    conn: &mut DbConn,
    who: &Actor,
    user: &User,
    role: Role,
    request: Option<&PrivilegeRequest>,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<User, UseCaseError> {
    users::set_role(conn, user.id, role, now)?;
    let op = Op::on(
        "admin.user_role_change",
        ActionKind::Update,
        "user",
        user.id,
    );
    let details = with_request(
        serde_json::json!({ "from": user.role, "to": role }),
        request,
    );
    op.record(conn, who, Outcome::Success, details, ctx, now)?;
    Ok(users::find(conn, user.id)?)
}

/// The checks of a reactivation of `user`.
pub(crate) fn check_reactivation(conn: &mut DbConn, user: &User) -> Result<(), UseCaseError> {
    if user.active {
        return Err(UseCaseError::Conflict(Conflict::AlreadyInState));
    }
    if !agencies::find_for_update(conn, user.agency_id)?.active {
        return Err(UseCaseError::Conflict(Conflict::AgencyInactive));
    }
    Ok(())
}

/// Makes `user` active again.
pub(crate) fn apply_reactivation(
    conn: &mut DbConn,
    who: &Actor,
    user: &User,
    request: Option<&PrivilegeRequest>,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<User, UseCaseError> {
    users::set_active(conn, user.id, true, now)?;
    let op = Op::on("admin.user_reactivate", ActionKind::Update, "user", user.id);
    op.record(
        conn,
        who,
        Outcome::Success,
        with_request(serde_json::json!({}), request),
        ctx,
        now,
    )?;
    Ok(users::find(conn, user.id)?)
}

/// The checks of a reset of `user`'s second factor by `who`: not one's own (another
/// admin resets it), and only of an account that has one.
pub(crate) fn check_reset(who: &Actor, user: &User) -> Result<(), UseCaseError> {
    if user.id == who.user_id {
        return Err(UseCaseError::Conflict(Conflict::OwnAccount));
    }
    if !user.totp_confirmed && user.totp_secret.is_none() {
        return Err(UseCaseError::Conflict(Conflict::AlreadyInState));
    }
    Ok(())
}

/// Removes `user`'s authenticators and recovery codes, ends their sessions and tells
/// them by email: at the next login they set up a new authenticator.
pub(crate) fn apply_reset(
    conn: &mut DbConn,
    who: &Actor,
    user: &User,
    request: Option<&PrivilegeRequest>,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<User, UseCaseError> {
    users::clear_second_factor(conn, user.id, now)?;
    recovery_codes::replace(conn, user.id, &[], now)?;
    let ended = sessions::revoke_all_of_user(conn, user.id, "second_factor_reset", now)?;
    enqueue(conn, &Notice::SecondFactorReset { user_id: user.id }, now)?;
    let op = Op::on(
        "admin.user_second_factor_reset",
        ActionKind::Update,
        "user",
        user.id,
    );
    let details = with_request(serde_json::json!({ "sessions_ended": ended }), request);
    op.record(conn, who, Outcome::Success, details, ctx, now)?;
    Ok(users::find(conn, user.id)?)
}

/// The checks of an invitation: an active agency, an address nobody has.
pub(crate) fn check_invitation(
    conn: &mut DbConn,
    new: &Invitation<'_>,
) -> Result<(), UseCaseError> {
    // Locked, so a concurrent deactivation of the agency cannot miss this account.
    let agency = match agencies::find_for_update(conn, new.agency_id) {
        Ok(a) => a,
        Err(StoreError::NotFound) => return Err(UseCaseError::Invalid("agency_id")),
        Err(e) => return Err(e.into()),
    };
    if !agency.active {
        return Err(UseCaseError::Conflict(Conflict::AgencyInactive));
    }
    if users::find_by_email(conn, new.email)?.is_some() {
        return Err(UseCaseError::Conflict(Conflict::EmailTaken));
    }
    Ok(())
}

/// Creates the account without a password, a single-use invitation link valid for
/// `invitation_ttl_secs`, and the email that carries it.
pub(crate) fn create_invitation(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    who: &Actor,
    new: &Invitation<'_>,
    request: Option<&PrivilegeRequest>,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<User, UseCaseError> {
    let token = secret_token::generate();
    let row = NewUser {
        agency_id: new.agency_id,
        email: new.email,
        display_name: new.display_name,
        role: new.role,
        locale: new.locale,
        password_hash: None,
    };
    // The unique index still decides between two concurrent invitations.
    let user = users::insert(conn, &row, now).map_err(|e| match e {
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
    // The raw token travels to the dispatcher in this row because the email must carry
    // it; the dispatcher scrubs it from the payload once the email is delivered (or
    // given up on), so a copy of the database holds only its hash.
    let notice = Notice::AccountLink {
        topic: LinkTopic::Invitation,
        user_id: user.id,
        token: Some(token.token),
    };
    enqueue(conn, &notice, now)?;
    let op = Op::on("admin.user_invite", ActionKind::Create, "user", user.id);
    let details = serde_json::json!({
        "agency_id": user.agency_id,
        "role": user.role,
        "expires_at": expires.to_rfc3339(),
    });
    op.record(
        conn,
        who,
        Outcome::Success,
        with_request(details, request),
        ctx,
        now,
    )?;
    Ok(user)
}

/// Carries out an approved request as `who`, the approver.
pub(crate) fn carry_out(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    who: &Actor,
    r: &PrivilegeRequest,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<AccountView, UseCaseError> {
    let target = |conn: &mut DbConn| -> Result<User, UseCaseError> {
        let id: UserId = r.target_user_id.ok_or(UseCaseError::NotFound)?;
        Ok(users::find(conn, id)?)
    };
    let user = match r.kind {
        PrivilegeChange::RoleChange => {
            let user = target(conn)?;
            let role = r.role.ok_or(UseCaseError::NotFound)?;
            check_role(conn, who, &user, role)?;
            apply_role(conn, who, &user, role, Some(r), ctx, now)?
        }
        PrivilegeChange::Reactivation => {
            let user = target(conn)?;
            check_reactivation(conn, &user)?;
            apply_reactivation(conn, who, &user, Some(r), ctx, now)?
        }
        PrivilegeChange::SecondFactorReset => {
            let user = target(conn)?;
            check_reset(who, &user)?;
            apply_reset(conn, who, &user, Some(r), ctx, now)?
        }
        PrivilegeChange::CaseWorkInvitation => {
            let new = Invitation {
                agency_id: r.agency_id.ok_or(UseCaseError::NotFound)?,
                email: r.email.as_deref().unwrap_or_default(),
                display_name: r.display_name.as_deref().unwrap_or_default(),
                role: r.role.ok_or(UseCaseError::NotFound)?,
                locale: r.locale.as_deref().unwrap_or("nl"),
            };
            check_invitation(conn, &new)?;
            create_invitation(conn, cfg, who, &new, Some(r), ctx, now)?
        }
    };
    Ok(AccountView::from(user))
}
