//! The offenders side over HTTP, on every selected backend: the police open an
//! investigation, register two suspects and link them to a victim's case they can see,
//! hand both to the prosecution; the prosecution's coordinator accepts, its worker
//! summons one and dismisses the other, records a conviction with a sentence band (and
//! is refused a judgment without a summons); the monitor's funnel and the link from
//! victims to convictions count them. Care, admins, analysts and auditors are refused
//! every offender record (404) and every list (403), while the analyst reads the
//! controlled tables.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, UserBuilder, bearer, config_without_mfa, request};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_api::app;
use schakel_domain::{AgencyKind, Clock, ManualClock, Role};
use schakel_monitor::MonitorSink;
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};
use std::sync::Arc;

/// The published value of the cell with `keys` and `measure`.
fn cell(table: &Value, keys: &[&str], measure: &str) -> Option<i64> {
    table["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["measure"] == measure && c["keys"] == json!(keys))
        .unwrap_or_else(|| panic!("no cell {keys:?} {measure}"))["value"]
        .as_i64()
}

#[actix_web::test]
async fn the_chain_from_investigation_to_judgment_is_counted_and_kept_in_its_compartment() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let clock = Arc::new(ManualClock::new("2026-06-15T09:00:00Z".parse().unwrap()));
        let state = crate::support::state_with(&db, clock.clone(), config_without_mfa())
            .with_monitor(schakel_api::MonitorView {
                pool: None,
                rules: schakel_monitor::Rules {
                    threshold: 1,
                    rounding: 1,
                },
                export_k: Default::default(),
                cube: Arc::default(),
            });
        let srv = test::init_service(app(state)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let agency = |name: &str, kind| AgencyBuilder::new(&db).name(name).kind(kind).create();
        let politie = agency("Politie Rotterdam", AgencyKind::Police);
        let om = agency("Parket Rotterdam", AgencyKind::Prosecution);
        let zorg = agency("Zorgcoördinatie Rotterdam", AgencyKind::CareCoordination);
        let nrm = agency("Rapporteur", AgencyKind::Rapporteur);
        let user = |a, email: &str, role| {
            UserBuilder::new(&db, a).email(email).role(role).create();
        };
        user(&politie, "rechercheur@politie.example", Role::Caseworker);
        user(&om, "coord@om.example", Role::Coordinator);
        user(&om, "officier@om.example", Role::Caseworker);
        user(&zorg, "coord@zorg.example", Role::Coordinator);
        user(&zorg, "admin@zorg.example", Role::Admin);
        user(&nrm, "analist@nrm.example", Role::Analyst);
        user(&zorg, "audit@zorg.example", Role::Auditor);
        let police = client.token("rechercheur@politie.example").await;
        let om_coord = client.token("coord@om.example").await;
        let om_worker = client.token("officier@om.example").await;
        let outsiders = [
            client.token("coord@zorg.example").await,
            client.token("admin@zorg.example").await,
            client.token("analist@nrm.example").await,
            client.token("audit@zorg.example").await,
        ];
        let send = |method: &str, uri: &str, token: &str, body: Option<Value>| {
            let req = bearer(request(method, uri), token);
            let req = match body {
                Some(b) => req.set_json(b),
                None => req,
            };
            client.send(req)
        };

        // The police's own case of a victim, and an investigation with two suspects.
        let case = send(
            "POST",
            "/api/v1/cases",
            &police,
            Some(json!({
                "person": { "identity": { "given_names": "Iva", "family_name": "Petrova",
                                          "date_of_birth": "1999-02-03" }, "gender": "female" },
                "region": "rotterdam", "exploitation_forms": ["sexual"]
            })),
        )
        .await;
        assert_eq!(case.status, StatusCode::CREATED, "{backend:?}: {case:?}");
        let case_id = case.json()["id"].as_str().unwrap().to_owned();
        let inv = send(
            "POST",
            "/api/v1/investigations",
            &police,
            Some(json!({
                "reference": "ON-2026-0415", "region": "rotterdam",
                "exploitation_forms": ["sexual"], "started_on": "2026-03-01"
            })),
        )
        .await;
        assert_eq!(inv.status, StatusCode::CREATED, "{inv:?}");
        let inv_uri = inv.header("location").to_owned();
        let mut suspects = Vec::new();
        for (given, born) in [("Jan", "1980-05-05"), ("Piet", "1975-11-30")] {
            let s = send(
                "POST",
                &format!("{inv_uri}/suspects"),
                &police,
                Some(json!({
                    "identity": { "given_names": given, "family_name": "Uitbuiter",
                                  "date_of_birth": born, "nationalities": ["NL"] },
                    "country_of_birth": "NL", "gender": "male", "role": "exploiter",
                    "registered_on": "2026-03-10"
                })),
            )
            .await;
            assert_eq!(s.status, StatusCode::CREATED, "{s:?}");
            let id = s.json()["id"].as_str().unwrap().to_owned();
            let linked = send(
                "POST",
                &format!("/api/v1/suspects/{id}/victims"),
                &police,
                Some(json!({ "case_id": case_id })),
            )
            .await;
            assert_eq!(linked.status, StatusCode::OK, "{linked:?}");
            assert_eq!(linked.json()["linked_victims"], 1);
            suspects.push(id);
        }
        let read = send("GET", &inv_uri, &police, None).await;
        assert_eq!(read.status, StatusCode::OK);
        assert_eq!(read.json()["reference"], "ON-2026-0415");
        assert_eq!(
            read.json()["suspects"][0]["identity"]["family_name"],
            "Uitbuiter"
        );

        // Handed to the prosecution: the coarse summary before accepting, then the suspect.
        for id in &suspects {
            let r = send(
                "POST",
                &format!("/api/v1/suspects/{id}/referrals"),
                &police,
                Some(json!({ "to_agency_id": om.id, "message": "Twee verdachten, zie PV." })),
            )
            .await;
            assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
            let again = send(
                "POST",
                &format!("/api/v1/suspects/{id}/referrals"),
                &police,
                Some(json!({ "to_agency_id": om.id })),
            )
            .await;
            assert_eq!(again.problem(), "already_referred");
        }
        let inbox = send("GET", "/api/v1/suspect-referrals", &om_coord, None).await;
        assert_eq!(inbox.status, StatusCode::OK);
        let inbox = inbox.json();
        assert_eq!(inbox.as_array().unwrap().len(), 2);
        assert_eq!(inbox[0]["summary"]["linked_victims"], 1);
        assert!(inbox[0]["summary"].get("identity").is_none());
        let before = send(
            "GET",
            &format!("/api/v1/suspects/{}", suspects[0]),
            &om_coord,
            None,
        )
        .await;
        assert_eq!(before.status, StatusCode::NOT_FOUND, "not before accepting");
        for r in inbox.as_array().unwrap() {
            let uri = format!(
                "/api/v1/suspect-referrals/{}/accept",
                r["id"].as_str().unwrap()
            );
            let by_worker = client
                .send(
                    bearer(request("POST", &uri), &om_worker).insert_header(("If-Match", "\"1\"")),
                )
                .await;
            assert_eq!(
                by_worker.status,
                StatusCode::FORBIDDEN,
                "coordinators decide"
            );
            let ok = client
                .send(bearer(request("POST", &uri), &om_coord).insert_header(("If-Match", "\"1\"")))
                .await;
            assert_eq!(ok.status, StatusCode::OK, "{ok:?}");
            assert_eq!(ok.json()["state"], "accepted");
        }

        // The prosecution decides, and a court judges the summoned suspect.
        let (one, two) = (&suspects[0], &suspects[1]);
        for (id, decision) in [(one, "summons"), (two, "dismissal_evidence")] {
            let r = send(
                "POST",
                &format!("/api/v1/suspects/{id}/decisions"),
                &om_worker,
                Some(json!({ "decision": decision, "decided_on": "2026-04-20" })),
            )
            .await;
            assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
        }
        let by_police = send(
            "POST",
            &format!("/api/v1/suspects/{one}/decisions"),
            &police,
            Some(json!({ "decision": "summons", "decided_on": "2026-04-20" })),
        )
        .await;
        assert_eq!(by_police.status, StatusCode::FORBIDDEN);
        let judgment = |sentence: Value| {
            json!({
                "instance": "first_instance", "outcome": "convicted_trafficking",
                "sentence": sentence, "judged_on": "2026-06-01"
            })
        };
        let r = send(
            "POST",
            &format!("/api/v1/suspects/{two}/judgments"),
            &om_worker,
            Some(judgment(json!(["fine"]))),
        )
        .await;
        assert_eq!(r.problem(), "no_earlier_step", "no summons, no judgment");
        let r = send(
            "POST",
            &format!("/api/v1/suspects/{one}/judgments"),
            &om_worker,
            Some(judgment(json!([
                "prison_under_6_months",
                "prison_2_to_4_years"
            ]))),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "two prison bands"
        );
        let r = send(
            "POST",
            &format!("/api/v1/suspects/{one}/judgments"),
            &om_worker,
            Some(judgment(json!(["prison_2_to_4_years"]))),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
        let seen = r.json();
        assert_eq!(seen["identity"]["given_names"], "Jan");
        assert_eq!(seen["steps"].as_array().unwrap().len(), 2);
        assert_eq!(
            seen["victims"],
            json!([]),
            "the prosecution sees a count, not the case"
        );
        assert_eq!(seen["linked_victims"], 1);

        // Nobody outside the compartment reads a record or a list.
        for token in &outsiders {
            for uri in [
                inv_uri.clone(),
                format!("/api/v1/suspects/{one}"),
                format!("/api/v1/suspects/{two}"),
            ] {
                let r = send("GET", &uri, token, None).await;
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}: {r:?}");
            }
            for uri in ["/api/v1/investigations", "/api/v1/suspect-referrals"] {
                let r = send("GET", uri, token, None).await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}: {r:?}");
            }
        }

        // The monitor counts the chain; the analyst reads it, nobody else.
        let sink = MonitorSink::new(chrono::Duration::minutes(5), 100);
        let report = sink
            .run_once(&mut db.pool.get().unwrap(), clock.now())
            .unwrap();
        assert_eq!(report.refused, 0, "{backend:?}");
        let analyst = &outsiders[2];
        let table = |name: &str| {
            send(
                "GET",
                &format!("/api/v1/monitor/offenders?table={name}&from=2026&to=2026"),
                analyst,
                None,
            )
        };
        let funnel = table("funnel").await;
        assert_eq!(funnel.status, StatusCode::OK, "{funnel:?}");
        let funnel = funnel.json();
        for (stage, n) in [
            ("registered", 2),
            ("referred", 2),
            ("decided", 2),
            ("summoned", 1),
            ("judged", 1),
            ("convicted", 1),
            ("convicted_other", 0),
        ] {
            assert_eq!(
                cell(&funnel, &["2026", "all"], stage),
                Some(n),
                "{backend:?} {stage}"
            );
            assert_eq!(
                cell(&funnel, &["2026", "sexual"], stage),
                Some(n),
                "{stage}"
            );
        }
        let victims = table("victims").await.json();
        for (measure, n) in [
            ("identified", 1),
            ("linked", 1),
            ("prosecuted", 1),
            ("convicted", 1),
        ] {
            assert_eq!(
                cell(&victims, &["2026"], measure),
                Some(n),
                "{backend:?} {measure}"
            );
        }
        let sentences = table("sentences").await.json();
        assert_eq!(
            cell(
                &sentences,
                &["2026", "prison_2_to_4_years"],
                "convicted_suspects"
            ),
            Some(1)
        );
        let durations = table("durations").await.json();
        assert_eq!(
            cell(&durations, &["2026", "all"], "median_days_to_decision"),
            Some(41)
        );
        assert_eq!(
            cell(&durations, &["2026", "all"], "median_days_to_judgment"),
            Some(83)
        );
        let csv = send(
            "GET",
            "/api/v1/monitor/offenders?table=funnel&from=2026&to=2026&format=csv",
            analyst,
            None,
        )
        .await;
        assert!(String::from_utf8_lossy(&csv.body).starts_with("# version:"));
        let r = send(
            "GET",
            "/api/v1/monitor/offenders?table=funnel&from=2026&to=2026",
            &police,
            None,
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "the police are no analysts"
        );
        let r = table("gossip").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
    }
}

#[actix_web::test]
async fn bad_input_is_refused_naming_the_field_and_nothing_is_stored() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let clock = Arc::new(ManualClock::new("2026-06-15T09:00:00Z".parse().unwrap()));
        let state = crate::support::state_with(&db, clock, config_without_mfa());
        let srv = test::init_service(app(state)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let politie = AgencyBuilder::new(&db)
            .name("Politie Zeeland")
            .kind(AgencyKind::Police)
            .create();
        let zorg = AgencyBuilder::new(&db)
            .name("Zorg Zeeland")
            .kind(AgencyKind::CareCoordination)
            .create();
        UserBuilder::new(&db, &politie)
            .email("agent@politie.example")
            .create();
        UserBuilder::new(&db, &zorg)
            .email("zorg@zorg.example")
            .create();
        let police = client.token("agent@politie.example").await;
        let care = client.token("zorg@zorg.example").await;
        let send = |uri: &str, token: &str, body: Value| {
            client.send(bearer(request("POST", uri), token).set_json(body))
        };
        let field = |r: &crate::support::Reply| r.json()["errors"][0]["field"].clone();

        let inv = json!({ "reference": "ON-1", "region": "den_haag",
            "exploitation_forms": ["labour"], "started_on": "2026-05-01" });
        for (name, value, expected) in [
            ("started_on", json!("2026-06-16"), "started_on"),
            ("reference", json!("   "), "reference"),
            ("reference", json!("twee\nregels"), "reference"),
            ("exploitation_forms", json!([]), "exploitation_forms"),
            ("region", json!("utrecht_stad"), "region"),
        ] {
            let mut bad = inv.clone();
            bad[name] = value;
            let r = send("/api/v1/investigations", &police, bad).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {r:?}");
            assert_eq!(field(&r), expected, "{name}");
        }
        let r = send("/api/v1/investigations", &police, inv).await;
        assert_eq!(r.status, StatusCode::CREATED);
        let inv_uri = format!("{}/suspects", r.header("location"));

        let suspect = json!({ "identity": { "family_name": "Verdacht" }, "gender": "male",
            "role": "recruiter", "registered_on": "2026-05-02" });
        for (path, value, code) in [
            ("registered_on", json!("2026-04-30"), "invalid_body"),
            ("registered_on", json!("2026-06-16"), "invalid_body"),
            ("country_of_birth", json!("NLD"), "invalid_body"),
            ("country_of_birth", json!("ZZ"), "unknown_country"),
            ("role", json!("boss"), "invalid_body"),
        ] {
            let mut bad = suspect.clone();
            bad[path] = value;
            let r = send(&inv_uri, &police, bad).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {r:?}");
            assert_eq!(r.problem(), code, "{path}");
        }
        let r = send(&inv_uri, &police, suspect).await;
        assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
        let sid = r.json()["id"].as_str().unwrap().to_owned();

        // Links: exactly one of a case or signal, and only one the police may see.
        let care_case = send(
            "/api/v1/cases",
            &care,
            json!({
                "person": { "identity": { "given_names": "Zorg" }, "gender": "female" },
                "region": "den_haag", "exploitation_forms": ["labour"]
            }),
        )
        .await
        .json();
        let victims = format!("/api/v1/suspects/{sid}/victims");
        let r = send(&victims, &police, json!({})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = send(
            &victims,
            &police,
            json!({ "case_id": care_case["id"], "signal_id": care_case["id"] }),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = send(&victims, &police, json!({ "case_id": care_case["id"] })).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "care's case is not the police's to link"
        );

        // Referrals: to a prosecution office only.
        let refer = format!("/api/v1/suspects/{sid}/referrals");
        let r = send(&refer, &police, json!({ "to_agency_id": zorg.id })).await;
        assert_eq!(
            (r.status, r.problem().as_str()),
            (StatusCode::CONFLICT, "conflict")
        );
        let r = send(
            &refer,
            &police,
            json!({ "to_agency_id": schakel_domain::AgencyId::new_random() }),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field(&r), "to_agency_id");

        let count = |table: &str| db.count(&format!("SELECT COUNT(*) AS n FROM {table}"));
        assert_eq!(
            [
                count("investigations"),
                count("suspects"),
                count("suspect_victims"),
                count("suspect_referrals")
            ],
            [1, 1, 0, 0],
            "{backend:?}: nothing refused was stored"
        );
    }
}
