//! The browser's handles on sessions: a cookie token's hash, its session and the
//! session's CSRF token.

use crate::schema::web_sessions;
use crate::{DbConn, StoreError, to_db_time};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use schakel_domain::SessionId;

/// Stores a handle.
pub fn insert(
    conn: &mut DbConn,
    token_hash: &str,
    session: SessionId,
    csrf_token: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(web_sessions::table)
        .values((
            web_sessions::token_hash.eq(token_hash),
            web_sessions::session_id.eq(session.to_string()),
            web_sessions::csrf_token.eq(csrf_token),
            web_sessions::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The session and CSRF token of a cookie token's hash.
pub fn find(
    conn: &mut DbConn,
    token_hash: &str,
) -> Result<Option<(SessionId, String)>, StoreError> {
    let row: Option<(String, String)> = web_sessions::table
        .find(token_hash)
        .select((web_sessions::session_id, web_sessions::csrf_token))
        .first(conn)
        .optional()?;
    row.map(|(s, csrf)| {
        s.parse()
            .map(|id| (id, csrf))
            .map_err(|_| StoreError::Corrupt("web session id".into()))
    })
    .transpose()
}

/// Forgets every handle on a session.
pub fn delete_of_session(conn: &mut DbConn, session: SessionId) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(
            web_sessions::table.filter(web_sessions::session_id.eq(session.to_string())),
        )
        .execute(conn)?,
    )
}
