//! Accounts as the admin manages them over HTTP: invitations with hashed single-use
//! links and their email, role changes that apply on the next request, the last admin
//! kept (also under concurrent demotions), and deactivation that ends sessions — with
//! four eyes off, so that one admin's change applies at once (`four_eyes_http` has
//! them on, the default).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{
    AgencyBuilder, Client, UserBuilder, audit_of, bearer, keys, request, state_with, successes,
};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use chrono::{DateTime, Duration, TimeZone, Utc};
use diesel::prelude::*;
use schakel_api::app;
use schakel_domain::{AgencyKind, ManualClock, Role};
use schakel_store::schema::{account_tokens, outbox};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 8, 30, 0).unwrap()
}

#[actix_web::test]
async fn an_invitation_creates_an_account_a_hashed_single_use_link_and_an_email() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let clock = ManualClock::new(t0());
        let cfg = crate::support::config_one_admin_decides();
        let ttl = cfg.invitation_ttl_secs;
        let srv = test::init_service(app(state_with(&db, Arc::new(clock.clone()), cfg))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let home = AgencyBuilder::new(&db)
            .name("Zorgcoördinatie Oost")
            .kind(AgencyKind::CareCoordination)
            .create();
        let admin = UserBuilder::new(&db, &home)
            .email("beheer@oost.example")
            .role(Role::Admin)
            .create();
        let token = client.token(&admin.email).await;
        let invite = |email: &str| {
            bearer(request("POST", "/api/v1/users"), &token).set_json(json!({
                "agency_id": home.id, "email": email,
                "display_name": "Nieuwe Collega", "role": "coordinator",
            }))
        };

        let created = client.send(invite("Nieuw@Oost.example")).await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "{backend:?}: {created:?}"
        );
        let body = created.json();
        let expected: BTreeSet<String> = [
            "id",
            "agency_id",
            "email",
            "display_name",
            "role",
            "active",
            "locale",
            "invitation_pending",
            "mfa_enrolled",
            "version",
            "created_at",
            "updated_at",
            "client",
        ]
        .map(String::from)
        .into();
        assert_eq!(keys(&body), expected, "no hash, secret or token leaves");
        assert_eq!(body["client"], false, "a person's account");
        assert_eq!(body["email"], "nieuw@oost.example");
        assert_eq!(body["invitation_pending"], true);
        assert_eq!(body["locale"], "nl");
        let id = body["id"].as_str().unwrap().to_owned();
        assert_eq!(created.header("location"), format!("/api/v1/users/{id}"));

        let mut conn = db.pool.get().unwrap();
        let mails: Vec<(String, String, String)> = outbox::table
            .select((outbox::channel, outbox::topic, outbox::payload))
            .load(&mut *conn)
            .unwrap();
        assert_eq!(mails.len(), 1);
        assert_eq!(
            (mails[0].0.as_str(), mails[0].1.as_str()),
            ("email", "invitation")
        );
        let payload: Value = serde_json::from_str(&mails[0].2).unwrap();
        let schakel_domain::Notice::AccountLink {
            user_id,
            token: Some(link),
            ..
        } = schakel_domain::Notice::from_row("invitation", &payload).unwrap()
        else {
            panic!("an invitation with its token")
        };
        assert_eq!(user_id.to_string(), id);
        let stored: Vec<String> = account_tokens::table
            .select(account_tokens::token_hash)
            .load(&mut *conn)
            .unwrap();
        assert_eq!(stored, vec![schakel_auth::secret_token::hash(&link)]);
        drop(conn);
        let entries = audit_of(&db, "admin.user_invite");
        assert_eq!(entries.len(), 1);
        assert!(
            !entries[0].details.to_string().contains("nieuw"),
            "no email in the trail"
        );

        let taken = client.send(invite("NIEUW@oost.example")).await;
        assert_eq!(taken.status, StatusCode::CONFLICT);
        let accept = |token: &str, password: &str| {
            request("POST", "/api/v1/auth/invitation")
                .set_json(json!({ "token": token, "password": password }))
        };
        let login = |password: &str| {
            request("POST", "/api/v1/auth/login")
                .set_json(json!({ "email": "nieuw@oost.example", "password": password }))
        };
        let chosen = "paars kanaal fietsbel onweer";
        assert_eq!(
            client.send(login(chosen)).await.status,
            StatusCode::UNAUTHORIZED
        );
        let weak = client.send(accept(&link, "wachtwoord")).await;
        assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(weak.problem(), "password_too_short");
        let own_name = client.send(accept(&link, "nieuwe collega oost 2026")).await;
        assert_eq!(own_name.problem(), "password_contains_context");
        let accepted = client.send(accept(&link, chosen)).await;
        assert_eq!(
            accepted.status,
            StatusCode::NO_CONTENT,
            "a refused password left the link usable"
        );
        assert_eq!(client.send(login(chosen)).await.status, StatusCode::OK);
        let reused = client
            .send(accept(&link, "nog een ander lang wachtwoord"))
            .await;
        assert_eq!(reused.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reused.problem(), "invalid_credentials");
        let outcomes: Vec<String> = audit_of(&db, "auth.invitation_accept")
            .iter()
            .map(|e| e.outcome.to_string())
            .collect();
        assert_eq!(outcomes, ["failure", "success", "failure", "failure"]);

        // A link expires.
        assert_eq!(
            client.send(invite("later@oost.example")).await.status,
            StatusCode::CREATED
        );
        let mut conn = db.pool.get().unwrap();
        let payloads: Vec<String> = outbox::table
            .select(outbox::payload)
            .load(&mut *conn)
            .unwrap();
        drop(conn);
        let later: Value =
            serde_json::from_str(payloads.iter().find(|p| !p.contains(&link)).unwrap()).unwrap();
        clock.advance(Duration::seconds(ttl + 1));
        let expired = client
            .send(accept(later["token"].as_str().unwrap(), chosen))
            .await;
        assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
        let unknown_agency = bearer(
            request("POST", "/api/v1/users"),
            &client.token(&admin.email).await,
        )
        .set_json(json!({
            "agency_id": schakel_domain::AgencyId::new_random(), "email": "x@oost.example",
            "display_name": "X", "role": "caseworker",
        }));
        assert_eq!(
            client.send(unknown_agency).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
}

#[actix_web::test]
async fn a_role_change_applies_on_the_next_request_and_one_active_admin_always_remains() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_one_admin_decides(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let home = AgencyBuilder::new(&db)
            .name("Gemeente Beheer")
            .kind(AgencyKind::Municipality)
            .create();
        let first = UserBuilder::new(&db, &home)
            .email("eerste@beheer.example")
            .role(Role::Admin)
            .create();
        let other = UserBuilder::new(&db, &home)
            .email("tweede@beheer.example")
            .role(Role::Caseworker)
            .create();
        let first_token = client.token(&first.email).await;
        let other_token = client.token(&other.email).await;
        let patch = |token: &str, id: schakel_domain::UserId, role: &str| {
            bearer(request("PATCH", &format!("/api/v1/users/{id}")), token)
                .set_json(json!({ "role": role }))
        };
        let agencies_as = |token: &str| bearer(request("GET", "/api/v1/agencies"), token);

        assert_eq!(
            client.send(agencies_as(&other_token)).await.status,
            StatusCode::FORBIDDEN
        );
        let promoted = client.send(patch(&first_token, other.id, "admin")).await;
        assert_eq!(promoted.status, StatusCode::OK, "{backend:?}");
        assert_eq!(promoted.json()["role"], "admin");
        assert_eq!(promoted.header("etag"), "\"2\"");
        assert_eq!(
            client.send(agencies_as(&other_token)).await.status,
            StatusCode::OK,
            "the same session acts in the new role at once"
        );
        let change = &audit_of(&db, "admin.user_role_change")[0];
        assert_eq!(
            change.details,
            json!({ "from": "caseworker", "to": "admin" })
        );

        for bad in [
            json!({ "role": "overlord" }),
            json!({ "role": "admin", "agency_id": home.id }),
        ] {
            let r = client
                .send(
                    bearer(
                        request("PATCH", &format!("/api/v1/users/{}", other.id)),
                        &first_token,
                    )
                    .set_json(&bad),
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        }
        let nobody = patch(
            &first_token,
            schakel_domain::UserId::new_random(),
            "analyst",
        );
        assert_eq!(client.send(nobody).await.status, StatusCode::NOT_FOUND);

        // Two admins removing each other at the same moment: one of them stays.
        for round in 0..4 {
            let (a, b) = tokio::join!(
                client.send(patch(&first_token, other.id, "caseworker")),
                client.send(patch(&other_token, first.id, "caseworker")),
            );
            let won = [&a, &b]
                .iter()
                .filter(|r| r.status == StatusCode::OK)
                .count();
            assert_eq!(won, 1, "round {round}: {} and {}", a.status, b.status);
            let mut conn = db.pool.get().unwrap();
            let admins = users::lock_active_with_role(&mut conn, Role::Admin).unwrap();
            assert_eq!(admins.len(), 1, "round {round}");
            let (winner, loser) = if a.status == StatusCode::OK {
                (&first_token, other.id)
            } else {
                (&other_token, first.id)
            };
            drop(conn);
            assert_eq!(
                client.send(patch(winner, loser, "admin")).await.status,
                StatusCode::OK
            );
        }

        let demote_self = client
            .send(patch(&first_token, other.id, "caseworker"))
            .await;
        assert_eq!(demote_self.status, StatusCode::OK);
        let last = client.send(patch(&first_token, first.id, "analyst")).await;
        assert_eq!(last.status, StatusCode::CONFLICT, "the last admin stays");
        let own = format!("/api/v1/users/{}/deactivate", first.id);
        let r = client
            .send(bearer(request("POST", &own), &first_token))
            .await;
        assert_eq!(
            r.status,
            StatusCode::CONFLICT,
            "no admin deactivates themselves"
        );
    }
}

#[actix_web::test]
async fn an_admin_cannot_change_their_own_role_but_another_admin_can() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_one_admin_decides(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let home = AgencyBuilder::new(&db)
            .name("Gemeente Beheer")
            .kind(AgencyKind::Municipality)
            .create();
        let first = UserBuilder::new(&db, &home)
            .email("eerste@beheer.example")
            .role(Role::Admin)
            .create();
        let second = UserBuilder::new(&db, &home)
            .email("tweede@beheer.example")
            .role(Role::Admin)
            .create();
        let first_token = client.token(&first.email).await;
        let second_token = client.token(&second.email).await;
        let patch = |token: &str, id: schakel_domain::UserId, role: &str| {
            bearer(request("PATCH", &format!("/api/v1/users/{id}")), token)
                .set_json(json!({ "role": role }))
        };
        // With another admin present the last-admin rule does not hold it back.
        let own = client
            .send(patch(&first_token, first.id, "coordinator"))
            .await;
        assert_eq!(own.status, StatusCode::CONFLICT, "{backend:?}");
        assert_eq!(own.problem(), "conflict");
        let cases = client
            .send(bearer(request("GET", "/api/v1/cases"), &first_token))
            .await;
        assert_eq!(cases.status, StatusCode::FORBIDDEN, "still an admin");
        let mut conn = db.pool.get().unwrap();
        assert_eq!(users::find(&mut conn, first.id).unwrap().role, Role::Admin);
        drop(conn);
        assert!(audit_of(&db, "admin.user_role_change").is_empty());
        // Another admin may change it.
        let by_other = client
            .send(patch(&second_token, first.id, "coordinator"))
            .await;
        assert_eq!(by_other.status, StatusCode::OK);
        assert_eq!(by_other.json()["role"], "coordinator");
    }
}

#[actix_web::test]
async fn deactivating_an_account_ends_its_sessions_and_reactivating_lets_it_sign_in_again() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_one_admin_decides(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let home = AgencyBuilder::new(&db)
            .name("Politie Midden")
            .kind(AgencyKind::Police)
            .create();
        let admin = UserBuilder::new(&db, &home)
            .email("beheer@midden.example")
            .role(Role::Admin)
            .create();
        let staff = UserBuilder::new(&db, &home)
            .email("agent@midden.example")
            .role(Role::Coordinator)
            .create();
        let token = client.token(&admin.email).await;
        let staff_token = client.token(&staff.email).await;
        let _second_session = client.token(&staff.email).await;
        let post = |what: &str| {
            bearer(
                request("POST", &format!("/api/v1/users/{}/{what}", staff.id)),
                &token,
            )
        };
        let me = || bearer(request("GET", "/api/v1/me"), &staff_token);

        let off = client.send(post("deactivate")).await;
        assert_eq!(off.status, StatusCode::OK, "{backend:?}");
        assert_eq!(off.json()["active"], false);
        assert_eq!(client.send(me()).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            audit_of(&db, "admin.user_deactivate")[0].details["sessions_ended"],
            2
        );
        assert_eq!(
            client.send(post("deactivate")).await.status,
            StatusCode::CONFLICT
        );

        let on = client.send(post("reactivate")).await;
        assert_eq!(on.status, StatusCode::OK);
        assert_eq!(on.json()["active"], true);
        assert_eq!(
            client.send(me()).await.status,
            StatusCode::UNAUTHORIZED,
            "ended sessions stay ended"
        );
        client.token(&staff.email).await;
        assert_eq!(
            client.send(post("reactivate")).await.status,
            StatusCode::CONFLICT
        );
        let listed = client
            .send(bearer(
                request("GET", &format!("/api/v1/users?agency_id={}", home.id)),
                &token,
            ))
            .await
            .json();
        assert_eq!(listed.as_array().unwrap().len(), 2);
        let elsewhere = client
            .send(bearer(
                request(
                    "GET",
                    &format!(
                        "/api/v1/users?agency_id={}",
                        schakel_domain::AgencyId::new_random()
                    ),
                ),
                &token,
            ))
            .await
            .json();
        assert_eq!(elsewhere, json!([]));
        for action in ["admin.user_deactivate", "admin.user_reactivate"] {
            assert_eq!(successes(&db, action), 1, "{action}");
        }
    }
}
