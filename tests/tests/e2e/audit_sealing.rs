//! The audit trail as production writes it: two `schakel serve` instances that do not
//! seal, clients writing audited requests through both as fast as they can, and the
//! sealer in a `schakel worker` that is killed with SIGKILL in the middle and started
//! again. Every answered request must have its entry, every entry must end up sealed
//! exactly once in one chain, and `schakel audit verify` must pass it.

use schakel_e2e::api::token;
use schakel_e2e::{Server, Worker, client, schakel};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Creates anonymous signals through `server` until `stop`; returns how many were
/// answered `201` (every other answer fails the test).
fn write_signals(server: &Server, token: &str, stop: &AtomicBool) -> usize {
    let http = client();
    let mut created = 0;
    while !stop.load(Ordering::Relaxed) {
        let res = http
            .post(server.url("/api/v1/signals"))
            .bearer_auth(token)
            .json(&json!({
                "observed_on": "2026-03-01", "region": "amsterdam",
                "exploitation_forms": ["sexual"], "reporting_basis": "anonymous",
                "summary": "Gezien bij het station"
            }))
            .send()
            .expect("the server answers");
        assert_eq!(res.status(), 201, "{:?}", res.text());
        created += 1;
    }
    created
}

#[test]
fn entries_from_two_instances_under_load_end_up_in_one_chain_across_a_killed_sealer() {
    for backend in selected_backends() {
        let db = TestDb::unmigrated(backend);
        let no_sealer = [("SCHAKEL_AUDIT__SEAL", "false")];
        let one = Server::start_with(db.url(), &["--demo"], &no_sealer);
        let two = Server::start_beside(&one, db.url(), &["--demo"], &no_sealer);
        let sealer_env = [("SCHAKEL_AUDIT__SEAL_INTERVAL_MS", "20")];
        let mut sealer = Worker::start(one.dir.path(), "sealer-1", db.url(), &sealer_env);
        let tokens = [&one, &two].map(|s| token(s, "caseworker@demo.schakel.invalid"));
        let created_entries = "SELECT COUNT(*) AS n FROM audit_entries \
             WHERE action = 'signal.create' AND outcome = 'success'";
        let before = db.count("SELECT COUNT(*) AS n FROM audit_entries");
        let demo_signals = db.count(created_entries);
        let stop = AtomicBool::new(false);
        let (created, second) = std::thread::scope(|scope| {
            let clients: Vec<_> = [(&one, &tokens[0]), (&two, &tokens[1])]
                .into_iter()
                .cycle()
                .take(4)
                .map(|(server, token)| {
                    let stop = &stop;
                    scope.spawn(move || write_signals(server, token, stop))
                })
                .collect();
            std::thread::sleep(Duration::from_millis(1500));
            // The sealer dies at some point of its work, as on a crash.
            sealer.kill_hard();
            std::thread::sleep(Duration::from_millis(500));
            let second = Worker::start(one.dir.path(), "sealer-2", db.url(), &sealer_env);
            std::thread::sleep(Duration::from_millis(1500));
            stop.store(true, Ordering::Relaxed);
            let created: usize = clients.into_iter().map(|c| c.join().unwrap()).sum();
            (created, second)
        });
        assert!(created > 50, "{backend:?}: only {created} requests");
        let deadline = Instant::now() + Duration::from_secs(30);
        while db.count("SELECT COUNT(*) AS n FROM audit_entries WHERE seq IS NULL") > 0 {
            assert!(
                Instant::now() < deadline,
                "{backend:?}: entries left unsealed: {}",
                second.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let entries = db.count("SELECT COUNT(*) AS n FROM audit_entries");
        let written = db.count(created_entries) - demo_signals;
        assert_eq!(
            written as usize, created,
            "{backend:?}: an entry per answer"
        );
        assert!(entries >= before + written);
        let verify = schakel(one.dir.path())
            .args(["audit", "verify"])
            .env("SCHAKEL_DATABASE__URL", db.url())
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&verify.stdout);
        assert!(verify.status.success(), "{backend:?}: {out}");
        assert!(
            out.contains(&format!("{entries} entries checked: chain intact")),
            "{backend:?}: {out}"
        );
        assert!(
            out.contains("entry MACs checked: every entry carries one"),
            "{out}"
        );
        assert!(out.contains("no entry waits to be sealed"), "{out}");
        eprintln!(
            "{backend:?}: {created} audited requests through two instances, sealed into \
             one chain of {entries} entries across a killed sealer"
        );
    }
}
