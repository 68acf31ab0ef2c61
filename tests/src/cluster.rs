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

    /// The URL of the database `name` on this cluster, as its superuser.
    pub fn url_of(&self, name: &str) -> String {
        let server = self.url.rsplit_once('/').expect("a database in the URL").0;
        format!("{server}/{name}")
    }

    /// Runs `sql` as the superuser in the database `schakel_test`: its output, or the
    /// server's error.
    pub fn psql(&self, sql: &str) -> Result<String, String> {
        self.psql_in("schakel_test", sql)
    }

    /// Runs `sql` as the superuser in the database `name`: its output, or the server's
    /// error.
    pub fn psql_in(&self, name: &str, sql: &str) -> Result<String, String> {
        let out = Command::new("psql")
            .args([&self.url_of(name), "-v", "ON_ERROR_STOP=1", "-tAqc", sql])
            .output()
            .expect("psql runs");
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
        }
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
