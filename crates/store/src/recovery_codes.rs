//! A user's one-time recovery codes of the second factor, stored only as hashes (made
//! by the `auth` crate; this module never sees a code): replaced all at once, each
//! spent once.

use crate::schema::recovery_codes;
use crate::{DbConn, StoreError, to_db_time};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use schakel_domain::UserId;

/// Replaces every code of `user` with `hashes`.
pub fn replace(
    conn: &mut DbConn,
    user: UserId,
    hashes: &[String],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let id = user.to_string();
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(&id))).execute(conn)?;
    // One statement a code: the embedded and the server database take no common batch.
    for h in hashes {
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::user_id.eq(&id),
                recovery_codes::code_hash.eq(h),
                recovery_codes::created_at.eq(to_db_time(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Spends the unused code of `user` with `hash`: whether there was one.
pub fn spend(
    conn: &mut DbConn,
    user: UserId,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(user.to_string()))
            .filter(recovery_codes::code_hash.eq(hash))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(to_db_time(now)))
    .execute(conn)?;
    Ok(n == 1)
}

/// How many unused codes `user` has.
pub fn unused(conn: &mut DbConn, user: UserId) -> Result<i64, StoreError> {
    Ok(recovery_codes::table
        .filter(recovery_codes::user_id.eq(user.to_string()))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)?)
}
