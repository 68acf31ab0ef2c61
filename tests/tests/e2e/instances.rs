//! Schakel as it runs in production: several `schakel serve` instances and one
//! `schakel worker` on one database, and instances stopped with SIGTERM while clients
//! keep writing.
//!
//! Two instances (dispatching nothing themselves) share the demo's database and keys;
//! referrals are created through one and accepted through the other, alternately. The
//! worker beside them must deliver every email exactly once to the test SMTP server and
//! hand every monitor event to the monitor exactly once; both instances must then show
//! the same state and the audit trail must be intact.
//!
//! Under load, SIGTERM must lose no request that was answered as accepted, answer none
//! with a server error, and leave no outbox row that a restarted instance cannot deliver.

use schakel_e2e::api::{call, token};
use schakel_e2e::mail::{borrowed, mail_env, smtp};
use schakel_e2e::{Server, Worker, client, schakel};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const REFERRALS: usize = 12;

/// A signal about a named person, a case from it, a legal basis for care and a referral
/// to the care coordination agency, all through `server`; returns the referral's id.
fn refer(server: &Server, caseworker: &str, i: usize) -> String {
    let signal = json!({
        "observed_on": "2026-02-01",
        "region": "midden_nederland",
        "exploitation_forms": ["labour"],
        "reporting_basis": "consent",
        "person": {
            "identity": {
                "given_names": format!("Persoon{i}"),
                "family_name": "Instantietest",
                "date_of_birth": "1990-01-01"
            },
            "gender": "female"
        }
    });
    let (status, signal, _) = call(
        server,
        caseworker,
        "POST",
        "/api/v1/signals",
        Some(signal),
        None,
    );
    assert_eq!(status, 201, "{signal}");
    let (status, case, etag) = call(
        server,
        caseworker,
        "POST",
        "/api/v1/cases",
        Some(json!({ "signal_id": signal["id"] })),
        None,
    );
    assert_eq!(status, 201, "{case}");
    let case_id = case["id"].as_str().unwrap().to_owned();
    let (status, body, _) = call(
        server,
        caseworker,
        "POST",
        &format!("/api/v1/cases/{case_id}/consents"),
        Some(json!({
            "kind": "legal_basis", "recipient_kinds": ["care"], "purposes": ["care_coordination"],
            "legal_basis": "vital_interest", "reason": "Acuut gevaar",
            "given_on": "2026-02-02"
        })),
        Some(&etag),
    );
    assert_eq!(status, 201, "{body}");
    let (_, directory, _) = call(
        server,
        caseworker,
        "GET",
        "/api/v1/directory/agencies?kind=care_coordination",
        None,
        None,
    );
    let (status, referral, _) = call(
        server,
        caseworker,
        "POST",
        &format!("/api/v1/cases/{case_id}/referrals"),
        Some(
            json!({ "to_agency_id": directory[0]["id"], "purpose": "care_coordination",
                     "urgency": "urgent" }),
        ),
        None,
    );
    assert_eq!(status, 201, "{referral}");
    referral["id"].as_str().unwrap().to_owned()
}

/// The Message-IDs the test SMTP server received, each with how often.
fn message_ids(maildev: &str) -> BTreeMap<String, usize> {
    let all: Vec<Value> = client()
        .get(format!("{maildev}/email"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let mut ids = BTreeMap::new();
    for m in all {
        if let Some(id) = m["headers"]["message-id"].as_str() {
            *ids.entry(id.to_owned()).or_default() += 1;
        }
    }
    ids
}

/// The part of a Message-ID that names its mail_queue row (`<id@host>` or
/// `<digest.id@host>`).
fn row_of(message_id: &str) -> &str {
    let inner = message_id.trim_start_matches('<');
    let inner = inner.split('@').next().unwrap_or_default();
    inner.trim_start_matches("digest.")
}

#[test]
fn two_instances_and_a_worker_deliver_everything_exactly_once_and_agree() {
    let Some((port, maildev)) = smtp() else {
        return;
    };
    for backend in selected_backends() {
        let db = TestDb::unmigrated(backend);
        let env = mail_env(&port, false);
        let one = Server::start_with(db.url(), &["--demo"], &borrowed(&env));
        // Both as the demo (which seeds once), so the demo's logins need no second factor.
        let two = Server::start_beside(&one, db.url(), &["--demo"], &borrowed(&env));
        let worker_env = mail_env(&port, true);
        let worker = Worker::start(one.dir.path(), "worker", db.url(), &borrowed(&worker_env));
        let servers = [&one, &two];
        let caseworkers: Vec<String> = servers
            .iter()
            .map(|s| token(s, "caseworker@demo.schakel.invalid"))
            .collect();
        let coordinators: Vec<String> = servers
            .iter()
            .map(|s| token(s, "coordinator@demo.schakel.invalid"))
            .collect();

        let mut referrals = Vec::new();
        for i in 0..REFERRALS {
            let (a, b) = (i % 2, (i + 1) % 2);
            let id = refer(servers[a], &caseworkers[a], i);
            let (status, body, _) = call(
                servers[b],
                &coordinators[b],
                "POST",
                &format!("/api/v1/referrals/{id}/accept"),
                None,
                Some("\"1\""),
            );
            assert_eq!(
                status, 200,
                "{backend:?}: accepted through the other instance: {body}"
            );
            referrals.push(id);
        }

        // The worker drains the outbox: every row done, every email sent.
        let started = Instant::now();
        let deadline = Instant::now() + Duration::from_secs(60);
        let open = || {
            db.count("SELECT COUNT(*) AS n FROM outbox WHERE state <> 'done'")
                + db.count("SELECT COUNT(*) AS n FROM mail_queue WHERE state <> 'sent'")
        };
        while open() > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(
            open(),
            0,
            "{backend:?}: the worker delivered everything: {}",
            worker.log()
        );
        let drained = started.elapsed();
        for s in servers {
            assert!(
                !s.stderr().contains("outbox dispatched"),
                "{backend:?}: an instance dispatched although it was told not to"
            );
        }

        // Every email exactly once: each sent row's message arrived once, none twice.
        std::thread::sleep(Duration::from_millis(300));
        let rows: BTreeSet<String> = {
            use diesel::prelude::*;
            use schakel_store::schema::mail_queue;
            let mut conn = db.pool.get().unwrap();
            mail_queue::table
                .select(mail_queue::id)
                .load::<String>(&mut conn)
                .unwrap()
                .into_iter()
                .collect()
        };
        assert!(rows.len() >= REFERRALS, "{backend:?}: emails were queued");
        let ours: BTreeMap<String, usize> = message_ids(&maildev)
            .into_iter()
            .filter(|(id, _)| rows.contains(row_of(id)))
            .collect();
        let twice: Vec<_> = ours.iter().filter(|(_, n)| **n != 1).collect();
        assert!(
            twice.is_empty(),
            "{backend:?}: delivered more than once: {twice:?}"
        );
        let undigested = db.count("SELECT COUNT(*) AS n FROM mail_queue WHERE NOT digest");
        let plain =
            i64::try_from(ours.keys().filter(|id| !id.contains("digest.")).count()).unwrap();
        assert_eq!(
            plain, undigested,
            "{backend:?}: every email that is not a digest arrived"
        );

        // Every monitor event exactly once: one counted event per monitor outbox row.
        let events = db.count("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'monitor'");
        assert!(
            events >= i64::try_from(REFERRALS * 4).unwrap(),
            "{backend:?}: signals, cases, referrals sent and accepted made monitor events"
        );
        assert_eq!(
            db.count("SELECT COUNT(DISTINCT event_id) AS n FROM monitor_facts"),
            events,
            "{backend:?}: each monitor event counted"
        );
        assert_eq!(
            db.count(
                "SELECT COUNT(*) AS n FROM outbox o WHERE o.channel = 'monitor' AND NOT EXISTS \
                 (SELECT 1 FROM monitor_facts f WHERE f.event_id = o.id)"
            ),
            0,
            "{backend:?}: the counted events are the outbox's"
        );
        assert_eq!(
            db.count("SELECT CAST(COALESCE(SUM(events), 0) AS BIGINT) AS n FROM monitor_months"),
            events,
            "{backend:?}: the months count each event once"
        );

        // Both instances show the same state; the trail written by both is one chain.
        for id in &referrals {
            let views: Vec<(String, String)> = servers
                .iter()
                .zip(&coordinators)
                .map(|(s, t)| {
                    let (status, r, etag) =
                        call(s, t, "GET", &format!("/api/v1/referrals/{id}"), None, None);
                    assert_eq!(status, 200);
                    (r["state"].as_str().unwrap().to_owned(), etag)
                })
                .collect();
            assert_eq!(
                views[0], views[1],
                "{backend:?}: the instances agree on {id}"
            );
            assert_eq!(views[0].0, "accepted", "{backend:?}: {id}");
        }
        eprintln!(
            "{backend:?}: {REFERRALS} referrals through two instances; {} emails and {events} \
             monitor events delivered once each by one worker, the last {:.1} s after the \
             last acceptance",
            ours.len(),
            drained.as_secs_f64()
        );
        let verify = schakel(one.dir.path())
            .args(["audit", "verify"])
            .env("SCHAKEL_DATABASE__URL", db.url())
            .output()
            .unwrap();
        assert!(
            verify.status.success(),
            "{backend:?}: audit verify: {}{}",
            String::from_utf8_lossy(&verify.stdout),
            String::from_utf8_lossy(&verify.stderr)
        );
    }
}

/// Clients creating anonymous signals as fast as they can until the server is gone:
/// the ids of the signals answered `201`, and every other answer's status.
fn hammer(server: &Server, token: &str, stop: &AtomicBool) -> (Vec<String>, Vec<u16>) {
    let http = client();
    let (mut created, mut others) = (Vec::new(), Vec::new());
    while !stop.load(Ordering::Relaxed) {
        let res = http
            .post(server.url("/api/v1/signals"))
            .bearer_auth(token)
            .json(&json!({
                "observed_on": "2026-03-01", "region": "amsterdam",
                "exploitation_forms": ["sexual"], "reporting_basis": "anonymous",
                "summary": "Gezien bij het station"
            }))
            .send();
        match res {
            Ok(r) if r.status() == 201 => {
                let v: Value = r.json().unwrap();
                created.push(v["id"].as_str().unwrap().to_owned());
            }
            Ok(r) => others.push(r.status().as_u16()),
            // The server has closed its listener: nothing was accepted.
            Err(_) => return (created, others),
        }
    }
    (created, others)
}

#[test]
fn sigterm_under_load_loses_no_accepted_request_and_strands_no_outbox_row() {
    for backend in selected_backends() {
        let db = TestDb::unmigrated(backend);
        let server = Server::start_with(db.url(), &["--demo"], &[]);
        let caseworker = token(&server, "caseworker@demo.schakel.invalid");
        let stop = Arc::new(AtomicBool::new(false));
        let results = std::thread::scope(|scope| {
            let clients: Vec<_> = (0..4)
                .map(|_| scope.spawn(|| hammer(&server, &caseworker, &stop)))
                .collect();
            std::thread::sleep(Duration::from_millis(1500));
            server.terminate();
            // Clients stop by themselves once the listener is closed; this is a bound.
            std::thread::sleep(Duration::from_secs(5));
            stop.store(true, Ordering::Relaxed);
            clients
                .into_iter()
                .map(|c| c.join().unwrap())
                .collect::<Vec<_>>()
        });
        let status = server.wait();
        assert!(
            status.success(),
            "{backend:?}: exits cleanly after SIGTERM: {status}"
        );
        let created: Vec<String> = results.iter().flat_map(|(c, _)| c.clone()).collect();
        let others: Vec<u16> = results.iter().flat_map(|(_, o)| o.clone()).collect();
        assert!(
            created.len() > 10,
            "{backend:?}: the load ran ({} signals)",
            created.len()
        );
        assert!(
            others.iter().all(|s| *s < 500),
            "{backend:?}: no server error while stopping: {others:?}"
        );
        // Every signal answered 201 is stored.
        let stored = {
            use diesel::prelude::*;
            use schakel_store::schema::signals;
            let mut conn = db.pool.get().unwrap();
            signals::table
                .select(signals::id)
                .load::<String>(&mut conn)
                .unwrap()
                .into_iter()
                .collect::<BTreeSet<String>>()
        };
        let lost: Vec<&String> = created.iter().filter(|id| !stored.contains(*id)).collect();
        let pending = || db.count("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'");
        assert!(
            lost.is_empty(),
            "{backend:?}: accepted but not stored: {lost:?}"
        );
        // A restarted instance delivers every outbox row: none is stranded in a claim.
        let left = pending();
        let restarted = Instant::now();
        let again = Server::start(db.url(), &[]);
        let deadline = Instant::now() + Duration::from_secs(30);
        while pending() > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(
            pending(),
            0,
            "{backend:?}: outbox rows left behind: {}",
            again.stderr()
        );
        assert_eq!(
            db.count("SELECT COUNT(*) AS n FROM outbox WHERE state = 'failed'"),
            0,
            "{backend:?}: no outbox row failed"
        );
        eprintln!(
            "{backend:?}: SIGTERM under load from 4 clients: {} signals answered 201 and all \
             stored, {} other answers (none 5xx), {left} outbox rows pending at exit, \
             delivered {:.1} s after a restart",
            created.len(),
            others.len(),
            restarted.elapsed().as_secs_f64()
        );
    }
}
