//! A user's own sessions: the ones still live (signed in on a browser or a client),
//! each with where it was started from (address and browser, as given at sign-in), when
//! it started and when it was last used; and ending one of them (a session on a shared
//! or lost device) without ending the others. Only the user's own: another's session id
//! is answered as one that does not exist. Ending is audited.

use crate::AuthConfig;
use crate::RequestContext;
use crate::error::AuthError;
use crate::events::{actor, event, record};
use chrono::{DateTime, Duration, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::{Actor, SessionId};
use schakel_store::{DbConn, StoreError, sessions, web_sessions, write_tx};

/// Days after a session ended before the address and browser it was started from are
/// forgotten (by the retention job).
pub const ORIGIN_KEPT_DAYS: i64 = 30;

/// Forgets where sessions that ended over [`ORIGIN_KEPT_DAYS`] ago were started from;
/// returns how many.
pub fn forget_old_origins(conn: &mut DbConn, now: DateTime<Utc>) -> Result<usize, AuthError> {
    let cutoff = now - Duration::days(ORIGIN_KEPT_DAYS);
    Ok(write_tx(conn, |conn| {
        sessions::forget_origins_before(conn, cutoff)
    })?)
}

/// One of the user's live sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionView {
    /// Its id.
    pub id: SessionId,
    /// When it was started (signing in).
    pub started_at: DateTime<Utc>,
    /// When it was last used.
    pub last_used_at: DateTime<Utc>,
    /// The client address it was started from.
    pub source_ip: Option<String>,
    /// The browser's User-Agent at sign-in.
    pub user_agent: Option<String>,
    /// Whether it is the session of this request.
    pub current: bool,
}

/// The actor's live sessions, the one in use first, then by last use.
pub fn own_sessions(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    who: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<SessionView>, AuthError> {
    let idle = Duration::seconds(cfg.idle_timeout_secs);
    let mut list: Vec<SessionView> = sessions::open_of_user(conn, who.user_id, now)?
        .into_iter()
        .filter(|s| now < s.last_seen_at + idle)
        .map(|s| SessionView {
            current: s.id == who.session_id,
            id: s.id,
            started_at: s.created_at,
            last_used_at: s.last_seen_at,
            source_ip: s.source_ip,
            user_agent: s.user_agent,
        })
        .collect();
    list.sort_by_key(|s| (!s.current, std::cmp::Reverse(s.last_used_at)));
    Ok(list)
}

/// Ends one of the actor's own sessions (its pages and tokens stop working at once);
/// another's, or one already ended, is `NotFound`.
pub fn end_own_session(
    conn: &mut DbConn,
    who: &Actor,
    id: SessionId,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    write_tx(conn, |conn| {
        let session = match sessions::find(conn, id) {
            Ok(s) if s.user_id == who.user_id && s.revoked_at.is_none() => s,
            Ok(_) | Err(StoreError::NotFound) => return Err(StoreError::NotFound.into()),
            Err(e) => return Err(e.into()),
        };
        sessions::revoke(conn, session.id, "ended_by_user", now)?;
        web_sessions::delete_of_session(conn, session.id)?;
        let e = event(
            "auth.session_end",
            ActionKind::Update,
            Outcome::Success,
            ctx,
        )?
        .with_actor(actor(who))
        .with_object("session", session.id)
        .with_details(serde_json::json!({ "current": session.id == who.session_id }));
        record(conn, &e, now)
    })
}
