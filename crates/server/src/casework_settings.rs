//! The `[casework]` section: response deadlines, retention, and how often the
//! platform's own jobs (reminding, escalating and expiring referrals; erasing after
//! retention) run.

use schakel_crypto::MasterKeys;
use schakel_domain::DeadlinePolicy;
use schakel_referral_workflow::WorkflowConfig;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Case-work settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CaseworkSettings {
    /// Hours the receiving agency has to answer an urgent referral.
    pub urgent_deadline_hours: u32,
    /// Working days (Monday to Friday less the Dutch public holidays) to answer a normal
    /// referral.
    pub normal_deadline_working_days: u32,
    /// Hours after the deadline at which both agencies' coordinators are told of an
    /// unanswered referral (the receiving agency is reminded at the deadline itself);
    /// working hours for a normal referral, calendar hours for an urgent one.
    pub escalation_hours: u32,
    /// Hours after the deadline at which an unanswered referral expires (at least
    /// `escalation_hours`), counted like `escalation_hours`.
    pub expiry_hours: u32,
    /// Days after closing a case before its identity and free text are erased.
    pub retention_days: i64,
    /// Days a draft of a form is kept after it was last saved.
    pub draft_days: i64,
    /// Days after which an agency's reported free places are shown as stale in the
    /// directory and rank below fresh figures in referral suggestions.
    pub places_stale_after_days: i64,
    /// Seconds between runs of the deadline job (reminders at the deadline, escalation,
    /// expiry of unanswered referrals).
    pub expiry_interval_secs: u64,
    /// Seconds between runs of the retention job (closed cases, unopened signals, stored
    /// idempotent responses).
    pub retention_interval_secs: u64,
    /// Whether `serve` runs these jobs (turn off on all but one instance, or run them
    /// elsewhere; running them on several instances at once is safe but wasteful).
    pub run_jobs: bool,
}

impl Default for CaseworkSettings {
    fn default() -> Self {
        let d = DeadlinePolicy::default();
        Self {
            urgent_deadline_hours: d.urgent_hours,
            normal_deadline_working_days: d.normal_working_days,
            escalation_hours: d.escalation_hours,
            expiry_hours: d.expiry_hours,
            retention_days: schakel_referral_workflow::config::DEFAULT_RETENTION_DAYS,
            draft_days: schakel_referral_workflow::config::DEFAULT_DRAFT_DAYS,
            places_stale_after_days: schakel_domain::directory::DEFAULT_STALE_AFTER_DAYS,
            expiry_interval_secs: 60,
            retention_interval_secs: 3600,
            run_jobs: true,
        }
    }
}

impl CaseworkSettings {
    /// Checks the numbers.
    pub fn validate(&self) -> Result<(), String> {
        if self.urgent_deadline_hours == 0 || self.urgent_deadline_hours > 24 * 14 {
            return Err("casework.urgent_deadline_hours must be 1 to 336".into());
        }
        if self.normal_deadline_working_days == 0 || self.normal_deadline_working_days > 60 {
            return Err("casework.normal_deadline_working_days must be 1 to 60".into());
        }
        if self.expiry_hours < self.escalation_hours || self.expiry_hours > 24 * 90 {
            return Err(
                "casework.expiry_hours must be at least escalation_hours and at most 2160".into(),
            );
        }
        if !(1..=36_500).contains(&self.retention_days) {
            return Err("casework.retention_days must be 1 to 36500".into());
        }
        if !(1..=365).contains(&self.draft_days) {
            return Err("casework.draft_days must be 1 to 365".into());
        }
        if !(1..=365).contains(&self.places_stale_after_days) {
            return Err("casework.places_stale_after_days must be 1 to 365".into());
        }
        if self.expiry_interval_secs == 0 || self.retention_interval_secs == 0 {
            return Err("casework job intervals must be at least 1 second".into());
        }
        Ok(())
    }

    /// The use cases' settings over the loaded data keys.
    pub fn workflow(
        &self,
        keys: Arc<MasterKeys>,
        data: &crate::data_settings::DataSettings,
    ) -> WorkflowConfig {
        let mut cfg = WorkflowConfig::with_keys(keys);
        cfg.index_key_id = data.index_key.clone();
        cfg.linkage_key_id = data.linkage_key.clone();
        cfg.deadlines = DeadlinePolicy {
            urgent_hours: self.urgent_deadline_hours,
            normal_working_days: self.normal_deadline_working_days,
            escalation_hours: self.escalation_hours,
            expiry_hours: self.expiry_hours,
        };
        cfg.retention = chrono::Duration::days(self.retention_days);
        cfg.draft_lifetime = chrono::Duration::days(self.draft_days);
        cfg.places_stale_after = chrono::Duration::days(self.places_stale_after_days);
        cfg
    }
}
