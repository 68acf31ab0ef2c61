//! SQLite on a small file system that fills up: a write is answered `503` with the
//! problem `storage_full` and logged, reads that need no audit entry go on, nothing
//! already stored is corrupted (`PRAGMA integrity_check`, the audit chain), and writing
//! resumes once there is room again. A read of person data, which must be audited,
//! fails closed with the same `503`: no access without its audit entry.
//!
//! The file system is a tmpfs of 8 MiB mounted for the test (the test command runs as
//! root; elsewhere the test says so and does not run, and in CI that fails).

use schakel_e2e::api::{call, token};
use schakel_e2e::{Server, schakel};
use schakel_store::Backend;
use schakel_store::testing::selected_backends;
use serde_json::json;
use std::io::Write;
use std::process::Command;

/// A tmpfs mounted for the test; unmounted when dropped.
pub(crate) struct SmallDisk {
    pub(crate) dir: tempfile::TempDir,
}

impl SmallDisk {
    pub(crate) fn mount(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI runs the full-disk test as root: mounting a tmpfs failed"
            );
            eprintln!("cannot mount a tmpfs (not root?): test not run");
            return None;
        }
        Some(SmallDisk { dir })
    }

    /// Fills it to the last byte; the filler's path.
    pub(crate) fn fill(&self) -> std::path::PathBuf {
        let path = self.dir.path().join("filler");
        let mut f = std::fs::File::create(&path).unwrap();
        let chunk = vec![0u8; 4096];
        while f.write_all(&chunk).is_ok() {}
        let _ = f.write_all(&[0u8]);
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

fn signal(i: usize) -> serde_json::Value {
    json!({
        "observed_on": "2026-02-01", "region": "midden_nederland",
        "exploitation_forms": ["labour"], "reporting_basis": "consent",
        "person": {"identity": {"given_names": format!("Persoon{i}"),
            "family_name": "Schijfvol", "date_of_birth": "1990-01-01"}, "gender": "female"},
    })
}

/// Logs the signal of person `i` as `token`: the answer's status and body.
fn log_signal(server: &Server, token: &str, i: usize) -> (u16, serde_json::Value) {
    let (status, body, _) = call(
        server,
        token,
        "POST",
        "/api/v1/signals",
        Some(signal(i)),
        None,
    );
    (status, body)
}

#[test]
fn sqlite_on_a_full_file_system_refuses_writes_clearly_keeps_its_data_and_resumes() {
    if !selected_backends().contains(&Backend::Sqlite) {
        return; // The SQLite leg runs it.
    }
    let Some(disk) = SmallDisk::mount("8m") else {
        return;
    };
    let db_path = disk.dir.path().join("schakel.db");
    let db_url = db_path.display().to_string();
    let server = Server::start_with(&db_url, &["--demo"], &[]);
    let cw = token(&server, "caseworker@demo.schakel.invalid");
    let mut stored = Vec::new();
    for i in 0..3 {
        let (status, body) = log_signal(&server, &cw, i);
        assert_eq!(status, 201, "{body}");
        stored.push(body["id"].as_str().unwrap().to_owned());
    }

    let filler = disk.fill();
    let mut refused = 0;
    for i in 10..15 {
        let (status, body) = log_signal(&server, &cw, i);
        assert_eq!(status, 503, "a write on a full disk: {body}");
        assert_eq!(body["type"], "urn:schakel:problem:storage_full", "{body}");
        refused += 1;
    }
    assert!(
        server.stderr().contains("storage full"),
        "the full disk is logged"
    );
    let (status, me, _) = call(&server, &cw, "GET", "/api/v1/me", None, None);
    assert_eq!(
        status, 200,
        "a read that needs no audit entry goes on: {me}"
    );
    let (status, _, _) = call(
        &server,
        &cw,
        "GET",
        "/api/v1/directory/agencies",
        None,
        None,
    );
    assert_eq!(status, 200, "the directory is read");
    let (status, body, _) = call(
        &server,
        &cw,
        "GET",
        &format!("/api/v1/signals/{}", stored[0]),
        None,
        None,
    );
    assert_eq!(
        (status, body["type"].as_str()),
        (503, Some("urn:schakel:problem:storage_full")),
        "a read of person data that cannot be audited does not happen"
    );

    std::fs::remove_file(filler).unwrap();
    let (status, body) = log_signal(&server, &cw, 20);
    assert_eq!(status, 201, "writing resumes once there is room: {body}");
    stored.push(body["id"].as_str().unwrap().to_owned());
    let (status, _, _) = call(
        &server,
        &cw,
        "GET",
        &format!("/api/v1/signals/{}", stored[0]),
        None,
        None,
    );
    assert_eq!(status, 200, "the signal stored before is read");
    server.terminate();
    let dir = tempfile::tempdir().unwrap();
    for sub in ["data/keys"] {
        let from = server.dir.path().join(sub);
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for f in std::fs::read_dir(&from).unwrap() {
            let f = f.unwrap();
            std::fs::copy(f.path(), dir.path().join(sub).join(f.file_name())).unwrap();
        }
    }
    assert!(server.wait().success(), "the server stops cleanly");

    // Nothing stored is damaged: the file, the rows, the chain.
    use diesel::{Connection, RunQueryDsl};
    #[derive(diesel::QueryableByName)]
    struct Line {
        #[diesel(sql_type = diesel::sql_types::Text)]
        integrity_check: String,
    }
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = diesel::SqliteConnection::establish(&db_url).unwrap();
    let check: Vec<Line> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut conn)
        .unwrap();
    assert_eq!(check.len(), 1, "one line");
    assert_eq!(check[0].integrity_check, "ok");
    let ids = stored
        .iter()
        .map(|i| format!("'{i}'"))
        .collect::<Vec<_>>()
        .join(",");
    let found: Count = diesel::sql_query(format!(
        "SELECT COUNT(*) AS n FROM signals WHERE id IN ({ids})"
    ))
    .get_result(&mut conn)
    .unwrap();
    let all: Count = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM signals WHERE summary IS NULL OR summary IS NOT NULL",
    )
    .get_result(&mut conn)
    .unwrap();
    drop(conn);
    assert_eq!(
        found.n,
        stored.len() as i64,
        "every acknowledged signal is stored"
    );
    let verify = schakel(dir.path())
        .args(["audit", "verify"])
        .env("SCHAKEL_DATABASE__URL", &db_url)
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    eprintln!(
        "faults: Sqlite: file system full: {refused} writes refused with 503 storage_full, reads \
         without audit served, {} signals acknowledged and {} stored ({} in all, with the demo's), \
         integrity ok, audit chain intact, writing resumed once there was room",
        stored.len(),
        found.n,
        all.n
    );
}
