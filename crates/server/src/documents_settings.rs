//! The `[documents]` section: how large a document on a case may be, and where the
//! ClamAV daemon that scans every document before it is served listens.

use serde::{Deserialize, Serialize};

/// Document settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DocumentsSettings {
    /// The largest document accepted, in bytes (clamd's `StreamMaxLength` must be at
    /// least this, or every larger document waits unscanned).
    pub max_bytes: usize,
    /// The ClamAV daemon's TCP address (`host:port`; clamd's `TCPSocket`/`TCPAddr`).
    pub clamd_address: String,
    /// Seconds between runs of the scan job (documents wait this long at most for
    /// their scan while the scanner is up).
    pub scan_interval_secs: u64,
    /// Seconds a scan may take before it counts as failed (the document waits for the
    /// next run).
    pub scan_timeout_secs: u64,
}

impl Default for DocumentsSettings {
    fn default() -> Self {
        Self {
            max_bytes: schakel_referral_workflow::config::DEFAULT_DOCUMENT_MAX_BYTES,
            clamd_address: "127.0.0.1:3310".into(),
            scan_interval_secs: 5,
            scan_timeout_secs: 60,
        }
    }
}

impl DocumentsSettings {
    /// Checks the numbers and the address.
    pub fn validate(&self) -> Result<(), String> {
        if !(1024..=512 * 1024 * 1024).contains(&self.max_bytes) {
            return Err("documents.max_bytes must be 1024 to 536870912".into());
        }
        if self.clamd_address.trim().is_empty() || !self.clamd_address.contains(':') {
            return Err("documents.clamd_address must be host:port".into());
        }
        if self.scan_interval_secs == 0 || self.scan_timeout_secs == 0 {
            return Err(
                "documents.scan_interval_secs and scan_timeout_secs must be at least 1".into(),
            );
        }
        Ok(())
    }
}
