//! Logging in: password, throttling, the second factor, and the session it opens.
//!
//! Unknown account, wrong password, deactivated account, throttled or locked account:
//! all answer [`AuthError::InvalidCredentials`] after the same argon2 work, so neither
//! the answer nor its timing tells whether an account exists. Failed passwords and
//! failed codes are counted per account, each apart (see [`crate::throttle`]): a correct
//! password does not clear the code failures, so a stolen password buys no fresh code
//! guesses. A session that has given `codes_per_session` wrong codes ends.

use crate::events::{event, record, user_actor};
use crate::throttle::{reserve_attempt, throttled};
use crate::{AuthConfig, AuthError, RequestContext, password, secret_token};
use chrono::{DateTime, Duration, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::SessionId;
use schakel_store::sessions::{self, FailureId, FailureKind, Session};
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
pub struct LoginSuccess {
    /// The new session.
    pub session: Session,
    /// The opaque refresh token; only its hash is stored.
    pub refresh_token: String,
    /// What the session still needs before it may do anything but give its second
    /// factor.
    pub mfa: MfaState,
}

/// Secrets (passwords, tokens, codes, enrolment URIs) never reach logs or panics.
impl std::fmt::Debug for LoginSuccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginSuccess")
            .field("session", &self.session.id)
            .field("mfa", &self.mfa)
            .finish_non_exhaustive()
    }
}

/// A login under way: the account found (or not) and the attempt counted, before the
/// password is checked. Made by [`begin`]; the check ([`Attempt::check`]) needs no
/// database and runs on the hashing threads; [`finish`] opens the session or records
/// the failure.
pub struct Attempt {
    user: Option<User>,
    /// What the check compares the password with: the stored hash, or nothing (the
    /// same work against a dummy hash).
    stored: Option<String>,
    /// Why the login fails whatever the password, when it does.
    fails: Option<&'static str>,
    /// The attempt counted in advance against the password throttle.
    counted: Option<FailureId>,
}

/// Secrets (password hashes) never reach logs or panics.
impl std::fmt::Debug for Attempt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attempt")
            .field("user", &self.user.as_ref().map(|u| u.id))
            .field("fails", &self.fails)
            .finish_non_exhaustive()
    }
}

/// The outcome of the password check: whether it matched, and the new hash when the
/// stored one is weaker than today's parameters.
#[derive(Debug)]
pub struct Checked {
    matches: bool,
    rehash: Option<String>,
}

impl Attempt {
    /// Checks the password (argon2: about 40 ms of a core, the same for a known or an
    /// unknown account); on a match with a hash weaker than the policy, hashes anew.
    pub fn check(&self, password: &SecretString) -> Result<Checked, AuthError> {
        let Some(stored) = self.stored.as_deref() else {
            password::verify_dummy(password);
            return Ok(Checked {
                matches: false,
                rehash: None,
            });
        };
        let verified = password::verify(stored, password);
        let rehash = if verified.matches && verified.needs_rehash && self.fails.is_none() {
            Some(password::hash(password)?)
        } else {
            None
        };
        Ok(Checked {
            matches: verified.matches,
            rehash,
        })
    }
}

/// Finds the account of `email` and counts the attempt against its throttle, before
/// the password is checked (so parallel guesses cannot all pass the throttle).
pub fn begin(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Attempt, AuthError> {
    let Some(user) = users::find_by_email(conn, email)? else {
        return Ok(Attempt {
            user: None,
            stored: None,
            fails: Some("unknown_account"),
            counted: None,
        });
    };
    let Some(stored) = user.password_hash.clone() else {
        return Ok(Attempt {
            user: Some(user),
            stored: None,
            fails: Some("no_password"),
            counted: None,
        });
    };
    let Some(counted) = reserve_attempt(conn, cfg, user.id, FailureKind::Password, None, now)?
    else {
        return Ok(Attempt {
            user: Some(user),
            stored: None,
            fails: Some("throttled"),
            counted: None,
        });
    };
    let fails = (!user.active).then_some("deactivated");
    Ok(Attempt {
        user: Some(user),
        stored: Some(stored),
        fails,
        counted: Some(counted),
    })
}

/// Opens the session of an attempt whose password matched, or records the failure and
/// answers [`AuthError::InvalidCredentials`] as every failure does.
pub fn finish(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    attempt: Attempt,
    checked: Checked,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<LoginSuccess, AuthError> {
    let Attempt {
        user,
        fails,
        counted,
        ..
    } = attempt;
    let Some(user) = user else {
        return fail(
            conn,
            None,
            None,
            fails.unwrap_or("unknown_account"),
            ctx,
            now,
        );
    };
    match (fails, checked.matches) {
        // Throttled, or no password: the check was the dummy's.
        (Some(reason), _) if counted.is_none() => {
            return fail(conn, Some(&user), None, reason, ctx, now);
        }
        (_, false) => return fail(conn, Some(&user), None, "wrong_password", ctx, now),
        // The password was right: the attempt is not a guess of it.
        (Some(reason), true) => return fail(conn, Some(&user), counted.as_ref(), reason, ctx, now),
        (None, true) => {}
    }
    let rehash = checked.rehash;
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
        // The password failures (this attempt's among them); code failures stay until
        // a code is accepted.
        sessions::clear_login_failures(conn, user.id, FailureKind::Password)?;
        let expires = now + Duration::seconds(cfg.absolute_lifetime_secs);
        let origin = sessions::Origin {
            source_ip: ctx.source_ip.map(|ip| ip.to_string()),
            user_agent: ctx.user_agent.clone(),
        };
        let done = mfa == MfaState::Done;
        let session = sessions::create(conn, user.id, done, (now, expires), &origin)?;
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

/// Checks email and password and opens a session, all on the calling thread (the
/// password check among it: run this on a blocking pool). A server splits it instead:
/// [`begin`], the check on the hashing threads, [`finish`].
pub fn login(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    email: &str,
    password: &SecretString,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<LoginSuccess, AuthError> {
    let attempt = begin(conn, cfg, email, now)?;
    let checked = attempt.check(password)?;
    finish(conn, cfg, attempt, checked, ctx, now)
}

/// Records a failed attempt (taking back `uncount`, an attempt counted in advance that
/// failed for another reason than its password) and answers as every failure does.
fn fail<T>(
    conn: &mut DbConn,
    user: Option<&User>,
    uncount: Option<&FailureId>,
    reason: &str,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<T, AuthError> {
    write_tx(conn, |conn| {
        let mut e = event("auth.login", ActionKind::Create, Outcome::Failure, ctx)?
            .with_details(serde_json::json!({ "reason": reason }));
        if let Some(id) = uncount {
            sessions::forget_login_failure(conn, id)?;
        }
        if let Some(user) = user {
            e = e
                .with_actor(user_actor(user.id, user.agency_id, user.role))
                .with_object("user", user.id);
        }
        record(conn, &e, now)?;
        Ok::<_, AuthError>(())
    })?;
    Err(AuthError::InvalidCredentials)
}

pub use crate::enrol::begin_totp_enrolment;

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
        let user_id = sessions::find(conn, session)?.user_id;
        // One code check at a time per account: the count below is read and written
        // under this lock, and the session is read again after it.
        users::lock(conn, user_id)?;
        let s = sessions::find(conn, session)?;
        if s.revoked_at.is_some() {
            return Err(AuthError::InvalidToken);
        }
        let user = users::find(conn, s.user_id)?;
        let audit = |conn: &mut DbConn, outcome, details| {
            let e = event("auth.mfa_verify", ActionKind::Update, outcome, ctx)?
                .with_actor(user_actor(user.id, user.agency_id, user.role))
                .with_object("session", s.id)
                .with_details(details);
            record(conn, &e, now)
        };
        if throttled(conn, cfg, user.id, FailureKind::Code, now)? {
            audit(
                conn,
                Outcome::Denied,
                serde_json::json!({ "reason": "throttled" }),
            )?;
            return Ok(false);
        }
        if check_code(conn, cfg, &s, &user, code, now)? {
            sessions::mark_mfa_verified(conn, s.id, now)?;
            sessions::clear_login_failures(conn, user.id, FailureKind::Code)?;
            let details = if crate::recovery_codes::looks_like(code) {
                let left = schakel_store::recovery_codes::unused(conn, user.id)?;
                serde_json::json!({ "method": "recovery_code", "recovery_codes_left": left })
            } else {
                serde_json::json!({ "method": "app" })
            };
            audit(conn, Outcome::Success, details)?;
            return Ok(true);
        }
        sessions::record_login_failure(conn, user.id, FailureKind::Code, Some(s.id), now)?;
        // A session that has guessed enough ends: more guesses need the password again.
        let tried = sessions::code_failures_of_session(conn, user.id, s.id)?;
        let ended = tried >= cfg.codes_per_session;
        if ended {
            sessions::revoke(conn, s.id, "too_many_codes", now)?;
        }
        let details = serde_json::json!({ "reason": "wrong_code", "session_ended": ended });
        audit(conn, Outcome::Failure, details)?;
        Ok::<_, AuthError>(false)
    })?;
    if outcome {
        Ok(())
    } else {
        Err(AuthError::InvalidCode)
    }
}

/// Whether `code` is the user's current code and not used before (or one of their
/// unused recovery codes, which it spends); an accepted app code moves the user's last
/// step forward (and confirms a new enrolment). In a complete
/// session with a new authenticator pending, the code must come from the new one, and
/// confirms it in place of the old.
fn check_code(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    session: &Session,
    user: &User,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, AuthError> {
    if session.mfa_verified && user.totp_pending_secret.is_some() {
        return crate::enrol::confirm_pending(conn, cfg, user, code, now);
    }
    if crate::recovery_codes::looks_like(code) {
        // In place of the app's code, for a confirmed authenticator only; used once.
        return if user.totp_confirmed {
            crate::recovery_codes::spend(conn, user.id, code, now)
        } else {
            Ok(false)
        };
    }
    let secret = totp_secret(cfg, user);
    let step =
        secret.and_then(|secret| crate::totp::verify(&secret, code, now, user.totp_last_step));
    match step {
        Ok(step) => match users::accept_totp_step(conn, user.id, step, !user.totp_confirmed, now) {
            Ok(()) => Ok(true),
            Err(schakel_store::StoreError::Conflict(_)) => Ok(false),
            Err(e) => Err(e.into()),
        },
        Err(AuthError::InvalidCode) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The user's enrolled TOTP secret, decrypted. No secret is [`AuthError::InvalidCode`];
/// one that cannot be decrypted (a missing key, a tampered value) is a setup error.
pub fn totp_secret(cfg: &AuthConfig, user: &User) -> Result<Vec<u8>, AuthError> {
    use secrecy::ExposeSecret;
    let sealed = user.totp_secret.as_deref().ok_or(AuthError::InvalidCode)?;
    let plain = cfg
        .data_keys
        .decrypt(sealed, &crate::totp::totp_aad(user.id))
        .map_err(|e| AuthError::Setup(format!("opening the TOTP secret: {e}")))?;
    hex::decode(plain.expose_secret())
        .map_err(|_| AuthError::Setup("a stored TOTP secret is not hex".into()))
}
