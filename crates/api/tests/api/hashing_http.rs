//! Password checks under load as a client sees them: while every hashing thread and the
//! queue before them are taken, a login answers 503 `busy` with `Retry-After` at once,
//! without reading the account or counting a failure; once a place is free the same
//! login succeeds, and a storm of logins at once never gets more than the bound in.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{
    AgencyBuilder, Client, PASSWORD, UserBuilder, audit_of, config_without_mfa, request,
};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_api::auth::AuthState;
use schakel_api::{AppState, app};
use schakel_auth::hash_pool::HashPool;
use schakel_domain::{AgencyKind, Role};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::json;
use std::sync::Arc;

#[actix_web::test]
async fn a_login_beyond_the_hashing_queue_answers_busy_and_reads_nothing() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let mut auth = AuthState::ephemeral_with(config_without_mfa(), (1000, 1000)).unwrap();
        // One hashing thread and one place in its queue.
        let pool = HashPool::start(1, 1).unwrap();
        auth.hashing = pool.clone();
        let state =
            AppState::with_auth(db.pool.clone(), Arc::new(schakel_domain::SystemClock), auth)
                .unwrap();
        let srv = test::init_service(app(state)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let a = AgencyBuilder::new(&db).kind(AgencyKind::Ngo).create();
        UserBuilder::new(&db, &a)
            .email("ruth@ngo.example")
            .role(Role::Caseworker)
            .create();
        let login = |password: &str| {
            request("POST", "/api/v1/auth/login")
                .set_json(json!({ "email": "ruth@ngo.example", "password": password }))
        };

        // Both places are taken (by logins still hashing, as far as the pool knows).
        let taken = (pool.admit().unwrap(), pool.admit().unwrap());
        for password in [PASSWORD, "a wrong password guessed"] {
            let busy = client.send(login(password)).await;
            assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE, "{backend:?}");
            assert_eq!(busy.problem(), "busy");
            assert_eq!(busy.header("retry-after"), "1");
        }
        // Nothing was read or counted: no login entry, success or failure.
        assert!(audit_of(&db, "auth.login").is_empty(), "{backend:?}");

        drop(taken);
        let ok = client.send(login(PASSWORD)).await;
        assert_eq!(ok.status, StatusCode::OK, "{backend:?}");
        assert!(ok.json()["access_token"].is_string());
        assert_eq!(pool.in_use(), 0, "the place is given back");

        // A storm: ten logins at once, two places; every answer is a session or busy.
        let storm =
            futures_util::future::join_all((0..10).map(|_| client.send(login(PASSWORD)))).await;
        let (ok, busy): (Vec<_>, Vec<_>) = storm.iter().partition(|r| r.status == StatusCode::OK);
        assert!(!ok.is_empty(), "{backend:?}");
        assert!(
            busy.iter()
                .all(|r| r.status == StatusCode::SERVICE_UNAVAILABLE && r.problem() == "busy"),
            "{backend:?}"
        );
        assert_eq!(pool.in_use(), 0);
    }
}

#[actix_web::test]
async fn many_logins_of_one_account_at_once_wait_their_turn_and_all_succeed() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let mut auth = AuthState::ephemeral_with(config_without_mfa(), (1000, 1000)).unwrap();
        // One thread and room for all of them: each waits for the thread before its
        // attempt is counted, so the account's throttle (five free failures) never sees
        // more than one attempt counted ahead.
        auth.hashing = HashPool::start(1, 20).unwrap();
        let state =
            AppState::with_auth(db.pool.clone(), Arc::new(schakel_domain::SystemClock), auth)
                .unwrap();
        let srv = test::init_service(app(state)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let a = AgencyBuilder::new(&db).kind(AgencyKind::Ngo).create();
        UserBuilder::new(&db, &a)
            .email("sam@ngo.example")
            .role(Role::Coordinator)
            .create();
        let login = || {
            request("POST", "/api/v1/auth/login")
                .set_json(json!({ "email": "sam@ngo.example", "password": PASSWORD }))
        };
        let all = futures_util::future::join_all((0..12).map(|_| client.send(login()))).await;
        let statuses: Vec<_> = all.iter().map(|r| r.status).collect();
        assert!(
            statuses.iter().all(|s| *s == StatusCode::OK),
            "{backend:?}: {statuses:?}"
        );
    }
}

#[test]
fn every_operation_that_checks_a_password_documents_the_busy_answer() {
    let doc = schakel_api::openapi_document().unwrap();
    let ops = [
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/mfa/enrol", "post"),
        ("/api/v1/auth/invitation", "post"),
        ("/api/v1/auth/password-reset/complete", "post"),
        ("/api/v1/me/password", "post"),
    ];
    for (path, method) in ops {
        let busy = &doc["paths"][path][method]["responses"]["503"];
        assert!(
            busy["content"]["application/problem+json"].is_object(),
            "{method} {path}: {busy}"
        );
    }
    // An operation that checks no password does not promise one.
    let refresh = &doc["paths"]["/api/v1/auth/refresh"]["post"]["responses"];
    assert!(refresh["503"].is_null(), "{refresh}");
}
