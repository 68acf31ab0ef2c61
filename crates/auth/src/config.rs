//! The knobs of authentication, with safe defaults.

use schakel_crypto::MasterKeys;
use schakel_domain::{FourEyesPolicy, Role};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Lifetimes, throttling and second-factor rules.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Seconds an access token is valid (at most 900).
    pub access_ttl_secs: i64,
    /// Seconds of inactivity after which a session ends.
    pub idle_timeout_secs: i64,
    /// Seconds after login at which a session ends whatever happens.
    pub absolute_lifetime_secs: i64,
    /// Roles that must give a second factor (all, by default).
    pub mfa_required: BTreeSet<Role>,
    /// Seconds an invitation link stays valid.
    pub invitation_ttl_secs: i64,
    /// Seconds a password-recovery link stays valid.
    pub reset_ttl_secs: i64,
    /// Recovery links an account gets within an hour; further requests send nothing.
    pub resets_per_hour: i64,
    /// Failed logins within an hour after which each further attempt waits longer.
    pub free_failures: i64,
    /// Longest wait between attempts, in seconds.
    pub max_delay_secs: i64,
    /// Failed logins within an hour after which the account accepts no attempt until
    /// the oldest of them is an hour old (at most 100).
    pub max_failures_per_hour: i64,
    /// Wrong authenticator codes one session may give; the one that reaches this number
    /// ends the session, so further guesses need the password again.
    pub codes_per_session: i64,
    /// The issuer name shown in authenticator apps.
    pub totp_issuer: String,
    /// The data keys that encrypt second-factor secrets at rest.
    pub data_keys: Arc<MasterKeys>,
    /// Which changes of privilege wait for a second admin, and for how long.
    pub four_eyes: FourEyesPolicy,
}

/// Data keys that live as long as the process: one random key (tests and tools; the
/// server loads its configured keys instead).
pub fn ephemeral_data_keys() -> Arc<MasterKeys> {
    Arc::new(MasterKeys::single(
        "ephemeral",
        crate::secret_token::generate_key(),
    ))
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            access_ttl_secs: 900,
            idle_timeout_secs: 30 * 60,
            absolute_lifetime_secs: 12 * 3600,
            mfa_required: Role::ALL.iter().copied().collect(),
            invitation_ttl_secs: 72 * 3600,
            reset_ttl_secs: 3600,
            resets_per_hour: 3,
            free_failures: 5,
            max_delay_secs: 300,
            max_failures_per_hour: 100,
            codes_per_session: 5,
            totp_issuer: "Schakel".into(),
            data_keys: ephemeral_data_keys(),
            four_eyes: FourEyesPolicy::default(),
        }
    }
}
