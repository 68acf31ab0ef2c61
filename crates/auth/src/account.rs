//! One's own account: reading it, setting one's preferences (language, notifications)
//! and changing one's password.
//!
//! What it hands to the edges is a view ([`SignedIn`], [`Account`], [`OwnAgency`]):
//! never the stored row, so no password hash or TOTP secret travels into a page handler
//! or a response.

use crate::events::{actor, event, record};
use crate::throttle::reserve_attempt;
use crate::{AuthConfig, AuthError, RequestContext, password};
use chrono::{DateTime, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::{Actor, AgencyId, AgencyKind, Region, Role, UserId};
use schakel_store::agencies::{self, Agency};
use schakel_store::sessions::FailureKind;
use schakel_store::users::{self, User};
use schakel_store::{DbConn, sessions, write_tx};
use secrecy::{ExposeSecret, SecretString};

/// One's own account as pages and `/me` show it: no password hash, no TOTP secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    /// The user's id.
    pub id: UserId,
    /// The user's agency.
    pub agency_id: AgencyId,
    /// The email address one logs in with.
    pub email: String,
    /// The name shown to colleagues.
    pub display_name: String,
    /// The role.
    pub role: Role,
    /// The language of pages and emails (`en`, `nl`).
    pub locale: String,
    /// How notifications arrive (`immediate`, `digest`).
    pub notify: String,
    /// Whether an authenticator is enrolled and confirmed as a second factor.
    pub second_factor_enrolled: bool,
}

/// Personal data (email, name) stays out of logs and panics, as with the stored user.
impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("agency_id", &self.agency_id)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

impl From<&User> for Account {
    fn from(u: &User) -> Self {
        Account {
            id: u.id,
            agency_id: u.agency_id,
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            locale: u.locale.clone(),
            notify: u.notify.clone(),
            second_factor_enrolled: u.totp_confirmed,
        }
    }
}

/// The agency of one's own account, as far as its members see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnAgency {
    /// The agency's id.
    pub id: AgencyId,
    /// Its name.
    pub name: String,
    /// What kind of agency it is.
    pub kind: AgencyKind,
    /// Where it works.
    pub region: Region,
    /// Whether it is active.
    pub active: bool,
}

impl From<&Agency> for OwnAgency {
    fn from(a: &Agency) -> Self {
        OwnAgency {
            id: a.id,
            name: a.name.clone(),
            kind: a.kind,
            region: a.region,
            active: a.active,
        }
    }
}

/// The signed-in user and their agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// The user's own account.
    pub account: Account,
    /// The user's agency.
    pub agency: OwnAgency,
}

/// The actor's account and agency, as they are now. Not audited: it reads only what
/// the actor may always see of themselves.
pub fn signed_in(conn: &mut DbConn, who: &Actor) -> Result<SignedIn, AuthError> {
    let (user, agency) = own_rows(conn, who)?;
    Ok(SignedIn {
        account: Account::from(&user),
        agency: OwnAgency::from(&agency),
    })
}

/// The actor's stored user and agency, for the use cases of this module alone.
fn own_rows(conn: &mut DbConn, who: &Actor) -> Result<(User, Agency), AuthError> {
    let user = users::find(conn, who.user_id)?;
    let agency = agencies::find(conn, user.agency_id)?;
    Ok((user, agency))
}

/// Sets the actor's language (`en`, `nl`) and how notifications arrive (`immediate`,
/// `digest`); `None` leaves one as it is. Audited. Answers the account as changed.
pub fn set_preferences(
    conn: &mut DbConn,
    who: &Actor,
    locale: Option<&str>,
    notify: Option<&str>,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<Account, AuthError> {
    write_tx(conn, |conn| {
        if let Some(l) = locale {
            users::set_locale(conn, who.user_id, l, now)?;
        }
        if let Some(n) = notify {
            users::set_notify(conn, who.user_id, n, now)?;
        }
        let e = event(
            "auth.preferences",
            ActionKind::Update,
            Outcome::Success,
            ctx,
        )?
        .with_actor(actor(who))
        .with_object("user", who.user_id)
        .with_details(serde_json::json!({ "locale": locale, "notify": notify }));
        record(conn, &e, now)?;
        Ok(Account::from(&users::find(conn, who.user_id)?))
    })
}

/// Checks a new password against the policy with the user's own context.
pub fn check_new_password(
    user: &User,
    agency: &Agency,
    new: &SecretString,
) -> Result<(), AuthError> {
    let context = [
        user.email.as_str(),
        user.display_name.as_str(),
        agency.name.as_str(),
    ];
    password::check_policy(new.expose_secret(), &context).map_err(AuthError::PasswordRejected)
}

/// Changes the actor's password after checking the current one; every other session of
/// the user ends. A wrong current password counts as a failed login and the check is
/// throttled as logins are (same count), so a session left open does not allow
/// guessing the password. Hashing runs on the calling thread: use a blocking pool.
pub fn change_password(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    who: &Actor,
    current: &SecretString,
    new: &SecretString,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    let (user, agency) = own_rows(conn, who)?;
    let refused = |conn: &mut DbConn, reason: &str| {
        write_tx(conn, |conn| {
            let e = event(
                "auth.password_change",
                ActionKind::Update,
                Outcome::Failure,
                ctx,
            )?
            .with_actor(actor(who))
            .with_object("user", who.user_id)
            .with_details(serde_json::json!({ "reason": reason }));
            record(conn, &e, now)
        })?;
        Err(AuthError::InvalidCredentials)
    };
    let Some(stored) = user.password_hash.as_deref() else {
        return refused(conn, "no_password");
    };
    let Some(attempt) = reserve_attempt(conn, cfg, user.id, FailureKind::Password, None, now)?
    else {
        password::verify_dummy(current);
        return refused(conn, "throttled");
    };
    if !password::verify(stored, current).matches {
        return refused(conn, "wrong_current_password");
    }
    if let Err(e) = check_new_password(&user, &agency, new) {
        // The current password was right: this attempt is no failed guess.
        write_tx(conn, |conn| sessions::forget_login_failure(conn, &attempt))?;
        return Err(e);
    }
    let hash = password::hash(new)?;
    write_tx(conn, |conn| {
        users::set_password_hash(conn, user.id, &hash, now)?;
        sessions::clear_login_failures(conn, user.id, FailureKind::Password)?;
        // Every other session ends; the one that made the change stays.
        let ended =
            sessions::revoke_others(conn, user.id, who.session_id, "password_changed", now)?;
        let e = event(
            "auth.password_change",
            ActionKind::Update,
            Outcome::Success,
            ctx,
        )?
        .with_actor(actor(who))
        .with_object("user", who.user_id)
        .with_details(serde_json::json!({ "other_sessions_ended": ended }));
        record(conn, &e, now)
    })
}
