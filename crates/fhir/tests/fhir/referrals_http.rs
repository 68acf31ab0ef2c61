//! The facade read as the people of a handoff would, on every selected backend: the
//! sender sees the referral as a `ServiceRequest` about its `Patient` and a `Task` in
//! `requested`; the receiver sees the same without the person until it accepts (and
//! then with them, the consent covering it); an outsider, an analyst and a client
//! without a token see nothing; searches page and filter; bad parameters are named in
//! an `OperationOutcome`.

use crate::samples::keep;
use crate::support::{Client, config_without_mfa};
use crate::world::{agencies, referred, send};
use actix_web::test::{self, TestRequest};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::Value;
use std::sync::Arc;

/// The body of a FHIR answer, checked to be one.
fn fhir(reply: &crate::support::Reply, status: u16, what: &str) -> Value {
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

/// The issue code and the API's problem code of an `OperationOutcome`.
fn issue(body: &Value) -> (String, String) {
    assert_eq!(body["resourceType"], "OperationOutcome", "{body}");
    let issue = &body["issue"][0];
    (
        issue["code"].as_str().unwrap().to_owned(),
        issue["details"]["coding"][0]["code"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

fn entries(bundle: &Value) -> Vec<Value> {
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "searchset");
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"].clone())
        .collect()
}

#[actix_web::test]
async fn a_handoff_reads_as_service_request_task_patient_and_consent() {
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
        let outsider = client.token("coord@elders.example").await;
        let analyst = client.token("analist@nrm.example").await;
        let r = referred(&client, &worker, world.opvang.id, true).await;
        let rid = &r.referral_id;

        // The statement is public.
        let meta = client
            .send(crate::support::request("GET", "/fhir/R4/metadata"))
            .await;
        let meta = fhir(&meta, 200, "capability");
        assert_eq!(meta["fhirVersion"], "4.0.1");

        // The sender: the request about its Patient, the Task requested.
        let sr = send(
            &client,
            &worker,
            ("GET", &format!("/fhir/R4/ServiceRequest/{rid}")),
            None,
        )
        .await;
        assert_eq!(sr.header("etag"), "W/\"1\"");
        let sr = fhir(&sr, 200, "service-request-sender");
        assert_eq!(sr["status"], "active");
        assert_eq!(sr["priority"], "urgent");
        assert_eq!(
            sr["subject"]["reference"],
            format!("Patient/{}", r.person_id)
        );
        assert_eq!(
            sr["performer"][0]["reference"],
            format!("Organization/{}", world.opvang.id)
        );
        assert_eq!(
            sr["note"][0]["text"],
            "Graag vandaag opvang; spreekt Pools."
        );
        let task = send(
            &client,
            &worker,
            ("GET", &format!("/fhir/R4/Task/{rid}")),
            None,
        )
        .await;
        let task = fhir(&task, 200, "task-sender");
        assert_eq!(task["status"], "requested");
        assert_eq!(task["businessStatus"]["coding"][0]["code"], "sent");
        assert_eq!(task["focus"]["reference"], format!("ServiceRequest/{rid}"));
        assert_eq!(
            task["owner"]["reference"],
            format!("Organization/{}", world.opvang.id)
        );
        let patient = send(
            &client,
            &worker,
            ("GET", &format!("/fhir/R4/Patient/{}", r.person_id)),
            None,
        )
        .await;
        let patient = fhir(&patient, 200, "patient-sender");
        assert_eq!(patient["name"][0]["family"], "Kowalczyk-Zwartbles");
        assert_eq!(
            patient["name"][0]["given"],
            serde_json::json!(["Marta", "Anna"])
        );
        assert_eq!(patient["birthDate"], "1999-05-04");
        assert_eq!(patient["gender"], "female");

        // The receiver before accepting: the request, no person.
        let task = send(
            &client,
            &coord,
            ("GET", &format!("/fhir/R4/Task/{rid}")),
            None,
        )
        .await;
        let task = fhir(&task, 200, "task-receiver-before");
        assert_eq!(task["status"], "requested");
        assert!(task["for"].get("reference").is_none(), "{task}");
        assert!(!task.to_string().contains("Kowalczyk"));
        let hidden = send(
            &client,
            &coord,
            ("GET", &format!("/fhir/R4/Patient/{}", r.person_id)),
            None,
        )
        .await;
        assert_eq!(issue(&fhir(&hidden, 404, "patient-hidden")).0, "not-found");

        // Accepted through the API: the Task says so and the person is there.
        let accepted = crate::support::bearer(
            crate::support::request("POST", &format!("/api/v1/referrals/{rid}/accept")),
            &coord,
        )
        .insert_header(("If-Match", "\"1\""));
        assert_eq!(client.send(accepted).await.status, 200);
        let task = send(
            &client,
            &coord,
            ("GET", &format!("/fhir/R4/Task/{rid}")),
            None,
        )
        .await;
        let task = fhir(&task, 200, "task-receiver-accepted");
        assert_eq!(task["status"], "accepted");
        assert_eq!(task["for"]["reference"], format!("Patient/{}", r.person_id));
        let patient = send(
            &client,
            &coord,
            ("GET", &format!("/fhir/R4/Patient/{}", r.person_id)),
            None,
        )
        .await;
        assert_eq!(
            fhir(&patient, 200, "patient-receiver")["name"][0]["family"],
            "Kowalczyk-Zwartbles"
        );
        let consents = send(
            &client,
            &coord,
            (
                "GET",
                &format!("/fhir/R4/Consent?patient=Patient/{}", r.person_id),
            ),
            None,
        )
        .await;
        let consents = entries(&fhir(&consents, 200, "consents-receiver"));
        assert_eq!(consents.len(), 1);
        assert_eq!(consents[0]["status"], "active");
        assert_eq!(consents[0]["provision"]["purpose"][0]["code"], "shelter");
        let consent_id = r.consent_id.clone().unwrap();
        let one = send(
            &client,
            &coord,
            ("GET", &format!("/fhir/R4/Consent/{consent_id}")),
            None,
        )
        .await;
        assert_eq!(
            fhir(&one, 200, "consent-receiver")["id"],
            consent_id.as_str()
        );

        // Searches: the receiver's inbox by status, the sender's sent list.
        let inbox = send(
            &client,
            &coord,
            ("GET", "/fhir/R4/Task?status=accepted,in-progress"),
            None,
        )
        .await;
        let inbox = entries(&fhir(&inbox, 200, "task-search"));
        assert_eq!(inbox.len(), 1);
        assert_eq!(inbox[0]["id"], rid.as_str());
        let none = send(
            &client,
            &coord,
            ("GET", "/fhir/R4/Task?status=completed"),
            None,
        )
        .await;
        assert!(entries(&fhir(&none, 200, "task-search-empty")).is_empty());
        let own = format!("Organization/{}", world.gemeente.id);
        let sent = send(
            &client,
            &worker,
            ("GET", &format!("/fhir/R4/ServiceRequest?requester={own}")),
            None,
        )
        .await;
        assert_eq!(
            entries(&fhir(&sent, 200, "request-search"))[0]["id"],
            rid.as_str()
        );
        let orgs = send(
            &client,
            &worker,
            ("GET", "/fhir/R4/Organization?name=opvang"),
            None,
        )
        .await;
        let orgs = entries(&fhir(&orgs, 200, "organization-search"));
        assert_eq!(orgs.len(), 1);
        assert_eq!(orgs[0]["name"], "Opvang Midden");

        // Outsiders: nothing.
        for (who, token) in [("outsider", &outsider), ("analyst", &analyst)] {
            for path in [
                format!("/fhir/R4/ServiceRequest/{rid}"),
                format!("/fhir/R4/Task/{rid}"),
                format!("/fhir/R4/Patient/{}", r.person_id),
                format!("/fhir/R4/Consent/{consent_id}"),
            ] {
                let reply = send(&client, token, ("GET", &path), None).await;
                assert_eq!(
                    issue(&fhir(&reply, 404, "outsider")).0,
                    "not-found",
                    "{who} {path}"
                );
            }
        }
        let mine = send(&client, &outsider, ("GET", "/fhir/R4/Task"), None).await;
        assert!(entries(&fhir(&mine, 200, "outsider-search")).is_empty());
        let refused = send(&client, &analyst, ("GET", "/fhir/R4/Task"), None).await;
        assert_eq!(
            issue(&fhir(&refused, 403, "analyst-search")),
            ("forbidden".into(), "forbidden".into())
        );
        let anonymous = client
            .send(crate::support::request(
                "GET",
                &format!("/fhir/R4/Task/{rid}"),
            ))
            .await;
        assert_eq!(issue(&fhir(&anonymous, 401, "anonymous")).0, "login");

        // Bad input: named, never a 500.
        let unknown = send(
            &client,
            &coord,
            ("GET", "/fhir/R4/Task?subject=Patient/1"),
            None,
        )
        .await;
        let unknown = fhir(&unknown, 422, "unknown-parameter");
        assert_eq!(unknown["issue"][0]["expression"][0], "subject");
        let bad = send(&client, &coord, ("GET", "/fhir/R4/Task?status=open"), None).await;
        assert_eq!(
            fhir(&bad, 422, "bad-status")["issue"][0]["expression"][0],
            "status"
        );
        let nothing = send(&client, &coord, ("GET", "/fhir/R4/Task/not-an-id"), None).await;
        assert_eq!(issue(&fhir(&nothing, 404, "bad-id")).0, "not-found");
        let elsewhere = send(&client, &coord, ("GET", "/fhir/R4/Observation"), None).await;
        assert_eq!(issue(&fhir(&elsewhere, 404, "unknown-type")).0, "not-found");
    }
}

#[actix_web::test]
async fn a_search_pages_through_both_boxes_with_next_links() {
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
        let gemeente_coord = client.token("coord@gemeente.example").await;
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(
                referred(&client, &worker, world.opvang.id, false)
                    .await
                    .referral_id,
            );
        }
        // One the other way, so the municipality has an inbox too.
        ids.push(
            referred(&client, &coord, world.gemeente.id, false)
                .await
                .referral_id,
        );
        let mut seen = Vec::new();
        let mut next = Some("/fhir/R4/ServiceRequest?_count=2".to_owned());
        let mut pages = 0;
        while let Some(url) = next.take() {
            let path = url
                .find("/fhir/R4")
                .map_or(url.clone(), |i| url[i..].to_owned());
            let page = send(&client, &gemeente_coord, ("GET", &path), None).await;
            let page = fhir(&page, 200, "page");
            seen.extend(
                entries(&page)
                    .iter()
                    .map(|e| e["id"].as_str().unwrap().to_owned()),
            );
            next = page["link"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["relation"] == "next")
                .map(|l| l["url"].as_str().unwrap().to_owned());
            pages += 1;
            assert!(pages < 10, "the pages end");
        }
        seen.sort();
        ids.sort();
        assert_eq!(seen, ids, "every referral once, incoming and outgoing");
    }
}
