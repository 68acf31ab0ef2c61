//! Four eyes on privilege over HTTP, with the default configuration: resetting a lost
//! second factor, changing a role, reactivating an account and inviting someone to case
//! work each answer `202` with a request and change nothing until a second admin
//! approves it; nobody approves their own or changes their own role; a request is
//! decided once, and one nobody approved in time expires; approving carries the change
//! out under its own rules (the reset ends the user's sessions and emails them), and
//! every step is audited.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{
    AgencyBuilder, Client, UserBuilder, audit_of, bearer, config_without_mfa, request,
};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use chrono::Duration;
use diesel::prelude::*;
use schakel_api::app;
use schakel_domain::{ManualClock, Role};
use schakel_store::schema::outbox;
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::json;
use std::sync::Arc;

fn topics(db: &TestDb) -> Vec<String> {
    let mut conn = db.pool.get().unwrap();
    outbox::table
        .select(outbox::topic)
        .order(outbox::created_at.asc())
        .load(&mut *conn)
        .unwrap()
}

#[actix_web::test]
async fn a_second_admin_approves_each_change_of_privilege_and_nobody_their_own() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let clock = Arc::new(ManualClock::new("2026-03-02T09:00:00Z".parse().unwrap()));
        let state = crate::support::state_with(&db, clock.clone(), config_without_mfa());
        let srv = test::init_service(app(state)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let home = AgencyBuilder::new(&db).name("Platformbeheer").create();
        let ana = UserBuilder::new(&db, &home)
            .email("ana@beheer.example")
            .role(Role::Admin)
            .create();
        let bo = UserBuilder::new(&db, &home)
            .email("bo@beheer.example")
            .role(Role::Admin)
            .create();
        let worker = UserBuilder::new(&db, &home)
            .email("werker@beheer.example")
            .create();
        {
            let mut conn = db.pool.get().unwrap();
            let now = schakel_domain::Clock::now(&*clock);
            schakel_store::users::set_totp_secret(&mut conn, worker.id, "sealed", now).unwrap();
            schakel_store::users::accept_totp_step(&mut conn, worker.id, 1, true, now).unwrap();
        }
        let t_ana = client.token(&ana.email).await;
        let t_bo = client.token(&bo.email).await;
        let t_worker = client.token(&worker.email).await;
        let call = |token: &str, method: &str, uri: &str| bearer(request(method, uri), token);
        let user_uri = format!("/api/v1/users/{}", worker.id);

        // A reset asked by Ana waits; the worker keeps their second factor and session.
        let r = client
            .send(call(
                &t_ana,
                "POST",
                &format!("{user_uri}/second-factor/reset"),
            ))
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{backend:?}: {r:?}");
        let reset = r.json();
        assert_eq!(reset["kind"], "second_factor_reset");
        assert_eq!(reset["state"], "pending");
        assert_eq!(reset["requested_by"]["id"], ana.id.to_string());
        assert_eq!(
            r.header("location"),
            format!(
                "/api/v1/privilege-requests/{}",
                reset["id"].as_str().unwrap()
            )
        );
        let r = client
            .send(call(
                &t_ana,
                "POST",
                &format!("{user_uri}/second-factor/reset"),
            ))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(r.problem(), "request_pending");
        let user = client.send(call(&t_bo, "GET", &user_uri)).await.json();
        assert_eq!(user["mfa_enrolled"], true);
        let approve = |id: &serde_json::Value| {
            format!(
                "/api/v1/privilege-requests/{}/approve",
                id.as_str().unwrap()
            )
        };
        let reject = |id: &serde_json::Value| {
            format!("/api/v1/privilege-requests/{}/reject", id.as_str().unwrap())
        };

        // Nobody approves their own; Bo does, and it is carried out at once.
        let r = client
            .send(call(&t_ana, "POST", &approve(&reset["id"])))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(r.problem(), "own_request");
        let r = client
            .send(call(&t_bo, "POST", &approve(&reset["id"])))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        assert_eq!(r.json()["state"], "approved");
        assert_eq!(r.json()["decided_by"]["id"], bo.id.to_string());
        let user = client.send(call(&t_bo, "GET", &user_uri)).await.json();
        assert_eq!(user["mfa_enrolled"], false);
        let r = client.send(call(&t_worker, "GET", "/api/v1/me")).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "the worker's sessions ended"
        );
        assert!(topics(&db).contains(&"second_factor_reset".to_owned()));
        let r = client
            .send(call(&t_bo, "POST", &approve(&reset["id"])))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(r.problem(), "request_closed");
        let applied = audit_of(&db, "admin.user_second_factor_reset");
        assert_eq!(applied.len(), 1);
        assert_eq!(applied[0].actor.as_ref().unwrap().user_id, bo.id.as_uuid());
        assert_eq!(applied[0].details["requested_by"], ana.id.to_string());

        // A role change waits, and a rejection leaves the role as it was.
        let r = client
            .send(call(&t_ana, "PATCH", &user_uri).set_json(json!({ "role": "coordinator" })))
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{r:?}");
        let role = r.json();
        let r = client
            .send(call(&t_ana, "POST", &reject(&role["id"])))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json()["state"], "rejected");
        let user = client.send(call(&t_bo, "GET", &user_uri)).await.json();
        assert_eq!(user["role"], "caseworker");
        // Nobody changes their own role, asked or not.
        let r = client
            .send(
                call(&t_ana, "PATCH", &format!("/api/v1/users/{}", ana.id))
                    .set_json(json!({ "role": "auditor" })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);

        // An invitation to case work waits; one to analysis does not.
        let r = client
            .send(call(&t_ana, "POST", "/api/v1/users").set_json(json!({
                "agency_id": home.id, "email": "nieuw@beheer.example",
                "display_name": "Nieuwe Collega", "role": "coordinator"
            })))
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{r:?}");
        let invite = r.json();
        assert_eq!(invite["email"], "nieuw@beheer.example");
        {
            let mut conn = db.pool.get().unwrap();
            assert!(
                schakel_store::users::find_by_email(&mut conn, "nieuw@beheer.example")
                    .unwrap()
                    .is_none()
            );
        }
        let r = client
            .send(call(&t_bo, "POST", &approve(&invite["id"])))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        {
            let mut conn = db.pool.get().unwrap();
            let u = schakel_store::users::find_by_email(&mut conn, "nieuw@beheer.example")
                .unwrap()
                .unwrap();
            assert_eq!(u.role, Role::Coordinator);
        }
        assert!(topics(&db).contains(&"invitation".to_owned()));
        let r = client
            .send(call(&t_ana, "POST", "/api/v1/users").set_json(json!({
                "agency_id": home.id, "email": "cijfers@beheer.example",
                "display_name": "Cijfer Collega", "role": "analyst"
            })))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{r:?}");

        // A reactivation nobody approves in time expires.
        let r = client
            .send(call(&t_ana, "POST", &format!("{user_uri}/deactivate")))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let r = client
            .send(call(&t_ana, "POST", &format!("{user_uri}/reactivate")))
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
        let back = r.json();
        clock.advance(Duration::hours(72));
        let t_bo = client.token(&bo.email).await;
        let r = client
            .send(call(&t_bo, "POST", &approve(&back["id"])))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(r.problem(), "request_closed");
        let expired = client
            .send(call(
                &t_bo,
                "GET",
                "/api/v1/privilege-requests?state=expired",
            ))
            .await;
        assert_eq!(expired.status, StatusCode::OK);
        let expired = expired.json();
        assert_eq!(expired.as_array().unwrap().len(), 1);
        assert_eq!(expired[0]["id"], back["id"]);
        let user = client.send(call(&t_bo, "GET", &user_uri)).await.json();
        assert_eq!(user["active"], false);

        // Every step is in the trail.
        assert_eq!(audit_of(&db, "admin.privilege_request").len(), 4);
        assert_eq!(audit_of(&db, "admin.privilege_approve").len(), 2);
        assert_eq!(audit_of(&db, "admin.privilege_reject").len(), 1);
    }
}
