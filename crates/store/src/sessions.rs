//! Sessions, refresh tokens, failed logins and single-use account links.
//!
//! Tokens are stored only as hashes (made by the `auth` crate); this module never sees
//! a token itself.

pub use crate::account_links::*;
pub use crate::login_failures::*;
use crate::schema::{refresh_tokens, sessions};
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{SessionId, UserId};

/// A session as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
struct SessionRow {
    id: String,
    user_id: String,
    created_at: NaiveDateTime,
    last_seen_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    mfa_verified: bool,
    revoked_at: Option<NaiveDateTime>,
    source_ip: Option<String>,
    user_agent: Option<String>,
}

/// A login session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// The absolute end of the session.
    pub expires_at: DateTime<Utc>,
    /// Whether the second factor has been given.
    pub mfa_verified: bool,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The client address it was started from.
    pub source_ip: Option<String>,
    /// The browser's (or client's) User-Agent at sign-in.
    pub user_agent: Option<String>,
}

/// Where a session is started from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The client address.
    pub source_ip: Option<String>,
    /// The User-Agent, at most [`MAX_USER_AGENT_CHARS`] characters.
    pub user_agent: Option<String>,
}

/// The longest User-Agent kept.
pub const MAX_USER_AGENT_CHARS: usize = 300;

impl TryFrom<SessionRow> for Session {
    type Error = StoreError;
    fn try_from(r: SessionRow) -> Result<Self, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("session {}: {what}", r.id));
        Ok(Session {
            id: r.id.parse().map_err(|_| corrupt("id"))?,
            user_id: r.user_id.parse().map_err(|_| corrupt("user"))?,
            created_at: from_db_time(r.created_at),
            last_seen_at: from_db_time(r.last_seen_at),
            expires_at: from_db_time(r.expires_at),
            mfa_verified: r.mfa_verified,
            revoked_at: r.revoked_at.map(from_db_time),
            source_ip: r.source_ip,
            user_agent: r.user_agent,
        })
    }
}

/// Opens a session for `user` ending at `expires_at` at the latest.
pub fn create(
    conn: &mut DbConn,
    user: UserId,
    mfa_verified: bool,
    (now, expires_at): (DateTime<Utc>, DateTime<Utc>),
    origin: &Origin,
) -> Result<Session, StoreError> {
    let agent: Option<String> = origin
        .user_agent
        .as_ref()
        .map(|a| a.chars().take(MAX_USER_AGENT_CHARS).collect());
    let id = SessionId::new_random();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(id.to_string()),
            sessions::user_id.eq(user.to_string()),
            sessions::created_at.eq(to_db_time(now)),
            sessions::last_seen_at.eq(to_db_time(now)),
            sessions::expires_at.eq(to_db_time(expires_at)),
            sessions::mfa_verified.eq(mfa_verified),
            sessions::source_ip.eq(origin.source_ip.as_deref()),
            sessions::user_agent.eq(agent),
        ))
        .execute(conn)?;
    find(conn, id)
}

/// Forgets where sessions that ended before `cutoff` (revoked, or past their absolute
/// end) were started from; returns how many it cleared.
pub fn forget_origins_before(
    conn: &mut DbConn,
    cutoff: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let cutoff = to_db_time(cutoff);
    Ok(diesel::update(
        sessions::table
            .filter(
                sessions::revoked_at
                    .lt(cutoff)
                    .or(sessions::expires_at.lt(cutoff)),
            )
            .filter(
                sessions::source_ip
                    .is_not_null()
                    .or(sessions::user_agent.is_not_null()),
            ),
    )
    .set((
        sessions::source_ip.eq(None::<String>),
        sessions::user_agent.eq(None::<String>),
    ))
    .execute(conn)?)
}

/// The sessions of `user` that are neither revoked nor past their absolute end at
/// `now`, most recently used first (the caller applies the idle timeout).
pub fn open_of_user(
    conn: &mut DbConn,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<Vec<Session>, StoreError> {
    sessions::table
        .filter(sessions::user_id.eq(user.to_string()))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(to_db_time(now)))
        .order(sessions::last_seen_at.desc())
        .select(SessionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Session::try_from)
        .collect()
}

/// One session by id.
pub fn find(conn: &mut DbConn, id: SessionId) -> Result<Session, StoreError> {
    sessions::table
        .find(id.to_string())
        .select(SessionRow::as_select())
        .first(conn)?
        .try_into()
}

/// One session by id with its user, in one query (every authenticated request asks).
pub fn find_with_user(
    conn: &mut DbConn,
    id: SessionId,
) -> Result<(Session, crate::users::User), StoreError> {
    let (s, u): (SessionRow, crate::users::UserRow) = sessions::table
        .inner_join(crate::schema::users::table)
        .filter(sessions::id.eq(id.to_string()))
        .select((SessionRow::as_select(), crate::users::UserRow::as_select()))
        .first(conn)?;
    Ok((s.try_into()?, u.try_into()?))
}

/// Marks the second factor as given.
pub fn mark_mfa_verified(
    conn: &mut DbConn,
    id: SessionId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(sessions::table.find(id.to_string()))
        .set((
            sessions::mfa_verified.eq(true),
            sessions::last_seen_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records activity, for the idle timeout.
pub fn touch(conn: &mut DbConn, id: SessionId, now: DateTime<Utc>) -> Result<(), StoreError> {
    diesel::update(sessions::table.find(id.to_string()))
        .set(sessions::last_seen_at.eq(to_db_time(now)))
        .execute(conn)?;
    Ok(())
}

/// Revokes one session (if not already revoked).
pub fn revoke(
    conn: &mut DbConn,
    id: SessionId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(
        sessions::table
            .find(id.to_string())
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(to_db_time(now)),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(())
}

/// Revokes every open session of a user except `keep`; returns how many.
pub fn revoke_others(
    conn: &mut DbConn,
    user: UserId,
    keep: SessionId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user.to_string()))
            .filter(sessions::id.ne(keep.to_string()))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(to_db_time(now)),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)?)
}

/// Revokes every open session of a user; returns how many.
pub fn revoke_all_of_user(
    conn: &mut DbConn,
    user: UserId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user.to_string()))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(to_db_time(now)),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)?)
}

/// Stores a new refresh token's hash for a session.
pub fn add_refresh_token(
    conn: &mut DbConn,
    session: SessionId,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::session_id.eq(session.to_string()),
            refresh_tokens::issued_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// What a presented refresh token turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshLookup {
    /// Unknown.
    Unknown,
    /// Known and unused: now marked spent.
    Fresh(SessionId),
    /// Known and already spent: a replay.
    Spent(SessionId),
}

/// Spends a refresh token: marks it used if it was fresh, and says what it was.
pub fn spend_refresh_token(
    conn: &mut DbConn,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<RefreshLookup, StoreError> {
    let row: Option<(String, Option<NaiveDateTime>)> = refresh_tokens::table
        .find(token_hash)
        .select((refresh_tokens::session_id, refresh_tokens::spent_at))
        .first(conn)
        .optional()?;
    let Some((session, spent)) = row else {
        return Ok(RefreshLookup::Unknown);
    };
    let session: SessionId = session
        .parse()
        .map_err(|_| StoreError::Corrupt("refresh token session".into()))?;
    if spent.is_some() {
        return Ok(RefreshLookup::Spent(session));
    }
    // Conditional on still being unspent: of two concurrent uses, one wins.
    let n = diesel::update(
        refresh_tokens::table
            .find(token_hash)
            .filter(refresh_tokens::spent_at.is_null()),
    )
    .set(refresh_tokens::spent_at.eq(to_db_time(now)))
    .execute(conn)?;
    Ok(if n == 1 {
        RefreshLookup::Fresh(session)
    } else {
        RefreshLookup::Spent(session)
    })
}
