//! Using a session: turning an access token into an actor, refreshing, logging out.
//!
//! Every request reads the session and the user, so logout, deactivation and a change
//! of role take effect on the next request, whatever tokens are still in circulation.
//! Refresh tokens rotate on every use; a spent one presented again means it was copied,
//! and the whole session is revoked.

use crate::events::{actor, event, record, user_actor};
use crate::jwt::Keyring;
use crate::login::MfaState;
use crate::{AuthConfig, AuthError, RequestContext, secret_token};
use chrono::{DateTime, Duration, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::{Actor, SessionId};
use schakel_store::sessions::{self, RefreshLookup, Session};
use schakel_store::users::{self, User};
use schakel_store::{DbConn, StoreError, write_tx};

/// Seconds between two recordings of a session's activity, at most: a session records
/// its activity at least four times per idle timeout, so that a short timeout still
/// counts from the last request within a quarter of it.
const TOUCH_EVERY_SECS: i64 = 60;

/// How long a session's recorded activity may lag behind its requests.
fn touch_every(cfg: &AuthConfig) -> i64 {
    TOUCH_EVERY_SECS.min(cfg.idle_timeout_secs / 4).max(1)
}

/// Seconds a session surely stays live after a request, without another one: the idle
/// timeout less how far its recorded activity may lag behind.
pub fn lives_at_least(cfg: &AuthConfig) -> i64 {
    cfg.idle_timeout_secs - touch_every(cfg)
}

/// An authenticated request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authenticated {
    /// Who is asking.
    pub actor: Actor,
    /// The session has not yet given its second factor: only the second-factor
    /// endpoints may be used.
    pub mfa_pending: bool,
}

/// A fresh pair of tokens.
pub struct Tokens {
    /// The short-lived access JWT.
    pub access_token: String,
    /// Seconds until it expires.
    pub expires_in: i64,
    /// The opaque refresh token (rotated on use).
    pub refresh_token: String,
    /// What the session still needs before it may do anything but give its second
    /// factor, as it is now.
    pub mfa: MfaState,
}

/// Secrets (passwords, tokens, codes, enrolment URIs) never reach logs or panics.
impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// Issues an access token for a session.
pub fn access_token(
    keyring: &Keyring,
    cfg: &AuthConfig,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<String, AuthError> {
    keyring.issue(
        &session.user_id.to_string(),
        &session.id.to_string(),
        now,
        cfg.access_ttl_secs,
    )
}

/// Whether a session may still be used at `now`.
fn live(session: &Session, cfg: &AuthConfig, now: DateTime<Utc>) -> bool {
    session.revoked_at.is_none()
        && now < session.expires_at
        && now < session.last_seen_at + Duration::seconds(cfg.idle_timeout_secs)
}

pub(crate) fn find_live(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    id: SessionId,
    now: DateTime<Utc>,
) -> Result<(Session, User), AuthError> {
    let (session, user) = match sessions::find_with_user(conn, id) {
        Ok(found) => found,
        Err(StoreError::NotFound) => return Err(AuthError::InvalidToken),
        Err(e) => return Err(e.into()),
    };
    if !live(&session, cfg, now) || !user.active {
        return Err(AuthError::InvalidToken);
    }
    Ok((session, user))
}

/// Turns an access token into the actor, checking the session and the user as they are
/// now.
pub fn authenticate(
    conn: &mut DbConn,
    keyring: &Keyring,
    cfg: &AuthConfig,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Authenticated, AuthError> {
    let claims = keyring.verify(token, now)?;
    let sid: SessionId = claims.sid.parse().map_err(|_| AuthError::InvalidToken)?;
    let (session, user) = find_live(conn, cfg, sid, now)?;
    if session.user_id.to_string() != claims.sub {
        return Err(AuthError::InvalidToken);
    }
    actor_of(conn, cfg, &session, &user, now)
}

/// Turns a live session into its actor, noting the activity now and then.
pub(crate) fn actor_of(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    session: &Session,
    user: &User,
    now: DateTime<Utc>,
) -> Result<Authenticated, AuthError> {
    if now >= session.last_seen_at + Duration::seconds(touch_every(cfg)) {
        sessions::touch(conn, session.id, now)?;
    }
    let mfa_pending = !session.mfa_verified && cfg.mfa_required.contains(&user.role);
    Ok(Authenticated {
        actor: Actor {
            user_id: user.id,
            agency_id: user.agency_id,
            role: user.role,
            session_id: session.id,
        },
        mfa_pending,
    })
}

/// Exchanges a refresh token for a new pair. A spent token revokes its session.
pub fn refresh(
    conn: &mut DbConn,
    keyring: &Keyring,
    cfg: &AuthConfig,
    refresh_token: &str,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<Tokens, AuthError> {
    let presented = secret_token::hash(refresh_token);
    let next = secret_token::generate();
    let result = write_tx(conn, |conn| {
        let session_id = match sessions::spend_refresh_token(conn, &presented, now)? {
            RefreshLookup::Unknown => return Ok(Err(AuthError::InvalidToken)),
            RefreshLookup::Spent(id) => {
                sessions::revoke(conn, id, "refresh_token_reuse", now)?;
                let s = sessions::find(conn, id)?;
                let u = users::find(conn, s.user_id)?;
                let e = event("auth.refresh", ActionKind::Update, Outcome::Denied, ctx)?
                    .with_actor(user_actor(u.id, u.agency_id, u.role))
                    .with_object("session", id)
                    .with_details(serde_json::json!({ "reason": "reuse_revoked_session" }));
                record(conn, &e, now)?;
                return Ok(Err(AuthError::InvalidToken));
            }
            RefreshLookup::Fresh(id) => id,
        };
        let (session, user) = match find_live(conn, cfg, session_id, now) {
            Ok(found) => found,
            Err(AuthError::InvalidToken) => return Ok(Err(AuthError::InvalidToken)),
            Err(e) => return Err(e),
        };
        sessions::add_refresh_token(conn, session.id, &next.hash, now)?;
        sessions::touch(conn, session.id, now)?;
        let e = event("auth.refresh", ActionKind::Update, Outcome::Success, ctx)?
            .with_actor(user_actor(user.id, user.agency_id, user.role))
            .with_object("session", session.id);
        record(conn, &e, now)?;
        let mfa = mfa_state(cfg, &session, &user);
        Ok(Ok((session, mfa)))
    })?;
    // A refused refresh still commits its audit entry and revocation.
    let (session, mfa) = result?;
    Ok(Tokens {
        access_token: access_token(keyring, cfg, &session, now)?,
        expires_in: cfg.access_ttl_secs,
        refresh_token: next.token,
        mfa,
    })
}

/// What a session still owes: nothing once its second factor is given or when the
/// role needs none; else a code, or first an enrolment.
pub fn mfa_state(cfg: &AuthConfig, session: &Session, user: &User) -> MfaState {
    if session.mfa_verified || !cfg.mfa_required.contains(&user.role) {
        MfaState::Done
    } else if user.totp_confirmed {
        MfaState::Verify
    } else {
        MfaState::Enrol
    }
}

/// Ends the actor's session.
pub fn logout(
    conn: &mut DbConn,
    who: &Actor,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    write_tx(conn, |conn| end_session(conn, who, ctx, now))
}

/// Revokes the actor's session and records it; the caller holds the transaction.
pub(crate) fn end_session(
    conn: &mut DbConn,
    who: &Actor,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    sessions::revoke(conn, who.session_id, "logout", now)?;
    let e = event("auth.logout", ActionKind::Update, Outcome::Success, ctx)?
        .with_actor(actor(who))
        .with_object("session", who.session_id);
    record(conn, &e, now)
}

/// Ends every session of the actor's account, this one included (a lost laptop, a
/// shared computer left signed in); returns how many ended.
pub fn logout_everywhere(
    conn: &mut DbConn,
    who: &Actor,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<usize, AuthError> {
    write_tx(conn, |conn| end_every_session(conn, who, ctx, now))
}

/// Revokes every session of the actor's account and records it; returns how many ended.
/// The caller holds the transaction.
pub(crate) fn end_every_session(
    conn: &mut DbConn,
    who: &Actor,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<usize, AuthError> {
    let ended = sessions::revoke_all_of_user(conn, who.user_id, "logout_everywhere", now)?;
    let e = event(
        "auth.logout_everywhere",
        ActionKind::Update,
        Outcome::Success,
        ctx,
    )?
    .with_actor(actor(who))
    .with_object("user", who.user_id)
    .with_details(serde_json::json!({ "sessions_ended": ended }));
    record(conn, &e, now)?;
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_of_tokens_holds_no_token() {
        let t = Tokens {
            access_token: "eyJ-secret-access".into(),
            expires_in: 900,
            refresh_token: "secret-refresh-token".into(),
            mfa: MfaState::Done,
        };
        let shown = format!("{t:?} {:?}", secret_token::generate());
        assert!(!shown.contains("secret-access"), "{shown}");
        assert!(!shown.contains("secret-refresh"), "{shown}");
        assert!(shown.contains("900"), "{shown}");
    }
}
