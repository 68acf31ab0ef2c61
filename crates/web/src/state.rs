//! What the pages share: the pool, the clock, the authentication rules, the case-work
//! settings and whether cookies must be `Secure`.

use schakel_auth::AuthConfig;
use schakel_domain::Clock;
use schakel_referral_workflow::WorkflowConfig;
use schakel_store::Pool;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Shared state of the web pages.
#[derive(Clone)]
pub struct WebState {
    /// The database pool.
    pub pool: Pool,
    /// The source of time.
    pub clock: Arc<dyn Clock>,
    /// Session, throttling and second-factor rules.
    pub auth: Arc<AuthConfig>,
    /// Bounds the password hashes computed at once (shared with the API).
    pub hashing: Arc<Semaphore>,
    /// Keys, deadlines and retention of case work.
    pub workflow: Arc<WorkflowConfig>,
    /// Whether cookies carry `Secure` (everywhere but plain HTTP on loopback).
    pub secure_cookies: bool,
}

impl std::fmt::Debug for WebState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebState")
            .field("secure_cookies", &self.secure_cookies)
            .finish()
    }
}
