//! Who saw this person: every read that showed a person's data (a single read, a list,
//! a search, a receiver's read with the identity withheld) names the person in its audit
//! entry, so that an auditor filtering the trail by the person's pseudonym finds each
//! of them, and none about another person alone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, UserBuilder, bearer, request};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_api::app;
use schakel_domain::{AgencyKind, Role};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn signal_body(family_name: &str, date_of_birth: &str) -> Value {
    json!({
        "observed_on": "2026-01-15",
        "region": "midden_nederland",
        "exploitation_forms": ["labour"],
        "reporting_basis": "consent",
        "person": {
            "identity": {
                "given_names": "Ilse",
                "family_name": family_name,
                "date_of_birth": date_of_birth
            },
            "gender": "female"
        }
    })
}

#[actix_web::test]
async fn an_auditor_finds_every_read_of_a_person_by_pseudonym() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let gemeente = AgencyBuilder::new(&db)
            .name("Gemeente Utrecht")
            .kind(AgencyKind::Municipality)
            .create();
        let opvang = AgencyBuilder::new(&db)
            .name("Opvang Midden")
            .kind(AgencyKind::ShelterCategorical)
            .create();
        let bureau = AgencyBuilder::new(&db)
            .name("Bureau Rapporteur")
            .kind(AgencyKind::Rapporteur)
            .create();
        let worker = UserBuilder::new(&db, &gemeente)
            .email("zorg@utrecht.example")
            .role(Role::Caseworker)
            .create();
        let coord = UserBuilder::new(&db, &opvang)
            .email("coord@opvang.example")
            .role(Role::Coordinator)
            .create();
        let auditor = UserBuilder::new(&db, &bureau)
            .email("audit@bureau.example")
            .role(Role::Auditor)
            .create();
        let t_worker = client.token(&worker.email).await;
        let t_coord = client.token(&coord.email).await;
        let t_auditor = client.token(&auditor.email).await;
        let get = |token: &str, uri: &str| bearer(request("GET", uri), token);

        // Two persons, each with a signal and a case; the first is referred to the
        // shelter without consent, so the shelter never sees the identity.
        let mut cases = Vec::new();
        let mut signals = Vec::new();
        for (name, dob) in [
            ("Vermeer-Pauw", "1994-02-03"),
            ("Anders-Kwak", "1988-07-09"),
        ] {
            let s = client
                .send(
                    bearer(request("POST", "/api/v1/signals"), &t_worker)
                        .set_json(signal_body(name, dob)),
                )
                .await;
            assert_eq!(s.status, StatusCode::CREATED, "{backend:?}: {s:?}");
            let s = s.json();
            let c = client
                .send(
                    bearer(request("POST", "/api/v1/cases"), &t_worker)
                        .set_json(json!({ "signal_id": s["id"] })),
                )
                .await;
            assert_eq!(c.status, StatusCode::CREATED, "{c:?}");
            signals.push(s["id"].as_str().unwrap().to_owned());
            cases.push(c.json()["id"].as_str().unwrap().to_owned());
        }
        let (case, other_case) = (&cases[0], &cases[1]);
        let sent = client
            .send(
                bearer(
                    request("POST", &format!("/api/v1/cases/{case}/referrals")),
                    &t_worker,
                )
                .set_json(
                    json!({ "to_agency_id": opvang.id, "purpose": "shelter", "urgency": "normal" }),
                ),
            )
            .await;
        assert_eq!(sent.status, StatusCode::CREATED, "{sent:?}");
        let referral = sent.json()["id"].as_str().unwrap().to_owned();
        let accepted = client
            .send(
                bearer(
                    request("POST", &format!("/api/v1/referrals/{referral}/accept")),
                    &t_coord,
                )
                .insert_header(("If-Match", "\"1\"")),
            )
            .await;
        assert_eq!(accepted.status, StatusCode::OK, "{accepted:?}");

        // The reads.
        let reads: Vec<(&str, String)> = vec![
            (t_worker.as_str(), "/api/v1/cases".into()),
            (
                t_worker.as_str(),
                "/api/v1/cases?family_name=Vermeer-Pauw".into(),
            ),
            (t_worker.as_str(), format!("/api/v1/cases/{case}")),
            (t_worker.as_str(), format!("/api/v1/cases/{case}/timeline")),
            (t_worker.as_str(), "/api/v1/signals".into()),
            (t_worker.as_str(), format!("/api/v1/signals/{}", signals[0])),
            (t_worker.as_str(), "/api/v1/referrals?box=outgoing".into()),
            (t_coord.as_str(), "/api/v1/referrals?box=incoming".into()),
            (t_coord.as_str(), format!("/api/v1/referrals/{referral}")),
            (t_coord.as_str(), format!("/api/v1/cases/{case}")),
            (t_coord.as_str(), "/api/v1/cases".into()),
            (t_worker.as_str(), format!("/api/v1/cases/{other_case}")),
        ];
        for (token, uri) in &reads {
            let r = client.send(get(token, uri)).await;
            assert_eq!(r.status, StatusCode::OK, "{backend:?} {uri}: {r:?}");
        }
        let withheld = client
            .send(get(&t_coord, &format!("/api/v1/cases/{case}")))
            .await;
        assert!(
            withheld.json()["person"]["identity"].is_null(),
            "the shelter has no consent: {withheld:?}"
        );

        // The auditor takes the person's pseudonym from the case's opening entry...
        let opened = client
            .send(get(
                &t_auditor,
                &format!("/api/v1/audit?action=case.create&object_id={case}"),
            ))
            .await;
        assert_eq!(opened.status, StatusCode::OK, "{opened:?}");
        let pseudonym = opened.json()["entries"][0]["subject_pseudonym"]
            .as_str()
            .expect("the opening names the person")
            .to_owned();
        // ... and asks for everything about that person.
        let found = client
            .send(get(
                &t_auditor,
                &format!("/api/v1/audit?subject={pseudonym}&action_kind=R&limit=500"),
            ))
            .await;
        assert_eq!(found.status, StatusCode::OK, "{found:?}");
        let entries = found.json()["entries"].as_array().unwrap().clone();
        let seen: BTreeSet<(String, String, String)> = entries
            .iter()
            .map(|e| {
                (
                    e["action"].as_str().unwrap().to_owned(),
                    e["actor"]["user_id"].as_str().unwrap().to_owned(),
                    e["object"]["id"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let (w, c) = (worker.id.to_string(), coord.id.to_string());
        let (wa, ca) = (gemeente.id.to_string(), opvang.id.to_string());
        for expected in [
            ("case.list", &w, &wa),
            ("case.search", &w, &wa),
            ("case.read", &w, case),
            ("case.timeline", &w, case),
            ("signal.list", &w, &wa),
            ("signal.read", &w, &signals[0]),
            ("referral.list", &w, &wa),
            ("referral.list", &c, &ca),
            ("referral.read", &c, &referral),
            ("case.read", &c, case),
            ("case.list", &c, &ca),
        ] {
            let key = (
                expected.0.to_owned(),
                expected.1.clone(),
                expected.2.clone(),
            );
            assert!(
                seen.contains(&key),
                "{backend:?}: {key:?} is found in {seen:?}"
            );
        }
        assert!(
            !seen.iter().any(|(_, _, object)| object == other_case),
            "{backend:?}: the other person's own read is not about this person"
        );
        // The caseworker's list entry names both persons it showed, never by name.
        let list = entries
            .iter()
            .find(|e| e["action"] == "case.list" && e["actor"]["user_id"] == w.as_str())
            .unwrap();
        assert_eq!(
            list["details"]["subjects"].as_array().unwrap().len(),
            2,
            "{list}"
        );
        assert!(!list.to_string().contains("Vermeer"), "{list}");

        // A person known by name only is an unlinkable record: found by its own key.
        let mut nameless_dob = signal_body("Zonder-Datum", "1990-01-01");
        nameless_dob["person"]["identity"]
            .as_object_mut()
            .unwrap()
            .remove("date_of_birth");
        let s = client
            .send(bearer(request("POST", "/api/v1/signals"), &t_worker).set_json(nameless_dob))
            .await;
        assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
        let c = client
            .send(
                bearer(request("POST", "/api/v1/cases"), &t_worker)
                    .set_json(json!({ "signal_id": s.json()["id"] })),
            )
            .await;
        let unlinkable_case = c.json()["id"].as_str().unwrap().to_owned();
        let r = client
            .send(get(&t_worker, &format!("/api/v1/cases/{unlinkable_case}")))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let opened = client
            .send(get(
                &t_auditor,
                &format!("/api/v1/audit?action=case.create&object_id={unlinkable_case}"),
            ))
            .await;
        let key = opened.json()["entries"][0]["subject_pseudonym"]
            .as_str()
            .expect("an unlinkable record has a key of its own")
            .to_owned();
        assert!(key.starts_with("u:"), "{key}");
        let found = client
            .send(get(
                &t_auditor,
                &format!("/api/v1/audit?subject={key}&action=case.read"),
            ))
            .await;
        assert_eq!(found.status, StatusCode::OK, "{found:?}");
        let reads = found.json()["entries"].as_array().unwrap().clone();
        assert_eq!(reads.len(), 1, "{backend:?}: {reads:?}");
        assert_eq!(reads[0]["object"]["id"], unlinkable_case.as_str());

        // A subject that is not a person reference is refused.
        for bad in ["Vermeer-Pauw", "%25", "person:xyz"] {
            let r = client
                .send(get(&t_auditor, &format!("/api/v1/audit?subject={bad}")))
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {r:?}");
        }
    }
}
