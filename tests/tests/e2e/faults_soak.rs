//! A soak: `schakel serve` under steady mixed load — signals logged, cases opened with
//! a legal basis, referrals sent and accepted, case lists, case pages, the monitor's
//! tables, the directory, failed logins — at a moderate rate, with a `schakel worker`
//! beside it delivering the notices the referrals raise (to files) and running the
//! scheduled jobs. The server's resident memory, open file descriptors and database
//! connections, and the worker's memory and descriptors, are sampled as they run. None
//! of them may keep growing: after the warm-up, the last third's samples stay within
//! noise of the middle third's.
//!
//! The test command runs it for five minutes on PostgreSQL (`SOAK_SECS`, 300);
//! `scripts/faults` for an hour on each database, sampling every minute. It prints
//! every sample and a `faults:` line. `SOAK_MALLOC` sets the allocator's variables of
//! both processes, to compare settings.

use schakel_e2e::api::{call, token};
use schakel_e2e::{Server, Worker, client};
use schakel_store::Backend;
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::json;
use std::time::{Duration, Instant};

/// One sample: seconds since the start, resident memory (KiB; of it, the heap and
/// other anonymous memory, and mapped files such as the binary and SQLite's
/// shared-memory index), descriptors, connections.
#[derive(Debug, Clone, Copy)]
struct Sample {
    at: u64,
    rss_kib: u64,
    anon_kib: u64,
    file_kib: u64,
    fds: u64,
    connections: u64,
    /// The worker's resident memory (KiB) and descriptors.
    worker_rss_kib: u64,
    worker_fds: u64,
}

/// A `KEY:  N kB` line of `/proc/PID/status`.
fn status_kib(status: &str, key: &str) -> u64 {
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// The `/proc/PID/status` of a running process.
fn status_of(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the process runs")
}

/// The open descriptors of a running process.
fn fds_of(pid: u32) -> u64 {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("the process runs")
        .count() as u64
}

fn sample(server: &Server, worker: &Worker, started: Instant) -> Sample {
    let pid = server.pid().expect("the server runs");
    let status = status_of(pid);
    let rss_kib = status_kib(&status, "VmRSS:");
    let anon_kib = status_kib(&status, "RssAnon:");
    let file_kib = status_kib(&status, "RssFile:") + status_kib(&status, "RssShmem:");
    let fds = fds_of(pid);
    let worker_pid = worker.pid().expect("the worker runs");
    let worker_rss_kib = status_kib(&status_of(worker_pid), "VmRSS:");
    let worker_fds = fds_of(worker_pid);
    let metrics = client()
        .get(server.url("/metrics"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let connections = metrics
        .lines()
        .find_map(|l| l.strip_prefix("schakel_db_pool_connections "))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .unwrap_or(0.0) as u64;
    Sample {
        at: started.elapsed().as_secs(),
        rss_kib,
        anon_kib,
        file_kib,
        fds,
        connections,
        worker_rss_kib,
        worker_fds,
    }
}

/// One round of the mixed load; the number of requests it made.
fn round(server: &Server, cw: &str, co: &str, analyst: &str, care: &str, i: u64) -> u64 {
    let signal = json!({
        "observed_on": "2026-02-01", "region": "midden_nederland",
        "exploitation_forms": ["labour"], "reporting_basis": "consent",
        "person": {"identity": {"given_names": format!("Persoon{i}"),
            "family_name": "Duurtest", "date_of_birth": "1990-01-01"}, "gender": "female"},
    });
    let (s, signal, _) = call(server, cw, "POST", "/api/v1/signals", Some(signal), None);
    assert_eq!(s, 201, "{signal}");
    let body = json!({ "signal_id": signal["id"] });
    let (s, case, etag) = call(server, cw, "POST", "/api/v1/cases", Some(body), None);
    assert_eq!(s, 201, "{case}");
    let id = case["id"].as_str().unwrap();
    let basis = json!({
        "kind": "legal_basis", "recipient_kinds": ["care"], "purposes": ["care_coordination"],
        "legal_basis": "vital_interest", "reason": "Acuut gevaar", "given_on": "2026-02-02",
    });
    let path = format!("/api/v1/cases/{id}/consents");
    let (s, b, _) = call(server, cw, "POST", &path, Some(basis), Some(&etag));
    assert_eq!(s, 201, "{b}");
    let body = json!({ "to_agency_id": care, "purpose": "care_coordination", "urgency": "normal" });
    let (s, referral, _) = call(
        server,
        cw,
        "POST",
        &format!("/api/v1/cases/{id}/referrals"),
        Some(body),
        None,
    );
    assert_eq!(s, 201, "{referral}");
    let rid = referral["id"].as_str().unwrap();
    let (s, b, _) = call(
        server,
        co,
        "POST",
        &format!("/api/v1/referrals/{rid}/accept"),
        None,
        Some("\"1\""),
    );
    assert_eq!(s, 200, "{b}");
    for (who, path) in [
        (cw, "/api/v1/cases?limit=20".to_owned()),
        (cw, format!("/api/v1/cases/{id}")),
        (co, "/api/v1/referrals?box=incoming".to_owned()),
        (cw, "/api/v1/directory/agencies".to_owned()),
        (
            analyst,
            "/api/v1/monitor/counts?measure=referrals_sent&by=region&from=2026-01&to=2026-12"
                .to_owned(),
        ),
    ] {
        let (s, b, _) = call(server, who, "GET", &path, None, None);
        assert_eq!(s, 200, "{path}: {b}");
    }
    let wrong = client()
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({ "email": format!("niemand{i}@soak.example"), "password": "fout fout fout" }))
        .send()
        .unwrap();
    assert!(wrong.status().as_u16() < 500);
    11
}

/// The mean of `f` over `samples`.
fn mean(samples: &[Sample], f: impl Fn(&Sample) -> u64) -> f64 {
    samples.iter().map(|s| f(s) as f64).sum::<f64>() / samples.len().max(1) as f64
}

#[test]
fn a_soak_of_mixed_load_leaves_memory_descriptors_and_connections_flat() {
    let secs: u64 = std::env::var("SOAK_SECS").map_or(300, |s| s.parse().unwrap());
    let every: u64 = std::env::var("SOAK_SAMPLE_SECS").map_or(15, |s| s.parse().unwrap());
    let backends: Vec<Backend> = match std::env::var("SOAK_BACKENDS") {
        Ok(list) => schakel_store::testing::parse_backends(&list).unwrap(),
        // The test command's legs: the five-minute run on PostgreSQL.
        Err(_) => vec![Backend::Postgres],
    };
    // Allocator settings to compare (`SOAK_MALLOC="MALLOC_ARENA_MAX=8 ..."`) for the
    // server and the worker; without them, the ones they choose for themselves.
    let malloc = std::env::var("SOAK_MALLOC").unwrap_or_default();
    let allocator: &[(&str, &str)] = &malloc
        .split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .collect::<Vec<_>>();
    for backend in backends
        .into_iter()
        .filter(|b| selected_backends().contains(b))
    {
        let db = TestDb::unmigrated(backend);
        let mut env = vec![("SCHAKEL_MAIL__DISPATCH", "false")];
        env.extend(allocator.iter().copied());
        let server = Server::start_with(db.url(), &["--demo"], &env);
        // The worker beside it, in its folder (the same key files), mail to files.
        let worker = Worker::start(server.dir.path(), "worker", db.url(), allocator);
        let mail_dir = server.dir.path().join("data/mail");
        // Access tokens live fifteen minutes: the clients sign in again every five, as
        // a client refreshing its session would.
        let sign_in = || {
            ["caseworker", "coordinator", "analyst"]
                .map(|who| token(&server, &format!("{who}@demo.schakel.invalid")))
        };
        let [mut cw, mut co, mut analyst] = sign_in();
        let mut signed_in = Instant::now();
        let (_, directory, _) = call(
            &server,
            &cw,
            "GET",
            "/api/v1/directory/agencies?kind=care_coordination",
            None,
            None,
        );
        let care = directory[0]["id"].as_str().unwrap().to_owned();
        let started = Instant::now();
        let mut samples = vec![sample(&server, &worker, started)];
        let (mut requests, mut i) = (0u64, 0u64);
        let mut next_sample = Duration::from_secs(every);
        while started.elapsed() < Duration::from_secs(secs) {
            // A moderate rate: a round (eleven requests) about every half second.
            if signed_in.elapsed() > Duration::from_secs(300) {
                [cw, co, analyst] = sign_in();
                signed_in = Instant::now();
            }
            let round_started = Instant::now();
            requests += round(&server, &cw, &co, &analyst, &care, i);
            i += 1;
            std::thread::sleep(Duration::from_millis(500).saturating_sub(round_started.elapsed()));
            if started.elapsed() >= next_sample {
                let s = sample(&server, &worker, started);
                eprintln!(
                    "soak {backend:?}: {} s: {} KiB resident ({} anonymous, {} files), \
                     {} descriptors, {} connections; worker {} KiB, {} descriptors",
                    s.at,
                    s.rss_kib,
                    s.anon_kib,
                    s.file_kib,
                    s.fds,
                    s.connections,
                    s.worker_rss_kib,
                    s.worker_fds
                );
                samples.push(s);
                next_sample += Duration::from_secs(every);
            }
        }
        // Warm-up is the first third; the last third must stay near the middle third.
        let third = samples.len() / 3;
        let (middle, last) = (&samples[third..2 * third], &samples[2 * third..]);
        let rss = (mean(middle, |s| s.rss_kib), mean(last, |s| s.rss_kib));
        let fds = (mean(middle, |s| s.fds), mean(last, |s| s.fds));
        let conns = (
            mean(middle, |s| s.connections),
            mean(last, |s| s.connections),
        );
        let worker_rss = (
            mean(middle, |s| s.worker_rss_kib),
            mean(last, |s| s.worker_rss_kib),
        );
        let worker_fds = (mean(middle, |s| s.worker_fds), mean(last, |s| s.worker_fds));
        let mails = std::fs::read_dir(&mail_dir).map_or(0, |d| d.count());
        eprintln!(
            "faults: {backend:?}: soak of {secs} s, {requests} requests in {i} rounds, {} samples: \
             resident memory {:.1} MiB in the middle third, {:.1} MiB in the last; descriptors \
             {:.1} and {:.1}; database connections {:.1} and {:.1}; the worker {:.1} and {:.1} \
             MiB, descriptors {:.1} and {:.1}, {mails} emails written",
            samples.len(),
            rss.0 / 1024.0,
            rss.1 / 1024.0,
            fds.0,
            fds.1,
            conns.0,
            conns.1,
            worker_rss.0 / 1024.0,
            worker_rss.1 / 1024.0,
            worker_fds.0,
            worker_fds.1,
        );
        // Each referral raises two notices (its arrival, its acceptance); at least half
        // of them written means the worker kept up with the load.
        assert!(
            mails as u64 >= i,
            "{backend:?}: the worker delivered {mails} emails for {i} referrals"
        );
        assert!(samples.len() >= 6, "enough samples to judge");
        // Memory within 10 % + 8 MiB, descriptors within 4, connections within 2.
        let bounds = [
            ("memory", rss, 1.10, 8192.0),
            ("descriptors", fds, 1.0, 4.0),
            ("connections", conns, 1.0, 2.0),
            ("the worker's memory", worker_rss, 1.10, 8192.0),
            ("the worker's descriptors", worker_fds, 1.0, 4.0),
        ];
        for (what, (middle, last), share, slack) in bounds {
            assert!(
                last <= middle * share + slack,
                "{backend:?}: {what} keeps growing ({middle:.1} → {last:.1}): {samples:?}"
            );
        }
    }
}
