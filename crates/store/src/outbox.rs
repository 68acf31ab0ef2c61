//! The transactional outbox.
//!
//! A use case that must send an email or feed the monitor writes an outbox row in the
//! same transaction as its state change; the dispatcher delivers it later. Nothing here
//! sends anything.

use crate::schema::outbox;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// Where an outbox row is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// An email to users of the directory.
    Email,
    /// An event for the monitor.
    Monitor,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Monitor => "monitor",
        }
    }
}

/// A message to put in the outbox.
#[derive(Debug, Clone)]
pub struct NewOutboxMessage {
    /// The channel that delivers it.
    pub channel: Channel,
    /// What it is about (e.g. `referral_received`); chooses the template or event kind.
    pub topic: String,
    /// The message data as JSON; never personal data for the email channel.
    pub payload: serde_json::Value,
    /// Not delivered before this time.
    pub available_at: DateTime<Utc>,
}

/// Writes a message into the outbox; returns its id (also its stable message id).
pub fn enqueue(
    conn: &mut DbConn,
    message: &NewOutboxMessage,
    now: DateTime<Utc>,
) -> Result<Uuid, StoreError> {
    let ids = enqueue_all(conn, std::slice::from_ref(message), now)?;
    ids.into_iter()
        .next()
        .ok_or_else(|| StoreError::Corrupt("the outbox wrote no row".into()))
}

/// Writes messages into the outbox in one statement, in order; returns their ids.
pub fn enqueue_all(
    conn: &mut DbConn,
    messages: &[NewOutboxMessage],
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, StoreError> {
    if messages.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = messages.iter().map(|_| Uuid::new_v4()).collect();
    let created = to_db_time(now);
    let rows: Vec<_> = ids
        .iter()
        .zip(messages)
        .map(|(id, m)| {
            (
                outbox::id.eq(id.to_string()),
                outbox::channel.eq(m.channel.as_str()),
                outbox::topic.eq(m.topic.as_str()),
                outbox::payload.eq(m.payload.to_string()),
                outbox::state.eq("pending"),
                outbox::attempts.eq(0),
                outbox::available_at.eq(to_db_time(m.available_at)),
                outbox::created_at.eq(created),
            )
        })
        .collect();
    match conn {
        // One statement for all, on the server's round trip.
        DbConn::Postgres(c) => {
            diesel::insert_into(outbox::table).values(rows).execute(c)?;
        }
        // In process, a statement per row costs no round trip.
        DbConn::Sqlite(c) => {
            for row in rows {
                diesel::insert_into(outbox::table).values(row).execute(c)?;
            }
        }
    }
    Ok(ids)
}

/// The outbox's state, for `/metrics` and the admin view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutboxStats {
    /// Rows not yet delivered.
    pub pending: i64,
    /// Pending rows whose time has come.
    pub due: i64,
    /// Rows given up on (dead letters).
    pub failed: i64,
    /// When the oldest due row became due.
    pub oldest_due_at: Option<DateTime<Utc>>,
}

/// Counts the outbox rows by state at `now`.
pub fn stats(conn: &mut DbConn, now: DateTime<Utc>) -> Result<OutboxStats, StoreError> {
    let now = to_db_time(now);
    let pending = outbox::table
        .filter(outbox::state.eq("pending"))
        .count()
        .get_result(conn)?;
    let due_rows = outbox::table
        .filter(outbox::state.eq("pending"))
        .filter(outbox::available_at.le(now));
    let due = due_rows.count().get_result(conn)?;
    let oldest = due_rows
        .select(diesel::dsl::min(outbox::available_at))
        .get_result::<Option<chrono::NaiveDateTime>>(conn)?;
    let failed = outbox::table
        .filter(outbox::state.eq("failed"))
        .count()
        .get_result(conn)?;
    Ok(OutboxStats {
        pending,
        due,
        failed,
        oldest_due_at: oldest.map(from_db_time),
    })
}

/// A claimed outbox row.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    /// Its id (also the base of its messages' ids).
    pub id: String,
    /// What it is about.
    pub topic: String,
    /// Its data.
    pub payload: serde_json::Value,
    /// Delivery attempts so far, this one included.
    pub attempts: i32,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

type RawRow = (String, String, String, i32, chrono::NaiveDateTime);

fn raw_to_row(r: RawRow) -> Result<OutboxRow, StoreError> {
    Ok(OutboxRow {
        payload: serde_json::from_str(&r.2)
            .map_err(|_| StoreError::Corrupt(format!("outbox {}: payload", r.0)))?,
        id: r.0,
        topic: r.1,
        attempts: r.3,
        created_at: from_db_time(r.4),
    })
}

/// Claims up to `limit` due rows of `channel` until `lease_until` and counts the
/// attempt, as [`crate::claim`] says. Run inside a write transaction.
pub fn claim(
    conn: &mut DbConn,
    channel: Channel,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<OutboxRow>, StoreError> {
    let ids = crate::claim::claim_due!(
        conn,
        outbox,
        outbox::channel.eq(channel.as_str()),
        now,
        lease_until,
        limit
    );
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    outbox::table
        .filter(outbox::id.eq_any(&ids))
        .order((outbox::available_at.asc(), outbox::id.asc()))
        .select((
            outbox::id,
            outbox::topic,
            outbox::payload,
            outbox::attempts,
            outbox::created_at,
        ))
        .load::<RawRow>(conn)?
        .into_iter()
        .map(raw_to_row)
        .collect()
}

/// Marks a row delivered.
pub fn mark_done(conn: &mut DbConn, id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::state.eq("done"),
            outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
            outbox::finished_at.eq(Some(to_db_time(now))),
        ))
        .execute(conn)?;
    Ok(())
}

/// Puts a row back to wait until `available_at` after a failed attempt.
pub fn reschedule(
    conn: &mut DbConn,
    id: &str,
    available_at: DateTime<Utc>,
    error: &str,
) -> Result<(), StoreError> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::available_at.eq(to_db_time(available_at)),
            outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
            outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Gives up on a row (a dead letter an admin can retry).
pub fn mark_failed(
    conn: &mut DbConn,
    id: &str,
    now: DateTime<Utc>,
    error: &str,
) -> Result<(), StoreError> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::state.eq("failed"),
            outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
            outbox::last_error.eq(Some(error)),
            outbox::finished_at.eq(Some(to_db_time(now))),
        ))
        .execute(conn)?;
    Ok(())
}

/// Replaces a row's payload (to scrub a secret once it is no longer needed).
pub fn set_payload(
    conn: &mut DbConn,
    id: &str,
    payload: &serde_json::Value,
) -> Result<(), StoreError> {
    diesel::update(outbox::table.find(id))
        .set(outbox::payload.eq(payload.to_string()))
        .execute(conn)?;
    Ok(())
}

/// An outbox row as the admin sees it: no payload (it may hold a secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: String,
    pub channel: String,
    pub topic: String,
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

type EntryRow = (
    String,
    String,
    String,
    String,
    i32,
    Option<String>,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
);

/// Rows in `state`, newest first, at most `limit`.
pub fn list_in_state(
    conn: &mut DbConn,
    state: &str,
    limit: i64,
) -> Result<Vec<OutboxEntry>, StoreError> {
    let rows: Vec<EntryRow> = outbox::table
        .filter(outbox::state.eq(state))
        .order((outbox::created_at.desc(), outbox::id.desc()))
        .limit(limit)
        .select((
            outbox::id,
            outbox::channel,
            outbox::topic,
            outbox::state,
            outbox::attempts,
            outbox::last_error,
            outbox::created_at,
            outbox::finished_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| OutboxEntry {
            id: r.0,
            channel: r.1,
            topic: r.2,
            state: r.3,
            attempts: r.4,
            last_error: r.5,
            created_at: from_db_time(r.6),
            finished_at: r.7.map(from_db_time),
        })
        .collect())
}

/// Makes a failed row pending again, due at `now`, with its attempts reset; `false` if
/// no failed row has this id.
pub fn retry(conn: &mut DbConn, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let n = diesel::update(outbox::table.find(id).filter(outbox::state.eq("failed")))
        .set((
            outbox::state.eq("pending"),
            outbox::attempts.eq(0),
            outbox::available_at.eq(to_db_time(now)),
            outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
            outbox::finished_at.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// The topic and state of one row, if it exists.
pub fn topic_and_state(
    conn: &mut DbConn,
    id: &str,
) -> Result<Option<(String, String)>, StoreError> {
    Ok(outbox::table
        .find(id)
        .select((outbox::topic, outbox::state))
        .first(conn)
        .optional()?)
}
