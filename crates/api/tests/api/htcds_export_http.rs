//! The HTCDS export over HTTP on every backend, over the generated world of
//! `monitor_world` (1200 persons driven through the use cases in 2026, their names
//! spelled differently by different agencies) and seven persons of 2025 recorded
//! straight into the monitor, one an unlinkable record, each with other forms of
//! exploitation. As an analyst the export is k-anonymous (this test recomputes the
//! smallest class from the records it gets, JSON and CSV alike), it holds one record
//! per true person before suppression — as many as the monitor's own count of distinct
//! persons — and only the CTDC columns; the k of the configuration is honoured (k = 5
//! suppresses fewer records than k = 11 and leaves more as held); every export is
//! audited with its years and k, bad parameters are a 422 naming them, and anyone but
//! an analyst gets 404, as for the monitor's tables.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::monitor_world::{SECRET, at, world};
use crate::support::{
    AgencyBuilder, Client, UserBuilder, audit_of, bearer, request, state_without_mfa,
};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use chrono::Duration;
use schakel_api::{MonitorView, app};
use schakel_crypto::MasterKeys;
use schakel_domain::{AgencyKind, Role};
use schakel_monitor::htcds::{COLUMNS, ExportK, FILLED_COLUMNS};
use schakel_monitor::{Event, MonitorSink, Rules, record};
use schakel_referral_workflow::WorkflowConfig;
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The forms of the seven persons of 2025: every combination of sexual, labour and
/// other, so that no two of them share a class before only their year is left.
const FORMS_2025: [&[&str]; 7] = [
    &["sexual"],
    &["labour"],
    &["other"],
    &["sexual", "labour"],
    &["sexual", "other"],
    &["labour", "other"],
    &["sexual", "labour", "other"],
];

/// Records the seven persons of 2025 as the sink would.
fn persons_of_2025(db: &TestDb) {
    let mut conn = db.pool.get().unwrap();
    for (p, forms) in FORMS_2025.iter().enumerate() {
        let key = format!("{}{p:032x}{p:032x}", if p == 0 { "u:" } else { "" });
        let event = Event::from_payload(&json!({
            "kind": "signal_logged", "month": "2025-06",
            "sender_kind": "ngo", "sender_region": "amsterdam",
            "receiver_kind": null, "receiver_region": null,
            "exploitation_forms": forms, "age_band": "23-29", "gender": "female",
            "nationality_group": "non_eu", "reporting_basis": "consent",
            "hours_to_answer": null, "pseudonym": key,
        }))
        .unwrap();
        assert!(record(&mut conn, &format!("htcds-2025-{p}"), &event).unwrap());
    }
}

/// The size of the smallest group of equal `rows` (none: no rows).
fn smallest_class<T: Ord>(rows: impl IntoIterator<Item = T>) -> Option<usize> {
    let mut classes: BTreeMap<T, usize> = BTreeMap::new();
    for r in rows {
        *classes.entry(r).or_default() += 1;
    }
    classes.values().min().copied()
}

/// The application over `db` with the monitor's k `k` and exact counts (so the
/// monitor's own count of persons can be compared).
fn state(db: &TestDb, k: u32) -> schakel_api::AppState {
    state_without_mfa(db).with_monitor(MonitorView {
        pool: None,
        rules: Rules {
            threshold: 0,
            rounding: 1,
        },
        export_k: ExportK::new(k).unwrap(),
        cube: Arc::default(),
    })
}

#[actix_web::test]
async fn the_htcds_export_of_a_generated_world_is_k_anonymous_and_counts_every_person() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let cfg = WorkflowConfig::with_keys(Arc::new(MasterKeys::single("k1", SECRET)));
        let expected = world(&db, &cfg);
        persons_of_2025(&db);
        let sink = MonitorSink {
            separate: None,
            lease: Duration::minutes(5),
            batch: 500,
        };
        sink.run_once(&mut db.pool.get().unwrap(), at(365, 0))
            .unwrap();
        // The recount by true identity: the world's persons, and the seven of 2025.
        let true_persons: BTreeSet<usize> = expected.iter().filter_map(|e| e.person).collect();
        assert!(expected.iter().all(|e| e.month.starts_with("2026")));
        let total = true_persons.len() + FORMS_2025.len();
        assert!(total > 1000, "{total}");

        let nrm = AgencyBuilder::new(&db)
            .name("Nationaal Rapporteur")
            .kind(AgencyKind::Rapporteur)
            .create();
        let analyst = UserBuilder::new(&db, &nrm).role(Role::Analyst).create();
        let gemeente = AgencyBuilder::new(&db).name("Gemeente Zwolle").create();
        let coordinator = UserBuilder::new(&db, &gemeente)
            .role(Role::Coordinator)
            .create();

        let mut seen: BTreeMap<u32, (usize, usize)> = BTreeMap::new();
        for k in [11u32, 5] {
            let srv = test::init_service(app(state(&db, k))).await;
            let client = Client::new(&srv, TestRequest::to_request);
            let token = client.token(&analyst.email).await;
            let get = |uri: &str| bearer(request("GET", uri), &token);

            let reply = client
                .send(get("/api/v1/monitor/htcds?from=2025&to=2026"))
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{backend:?}: {reply:?}");
            let body = reply.json();
            assert_eq!(body["k"], k);
            assert_eq!(body["period"], json!({ "from": 2025, "to": 2026 }));
            assert_eq!(reply.header("export-k"), k.to_string());
            let records = body["records"].as_array().unwrap();
            let suppressed = body["records_suppressed"].as_u64().unwrap() as usize;
            assert_eq!(
                body["records_total"], total,
                "{backend:?}: one record per person"
            );
            assert_eq!(records.len() + suppressed, total);
            assert_eq!(reply.header("export-records-total"), total.to_string());
            assert_eq!(
                reply.header("export-records-suppressed"),
                suppressed.to_string()
            );
            // k-anonymous: every class of the records as received holds k of them.
            let smallest = smallest_class(records.iter().map(Value::to_string));
            assert!(
                smallest.is_some_and(|n| n >= k as usize),
                "{backend:?}: {smallest:?} < {k}"
            );
            // Only the CTDC columns an export fills; the year the only date.
            let filled: BTreeSet<&str> = FILLED_COLUMNS.iter().copied().collect();
            for r in records {
                let keys: BTreeSet<&str> =
                    r.as_object().unwrap().keys().map(String::as_str).collect();
                assert_eq!(keys, filled);
                let year = r["yearOfRegistration"].as_u64().unwrap();
                assert!(year == 2025 || year == 2026, "{r}");
            }
            let steps = body["generalisation"].as_array().unwrap();
            let placed: u64 = steps.iter().map(|s| s["records"].as_u64().unwrap()).sum();
            assert_eq!(placed as usize, records.len());
            let as_held = steps[0]["records"].as_u64().unwrap() as usize;
            seen.insert(k, (suppressed, as_held));

            // As many records before suppression as the monitor counts persons.
            let counted = client
                .send(get(
                    "/api/v1/monitor/counts?measure=persons&from=2025-01&to=2026-12",
                ))
                .await
                .json();
            assert_eq!(counted["cells"][0]["value"], total, "{backend:?}");

            // The CSV: the CTDC header, the same records, every class of k too.
            let reply = client
                .send(get("/api/v1/monitor/htcds?from=2025&to=2026&format=csv"))
                .await;
            assert_eq!(reply.status, StatusCode::OK);
            assert!(reply.header("content-type").starts_with("text/csv"));
            assert_eq!(
                reply.header("content-disposition"),
                "attachment; filename=\"schakel-htcds-2025-2026.csv\""
            );
            let text = String::from_utf8(reply.body.clone()).unwrap();
            let mut lines = text.lines();
            assert_eq!(lines.next(), Some(COLUMNS.join(",").as_str()));
            let rows: Vec<&str> = lines.collect();
            assert_eq!(rows.len(), records.len());
            let smallest = smallest_class(rows.iter().copied());
            assert!(smallest.is_some_and(|n| n >= k as usize), "{smallest:?}");
            assert!(rows.iter().all(|r| r.split(',').count() == COLUMNS.len()));

            // 2025 alone: seven persons, one class of seven once only the year is left.
            let y2025 = client
                .send(get("/api/v1/monitor/htcds?from=2025&to=2025"))
                .await
                .json();
            assert_eq!(y2025["records_total"], 7);
            let kept = if k <= 7 { 7 } else { 0 };
            assert_eq!(y2025["records"].as_array().unwrap().len(), kept, "k={k}");
        }
        let ((suppressed_11, held_11), (suppressed_5, held_5)) = (seen[&11], seen[&5]);
        assert!(suppressed_5 < suppressed_11, "{seen:?}");
        assert!(
            suppressed_11 >= 7,
            "the persons of 2025 are too few for 11: {seen:?}"
        );
        assert!(
            held_5 > held_11,
            "a smaller k leaves more as held: {seen:?}"
        );

        // Every export is audited with its years, k and format.
        let audited = audit_of(&db, "monitor.export");
        assert_eq!(audited.len(), 6, "{backend:?}");
        assert!(audited.iter().any(|a| a.details
            == json!({ "from": 2025, "to": 2026, "k": 11, "format": "csv" })));
        assert!(audited.iter().any(|a| a.details["k"] == 5));

        let srv = test::init_service(app(state(&db, 11))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let token = client.token(&analyst.email).await;
        for (query, field) in [
            ("from=twee&to=2026", "from"),
            ("from=1899&to=2026", "from"),
            ("from=2026&to=2025", "to"),
            ("from=2000&to=2020", "to"),
            ("from=2026&to=2026&format=xml", "format"),
        ] {
            let uri = format!("/api/v1/monitor/htcds?{query}");
            let reply = client.send(bearer(request("GET", &uri), &token)).await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            assert_eq!(reply.problem(), "invalid_body", "{query}");
            assert_eq!(reply.json()["errors"][0]["field"], field, "{query}");
        }
        let missing = client
            .send(bearer(
                request("GET", "/api/v1/monitor/htcds?from=2026"),
                &token,
            ))
            .await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            audit_of(&db, "monitor.export").len(),
            6,
            "nothing asked, nothing read"
        );

        let other = client.token(&coordinator.email).await;
        let hidden = client
            .send(bearer(
                request("GET", "/api/v1/monitor/htcds?from=2026&to=2026"),
                &other,
            ))
            .await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);
        assert_eq!(hidden.problem(), "not_found");
        let audited = audit_of(&db, "monitor.export");
        assert_eq!(audited.len(), 7, "the refusal is audited too");
        assert_eq!(audited[0].outcome.as_str(), "denied");
    }
}
