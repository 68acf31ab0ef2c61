//! A PostgreSQL cluster of the test's own (started with `scripts/lib/postgres.sh` on a
//! free loopback port), which a fault test may crash, stop and start again without
//! touching the cluster every other test shares. Unlike the shared one it commits
//! synchronously: an acknowledged commit survives a crash of the server, as in
//! production.

use std::path::PathBuf;
use std::process::Command;

/// A running cluster; stopped when dropped.
#[derive(Debug)]
pub struct Cluster {
    dir: tempfile::TempDir,
    /// `postgres://postgres@127.0.0.1:PORT/schakel_test`.
    pub url: String,
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/lib/postgres.sh")
}

fn run(action: &str, dir: &std::path::Path) -> String {
    let out = Command::new("bash")
        .arg(script())
        .args([action, &dir.display().to_string()])
        .env("PG_EXTRA_OPTS", "-c synchronous_commit=on")
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "postgres.sh {action}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

impl Cluster {
    /// Starts a new cluster with an empty database `schakel_test`.
    pub fn start() -> Cluster {
        let dir = tempfile::Builder::new()
            .prefix("schakel-cluster")
            .tempdir_in("/tmp")
            .expect("temporary folder");
        let url = run("start", dir.path());
        Cluster { dir, url }
    }

    /// Restarts it as after a crash: every connection cut, nothing flushed that was
    /// not committed (`pg_ctl restart -m immediate`).
    pub fn crash(&self) {
        run("crash", self.dir.path());
    }

    /// Stops it (fast shutdown): connections refused until [`Cluster::resume`].
    pub fn halt(&self) {
        run("halt", self.dir.path());
    }

    /// Starts it again on the same port.
    pub fn resume(&self) {
        run("resume", self.dir.path());
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(script())
            .args(["stop", &self.dir.path().display().to_string()])
            .status();
    }
}
