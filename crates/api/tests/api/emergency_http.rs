//! Emergency access over HTTP: a police coordinator breaks the glass (201, `Location`
//! the case), reads the case marked as an emergency access for its time and no longer;
//! a shelter's coordinator is refused (403, the default configuration); bad input is a
//! problem with a stable code and stores nothing; the auditor lists, reviews once
//! (`409 already_reviewed` after) and sums up; queries out of range are 400.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, UserBuilder, bearer, config_without_mfa, request};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use chrono::Duration;
use schakel_api::app;
use schakel_domain::{AgencyKind, ManualClock, Role};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::json;
use std::sync::Arc;

const REASON: &str = "De meldkamer meldt dat zij sinds vannacht vermist is.";

#[actix_web::test]
async fn the_glass_is_broken_read_for_its_time_reviewed_once_and_summed_up() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let clock = Arc::new(ManualClock::new("2026-03-02T09:00:00Z".parse().unwrap()));
        let state = crate::support::state_with(&db, clock.clone(), config_without_mfa());
        let srv = test::init_service(app(state)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let zorg = AgencyBuilder::new(&db)
            .name("Zorgcoördinatie Oost")
            .kind(AgencyKind::CareCoordination)
            .create();
        let politie = AgencyBuilder::new(&db)
            .name("Politie Oost")
            .kind(AgencyKind::Police)
            .create();
        let opvang = AgencyBuilder::new(&db)
            .name("Opvang Oost")
            .kind(AgencyKind::ShelterCategorical)
            .create();
        let owner = UserBuilder::new(&db, &zorg)
            .email("werker@zorg.example")
            .create();
        let agent = UserBuilder::new(&db, &politie)
            .email("coord@politie.example")
            .role(Role::Coordinator)
            .create();
        let shelter = UserBuilder::new(&db, &opvang)
            .email("coord@opvang.example")
            .role(Role::Coordinator)
            .create();
        let auditor = UserBuilder::new(&db, &zorg)
            .email("audit@zorg.example")
            .role(Role::Auditor)
            .create();
        let t_owner = client.token(&owner.email).await;
        let t_agent = client.token(&agent.email).await;
        let t_shelter = client.token(&shelter.email).await;
        let t_audit = client.token(&auditor.email).await;

        let case = client
            .send(
                bearer(request("POST", "/api/v1/cases"), &t_owner).set_json(json!({
                    "person": { "identity": { "given_names": "Mira", "family_name": "Glasbreker" },
                                "gender": "female" },
                    "region": "oost_nederland", "exploitation_forms": ["sexual"]
                })),
            )
            .await;
        assert_eq!(case.status, StatusCode::CREATED, "{backend:?}: {case:?}");
        let case = case.json();
        let case_uri = format!("/api/v1/cases/{}", case["id"].as_str().unwrap());
        let body = json!({
            "agency_id": zorg.id, "reference": case["reference"],
            "ground": "missing_person", "reason": REASON
        });
        let open = |token: &str, body: &serde_json::Value| {
            bearer(request("POST", "/api/v1/emergency-accesses"), token).set_json(body.clone())
        };

        // Refused: a shelter is not of an allowed kind; bad input stores nothing.
        let r = client.send(open(&t_shelter, &body)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{r:?}");
        assert_eq!(r.problem(), "forbidden");
        for (field, value) in [
            ("reason", json!("spoed")),
            ("ground", json!("curiosity")),
            ("reference", json!("")),
        ] {
            let mut bad = body.clone();
            bad[field] = value;
            let r = client.send(open(&t_agent, &bad)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {r:?}");
            assert_eq!(r.problem(), "invalid_body");
        }
        let mut unknown = body.clone();
        unknown["reference"] = json!("2026-999999");
        assert_eq!(
            client.send(open(&t_agent, &unknown)).await.status,
            StatusCode::NOT_FOUND
        );
        let r = client
            .send(bearer(request("GET", &case_uri), &t_agent))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "no access before");

        // Broken: the case is read, marked, with the identity the ground allows.
        let r = client.send(open(&t_agent, &body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
        assert_eq!(r.header("location"), case_uri);
        let grant = r.json();
        let r = client.send(open(&t_agent, &body)).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(r.problem(), "emergency_access_not_needed");
        let seen = client
            .send(bearer(request("GET", &case_uri), &t_agent))
            .await;
        assert_eq!(seen.status, StatusCode::OK);
        let seen = seen.json();
        assert_eq!(seen["access"], "emergency");
        assert_eq!(seen["emergency"]["id"], grant["id"]);
        assert_eq!(seen["person"]["identity"]["family_name"], "Glasbreker");
        let r = client
            .send(
                bearer(request("PATCH", &case_uri), &t_agent)
                    .insert_header(("If-Match", format!("\"{}\"", seen["version"])))
                    .set_json(json!({ "region": "rotterdam" })),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "read only");

        // The auditor reviews it once and sees it summed up.
        let list = client
            .send(bearer(
                request("GET", "/api/v1/emergency-accesses?review=pending"),
                &t_audit,
            ))
            .await;
        assert_eq!(list.status, StatusCode::OK);
        let list = list.json();
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["reason"], REASON);
        assert_eq!(list[0]["user"]["name"], agent.display_name.as_str());
        let review_uri = format!(
            "/api/v1/emergency-accesses/{}/review",
            grant["id"].as_str().unwrap()
        );
        let review =
            |body: serde_json::Value| bearer(request("POST", &review_uri), &t_audit).set_json(body);
        let r = client.send(review(json!({ "verdict": "escalated" }))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = client
            .send(review(
                json!({ "verdict": "escalated", "note": "Navragen bij de politie." }),
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        assert_eq!(r.json()["review"], "escalated");
        let r = client.send(review(json!({ "verdict": "justified" }))).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(r.problem(), "already_reviewed");
        let summary = client
            .send(bearer(
                request("GET", "/api/v1/emergency-accesses/summary?days=30"),
                &t_audit,
            ))
            .await;
        assert_eq!(summary.status, StatusCode::OK);
        let summary = summary.json();
        assert_eq!(summary["all"]["escalated"], 1);
        assert_eq!(summary["by_agency"][0]["agency"]["name"], "Politie Oost");
        for bad in [
            "summary?days=0",
            "summary?days=9999",
            "?limit=0",
            "?review=maybe",
        ] {
            let r = client
                .send(bearer(
                    request(
                        "GET",
                        &format!("/api/v1/emergency-accesses/{bad}").replace("/?", "?"),
                    ),
                    &t_audit,
                ))
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {r:?}");
        }

        // Its time over, the case is gone again.
        clock.advance(Duration::hours(4) + Duration::seconds(1));
        let t_agent = client.token(&agent.email).await;
        let r = client
            .send(bearer(request("GET", &case_uri), &t_agent))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "no access after its time");
    }
}
