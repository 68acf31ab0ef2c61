//! An agency's profile in the directory over HTTP, on every backend: its coordinator
//! keeps it from the version it read (`"0"` before the first time), with the places
//! free stamped with when and by whom they were reported; a figure that did not change
//! keeps its stamp unless confirmed as a fresh count; an old figure is stale; values
//! out of bounds are refused naming the field, a stale or missing `If-Match` changes
//! nothing; a caseworker of another agency reads it; each change is audited with the
//! parts it touched.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, UserBuilder, bearer, request};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_api::app;
use schakel_domain::{AgencyKind, Role};
use schakel_store::agency_profiles;
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};

/// The details of the audit entries of `action`, oldest first.
fn audited(db: &TestDb, action: &str) -> Vec<Value> {
    let mut conn = db.pool.get().unwrap();
    let filter = schakel_audit::AuditFilter {
        action: Some(schakel_audit::ActionCode::parse(action).unwrap()),
        ..Default::default()
    };
    let page = schakel_audit::PageRequest {
        before_seq: None,
        limit: 100,
    };
    let mut all: Vec<Value> = schakel_audit::query(&mut conn, &filter, page)
        .unwrap()
        .entries
        .into_iter()
        .map(|e| e.details)
        .collect();
    all.reverse();
    all
}

#[actix_web::test]
async fn a_coordinator_keeps_the_profile_and_a_caseworker_reads_it() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let shelter = AgencyBuilder::new(&db)
            .name("Opvang Noord")
            .kind(AgencyKind::ShelterCategorical)
            .create();
        let town = AgencyBuilder::new(&db).name("Gemeente Zuid").create();
        let coordinator = UserBuilder::new(&db, &shelter)
            .role(Role::Coordinator)
            .create();
        let worker = UserBuilder::new(&db, &town).role(Role::Caseworker).create();
        let coord = client.token(&coordinator.email).await;
        let reader = client.token(&worker.email).await;
        let uri = format!("/api/v1/directory/agencies/{}/profile", shelter.id);
        let put = |m: &str, body: Value| {
            bearer(request("PUT", &uri), &coord)
                .insert_header(("if-match", m.to_owned()))
                .set_json(body)
        };

        // Nothing said yet: empty lists, version 0.
        let first = client.send(bearer(request("GET", &uri), &reader)).await;
        assert_eq!(first.status, StatusCode::OK, "{backend:?}");
        assert_eq!(first.header("etag"), "\"0\"");
        assert_eq!(first.json()["services"], json!([]));
        assert_eq!(first.json()["capacity"], Value::Null);

        // Kept: the places stamped with when and by whom.
        let body = json!({
            "services": ["shelter_places", "psychological_care"],
            "eligibility": { "genders": ["male"], "age_bands": ["18-22", "23-29", "30-39"] },
            "languages": ["NL", "ro", "ro"],
            "places": { "total": 10, "free": 3 },
        });
        let kept = client.send(put("\"0\"", body.clone())).await;
        assert_eq!(kept.status, StatusCode::OK, "{backend:?}: {kept:?}");
        assert_eq!(kept.header("etag"), "\"1\"");
        let p = kept.json();
        assert_eq!(p["languages"], json!(["nl", "ro"]), "lower case, once each");
        assert_eq!(p["capacity"]["free"], 3);
        assert_eq!(p["capacity"]["updated_by"], coordinator.id.to_string());
        assert_eq!(p["capacity"]["updated_by_name"], "Test Gebruiker");
        assert_eq!(p["capacity"]["stale"], false);
        let stamped = p["capacity"]["updated_at"].clone();

        // Read by a caseworker of another agency, as kept.
        let read = client
            .send(bearer(request("GET", &uri), &reader))
            .await
            .json();
        assert_eq!(read["eligibility"]["genders"], json!(["male"]));
        assert_eq!(read["capacity"]["total"], 10);

        // The same figure again keeps its stamp; confirmed, it is a fresh count.
        let again = client.send(put("\"1\"", body.clone())).await.json();
        assert_eq!(again["capacity"]["updated_at"], stamped);
        let mut fresh = body.clone();
        fresh["places_confirmed"] = json!(true);
        let confirmed = client.send(put("\"2\"", fresh)).await;
        assert_eq!(confirmed.header("etag"), "\"3\"");

        // Refused, nothing changed: stale or missing version, values out of bounds.
        let stale = client.send(put("\"1\"", body.clone())).await;
        assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED, "{backend:?}");
        let missing = client
            .send(bearer(request("PUT", &uri), &coord).set_json(body.clone()))
            .await;
        assert_eq!(missing.status, StatusCode::PRECONDITION_REQUIRED);
        for (bad, field) in [
            (
                json!({ "places": { "total": 2, "free": 3 } }),
                "places_free",
            ),
            (json!({ "languages": ["roemeens"] }), "languages"),
            (json!({ "phone": "bel me" }), "phone"),
            (json!({ "services": ["teleportation"] }), "services[0]"),
        ] {
            let r = client.send(put("\"3\"", bad)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {r:?}");
            assert_eq!(r.json()["errors"][0]["field"], field, "{r:?}");
        }
        let now = client.send(bearer(request("GET", &uri), &reader)).await;
        assert_eq!(now.header("etag"), "\"3\"");

        // Another agency's coordinator may not keep it; the refusal is audited.
        let other = UserBuilder::new(&db, &town)
            .role(Role::Coordinator)
            .create();
        let other = client.token(&other.email).await;
        let r = client
            .send(
                bearer(request("PUT", &uri), &other)
                    .insert_header(("if-match", "\"3\""))
                    .set_json(body.clone()),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend:?}");

        // A figure reported over a week ago is stale.
        {
            let mut conn = db.pool.get().unwrap();
            let mut p = agency_profiles::find(&mut conn, shelter.id)
                .unwrap()
                .unwrap();
            let mut c = p.capacity.unwrap();
            c.updated_at -= chrono::Duration::days(8);
            p.capacity = Some(c);
            agency_profiles::save(&mut conn, &p, coordinator.id, chrono::Utc::now()).unwrap();
        }
        let old = client
            .send(bearer(request("GET", &uri), &reader))
            .await
            .json();
        assert_eq!(old["capacity"]["stale"], true, "{backend:?}");

        // Audited: what changed, never more; and the refusal.
        let entries = audited(&db, "agency.profile_update");
        assert_eq!(entries.len(), 4, "{entries:?}");
        assert_eq!(entries[3]["reason"], "policy");
        assert_eq!(
            entries[0]["fields"],
            json!(["services", "eligibility", "languages", "places"])
        );
        assert_eq!(entries[1]["fields"], json!([]));
        assert_eq!(entries[2]["fields"], json!(["places"]));
    }
}

/// Reports the shelter's places `days` ago (the coordinator's count).
fn places_reported_days_ago(
    db: &TestDb,
    shelter: schakel_domain::AgencyId,
    by: schakel_domain::UserId,
    days: i64,
) {
    let now = chrono::Utc::now();
    let mut conn = db.pool.get().unwrap();
    let mut p = agency_profiles::find(&mut conn, shelter)
        .unwrap()
        .unwrap_or_else(|| schakel_domain::AgencyProfile::empty(shelter));
    p.capacity = Some(schakel_domain::directory::Capacity {
        total: 6,
        free: 2,
        updated_at: now - chrono::Duration::days(days),
        updated_by: by,
    });
    agency_profiles::save(&mut conn, &p, by, now).unwrap();
}

#[actix_web::test]
async fn the_age_at_which_places_go_stale_is_a_setting() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let state = crate::support::state_without_mfa(&db);
        let mut cfg = (*state.workflow).clone();
        cfg.places_stale_after = chrono::Duration::days(2);
        let srv = test::init_service(app(state.with_workflow(cfg))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let shelter = AgencyBuilder::new(&db)
            .kind(AgencyKind::ShelterCategorical)
            .create();
        let coordinator = UserBuilder::new(&db, &shelter)
            .role(Role::Coordinator)
            .create();
        let coord = client.token(&coordinator.email).await;
        let uri = format!("/api/v1/directory/agencies/{}/profile", shelter.id);
        for (days, stale) in [(1, false), (3, true)] {
            places_reported_days_ago(&db, shelter.id, coordinator.id, days);
            let p = client
                .send(bearer(request("GET", &uri), &coord))
                .await
                .json();
            assert_eq!(p["capacity"]["stale"], stale, "{backend:?}: {days} days");
        }
    }
}
