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
    let id = Uuid::new_v4();
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(id.to_string()),
            outbox::channel.eq(message.channel.as_str()),
            outbox::topic.eq(&message.topic),
            outbox::payload.eq(message.payload.to_string()),
            outbox::state.eq("pending"),
            outbox::attempts.eq(0),
            outbox::available_at.eq(to_db_time(message.available_at)),
            outbox::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(id)
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
