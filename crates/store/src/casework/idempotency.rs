//! Idempotency keys of creating requests, scoped to the user.

use crate::schema::idempotency_keys as ik;
use crate::{DbConn, StoreError, to_db_time};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use schakel_domain::UserId;

/// The first response to a key, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct StoredResponse {
    /// What the request was (method, route and body hashed), to tell a replay from a
    /// different request with the same key.
    pub fingerprint: String,
    /// The HTTP status of the first response.
    pub status: i32,
    /// The ciphertext of the first response's body.
    pub body: String,
}

/// The unexpired response stored for `user`'s `key`, if any.
pub fn find(
    conn: &mut DbConn,
    user: UserId,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<StoredResponse>, StoreError> {
    Ok(ik::table
        .filter(ik::user_id.eq(user.to_string()))
        .filter(ik::key.eq(key))
        .filter(ik::expires_at.gt(to_db_time(now)))
        .select((ik::fingerprint, ik::status, ik::body))
        .first(conn)
        .optional()?)
}

/// Stores the first response to `key`, replacing an expired one (in the same
/// statement); a live one, stored by a concurrent first request, is `Conflict`.
pub fn insert(
    conn: &mut DbConn,
    user: UserId,
    key: &str,
    response: &StoredResponse,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let values = (
        ik::fingerprint.eq(&response.fingerprint),
        ik::status.eq(response.status),
        ik::body.eq(&response.body),
        ik::created_at.eq(to_db_time(now)),
        ik::expires_at.eq(to_db_time(expires_at)),
    );
    let upsert = diesel::insert_into(ik::table)
        .values((ik::user_id.eq(user.to_string()), ik::key.eq(key), values))
        .on_conflict((ik::user_id, ik::key))
        .do_update()
        .set(values);
    let expired = ik::expires_at.le(to_db_time(now));
    // Why backend-specific: diesel's multi-backend connection has no upsert.
    use diesel::query_dsl::methods::FilterDsl as Upsert;
    let written = match conn {
        DbConn::Sqlite(c) => Upsert::filter(upsert, expired).execute(c)?,
        DbConn::Postgres(c) => Upsert::filter(upsert, expired).execute(c)?,
    };
    if written == 0 {
        return Err(StoreError::Conflict("idempotency_keys".into()));
    }
    Ok(())
}

/// Deletes expired keys; returns how many.
pub fn purge_expired(conn: &mut DbConn, now: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(diesel::delete(ik::table.filter(ik::expires_at.le(to_db_time(now)))).execute(conn)?)
}
