//! Single-use account links (invitations, password resets), stored only as hashes;
//! re-exported by `sessions`.

use crate::schema::account_tokens;
use crate::{DbConn, StoreError, to_db_time};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use schakel_domain::UserId;

/// What a single-use account link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Set the first password of an invited account.
    Invitation,
    /// Choose a new password.
    PasswordReset,
}

impl LinkPurpose {
    fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Invitation => "invitation",
            LinkPurpose::PasswordReset => "password_reset",
        }
    }
}

/// Stores a single-use link's hash.
pub fn add_account_token(
    conn: &mut DbConn,
    user: UserId,
    purpose: LinkPurpose,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::token_hash.eq(token_hash),
            account_tokens::user_id.eq(user.to_string()),
            account_tokens::purpose.eq(purpose.as_str()),
            account_tokens::created_at.eq(to_db_time(now)),
            account_tokens::expires_at.eq(to_db_time(expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Uses a single-use link: returns its user if it exists, has this purpose, is unused
/// and unexpired, and marks it used. Anything else is `None`.
pub fn use_account_token(
    conn: &mut DbConn,
    purpose: LinkPurpose,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<UserId>, StoreError> {
    let t = to_db_time(now);
    let user: Option<String> = account_tokens::table
        .find(token_hash)
        .filter(account_tokens::purpose.eq(purpose.as_str()))
        .filter(account_tokens::used_at.is_null())
        .filter(account_tokens::expires_at.gt(t))
        .select(account_tokens::user_id)
        .first(conn)
        .optional()?;
    let Some(user) = user else {
        return Ok(None);
    };
    let n = diesel::update(
        account_tokens::table
            .find(token_hash)
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(t))
    .execute(conn)?;
    if n != 1 {
        return Ok(None);
    }
    user.parse()
        .map(Some)
        .map_err(|_| StoreError::Corrupt("account token user".into()))
}

/// How many single-use links of a purpose were made for a user since `since`.
pub fn count_account_tokens_since(
    conn: &mut DbConn,
    user: UserId,
    purpose: LinkPurpose,
    since: DateTime<Utc>,
) -> Result<i64, StoreError> {
    Ok(account_tokens::table
        .filter(account_tokens::user_id.eq(user.to_string()))
        .filter(account_tokens::purpose.eq(purpose.as_str()))
        .filter(account_tokens::created_at.ge(to_db_time(since)))
        .count()
        .get_result(conn)?)
}

/// Marks every unused link of a purpose of a user as used, so none of them works any
/// more; returns how many.
pub fn spend_account_tokens(
    conn: &mut DbConn,
    user: UserId,
    purpose: LinkPurpose,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user.to_string()))
            .filter(account_tokens::purpose.eq(purpose.as_str()))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(to_db_time(now)))
    .execute(conn)?)
}
