//! Notes over HTTP: a caseworker writes a note (201 with `ETag` and `Location`), reads
//! the list, changes the note with `If-Match` (428 without, 412 stale), and 30 minutes
//! later finds it fixed (`409 note_fixed`); a receiving agency reads only what was
//! shared; bad input is a problem with a stable code and stores nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, UserBuilder, bearer, config_without_mfa, request};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use chrono::Duration;
use schakel_api::app;
use schakel_domain::{AgencyKind, ManualClock, Role};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};
use std::sync::Arc;

fn note(text: &str, visibility: &str) -> Value {
    json!({
        "kind": "meeting", "occurred_on": "2026-03-02", "visibility": visibility, "text": text
    })
}

fn texts(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn notes_are_written_read_as_far_as_shared_changed_briefly_then_fixed() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let clock = Arc::new(ManualClock::new("2026-03-02T09:00:00Z".parse().unwrap()));
        let state = crate::support::state_with(&db, clock.clone(), config_without_mfa());
        let srv = test::init_service(app(state)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let gemeente = AgencyBuilder::new(&db)
            .kind(AgencyKind::Municipality)
            .create();
        let opvang = AgencyBuilder::new(&db)
            .name("Opvang Noord")
            .kind(AgencyKind::ShelterCategorical)
            .create();
        let worker = UserBuilder::new(&db, &gemeente)
            .email("werker@gemeente.example")
            .create();
        let coord = UserBuilder::new(&db, &opvang)
            .email("coord@opvang.example")
            .role(Role::Coordinator)
            .create();
        let t_worker = client.token(&worker.email).await;
        let t_coord = client.token(&coord.email).await;
        let as_worker = |m: &str, u: &str| bearer(request(m, u), &t_worker);
        let as_coord = |m: &str, u: &str| bearer(request(m, u), &t_coord);

        let case = client
            .send(as_worker("POST", "/api/v1/cases").set_json(json!({
                "person": { "identity": { "given_names": "Noor" }, "gender": "female" },
                "region": "noord_nederland", "exploitation_forms": ["labour"]
            })))
            .await;
        assert_eq!(case.status, StatusCode::CREATED, "{backend:?}: {case:?}");
        let case_id = case.json()["id"].as_str().unwrap().to_owned();
        let notes_uri = format!("/api/v1/cases/{case_id}/notes");

        // Written: 201, the version as ETag, where it lives.
        let written = client
            .send(as_worker("POST", &notes_uri).set_json(note("Intern overleg.", "own_agency")))
            .await;
        assert_eq!(written.status, StatusCode::CREATED, "{written:?}");
        assert_eq!(written.header("etag"), "\"1\"");
        let own = written.json();
        let own_uri = format!("/api/v1/notes/{}", own["id"].as_str().unwrap());
        assert_eq!(written.header("location"), own_uri);
        assert_eq!(own["author_name"], worker.display_name.as_str());
        assert!(own["editable_until"].is_string());
        clock.advance(Duration::minutes(1));
        let shared = client
            .send(as_worker("POST", &notes_uri).set_json(note("Gedeeld verslag.", "shared")))
            .await;
        assert_eq!(shared.status, StatusCode::CREATED);

        // Bad input: a stable code, nothing stored.
        for bad in [
            json!({ "kind": "gossip", "occurred_on": "2026-03-02", "visibility": "shared", "text": "x" }),
            json!({ "kind": "visit", "occurred_on": "2026-03-09", "visibility": "shared", "text": "x" }),
            json!({ "kind": "visit", "occurred_on": "2026-03-02", "visibility": "shared", "text": "" }),
            json!({ "kind": "visit", "occurred_on": "2026-03-02", "visibility": "shared" }),
        ] {
            let r = client
                .send(as_worker("POST", &notes_uri).set_json(&bad))
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {r:?}");
            assert_eq!(r.problem(), "invalid_body");
        }
        let list = client.send(as_worker("GET", &notes_uri)).await;
        assert_eq!(list.status, StatusCode::OK);
        assert_eq!(texts(&list.json()), ["Intern overleg.", "Gedeeld verslag."]);

        // Changing needs the version read.
        let body = note("Intern overleg, aangevuld.", "own_agency");
        let r = client
            .send(as_worker("PUT", &own_uri).set_json(&body))
            .await;
        assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED);
        assert_eq!(r.problem(), "precondition_required");
        let r = client
            .send(
                as_worker("PUT", &own_uri)
                    .insert_header(("If-Match", "\"7\""))
                    .set_json(&body),
            )
            .await;
        assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
        let r = client
            .send(
                as_worker("PUT", &own_uri)
                    .insert_header(("If-Match", "\"1\""))
                    .set_json(&body),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        assert_eq!(r.header("etag"), "\"2\"");
        assert_eq!(r.json()["text"], "Intern overleg, aangevuld.");

        // The shelter, once it accepts a referral, reads the shared note only; the
        // internal one does not exist for it.
        let referral = client
            .send(
                as_worker("POST", &format!("/api/v1/cases/{case_id}/referrals")).set_json(json!({
                    "to_agency_id": opvang.id, "purpose": "shelter", "urgency": "normal"
                })),
            )
            .await;
        assert_eq!(referral.status, StatusCode::CREATED, "{referral:?}");
        let referral_id = referral.json()["id"].as_str().unwrap().to_owned();
        let r = client.send(as_coord("GET", &notes_uri)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "not before accepting");
        let accepted = client
            .send(
                as_coord("POST", &format!("/api/v1/referrals/{referral_id}/accept"))
                    .insert_header(("If-Match", "\"1\"")),
            )
            .await;
        assert_eq!(accepted.status, StatusCode::OK, "{accepted:?}");
        let r = client.send(as_coord("GET", &notes_uri)).await;
        assert_eq!(texts(&r.json()), ["Gedeeld verslag."]);
        let r = client
            .send(
                as_coord("PUT", &own_uri)
                    .insert_header(("If-Match", "\"2\""))
                    .set_json(&body),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let shared_uri = format!("/api/v1/notes/{}", shared.json()["id"].as_str().unwrap());
        let r = client
            .send(
                as_coord("PUT", &shared_uri)
                    .insert_header(("If-Match", "\"1\""))
                    .set_json(&body),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "another worker's note");

        // Thirty minutes on (and signed in again: the session has idled out), the note
        // is fixed.
        clock.advance(Duration::minutes(31));
        let t_again = client.token(&worker.email).await;
        let as_worker = |m: &str, u: &str| bearer(request(m, u), &t_again);
        let r = client
            .send(
                as_worker("PUT", &own_uri)
                    .insert_header(("If-Match", "\"2\""))
                    .set_json(note("Te laat.", "own_agency")),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{r:?}");
        assert_eq!(r.problem(), "note_fixed");
        let list = client.send(as_worker("GET", &notes_uri)).await;
        assert_eq!(
            texts(&list.json()),
            ["Intern overleg, aangevuld.", "Gedeeld verslag."]
        );
        assert!(list.json()[0]["editable_until"].is_null());
    }
}
