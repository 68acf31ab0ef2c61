//! Sessions in a browser: the same sessions as the API's, reached through an HttpOnly
//! cookie that holds a random token (only its hash is stored), with a CSRF token per
//! session that every form carries back. A session that ends for any reason (logout,
//! deactivation, a recovered password, idle or absolute timeout) ends the cookie's
//! access on the next request.

use crate::session::{Authenticated, actor_of, find_live};
use crate::{AuthConfig, AuthError, secret_token};
use chrono::{DateTime, Utc};
use schakel_domain::SessionId;
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

/// Whether a form's CSRF token is the session's, compared in constant time.
pub fn csrf_matches(expected: &str, presented: &str) -> bool {
    use subtle::ConstantTimeEq;
    expected.len() == presented.len() && bool::from(expected.as_bytes().ct_eq(presented.as_bytes()))
}
