//! Logging in: password, throttling, the second factor, and the session it opens.
//!
//! Unknown account, wrong password, deactivated account, throttled or locked account:
//! all answer [`AuthError::InvalidCredentials`] after the same argon2 work, so neither
//! the answer nor its timing tells whether an account exists. Failed attempts are
//! counted per account; after `free_failures` in an hour each further attempt must wait
//! twice as long as the one before (up to `max_delay_secs`), and after
//! `max_failures_per_hour` none is considered until the oldest failure is an hour old.
//! Attempts refused by the throttle are not counted, so the lock ends by itself.

use crate::events::{event, record, user_actor};
use crate::{AuthConfig, AuthError, RequestContext, password, secret_token};
use chrono::{DateTime, Duration, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::{SessionId, UserId};
use schakel_store::sessions::{self, Session};
use schakel_store::users::{self, User};
use schakel_store::{DbConn, write_tx};
use secrecy::SecretString;

/// What the second factor of a new session needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MfaState {
    /// Nothing more: the session is complete.
    Done,
    /// A code from the enrolled authenticator.
    Verify,
    /// Enrolment first (no authenticator yet), then a code.
    Enrol,
}

/// A session opened by a login: the refresh token (given once) and the session.
#[derive(Debug)]
pub struct LoginSuccess {
    /// The new session.
    pub session: Session,
    /// The opaque refresh token; only its hash is stored.
    pub refresh_token: String,
    /// What the session still needs before it may do anything but give its second
    /// factor.
    pub mfa: MfaState,
}

/// Whether an account's failures allow another attempt at `now`.
fn throttled(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<bool, AuthError> {
    let (count, last) = sessions::login_failures_since(conn, user, now - Duration::hours(1))?;
    if count >= cfg.max_failures_per_hour.min(100) {
        return Ok(true);
    }
    if count < cfg.free_failures {
        return Ok(false);
    }
    let exponent = u32::try_from((count - cfg.free_failures).min(30)).unwrap_or(30);
    let delay = 2_i64.saturating_pow(exponent).min(cfg.max_delay_secs);
    Ok(last.is_some_and(|last| now < last + Duration::seconds(delay)))
}

/// Checks email and password and opens a session. The password is checked on the
/// calling thread: run this on a blocking pool.
pub fn login(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    email: &str,
    password: &SecretString,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<LoginSuccess, AuthError> {
    let user = users::find_by_email(conn, email)?;
    let Some(user) = user else {
        password::verify_dummy(password);
        return fail(conn, None, "unknown_account", ctx, now);
    };
    if throttled(conn, cfg, user.id, now)? {
        password::verify_dummy(password);
        return fail(conn, Some((&user, false)), "throttled", ctx, now);
    }
    let Some(stored) = user.password_hash.as_deref() else {
        password::verify_dummy(password);
        return fail(conn, Some((&user, false)), "no_password", ctx, now);
    };
    let verified = password::verify(stored, password);
    if !verified.matches {
        return fail(conn, Some((&user, true)), "wrong_password", ctx, now);
    }
    if !user.active {
        return fail(conn, Some((&user, false)), "deactivated", ctx, now);
    }
    let rehash = if verified.needs_rehash {
        Some(password::hash(password)?)
    } else {
        None
    };
    let mfa = if !cfg.mfa_required.contains(&user.role) {
        MfaState::Done
    } else if user.totp_confirmed {
        MfaState::Verify
    } else {
        MfaState::Enrol
    };
    let token = secret_token::generate();
    let session = write_tx(conn, |conn| {
        if let Some(hash) = &rehash {
            users::set_password_hash(conn, user.id, hash, now)?;
        }
        sessions::clear_login_failures(conn, user.id)?;
        let expires = now + Duration::seconds(cfg.absolute_lifetime_secs);
        let session = sessions::create(conn, user.id, mfa == MfaState::Done, now, expires)?;
        sessions::add_refresh_token(conn, session.id, &token.hash, now)?;
        let e = event("auth.login", ActionKind::Create, Outcome::Success, ctx)?
            .with_actor(user_actor(user.id, user.agency_id, user.role))
            .with_object("session", session.id)
            .with_details(serde_json::json!({
                "mfa": match mfa { MfaState::Done => "not_required", MfaState::Verify => "pending", MfaState::Enrol => "enrol" },
                "rehashed": rehash.is_some(),
            }));
        record(conn, &e, now)?;
        Ok::<_, AuthError>(session)
    })?;
    Ok(LoginSuccess {
        session,
        refresh_token: token.token,
        mfa,
    })
}

/// Records a failed attempt (counting it against the account when `count` is set) and
/// answers as every failure does.
fn fail<T>(
    conn: &mut DbConn,
    user: Option<(&User, bool)>,
    reason: &str,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<T, AuthError> {
    write_tx(conn, |conn| {
        let mut e = event("auth.login", ActionKind::Create, Outcome::Failure, ctx)?
            .with_details(serde_json::json!({ "reason": reason }));
        if let Some((user, count)) = user {
            if count {
                sessions::record_login_failure(conn, user.id, now)?;
            }
            e = e
                .with_actor(user_actor(user.id, user.agency_id, user.role))
                .with_object("user", user.id);
        }
        record(conn, &e, now)?;
        Ok::<_, AuthError>(())
    })?;
    Err(AuthError::InvalidCredentials)
}

/// Starts (or restarts) authenticator enrolment for the session's user; returns the
/// `otpauth://` URI. Refused when the user already has a confirmed authenticator and the
/// session has not given it: a password alone never replaces a second factor.
pub fn begin_totp_enrolment(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    session: SessionId,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<String, AuthError> {
    write_tx(conn, |conn| {
        let s = sessions::find(conn, session)?;
        let user = users::find(conn, s.user_id)?;
        if user.totp_confirmed && !s.mfa_verified {
            return Err(AuthError::InvalidCode);
        }
        let secret = crate::totp::new_secret();
        let sealed = cfg
            .data_keys
            .encrypt(&hex::encode(&secret), &totp_aad(user.id))
            .map_err(|e| AuthError::Setup(format!("sealing the TOTP secret: {e}")))?;
        users::set_totp_secret(conn, user.id, &sealed, now)?;
        let e = event("auth.mfa_enrol", ActionKind::Update, Outcome::Success, ctx)?
            .with_actor(user_actor(user.id, user.agency_id, user.role))
            .with_object("user", user.id);
        record(conn, &e, now)?;
        crate::totp::otpauth_uri(&secret, &user.email, &cfg.totp_issuer)
    })
}

/// Checks a one-time code for the session's user: completes the session's second factor
/// and, on first use, confirms the enrolment. A code is accepted once.
pub fn verify_totp(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    session: SessionId,
    code: &str,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    let outcome = write_tx(conn, |conn| {
        let s = sessions::find(conn, session)?;
        let user = users::find(conn, s.user_id)?;
        if throttled(conn, cfg, user.id, now)? {
            let e = event("auth.mfa_verify", ActionKind::Update, Outcome::Denied, ctx)?
                .with_actor(user_actor(user.id, user.agency_id, user.role))
                .with_object("session", s.id)
                .with_details(serde_json::json!({ "reason": "throttled" }));
            record(conn, &e, now)?;
            return Ok(false);
        }
        let secret = totp_secret(cfg, &user);
        let step =
            secret.and_then(|secret| crate::totp::verify(&secret, code, now, user.totp_last_step));
        let accepted = match step {
            Ok(step) => {
                match users::accept_totp_step(conn, user.id, step, !user.totp_confirmed, now) {
                    Ok(()) => true,
                    Err(schakel_store::StoreError::Conflict(_)) => false,
                    Err(e) => return Err(e.into()),
                }
            }
            Err(AuthError::InvalidCode) => false,
            Err(e) => return Err(e),
        };
        let outcome = if accepted {
            Outcome::Success
        } else {
            Outcome::Failure
        };
        if accepted {
            sessions::mark_mfa_verified(conn, s.id, now)?;
        } else {
            sessions::record_login_failure(conn, user.id, now)?;
        }
        let e = event("auth.mfa_verify", ActionKind::Update, outcome, ctx)?
            .with_actor(user_actor(user.id, user.agency_id, user.role))
            .with_object("session", s.id);
        record(conn, &e, now)?;
        Ok::<_, AuthError>(accepted)
    })?;
    if outcome {
        Ok(())
    } else {
        Err(AuthError::InvalidCode)
    }
}

/// Where a TOTP secret is stored, bound into its encryption.
fn totp_aad(user: UserId) -> String {
    schakel_crypto::field_aad("users", "totp_secret", &user.to_string())
}

/// The user's enrolled TOTP secret, decrypted. No secret is [`AuthError::InvalidCode`];
/// one that cannot be decrypted (a missing key, a tampered value) is a setup error.
pub fn totp_secret(cfg: &AuthConfig, user: &User) -> Result<Vec<u8>, AuthError> {
    use secrecy::ExposeSecret;
    let sealed = user.totp_secret.as_deref().ok_or(AuthError::InvalidCode)?;
    let plain = cfg
        .data_keys
        .decrypt(sealed, &totp_aad(user.id))
        .map_err(|e| AuthError::Setup(format!("opening the TOTP secret: {e}")))?;
    hex::decode(plain.expose_secret())
        .map_err(|_| AuthError::Setup("a stored TOTP secret is not hex".into()))
}
