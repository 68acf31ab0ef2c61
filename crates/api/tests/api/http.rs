//! The HTTP skeleton as a client sees it: health, readiness, metrics, the OpenAPI
//! document, security headers, and every error as problem+json.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, test, web};
use schakel_api::{AppState, app, app_with};
use schakel_domain::SystemClock;
use schakel_store::testing::{TestDb, selected_backends};
use serde::Deserialize;
use std::sync::Arc;

fn state(db: &TestDb) -> AppState {
    AppState::new(db.pool.clone(), Arc::new(SystemClock)).unwrap()
}

/// A JSON body for the route that only the body-handling tests add.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Probe {
    name: String,
}

async fn echo(body: web::Json<Probe>) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "len": body.name.len() }))
}

fn with_echo(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/test-echo").route(web::post().to(echo)));
}

async fn problem_of<B: actix_web::body::MessageBody>(
    res: actix_web::dev::ServiceResponse<B>,
) -> (StatusCode, serde_json::Value) {
    let status = res.status();
    let ct = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(ct, "application/problem+json", "status {status}");
    let request_id = res
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .expect("x-request-id header");
    let body: serde_json::Value = test::read_body_json(res).await;
    assert_eq!(body["request_id"], request_id.as_str());
    assert_eq!(body["status"], status.as_u16());
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys.len(),
        4,
        "only type, title, status, request_id: {body}"
    );
    (status, body)
}

#[actix_web::test]
async fn health_and_readiness_answer_ok_on_a_migrated_database() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(state(&db))).await;
        for path in ["/healthz", "/readyz"] {
            let res =
                test::call_service(&srv, test::TestRequest::get().uri(path).to_request()).await;
            assert_eq!(res.status(), StatusCode::OK, "{path} on {backend:?}");
            let body: serde_json::Value = test::read_body_json(res).await;
            assert_eq!(body["status"], "ok");
        }
    }
}

#[actix_web::test]
async fn readiness_fails_with_a_problem_while_migrations_are_pending() {
    for backend in selected_backends() {
        let db = TestDb::unmigrated(backend);
        let srv = test::init_service(app(state(&db))).await;
        let res =
            test::call_service(&srv, test::TestRequest::get().uri("/readyz").to_request()).await;
        let (status, body) = problem_of(res).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{backend:?}");
        assert_eq!(body["type"], "urn:schakel:problem:unavailable");
        let res =
            test::call_service(&srv, test::TestRequest::get().uri("/healthz").to_request()).await;
        assert_eq!(res.status(), StatusCode::OK, "alive even when not ready");
    }
}

#[actix_web::test]
async fn metrics_are_prometheus_text_with_requests_pool_and_outbox() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(state(&db))).await;
        test::call_service(&srv, test::TestRequest::get().uri("/healthz").to_request()).await;
        test::call_service(
            &srv,
            test::TestRequest::get().uri("/no/such/page").to_request(),
        )
        .await;
        let res =
            test::call_service(&srv, test::TestRequest::get().uri("/metrics").to_request()).await;
        assert_eq!(res.status(), StatusCode::OK);
        let ct = res
            .headers()
            .get(header::CONTENT_TYPE)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
        let text = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
        for needle in [
            r#"schakel_http_requests_total{endpoint="/healthz",method="GET",status="200"} 1"#,
            r#"schakel_http_requests_total{endpoint="<unmatched>",method="GET",status="404"} 1"#,
            "schakel_http_requests_duration_seconds_bucket",
            "schakel_db_pool_max_connections 4",
            "schakel_outbox_pending 0",
            "schakel_db_up 1",
            "schakel_outbox_failed 0",
            "schakel_outbox_oldest_due_age_seconds 0",
            "schakel_mail_pending 0",
            "schakel_mail_failed 0",
        ] {
            assert!(
                text.contains(needle),
                "missing {needle} on {backend:?} in:\n{text}"
            );
        }
        assert!(
            !text.contains("/no/such/page"),
            "concrete paths must not become labels"
        );
    }
}

#[actix_web::test]
async fn a_dead_letter_email_shows_in_the_metrics() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        {
            let mut conn = db.pool.get().unwrap();
            let now = chrono::Utc::now();
            let agency = schakel_store::agencies::insert(
                &mut conn,
                &schakel_store::agencies::NewAgency {
                    name: "Opvang",
                    kind: schakel_domain::AgencyKind::ShelterOther,
                    region: schakel_domain::Region::National,
                    contact_email: "desk@opvang.example",
                },
                now,
            )
            .unwrap();
            let user = schakel_store::users::insert(
                &mut conn,
                &schakel_store::users::NewUser {
                    agency_id: agency.id,
                    email: "coord@opvang.example",
                    display_name: "Coordinator",
                    role: schakel_domain::Role::Coordinator,
                    locale: "en",
                    password_hash: None,
                },
                now,
            )
            .unwrap();
            let payload = serde_json::json!({ "agency_id": agency.id, "roles": ["coordinator"] });
            let outbox_id = schakel_store::outbox::enqueue(
                &mut conn,
                &schakel_store::outbox::NewOutboxMessage {
                    channel: schakel_store::outbox::Channel::Email,
                    topic: "referral_received".into(),
                    payload: payload.clone(),
                    available_at: now,
                },
                now,
            )
            .unwrap()
            .to_string();
            schakel_store::mail_queue::insert(
                &mut conn,
                &schakel_store::mail_queue::NewMail {
                    outbox_id: &outbox_id,
                    user_id: user.id,
                    topic: "referral_received",
                    payload: &payload,
                    digest: false,
                    available_at: now,
                    created_at: now,
                },
            )
            .unwrap();
            let claimed = schakel_store::mail_queue::claim(&mut conn, false, now, now, 10).unwrap();
            let ids: Vec<String> = claimed.into_iter().map(|m| m.id).collect();
            schakel_store::mail_queue::mark_failed(&mut conn, &ids, "SMTP: refused").unwrap();
        }
        let srv = test::init_service(app(state(&db))).await;
        let res =
            test::call_service(&srv, test::TestRequest::get().uri("/metrics").to_request()).await;
        let text = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
        assert!(
            text.contains("schakel_mail_failed 1"),
            "{backend:?}:\n{text}"
        );
        assert!(text.contains("schakel_mail_pending 0"));
    }
}

#[actix_web::test]
async fn the_openapi_document_is_openapi_3_and_lists_every_route() {
    let db = TestDb::new(selected_backends()[0]);
    let srv = test::init_service(app(state(&db))).await;
    let res = test::call_service(
        &srv,
        test::TestRequest::get()
            .uri("/api/v1/openapi.json")
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let doc: serde_json::Value = test::read_body_json(res).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for route in ["/healthz", "/readyz", "/metrics", "/api/v1/openapi.json"] {
        assert!(paths.contains(&route), "{route} missing from {paths:?}");
        let res = test::call_service(&srv, test::TestRequest::get().uri(route).to_request()).await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{route} is documented and served"
        );
    }
    assert!(doc["components"]["schemas"]["Problem"].is_object());
}

#[actix_web::test]
async fn every_response_carries_the_security_headers() {
    let db = TestDb::new(selected_backends()[0]);
    let srv = test::init_service(app(state(&db))).await;
    for (method, path) in [
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("GET", "/metrics"),
        ("GET", "/api/v1/openapi.json"),
        ("GET", "/nothing-here"),
        ("DELETE", "/healthz"),
    ] {
        let req = test::TestRequest::default()
            .method(method.parse().unwrap())
            .uri(path)
            .to_request();
        let res = test::call_service(&srv, req).await;
        let h = res.headers();
        let get = |name: &str| h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
        assert_eq!(get("cache-control"), "no-store", "{method} {path}");
        assert_eq!(get("x-content-type-options"), "nosniff", "{method} {path}");
        assert_eq!(get("referrer-policy"), "no-referrer", "{method} {path}");
        assert_eq!(get("x-frame-options"), "DENY", "{method} {path}");
        assert!(
            get("content-security-policy").contains("default-src 'none'"),
            "{method} {path}"
        );
        assert!(get("content-security-policy").contains("frame-ancestors 'none'"));
        assert!(
            get("content-type").contains("json") || get("content-type").contains("charset=utf-8")
        );
    }
}

#[actix_web::test]
async fn unknown_routes_and_wrong_methods_are_problems_not_server_errors() {
    let db = TestDb::new(selected_backends()[0]);
    let srv = test::init_service(app(state(&db))).await;
    let res = test::call_service(
        &srv,
        test::TestRequest::get().uri("/api/v1/nope").to_request(),
    )
    .await;
    let (status, body) = problem_of(res).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["type"], "urn:schakel:problem:not_found");

    let res =
        test::call_service(&srv, test::TestRequest::post().uri("/healthz").to_request()).await;
    assert_eq!(res.headers().get(header::ALLOW).unwrap(), "GET");
    let (status, body) = problem_of(res).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["type"], "urn:schakel:problem:method_not_allowed");
}

#[actix_web::test]
async fn bad_bodies_get_their_own_status_as_problems() {
    let db = TestDb::new(selected_backends()[0]);
    let srv = test::init_service(app_with(state(&db), with_echo)).await;
    let post = |ct: Option<&str>, body: Vec<u8>| {
        let mut req = test::TestRequest::post().uri("/test-echo");
        if let Some(ct) = ct {
            req = req.insert_header((header::CONTENT_TYPE, ct));
        }
        req.set_payload(body).to_request()
    };
    let json = Some("application/json");
    let ok = test::call_service(&srv, post(json, br#"{"name":"x"}"#.to_vec())).await;
    assert_eq!(ok.status(), StatusCode::OK, "a good body passes");

    let huge = format!(
        r#"{{"name":"{}"}}"#,
        "a".repeat(schakel_api::JSON_LIMIT + 1)
    );
    let cases: Vec<(Option<&str>, Vec<u8>, StatusCode, &str)> = vec![
        (
            json,
            huge.into_bytes(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            Some("text/plain"),
            br#"{"name":"x"}"#.to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            None,
            br#"{"name":"x"}"#.to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            json,
            br#"{"name": "x""#.to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            json,
            b"not json".to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            json,
            br#"{"name": 5}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            json,
            br#"{"name":"x","role":"admin"}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
    ];
    for (ct, body, expected, code) in cases {
        let res = test::call_service(&srv, post(ct, body)).await;
        let (status, problem) = problem_of(res).await;
        assert_eq!(status, expected, "{code}");
        assert_eq!(problem["type"], format!("urn:schakel:problem:{code}"));
    }
}

/// A request without a valid token learns nothing of what its body got wrong: it is
/// answered `401` whatever the body holds, also when the token's check takes longer
/// than reading the body.
#[actix_web::test]
async fn a_request_without_a_valid_token_is_refused_before_its_body_is_judged() {
    let db = TestDb::new(selected_backends()[0]);
    let srv = test::init_service(app(state(&db))).await;
    let uri = format!("/api/v1/cases/{}", schakel_domain::CaseId::new_random());
    for token in [None, Some("Bearer niet-een-token")] {
        for body in [
            serde_json::json!({ "identity": { "stated_age": 84997.0 } }),
            serde_json::json!({ "onbekend": true }),
            serde_json::json!([1, 2]),
        ] {
            let mut req = test::TestRequest::patch()
                .uri(&uri)
                .insert_header((header::IF_MATCH, "\"1\""))
                .set_json(&body);
            if let Some(t) = token {
                req = req.insert_header((header::AUTHORIZATION, t));
            }
            let res = test::call_service(&srv, req.to_request()).await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{token:?} {body}");
        }
    }
}

#[actix_web::test]
async fn the_metrics_count_audit_entries_waiting_to_be_sealed() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(state(&db))).await;
        let metrics = || async {
            let res =
                test::call_service(&srv, test::TestRequest::get().uri("/metrics").to_request())
                    .await;
            String::from_utf8(test::read_body(res).await.to_vec()).unwrap()
        };
        assert!(
            metrics().await.contains("schakel_audit_unsealed 0\n"),
            "{backend:?}: none yet"
        );
        // A failed login is audited; no sealer runs beside this application.
        let login = test::TestRequest::post()
            .uri("/api/v1/auth/login")
            .peer_addr(crate::support::peer())
            .set_json(serde_json::json!({ "email": "niemand@vier.example", "password": "geen wachtwoord hier" }))
            .to_request();
        let res = test::call_service(&srv, login).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{backend:?}");
        let waiting = match backend {
            // Sealed as it is appended.
            schakel_store::Backend::Sqlite => "schakel_audit_unsealed 0\n",
            schakel_store::Backend::Postgres => "schakel_audit_unsealed 1\n",
        };
        let text = metrics().await;
        assert!(text.contains(waiting), "{backend:?}: {waiting} in\n{text}");
        assert!(
            text.contains("schakel_audit_unsealed_seconds "),
            "{backend:?}"
        );
        crate::support::seal(&db);
        let text = metrics().await;
        assert!(
            text.contains("schakel_audit_unsealed 0\n")
                && text.contains("schakel_audit_unsealed_seconds 0\n"),
            "{backend:?}: sealed, none waits:\n{text}"
        );
    }
}
