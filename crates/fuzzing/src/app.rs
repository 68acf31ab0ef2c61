//! The application under fuzzing, as `schakel serve` assembles it — the API, the FHIR
//! facade and the pages — over a fresh SQLite database, kept between inputs on the
//! thread that made it.

use actix_service::{ServiceExt, boxed};
use actix_web::body::BoxBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use schakel_api::AppState;
use schakel_api::auth::AuthState;
use schakel_auth::AuthConfig;
use schakel_domain::SystemClock;
use schakel_web::WebState;
use std::sync::Arc;

/// The running application: give it a request, get its response.
pub type App = boxed::BoxService<TestRequest, ServiceResponse<BoxBody>, actix_web::Error>;

/// The client address of every request.
pub fn peer() -> std::net::SocketAddr {
    std::net::SocketAddr::from(([192, 0, 2, 10], 40000))
}

/// The states of the API and of the pages over `pool`, with no second factor, no four
/// eyes and room for many requests per client.
fn states(pool: schakel_store::Pool) -> (AppState, WebState) {
    let config = AuthConfig {
        mfa_required: Default::default(),
        four_eyes: schakel_domain::FourEyesPolicy::off(),
        ..AuthConfig::default()
    };
    let auth = AuthState::ephemeral_with(config, (1_000_000, 1_000_000))
        .expect("the authentication state");
    let api = AppState::with_auth(pool, Arc::new(SystemClock), auth).expect("the API state");
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

/// The application over `pool`, as `schakel serve` mounts it.
pub async fn start(pool: schakel_store::Pool) -> App {
    let (api, web) = states(pool);
    let srv = actix_web::test::init_service(schakel_api::app_with(api, move |cfg| {
        schakel_fhir::configure(cfg);
        schakel_web::configure(cfg, web);
    }))
    .await;
    let srv = actix_service::apply_fn(srv, |req: TestRequest, srv| srv.call(req.to_request()));
    boxed::service(srv.map(ServiceResponse::map_into_boxed_body))
}

/// What came back.
#[derive(Debug)]
pub struct Reply {
    /// The status.
    pub status: u16,
    /// The content type.
    pub content_type: String,
    /// Cookies set, as `name=value`.
    pub cookies: Vec<(String, String)>,
    /// The location of a redirect.
    pub location: String,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON (null when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_default()
    }
}

/// Sends `req` from [`peer`] and reads the whole response. An error of the service
/// itself (not an answer) is a finding.
pub async fn send(app: &App, req: TestRequest) -> Reply {
    let res = app
        .call(req.peer_addr(peer()))
        .await
        .unwrap_or_else(|e| panic!("the service failed instead of answering: {e:?}"));
    let header = |name| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let content_type = header(actix_web::http::header::CONTENT_TYPE);
    let location = header(actix_web::http::header::LOCATION);
    let cookies = res
        .response()
        .cookies()
        .map(|c| (c.name().to_owned(), c.value().to_owned()))
        .collect();
    let status = res.status().as_u16();
    let body = actix_web::test::read_body(res).await.to_vec();
    Reply {
        status,
        content_type,
        cookies,
        location,
        body,
    }
}
