//! Signals attached to a case over HTTP, on every backend: `POST /api/v1/signals` with
//! `case_id` logs the signal about the case's person (201, the case's person and the
//! case in the answer, the case's timeline shows it); with a person as well or
//! anonymously it is `422 invalid_body`, another agency's case is `404` as if it did not
//! exist, a closed case `409 conflict`; nothing is stored by a refusal.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, UserBuilder, bearer, request};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_api::app;
use schakel_domain::{AgencyKind, Role};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};

/// A signal about the person of case `case_id`, reported on `basis`.
fn attached(case_id: &str, basis: &str) -> Value {
    json!({
        "observed_on": "2026-01-15",
        "region": "midden_nederland",
        "exploitation_forms": ["labour"],
        "palermo": { "act": true, "means": true, "purpose": true },
        "reporting_basis": basis,
        "summary": "Weer gezien in de kas.",
        "case_id": case_id
    })
}

fn signal_count(db: &TestDb) -> i64 {
    use diesel::prelude::*;
    let mut conn = db.pool.get().unwrap();
    schakel_store::schema::signals::table
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

#[actix_web::test]
async fn a_signal_is_logged_on_a_case_of_the_own_agency_and_refused_on_any_other() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let own = AgencyBuilder::new(&db)
            .name("Gemeente Utrecht")
            .kind(AgencyKind::Municipality)
            .create();
        let other = AgencyBuilder::new(&db)
            .name("Gemeente Breda")
            .kind(AgencyKind::Municipality)
            .create();
        UserBuilder::new(&db, &own)
            .email("zorg@utrecht.example")
            .role(Role::Caseworker)
            .create();
        UserBuilder::new(&db, &other)
            .email("zorg@breda.example")
            .role(Role::Caseworker)
            .create();
        let t_own = client.token("zorg@utrecht.example").await;
        let t_other = client.token("zorg@breda.example").await;
        let open = |token: &str| {
            bearer(request("POST", "/api/v1/cases"), token).set_json(json!({
                "person": { "identity": { "given_names": "Marta", "family_name": "Kowalczyk",
                                          "date_of_birth": "1999-05-04" },
                            "gender": "female" },
                "region": "midden_nederland",
                "exploitation_forms": ["labour"]
            }))
        };
        let case = client.send(open(&t_own)).await.json();
        let case_id = case["id"].as_str().unwrap().to_owned();
        let theirs = client.send(open(&t_other)).await.json();
        let theirs_id = theirs["id"].as_str().unwrap().to_owned();
        let log = |body: Value| bearer(request("POST", "/api/v1/signals"), &t_own).set_json(body);

        // Refused, nothing stored: with a person as well, anonymously, another agency's
        // case (as if it did not exist).
        let before = signal_count(&db);
        let mut both = attached(&case_id, "consent");
        both["person"] = json!({ "identity": { "family_name": "Kowalczyk" }, "gender": "female" });
        let r = client.send(log(both)).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}: {r:?}"
        );
        assert_eq!(r.problem(), "invalid_body");
        let r = client.send(log(attached(&case_id, "anonymous"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{r:?}");
        let r = client.send(log(attached(&theirs_id, "consent"))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{r:?}");
        assert_eq!(r.problem(), "not_found");
        assert_eq!(signal_count(&db), before);

        // Attached: about the case's person, on the case, on its timeline.
        let r = client.send(log(attached(&case_id, "consent"))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{backend:?}: {r:?}");
        let signal = r.json();
        assert_eq!(signal["case_id"], case_id.as_str());
        assert_eq!(signal["person"]["id"], case["person"]["id"]);
        assert_eq!(signal["person"]["identity"]["family_name"], "Kowalczyk");
        assert_eq!(signal["anonymous"], false);
        let uri = format!("/api/v1/cases/{case_id}/timeline");
        let timeline = client
            .send(bearer(request("GET", &uri), &t_own))
            .await
            .json();
        let attached_entries: Vec<&Value> = timeline
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "signal_attached")
            .collect();
        assert_eq!(attached_entries.len(), 1, "{timeline}");
        assert_eq!(attached_entries[0]["details"]["signal_id"], signal["id"]);

        // A closed case takes none: a conflict.
        let close = bearer(
            request("POST", &format!("/api/v1/cases/{case_id}/close")),
            &t_own,
        )
        .insert_header(("If-Match", "\"1\""))
        .set_json(json!({ "reason": "no_indication" }));
        let closed = client.send(close).await;
        assert_eq!(closed.status, StatusCode::OK, "{closed:?}");
        let r = client.send(log(attached(&case_id, "consent"))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{r:?}");
        assert_eq!(r.problem(), "conflict");
    }
}
