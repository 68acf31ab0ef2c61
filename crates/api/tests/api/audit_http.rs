//! The audit trail over HTTP: the auditor filters, pages and verifies it, every reading
//! and every denial is itself recorded, and a change whose audit entry cannot be written
//! fails without changing or returning anything (SECURITY B18).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, UserBuilder, bearer, request};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_api::app;
use schakel_domain::{AgencyKind, Role};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::{Backend, agencies, outbox, users};
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn entries(page: &Value) -> &Vec<Value> {
    page["entries"].as_array().unwrap()
}

fn seqs(page: &Value) -> Vec<i64> {
    entries(page)
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect()
}

#[actix_web::test]
async fn the_auditor_filters_pages_and_verifies_the_trail_and_each_reading_is_recorded() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let home = AgencyBuilder::new(&db)
            .name("Functionaris Gegevensbescherming")
            .kind(AgencyKind::Rapporteur)
            .create();
        let auditor = UserBuilder::new(&db, &home)
            .email("fg@rapporteur.example")
            .role(Role::Auditor)
            .create();
        let worker = UserBuilder::new(&db, &home)
            .email("werker@rapporteur.example")
            .display_name("Wim Werker")
            .role(Role::Caseworker)
            .create();
        let token = client.token(&auditor.email).await;
        let worker_token = client.token(&worker.email).await;
        let read = |query: &str| bearer(request("GET", &format!("/api/v1/audit{query}")), &token);

        let denied = client
            .send(bearer(request("GET", "/api/v1/audit"), &worker_token))
            .await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN, "{backend:?}");
        let verify_denied = bearer(request("GET", "/api/v1/audit/verify"), &worker_token);
        assert_eq!(
            client.send(verify_denied).await.status,
            StatusCode::FORBIDDEN
        );

        // Two logins and two denials so far: newest first, two per page (sealed, as the
        // sealer of a running server does within a second).
        crate::support::seal(&db);
        let first = client.send(read("?limit=2")).await;
        assert_eq!(first.status, StatusCode::OK);
        let first = first.json();
        assert_eq!(seqs(&first), [4, 3]);
        assert_eq!(first["next_before_seq"], 3);
        let second = client.send(read("?limit=2&before_seq=3")).await.json();
        assert_eq!(seqs(&second), [2, 1]);
        assert_eq!(second["next_before_seq"], Value::Null);
        let entry = &entries(&first)[0];
        let fields: BTreeSet<&str> = entry
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let expected: BTreeSet<&str> = [
            "seq",
            "id",
            "occurred_at",
            "actor",
            "on_behalf_of",
            "action",
            "action_kind",
            "object",
            "purpose",
            "subject_pseudonym",
            "outcome",
            "request_id",
            "details",
            "prev_hash",
            "hash",
        ]
        .into();
        assert_eq!(fields, expected, "ids and codes only: no client address");
        assert_eq!(entry["action"], "audit.verify");
        assert_eq!(entry["outcome"], "denied");
        assert_eq!(entry["actor"]["role"], "caseworker");
        assert_eq!(entry["actor"]["user_id"], worker.id.to_string());
        // Auditors may see who did what: the actor by name and agency.
        assert_eq!(entry["actor"]["display_name"], "Wim Werker");
        assert_eq!(
            entry["actor"]["agency_name"],
            "Functionaris Gegevensbescherming"
        );

        let logins = client.send(read("?action=auth.login")).await.json();
        assert_eq!(entries(&logins).len(), 2);
        let denials = client
            .send(read(&format!(
                "?outcome=denied&actor_user_id={}",
                worker.id
            )))
            .await
            .json();
        assert_eq!(entries(&denials).len(), 2);
        let by_object = client
            .send(read(&format!("?object_type=session&agency_id={}", home.id)))
            .await
            .json();
        assert!(
            entries(&by_object)
                .iter()
                .all(|e| e["object"]["type"] == "session")
        );
        let future = client.send(read("?from=2999-01-01T00:00:00Z")).await.json();
        assert_eq!(entries(&future).len(), 0);

        // Every reading so far was recorded, with its filter.
        let readings = client
            .send(read("?action=audit.read&outcome=success"))
            .await
            .json();
        assert_eq!(entries(&readings).len(), 6);
        assert_eq!(
            entries(&readings)[0]["details"]["filter"]["from"],
            "2999-01-01T00:00:00.000000Z"
        );

        for bad in [
            "?limit=0",
            "?limit=501",
            "?before_seq=0",
            "?object_type=Session",
            "?action=NOPE",
            "?actor_user_id=42",
            "?from=yesterday",
            "?colour=red",
        ] {
            assert_eq!(
                client.send(read(bad)).await.status,
                StatusCode::BAD_REQUEST,
                "{bad}"
            );
        }

        crate::support::seal(&db);
        let total = client.send(read("?limit=1")).await.json();
        let head = seqs(&total)[0];
        // The sealer links the reading's own entry too before the verification.
        crate::support::seal(&db);
        let report = client
            .send(bearer(request("GET", "/api/v1/audit/verify"), &token))
            .await;
        assert_eq!(report.status, StatusCode::OK);
        let report = report.json();
        assert_eq!(report["intact"], true);
        assert_eq!(
            report["checked"],
            head + 1,
            "every entry up to the last reading"
        );
        assert_eq!(report["broken"], Value::Null);
        assert_eq!(report["last_hash"].as_str().unwrap().len(), 64);
        let verifications = client
            .send(read("?action=audit.verify&outcome=success"))
            .await
            .json();
        assert_eq!(entries(&verifications).len(), 1);
        assert_eq!(entries(&verifications)[0]["details"]["intact"], true);
    }
}

#[actix_web::test]
async fn when_the_audit_entry_cannot_be_written_nothing_changes_and_nothing_is_returned() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let home = AgencyBuilder::new(&db)
            .name("Gemeente Storing")
            .kind(AgencyKind::Municipality)
            .create();
        let admin = UserBuilder::new(&db, &home)
            .email("beheer@storing.example")
            .role(Role::Admin)
            .create();
        let auditor = UserBuilder::new(&db, &home)
            .email("fg@storing.example")
            .role(Role::Auditor)
            .create();
        let token = client.token(&admin.email).await;
        let auditor_token = client.token(&auditor.email).await;
        let sql = match backend {
            Backend::Sqlite => "DROP TABLE audit_entries",
            Backend::Postgres => "DROP TABLE audit_entries CASCADE",
        };
        db.execute_raw(sql);

        let attempts = [
            bearer(request("POST", "/api/v1/agencies"), &token).set_json(json!({
                "name": "Nooit Aangemaakt", "kind": "ngo", "region": "limburg",
                "contact_email": "balie@nooit.example",
            })),
            bearer(request("POST", "/api/v1/users"), &token).set_json(json!({
                "agency_id": home.id, "email": "nooit@storing.example",
                "display_name": "Nooit", "role": "caseworker",
            })),
            bearer(
                request("POST", &format!("/api/v1/users/{}/deactivate", auditor.id)),
                &token,
            ),
            bearer(request("GET", "/api/v1/audit"), &auditor_token),
        ];
        for req in attempts {
            let reply = client.send(req).await;
            assert_eq!(
                reply.status,
                StatusCode::INTERNAL_SERVER_ERROR,
                "{backend:?}"
            );
            assert_eq!(reply.problem(), "internal");
            assert_eq!(reply.json().as_object().unwrap().len(), 4, "a bare problem");
        }
        let mut conn = db.pool.get().unwrap();
        assert!(
            agencies::find_by_name(&mut conn, "Nooit Aangemaakt")
                .unwrap()
                .is_none()
        );
        assert!(
            users::find_by_email(&mut conn, "nooit@storing.example")
                .unwrap()
                .is_none()
        );
        assert!(users::find(&mut conn, auditor.id).unwrap().active);
        let queued = outbox::stats(&mut conn, chrono::Utc::now()).unwrap();
        assert_eq!(queued.pending, 0, "no invitation email either");
    }
}
