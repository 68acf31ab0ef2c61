//! The demo's world through the real binary, on every backend: `serve --demo` makes its
//! fictional persons of the last two years within 30 seconds of starting, and the
//! monitor then shows figures that are not suppressed in every table of the analyst's
//! dashboard (persons by quarter and form, referrals between kinds of agency with their
//! time to answer, persons by age band and by gender).

use chrono::{Datelike, Duration, Utc};
use schakel_e2e::Server;
use schakel_e2e::api::{call, token};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::Value;
use std::time::Instant;

/// Whether a table holds a published cell of `measure` (not a total, not suppressed,
/// not zero).
fn shows(table: &Value, measure: &str) -> bool {
    table["cells"].as_array().is_some_and(|cells| {
        cells.iter().any(|c| {
            c["measure"] == measure
                && c["suppressed"].is_null()
                && c["value"].as_i64().is_some_and(|v| v > 0)
                && !c["keys"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|x| x == "all"))
        })
    })
}

#[test]
fn the_demo_world_fills_every_panel_of_the_dashboard_within_thirty_seconds() {
    for backend in selected_backends() {
        let db = TestDb::unmigrated(backend);
        let started = Instant::now();
        let server = Server::start_with(
            db.url(),
            &["--demo"],
            &[("SCHAKEL_DEMO__WORLD_PERSONS", "300")],
        );
        let took = started.elapsed();
        assert!(
            took.as_secs() < 30,
            "{backend:?}: ready after {took:?}\n{}",
            server.stdout()
        );
        assert!(
            server
                .stdout()
                .contains("Demo world: 300 fictional persons")
        );
        let analyst = token(&server, "analyst@demo.schakel.invalid");
        let today = Utc::now();
        let from = today - Duration::days(730);
        let period = format!(
            "from={}-{:02}&to={}-{:02}",
            from.year(),
            from.month(),
            today.year(),
            today.month()
        );
        let panels = [
            (
                "counts?measure=persons&by=period,exploitation_form",
                "persons",
            ),
            ("counts?measure=persons&by=age_band", "persons"),
            ("counts?measure=persons&by=gender", "persons"),
            ("flows?", "sent"),
            ("flows?", "median_hours_to_answer"),
        ];
        // The monitor counts what the outbox carries to it: give the sink a moment.
        let deadline = Instant::now() + std::time::Duration::from_secs(60);
        let mut missing: Vec<&str> = panels.iter().map(|p| p.0).collect();
        while !missing.is_empty() {
            missing.clear();
            for (query, measure) in panels {
                let sep = if query.ends_with('?') { "" } else { "&" };
                let path = format!("/api/v1/monitor/{query}{sep}{period}");
                let (status, table, _) = call(&server, &analyst, "GET", &path, None, None);
                assert_eq!(status, 200, "{path}: {table}");
                if !shows(&table, measure) {
                    missing.push(query);
                }
            }
            assert!(
                Instant::now() < deadline,
                "{backend:?}: no published figure in {missing:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
    }
}
