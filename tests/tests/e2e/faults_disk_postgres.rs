//! PostgreSQL whose database lives on a small file system that fills up (a tablespace on
//! an 8 MiB tmpfs; the write-ahead log stays on the cluster's own disk, as a production
//! cluster keeps it apart). Writes are logged until one is refused: every refusal is
//! `503` with the problem `storage_full` and logged, nothing refused is stored, nothing
//! acknowledged is lost; once there is room writing resumes without a restart, and the
//! audit chain verifies.
//!
//! A write that still fits in pages the tables already have succeeds, so the test keeps
//! writing until the database has to grow. PostgreSQL leg, as root (the mount).

use crate::faults_disk::SmallDisk;
use schakel_e2e::api::{call, token};
use schakel_e2e::cluster::Cluster;
use schakel_e2e::{Server, schakel};
use schakel_store::Backend;
use schakel_store::testing::selected_backends;
use serde_json::json;
use std::process::Command;

fn signal(i: usize) -> serde_json::Value {
    json!({
        "observed_on": "2026-02-01", "region": "midden_nederland",
        "exploitation_forms": ["labour"], "reporting_basis": "consent",
        "person": {"identity": {"given_names": format!("Persoon{i}"),
            "family_name": "Schijfvol", "date_of_birth": "1990-01-01"}, "gender": "male"},
    })
}

#[test]
fn postgresql_on_a_full_file_system_refuses_writes_clearly_and_resumes() {
    if !selected_backends().contains(&Backend::Postgres) {
        return; // The PostgreSQL leg runs it.
    }
    let Some(disk) = SmallDisk::mount("8m") else {
        return;
    };
    let chown = Command::new("chown")
        .args(["postgres:postgres", &disk.dir.path().display().to_string()])
        .status()
        .unwrap();
    assert!(chown.success(), "the tablespace's folder is the server's");
    let cluster = Cluster::start();
    let location = disk.dir.path().display();
    cluster
        .psql(&format!("CREATE TABLESPACE small LOCATION '{location}'"))
        .unwrap();
    cluster
        .psql("CREATE DATABASE schakel_full TABLESPACE small")
        .unwrap();
    let url = cluster.url_of("schakel_full");
    let server = Server::start_with(&url, &["--demo"], &[("SCHAKEL_MAIL__DISPATCH", "false")]);
    let cw = token(&server, "caseworker@demo.schakel.invalid");
    let signals = || -> usize {
        cluster
            .psql_in("schakel_full", "SELECT count(*) FROM signals")
            .unwrap()
            .parse()
            .unwrap()
    };
    let before = signals();
    let log = |i: usize| {
        let (status, body, _) = call(
            &server,
            &cw,
            "POST",
            "/api/v1/signals",
            Some(signal(i)),
            None,
        );
        (status, body)
    };
    let mut stored = Vec::new();
    for i in 0..3 {
        let (status, body) = log(i);
        assert_eq!(status, 201, "{body}");
        stored.push(body["id"].as_str().unwrap().to_owned());
    }

    let filler = disk.fill();
    let (mut refused, mut i) = (0, 100);
    while refused < 3 {
        assert!(i < 2100, "the database never had to grow in 2000 signals");
        let (status, body) = log(i);
        match status {
            201 => stored.push(body["id"].as_str().unwrap().to_owned()),
            503 => {
                assert_eq!(body["type"], "urn:schakel:problem:storage_full", "{body}");
                refused += 1;
            }
            other => panic!("a write on a full disk answered {other}: {body}"),
        }
        i += 1;
    }
    assert!(
        server.stderr().contains("storage full"),
        "the full disk is logged"
    );
    let (status, _, _) = call(&server, &cw, "GET", "/api/v1/me", None, None);
    assert_eq!(status, 200, "a read without an audit entry goes on");

    std::fs::remove_file(filler).unwrap();
    let (status, body) = log(5000);
    assert_eq!(status, 201, "writing resumes once there is room: {body}");
    stored.push(body["id"].as_str().unwrap().to_owned());

    let ids = stored
        .iter()
        .map(|id| format!("'{id}'"))
        .collect::<Vec<_>>()
        .join(",");
    let found: usize = cluster
        .psql_in(
            "schakel_full",
            &format!("SELECT count(*) FROM signals WHERE id IN ({ids})"),
        )
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(found, stored.len(), "every acknowledged signal is stored");
    let all = signals();
    assert_eq!(all, before + stored.len(), "no refused signal is stored");
    let verify = schakel(server.dir.path())
        .args(["audit", "verify"])
        .env("SCHAKEL_DATABASE__URL", &url)
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
    eprintln!(
        "faults: Postgres: file system full: {refused} writes refused with 503 storage_full after \
         {} more acknowledged; {} acknowledged and stored, none of the refused ({all} signals in \
         all); writing resumed once there was room; audit chain intact",
        stored.len() - 4,
        stored.len()
    );
}
