//! Guessing the second factor over HTTP with a known password: wrong codes stay counted
//! across new logins, a pending session may try only a few codes, and parallel guesses
//! cannot all slip under the throttle.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, UserBuilder, bearer, request};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use chrono::{DateTime, Duration, TimeZone, Utc};
use schakel_api::auth::AuthState;
use schakel_api::{AppState, app};
use schakel_auth::AuthConfig;
use schakel_domain::{AgencyKind, Clock, ManualClock, Role, UserId};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users;
use serde_json::json;
use std::sync::Arc;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 5, 9, 0, 0).unwrap()
}

fn code_of(db: &TestDb, cfg: &AuthConfig, user_id: UserId, now: DateTime<Utc>) -> String {
    let mut conn = db.pool.get().unwrap();
    let u = users::find(&mut conn, user_id).unwrap();
    let secret = schakel_auth::login::totp_secret(cfg, &u).unwrap();
    schakel_auth::totp::code_at(&secret, now).unwrap()
}

/// A code that is not the current one (nor one of its neighbours).
fn wrong_code(good: &str) -> String {
    let n: u32 = good.parse().unwrap();
    format!("{:06}", (n + 500_000) % 1_000_000)
}

fn verify(token: &str, code: &str) -> TestRequest {
    bearer(request("POST", "/api/v1/auth/mfa/verify"), token).set_json(json!({ "code": code }))
}

fn failures(db: &TestDb, action: &str, outcome: &str) -> usize {
    crate::support::audit_of(db, action)
        .iter()
        .filter(|e| e.outcome.as_str() == outcome)
        .count()
}

struct Setup {
    db: TestDb,
    clock: ManualClock,
    cfg: Arc<AuthConfig>,
    state: AppState,
    user: UserId,
}

/// A coordinator whose authenticator is enrolled and confirmed (then the clock moves a
/// minute on, so the enrolment's code step is past).
async fn enrolled(backend: schakel_store::Backend, cfg: AuthConfig) -> Setup {
    let db = TestDb::new(backend);
    let clock = ManualClock::new(t0());
    let auth = AuthState::ephemeral_with(cfg, (1000, 1000)).unwrap();
    let cfg = auth.config.clone();
    let state = AppState::with_auth(db.pool.clone(), Arc::new(clock.clone()), auth).unwrap();
    let a = AgencyBuilder::new(&db)
        .name("Gemeente Twee")
        .kind(AgencyKind::Municipality)
        .create();
    let u = UserBuilder::new(&db, &a)
        .email("anna@twee.example")
        .role(Role::Coordinator)
        .create();
    let srv = test::init_service(app(state.clone())).await;
    let client = Client::new(&srv, TestRequest::to_request);
    let token = client.login(&u.email).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let enrol = client
        .send(bearer(request("POST", "/api/v1/auth/mfa/enrol"), &token))
        .await;
    assert_eq!(enrol.status, StatusCode::OK);
    let good = code_of(&db, &cfg, u.id, clock.now());
    let confirmed = client.send(verify(&token, &good)).await;
    assert_eq!(confirmed.status, StatusCode::OK, "with the recovery codes");
    clock.advance(Duration::minutes(1));
    Setup {
        db,
        clock,
        cfg,
        state,
        user: u.id,
    }
}

#[actix_web::test]
async fn logging_in_again_does_not_give_an_attacker_fresh_code_guesses() {
    for backend in selected_backends() {
        let s = enrolled(backend, AuthConfig::default()).await;
        let srv = test::init_service(app(s.state.clone())).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let good = code_of(&s.db, &s.cfg, s.user, s.clock.now());
        let bad = wrong_code(&good);
        // Five wrong codes (the free ones), then the password again for a new session.
        let first = client.login("anna@twee.example").await;
        let token = first["access_token"].as_str().unwrap();
        for i in 0..5 {
            let r = client.send(verify(token, &bad)).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "guess {i}");
        }
        let second = client.login("anna@twee.example").await;
        assert_eq!(second["mfa"], "verify");
        let token = second["access_token"].as_str().unwrap();
        // The password cleared nothing: even the right code must wait for the delay.
        let r = client.send(verify(token, &good)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{backend:?}: {r:?}");
        assert_eq!(r.problem(), "invalid_code");
        assert_eq!(failures(&s.db, "auth.mfa_verify", "denied"), 1);
        // After the wait the owner's right code works, and clears the count.
        s.clock.advance(Duration::seconds(2));
        let good = code_of(&s.db, &s.cfg, s.user, s.clock.now());
        let r = client.send(verify(token, &good)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{backend:?}: {r:?}");
        let me = client
            .send(bearer(request("GET", "/api/v1/me"), token))
            .await;
        assert_eq!(me.status, StatusCode::OK);
    }
}

#[actix_web::test]
async fn a_pending_session_that_guesses_too_many_codes_ends() {
    for backend in selected_backends() {
        let cfg = AuthConfig {
            free_failures: 50,
            codes_per_session: 3,
            ..AuthConfig::default()
        };
        let s = enrolled(backend, cfg).await;
        let srv = test::init_service(app(s.state.clone())).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let good = code_of(&s.db, &s.cfg, s.user, s.clock.now());
        let token = client.login("anna@twee.example").await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        for i in 0..3 {
            let r = client.send(verify(&token, &wrong_code(&good))).await;
            assert_eq!(r.problem(), "invalid_code", "guess {i}");
        }
        // The session has ended: not even the right code completes it.
        let r = client.send(verify(&token, &good)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{backend:?}");
        assert_eq!(r.problem(), "unauthorized");
        let ended = crate::support::audit_of(&s.db, "auth.mfa_verify")
            .into_iter()
            .filter(|e| e.details["session_ended"] == json!(true))
            .count();
        assert_eq!(ended, 1);
    }
}

#[actix_web::test]
async fn parallel_code_guesses_cannot_all_pass_the_throttle() {
    for backend in selected_backends() {
        let cfg = AuthConfig {
            codes_per_session: 1000,
            ..AuthConfig::default()
        };
        let s = enrolled(backend, cfg).await;
        let srv = test::init_service(app(s.state.clone())).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let good = code_of(&s.db, &s.cfg, s.user, s.clock.now());
        let token = client.login("anna@twee.example").await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let guesses = (0..24).map(|i| {
            let code = format!(
                "{:06}",
                (good.parse::<u32>().unwrap() + 1000 + i) % 1_000_000
            );
            client.send(verify(&token, &code))
        });
        let replies = futures_util::future::join_all(guesses).await;
        assert!(replies.iter().all(|r| r.status == StatusCode::UNAUTHORIZED));
        // Five free failures at one instant; every other guess waits and is not judged.
        assert_eq!(
            failures(&s.db, "auth.mfa_verify", "failure"),
            5,
            "{backend:?}"
        );
        assert_eq!(failures(&s.db, "auth.mfa_verify", "denied"), 19);
    }
}

/// The code of the user's pending (not yet confirmed) authenticator at `now`.
fn pending_code_of(db: &TestDb, cfg: &AuthConfig, user_id: UserId, now: DateTime<Utc>) -> String {
    use secrecy::ExposeSecret;
    let mut conn = db.pool.get().unwrap();
    let u = users::find(&mut conn, user_id).unwrap();
    let aad = schakel_crypto::field_aad("users", "totp_pending_secret", &user_id.to_string());
    let plain = cfg
        .data_keys
        .decrypt(u.totp_pending_secret.as_deref().unwrap(), &aad)
        .unwrap();
    let secret = hex::decode(plain.expose_secret()).unwrap();
    schakel_auth::totp::code_at(&secret, now).unwrap()
}

#[actix_web::test]
async fn replacing_an_authenticator_needs_the_password_and_keeps_the_old_one_until_confirmed() {
    for backend in selected_backends() {
        let s = enrolled(backend, AuthConfig::default()).await;
        let srv = test::init_service(app(s.state.clone())).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let token = client.login("anna@twee.example").await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let old = code_of(&s.db, &s.cfg, s.user, s.clock.now());
        assert_eq!(
            client.send(verify(&token, &old)).await.status,
            StatusCode::NO_CONTENT
        );
        let enrol = || bearer(request("POST", "/api/v1/auth/mfa/enrol"), &token);

        // A complete session alone (say, left open on a shared computer) is not enough.
        let bare = client.send(enrol()).await;
        assert_eq!(bare.status, StatusCode::UNAUTHORIZED, "{backend:?}");
        assert_eq!(bare.problem(), "invalid_credentials");
        let wrong = client
            .send(enrol().set_json(json!({ "password": "niet het wachtwoord" })))
            .await;
        assert_eq!(wrong.problem(), "invalid_credentials");
        let started = client
            .send(enrol().set_json(json!({ "password": crate::support::PASSWORD })))
            .await;
        assert_eq!(started.status, StatusCode::OK, "{started:?}");

        // Until a code from the new app is given, the old app is the second factor.
        s.clock.advance(Duration::seconds(30));
        let other = client.login("anna@twee.example").await;
        assert_eq!(
            other["mfa"], "verify",
            "the old authenticator is still enrolled"
        );
        let other = other["access_token"].as_str().unwrap().to_owned();
        let old = code_of(&s.db, &s.cfg, s.user, s.clock.now());
        assert_eq!(
            client.send(verify(&other, &old)).await.status,
            StatusCode::NO_CONTENT
        );

        // The new app's code confirms it; from then on only the new app works.
        s.clock.advance(Duration::seconds(30));
        let new = pending_code_of(&s.db, &s.cfg, s.user, s.clock.now());
        assert_eq!(
            client.send(verify(&token, &new)).await.status,
            StatusCode::NO_CONTENT
        );
        s.clock.advance(Duration::seconds(30));
        let third = client.login("anna@twee.example").await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let new_now = code_of(&s.db, &s.cfg, s.user, s.clock.now());
        assert_ne!(new_now, old);
        assert_eq!(
            client.send(verify(&third, &new_now)).await.status,
            StatusCode::NO_CONTENT
        );
        let enrolments = crate::support::audit_of(&s.db, "auth.mfa_enrol");
        assert_eq!(
            enrolments
                .iter()
                .filter(|e| e.outcome.as_str() == "failure")
                .count(),
            2
        );
    }
}

#[actix_web::test]
async fn a_refresh_reports_what_the_session_still_owes() {
    for backend in selected_backends() {
        let s = enrolled(backend, AuthConfig::default()).await;
        let srv = test::init_service(app(s.state.clone())).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let first = client.login("anna@twee.example").await;
        let refresh = |token: &str| {
            request("POST", "/api/v1/auth/refresh").set_json(json!({ "refresh_token": token }))
        };
        let pending = client
            .send(refresh(first["refresh_token"].as_str().unwrap()))
            .await
            .json();
        assert_eq!(
            pending["mfa"], "verify",
            "{backend:?}: the code is still owed"
        );
        let token = pending["access_token"].as_str().unwrap();
        let good = code_of(&s.db, &s.cfg, s.user, s.clock.now());
        assert_eq!(
            client.send(verify(token, &good)).await.status,
            StatusCode::NO_CONTENT
        );
        let done = client
            .send(refresh(pending["refresh_token"].as_str().unwrap()))
            .await
            .json();
        assert_eq!(done["mfa"], "none");
    }
}

#[actix_web::test]
async fn recovery_codes_are_made_once_shown_and_each_signs_in_once() {
    for backend in selected_backends() {
        let s = enrolled(backend, AuthConfig::default()).await;
        let srv = test::init_service(app(s.state.clone())).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let sign_in = || async {
            client.login("anna@twee.example").await["access_token"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let pending = sign_in().await;
        let codes_uri = "/api/v1/me/recovery-codes";
        let r = client
            .send(bearer(request("POST", codes_uri), &pending))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "{backend:?}: not before the code"
        );
        let good = code_of(&s.db, &s.cfg, s.user, s.clock.now());
        assert_eq!(
            client.send(verify(&pending, &good)).await.status,
            StatusCode::NO_CONTENT
        );
        let made = client
            .send(bearer(request("POST", codes_uri), &pending))
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{backend:?}");
        assert_eq!(made.header("cache-control"), "no-store");
        let codes: Vec<String> =
            serde_json::from_value(made.json()["recovery_codes"].clone()).unwrap();
        assert_eq!(codes.len(), 10);
        let left = client
            .send(bearer(request("GET", codes_uri), &pending))
            .await
            .json();
        assert_eq!(left, json!({ "second_factor": true, "left": 10 }));

        // A lost phone: the next sign-in gives a recovery code, which then is spent.
        let lost = sign_in().await;
        assert_eq!(
            client.send(verify(&lost, &codes[3])).await.status,
            StatusCode::NO_CONTENT
        );
        let left = client
            .send(bearer(request("GET", codes_uri), &lost))
            .await
            .json();
        assert_eq!(left["left"], 9);
        let again = sign_in().await;
        let r = client.send(verify(&again, &codes[3])).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{backend:?}: used once");
        assert_eq!(r.problem(), "invalid_code");
        let recovered = crate::support::audit_of(&s.db, "auth.mfa_verify")
            .into_iter()
            .filter(|e| e.details["method"] == "recovery_code")
            .count();
        assert_eq!(recovered, 1);
    }
}
