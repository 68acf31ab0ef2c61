//! Another system refers by a transaction bundle and follows the answer through the
//! Task, on every selected backend: the bundle becomes a signal, a case with its consent
//! and a referral (replayed, not repeated, under the same key); the receiving agency's
//! coordinator accepts by `PATCH`, and what it answers is the Task the sender reads;
//! declining by `PUT` carries the reason; the sender withdraws by `cancelled`. Bundles
//! that are malformed, or refer where the sender may not, are refused with an
//! `OperationOutcome` and leave nothing behind.

use crate::samples::keep;
use crate::support::{Client, Reply, bearer, config_without_mfa, request};
use crate::world::{agencies, bundle, send};
use actix_web::test::{self, TestRequest};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};
use std::sync::Arc;

fn fhir(reply: &Reply, status: u16, what: &str) -> Value {
    assert_eq!(reply.status, status, "{what}: {reply:?}");
    assert_eq!(
        reply.header("content-type"),
        "application/fhir+json",
        "{what}"
    );
    let body = reply.json();
    keep(what, &body);
    body
}

/// How many signals, cases and referrals are stored.
fn stored(db: &TestDb) -> (i64, i64, i64) {
    use diesel::prelude::*;
    use schakel_store::schema::{cases, referrals, signals};
    let mut conn = db.pool.get().unwrap();
    let conn = &mut *conn;
    (
        signals::table.count().get_result(conn).unwrap(),
        cases::table.count().get_result(conn).unwrap(),
        referrals::table.count().get_result(conn).unwrap(),
    )
}

#[actix_web::test]
async fn a_bundle_becomes_a_referral_that_is_answered_through_its_task() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let state = crate::support::state_with(
            &db,
            Arc::new(schakel_domain::SystemClock),
            config_without_mfa(),
        );
        let srv = test::init_service(schakel_api::app_with(state, schakel_fhir::configure)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let world = agencies(&db);
        let worker = client.token("worker@gemeente.example").await;
        let coord = client.token("coord@opvang.example").await;
        let post = |token: &str, body: &Value, key: Option<&str>| {
            let mut req = bearer(request("POST", "/fhir/R4"), token)
                .insert_header(("content-type", "application/fhir+json"))
                .set_payload(body.to_string());
            if let Some(k) = key {
                req = req.insert_header(("Idempotency-Key", k));
            }
            client.send(req)
        };

        let sent = post(&worker, &bundle(world.opvang.id), Some("zaak-2026-001")).await;
        let answer = fhir(&sent, 200, "transaction-response");
        assert_eq!(answer["type"], "transaction-response");
        let locations: Vec<String> = answer["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["response"]["location"].as_str().unwrap().to_owned())
            .collect();
        assert!(locations[0].starts_with("Patient/") && locations[1].starts_with("Consent/"));
        assert!(locations[2].starts_with("ServiceRequest/") && locations[3].starts_with("Task/"));
        assert_eq!(answer["entry"][3]["response"]["status"], "201 Created");
        let not_kept = answer["entry"][0]["response"]["outcome"]["issue"].to_string();
        assert!(
            not_kept.contains("identifier"),
            "the BSN is said not to be kept: {not_kept}"
        );
        assert_eq!(stored(&db), (1, 1, 1));
        let task_url = format!("/fhir/R4/{}", locations[3]);

        // A retry under the same key: the same answer, nothing new.
        let again = post(&worker, &bundle(world.opvang.id), Some("zaak-2026-001")).await;
        let again = fhir(&again, 200, "transaction-replay");
        assert_eq!(
            again["entry"][3]["response"]["location"],
            locations[3].as_str()
        );
        assert_eq!(again["entry"][3]["response"]["status"], "200 OK");
        assert_eq!(stored(&db), (1, 1, 1));

        // What the sender sees: its patient as sent, the consent, the request.
        let patient = send(
            &client,
            &worker,
            ("GET", &format!("/fhir/R4/{}", locations[0])),
            None,
        )
        .await;
        let patient = fhir(&patient, 200, "inbound-patient");
        assert_eq!(patient["name"][0]["family"], "Novak");
        assert_eq!(
            patient["communication"][0]["language"]["coding"][0]["code"],
            "cs"
        );
        let sr = send(
            &client,
            &worker,
            ("GET", &format!("/fhir/R4/{}", locations[2])),
            None,
        )
        .await;
        let sr = fhir(&sr, 200, "inbound-request");
        assert_eq!(
            sr["note"][0]["text"],
            "Opvang gevraagd; spreekt Tsjechisch."
        );
        assert_eq!(sr["reasonCode"][0]["coding"][0]["code"], "labour");

        // The receiver accepts by PATCH, with the version.
        let patch = json!([{ "op": "replace", "path": "/status", "value": "accepted" }]);
        let no_version = client
            .send(
                bearer(request("PATCH", &task_url), &coord)
                    .insert_header(("content-type", "application/json-patch+json"))
                    .set_payload(patch.to_string()),
            )
            .await;
        assert_eq!(
            fhir(&no_version, 428, "patch-no-version")["issue"][0]["code"],
            "required"
        );
        let stale = client
            .send(
                bearer(request("PATCH", &task_url), &coord)
                    .insert_header(("content-type", "application/json-patch+json"))
                    .insert_header(("If-Match", "W/\"7\""))
                    .set_payload(patch.to_string()),
            )
            .await;
        assert_eq!(
            fhir(&stale, 412, "patch-stale")["issue"][0]["code"],
            "conflict"
        );
        let accepted = client
            .send(
                bearer(request("PATCH", &task_url), &coord)
                    .insert_header(("content-type", "application/json-patch+json"))
                    .insert_header(("If-Match", "W/\"1\""))
                    .set_payload(patch.to_string()),
            )
            .await;
        let accepted = fhir(&accepted, 200, "task-accepted-by-patch");
        assert_eq!(accepted["status"], "accepted");
        let followed = send(&client, &worker, ("GET", &task_url), None).await;
        let followed = fhir(&followed, 200, "task-followed");
        assert_eq!(followed["status"], "accepted");
        assert_eq!(followed["meta"]["versionId"], "2");

        // Completed by PUT of the whole Task, with the outcome.
        let mut done = followed.clone();
        done["status"] = json!("completed");
        done["output"] = json!([{
            "type": { "coding": [{ "system": "https://schakel.invalid/fhir/CodeSystem/task-output", "code": "outcome" }] },
            "valueCodeableConcept": { "coding": [{ "system": "https://schakel.invalid/fhir/CodeSystem/referral-outcome", "code": "support_provided" }] }
        }]);
        let put = |token: &str, body: &Value, version: &str| {
            client.send(
                bearer(request("PUT", &task_url), token)
                    .insert_header(("content-type", "application/fhir+json"))
                    .insert_header(("If-Match", format!("W/\"{version}\"")))
                    .set_payload(body.to_string()),
            )
        };
        // Not the sender's to complete.
        assert_eq!(put(&worker, &done, "2").await.status, 409);
        let completed = fhir(&put(&coord, &done, "2").await, 200, "task-completed-by-put");
        assert_eq!(completed["status"], "completed");
        assert_eq!(
            completed["output"][0]["valueCodeableConcept"]["coding"][0]["code"],
            "support_provided"
        );
    }
}

#[actix_web::test]
async fn a_bundle_that_is_wrong_or_refers_where_it_may_not_leaves_nothing() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let state = crate::support::state_with(
            &db,
            Arc::new(schakel_domain::SystemClock),
            config_without_mfa(),
        );
        let srv = test::init_service(schakel_api::app_with(state, schakel_fhir::configure)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let world = agencies(&db);
        let worker = client.token("worker@gemeente.example").await;
        let coord = client.token("coord@opvang.example").await;
        let analyst = client.token("analist@nrm.example").await;
        let post = |token: &str, body: String| {
            client.send(
                bearer(request("POST", "/fhir/R4"), token)
                    .insert_header(("content-type", "application/fhir+json"))
                    .set_payload(body),
            )
        };
        let good = bundle(world.opvang.id);
        let with = |edit: &dyn Fn(&mut Value)| {
            let mut b = good.clone();
            edit(&mut b);
            b.to_string()
        };
        let cases: Vec<(&str, String, u16, &str)> = vec![
            ("not JSON", "{ not json".to_owned(), 400, ""),
            (
                "not a transaction",
                with(&|b| b["type"] = json!("batch")),
                422,
                "Bundle.type",
            ),
            (
                "no region",
                with(&|b| b["entry"][2]["resource"]["extension"] = json!([])),
                422,
                "Bundle.entry[2].resource.extension(region)",
            ),
            (
                "a stranger in the bundle",
                with(&|b| b["entry"][3]["resource"] = json!({ "resourceType": "Observation" })),
                422,
                "Bundle.entry[3].resource.resourceType",
            ),
            (
                "the subject elsewhere",
                with(&|b| b["entry"][2]["resource"]["subject"]["reference"] = json!("Patient/123")),
                422,
                "Bundle.entry[2].resource.subject.reference",
            ),
            (
                "a date of birth in the future",
                with(&|b| b["entry"][0]["resource"]["birthDate"] = json!("2999-01-01")),
                422,
                "",
            ),
            (
                "an unknown receiver",
                with(&|b| {
                    b["entry"][2]["resource"]["performer"][0]["reference"] =
                        json!("Organization/0b9e6a84-6d9b-4c4f-9d64-0a4f9a2d6a11")
                }),
                422,
                "",
            ),
            ("to itself", bundle(world.gemeente.id).to_string(), 409, ""),
        ];
        for (what, body, status, path) in cases {
            let reply = post(&worker, body).await;
            let outcome = fhir(&reply, status, "refused-bundle");
            assert_eq!(outcome["resourceType"], "OperationOutcome", "{what}");
            if !path.is_empty() {
                assert_eq!(
                    outcome["issue"][0]["expression"][0], path,
                    "{what}: {outcome}"
                );
            }
            assert_eq!(stored(&db), (0, 0, 0), "{what}: nothing stored");
        }
        // Nobody but the roles that refer.
        let refused = post(&analyst, good.to_string()).await;
        assert_eq!(
            fhir(&refused, 403, "refused-analyst")["issue"][0]["code"],
            "forbidden"
        );
        assert_eq!(stored(&db), (0, 0, 0));
        // The receiver's caseworker may read but not decide; a decline needs its reason.
        let sent = post(&worker, good.to_string()).await;
        let task = fhir(&sent, 200, "transaction-response")["entry"][3]["response"]["location"]
            .as_str()
            .unwrap()
            .to_owned();
        let decline = json!([{ "op": "replace", "path": "/status", "value": "rejected" }]);
        let no_reason = client
            .send(
                bearer(request("PATCH", &format!("/fhir/R4/{task}")), &coord)
                    .insert_header(("content-type", "application/json-patch+json"))
                    .insert_header(("If-Match", "W/\"1\""))
                    .set_payload(decline.to_string()),
            )
            .await;
        assert_eq!(no_reason.status, 422, "{no_reason:?}");
        let with_reason = json!([
            { "op": "replace", "path": "/status", "value": "rejected" },
            { "op": "add", "path": "/statusReason", "value": { "coding": [{ "system": "https://schakel.invalid/fhir/CodeSystem/decline-reason", "code": "no_capacity" }] } }
        ]);
        let declined = client
            .send(
                bearer(request("PATCH", &format!("/fhir/R4/{task}")), &coord)
                    .insert_header(("content-type", "application/json-patch+json"))
                    .insert_header(("If-Match", "W/\"1\""))
                    .set_payload(with_reason.to_string()),
            )
            .await;
        let declined = fhir(&declined, 200, "task-declined");
        assert_eq!(declined["status"], "rejected");
        assert_eq!(declined["statusReason"]["coding"][0]["code"], "no_capacity");
        let bad_path = json!([{ "op": "replace", "path": "/owner", "value": {} }]);
        let refused = client
            .send(
                bearer(request("PATCH", &format!("/fhir/R4/{task}")), &coord)
                    .insert_header(("content-type", "application/json-patch+json"))
                    .insert_header(("If-Match", "W/\"2\""))
                    .set_payload(bad_path.to_string()),
            )
            .await;
        assert_eq!(
            fhir(&refused, 422, "patch-bad-path")["issue"][0]["expression"][0],
            "[0].path"
        );
    }
}
