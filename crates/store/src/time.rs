//! Times in the database: UTC, without zone, truncated to microseconds.
//!
//! Both backends store `TIMESTAMP` without a zone; the convention is UTC everywhere.

use chrono::{DateTime, NaiveDateTime, Utc};
use schakel_domain::clock::to_micros;

/// A UTC time as stored.
pub fn to_db_time(t: DateTime<Utc>) -> NaiveDateTime {
    to_micros(t).naive_utc()
}

/// A stored time as UTC.
pub fn from_db_time(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}
