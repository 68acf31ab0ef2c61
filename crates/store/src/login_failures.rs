//! Failed logins of an account, counted per kind (password, code), for throttling;
//! re-exported by `sessions`.

use crate::schema::login_failures;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{SessionId, UserId};

/// What a failed attempt got wrong. Each kind is counted and cleared on its own: a
/// correct password says nothing about the second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// A wrong password (at login or when confirming one's password).
    Password,
    /// A wrong authenticator code.
    Code,
}

impl FailureKind {
    fn as_str(self) -> &'static str {
        match self {
            FailureKind::Password => "password",
            FailureKind::Code => "code",
        }
    }
}

/// The id of one recorded failure, to take it back (an attempt counted before its
/// check that turned out not to be a failure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureId(String);

/// Records a failed attempt of an account; a code failure names its session.
pub fn record_login_failure(
    conn: &mut DbConn,
    user: UserId,
    kind: FailureKind,
    session: Option<SessionId>,
    now: DateTime<Utc>,
) -> Result<FailureId, StoreError> {
    let id = uuid::Uuid::new_v4().to_string();
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::id.eq(&id),
            login_failures::user_id.eq(user.to_string()),
            login_failures::occurred_at.eq(to_db_time(now)),
            login_failures::kind.eq(kind.as_str()),
            login_failures::session_id.eq(session.map(|s| s.to_string())),
        ))
        .execute(conn)?;
    Ok(FailureId(id))
}

/// Takes back one recorded failure.
pub fn forget_login_failure(conn: &mut DbConn, id: &FailureId) -> Result<(), StoreError> {
    diesel::delete(login_failures::table.find(&id.0)).execute(conn)?;
    Ok(())
}

/// Failed attempts of one kind of an account since `since`: how many, and when the
/// last was.
pub fn login_failures_since(
    conn: &mut DbConn,
    user: UserId,
    kind: FailureKind,
    since: DateTime<Utc>,
) -> Result<(i64, Option<DateTime<Utc>>), StoreError> {
    let q = login_failures::table
        .filter(login_failures::user_id.eq(user.to_string()))
        .filter(login_failures::kind.eq(kind.as_str()))
        .filter(login_failures::occurred_at.ge(to_db_time(since)));
    let count = q.clone().count().get_result(conn)?;
    let last: Option<NaiveDateTime> = q
        .select(diesel::dsl::max(login_failures::occurred_at))
        .get_result(conn)?;
    Ok((count, last.map(from_db_time)))
}

/// Wrong codes given in one session (whenever).
pub fn code_failures_of_session(
    conn: &mut DbConn,
    user: UserId,
    session: SessionId,
) -> Result<i64, StoreError> {
    Ok(login_failures::table
        .filter(login_failures::user_id.eq(user.to_string()))
        .filter(login_failures::kind.eq(FailureKind::Code.as_str()))
        .filter(login_failures::session_id.eq(session.to_string()))
        .count()
        .get_result(conn)?)
}

/// Forgets an account's failed attempts of one kind (after a successful one).
pub fn clear_login_failures(
    conn: &mut DbConn,
    user: UserId,
    kind: FailureKind,
) -> Result<(), StoreError> {
    diesel::delete(
        login_failures::table
            .filter(login_failures::user_id.eq(user.to_string()))
            .filter(login_failures::kind.eq(kind.as_str())),
    )
    .execute(conn)?;
    Ok(())
}
