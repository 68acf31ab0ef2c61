//! Throttling of failed attempts per account, one count per kind of secret.
//!
//! Failed passwords and failed authenticator codes are counted apart: a correct
//! password clears only the password count, a correct code only the code count. After
//! `free_failures` of a kind in an hour each further attempt must wait twice as long as
//! the one before (up to `max_delay_secs`), and after `max_failures_per_hour` none is
//! considered until the oldest failure is an hour old. Attempts refused by the throttle
//! are not counted, so the lock ends by itself.
//!
//! Checking and counting are one step: [`reserve_attempt`] locks the user's row, checks
//! the count and counts the attempt as a failure before the secret is checked, so that
//! parallel requests cannot all slip under the limit; a success takes it back.

use crate::{AuthConfig, AuthError};
use chrono::{DateTime, Duration, Utc};
use schakel_domain::{SessionId, UserId};
use schakel_store::sessions::{self, FailureId, FailureKind};
use schakel_store::{DbConn, users, write_tx};

/// Whether an account's failures of `kind` allow another attempt at `now`. Call with
/// the user's row locked when the answer leads to counting.
pub(crate) fn throttled(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    user: UserId,
    kind: FailureKind,
    now: DateTime<Utc>,
) -> Result<bool, AuthError> {
    let (count, last) = sessions::login_failures_since(conn, user, kind, now - Duration::hours(1))?;
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

/// Checks the throttle and, if it allows an attempt, counts the attempt as a failure in
/// the same transaction with the user's row locked. `None`: throttled, nothing counted.
/// Check the secret afterwards; on success clear the failures of the kind (or take this
/// one back with [`sessions::forget_login_failure`]).
pub(crate) fn reserve_attempt(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    user: UserId,
    kind: FailureKind,
    session: Option<SessionId>,
    now: DateTime<Utc>,
) -> Result<Option<FailureId>, AuthError> {
    write_tx(conn, |conn| {
        users::lock(conn, user)?;
        if throttled(conn, cfg, user, kind, now)? {
            return Ok(None);
        }
        Ok(Some(sessions::record_login_failure(
            conn, user, kind, session, now,
        )?))
    })
}
