//! Multiple systems estimation over HTTP: the United Kingdom's 2013 capture-history
//! table (`tests/data/mse/UKdat.csv`) recorded in the monitor as signals of six agency
//! kinds, one per list, and estimated through `GET /api/v1/monitor/estimate` with lists
//! that group those kinds: the published figures come back (the Home Office's 10,000 to
//! 13,000 from the stepwise model, 12,350 from the BIC model), with the overlap table
//! after disclosure control, the year's estimate for the chart, a CSV form; every
//! estimate is audited, bad parameters get a 422 naming them, and anyone but an analyst
//! gets 404.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{
    AgencyBuilder, Client, UserBuilder, audit_of, bearer, request, state_without_mfa,
};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_api::app;
use schakel_domain::{AgencyKind, Role};
use schakel_monitor::testing::{UK_KINDS, UK_LISTS as LISTS, record_histories, uk_table};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::Value;

/// Records one signal per list and person of the UK table, in June 2013.
fn record_uk_table(db: &TestDb) -> u64 {
    let mut conn = db.pool.get().unwrap();
    record_histories(&mut conn, &UK_KINDS, &uk_table(), "2013-06")
}

fn within(got: &Value, published: f64, share: f64) -> bool {
    let got = got.as_f64().unwrap();
    (got - published).abs() <= published * share
}

#[actix_web::test]
async fn the_uk_table_recorded_in_the_monitor_gives_the_published_estimates_to_the_analyst_only() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let rapporteur = AgencyBuilder::new(&db)
            .name("Bureau Nationaal Rapporteur")
            .kind(AgencyKind::Rapporteur)
            .create();
        UserBuilder::new(&db, &rapporteur)
            .email("an@nrm.example")
            .role(Role::Analyst)
            .create();
        UserBuilder::new(&db, &rapporteur)
            .email("co@nrm.example")
            .role(Role::Coordinator)
            .create();
        assert_eq!(record_uk_table(&db), 2744);
        let analyst = client.token("an@nrm.example").await;
        let coordinator = client.token("co@nrm.example").await;
        let lists = LISTS.replace('=', "%3D").replace(';', "%3B");
        let uri = |extra: &str| {
            format!("/api/v1/monitor/estimate?from=2013&to=2013&lists={lists}{extra}")
        };

        let reply = client
            .send(bearer(request("GET", &uri("")), &analyst))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{backend:?}: {reply:?}");
        let e = reply.json();
        let model = &e["estimate"]["model"];
        assert_eq!(
            model["terms"],
            serde_json::json!([
                "pf:nca", "la:ng", "ng:gp", "la:pf", "pf:gp", "go:gp", "ng:go"
            ]),
            "{backend:?}"
        );
        assert!(
            within(&model["profile"]["lower"], 10_000.0, 0.02),
            "{model}"
        );
        assert!(
            within(&model["profile"]["upper"], 13_000.0, 0.02),
            "{model}"
        );
        assert!(within(&model["total"], 11_418.0, 0.005), "{model}");
        assert_eq!(e["estimate"]["observed"], 2744);
        // Published counts are rounded down to multiples of 5, small cells suppressed.
        assert_eq!(e["registered"], 2740);
        let cells = e["overlap"].as_array().unwrap();
        let cell = |lists: &[&str]| {
            cells
                .iter()
                .find(|c| c["lists"] == serde_json::json!(lists))
                .unwrap_or_else(|| panic!("no cell {lists:?}"))["persons"]
                .clone()
        };
        assert_eq!(cell(&["pf"]), 905);
        assert_eq!(cell(&["la", "ng", "pf", "go"]), Value::Null);
        assert!(
            cells
                .iter()
                .all(|c| c["persons"].as_i64().is_none_or(|n| n >= 10 && n % 5 == 0))
        );
        assert_eq!(e["years"][0]["year"], 2013);
        assert!(within(&e["years"][0]["total"], 11_418.0, 0.005));
        assert!(e["refused"].is_null());

        // By BIC: Silverman, Chan & Vincent (2024), table 6: 12,350.
        let bic = client
            .send(bearer(request("GET", &uri("&method=bic")), &analyst))
            .await
            .json();
        assert!(
            within(&bic["estimate"]["model"]["total"], 12_350.0, 0.005),
            "{bic}"
        );

        // A model that cannot be estimated is refused with the reason, the table still given.
        let all_lists = "&method=fixed&model=la:ng%2Bla:pf%2Bng:pf%2Bla:go%2Bng:go%2Bpf:go%2Bla:gp%2Bng:gp%2Bpf:gp%2Bgo:gp%2Bla:nca%2Bng:nca%2Bpf:nca%2Bgo:nca%2Bgp:nca";
        let full = client
            .send(bearer(request("GET", &uri(all_lists)), &analyst))
            .await
            .json();
        assert!(full["estimate"].is_object(), "{full}");
        let two = "la=municipality;ng=ngo"
            .replace('=', "%3D")
            .replace(';', "%3B");
        let sparse = client
            .send(bearer(
                request("GET", &format!("/api/v1/monitor/estimate?from=2013&to=2013&lists={two}&method=fixed&model=la:ng")),
                &analyst,
            ))
            .await
            .json();
        assert!(sparse["estimate"].is_null(), "{sparse}");
        assert!(
            sparse["refused"]
                .as_str()
                .unwrap()
                .contains("not identifiable"),
            "{sparse}"
        );

        let csv = client
            .send(bearer(request("GET", &uri("&format=csv")), &analyst))
            .await;
        assert!(csv.header("content-type").starts_with("text/csv"));
        let text = String::from_utf8(csv.body.clone()).unwrap();
        assert!(
            text.starts_with("model,quantity,value,lower,upper\n"),
            "{text}"
        );
        assert!(text.contains("\n,registered,2740,,\n"), "{text}");
        assert!(text.contains("\nchosen,terms,pf:nca + la:ng"), "{text}");

        let audited = audit_of(&db, "monitor.estimate");
        assert_eq!(audited.len(), 5, "{backend:?}");
        assert!(
            audited.iter().all(|a| a.details["from"] == 2013),
            "{backend:?}"
        );
        let methods: Vec<&str> = audited
            .iter()
            .filter_map(|a| a.details["method"].as_str())
            .collect();
        for m in ["stepwise", "bic", "fixed"] {
            assert!(methods.contains(&m), "{methods:?}");
        }
        assert!(audited.iter().any(|a| a.details["lists"] == LISTS));

        for (extra, field) in [
            ("&method=fixed&model=la:xx", "model"),
            ("&stratum=shoe_size:42", "stratum"),
            ("&threshold=2", "threshold"),
            ("&bootstrap=5000", "bootstrap"),
        ] {
            let reply = client
                .send(bearer(request("GET", &uri(extra)), &analyst))
                .await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{extra}: {reply:?}"
            );
            assert!(
                reply.json()["errors"][0]["field"] == field,
                "{extra}: {:?}",
                reply.json()
            );
        }
        for (query, field) in [
            ("from=2013&to=2012", "to"),
            ("from=2013&to=2013&lists=a%3Dpolice%3Bb%3Dpolice", "lists"),
            ("from=2013&to=2013&lists=a%3Dpolice", "lists"),
        ] {
            let reply = client
                .send(bearer(
                    request("GET", &format!("/api/v1/monitor/estimate?{query}")),
                    &analyst,
                ))
                .await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            assert!(
                reply.json()["errors"][0]["field"] == field,
                "{query}: {:?}",
                reply.json()
            );
        }
        let hidden = client
            .send(bearer(request("GET", &uri("")), &coordinator))
            .await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);
        assert_eq!(
            audit_of(&db, "monitor.estimate").len(),
            6,
            "the refusal is audited too"
        );
    }
}
