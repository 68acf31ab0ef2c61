//! The `[monitor]` section: where the monitor's tables live and the rules of disclosure
//! control on what analysts see (the tables' threshold and rounding, the k of the
//! record-level HTCDS export).

use schakel_monitor::Rules;
use schakel_monitor::htcds::ExportK;
use schakel_store::DatabaseTarget;
use serde::{Deserialize, Serialize};

/// Monitor settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MonitorSettings {
    /// A separate database for the monitor's tables (a SQLite path or a `postgres://`
    /// URL without a password; PostgreSQL authenticates through `~/.pgpass` or the
    /// server's rules). Empty: the operational database.
    pub database_url: String,
    /// Cells of fewer distinct persons are suppressed (at least 5).
    pub threshold: i64,
    /// Published counts are rounded down to a multiple of this (1 to 100).
    pub rounding: i64,
    /// The k of the HTCDS export's k-anonymity: every combination of its
    /// quasi-identifiers appears in at least this many records (at least 2; CTDC uses 11).
    pub export_k: u32,
    /// Fill the in-memory copy of the monitor's facts when `serve` starts, so the first
    /// analyst's table need not wait for it. Off: filled at the first table.
    pub preload: bool,
}

impl Default for MonitorSettings {
    fn default() -> Self {
        let rules = Rules::default();
        Self {
            database_url: String::new(),
            threshold: rules.threshold,
            rounding: rules.rounding,
            export_k: ExportK::DEFAULT.get(),
            preload: true,
        }
    }
}

impl MonitorSettings {
    /// Checks the numbers and the URL.
    pub fn validate(&self) -> Result<(), String> {
        if self.threshold < 5 {
            return Err("monitor.threshold must be at least 5".into());
        }
        if !(1..=100).contains(&self.rounding) {
            return Err("monitor.rounding must be 1 to 100".into());
        }
        if ExportK::new(self.export_k).is_err() {
            return Err(format!(
                "monitor.export_k must be at least {} (the k of the HTCDS export's \
                 k-anonymity; 11 by default, as CTDC)",
                ExportK::MIN
            ));
        }
        if let Some(DatabaseTarget::Postgres(url)) = self.target()? {
            let parsed = url::Url::parse(&url).map_err(|e| format!("monitor.database_url: {e}"))?;
            // Neither in the user part nor as a `password` parameter: the settings are
            // printed and logged, so a password there would leak. The monitor's
            // PostgreSQL authenticates through ~/.pgpass or the server's rules.
            let in_query = parsed
                .query_pairs()
                .any(|(k, _)| k.eq_ignore_ascii_case("password"));
            if parsed.password().is_some() || in_query {
                return Err("monitor.database_url must not contain a password (use \
                     ~/.pgpass or the server's authentication rules)"
                    .into());
            }
        }
        Ok(())
    }

    /// The separate monitor database, if one is configured.
    pub fn target(&self) -> Result<Option<DatabaseTarget>, String> {
        if self.database_url.trim().is_empty() {
            return Ok(None);
        }
        DatabaseTarget::parse(&self.database_url)
            .map(Some)
            .map_err(|e| format!("monitor.database_url: {e}"))
    }

    /// The rules of disclosure control.
    pub fn rules(&self) -> Rules {
        Rules {
            threshold: self.threshold,
            rounding: self.rounding,
        }
    }

    /// The k of the HTCDS export (checked by [`Self::validate`] when the settings were
    /// loaded; the default otherwise).
    pub fn export_k(&self) -> ExportK {
        ExportK::new(self.export_k).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_k_is_eleven_by_default_and_below_two_refused_at_start() {
        let defaults = MonitorSettings::default();
        assert!(defaults.validate().is_ok());
        assert_eq!(defaults.export_k().get(), 11);
        for k in [0, 1] {
            let s = MonitorSettings {
                export_k: k,
                ..MonitorSettings::default()
            };
            let e = s.validate().unwrap_err();
            assert!(e.contains("monitor.export_k must be at least 2"), "{e}");
        }
        let five = MonitorSettings {
            export_k: 5,
            ..MonitorSettings::default()
        };
        assert!(five.validate().is_ok());
        assert_eq!(five.export_k().get(), 5);
    }
}
