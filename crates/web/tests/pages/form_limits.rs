//! The forms that take credentials over HTTP, behind a trusted proxy: a burst of form
//! logins from one client gets 429 with a `Retry-After` of at least a second, and so do
//! the second-factor form, the link forms and the API's login from the same client,
//! while another client behind the same proxy goes on; the audit entries of form logins
//! name the client behind the proxy and carry the request id.

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_api::AppState;
use schakel_api::auth::AuthState;
use schakel_auth::AuthConfig;
use schakel_auth::jwt::Keyring;
use schakel_domain::SystemClock;
use schakel_store::testing::{TestDb, selected_backends};
use schakel_web::{ClientRules, MonitorView, WebState};
use std::net::IpAddr;
use std::sync::Arc;

const PROXY: &str = "10.0.0.1:443";

/// An API and pages whose credential routes allow `burst` requests per client (one more
/// per second), behind the trusted proxy.
fn states(db: &TestDb, burst: u32) -> (AppState, WebState) {
    let mut keys = std::collections::BTreeMap::new();
    keys.insert("k1".to_owned(), secrecy::SecretSlice::from(vec![7_u8; 32]));
    let keyring = Keyring::new("schakel", "schakel-api", "k1", keys).unwrap();
    let proxy: IpAddr = "10.0.0.1".parse().unwrap();
    let hashing = schakel_auth::hash_pool::HashPool::start(2, 64).unwrap();
    let auth = AuthState::new(
        keyring,
        AuthConfig::default(),
        hashing,
        vec![proxy],
        (1, burst),
    )
    .unwrap();
    let api = AppState::with_auth(db.pool.clone(), Arc::new(SystemClock), auth).unwrap();
    let web = WebState {
        pool: api.pool.clone(),
        clock: api.clock.clone(),
        auth: api.auth.config.clone(),
        hashing: api.auth.hashing.clone(),
        workflow: api.workflow.clone(),
        secure_cookies: true,
        monitor: MonitorView::default(),
        client: ClientRules {
            trusted_proxies: api.auth.trusted_proxies.clone(),
            limit: api.auth.client_limit(),
        },
    };
    (api, web)
}

/// A request from `client` through the proxy.
fn from(client: &str, req: TestRequest) -> TestRequest {
    req.peer_addr(PROXY.parse().unwrap())
        .insert_header(("x-forwarded-for", client))
}

fn form_post(client: &str, uri: &str, csrf: &str, fields: &str) -> TestRequest {
    from(client, TestRequest::post().uri(uri))
        .cookie(actix_web::cookie::Cookie::new(
            "__Host-schakel_login",
            csrf.to_owned(),
        ))
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .set_payload(format!("csrf={csrf}&{fields}"))
}

#[actix_web::test]
async fn a_burst_of_form_logins_from_one_client_gets_429_like_the_api() {
    let db = TestDb::new(selected_backends()[0]);
    let (api, web) = states(&db, 10);
    let app = test::init_service(schakel_api::app_with(api, move |cfg| {
        schakel_web::configure(cfg, web)
    }))
    .await;
    let client = "203.0.113.5";
    let csrf = "formtoken";
    let mut statuses = Vec::new();
    for i in 0..40 {
        let fields = format!("email=nobody{i}%40example.org&password=geraden+wachtwoord");
        let res = test::call_service(
            &app,
            form_post(client, "/login", csrf, &fields).to_request(),
        )
        .await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            let retry: u64 = res
                .headers()
                .get("retry-after")
                .unwrap()
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(retry >= 1, "Retry-After {retry}");
            let ct = res
                .headers()
                .get("content-type")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned();
            assert!(ct.starts_with("text/html"), "{ct}");
        }
        statuses.push(res.status());
    }
    assert!(
        statuses[..10]
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(limited >= 25, "{limited} of 40 limited: {statuses:?}");

    // The same client's second-factor form, link forms and API login: limited too.
    for uri in ["/login/code", "/password-reset", "/invitation"] {
        let res = test::call_service(
            &app,
            form_post(client, uri, csrf, "code=123456").to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "{uri}");
    }
    let res = test::call_service(
        &app,
        from(client, TestRequest::post().uri("/api/v1/auth/login"))
            .set_json(serde_json::json!({ "email": "a@b.example", "password": "x" }))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another client behind the same proxy has its own bucket.
    let fields = "email=other%40example.org&password=geraden+wachtwoord";
    let res = test::call_service(
        &app,
        form_post("203.0.113.6", "/login", csrf, fields).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Only the attempts let through were judged; each names the client and the request.
    let mut conn = db.pool.get().unwrap();
    let filter = schakel_audit::AuditFilter {
        action: Some(schakel_audit::ActionCode::parse("auth.login").unwrap()),
        ..Default::default()
    };
    let page = schakel_audit::PageRequest {
        before_seq: None,
        limit: schakel_audit::MAX_PAGE_SIZE,
    };
    let entries = schakel_audit::query(&mut conn, &filter, page)
        .unwrap()
        .entries;
    assert_eq!(entries.len(), 40 - limited + 1);
    let of_client: Vec<_> = entries
        .iter()
        .filter(|e| e.source_ip == Some(client.parse().unwrap()))
        .collect();
    assert_eq!(
        of_client.len(),
        40 - limited,
        "addresses: {:?}",
        entries.iter().map(|e| e.source_ip).collect::<Vec<_>>()
    );
    assert!(
        entries
            .iter()
            .all(|e| e.request_id.as_deref().is_some_and(|id| id.len() >= 32)),
        "every entry carries the request id"
    );
}
