//! What the authentication handlers share: the token keys, the rules, the threads that
//! compute password hashes (with the bound on those admitted at once) and the
//! per-client rate limit.

use super::rate::{self, ClientLimit, RateLimit};
use schakel_auth::AuthConfig;
use schakel_auth::hash_pool::HashPool;
use schakel_auth::jwt::Keyring;
use std::net::IpAddr;
use std::sync::Arc;

/// What the authentication handlers share.
#[derive(Debug, Clone)]
pub struct AuthState {
    /// The access-token keys.
    pub keyring: Arc<Keyring>,
    /// Lifetimes, throttling, second-factor rules.
    pub config: Arc<AuthConfig>,
    /// The password-hashing threads (lowest CPU priority) and the bound on the hashes
    /// admitted at once: a storm of logins waits there, or is answered 503, instead of
    /// taking the CPU and the blocking pool that every other request needs.
    pub hashing: HashPool,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<Vec<IpAddr>>,
    /// The per-client limit on the authentication endpoints (shared by all workers).
    pub rate_limit: RateLimit,
}

impl AuthState {
    /// Auth state over a keyring and configuration, hashing passwords on `hashing`.
    /// `rate` is (sustained requests per second, burst) per client on `/auth/*`.
    pub fn new(
        keyring: Keyring,
        config: AuthConfig,
        hashing: HashPool,
        trusted_proxies: Vec<IpAddr>,
        rate: (u64, u32),
    ) -> Result<Self, crate::ApiError> {
        let trusted_proxies = Arc::new(trusted_proxies);
        let rate_limit = rate::rate_limit(rate.0, rate.1, trusted_proxies.clone())
            .ok_or_else(|| crate::ApiError::Internal("invalid rate limit".into()))?;
        Ok(Self {
            keyring: Arc::new(keyring),
            config: Arc::new(config),
            hashing,
            trusted_proxies,
            rate_limit,
        })
    }

    /// The per-client limit of `/auth/*` as a function, so that other routes with
    /// credentials (the pages' login and link forms) draw from the same buckets.
    pub fn client_limit(&self) -> ClientLimit {
        rate::client_limit(&self.rate_limit)
    }

    /// Auth state with a random signing key that lives as long as the process, default
    /// settings, and a generous rate limit (for tests and tools).
    pub fn ephemeral() -> Result<Self, crate::ApiError> {
        let mut keys = std::collections::BTreeMap::new();
        let key = schakel_auth::secret_token::generate_key().to_vec();
        keys.insert("ephemeral".to_owned(), secrecy::SecretSlice::from(key));
        let keyring = Keyring::new("schakel", "schakel-api", "ephemeral", keys)?;
        let hashing = HashPool::start(2, 64)?;
        Self::new(
            keyring,
            AuthConfig::default(),
            hashing,
            Vec::new(),
            (1000, 1000),
        )
    }

    /// Like [`ephemeral`](Self::ephemeral), with the given settings and per-client rate
    /// limit (sustained requests per second, burst) on `/auth/*` (for tests).
    pub fn ephemeral_with(config: AuthConfig, rate: (u64, u32)) -> Result<Self, crate::ApiError> {
        let mut state = Self::ephemeral()?;
        state.config = Arc::new(config);
        state.rate_limit = rate::rate_limit(rate.0, rate.1, state.trusted_proxies.clone())
            .ok_or_else(|| crate::ApiError::Internal("invalid rate limit".into()))?;
        Ok(state)
    }
}
