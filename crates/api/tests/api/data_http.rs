//! The data a caseworker enters, checked over HTTP as a client sees it: a stated age
//! kept for the day it was stated, nationalities that must be real country codes, legal
//! bases that must fit the person and the agency, an agency kind that cannot change
//! under the consents and referrals that name it, and a database failure that is never
//! reported as bad input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, UserBuilder, audit_of, bearer, request};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use chrono::{Months, Utc};
use schakel_api::app;
use schakel_domain::{AgencyKind, Role};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The monitor events queued, as (kind, payload).
fn monitor_events(db: &TestDb) -> Vec<(String, Value)> {
    use diesel::prelude::*;
    use schakel_store::schema::outbox;
    let mut conn = db.pool.get().unwrap();
    let rows: Vec<(String, String)> = outbox::table
        .filter(outbox::channel.eq("monitor"))
        .select((outbox::topic, outbox::payload))
        .order(outbox::created_at.asc())
        .load(&mut *conn)
        .unwrap();
    rows.into_iter()
        .map(|(t, p)| (t, serde_json::from_str(&p).unwrap()))
        .collect()
}

fn signal_of(observed_on: &str, identity: Value, palermo: Value) -> Value {
    json!({
        "observed_on": observed_on,
        "region": "midden_nederland",
        "exploitation_forms": ["sexual"],
        "palermo": palermo,
        "reporting_basis": "consent",
        "person": { "identity": identity, "gender": "female" }
    })
}

#[actix_web::test]
async fn a_minor_observed_a_year_ago_keeps_her_stated_age_band_and_the_minor_rule() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let gemeente = AgencyBuilder::new(&db)
            .name("Gemeente Zwolle")
            .kind(AgencyKind::Municipality)
            .create();
        let worker = UserBuilder::new(&db, &gemeente)
            .email("zorg@zwolle.example")
            .role(Role::Caseworker)
            .create();
        let token = client.token(&worker.email).await;

        // Seen a year ago, she said she was 17; nothing says when she said it, so it
        // was said when she was seen. Act and purpose, no means: enough for a minor.
        let year_ago = Utc::now().date_naive() - Months::new(12);
        let body = signal_of(
            &year_ago.format("%Y-%m-%d").to_string(),
            json!({ "given_names": "Iva", "stated_age": 17 }),
            json!({ "act": true, "means": false, "purpose": true }),
        );
        let signal = client
            .send(bearer(request("POST", "/api/v1/signals"), &token).set_json(body))
            .await;
        assert_eq!(
            signal.status,
            StatusCode::CREATED,
            "{backend:?}: {signal:?}"
        );
        let signal = signal.json();
        assert_eq!(signal["age_band"], "12-17", "{signal}");
        assert_eq!(signal["palermo_elements_met"], true, "{signal}");
        assert_eq!(
            signal["person"]["identity"]["age_stated_on"],
            year_ago.format("%Y-%m-%d").to_string()
        );
        // A year on she is 18.
        assert_eq!(signal["person"]["age_band"], "18-22", "{signal}");
        let events = monitor_events(&db);
        let logged = events
            .iter()
            .find(|(kind, _)| kind == "signal_logged")
            .unwrap();
        assert_eq!(logged.1["age_band"], "12-17", "{events:?}");

        // A day given with the age is kept.
        let body = signal_of(
            &year_ago.format("%Y-%m-%d").to_string(),
            json!({ "stated_age": 30, "age_stated_on": Utc::now().date_naive() }),
            json!({ "act": true, "means": false, "purpose": true }),
        );
        let adult = client
            .send(bearer(request("POST", "/api/v1/signals"), &token).set_json(body))
            .await;
        assert_eq!(adult.status, StatusCode::CREATED, "{adult:?}");
        let adult = adult.json();
        assert_eq!(adult["age_band"], "23-29", "{adult}");
        assert_eq!(adult["palermo_elements_met"], false, "{adult}");
    }
}

#[actix_web::test]
async fn a_nationality_that_names_no_country_is_refused_by_name() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let gemeente = AgencyBuilder::new(&db)
            .name("Gemeente Zwolle")
            .kind(AgencyKind::Municipality)
            .create();
        let worker = UserBuilder::new(&db, &gemeente)
            .email("zorg@zwolle.example")
            .role(Role::Caseworker)
            .create();
        let token = client.token(&worker.email).await;
        let today = Utc::now().date_naive().format("%Y-%m-%d").to_string();
        let with = |codes: Value| {
            signal_of(
                &today,
                json!({ "family_name": "Zwartbles", "nationalities": codes }),
                json!({ "act": true, "means": true, "purpose": true }),
            )
        };
        for codes in [json!(["ZZ"]), json!(["NL", "uk"]), json!(["EU"])] {
            let refused = client
                .send(
                    bearer(request("POST", "/api/v1/signals"), &token)
                        .set_json(with(codes.clone())),
                )
                .await;
            assert_eq!(
                refused.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?} {codes}: {refused:?}"
            );
            assert_eq!(refused.problem(), "unknown_country");
            assert!(
                refused.json()["title"]
                    .as_str()
                    .unwrap()
                    .contains("nationalities")
            );
        }
        // Nothing of them was kept.
        assert!(monitor_events(&db).is_empty());
        // Real codes, Kosovo's among them, are accepted and grouped.
        let ok = client
            .send(
                bearer(request("POST", "/api/v1/signals"), &token)
                    .set_json(with(json!(["xk", "NG"]))),
            )
            .await;
        assert_eq!(ok.status, StatusCode::CREATED, "{ok:?}");
        assert_eq!(ok.json()["person"]["nationality_group"], "non_eu");
        // The same through a case opened with a person.
        let case = client
            .send(
                bearer(request("POST", "/api/v1/cases"), &token).set_json(json!({
                    "region": "midden_nederland",
                    "exploitation_forms": ["labour"],
                    "person": { "identity": { "nationalities": ["QQ"] }, "gender": "male" }
                })),
            )
            .await;
        assert_eq!(case.status, StatusCode::UNPROCESSABLE_ENTITY, "{case:?}");
        assert_eq!(case.problem(), "unknown_country");
    }
}

/// Runs raw SQL on the test database.
fn sql(db: &TestDb, statements: &[&str]) {
    use diesel::RunQueryDsl;
    use schakel_store::DbConn;
    let mut conn = db.pool.get().unwrap();
    for q in statements {
        match &mut *conn {
            DbConn::Sqlite(c) => diesel::sql_query(*q).execute(c).unwrap(),
            DbConn::Postgres(c) => diesel::sql_query(*q).execute(c).unwrap(),
        };
    }
}

#[actix_web::test]
async fn a_database_failure_while_reading_the_signal_is_not_reported_as_bad_input() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let gemeente = AgencyBuilder::new(&db)
            .name("Gemeente Zwolle")
            .kind(AgencyKind::Municipality)
            .create();
        let worker = UserBuilder::new(&db, &gemeente)
            .email("zorg@zwolle.example")
            .role(Role::Caseworker)
            .create();
        let token = client.token(&worker.email).await;
        let today = Utc::now().date_naive().format("%Y-%m-%d").to_string();
        let body = signal_of(
            &today,
            json!({ "family_name": "Zwartbles" }),
            json!({ "act": true, "means": true, "purpose": true }),
        );
        let signal = client
            .send(bearer(request("POST", "/api/v1/signals"), &token).set_json(body))
            .await;
        assert_eq!(signal.status, StatusCode::CREATED, "{signal:?}");
        let id = signal.json()["id"].as_str().unwrap().to_owned();
        let open = || {
            bearer(request("POST", "/api/v1/cases"), &token).set_json(json!({ "signal_id": id }))
        };

        // A signal that does not exist is the request's fault.
        let unknown = client
            .send(
                bearer(request("POST", "/api/v1/cases"), &token)
                    .set_json(json!({ "signal_id": uuid::Uuid::new_v4() })),
            )
            .await;
        assert_eq!(
            unknown.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{unknown:?}"
        );
        assert_eq!(unknown.problem(), "invalid_body");

        match backend {
            // The server ends the connection while the signal is read: an outage.
            schakel_store::Backend::Postgres => sql(
                &db,
                &[
                    "ALTER TABLE signals RENAME TO signals_kept",
                    "CREATE VIEW signals AS SELECT * FROM signals_kept \
                     WHERE pg_terminate_backend(pg_backend_pid())",
                ],
            ),
            // The table cannot be read: the server's fault.
            schakel_store::Backend::Sqlite => {
                sql(&db, &["ALTER TABLE signals RENAME TO signals_kept"])
            }
        }
        let failed = client.send(open()).await;
        let expected = match backend {
            schakel_store::Backend::Postgres => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            schakel_store::Backend::Sqlite => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        assert_eq!(failed.status, expected.0, "{backend:?}: {failed:?}");
        assert_eq!(failed.problem(), expected.1);
    }
}

/// Opens a case for a person directly; returns its id.
async fn case_for<S, R, B>(client: &Client<'_, S, R>, token: &str, identity: Value) -> String
where
    S: actix_web::dev::Service<
            R,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let opened = client
        .send(
            bearer(request("POST", "/api/v1/cases"), token).set_json(json!({
                "region": "midden_nederland",
                "exploitation_forms": ["sexual"],
                "person": { "identity": identity, "gender": "female" }
            })),
        )
        .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{opened:?}");
    opened.json()["id"].as_str().unwrap().to_owned()
}

fn basis(which: &str) -> Value {
    json!({
        "kind": "legal_basis",
        "recipient_kinds": ["care"],
        "purposes": ["care_coordination"],
        "legal_basis": which,
        "reason": "Acuut gevaar; toestemming kan niet gevraagd worden.",
        "given_on": Utc::now().date_naive(),
    })
}

#[actix_web::test]
async fn a_legal_basis_must_fit_the_person_and_the_agency_and_flags_the_case() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let opvang = AgencyBuilder::new(&db)
            .name("Opvang Midden")
            .kind(AgencyKind::ShelterCategorical)
            .create();
        let politie = AgencyBuilder::new(&db)
            .name("Politie Midden")
            .kind(AgencyKind::Police)
            .create();
        let t_opvang = client
            .token(
                &UserBuilder::new(&db, &opvang)
                    .email("zorg@opvang.example")
                    .role(Role::Caseworker)
                    .create()
                    .email,
            )
            .await;
        let t_politie = client
            .token(
                &UserBuilder::new(&db, &politie)
                    .email("ahm@politie.example")
                    .role(Role::Caseworker)
                    .create()
                    .email,
            )
            .await;
        let record = |token: &str, case: &str, version: i64, body: Value| {
            bearer(
                request("POST", &format!("/api/v1/cases/{case}/consents")),
                token,
            )
            .insert_header(("If-Match", format!("\"{version}\"")))
            .set_json(body)
        };

        // An adult at a shelter: neither child protection nor a duty the shelter lacks.
        let adult = case_for(&client, &t_opvang, json!({ "date_of_birth": "1990-02-03" })).await;
        for which in ["child_protection", "statutory_duty"] {
            let refused = client
                .send(record(&t_opvang, &adult, 1, basis(which)))
                .await;
            assert_eq!(
                refused.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?} {which}: {refused:?}"
            );
            assert_eq!(refused.problem(), "legal_basis_not_applicable");
        }
        assert!(audit_of(&db, "consent.legal_basis").is_empty());
        let case = client
            .send(bearer(
                request("GET", &format!("/api/v1/cases/{adult}")),
                &t_opvang,
            ))
            .await
            .json();
        assert_eq!(case["legal_basis_used"], false, "{case}");
        assert_eq!(case["consents"], json!([]));

        // A vital interest applies to anyone: recorded, flagged and audited.
        let vital = client
            .send(record(&t_opvang, &adult, 1, basis("vital_interest")))
            .await;
        assert_eq!(vital.status, StatusCode::CREATED, "{vital:?}");
        assert_eq!(vital.json()["legal_basis_used"], true);
        let entries = audit_of(&db, "consent.legal_basis");
        assert_eq!(entries.len(), 1, "{entries:?}");
        assert_eq!(entries[0].outcome.as_str(), "success");
        assert_eq!(
            entries[0].purpose.as_deref(),
            Some("legal_basis:vital_interest")
        );
        assert_eq!(entries[0].object.as_ref().unwrap().id, adult);

        // The police has a statutory duty; a child's protection needs a child.
        let by_police = case_for(
            &client,
            &t_politie,
            json!({ "date_of_birth": "1990-02-03" }),
        )
        .await;
        let duty = client
            .send(record(&t_politie, &by_police, 1, basis("statutory_duty")))
            .await;
        assert_eq!(duty.status, StatusCode::CREATED, "{duty:?}");
        assert_eq!(duty.json()["legal_basis_used"], true);
        let child = case_for(&client, &t_opvang, json!({ "stated_age": 15 })).await;
        let protected = client
            .send(record(&t_opvang, &child, 1, basis("child_protection")))
            .await;
        assert_eq!(protected.status, StatusCode::CREATED, "{protected:?}");
        let entries = audit_of(&db, "consent.legal_basis");
        assert_eq!(entries.len(), 3);
        assert_eq!(
            entries[0].purpose.as_deref(),
            Some("legal_basis:child_protection")
        );
    }
}

#[actix_web::test]
async fn an_agency_that_received_a_referral_keeps_its_kind() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let beheer = AgencyBuilder::new(&db)
            .name("Platformbeheer")
            .kind(AgencyKind::Other)
            .create();
        let gemeente = AgencyBuilder::new(&db)
            .name("Gemeente Zwolle")
            .kind(AgencyKind::Municipality)
            .create();
        let politie = AgencyBuilder::new(&db)
            .name("Politie Oost")
            .kind(AgencyKind::Police)
            .create();
        let nieuw = AgencyBuilder::new(&db)
            .name("Politie Noord")
            .kind(AgencyKind::Police)
            .create();
        let t_admin = client
            .token(
                &UserBuilder::new(&db, &beheer)
                    .email("beheer@platform.example")
                    .role(Role::Admin)
                    .create()
                    .email,
            )
            .await;
        let t_worker = client
            .token(
                &UserBuilder::new(&db, &gemeente)
                    .email("zorg@zwolle.example")
                    .role(Role::Caseworker)
                    .create()
                    .email,
            )
            .await;

        // The municipality's consent covers shelters; it refers the case to the police.
        let case = case_for(&client, &t_worker, json!({ "family_name": "Zwartbles" })).await;
        let consent = client
            .send(
                bearer(
                    request("POST", &format!("/api/v1/cases/{case}/consents")),
                    &t_worker,
                )
                .insert_header(("If-Match", "\"1\""))
                .set_json(json!({
                    "kind": "consent",
                    "recipient_kinds": ["shelter"],
                    "purposes": ["law_enforcement"],
                    "given_by": "person",
                    "given_on": Utc::now().date_naive(),
                })),
            )
            .await;
        assert_eq!(consent.status, StatusCode::CREATED, "{consent:?}");
        let sent = client
            .send(
                bearer(
                    request("POST", &format!("/api/v1/cases/{case}/referrals")),
                    &t_worker,
                )
                .set_json(json!({
                    "to_agency_id": politie.id,
                    "purpose": "law_enforcement",
                    "urgency": "normal",
                })),
            )
            .await;
        assert_eq!(sent.status, StatusCode::CREATED, "{sent:?}");
        assert_eq!(sent.json()["identity_shared"], false);

        // Turning the police unit into a shelter would let the shelter consent cover it.
        let patch = |id: &schakel_domain::AgencyId, kind: &str| {
            bearer(
                request("PATCH", &format!("/api/v1/agencies/{id}")),
                &t_admin,
            )
            .insert_header(("If-Match", "\"1\""))
            .set_json(json!({ "kind": kind }))
        };
        let refused = client.send(patch(&politie.id, "shelter_other")).await;
        assert_eq!(
            refused.status,
            StatusCode::CONFLICT,
            "{backend:?}: {refused:?}"
        );
        assert_eq!(refused.problem(), "agency_kind_locked");
        let after = client
            .send(bearer(
                request("GET", &format!("/api/v1/agencies/{}", politie.id)),
                &t_admin,
            ))
            .await;
        assert_eq!(after.json()["kind"], "police", "{after:?}");
        assert_eq!(after.header("etag"), "\"1\"");
        // Its other fields still change, and so does the kind of an agency without referrals.
        let renamed = client
            .send(
                bearer(
                    request("PATCH", &format!("/api/v1/agencies/{}", politie.id)),
                    &t_admin,
                )
                .insert_header(("If-Match", "\"1\""))
                .set_json(json!({ "name": "Politie Oost-Nederland", "kind": "police" })),
            )
            .await;
        assert_eq!(renamed.status, StatusCode::OK, "{renamed:?}");
        let changed = client.send(patch(&nieuw.id, "royal_marechaussee")).await;
        assert_eq!(changed.status, StatusCode::OK, "{changed:?}");
        assert_eq!(changed.json()["kind"], "royal_marechaussee");
    }
}

#[actix_web::test]
async fn a_name_without_a_date_of_birth_links_nobody_and_the_monitor_says_how_many() {
    use schakel_monitor::MonitorSink;
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let gemeente = AgencyBuilder::new(&db)
            .name("Gemeente Zwolle")
            .kind(AgencyKind::Municipality)
            .create();
        let politie = AgencyBuilder::new(&db)
            .name("Politie Oost")
            .kind(AgencyKind::Police)
            .create();
        let nrm = AgencyBuilder::new(&db)
            .name("Bureau Nationaal Rapporteur")
            .kind(AgencyKind::Rapporteur)
            .create();
        let t_gemeente = client
            .token(
                &UserBuilder::new(&db, &gemeente)
                    .email("zorg@zwolle.example")
                    .role(Role::Caseworker)
                    .create()
                    .email,
            )
            .await;
        let t_politie = client
            .token(
                &UserBuilder::new(&db, &politie)
                    .email("ahm@politie.example")
                    .role(Role::Caseworker)
                    .create()
                    .email,
            )
            .await;
        let t_analyst = client
            .token(
                &UserBuilder::new(&db, &nrm)
                    .email("an@nrm.example")
                    .role(Role::Analyst)
                    .create()
                    .email,
            )
            .await;

        // Ten persons known with their date of birth at the municipality, one of them
        // also at the police; and an "Iva" without a date of birth at each.
        for i in 0..10 {
            let who = json!({ "given_names": format!("Persoon{i}"), "family_name": "Zwartbles",
                              "date_of_birth": format!("1990-01-{:02}", i + 1) });
            case_for(&client, &t_gemeente, who.clone()).await;
            if i == 0 {
                case_for(&client, &t_politie, who).await;
            }
        }
        case_for(&client, &t_gemeente, json!({ "given_names": "Iva" })).await;
        case_for(&client, &t_politie, json!({ "given_names": "Iva" })).await;
        let sink = MonitorSink {
            separate: None,
            lease: chrono::Duration::minutes(5),
            batch: 50,
        };
        sink.run_once(&mut db.pool.get().unwrap(), Utc::now())
            .unwrap();

        let year = Utc::now().format("%Y").to_string();
        let get = |uri: String| bearer(request("GET", &uri), &t_analyst);
        let overlap = client
            .send(get(format!(
                "/api/v1/monitor/overlap?year={year}&purpose=multiple_systems_estimation"
            )))
            .await;
        assert_eq!(overlap.status, StatusCode::OK, "{backend:?}: {overlap:?}");
        let overlap = overlap.json();
        let cells: BTreeMap<String, i64> = overlap["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["keys"][0].as_str().unwrap().to_owned(),
                    c["value"].as_i64().unwrap(),
                )
            })
            .collect();
        // Only the person with a date of birth links the two agencies; the two Ivas
        // are two records, in no cell.
        assert_eq!(
            cells,
            BTreeMap::from([
                ("municipality".to_owned(), 9),
                ("municipality+police".to_owned(), 1)
            ]),
            "{backend:?}: {overlap}"
        );
        assert_eq!(
            overlap["definitions"]["unlinkable_percent"], 17,
            "{overlap}"
        );

        let counts = client
            .send(get(format!(
                "/api/v1/monitor/counts?measure=persons&from={year}-01&to={year}-12"
            )))
            .await
            .json();
        // Twelve persons: the ten, and each Iva once (rounded down to ten).
        assert_eq!(counts["cells"][0]["value"], 10, "{counts}");
        assert_eq!(counts["definitions"]["unlinkable_percent"], 17, "{counts}");
        let signals = client
            .send(get(format!(
                "/api/v1/monitor/counts?measure=signals&from={year}-01&to={year}-12"
            )))
            .await
            .json();
        assert!(signals["definitions"].get("unlinkable_percent").is_none());
    }
}
