//! The monitor over HTTP: referrals made through the API reach the monitor through the
//! outbox and its sink; the analyst reads counts, flows and the overlap (as JSON and as
//! CSV, with definitions) after disclosure control; every reading is audited, the
//! overlap with its purpose; bad parameters get clear problems; the monitor's table
//! holds none of the case's personal data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{
    AgencyBuilder, Client, UserBuilder, audit_of, bearer, request, state_without_mfa,
};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use diesel::prelude::*;
use schakel_api::app;
use schakel_domain::{AgencyKind, Role};
use schakel_monitor::MonitorSink;
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};

const FAMILY: &str = "Kanariepietersz";
const NOTE: &str = "kanarie-notitie-vrije-tekst";

fn cell<'a>(table: &'a Value, keys: &[&str], measure: &str) -> &'a Value {
    table["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["keys"] == json!(keys) && c["measure"] == measure)
        .unwrap_or_else(|| panic!("no cell {keys:?} {measure}"))
}

#[actix_web::test]
async fn the_analyst_sees_controlled_tables_of_what_happened_and_nobody_else_does() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let from = AgencyBuilder::new(&db)
            .name("Gemeente Utrecht")
            .kind(AgencyKind::Municipality)
            .create();
        let to = AgencyBuilder::new(&db)
            .name("Opvang Utrecht")
            .kind(AgencyKind::ShelterCategorical)
            .create();
        let rapporteur = AgencyBuilder::new(&db)
            .name("Bureau Nationaal Rapporteur")
            .kind(AgencyKind::Rapporteur)
            .create();
        UserBuilder::new(&db, &from)
            .email("cw@utrecht.example")
            .role(Role::Caseworker)
            .create();
        UserBuilder::new(&db, &to)
            .email("co@opvang.example")
            .role(Role::Coordinator)
            .create();
        UserBuilder::new(&db, &rapporteur)
            .email("an@nrm.example")
            .role(Role::Analyst)
            .create();
        let worker = client.token("cw@utrecht.example").await;
        let coord = client.token("co@opvang.example").await;
        let analyst = client.token("an@nrm.example").await;

        // Twelve persons referred; eleven accepted.
        let mut case_ids = Vec::new();
        for i in 0..12 {
            let case = client
                .send(
                    bearer(request("POST", "/api/v1/cases"), &worker).set_json(json!({
                        "person": {
                            "identity": {
                                "given_names": format!("Persoon{i}"),
                                "family_name": FAMILY,
                                "date_of_birth": format!("1990-01-{:02}", i + 1)
                            },
                            "gender": "female"
                        },
                        "region": "midden_nederland",
                        "exploitation_forms": ["labour"],
                        "notes": format!("{NOTE} {i}")
                    })),
                )
                .await;
            assert_eq!(case.status, StatusCode::CREATED, "{backend:?}: {case:?}");
            let case_id = case.json()["id"].as_str().unwrap().to_owned();
            let sent = client
                .send(
                    bearer(
                        request("POST", &format!("/api/v1/cases/{case_id}/referrals")),
                        &worker,
                    )
                    .set_json(
                        json!({ "to_agency_id": to.id, "purpose": "shelter", "urgency": "normal" }),
                    ),
                )
                .await;
            assert_eq!(sent.status, StatusCode::CREATED, "{sent:?}");
            let rid = sent.json()["id"].as_str().unwrap().to_owned();
            if i < 11 {
                let ok = client
                    .send(
                        bearer(
                            request("POST", &format!("/api/v1/referrals/{rid}/accept")),
                            &coord,
                        )
                        .insert_header(("If-Match", "\"1\"")),
                    )
                    .await;
                assert_eq!(ok.status, StatusCode::OK, "{ok:?}");
            }
            case_ids.push(case_id);
        }
        let sink = MonitorSink {
            separate: None,
            lease: chrono::Duration::minutes(5),
            batch: 50,
        };
        let report = sink
            .run_once(&mut db.pool.get().unwrap(), chrono::Utc::now())
            .unwrap();
        assert_eq!(
            report.recorded,
            12 * 2 + 11,
            "{backend:?}: opened, sent, accepted"
        );

        let get = |uri: String, token: &str| bearer(request("GET", &uri), token);
        let year = chrono::Utc::now().format("%Y").to_string();
        let range = format!("from={year}-01&to={year}-12");
        let counts = client
            .send(get(
                format!("/api/v1/monitor/counts?measure=persons&by=agency_kind&{range}"),
                &analyst,
            ))
            .await;
        assert_eq!(counts.status, StatusCode::OK, "{backend:?}: {counts:?}");
        let counts = counts.json();
        // Twelve persons, each with events of the municipality: rounded down to 10.
        assert_eq!(cell(&counts, &["municipality"], "persons")["value"], 10);
        assert_eq!(cell(&counts, &["police"], "persons")["value"], 0);
        assert_eq!(cell(&counts, &["all"], "persons")["value"], 10);
        assert_eq!(counts["definitions"]["threshold"], 10);
        assert_eq!(counts["definitions"]["version"], "2026.1");

        let flows = client
            .send(get(format!("/api/v1/monitor/flows?{range}"), &analyst))
            .await
            .json();
        let pair = ["municipality", "shelter_categorical"];
        assert_eq!(cell(&flows, &pair, "sent")["value"], 10);
        assert_eq!(cell(&flows, &pair, "accepted")["value"], 10);
        assert_eq!(cell(&flows, &pair, "declined")["value"], 0);
        assert_eq!(cell(&flows, &pair, "median_hours_to_answer")["value"], 0);

        let overlap = client
            .send(get(
                format!("/api/v1/monitor/overlap?year={year}&purpose=multiple_systems_estimation"),
                &analyst,
            ))
            .await
            .json();
        assert_eq!(
            cell(&overlap, &["municipality+shelter_categorical"], "persons")["value"],
            11
        );
        assert_eq!(cell(&overlap, &["municipality"], "persons")["value"], 1);
        let audited = audit_of(&db, "monitor.overlap");
        assert_eq!(audited.len(), 1, "{backend:?}");
        assert_eq!(audited[0].details["purpose"], "multiple_systems_estimation");

        let csv = client
            .send(get(
                format!("/api/v1/monitor/counts?measure=persons&by=agency_kind&{range}&format=csv"),
                &analyst,
            ))
            .await;
        assert!(csv.header("content-type").starts_with("text/csv"));
        let text = String::from_utf8(csv.body.clone()).unwrap();
        assert!(text.starts_with("# version: 2026.1\n"), "{text}");
        assert!(text.contains("\nagency_kind,measure,value,suppressed\n"));
        assert!(text.contains("\nmunicipality,persons,10,\n"));

        for (uri, problem) in [
            (
                format!(
                    "/api/v1/monitor/counts?measure=persons&by=period,gender,region,age_band&{range}"
                ),
                "too_many_dimensions",
            ),
            (
                format!("/api/v1/monitor/counts?measure=persons&by=gender,gender&{range}"),
                "too_many_dimensions",
            ),
            (
                format!("/api/v1/monitor/counts?measure=names&{range}"),
                "bad_request",
            ),
            (
                format!("/api/v1/monitor/counts?measure=persons&by=name&{range}"),
                "bad_request",
            ),
            (
                "/api/v1/monitor/counts?measure=persons&from=2026-13&to=2026-12".into(),
                "bad_request",
            ),
            (
                "/api/v1/monitor/counts?measure=persons&from=2026-12&to=2026-01".into(),
                "bad_request",
            ),
            (
                format!("/api/v1/monitor/overlap?year={year}&purpose=curiosity"),
                "bad_request",
            ),
        ] {
            let reply = client.send(get(uri.clone(), &analyst)).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{uri}");
            assert_eq!(reply.problem(), problem, "{uri}");
        }
        for token in [&worker, &coord] {
            let reply = client
                .send(get(format!("/api/v1/monitor/flows?{range}"), token))
                .await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND);
        }

        // Nothing of the cases in the monitor's table.
        let mut conn = db.pool.get().unwrap();
        let rows: Vec<String> = diesel::sql_query(
            "SELECT event_id || '|' || form || '|' || kind || '|' || month || '|' || quarter \
             || '|' || year || '|' || sender_kind || '|' || sender_region || '|' \
             || COALESCE(receiver_kind, '') || '|' || COALESCE(receiver_region, '') || '|' \
             || age_band || '|' || gender || '|' || nationality_group || '|' \
             || COALESCE(reporting_basis, '') || '|' \
             || COALESCE(CAST(hours_to_answer AS TEXT), '') || '|' \
             || COALESCE(pseudonym, '') AS v FROM monitor_facts",
        )
        .load::<Text>(&mut *conn)
        .unwrap()
        .into_iter()
        .map(|t| t.v)
        .collect();
        assert!(!rows.is_empty());
        for row in rows {
            assert!(
                !row.contains(FAMILY)
                    && !row.contains("Persoon")
                    && !row.contains("1990-01")
                    && !row.contains(NOTE),
                "{row}"
            );
            assert!(case_ids.iter().all(|c| !row.contains(c.as_str())), "{row}");
        }
    }
}

#[derive(QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    v: String,
}

#[actix_web::test]
async fn a_separate_monitor_database_gets_each_event_once_and_serves_the_tables() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let monitor_db = TestDb::new(backend);
        let state = state_without_mfa(&db).with_monitor(schakel_api::MonitorView {
            pool: Some(monitor_db.pool.clone()),
            rules: schakel_monitor::Rules {
                threshold: 5,
                rounding: 1,
            },
            export_k: Default::default(),
            cube: std::sync::Arc::default(),
        });
        let srv = test::init_service(app(state)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let home = AgencyBuilder::new(&db)
            .name("Politie Oost")
            .kind(AgencyKind::Police)
            .create();
        let nrm = AgencyBuilder::new(&db)
            .name("Rapporteur")
            .kind(AgencyKind::Rapporteur)
            .create();
        UserBuilder::new(&db, &home)
            .email("cw@politie.example")
            .role(Role::Caseworker)
            .create();
        UserBuilder::new(&db, &nrm)
            .email("an@nrm.example")
            .role(Role::Analyst)
            .create();
        let worker = client.token("cw@politie.example").await;
        let analyst = client.token("an@nrm.example").await;
        for i in 0..6 {
            let case = client
                .send(bearer(request("POST", "/api/v1/cases"), &worker).set_json(json!({
                    "person": {
                        "identity": { "given_names": format!("Naam{i}"), "family_name": "Apart" },
                        "gender": "male"
                    },
                    "region": "oost_nederland",
                    "exploitation_forms": ["criminal"]
                })))
                .await;
            assert_eq!(case.status, StatusCode::CREATED, "{case:?}");
        }
        let sink = MonitorSink {
            separate: Some(monitor_db.pool.clone()),
            lease: chrono::Duration::minutes(5),
            batch: 4,
        };
        let now = chrono::Utc::now();
        let first = sink.run_once(&mut db.pool.get().unwrap(), now).unwrap();
        assert_eq!(first.recorded, 6, "{backend:?}");
        let count = |d: &TestDb| d.count("SELECT COUNT(*) AS n FROM monitor_facts");
        assert_eq!((count(&db), count(&monitor_db)), (0, 6), "{backend:?}");
        // As if a worker died after recording but before marking the rows done.
        db.execute_raw("UPDATE outbox SET state = 'pending' WHERE channel = 'monitor'");
        let again = sink.run_once(&mut db.pool.get().unwrap(), now).unwrap();
        assert_eq!((again.recorded, again.repeated), (0, 6), "{backend:?}");
        assert_eq!(count(&monitor_db), 6);

        let year = chrono::Utc::now().format("%Y").to_string();
        let table = client
            .send(bearer(
                request(
                    "GET",
                    &format!("/api/v1/monitor/counts?measure=persons&from={year}-01&to={year}-12"),
                ),
                &analyst,
            ))
            .await
            .json();
        assert_eq!(cell(&table, &[], "persons")["value"], 6, "{backend:?}");
    }
}
