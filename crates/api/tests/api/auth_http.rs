//! Authentication as a client sees it over HTTP: login with authenticator enrolment and
//! verification, failures that cannot tell accounts apart, a corpus of bad bearer
//! tokens, and the per-client rate limit on `/auth`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{
    AgencyBuilder, Client, PASSWORD, Reply, UserBuilder, bearer, config_without_mfa, request,
};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use chrono::{DateTime, Duration, TimeZone, Utc};
use schakel_api::auth::AuthState;
use schakel_api::{AppState, app};
use schakel_auth::AuthConfig;
use schakel_domain::{AgencyKind, Clock, ManualClock, Role};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users;
use serde_json::json;
use std::sync::Arc;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 5, 9, 0, 0).unwrap()
}

/// The authenticator code of `user_id`'s enrolled secret at `now`.
fn code_of(
    db: &TestDb,
    cfg: &AuthConfig,
    user_id: schakel_domain::UserId,
    now: DateTime<Utc>,
) -> String {
    let mut conn = db.pool.get().unwrap();
    let u = users::find(&mut conn, user_id).unwrap();
    let secret = schakel_auth::login::totp_secret(cfg, &u).unwrap();
    schakel_auth::totp::code_at(&secret, now).unwrap()
}

fn code_body(code: &str) -> serde_json::Value {
    json!({ "code": code })
}

#[actix_web::test]
async fn a_login_needs_an_enrolled_and_verified_authenticator_before_the_session_is_usable() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let clock = ManualClock::new(t0());
        let auth = AuthState::ephemeral_with(AuthConfig::default(), (1000, 1000)).unwrap();
        let cfg = auth.config.clone();
        let state = AppState::with_auth(db.pool.clone(), Arc::new(clock.clone()), auth).unwrap();
        let srv = test::init_service(app(state)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let a = AgencyBuilder::new(&db)
            .name("Gemeente Twee")
            .kind(AgencyKind::Municipality)
            .create();
        let u = UserBuilder::new(&db, &a)
            .email("anna@twee.example")
            .role(Role::Coordinator)
            .create();

        let first = client.login(&u.email).await;
        assert_eq!(first["mfa"], "enrol", "{backend:?}");
        let token = first["access_token"].as_str().unwrap().to_owned();
        let me = client
            .send(bearer(request("GET", "/api/v1/me"), &token))
            .await;
        assert_eq!(me.status, StatusCode::UNAUTHORIZED);
        assert_eq!(me.problem(), "mfa_required");

        // A JSON `null` body is the same as none: no password is needed for a first
        // enrolment.
        let with_null = client
            .send(
                bearer(request("POST", "/api/v1/auth/mfa/enrol"), &token)
                    .insert_header(("content-type", "application/json"))
                    .set_payload("null"),
            )
            .await;
        assert_eq!(with_null.status, StatusCode::OK, "{with_null:?}");
        let enrol = client
            .send(bearer(request("POST", "/api/v1/auth/mfa/enrol"), &token))
            .await;
        assert_eq!(enrol.status, StatusCode::OK);
        let uri = enrol.json()["otpauth_uri"].as_str().unwrap().to_owned();
        assert!(uri.starts_with("otpauth://totp/"), "{uri}");
        let good = code_of(&db, &cfg, u.id, clock.now());
        let bad = if good == "000000" { "111111" } else { "000000" };
        let wrong = client
            .send(
                bearer(request("POST", "/api/v1/auth/mfa/verify"), &token).set_json(code_body(bad)),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong.problem(), "invalid_code");
        let verified = client
            .send(
                bearer(request("POST", "/api/v1/auth/mfa/verify"), &token)
                    .set_json(code_body(&good)),
            )
            .await;
        // The first authenticator confirmed: its recovery codes, this once.
        assert_eq!(verified.status, StatusCode::OK, "{verified:?}");
        assert_eq!(verified.header("cache-control"), "no-store");
        assert_eq!(
            verified.json()["recovery_codes"].as_array().unwrap().len(),
            10
        );
        let me = client
            .send(bearer(request("GET", "/api/v1/me"), &token))
            .await;
        assert_eq!(me.status, StatusCode::OK);
        assert_eq!(me.json()["email"], "anna@twee.example");

        // The next login asks for a code; the code of the same step is spent.
        let second = client.login(&u.email).await;
        assert_eq!(second["mfa"], "verify");
        let token = second["access_token"].as_str().unwrap().to_owned();
        let replay = client
            .send(
                bearer(request("POST", "/api/v1/auth/mfa/verify"), &token)
                    .set_json(code_body(&good)),
            )
            .await;
        assert_eq!(
            replay.status,
            StatusCode::UNAUTHORIZED,
            "a code is accepted once"
        );
        clock.advance(Duration::seconds(30));
        let next = code_of(&db, &cfg, u.id, clock.now());
        let verified = client
            .send(
                bearer(request("POST", "/api/v1/auth/mfa/verify"), &token)
                    .set_json(code_body(&next)),
            )
            .await;
        assert_eq!(verified.status, StatusCode::NO_CONTENT);
        let me = client
            .send(bearer(request("GET", "/api/v1/me"), &token))
            .await;
        assert_eq!(me.status, StatusCode::OK);
    }
}

/// A reply with its request id blanked, for comparing whole responses.
fn without_request_id(r: &Reply) -> (StatusCode, Vec<(String, String)>, String) {
    let id = r.header("x-request-id").to_owned();
    assert!(!id.is_empty());
    let mut headers: Vec<(String, String)> = r
        .headers
        .iter()
        .filter(|(name, _)| name.as_str() != "x-request-id")
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    let body = String::from_utf8(r.body.clone())
        .unwrap()
        .replace(&id, "<id>");
    (r.status, headers, body)
}

#[actix_web::test]
async fn unknown_wrong_and_deactivated_logins_get_byte_identical_answers() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let a = AgencyBuilder::new(&db)
            .name("Gemeente Drie")
            .kind(AgencyKind::Municipality)
            .create();
        UserBuilder::new(&db, &a)
            .email("bram@drie.example")
            .role(Role::Caseworker)
            .create();
        let gone = UserBuilder::new(&db, &a)
            .email("cor@drie.example")
            .role(Role::Caseworker)
            .create();
        let mut conn = db.pool.get().unwrap();
        users::set_active(&mut conn, gone.id, false, Utc::now()).unwrap();
        drop(conn);

        let attempt = |email: &str, password: &str| {
            request("POST", "/api/v1/auth/login")
                .set_json(json!({ "email": email, "password": password }))
        };
        let unknown = client.send(attempt("niemand@drie.example", PASSWORD)).await;
        let wrong = client
            .send(attempt("bram@drie.example", "een heel ander wachtwoord"))
            .await;
        let deactivated = client.send(attempt("cor@drie.example", PASSWORD)).await;
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED, "{backend:?}");
        assert_eq!(unknown.problem(), "invalid_credentials");
        let reference = without_request_id(&unknown);
        assert_eq!(without_request_id(&wrong), reference, "wrong password");
        assert_eq!(without_request_id(&deactivated), reference, "deactivated");
    }
}

#[actix_web::test]
async fn bad_bearer_tokens_are_all_refused_with_401() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let a = AgencyBuilder::new(&db)
            .name("Gemeente Vier")
            .kind(AgencyKind::Municipality)
            .create();
        let u = UserBuilder::new(&db, &a)
            .email("dirk@vier.example")
            .role(Role::Caseworker)
            .create();
        let live = client.login(&u.email).await;
        let access = live["access_token"].as_str().unwrap().to_owned();
        let refresh = live["refresh_token"].as_str().unwrap().to_owned();
        let me = client
            .send(bearer(request("GET", "/api/v1/me"), &access))
            .await;
        assert_eq!(
            me.status,
            StatusCode::OK,
            "the live token works: {backend:?}"
        );

        let ended = client.token(&u.email).await;
        let logout = client
            .send(bearer(request("POST", "/api/v1/auth/logout"), &ended))
            .await;
        assert_eq!(logout.status, StatusCode::NO_CONTENT);
        let mut flipped = access.clone().into_bytes();
        let last = flipped.len() - 2;
        flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap();

        let corpus: Vec<(&str, Option<String>)> = vec![
            ("no token", None),
            ("garbage", Some("Bearer garbage".into())),
            ("empty bearer", Some("Bearer ".into())),
            ("another scheme", Some(format!("Basic {access}"))),
            (
                "a refresh token as bearer",
                Some(format!("Bearer {refresh}")),
            ),
            ("a token after logout", Some(format!("Bearer {ended}"))),
            ("a flipped signature", Some(format!("Bearer {flipped}"))),
        ];
        for (case, authorization) in corpus {
            let mut req = request("GET", "/api/v1/me");
            if let Some(value) = authorization {
                req = req.insert_header(("authorization", value));
            }
            let reply = client.send(req).await;
            assert_eq!(
                reply.status,
                StatusCode::UNAUTHORIZED,
                "{case} on {backend:?}"
            );
            assert_eq!(reply.problem(), "unauthorized", "{case}");
        }
    }
}

#[actix_web::test]
async fn the_rate_limit_answers_429_once_the_burst_is_spent_whatever_x_forwarded_for_says() {
    let db = TestDb::new(selected_backends()[0]);
    let auth = AuthState::ephemeral_with(config_without_mfa(), (1, 3)).unwrap();
    let state =
        AppState::with_auth(db.pool.clone(), Arc::new(schakel_domain::SystemClock), auth).unwrap();
    let srv = test::init_service(app(state)).await;
    let client = Client::new(&srv, TestRequest::to_request);
    let refresh =
        || request("POST", "/api/v1/auth/refresh").set_json(json!({ "refresh_token": "garbage" }));
    for i in 0..3 {
        let reply = client.send(refresh()).await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "request {i} is within the burst"
        );
    }
    let limited = client.send(refresh()).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.problem(), "too_many_requests");
    let retry: u64 = limited
        .header("retry-after")
        .parse()
        .expect("Retry-After in seconds");
    assert!(retry <= 1, "one request per second replenishes: {retry}");

    // The peer is no trusted proxy: its X-Forwarded-For names no other client.
    let spoofed = client
        .send(refresh().insert_header(("x-forwarded-for", "203.0.113.99")))
        .await;
    assert_eq!(spoofed.status, StatusCode::TOO_MANY_REQUESTS);
    // Accepting an invitation sits behind the same limit.
    let invitation = client
        .send(
            request("POST", "/api/v1/auth/invitation")
                .set_json(json!({ "token": "garbage", "password": "drie losse woorden hier" })),
        )
        .await;
    assert_eq!(invitation.status, StatusCode::TOO_MANY_REQUESTS);
    // Another client has a bucket of its own.
    let other = client
        .send(refresh().peer_addr("198.51.100.7:5555".parse().unwrap()))
        .await;
    assert_eq!(other.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn a_user_sets_their_language_and_daily_digest() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let home = AgencyBuilder::new(&db)
            .name("Gemeente Delft")
            .kind(AgencyKind::Municipality)
            .create();
        UserBuilder::new(&db, &home)
            .email("zorg@delft.example")
            .role(Role::Caseworker)
            .create();
        let token = client.token("zorg@delft.example").await;
        let me = client
            .send(bearer(request("GET", "/api/v1/me"), &token))
            .await
            .json();
        assert_eq!(
            (me["locale"].as_str(), me["notify"].as_str()),
            (Some("nl"), Some("immediate"))
        );
        let changed = client
            .send(
                bearer(request("PATCH", "/api/v1/me"), &token)
                    .set_json(json!({ "locale": "en", "notify": "digest" })),
            )
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{backend:?}: {changed:?}");
        let body = changed.json();
        assert_eq!(
            (body["locale"].as_str(), body["notify"].as_str()),
            (Some("en"), Some("digest"))
        );
        let only_one = client
            .send(
                bearer(request("PATCH", "/api/v1/me"), &token)
                    .set_json(json!({ "notify": "immediate" })),
            )
            .await
            .json();
        assert_eq!(
            (only_one["locale"].as_str(), only_one["notify"].as_str()),
            (Some("en"), Some("immediate"))
        );
        for bad in [
            json!({ "locale": "de" }),
            json!({ "notify": "weekly" }),
            json!({ "role": "admin" }),
        ] {
            let refused = client
                .send(bearer(request("PATCH", "/api/v1/me"), &token).set_json(&bad))
                .await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        }
        assert_eq!(crate::support::successes(&db, "auth.preferences"), 2);
    }
}

#[actix_web::test]
async fn wrong_current_passwords_on_a_password_change_are_counted_and_throttled_like_logins() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let clock = ManualClock::new(t0());
        let state = crate::support::state_with(&db, Arc::new(clock.clone()), config_without_mfa());
        let srv = test::init_service(app(state)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let a = AgencyBuilder::new(&db)
            .name("Gemeente Twee")
            .kind(AgencyKind::Municipality)
            .create();
        let u = UserBuilder::new(&db, &a)
            .email("anna@twee.example")
            .role(Role::Coordinator)
            .create();
        let token = client.token(&u.email).await;
        let change = |current: &str| {
            bearer(request("POST", "/api/v1/me/password"), &token).set_json(json!({
                "current_password": current,
                "new_password": "vuurtoren meeuw zoutwater 7",
            }))
        };
        // A session left open: someone guesses the password behind it.
        for i in 0..5 {
            let r = client.send(change(&format!("gok nummer {i} hier"))).await;
            assert_eq!(r.problem(), "invalid_credentials", "guess {i}");
        }
        // Counted like failed logins: the right password must now wait too, here and at
        // the login.
        let quick = client.send(change(PASSWORD)).await;
        assert_eq!(quick.status, StatusCode::UNAUTHORIZED, "{backend:?}");
        let login = client
            .send(
                request("POST", "/api/v1/auth/login")
                    .set_json(json!({ "email": u.email, "password": PASSWORD })),
            )
            .await;
        assert_eq!(login.status, StatusCode::UNAUTHORIZED);
        let reasons: Vec<String> = crate::support::audit_of(&db, "auth.password_change")
            .iter()
            .map(|e| e.details["reason"].as_str().unwrap_or("").to_owned())
            .collect();
        assert_eq!(reasons.iter().filter(|r| *r == "throttled").count(), 1);
        assert_eq!(
            reasons
                .iter()
                .filter(|r| *r == "wrong_current_password")
                .count(),
            5
        );
        // After the wait the owner changes it.
        clock.advance(Duration::seconds(2));
        let done = client.send(change(PASSWORD)).await;
        assert_eq!(done.status, StatusCode::NO_CONTENT, "{done:?}");
    }
}
