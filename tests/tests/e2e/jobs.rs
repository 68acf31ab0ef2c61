//! The platform's scheduled jobs as the running binary runs them, on every backend: a
//! referral left unanswered past its deadline brings the receiving agency's coordinators
//! a reminder and, past the escalation delay, both agencies' coordinators an escalation,
//! each delivered once at the test SMTP server; retention erases a signal never opened
//! as a case and deletes an expired stored idempotent answer. Once with `serve` running the jobs,
//! once with `serve` only serving and `schakel worker` running them.

use schakel_e2e::api::{call, token};
use schakel_e2e::mail::{borrowed, mail_env, smtp};
use schakel_e2e::{Server, Worker, client};
use schakel_store::Backend;
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const SHELTER: &str = "shelter@demo.schakel.invalid";
const COORDINATOR: &str = "coordinator@demo.schakel.invalid";

/// Who runs the jobs.
#[derive(Debug, Clone, Copy)]
enum Runner {
    Serve,
    Worker,
}

/// Settings that make the jobs run every second, escalate an hour after the deadline,
/// expire only after 90 days and erase what is older than a day.
fn job_env() -> Vec<(&'static str, String)> {
    vec![
        ("SCHAKEL_CASEWORK__EXPIRY_INTERVAL_SECS", "1".into()),
        ("SCHAKEL_CASEWORK__RETENTION_INTERVAL_SECS", "1".into()),
        ("SCHAKEL_CASEWORK__ESCALATION_HOURS", "1".into()),
        ("SCHAKEL_CASEWORK__EXPIRY_HOURS", "2160".into()),
        ("SCHAKEL_CASEWORK__RETENTION_DAYS", "1".into()),
    ]
}

/// `env` with `key` set to `value` (replacing an earlier setting).
fn with(
    mut env: Vec<(&'static str, String)>,
    key: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    env.retain(|(k, _)| *k != key);
    env.push((key, value.into()));
    env
}

/// A SQL expression for "`days` days ago" in the backend's timestamp format.
fn days_ago(backend: Backend, days: u32) -> String {
    match backend {
        Backend::Sqlite => format!("strftime('%Y-%m-%d %H:%M:%f', 'now', '-{days} days')"),
        Backend::Postgres => format!("(now() at time zone 'utc') - interval '{days} days'"),
    }
}

/// The delivered messages whose text names `needle`: (recipient, subject) of each.
fn delivered(maildev: &str, needle: &str) -> Vec<(String, String)> {
    let all: Vec<Value> = client()
        .get(format!("{maildev}/email"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    all.iter()
        .filter(|m| m["text"].as_str().is_some_and(|t| t.contains(needle)))
        .map(|m| {
            (
                m["to"][0]["address"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                m["subject"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The demo coordinator logs a signal, opens a case and refers it to the shelter;
/// returns the referral's id.
fn unanswered_referral(server: &Server, coord: &str) -> String {
    let signal = json!({
        "observed_on": "2026-03-01", "region": "midden_nederland",
        "exploitation_forms": ["labour"], "reporting_basis": "consent",
        "person": { "identity": { "given_names": "Taak", "family_name": "Proef",
                                  "date_of_birth": "1990-01-01" }, "gender": "male" }
    });
    let (status, signal, _) = call(server, coord, "POST", "/api/v1/signals", Some(signal), None);
    assert_eq!(status, 201, "{signal}");
    let (status, case, _) = call(
        server,
        coord,
        "POST",
        "/api/v1/cases",
        Some(json!({ "signal_id": signal["id"] })),
        None,
    );
    assert_eq!(status, 201, "{case}");
    let (_, shelters, _) = call(
        server,
        coord,
        "GET",
        "/api/v1/directory/agencies?kind=shelter_categorical",
        None,
        None,
    );
    let path = format!("/api/v1/cases/{}/referrals", case["id"].as_str().unwrap());
    let body =
        json!({ "to_agency_id": shelters[0]["id"], "purpose": "shelter", "urgency": "normal" });
    let (status, referral, _) = call(server, coord, "POST", &path, Some(body), None);
    assert_eq!(status, 201, "{referral}");
    referral["id"].as_str().unwrap().to_owned()
}

/// A signal with an `Idempotency-Key`: the status of the answer and its body.
fn post_signal_once(server: &Server, coord: &str, key: &str) -> (u16, String) {
    let res = client()
        .post(server.url("/api/v1/signals"))
        .bearer_auth(coord)
        .header("Idempotency-Key", key)
        .json(&json!({
            "observed_on": "2026-03-02", "region": "noord_nederland",
            "exploitation_forms": ["sexual"], "reporting_basis": "anonymous",
            "summary": "Onbewerkt signaal voor de bewaartermijn."
        }))
        .send()
        .unwrap();
    (res.status().as_u16(), res.text().unwrap())
}

/// Waits up to `secs` seconds for `done`.
fn eventually(secs: u64, mut done: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < until {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    done()
}

fn run(backend: Backend, runner: Runner, port: &str, maildev: &str) {
    let db = TestDb::unmigrated(backend);
    let jobs = [mail_env(port, true), job_env()].concat();
    let jobs = with(jobs, "SCHAKEL_CASEWORK__RUN_JOBS", "true");
    let (server, _worker) = match runner {
        Runner::Serve => (
            Server::start_with(db.url(), &["--demo"], &borrowed(&jobs)),
            None,
        ),
        Runner::Worker => {
            // The server neither runs the jobs nor sends mail: only the worker does.
            let quiet = with(job_env(), "SCHAKEL_CASEWORK__RUN_JOBS", "false");
            let quiet = with(quiet, "SCHAKEL_MAIL__DISPATCH", "false");
            let server = Server::start_with(db.url(), &["--demo"], &borrowed(&quiet));
            let worker = Worker::start(server.dir.path(), "worker", db.url(), &borrowed(&jobs));
            (server, Some(worker))
        }
    };
    let coord = token(&server, COORDINATOR);
    let rid = unanswered_referral(&server, &coord);
    let (status, body) = post_signal_once(&server, &coord, "bewaar-1");
    assert_eq!(status, 201, "{body}");
    let (status, signals, _) = call(&server, &coord, "GET", "/api/v1/signals", None, None);
    assert_eq!(status, 200);
    let unopened = signals["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["region"] == "noord_nederland")
        .expect("the unopened signal is listed")["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Ten days past the deadline: past the escalation delay, not yet expired.
    db.execute_raw(&format!(
        "UPDATE referrals SET deadline_at = {} WHERE id = '{rid}'",
        days_ago(backend, 10)
    ));
    // Logged three days ago (retention is one day) and never opened as a case; its
    // stored idempotent answer two days old.
    db.execute_raw(&format!(
        "UPDATE signals SET created_at = {} WHERE id = '{unopened}'",
        days_ago(backend, 3)
    ));
    db.execute_raw(&format!(
        "UPDATE idempotency_keys SET created_at = {0}, expires_at = {0} WHERE key = 'bewaar-1'",
        days_ago(backend, 2)
    ));

    let expected = [
        (SHELTER.to_owned(), "Schakel: nieuwe verwijzing".to_owned()),
        (
            SHELTER.to_owned(),
            "Schakel: een verwijzing wacht op antwoord".to_owned(),
        ),
        (
            SHELTER.to_owned(),
            "Schakel: verwijzing nog steeds onbeantwoord".to_owned(),
        ),
        (
            COORDINATOR.to_owned(),
            "Schakel: verwijzing nog steeds onbeantwoord".to_owned(),
        ),
    ];
    let arrived = eventually(30, || {
        let got = delivered(maildev, &rid);
        expected.iter().all(|e| got.contains(e))
    });
    assert!(
        arrived,
        "{backend:?} {runner:?}: reminder and escalation delivered: {:?}\n{}",
        delivered(maildev, &rid),
        server.stderr()
    );
    // Several more runs of the job send nothing again (beside the reminder and the
    // escalations, only the new referral's own notice was sent).
    std::thread::sleep(Duration::from_secs(3));
    let mut got = delivered(maildev, &rid);
    got.sort();
    let mut want = expected.to_vec();
    want.sort();
    assert_eq!(got, want, "{backend:?} {runner:?}: each message once");
    let (_, referral, _) = call(
        &server,
        &coord,
        "GET",
        &format!("/api/v1/referrals/{rid}"),
        None,
        None,
    );
    assert_eq!(referral["state"], "sent", "not expired: {referral}");

    let erased = eventually(30, || {
        db.count(&format!(
            "SELECT COUNT(*) AS n FROM signals WHERE id = '{unopened}' AND erased_at IS NOT NULL AND summary IS NULL"
        )) == 1
    });
    assert!(
        erased,
        "{backend:?} {runner:?}: the unopened signal is erased"
    );
    // The stored answer (which holds the signal as it was answered) is deleted, not
    // only ignored.
    let purged = eventually(30, || {
        db.count("SELECT COUNT(*) AS n FROM idempotency_keys WHERE key = 'bewaar-1'") == 0
    });
    assert!(
        purged,
        "{backend:?} {runner:?}: the expired idempotent answer was deleted"
    );
}

#[test]
fn the_running_binary_reminds_escalates_and_erases_once_each() {
    let Some((port, maildev)) = smtp() else {
        return;
    };
    for backend in selected_backends() {
        for runner in [Runner::Serve, Runner::Worker] {
            run(backend, runner, &port, &maildev);
        }
    }
}
