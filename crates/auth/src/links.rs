//! Single-use links that set a password: the invitation of a new account and the
//! recovery of a forgotten password.
//!
//! Asking for a recovery link answers the same whatever the email address: unknown,
//! deactivated, still invited, or too many links asked for within the hour. Only an
//! active account that has a password gets a link, at most `resets_per_hour` of them.
//! Using a link checks the password policy; a refused password leaves the link usable.
//! A recovered password ends every session of the account and spends its other
//! recovery links. The second factor stays as it was: the next login asks for the
//! authenticator code as before.

use crate::events::{event, record, user_actor};
use crate::{AuthConfig, AuthError, RequestContext, account, password, secret_token};
use chrono::{DateTime, Duration, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::UserId;
use schakel_domain::{LinkTopic, Notice};
use schakel_store::outbox::{self, Channel, NewOutboxMessage};
use schakel_store::sessions::{self, LinkPurpose};
use schakel_store::users::{self, User};
use schakel_store::{DbConn, StoreError, agencies, write_tx};
use secrecy::SecretString;

/// What a link is for, and the audit code of its use.
pub(crate) struct Link {
    /// The purpose its token was stored with.
    pub purpose: LinkPurpose,
    /// The audit code of a use (successful or not).
    pub code: &'static str,
}

/// Asks for a password-recovery link for `email`. Always `Ok(())` unless the database
/// fails, so the answer tells nothing about the address; the audit trail records what
/// happened.
pub fn request_password_reset(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    email: &str,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    const CODE: &str = "auth.password_reset_request";
    // Every request does the same work, whatever the address: one token made and
    // hashed, one lookup, one count of recent links (for an unknown address, of an id
    // that matches nothing) and one transaction with its audit entry, so neither the
    // answer nor its timing tells an unknown address from a known one.
    let token = secret_token::generate();
    write_tx(conn, |conn| {
        let user = users::find_by_email(conn, email)?;
        let counted = user.as_ref().map_or_else(UserId::new_random, |u| u.id);
        let since = now - Duration::hours(1);
        let recent =
            sessions::count_account_tokens_since(conn, counted, LinkPurpose::PasswordReset, since)?;
        let refusal = match &user {
            None => Some("unknown_account"),
            Some(u) if !u.active => Some("deactivated"),
            Some(u) if u.password_hash.is_none() => Some("invitation_pending"),
            Some(_) if recent >= cfg.resets_per_hour => Some("too_many_requests"),
            Some(_) => None,
        };
        match (user, refusal) {
            (Some(user), None) => send_reset_link(conn, cfg, &user, &token, ctx, now),
            (user, reason) => {
                let reason = reason.unwrap_or("unknown_account");
                record_refusal(conn, CODE, user.as_ref(), reason, ctx, now)
            }
        }
    })
}

/// Stores a recovery link's hash and queues its email, with the audit entry.
fn send_reset_link(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    user: &User,
    token: &secret_token::NewToken,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    let expires = issue_reset_link(conn, cfg, user, token, now)?;
    let e = event(
        "auth.password_reset_request",
        ActionKind::Create,
        Outcome::Success,
        ctx,
    )?
    .with_actor(user_actor(user.id, user.agency_id, user.role))
    .with_object("user", user.id)
    .with_details(serde_json::json!({ "expires_at": expires.to_rfc3339() }));
    record(conn, &e, now)
}

/// Stores the hash of a recovery link for `user`, valid `reset_ttl_secs`, and queues
/// the email that carries it, in the caller's transaction; returns when it expires. The
/// caller records the audit entry: the person's own request or an admin's.
pub(crate) fn issue_reset_link(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    user: &User,
    token: &secret_token::NewToken,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, StoreError> {
    let expires = now + Duration::seconds(cfg.reset_ttl_secs);
    sessions::add_account_token(
        conn,
        user.id,
        LinkPurpose::PasswordReset,
        &token.hash,
        now,
        expires,
    )?;
    // The raw token travels in the row because the email must carry it; the dispatcher
    // scrubs it once the email is sent or given up on.
    let notice = Notice::AccountLink {
        topic: LinkTopic::PasswordReset,
        user_id: user.id,
        token: Some(token.token.clone()),
    };
    let message = NewOutboxMessage {
        channel: Channel::Email,
        topic: notice.topic().into(),
        payload: notice.payload(),
        available_at: now,
    };
    outbox::enqueue(conn, &message, now)?;
    Ok(expires)
}

/// Sets a new password with a recovery link. An unknown, used or expired link and a
/// deactivated account all answer [`AuthError::InvalidCredentials`]. Every session of
/// the account ends. The password is hashed on the calling thread: run this on a
/// blocking pool.
pub fn reset_password(
    conn: &mut DbConn,
    token: &str,
    new_password: &SecretString,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    let link = Link {
        purpose: LinkPurpose::PasswordReset,
        code: "auth.password_reset",
    };
    set_password_by_link(conn, &link, token, new_password, ctx, now).map(|_| ())
}

/// Uses a single-use link to set the password of its account; returns that account.
/// The password is hashed before the token is looked at, so every attempt costs the
/// same.
pub(crate) fn set_password_by_link(
    conn: &mut DbConn,
    link: &Link,
    token: &str,
    new_password: &SecretString,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<User, AuthError> {
    let presented = secret_token::hash(token);
    let hash = password::hash(new_password)?;
    let done = write_tx(conn, |conn| {
        let Some(id) = sessions::use_account_token(conn, link.purpose, &presented, now)? else {
            return Err(Refusal::InvalidToken);
        };
        let user = users::find(conn, id)?;
        if !user.active {
            return Err(Refusal::Deactivated(Box::new(user)));
        }
        let agency = agencies::find(conn, user.agency_id)?;
        if let Err(e) = account::check_new_password(&user, &agency, new_password) {
            // Rolled back: the link stays unused, so the user can try another password.
            return Err(Refusal::Rejected(Box::new(user), e));
        }
        users::set_password_hash(conn, user.id, &hash, now)?;
        let mut details = serde_json::json!({});
        if link.purpose == LinkPurpose::PasswordReset {
            let ended = sessions::revoke_all_of_user(conn, user.id, "password_reset", now)?;
            sessions::spend_account_tokens(conn, user.id, LinkPurpose::PasswordReset, now)?;
            details = serde_json::json!({ "sessions_ended": ended });
        }
        let e = event(link.code, ActionKind::Update, Outcome::Success, ctx)?
            .with_actor(user_actor(user.id, user.agency_id, user.role))
            .with_object("user", user.id)
            .with_details(details);
        record(conn, &e, now)?;
        Ok(user)
    });
    match done {
        Ok(user) => Ok(user),
        Err(Refusal::InvalidToken) => {
            refuse(conn, link.code, None, "invalid_token", ctx, now)?;
            Err(AuthError::InvalidCredentials)
        }
        Err(Refusal::Deactivated(user)) => {
            refuse(conn, link.code, Some(&user), "deactivated", ctx, now)?;
            Err(AuthError::InvalidCredentials)
        }
        Err(Refusal::Rejected(user, e)) => {
            refuse(conn, link.code, Some(&user), "password_rejected", ctx, now)?;
            Err(e)
        }
        Err(Refusal::Failed(e)) => Err(e),
    }
}

/// Records a refused request or use of a link (the reason is never shown to the
/// client).
fn refuse(
    conn: &mut DbConn,
    code: &str,
    user: Option<&User>,
    reason: &str,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    write_tx(conn, |conn| {
        record_refusal(conn, code, user, reason, ctx, now)
    })
}

/// Records a refusal in the current transaction.
fn record_refusal(
    conn: &mut DbConn,
    code: &str,
    user: Option<&User>,
    reason: &str,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    let mut e = event(code, ActionKind::Update, Outcome::Failure, ctx)?
        .with_details(serde_json::json!({ "reason": reason }));
    if let Some(u) = user {
        e = e
            .with_actor(user_actor(u.id, u.agency_id, u.role))
            .with_object("user", u.id);
    }
    record(conn, &e, now)
}

/// Why a link's transaction was rolled back.
enum Refusal {
    InvalidToken,
    Deactivated(Box<User>),
    Rejected(Box<User>, AuthError),
    Failed(AuthError),
}

impl From<AuthError> for Refusal {
    fn from(e: AuthError) -> Self {
        Refusal::Failed(e)
    }
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Refusal::Failed(e.into())
    }
}
