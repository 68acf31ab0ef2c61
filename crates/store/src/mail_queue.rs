//! Emails per recipient, made from `email` outbox rows by the dispatcher and sent one
//! row per message (or, for digest readers, one message per user per day).

use crate::schema::mail_queue as mq;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::UserId;
use uuid::Uuid;

/// A message waiting for one recipient.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    /// Its id; the message's Message-ID is made from it.
    pub id: String,
    /// The outbox row it came from.
    pub outbox_id: String,
    /// The recipient.
    pub user_id: UserId,
    /// The template.
    pub topic: String,
    /// The template's data (ids and codes only).
    pub payload: serde_json::Value,
    /// Whether it waits for the recipient's daily digest.
    pub digest: bool,
    /// Attempts so far, this one included.
    pub attempts: i32,
    /// When the event happened.
    pub created_at: DateTime<Utc>,
}

type Raw = (
    String,
    String,
    String,
    String,
    String,
    bool,
    i32,
    NaiveDateTime,
);

fn to_mail(r: Raw) -> Result<Mail, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("mail {}: {what}", r.0));
    Ok(Mail {
        user_id: r.2.parse().map_err(|_| corrupt("user"))?,
        payload: serde_json::from_str(&r.4).map_err(|_| corrupt("payload"))?,
        topic: r.3,
        digest: r.5,
        attempts: r.6,
        created_at: from_db_time(r.7),
        outbox_id: r.1,
        id: r.0,
    })
}

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewMail<'a> {
    pub outbox_id: &'a str,
    pub user_id: UserId,
    pub topic: &'a str,
    pub payload: &'a serde_json::Value,
    pub digest: bool,
    pub available_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// Queues a message unless one for this outbox row and user exists already.
pub fn insert(conn: &mut DbConn, new: &NewMail<'_>) -> Result<bool, StoreError> {
    let exists: i64 = mq::table
        .filter(mq::outbox_id.eq(new.outbox_id))
        .filter(mq::user_id.eq(new.user_id.to_string()))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    diesel::insert_into(mq::table)
        .values((
            mq::id.eq(Uuid::new_v4().to_string()),
            mq::outbox_id.eq(new.outbox_id),
            mq::user_id.eq(new.user_id.to_string()),
            mq::topic.eq(new.topic),
            mq::payload.eq(new.payload.to_string()),
            mq::digest.eq(new.digest),
            mq::state.eq("pending"),
            mq::attempts.eq(0),
            mq::available_at.eq(to_db_time(new.available_at)),
            mq::created_at.eq(to_db_time(new.created_at)),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Claims up to `limit` due messages (digest ones or immediate ones) until
/// `lease_until`, counting the attempt, as [`crate::claim`] says. Run inside a write
/// transaction.
pub fn claim(
    conn: &mut DbConn,
    digest: bool,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Mail>, StoreError> {
    let ids = crate::claim::claim_due!(conn, mq, mq::digest.eq(digest), now, lease_until, limit);
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    mq::table
        .filter(mq::id.eq_any(&ids))
        .order((mq::available_at.asc(), mq::id.asc()))
        .select((
            mq::id,
            mq::outbox_id,
            mq::user_id,
            mq::topic,
            mq::payload,
            mq::digest,
            mq::attempts,
            mq::created_at,
        ))
        .load::<Raw>(conn)?
        .into_iter()
        .map(to_mail)
        .collect()
}

/// Marks messages sent.
pub fn mark_sent(conn: &mut DbConn, ids: &[String], now: DateTime<Utc>) -> Result<(), StoreError> {
    diesel::update(mq::table.filter(mq::id.eq_any(ids)))
        .set((
            mq::state.eq("sent"),
            mq::claimed_until.eq(None::<NaiveDateTime>),
            mq::sent_at.eq(Some(to_db_time(now))),
        ))
        .execute(conn)?;
    Ok(())
}

/// Puts messages back to wait until `available_at` after a failed attempt.
pub fn reschedule(
    conn: &mut DbConn,
    ids: &[String],
    available_at: DateTime<Utc>,
    error: &str,
) -> Result<(), StoreError> {
    diesel::update(mq::table.filter(mq::id.eq_any(ids)))
        .set((
            mq::available_at.eq(to_db_time(available_at)),
            mq::claimed_until.eq(None::<NaiveDateTime>),
            mq::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Gives up on messages (dead letters).
pub fn mark_failed(conn: &mut DbConn, ids: &[String], error: &str) -> Result<(), StoreError> {
    diesel::update(mq::table.filter(mq::id.eq_any(ids)))
        .set((
            mq::state.eq("failed"),
            mq::claimed_until.eq(None::<NaiveDateTime>),
            mq::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Counts of the queue for `/metrics`: pending, due now, failed.
pub fn stats(conn: &mut DbConn, now: DateTime<Utc>) -> Result<(i64, i64, i64), StoreError> {
    let pending = mq::table
        .filter(mq::state.eq("pending"))
        .count()
        .get_result(conn)?;
    let due = mq::table
        .filter(mq::state.eq("pending"))
        .filter(mq::available_at.le(to_db_time(now)))
        .count()
        .get_result(conn)?;
    let failed = mq::table
        .filter(mq::state.eq("failed"))
        .count()
        .get_result(conn)?;
    Ok((pending, due, failed))
}

/// Replaces a message's payload (to scrub a secret once it is no longer needed).
pub fn set_payload(
    conn: &mut DbConn,
    id: &str,
    payload: &serde_json::Value,
) -> Result<(), StoreError> {
    diesel::update(mq::table.find(id))
        .set(mq::payload.eq(payload.to_string()))
        .execute(conn)?;
    Ok(())
}

/// A queued email as the admin sees it: no payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailEntry {
    pub id: String,
    pub outbox_id: String,
    pub user_id: UserId,
    pub topic: String,
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

type EntryRow = (
    String,
    String,
    String,
    String,
    String,
    i32,
    Option<String>,
    NaiveDateTime,
);

/// Messages in `state`, newest first, at most `limit`.
pub fn list_in_state(
    conn: &mut DbConn,
    state: &str,
    limit: i64,
) -> Result<Vec<MailEntry>, StoreError> {
    let rows: Vec<EntryRow> = mq::table
        .filter(mq::state.eq(state))
        .order((mq::created_at.desc(), mq::id.desc()))
        .limit(limit)
        .select((
            mq::id,
            mq::outbox_id,
            mq::user_id,
            mq::topic,
            mq::state,
            mq::attempts,
            mq::last_error,
            mq::created_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            Ok(MailEntry {
                user_id: r
                    .2
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("mail {}: user", r.0)))?,
                id: r.0,
                outbox_id: r.1,
                topic: r.3,
                state: r.4,
                attempts: r.5,
                last_error: r.6,
                created_at: from_db_time(r.7),
            })
        })
        .collect()
}

/// Makes a failed message pending again, due at `now`, attempts reset; `false` if no
/// failed message has this id.
pub fn retry(conn: &mut DbConn, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let n = diesel::update(mq::table.find(id).filter(mq::state.eq("failed")))
        .set((
            mq::state.eq("pending"),
            mq::attempts.eq(0),
            mq::available_at.eq(to_db_time(now)),
            mq::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// The topic and state of one queued email, if it exists.
pub fn topic_and_state(
    conn: &mut DbConn,
    id: &str,
) -> Result<Option<(String, String)>, StoreError> {
    Ok(mq::table
        .find(id)
        .select((mq::topic, mq::state))
        .first(conn)
        .optional()?)
}
