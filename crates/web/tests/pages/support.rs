//! What the page tests share: the password of the accounts they make, the states the
//! pages are served from, and reading a response.

use actix_web::body::MessageBody;
use actix_web::cookie::Cookie;
use actix_web::dev::ServiceResponse;
use actix_web::test::{self, TestRequest};
use schakel_api::AppState;
use schakel_api::auth::AuthState;
use schakel_auth::AuthConfig;
use schakel_domain::SystemClock;
use schakel_referral_workflow::WorkflowConfig;
use schakel_store::testing::TestDb;
use schakel_web::WebState;
use std::sync::Arc;

pub const PASSWORD: &str = "kompas tulp regen wolk";

/// The API and the pages beside it, as `schakel serve` builds them, without a second
/// factor and with room for a thousand requests per client.
pub fn states(db: &TestDb) -> (AppState, WebState) {
    states_with(
        db,
        AuthConfig {
            mfa_required: Default::default(),
            ..AuthConfig::default()
        },
    )
}

/// The same with the authentication settings `config` (e.g. without four eyes).
pub fn states_with(db: &TestDb, config: AuthConfig) -> (AppState, WebState) {
    let auth = AuthState::ephemeral_with(config, (1000, 1000)).unwrap();
    let api = AppState::with_auth(db.pool.clone(), Arc::new(SystemClock), auth).unwrap();
    let web = WebState {
        pool: api.pool.clone(),
        clock: api.clock.clone(),
        auth: api.auth.config.clone(),
        hashing: api.auth.hashing.clone(),
        workflow: api.workflow.clone(),
        secure_cookies: true,
        monitor: api.monitor.clone(),
        client: schakel_web::ClientRules::unlimited(),
    };
    (api, web)
}

/// The pages alone, without a second factor.
pub fn state(db: &TestDb) -> WebState {
    let auth = AuthConfig {
        mfa_required: Default::default(),
        ..Default::default()
    };
    let keys = auth.data_keys.clone();
    WebState {
        pool: db.pool.clone(),
        clock: Arc::new(SystemClock),
        auth: Arc::new(auth),
        hashing: schakel_auth::hash_pool::HashPool::start(2, 64).unwrap(),
        workflow: Arc::new(WorkflowConfig::with_keys(keys)),
        secure_cookies: true,
        monitor: Default::default(),
        client: schakel_web::ClientRules::unlimited(),
    }
}

pub async fn body<B: MessageBody>(res: ServiceResponse<B>) -> String {
    String::from_utf8(test::read_body(res).await.to_vec()).unwrap()
}

pub fn header<B>(res: &ServiceResponse<B>, name: &str) -> String {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The value of a hidden `csrf` field in a page.
pub fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    page[at..].split('"').next().unwrap().to_owned()
}

pub fn peer() -> std::net::SocketAddr {
    "192.0.2.10:40000".parse().unwrap()
}

/// A page for the browser of `session`, from [`peer`].
pub fn get(uri: &str, session: &Cookie<'static>) -> TestRequest {
    TestRequest::get()
        .uri(uri)
        .peer_addr(peer())
        .cookie(session.clone())
}

/// Builds the service exactly as `schakel serve` does: the API with the pages beside it.
macro_rules! service {
    ($db:expr) => {{
        let (api, web) = $crate::support::states($db);
        actix_web::test::init_service(schakel_api::app_with(api, move |cfg| {
            schakel_web::configure(cfg, web)
        }))
        .await
    }};
}
pub(crate) use service;

/// The same service with the authentication settings `$config`.
macro_rules! service_with {
    ($db:expr, $config:expr) => {{
        let (api, web) = $crate::support::states_with($db, $config);
        actix_web::test::init_service(schakel_api::app_with(api, move |cfg| {
            schakel_web::configure(cfg, web)
        }))
        .await
    }};
}
pub(crate) use service_with;

/// Settings without a second factor and without four eyes on privilege: every admin's
/// change happens at once.
pub fn without_four_eyes() -> AuthConfig {
    AuthConfig {
        mfa_required: Default::default(),
        four_eyes: schakel_domain::FourEyesPolicy::off(),
        ..AuthConfig::default()
    }
}

/// Seals every entry of a finished transaction, as the sealer of a running server does
/// within a second (on SQLite entries are sealed as they are made).
pub fn seal(db: &TestDb) {
    let mut conn = db.pool.get().unwrap();
    let patience = std::time::Duration::from_secs(30);
    let (_, waiting) = schakel_audit::seal_committed(&mut conn, patience).unwrap();
    assert_eq!(waiting, 0, "other tests' transactions end within 30 s");
}
