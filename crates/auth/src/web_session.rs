//! Sessions in a browser: the same sessions as the API's, reached through an HttpOnly
//! cookie that holds a random token (only its hash is stored), with a CSRF token per
//! session that every form carries back. A session that ends for any reason (logout,
//! deactivation, a recovered password, idle or absolute timeout) ends the cookie's
//! access on the next request. Logging out here ends the session and forgets its
//! browser handles in one transaction.

use crate::session::{Authenticated, actor_of, end_every_session, end_session, find_live};
use crate::{AuthConfig, AuthError, RequestContext, secret_token};
use chrono::{DateTime, Utc};
use schakel_domain::{Actor, SessionId};
use schakel_store::{DbConn, web_sessions, write_tx};

/// What a browser gets when a session is opened for it.
#[derive(Debug)]
pub struct WebSession {
    /// The cookie's value (given once; only its hash is stored).
    pub cookie: String,
    /// The session's CSRF token.
    pub csrf: String,
}

/// Gives `session` a browser handle.
pub fn open(
    conn: &mut DbConn,
    session: SessionId,
    now: DateTime<Utc>,
) -> Result<WebSession, AuthError> {
    let cookie = secret_token::generate();
    let csrf = secret_token::generate();
    write_tx(conn, |conn| {
        web_sessions::insert(conn, &cookie.hash, session, &csrf.token, now)
    })?;
    Ok(WebSession {
        cookie: cookie.token,
        csrf: csrf.token,
    })
}

/// The actor of a cookie and the session's CSRF token, if the session is live.
pub fn authenticate(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    cookie: &str,
    now: DateTime<Utc>,
) -> Result<(Authenticated, String), AuthError> {
    if cookie.len() > 256 {
        return Err(AuthError::InvalidToken);
    }
    let Some((session_id, csrf)) = web_sessions::find(conn, &secret_token::hash(cookie))? else {
        return Err(AuthError::InvalidToken);
    };
    let (session, user) = find_live(conn, cfg, session_id, now)?;
    Ok((actor_of(conn, cfg, &session, &user, now)?, csrf))
}

/// Ends the actor's session and forgets its browser handles, in one transaction.
pub fn logout(
    conn: &mut DbConn,
    who: &Actor,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    write_tx(conn, |conn| {
        end_session(conn, who, ctx, now)?;
        web_sessions::delete_of_session(conn, who.session_id)?;
        Ok(())
    })
}

/// Ends every session of the actor's account and forgets this session's browser
/// handles, in one transaction; returns how many sessions ended. The other sessions'
/// cookies now name revoked sessions, which are refused.
pub fn logout_everywhere(
    conn: &mut DbConn,
    who: &Actor,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<usize, AuthError> {
    write_tx(conn, |conn| {
        let ended = end_every_session(conn, who, ctx, now)?;
        web_sessions::delete_of_session(conn, who.session_id)?;
        Ok(ended)
    })
}

/// Whether a form's CSRF token is the session's, compared in constant time.
pub fn csrf_matches(expected: &str, presented: &str) -> bool {
    use subtle::ConstantTimeEq;
    expected.len() == presented.len() && bool::from(expected.as_bytes().ct_eq(presented.as_bytes()))
}
