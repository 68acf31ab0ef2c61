//! Enrolling an authenticator app, and replacing an enrolled one.
//!
//! A first authenticator is stored at once and becomes the second factor with its first
//! code. Replacing a confirmed one needs a complete session *and* the current password
//! (counted and throttled like a login); the new secret then waits beside the old one,
//! which stays the second factor until a code from the new app is given. So a session
//! left open on a shared computer cannot swap the factor, and an abandoned enrolment
//! leaves the old app working.

use crate::events::{event, record, user_actor};
use crate::throttle::reserve_attempt;
use crate::totp::totp_aad;
use crate::{AuthConfig, AuthError, RequestContext, password};
use chrono::{DateTime, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::{SessionId, UserId};
use schakel_store::sessions::{self, FailureKind};
use schakel_store::users::{self, User};
use schakel_store::{DbConn, write_tx};
use secrecy::{ExposeSecret, SecretString};

/// Where a pending TOTP secret is stored, bound into its encryption.
fn pending_aad(user: UserId) -> String {
    schakel_crypto::field_aad("users", "totp_pending_secret", &user.to_string())
}

/// Starts (or restarts) authenticator enrolment for the session's user; returns the
/// `otpauth://` URI. With a confirmed authenticator the session must have given it
/// ([`AuthError::InvalidCode`] otherwise) and `password` must be the account's password
/// ([`AuthError::InvalidCredentials`] when missing, wrong or throttled). The password
/// is checked on the calling thread: run this on a blocking pool.
pub fn begin_totp_enrolment(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    session: SessionId,
    password: Option<&SecretString>,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<String, AuthError> {
    let s = sessions::find(conn, session)?;
    let user = users::find(conn, s.user_id)?;
    if !user.totp_confirmed {
        return enrol(conn, cfg, &user, false, ctx, now);
    }
    if !s.mfa_verified {
        return Err(AuthError::InvalidCode);
    }
    let Some(password) = password else {
        return refuse(conn, &user, "password_required", ctx, now);
    };
    let Some(stored) = user.password_hash.as_deref() else {
        return refuse(conn, &user, "no_password", ctx, now);
    };
    if reserve_attempt(conn, cfg, user.id, FailureKind::Password, None, now)?.is_none() {
        password::verify_dummy(password);
        return refuse(conn, &user, "throttled", ctx, now);
    }
    if !password::verify(stored, password).matches {
        return refuse(conn, &user, "wrong_password", ctx, now);
    }
    enrol(conn, cfg, &user, true, ctx, now)
}

/// Stores a new secret (pending beside a confirmed one when `replace`) and audits it.
fn enrol(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    user: &User,
    replace: bool,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<String, AuthError> {
    let secret = crate::totp::new_secret();
    let aad = if replace {
        pending_aad(user.id)
    } else {
        totp_aad(user.id)
    };
    let sealed = cfg
        .data_keys
        .encrypt(&hex::encode(&secret), &aad)
        .map_err(|e| AuthError::Setup(format!("sealing the TOTP secret: {e}")))?;
    write_tx(conn, |conn| {
        if replace {
            sessions::clear_login_failures(conn, user.id, FailureKind::Password)?;
            users::set_pending_totp_secret(conn, user.id, &sealed, now)?;
        } else {
            users::set_totp_secret(conn, user.id, &sealed, now)?;
        }
        let e = event("auth.mfa_enrol", ActionKind::Update, Outcome::Success, ctx)?
            .with_actor(user_actor(user.id, user.agency_id, user.role))
            .with_object("user", user.id)
            .with_details(serde_json::json!({ "replaces_confirmed": replace }));
        record(conn, &e, now)?;
        crate::totp::otpauth_uri(&secret, &user.email, &cfg.totp_issuer)
    })
}

/// Audits a refused re-enrolment and answers as a failed login does.
fn refuse<T>(
    conn: &mut DbConn,
    user: &User,
    reason: &str,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<T, AuthError> {
    write_tx(conn, |conn| {
        let e = event("auth.mfa_enrol", ActionKind::Update, Outcome::Failure, ctx)?
            .with_actor(user_actor(user.id, user.agency_id, user.role))
            .with_object("user", user.id)
            .with_details(serde_json::json!({ "reason": reason }));
        record(conn, &e, now)
    })?;
    Err(AuthError::InvalidCredentials)
}

/// Checks `code` against the user's pending authenticator; if it matches, the pending
/// one becomes the confirmed one (re-sealed for its column) and the old one is gone.
/// Call inside the transaction that holds the user's row.
pub(crate) fn confirm_pending(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    user: &User,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, AuthError> {
    let Some(sealed) = user.totp_pending_secret.as_deref() else {
        return Ok(false);
    };
    let plain = cfg
        .data_keys
        .decrypt(sealed, &pending_aad(user.id))
        .map_err(|e| AuthError::Setup(format!("opening the pending TOTP secret: {e}")))?;
    let secret = hex::decode(plain.expose_secret())
        .map_err(|_| AuthError::Setup("a stored TOTP secret is not hex".into()))?;
    let step = match crate::totp::verify(&secret, code, now, None) {
        Ok(step) => step,
        Err(AuthError::InvalidCode) => return Ok(false),
        Err(e) => return Err(e),
    };
    let resealed = cfg
        .data_keys
        .encrypt(plain.expose_secret(), &totp_aad(user.id))
        .map_err(|e| AuthError::Setup(format!("sealing the TOTP secret: {e}")))?;
    let step = step.max(user.totp_last_step.unwrap_or(step));
    users::confirm_pending_totp(conn, user.id, &resealed, step, now)?;
    Ok(true)
}
