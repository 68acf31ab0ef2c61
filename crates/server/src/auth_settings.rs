//! The `[auth]` section of the configuration: token keys, session lifetimes, the second
//! factor, throttling and rate limits.

use schakel_auth::AuthConfig;
use schakel_domain::{FourEyesPolicy, PrivilegeChange, Role};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The default key file of the embedded setup; created on first start when missing.
pub const DEFAULT_TOKEN_KEYS_FILE: &str = "./data/keys/token-keys";

/// Authentication settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSettings {
    /// The access-token signing keys: `<key-id> <hex>` per line, at least 32 bytes each.
    /// A secret file (mode 0600). At the default path it is created when missing.
    pub token_keys_file: PathBuf,
    /// The key id that signs new tokens; by default the first in the file.
    pub current_key: Option<String>,
    /// The `iss` and `aud` of access tokens (tell environments apart).
    pub issuer: String,
    /// Seconds an access token is valid (at most 900).
    pub access_ttl_secs: i64,
    /// Seconds of inactivity after which a session ends.
    pub idle_timeout_secs: i64,
    /// Seconds after login at which a session ends.
    pub absolute_lifetime_secs: i64,
    /// Roles that must give a second factor. Every role by default; `serve --demo`
    /// drops the requirement unless this is set.
    pub mfa_required_roles: Option<Vec<Role>>,
    /// Seconds an invitation link is valid.
    pub invitation_ttl_secs: i64,
    /// Seconds a password-recovery link is valid (600 to 86400).
    pub reset_ttl_secs: i64,
    /// Recovery links one account gets within an hour (1 to 10).
    pub resets_per_hour: i64,
    /// Failed logins per account and hour after which no attempt is considered (≤ 100).
    pub max_failures_per_hour: i64,
    /// Password hashes computed at once (0: one per core but one, at least one), each on
    /// a thread of the lowest CPU priority.
    pub concurrent_hashes: usize,
    /// Password checks that may wait for a hashing thread; beyond them a login answers
    /// 503 with `Retry-After` (0 to 1000).
    pub hash_queue: usize,
    /// Sustained requests per second per client on `/api/v1/auth/*`.
    pub rate_per_second: u64,
    /// Burst of requests per client on `/api/v1/auth/*`.
    pub rate_burst: u32,
    /// The changes of privilege that wait for a second admin's approval (codes:
    /// `role_change`, `reactivation`, `second_factor_reset`, `case_work_invitation`);
    /// all by default, an empty list for none.
    pub four_eyes: Vec<String>,
    /// Hours a request for a change of privilege waits for a second admin (1 to 720).
    pub four_eyes_expiry_hours: i64,
}

impl Default for AuthSettings {
    fn default() -> Self {
        let defaults = AuthConfig::default();
        Self {
            token_keys_file: DEFAULT_TOKEN_KEYS_FILE.into(),
            current_key: None,
            issuer: "schakel".into(),
            access_ttl_secs: defaults.access_ttl_secs,
            idle_timeout_secs: defaults.idle_timeout_secs,
            absolute_lifetime_secs: defaults.absolute_lifetime_secs,
            mfa_required_roles: None,
            invitation_ttl_secs: defaults.invitation_ttl_secs,
            reset_ttl_secs: defaults.reset_ttl_secs,
            resets_per_hour: defaults.resets_per_hour,
            max_failures_per_hour: defaults.max_failures_per_hour,
            concurrent_hashes: 0,
            hash_queue: 16,
            rate_per_second: 2,
            rate_burst: 20,
            four_eyes: defaults
                .four_eyes
                .required
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
            four_eyes_expiry_hours: schakel_domain::privilege::DEFAULT_EXPIRY_HOURS,
        }
    }
}

impl AuthSettings {
    /// Checks the limits; returns a one-line message naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        if !(60..=900).contains(&self.access_ttl_secs) {
            return Err("auth.access_ttl_secs must be between 60 and 900".into());
        }
        if self.idle_timeout_secs < 60 || self.idle_timeout_secs > self.absolute_lifetime_secs {
            return Err("auth.idle_timeout_secs must be at least 60 and at most auth.absolute_lifetime_secs".into());
        }
        if self.absolute_lifetime_secs > 24 * 3600 {
            return Err("auth.absolute_lifetime_secs must be at most 86400".into());
        }
        if !(1..=100).contains(&self.max_failures_per_hour) {
            return Err("auth.max_failures_per_hour must be between 1 and 100".into());
        }
        if self.rate_per_second == 0 || self.rate_burst == 0 {
            return Err("auth.rate_per_second and auth.rate_burst must be at least 1".into());
        }
        if self.invitation_ttl_secs < 600 {
            return Err("auth.invitation_ttl_secs must be at least 600".into());
        }
        if !(600..=86400).contains(&self.reset_ttl_secs) {
            return Err("auth.reset_ttl_secs must be between 600 and 86400".into());
        }
        if !(1..=10).contains(&self.resets_per_hour) {
            return Err("auth.resets_per_hour must be between 1 and 10".into());
        }
        if self.hash_queue > 1000 || self.concurrent_hashes > 256 {
            return Err(
                "auth.hash_queue must be at most 1000 and auth.concurrent_hashes at most 256"
                    .into(),
            );
        }
        if self.issuer.trim().is_empty() {
            return Err("auth.issuer must not be empty".into());
        }
        self.four_eyes_policy()?;
        // The default file of the embedded setup is created on first start; any other
        // must exist and be readable now.
        let path = self.token_keys_file.as_path();
        if path != std::path::Path::new(DEFAULT_TOKEN_KEYS_FILE) || path.exists() {
            std::fs::File::open(path).map_err(|e| {
                format!("auth.token_keys_file: cannot read {}: {e}", path.display())
            })?;
            crate::keys::check_private(path, "auth.token_keys_file")?;
        }
        Ok(())
    }

    /// Which changes of privilege wait for a second admin, or what is wrong.
    fn four_eyes_policy(&self) -> Result<FourEyesPolicy, String> {
        if !(1..=720).contains(&self.four_eyes_expiry_hours) {
            return Err("auth.four_eyes_expiry_hours must be between 1 and 720".into());
        }
        let required = self
            .four_eyes
            .iter()
            .map(|c| {
                c.parse::<PrivilegeChange>()
                    .map_err(|_| format!("auth.four_eyes: `{c}` is not a change of privilege"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(FourEyesPolicy {
            required,
            expiry: chrono::Duration::hours(self.four_eyes_expiry_hours),
        })
    }

    /// The authentication rules; `demo` relaxes the second factor unless configured.
    pub fn config(
        &self,
        demo: bool,
        data_keys: std::sync::Arc<schakel_crypto::MasterKeys>,
    ) -> AuthConfig {
        let mfa_required = match &self.mfa_required_roles {
            Some(roles) => roles.iter().copied().collect(),
            None if demo => Default::default(),
            None => Role::ALL.iter().copied().collect(),
        };
        AuthConfig {
            access_ttl_secs: self.access_ttl_secs,
            idle_timeout_secs: self.idle_timeout_secs,
            absolute_lifetime_secs: self.absolute_lifetime_secs,
            mfa_required,
            invitation_ttl_secs: self.invitation_ttl_secs,
            reset_ttl_secs: self.reset_ttl_secs,
            resets_per_hour: self.resets_per_hour,
            max_failures_per_hour: self.max_failures_per_hour,
            data_keys,
            // Checked by `validate` when the settings were loaded.
            four_eyes: self.four_eyes_policy().unwrap_or_default(),
            ..AuthConfig::default()
        }
    }

    /// Password hashes at once: by default every core but one, so that a storm of
    /// logins leaves a core to the other requests.
    pub fn hashing_slots(&self) -> usize {
        match self.concurrent_hashes {
            0 => std::thread::available_parallelism()
                .map_or(1, |n| n.get().saturating_sub(1))
                .max(1),
            n => n,
        }
    }
}
