//! Delivery settings: sender, links, retries, leases and the digest hour.

use chrono::Duration;
use lettre::message::Mailbox;

/// How the dispatcher delivers.
#[derive(Debug, Clone)]
pub struct NotifyConfig {
    /// The sender of every email.
    pub from: Mailbox,
    /// The platform's public address; links in emails start with it.
    pub public_url: String,
    /// Attempts before a message is given up on (a dead letter an admin can retry).
    pub max_attempts: i32,
    /// The wait after the first failed attempt; it doubles per attempt.
    pub backoff_base: Duration,
    /// The longest wait between attempts.
    pub backoff_max: Duration,
    /// How long a claimed row is reserved for its worker; after that a crashed
    /// worker's rows are claimed again.
    pub lease: Duration,
    /// Rows claimed at once.
    pub batch: i64,
    /// The hour (UTC, 0–23) at which daily digests are sent.
    pub digest_hour: u32,
}

impl NotifyConfig {
    /// Defaults for a platform at `public_url` sending as `from`.
    pub fn new(from: Mailbox, public_url: impl Into<String>) -> Self {
        Self {
            from,
            public_url: public_url.into().trim_end_matches('/').to_owned(),
            max_attempts: 8,
            backoff_base: Duration::seconds(30),
            backoff_max: Duration::hours(1),
            lease: Duration::minutes(5),
            batch: 50,
            digest_hour: 7,
        }
    }
}
