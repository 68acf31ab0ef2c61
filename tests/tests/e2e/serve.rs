//! `schakel serve` as an operator sees it, on every backend: it starts, migrates,
//! answers health, readiness, metrics and the OpenAPI document, seeds the demo once,
//! and drains in-flight requests on SIGTERM; asked for port 0 it picks a free port itself,
//! prints it, and its links use it. It and the worker run with two allocator heaps
//! unless the operator chose a number.

use schakel_e2e::{Server, Worker, client};
use schakel_store::Backend;
use schakel_store::testing::{TestDb, selected_backends};
use std::time::Duration;

#[test]
fn serve_on_port_zero_prints_the_port_it_bound_and_its_links_use_it() {
    let backend = selected_backends()[0];
    let db = TestDb::unmigrated(backend);
    // Two servers at once, both asked for port 0: each gets a port of its own.
    let first = Server::start_with(db.url(), &["--demo"], &[]);
    let second = Server::start(db.url(), &[]);
    assert_ne!(first.base_url, second.base_url);
    for server in [&first, &second] {
        let port = server.base_url.rsplit(':').next().unwrap();
        assert_ne!(port, "0", "{}", server.base_url);
        let res = client().get(server.url("/readyz")).send().unwrap();
        assert_eq!(res.status(), 200);
    }
    let out = first.stdout();
    let addr = first.base_url.trim_start_matches("http://");
    assert!(
        out.contains(&format!(
            "Schakel is serving at {} (listening on {addr})",
            first.base_url
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("Log in at {}", first.base_url)),
        "the demo's instructions name the real port: {out}"
    );
}

#[test]
fn serve_answers_health_ready_metrics_and_openapi_on_every_backend() {
    for backend in selected_backends() {
        let db = TestDb::unmigrated(backend);
        let server = Server::start(db.url(), &[]);
        let http = client();
        for path in ["/healthz", "/readyz"] {
            let res = http.get(server.url(path)).send().unwrap();
            assert_eq!(res.status(), 200, "{path} on {backend:?}");
        }
        let metrics = http.get(server.url("/metrics")).send().unwrap();
        assert_eq!(metrics.status(), 200);
        assert!(
            metrics.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
        assert!(
            metrics
                .text()
                .unwrap()
                .contains("# TYPE schakel_http_requests_total counter")
        );
        let doc: serde_json::Value = http
            .get(server.url("/api/v1/openapi.json"))
            .send()
            .unwrap()
            .json()
            .unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let mut conn = db.pool.get().unwrap();
        assert_eq!(
            schakel_store::migrations::pending_count(&mut conn).unwrap(),
            0,
            "serve applied the migrations on {backend:?}"
        );
    }
}

#[test]
fn the_demo_seeds_its_agencies_once() {
    for backend in selected_backends() {
        let db = TestDb::unmigrated(backend);
        let server = schakel_e2e::schakel(std::env::temp_dir().as_path())
            .args(["migrate"])
            .env("SCHAKEL_DATABASE__URL", db.url())
            .output()
            .unwrap();
        assert!(server.status.success());
        let mut conn = db.pool.get().unwrap();
        assert_eq!(
            schakel_store::agencies::count(&mut conn).unwrap(),
            0,
            "no demo without --demo"
        );
        drop(conn);
        for _ in 0..2 {
            let dir = tempfile::tempdir().unwrap();
            let stdout_log = dir.path().join("stdout.log");
            let stderr_log = dir.path().join("stderr.log");
            let mut child = schakel_e2e::schakel(dir.path())
                .args(["serve", "--demo"])
                .env("SCHAKEL_DATABASE__URL", db.url())
                .env(schakel_e2e::BIND_ANY_PORT.0, schakel_e2e::BIND_ANY_PORT.1)
                .stdout(std::fs::File::create(&stdout_log).unwrap())
                .stderr(std::fs::File::create(&stderr_log).unwrap())
                .spawn()
                .unwrap();
            let base = schakel_e2e::bound_url(&mut child, &stdout_log, &stderr_log);
            let url = format!("{base}/readyz");
            let ready = (0..400).any(|_| {
                std::thread::sleep(Duration::from_millis(50));
                client().get(&url).send().is_ok_and(|r| r.status() == 200)
            });
            child.kill().unwrap();
            child.wait().unwrap();
            assert!(ready, "demo server became ready on {backend:?}");
        }
        let mut conn = db.pool.get().unwrap();
        let agencies = schakel_store::agencies::list_active(&mut conn, None, None).unwrap();
        assert_eq!(
            agencies.len(),
            9,
            "nine demo agencies, not eighteen, on {backend:?}"
        );
        let kinds: Vec<&str> = agencies.iter().map(|a| a.kind.as_str()).collect();
        for kind in [
            "municipality",
            "care_coordination",
            "shelter_categorical",
            "police",
            "ngo",
            "rapporteur",
            "legal_aid",
            "prosecution",
        ] {
            assert!(kinds.contains(&kind), "{kind}");
        }
    }
}

#[test]
fn the_demo_refuses_a_database_that_holds_other_accounts() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let mut conn = db.pool.get().unwrap();
        let now = chrono::Utc::now();
        let agency = schakel_store::agencies::insert(
            &mut conn,
            &schakel_store::agencies::NewAgency {
                name: "Gemeente Echt",
                kind: schakel_domain::AgencyKind::Municipality,
                region: schakel_domain::Region::Amsterdam,
                contact_email: "balie@echt.example",
            },
            now,
        )
        .unwrap();
        let real = schakel_store::users::NewUser {
            agency_id: agency.id,
            email: "beheer@echt.example",
            display_name: "Echte Beheerder",
            role: schakel_domain::Role::Admin,
            locale: "nl",
            password_hash: None,
        };
        schakel_store::users::insert(&mut conn, &real, now).unwrap();
        drop(conn);
        let dir = tempfile::tempdir().unwrap();
        let mut child = schakel_e2e::schakel(dir.path())
            .args(["serve", "--demo"])
            .env("SCHAKEL_DATABASE__URL", db.url())
            .env(schakel_e2e::BIND_ANY_PORT.0, schakel_e2e::BIND_ANY_PORT.1)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let status = (0..600).find_map(|_| {
            std::thread::sleep(Duration::from_millis(50));
            child.try_wait().unwrap()
        });
        let Some(status) = status else {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("serve --demo kept running beside real accounts on {backend:?}");
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
        assert!(!status.success(), "{backend:?}");
        assert!(stderr.contains("--demo refused"), "{stderr}");
        assert!(stderr.contains("1 accounts and 1 agencies"), "{stderr}");
        let mut conn = db.pool.get().unwrap();
        assert!(
            schakel_store::users::find_by_email(&mut conn, "admin@demo.schakel.invalid")
                .unwrap()
                .is_none(),
            "no demo account was added"
        );
    }
}

/// A request that is slow because its query waits on a lock held by another session;
/// SIGTERM arrives meanwhile. The request must still be answered, and the process must
/// exit 0 once it is done. The lock is a PostgreSQL table lock, so this runs in the
/// PostgreSQL leg of the suite (the drain itself does not depend on the backend).
#[test]
fn sigterm_lets_a_slow_request_finish_then_exits_zero() {
    if !selected_backends().contains(&Backend::Postgres) {
        eprintln!("runs in the PostgreSQL leg (TEST_BACKENDS has no postgres)");
        return;
    }
    let db = TestDb::new(Backend::Postgres);
    let server = Server::start(db.url(), &[]);
    let lock = db.lock_table("__diesel_schema_migrations");
    let url = server.url("/readyz");
    let slow = std::thread::spawn(move || {
        let res = client().get(url).send().unwrap();
        (res.status().as_u16(), res.text().unwrap())
    });
    std::thread::sleep(Duration::from_millis(700));
    assert!(!slow.is_finished(), "the request is held by the lock");
    server.terminate();
    std::thread::sleep(Duration::from_millis(700));
    let refused = client().get(server.url("/healthz")).send();
    assert!(
        refused.is_err(),
        "no new connections are accepted while draining"
    );
    lock.release();
    let (status, body) = slow.join().unwrap();
    assert_eq!(status, 200, "the in-flight request was answered: {body}");
    let status = server.wait();
    assert!(status.success(), "exit status {status:?}");
}

/// The allocator's settings (`MALLOC_*`) in the environment the process `pid` runs with,
/// once it has them (a long-running command sets them by starting itself again), or
/// those it has after five seconds.
fn allocator_settings_of(pid: u32) -> Vec<(String, String)> {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
        let found: Vec<(String, String)> = environ
            .split(|b| *b == 0)
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .filter(|v| v.starts_with("MALLOC_"))
            .filter_map(|v| v.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
            .collect();
        if found.len() >= 3 || std::time::Instant::now() > deadline {
            let mut found = found;
            found.sort();
            return found;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `(name, value)` pairs, sorted by name.
fn settings(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut all: Vec<_> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    all.sort();
    all
}

#[test]
fn serve_and_the_worker_set_how_the_allocator_keeps_memory_unless_the_operator_chose() {
    let ours = [
        ("MALLOC_ARENA_MAX", "2"),
        ("MALLOC_MMAP_THRESHOLD_", "131072"),
        ("MALLOC_TRIM_THRESHOLD_", "262144"),
    ];
    let db = TestDb::unmigrated(selected_backends()[0]);
    let server = Server::start_with(db.url(), &["--demo"], &[]);
    assert_eq!(
        allocator_settings_of(server.pid().unwrap()),
        settings(&ours)
    );
    let worker = Worker::start(server.dir.path(), "worker", db.url(), &[]);
    assert_eq!(
        allocator_settings_of(worker.pid().unwrap()),
        settings(&ours)
    );
    // A value the operator chose stays; the others are still set.
    let chosen = Server::start(db.url(), &[("MALLOC_ARENA_MAX", "4")]);
    assert_eq!(
        allocator_settings_of(chosen.pid().unwrap()),
        settings(&[
            ("MALLOC_ARENA_MAX", "4"),
            ("MALLOC_MMAP_THRESHOLD_", "131072"),
            ("MALLOC_TRIM_THRESHOLD_", "262144"),
        ])
    );
    // Started again in place: the same process answers, as the service manager started it.
    let ready = client().get(server.url("/readyz")).send().unwrap();
    assert_eq!(ready.status(), 200);
}
