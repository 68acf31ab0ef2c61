//! PostgreSQL restarting and stopping under load, on a cluster of the test's own: two
//! `schakel serve` instances and a `worker` keep running while clients create signals,
//! open cases, record a legal basis, refer and accept as fast as they can; the cluster
//! is crashed (`pg_ctl restart -m immediate`), then stopped for a while and started.
//!
//! Each client retries what got no answer or a 5xx with the same `Idempotency-Key`
//! (or, for an answer through `If-Match`, reads whether it happened) until answered.
//! Afterwards every acknowledged object is stored exactly once (the clients' own record
//! against the tables), every stored object has its one audit entry, nothing else was
//! created, the audit chain verifies, `/readyz` said "not ready" while the database was
//! gone and "ready" after, and the instances were never restarted.
//!
//! The test command runs it with a short stop (`FAULTS_HALT_SECS`, 5 s); `scripts/faults`
//! with 30 s. It prints its figures as a `faults:` line.

use schakel_e2e::api::token;
use schakel_e2e::cluster::Cluster;
use schakel_e2e::{Server, Worker, client, schakel};
use schakel_store::Backend;
use schakel_store::testing::selected_backends;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a client keeps retrying one step before the test fails.
const PATIENCE: Duration = Duration::from_secs(120);

/// What the clients saw, shared between them.
#[derive(Debug, Default)]
struct Record {
    signals: Vec<String>,
    cases: Vec<String>,
    referrals: Vec<String>,
    accepted: Vec<String>,
    /// Answers 5xx, and requests that got no answer at all.
    server_errors: u64,
    unanswered: u64,
    /// Milliseconds since the start of the run of the first acknowledgement after the
    /// database came back.
    first_after_resume_ms: Option<u64>,
}

struct Run {
    servers: Vec<Server>,
    caseworkers: Vec<String>,
    coordinators: Vec<String>,
    care_agency: String,
    record: Mutex<Record>,
    started: Instant,
    stop: AtomicBool,
    flows: AtomicU64,
    /// Milliseconds since the start when the database came back (`u64::MAX` before).
    resumed_ms: AtomicU64,
}

/// One request: its status and JSON answer, or `None` when no answer came.
fn send(
    server: &Server,
    token: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
    headers: &[(&str, &str)],
) -> Option<(u16, Value)> {
    let mut req = client()
        .request(method.parse().unwrap(), server.url(path))
        .timeout(Duration::from_secs(10))
        .bearer_auth(token);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    let res = req.send().ok()?;
    let status = res.status().as_u16();
    let text = res.text().ok()?;
    Some((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

impl Run {
    fn ack(&self) {
        let ms = self.started.elapsed().as_millis() as u64;
        if ms >= self.resumed_ms.load(Ordering::Relaxed) {
            let mut r = self.record.lock().unwrap();
            r.first_after_resume_ms.get_or_insert(ms);
        }
    }

    /// Sends until answered below 500; `done` may declare an answer 4xx a success
    /// (the step happened on an earlier attempt whose answer was lost).
    fn until_answered(
        &self,
        what: &str,
        mut attempt: impl FnMut() -> Option<(u16, Value)>,
        done: impl Fn(u16) -> bool,
    ) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            match attempt() {
                Some((status, body)) if status < 300 => {
                    self.ack();
                    return body;
                }
                Some((status, body)) if status < 500 => {
                    if done(status) {
                        self.ack();
                        return Value::Null;
                    }
                    panic!("{what}: answered {status}: {body}");
                }
                Some(_) => self.record.lock().unwrap().server_errors += 1,
                None => self.record.lock().unwrap().unanswered += 1,
            }
            assert!(
                Instant::now() < deadline,
                "{what}: no answer within {PATIENCE:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Creates at `path` through `server` as `token` with the Idempotency-Key `key`,
    /// sent again until answered: a lost answer is replayed, never made twice.
    fn create(
        &self,
        what: &str,
        (server, token): (&Server, &str),
        path: &str,
        body: &Value,
        key: &str,
    ) -> Value {
        let headers = [("Idempotency-Key", key)];
        self.until_answered(
            what,
            || send(server, token, "POST", path, Some(body), &headers),
            |_| false,
        )
    }

    /// A signal, a case from it, a legal basis, a referral through one instance and its
    /// acceptance through the other.
    fn flow(&self, client_no: usize, n: u64) {
        let (a, b) = (
            (n as usize + client_no) % 2,
            (n as usize + client_no + 1) % 2,
        );
        let (server, cw) = (&self.servers[a], &self.caseworkers[a]);
        let key = |step: &str| format!("fault-{client_no}-{n}-{step}");
        let signal = json!({
            "observed_on": "2026-02-01", "region": "midden_nederland",
            "exploitation_forms": ["labour"], "reporting_basis": "consent",
            "person": {"identity": {"given_names": format!("Persoon{client_no}x{n}"),
                "family_name": "Storingstest", "date_of_birth": "1990-01-01"}, "gender": "female"},
        });
        let signal = self.create(
            "signal",
            (server, cw),
            "/api/v1/signals",
            &signal,
            &key("signal"),
        );
        let signal_id = signal["id"].as_str().unwrap().to_owned();
        let body = json!({ "signal_id": signal_id });
        let case = self.create("case", (server, cw), "/api/v1/cases", &body, &key("case"));
        let case_id = case["id"].as_str().unwrap().to_owned();
        let basis = json!({
            "kind": "legal_basis", "recipient_kinds": ["care"], "purposes": ["care_coordination"],
            "legal_basis": "vital_interest", "reason": "Acuut gevaar", "given_on": "2026-02-02",
        });
        let path = format!("/api/v1/cases/{case_id}/consents");
        let version = format!("\"{}\"", case["version"].as_i64().unwrap_or(1));
        // A lost answer leaves the case a version further: the legal basis is there.
        self.until_answered(
            "legal basis",
            || {
                send(
                    server,
                    cw,
                    "POST",
                    &path,
                    Some(&basis),
                    &[("If-Match", &version)],
                )
            },
            |status| status == 412 && self.has_basis(server, cw, &case_id),
        );
        let body = json!({ "to_agency_id": self.care_agency, "purpose": "care_coordination",
                           "urgency": "urgent" });
        let path = format!("/api/v1/cases/{case_id}/referrals");
        let referral = self.create("referral", (server, cw), &path, &body, &key("referral"));
        let referral_id = referral["id"].as_str().unwrap().to_owned();
        let (other, co) = (&self.servers[b], &self.coordinators[b]);
        let path = format!("/api/v1/referrals/{referral_id}/accept");
        self.until_answered(
            "acceptance",
            || send(other, co, "POST", &path, None, &[("If-Match", "\"1\"")]),
            |status| {
                matches!(status, 409 | 412) && self.state_of(other, co, &referral_id) == "accepted"
            },
        );
        let mut r = self.record.lock().unwrap();
        r.signals.push(signal_id);
        r.cases.push(case_id);
        r.referrals.push(referral_id.clone());
        r.accepted.push(referral_id);
    }

    fn has_basis(&self, server: &Server, token: &str, case_id: &str) -> bool {
        let path = format!("/api/v1/cases/{case_id}");
        let case = self.until_answered(
            "case read",
            || send(server, token, "GET", &path, None, &[]),
            |_| false,
        );
        case["consents"].as_array().is_some_and(|c| !c.is_empty())
    }

    fn state_of(&self, server: &Server, token: &str, referral_id: &str) -> String {
        let path = format!("/api/v1/referrals/{referral_id}");
        let r = self.until_answered(
            "referral read",
            || send(server, token, "GET", &path, None, &[]),
            |_| false,
        );
        r["state"].as_str().unwrap_or_default().to_owned()
    }
}

/// Whether `/readyz` of `server` answers 200 now.
fn ready(server: &Server) -> bool {
    client()
        .get(server.url("/readyz"))
        .timeout(Duration::from_secs(2))
        .send()
        .is_ok_and(|r| r.status().is_success())
}

/// One number from the cluster.
fn count(url: &str, sql: &str) -> i64 {
    let out = std::process::Command::new("psql")
        .args([url, "-tAqc", sql])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

fn in_list(ids: &[String]) -> String {
    ids.iter()
        .map(|i| format!("'{i}'"))
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn postgresql_restarting_and_stopping_under_load_loses_and_duplicates_nothing() {
    if !selected_backends().contains(&Backend::Postgres) {
        return; // The PostgreSQL leg runs it (on a cluster of its own).
    }
    let halt_secs: u64 = std::env::var("FAULTS_HALT_SECS").map_or(5, |s| s.parse().unwrap());
    let clients: usize = 4;
    let cluster = Cluster::start();
    let quiet = [
        ("SCHAKEL_MAIL__DISPATCH", "false"),
        ("SCHAKEL_DATABASE__CONNECT_TIMEOUT_SECS", "2"),
    ];
    let one = Server::start_with(&cluster.url, &["--demo"], &quiet);
    let two = Server::start_beside(&one, &cluster.url, &["--demo"], &quiet);
    let _worker = Worker::start(
        one.dir.path(),
        "worker",
        &cluster.url,
        &[("SCHAKEL_DATABASE__CONNECT_TIMEOUT_SECS", "2")],
    );
    let caseworkers = [&one, &two]
        .map(|s| token(s, "caseworker@demo.schakel.invalid"))
        .to_vec();
    let coordinators = [&one, &two]
        .map(|s| token(s, "coordinator@demo.schakel.invalid"))
        .to_vec();
    let care_agency = care_agency_id(&cluster.url);
    let baseline = |table: &str| count(&cluster.url, &format!("SELECT count(*) FROM {table}"));
    let before = ["signals", "cases", "referrals"].map(baseline);
    let audit_before = audit_counts(&cluster.url);
    let run = Arc::new(Run {
        servers: vec![one, two],
        caseworkers,
        coordinators,
        care_agency,
        record: Mutex::new(Record::default()),
        started: Instant::now(),
        stop: AtomicBool::new(false),
        flows: AtomicU64::new(0),
        resumed_ms: AtomicU64::new(u64::MAX),
    });
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let run = Arc::clone(&run);
            std::thread::spawn(move || {
                while !run.stop.load(Ordering::Relaxed) {
                    let n = run.flows.fetch_add(1, Ordering::Relaxed);
                    run.flow(c, n);
                }
            })
        })
        .collect();

    std::thread::sleep(Duration::from_secs(3));
    cluster.crash();
    let crashed_at = run.started.elapsed();
    std::thread::sleep(Duration::from_secs(4));
    cluster.halt();
    let mut unready_seen = [false, false];
    let halt_end = Instant::now() + Duration::from_secs(halt_secs);
    while Instant::now() < halt_end {
        for (i, s) in run.servers.iter().enumerate() {
            unready_seen[i] |= !ready(s);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    cluster.resume();
    let resumed_ms = run.started.elapsed().as_millis() as u64;
    run.resumed_ms.store(resumed_ms, Ordering::Relaxed);
    std::thread::sleep(Duration::from_secs(4));
    run.stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().expect("a client ran to the end");
    }
    let r = run.record.lock().unwrap();
    assert!(
        unready_seen.iter().all(|s| *s),
        "/readyz said not ready while the database was stopped"
    );
    assert!(run.servers.iter().all(ready), "/readyz says ready again");
    let acked = r.signals.len();
    assert!(acked > 0, "clients were acknowledged");
    let recovered_ms = r
        .first_after_resume_ms
        .expect("a write acknowledged after the database came back")
        - resumed_ms;

    // Every acknowledged object stored once; nothing else made.
    let url = &cluster.url;
    let mut lost = 0;
    let mut duplicated = 0;
    for ((table, ids), before) in [
        ("signals", &r.signals),
        ("cases", &r.cases),
        ("referrals", &r.referrals),
    ]
    .into_iter()
    .zip(before)
    {
        let stored = count(
            url,
            &format!(
                "SELECT count(*) FROM {table} WHERE id IN ({})",
                in_list(ids)
            ),
        );
        lost += ids.len() as i64 - stored;
        duplicated +=
            count(url, &format!("SELECT count(*) FROM {table}")) - before - ids.len() as i64;
    }
    let accepted = count(
        url,
        &format!(
            "SELECT count(*) FROM referrals WHERE state = 'accepted' AND id IN ({})",
            in_list(&r.accepted)
        ),
    );
    lost += r.accepted.len() as i64 - accepted;
    // Each stored object has its one audit entry: no step half-made.
    let audit_after = audit_counts(url);
    let made = [
        r.signals.len(),
        r.cases.len(),
        r.referrals.len(),
        r.accepted.len(),
    ];
    for ((code, b), (a, n)) in AUDITED
        .iter()
        .zip(audit_before)
        .zip(audit_after.into_iter().zip(made))
    {
        assert_eq!(a - b, n as i64, "one {code} entry per acknowledged step");
    }
    eprintln!(
        "faults: postgresql crash and {halt_secs} s stop: {acked} flows ({} requests) acknowledged, \
         lost {lost}, duplicated {duplicated}; {} answers 5xx and {} unanswered during the faults; \
         ready again and writing {:.1} s after the database (crash at {:.1} s)",
        acked * 5,
        r.server_errors,
        r.unanswered,
        recovered_ms as f64 / 1000.0,
        crashed_at.as_secs_f64()
    );
    assert_eq!(
        (lost, duplicated),
        (0, 0),
        "nothing lost, nothing duplicated"
    );

    // The chain intact once every entry is sealed.
    let one = &run.servers[0];
    for args in [["audit", "seal"], ["audit", "verify"]] {
        let out = schakel(one.dir.path())
            .args(args)
            .env("SCHAKEL_DATABASE__URL", url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The audit codes of the steps, in the order of [`audit_counts`].
const AUDITED: [&str; 4] = [
    "signal.create",
    "case.create",
    "referral.create",
    "referral.accept",
];

fn audit_counts(url: &str) -> [i64; 4] {
    AUDITED.map(|code| {
        count(
            url,
            &format!(
                "SELECT count(*) FROM audit_entries WHERE action = '{code}' AND outcome = 'success'"
            ),
        )
    })
}

/// The id of the demo's care coordination agency.
fn care_agency_id(url: &str) -> String {
    let out = std::process::Command::new("psql")
        .args([
            url,
            "-tAqc",
            "SELECT id FROM agencies WHERE kind = 'care_coordination' ORDER BY name LIMIT 1",
        ])
        .output()
        .expect("psql runs");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}
