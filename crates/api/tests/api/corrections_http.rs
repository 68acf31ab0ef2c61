//! Correcting a case over HTTP: `PATCH /api/v1/cases/{id}` with `If-Match` (428
//! without, 412 stale), a new `ETag`, bad input a problem with a stable code and
//! nothing stored, and the rectification record at `/history` for the owning agency
//! only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, UserBuilder, bearer, request};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_api::app;
use schakel_domain::{AgencyKind, Role};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::json;

#[actix_web::test]
async fn a_case_is_corrected_from_the_version_read_and_its_record_shows_what_was_there() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let gemeente = AgencyBuilder::new(&db)
            .kind(AgencyKind::Municipality)
            .create();
        let opvang = AgencyBuilder::new(&db)
            .name("Opvang Oost")
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

        let identity = json!({
            "given_names": "Dana", "family_name": "Popsecu", "date_of_birth": "1994-02-03",
            "nationalities": ["RO"]
        });
        let case = client
            .send(as_worker("POST", "/api/v1/cases").set_json(json!({
                "person": { "identity": identity, "gender": "female" },
                "region": "oost_nederland", "exploitation_forms": ["labour"]
            })))
            .await;
        assert_eq!(case.status, StatusCode::CREATED, "{backend:?}: {case:?}");
        let case_id = case.json()["id"].as_str().unwrap().to_owned();
        let uri = format!("/api/v1/cases/{case_id}");
        let mut fixed = identity.clone();
        fixed["family_name"] = json!("Popescu");
        let body = json!({ "identity": fixed });

        let r = client.send(as_worker("PATCH", &uri).set_json(&body)).await;
        assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED);
        let stale = as_worker("PATCH", &uri).insert_header(("If-Match", "\"9\""));
        let r = client.send(stale.set_json(&body)).await;
        assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
        assert_eq!(r.problem(), "precondition_failed");

        // Bad input: a stable code, nothing changed.
        for bad in [
            json!({ "identity": { "date_of_birth": "2999-01-01" } }),
            json!({ "region": "atlantis" }),
            json!({ "exploitation_forms": [] }),
            json!({ "family_name": "Popescu" }),
        ] {
            let req = as_worker("PATCH", &uri).insert_header(("If-Match", "\"1\""));
            let r = client.send(req.set_json(&bad)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {r:?}");
            assert_eq!(r.problem(), "invalid_body");
        }

        let req = as_worker("PATCH", &uri).insert_header(("If-Match", "\"1\""));
        let r = client.send(req.set_json(&body)).await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        assert_eq!(r.header("etag"), "\"2\"");
        let now = r.json();
        assert_eq!(now["person"]["identity"]["family_name"], "Popescu");
        assert_eq!(now["person"]["identity"]["date_of_birth"], "1994-02-03");

        let history = client
            .send(as_worker("GET", &format!("{uri}/history")))
            .await;
        assert_eq!(history.status, StatusCode::OK);
        let history = history.json();
        assert_eq!(history[0]["fields"], json!(["identity.family_name"]));
        assert_eq!(history[0]["earlier"]["identity.family_name"], "Popsecu");
        assert_eq!(history[0]["corrected_by"], worker.id.to_string());

        // Another agency learns nothing, not even that the case exists.
        let r = client
            .send(as_coord("GET", &format!("{uri}/history")))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let req = as_coord("PATCH", &uri).insert_header(("If-Match", "\"2\""));
        let r = client
            .send(req.set_json(json!({ "region": "rotterdam" })))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = client.send(as_worker("GET", &uri)).await;
        assert_eq!(r.json()["region"], "oost_nederland", "unchanged");
    }
}
