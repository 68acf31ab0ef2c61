//! Recovering a forgotten password over HTTP: the same answer for every address, a
//! hashed single-use link by email only for active accounts (and only a few an hour),
//! the policy on the new password, every session ended, and the second factor kept.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{
    AgencyBuilder, Client, PASSWORD, UserBuilder, audit_of, bearer, config_without_mfa, request,
    state_with,
};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use chrono::{DateTime, Duration, TimeZone, Utc};
use diesel::prelude::*;
use schakel_api::app;
use schakel_auth::AuthConfig;
use schakel_domain::{AgencyKind, ManualClock, Role};
use schakel_store::schema::{account_tokens, outbox};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users;
use serde_json::{Value, json};
use std::sync::Arc;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 8, 30, 0).unwrap()
}

fn ask(email: &str) -> TestRequest {
    request("POST", "/api/v1/auth/password-reset").set_json(json!({ "email": email }))
}

fn complete(token: &str, password: &str) -> TestRequest {
    request("POST", "/api/v1/auth/password-reset/complete")
        .set_json(json!({ "token": token, "password": password }))
}

fn login(email: &str, password: &str) -> TestRequest {
    request("POST", "/api/v1/auth/login").set_json(json!({ "email": email, "password": password }))
}

/// The tokens of the recovery emails waiting in the outbox, oldest first, with their
/// recipients.
fn reset_mails(db: &TestDb) -> Vec<(String, String)> {
    let mut conn = db.pool.get().unwrap();
    let rows: Vec<String> = outbox::table
        .filter(outbox::topic.eq("password_reset"))
        .order(outbox::created_at.asc())
        .select(outbox::payload)
        .load(&mut *conn)
        .unwrap();
    rows.iter()
        .map(|p| {
            let v: Value = serde_json::from_str(p).unwrap();
            (
                v["user_id"].as_str().unwrap().to_owned(),
                v["token"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn every_address_gets_the_same_answer_and_only_an_active_account_a_link() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let clock = ManualClock::new(t0());
        let srv = test::init_service(app(state_with(
            &db,
            Arc::new(clock.clone()),
            config_without_mfa(),
        )))
        .await;
        let client = Client::new(&srv, TestRequest::to_request);
        let home = AgencyBuilder::new(&db)
            .name("Gemeente Zwolle")
            .kind(AgencyKind::Municipality)
            .create();
        let active = UserBuilder::new(&db, &home)
            .email("actief@zwolle.example")
            .role(Role::Caseworker)
            .create();
        let gone = UserBuilder::new(&db, &home)
            .email("weg@zwolle.example")
            .role(Role::Caseworker)
            .create();
        UserBuilder::new(&db, &home)
            .email("uitgenodigd@zwolle.example")
            .role(Role::Caseworker)
            .invited()
            .create();
        users::set_active(&mut db.pool.get().unwrap(), gone.id, false, t0()).unwrap();

        let mut answers = Vec::new();
        for email in [
            "niemand@zwolle.example",
            "weg@zwolle.example",
            "uitgenodigd@zwolle.example",
            "ACTIEF@zwolle.example",
        ] {
            let reply = client.send(ask(email)).await;
            answers.push((reply.status, reply.body.clone()));
        }
        assert!(
            answers
                .iter()
                .all(|a| *a == (StatusCode::ACCEPTED, Vec::new())),
            "{backend:?}: {answers:?}"
        );
        let mails = reset_mails(&db);
        assert_eq!(
            mails.len(),
            1,
            "{backend:?}: one link, to the active account"
        );
        assert_eq!(mails[0].0, active.id.to_string());
        let stored: Vec<String> = account_tokens::table
            .filter(account_tokens::purpose.eq("password_reset"))
            .select(account_tokens::token_hash)
            .load(&mut *db.pool.get().unwrap())
            .unwrap();
        assert_eq!(stored, vec![schakel_auth::secret_token::hash(&mails[0].1)]);
        let mut reasons: Vec<String> = audit_of(&db, "auth.password_reset_request")
            .iter()
            .map(|e| {
                e.details["reason"]
                    .as_str()
                    .map_or(e.outcome.to_string(), str::to_owned)
            })
            .collect();
        reasons.sort();
        assert_eq!(
            reasons,
            [
                "deactivated",
                "invitation_pending",
                "success",
                "unknown_account"
            ]
        );

        // Three links an hour; the fourth request sends nothing, an hour later again.
        for _ in 0..3 {
            assert_eq!(
                client.send(ask(&active.email)).await.status,
                StatusCode::ACCEPTED
            );
        }
        assert_eq!(reset_mails(&db).len(), 3, "{backend:?}");
        clock.advance(Duration::minutes(61));
        client.send(ask(&active.email)).await;
        assert_eq!(reset_mails(&db).len(), 4, "{backend:?}");
    }
}

#[actix_web::test]
async fn a_link_sets_a_new_password_once_and_ends_every_session() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let clock = ManualClock::new(t0());
        let srv = test::init_service(app(state_with(
            &db,
            Arc::new(clock.clone()),
            config_without_mfa(),
        )))
        .await;
        let client = Client::new(&srv, TestRequest::to_request);
        let home = AgencyBuilder::new(&db)
            .name("Fier Leeuwarden")
            .kind(AgencyKind::ShelterCategorical)
            .create();
        let who = UserBuilder::new(&db, &home)
            .email("coordinator@fier.example")
            .role(Role::Coordinator)
            .create();
        let session = client.login(&who.email).await;
        let access = session["access_token"].as_str().unwrap().to_owned();
        let me = || bearer(request("GET", "/api/v1/me"), &access);
        assert_eq!(client.send(me()).await.status, StatusCode::OK);

        client.send(ask(&who.email)).await;
        client.send(ask(&who.email)).await;
        let mails = reset_mails(&db);
        let (first, second) = (&mails[0].1, &mails[1].1);

        let weak = client.send(complete(first, "wachtwoord")).await;
        assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert_eq!(weak.problem(), "password_too_short");
        let chosen = "blauwe reiger boven het wad";
        let done = client.send(complete(first, chosen)).await;
        assert_eq!(
            done.status,
            StatusCode::NO_CONTENT,
            "{backend:?}: a refused password left the link usable"
        );
        assert_eq!(
            client.send(login(&who.email, PASSWORD)).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            client.send(login(&who.email, chosen)).await.status,
            StatusCode::OK
        );
        assert_eq!(
            client.send(me()).await.status,
            StatusCode::UNAUTHORIZED,
            "{backend:?}: the session from before the reset ended"
        );
        let refreshed = client
            .send(
                request("POST", "/api/v1/auth/refresh")
                    .set_json(json!({ "refresh_token": session["refresh_token"] })),
            )
            .await;
        assert_eq!(refreshed.status, StatusCode::UNAUTHORIZED);

        for token in [first.as_str(), second.as_str(), "verzonnen"] {
            let again = client
                .send(complete(token, "nog een ander lang wachtwoord"))
                .await;
            assert_eq!(
                again.status,
                StatusCode::UNAUTHORIZED,
                "{backend:?}: {token}"
            );
            assert_eq!(again.problem(), "invalid_credentials");
        }
        let outcomes: Vec<String> = audit_of(&db, "auth.password_reset")
            .iter()
            .rev()
            .map(|e| e.outcome.to_string())
            .collect();
        assert_eq!(
            outcomes,
            ["failure", "success", "failure", "failure", "failure"]
        );
    }
}

#[actix_web::test]
async fn an_expired_link_does_nothing_and_the_second_factor_stays() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let clock = ManualClock::new(t0());
        let cfg = AuthConfig::default();
        let ttl = cfg.reset_ttl_secs;
        let srv = test::init_service(app(state_with(&db, Arc::new(clock.clone()), cfg))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let home = AgencyBuilder::new(&db)
            .name("Inspectie SZW")
            .kind(AgencyKind::LabourInspectorate)
            .create();
        let who = UserBuilder::new(&db, &home)
            .email("inspecteur@szw.example")
            .role(Role::Caseworker)
            .create();

        client.send(ask(&who.email)).await;
        let token = reset_mails(&db)[0].1.clone();
        clock.advance(Duration::seconds(ttl));
        let late = client
            .send(complete(&token, "blauwe reiger boven het wad"))
            .await;
        assert_eq!(late.status, StatusCode::UNAUTHORIZED, "{backend:?}");

        client.send(ask(&who.email)).await;
        let token = reset_mails(&db)[1].1.clone();
        let chosen = "zeven zilveren zwanen zwemmen";
        assert_eq!(
            client.send(complete(&token, chosen)).await.status,
            StatusCode::NO_CONTENT
        );
        let session = client.send(login(&who.email, chosen)).await;
        assert_eq!(session.status, StatusCode::OK);
        assert_ne!(
            session.json()["mfa"],
            "none",
            "{backend:?}: a recovered password does not skip the second factor"
        );
    }
}
