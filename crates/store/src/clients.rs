//! External systems' accounts: a user row of kind `client` and the digest of its client
//! secret. The secret itself is never stored; a presented one is found by its digest.

use crate::schema::{client_secrets, users as user_rows};
use crate::users::{self, NewUser, User};
use crate::{DbConn, StoreError, to_db_time};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use schakel_domain::UserId;

/// Inserts an external system's account with the digest of its first secret; a taken
/// address is `Conflict`.
pub fn insert(
    conn: &mut DbConn,
    new: &NewUser<'_>,
    secret_hash: &str,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    let user = users::insert(conn, new, now)?;
    diesel::update(user_rows::table.find(user.id.to_string()))
        .set(user_rows::kind.eq("client"))
        .execute(conn)?;
    set_secret(conn, user.id, secret_hash, now)?;
    users::find(conn, user.id)
}

/// Replaces a client's secret by a new one (the old one stops working at once).
pub fn set_secret(
    conn: &mut DbConn,
    user: UserId,
    secret_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let t = to_db_time(now);
    let n = diesel::update(client_secrets::table.find(user.to_string()))
        .set((
            client_secrets::secret_hash.eq(secret_hash),
            client_secrets::set_at.eq(t),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(client_secrets::table)
            .values((
                client_secrets::user_id.eq(user.to_string()),
                client_secrets::secret_hash.eq(secret_hash),
                client_secrets::set_at.eq(t),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The client whose secret has this digest, if any.
pub fn find_by_secret(conn: &mut DbConn, secret_hash: &str) -> Result<Option<User>, StoreError> {
    let id: Option<String> = client_secrets::table
        .filter(client_secrets::secret_hash.eq(secret_hash))
        .select(client_secrets::user_id)
        .first(conn)
        .optional()?;
    match id {
        Some(id) => {
            let id = id
                .parse()
                .map_err(|_| StoreError::Corrupt("client secret: user".into()))?;
            let user = users::find(conn, id)?;
            Ok(user.client.then_some(user))
        }
        None => Ok(None),
    }
}
