//! Helpers for end-to-end tests: start the real `schakel` binary on a loopback port it
//! picks itself (port 0; it prints the address it bound) against a test database, wait
//! until it is ready, and stop it afterwards. No port is chosen here and handed over, so
//! parallel tests cannot take each other's port.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

pub mod browser;
pub mod cluster;
pub mod maildev;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The `schakel` binary built beside the test binary.
pub fn schakel_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target folder");
    let bin = dir.join("schakel");
    assert!(
        bin.is_file(),
        "{} is missing: build the workspace first (cargo build --workspace)",
        bin.display()
    );
    bin
}

/// A command for `schakel` with a clean environment: no `SCHAKEL_*` variable of the
/// caller leaks in (nor its log filter or allocator settings), and it runs in `dir`.
pub fn schakel(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(schakel_bin());
    for (key, _) in std::env::vars() {
        if key.starts_with("SCHAKEL_") || key == "RUST_LOG" || key.starts_with("MALLOC_") {
            cmd.env_remove(key);
        }
    }
    cmd.current_dir(dir);
    cmd
}

/// The environment that makes `schakel serve` listen on a loopback port of the system's
/// choosing; [`bound_url`] reads which one from its standard output.
pub const BIND_ANY_PORT: (&str, &str) = ("SCHAKEL_HTTP__BIND", "127.0.0.1:0");

/// Waits until `child` (a `schakel serve` writing its standard output to `stdout_log`
/// and its standard error to `stderr_log`) prints the address it listens on, and
/// returns its base URL `http://ADDR:PORT`. Panics with both logs if it exits first or
/// says nothing within 30 s.
pub fn bound_url(child: &mut Child, stdout_log: &Path, stderr_log: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let out = std::fs::read_to_string(stdout_log).unwrap_or_default();
        if let Some(addr) = listening_address(&out) {
            return format!("http://{addr}");
        }
        if let Ok(Some(status)) = child.try_wait() {
            let err = std::fs::read_to_string(stderr_log).unwrap_or_default();
            panic!("schakel exited with {status} before it listened: {out}\n{err}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("schakel printed no address within 30 s");
}

/// The address in `Schakel is serving at ... (listening on ADDR)`.
fn listening_address(stdout: &str) -> Option<&str> {
    stdout.lines().find_map(|line| {
        let rest = line.split_once("(listening on ")?.1;
        rest.strip_suffix(')')
    })
}

/// Writes a key file readable by its owner only (mode 0600), as `schakel` demands.
pub fn write_private(path: &std::path::Path, text: &str) {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).expect("key file");
    file.write_all(text.as_bytes()).expect("key written");
}

/// A running `schakel serve`.
#[derive(Debug)]
pub struct Server {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// The working folder (holds `data/` for SQLite and mail).
    pub dir: tempfile::TempDir,
}

impl Server {
    /// Starts `schakel serve` on `database_url` with extra environment variables, and
    /// waits until `/readyz` answers 200.
    pub fn start(database_url: &str, env: &[(&str, &str)]) -> Server {
        Self::start_with(database_url, &[], env)
    }

    /// Like [`Server::start`], with extra arguments to `serve` (such as `--demo`).
    pub fn start_with(database_url: &str, args: &[&str], env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().expect("temporary folder");
        Self::start_in(dir, database_url, args, env)
    }

    fn start_in(
        dir: tempfile::TempDir,
        database_url: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Server {
        let mut cmd = schakel(dir.path());
        let stdout_log = dir.path().join("stdout.log");
        let stderr_log = dir.path().join("stderr.log");
        cmd.arg("serve")
            .args(args)
            .env("SCHAKEL_DATABASE__URL", database_url)
            .env(BIND_ANY_PORT.0, BIND_ANY_PORT.1)
            .env("SCHAKEL_HTTP__WORKERS", "2")
            // The demo's world of fictional persons only where a test asks for it.
            .env("SCHAKEL_DEMO__WORLD_PERSONS", "0")
            .envs(env.iter().copied())
            // Files, not pipes: a pipe nobody reads would stall a chatty server.
            .stdout(Stdio::from(
                std::fs::File::create(&stdout_log).expect("log file"),
            ))
            .stderr(Stdio::from(
                std::fs::File::create(&stderr_log).expect("log file"),
            ));
        let mut child = cmd.spawn().expect("schakel starts");
        let base_url = bound_url(&mut child, &stdout_log, &stderr_log);
        let mut server = Server {
            child: Some(child),
            base_url,
            dir,
        };
        server.wait_ready();
        server
    }

    /// Another `schakel serve` on the same database, in its own folder holding a copy of
    /// `first`'s key files (so tokens, sealed data and pseudonyms are the same): a second
    /// instance behind the same load balancer.
    pub fn start_beside(
        first: &Server,
        database_url: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Server {
        let dir = tempfile::tempdir().expect("temporary folder");
        let keys = dir.path().join("data/keys");
        std::fs::create_dir_all(&keys).expect("key folder");
        for entry in std::fs::read_dir(first.dir.path().join("data/keys")).expect("keys") {
            let entry = entry.expect("key file");
            std::fs::copy(entry.path(), keys.join(entry.file_name())).expect("key copied");
        }
        Self::start_in(dir, database_url, args, env)
    }

    fn wait_ready(&mut self) {
        let client = client();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                self.child = None;
                panic!(
                    "schakel exited with {status} before it was ready: {}",
                    self.stderr()
                );
            }
            if client
                .get(self.url("/readyz"))
                .send()
                .is_ok_and(|r| r.status().is_success())
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("schakel did not become ready within 30 s");
    }

    /// The process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        if let Some(child) = &self.child {
            let status = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status()
                .expect("kill runs");
            assert!(status.success());
        }
    }

    /// What the server wrote to standard error (its logs).
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr.log")).unwrap_or_default()
    }

    /// What the server wrote to standard output.
    pub fn stdout(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stdout.log")).unwrap_or_default()
    }

    /// Waits for the process to end and returns its exit status.
    pub fn wait(mut self) -> std::process::ExitStatus {
        self.child
            .take()
            .expect("still running")
            .wait()
            .expect("schakel ends")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// An HTTP client with a timeout.
pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

/// A running `schakel worker` (the outbox dispatcher and the scheduled jobs, no HTTP).
#[derive(Debug)]
pub struct Worker {
    child: Option<Child>,
    log: PathBuf,
}

impl Worker {
    /// Starts `schakel worker` in `dir` (beside a server, so it shares its key files)
    /// on `database_url` with extra environment variables; `name` tells its log apart.
    pub fn start(
        dir: &std::path::Path,
        name: &str,
        database_url: &str,
        env: &[(&str, &str)],
    ) -> Worker {
        let log = dir.join(format!("{name}.log"));
        let mut cmd = schakel(dir);
        cmd.arg("worker")
            .env("SCHAKEL_DATABASE__URL", database_url)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::from(std::fs::File::create(&log).expect("log file")));
        let child = cmd.spawn().expect("schakel worker starts");
        Worker {
            child: Some(child),
            log,
        }
    }

    /// The process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Kills the process with SIGKILL, as a crash would, and waits for it to end.
    pub fn kill_hard(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            child.wait().expect("the worker ends");
        }
    }

    /// What the worker wrote to standard error (its logs).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill_hard();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listening_address_is_read_from_the_start_line() {
        let out = "Demo data: 6 agencies\nSchakel is serving at https://x.test (listening on 127.0.0.1:40123)\n";
        assert_eq!(listening_address(out), Some("127.0.0.1:40123"));
        assert_eq!(listening_address("Schakel is serving at http://a\n"), None);
    }
}

/// The test SMTP server the test command starts, and the settings that send to it.
pub mod mail {
    /// The SMTP port and REST URL of the test SMTP server, or `None` outside CI when
    /// none runs (in CI a missing server fails the test: the mail leg must really run).
    pub fn smtp() -> Option<(String, String)> {
        match (
            std::env::var("TEST_SMTP_PORT"),
            std::env::var("TEST_MAILDEV_URL"),
        ) {
            (Ok(port), Ok(url)) => Some((port, url)),
            _ if std::env::var_os("CI").is_some() => {
                panic!("CI runs the mail tests: TEST_SMTP_PORT and TEST_MAILDEV_URL must be set")
            }
            _ => {
                eprintln!("no test SMTP server (TEST_SMTP_PORT, TEST_MAILDEV_URL): test not run");
                None
            }
        }
    }

    /// A tag no other test run uses, for the addresses of this one.
    pub fn tag() -> String {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("time after 1970")
            .as_nanos();
        format!("{}x{nanos}", std::process::id())
    }

    /// The environment of a server or worker that sends by SMTP to the test server on
    /// `port`, dispatching the outbox itself or not.
    pub fn mail_env(port: &str, dispatch: bool) -> Vec<(&'static str, String)> {
        vec![
            ("SCHAKEL_MAIL__TRANSPORT", "smtp".into()),
            ("SCHAKEL_MAIL__SMTP__HOST", "127.0.0.1".into()),
            ("SCHAKEL_MAIL__SMTP__PORT", port.into()),
            ("SCHAKEL_MAIL__SMTP__SECURITY", "none".into()),
            ("SCHAKEL_MAIL__DISPATCH", dispatch.to_string()),
            ("SCHAKEL_MAIL__INTERVAL_MS", "50".into()),
            ("SCHAKEL_MAIL__BATCH", "20".into()),
            ("SCHAKEL_MAIL__LEASE_SECS", "2".into()),
            ("SCHAKEL_CASEWORK__RUN_JOBS", "false".into()),
        ]
    }

    /// `env` as the borrowed pairs [`crate::Server::start`] takes.
    pub fn borrowed<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
        env.iter().map(|(k, v)| (*k, v.as_str())).collect()
    }
}

/// Calls of the JSON API as the demo's users make them.
pub mod api {
    use crate::{Server, client};
    use serde_json::{Value, json};

    /// The password of every demo user.
    pub const DEMO_PASSWORD: &str = "oranje fiets lantaarn 42";

    /// An access token of the demo user `email` (a role without a second factor).
    pub fn token(server: &Server, email: &str) -> String {
        let res = client()
            .post(server.url("/api/v1/auth/login"))
            .json(&json!({ "email": email, "password": DEMO_PASSWORD }))
            .send()
            .expect("login request");
        assert_eq!(res.status(), 200, "{email} logs in");
        res.json::<Value>().expect("login answer")["access_token"]
            .as_str()
            .expect("an access token")
            .to_owned()
    }

    /// `method path` with a bearer token, a JSON body and `If-Match`: the status, the
    /// JSON answer (`null` when there is none) and the ETag.
    pub fn call(
        server: &Server,
        token: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
        if_match: Option<&str>,
    ) -> (u16, Value, String) {
        let mut req = client()
            .request(method.parse().expect("a method"), server.url(path))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        if let Some(v) = if_match {
            req = req.header("If-Match", v);
        }
        let res = req.send().expect("request");
        let status = res.status().as_u16();
        let etag = res
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = res.text().expect("answer body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::Null),
            etag,
        )
    }
}

/// A ClamAV daemon of the test's own (started with `scripts/lib/clamd.sh` on a free
/// loopback port, with the self-written EICAR signature), which a test may stop and
/// start again. The test command installs clamd; a machine without it fails the test.
pub mod clamav {
    use std::path::PathBuf;
    use std::process::Command;

    /// A running daemon; stopped when dropped.
    #[derive(Debug)]
    pub struct Clamd {
        dir: tempfile::TempDir,
        /// `127.0.0.1:PORT`.
        pub address: String,
        port: u16,
    }

    fn script() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/lib/clamd.sh")
    }

    impl Clamd {
        /// Starts a daemon and waits until it answers.
        pub fn start() -> Clamd {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            let clamd = Clamd {
                dir: tempfile::tempdir().expect("temporary folder"),
                address: format!("127.0.0.1:{port}"),
                port,
            };
            clamd.up();
            clamd
        }

        /// Starts it again on the same port after [`Clamd::stop`].
        pub fn up(&self) {
            let status = Command::new("bash")
                .arg(script())
                .args(["start", &self.dir.path().display().to_string()])
                .arg(self.port.to_string())
                .status()
                .expect("bash runs");
            assert!(
                status.success(),
                "clamd did not start (the test command installs clamav-daemon)"
            );
        }

        /// Stops it; scans fail until [`Clamd::up`].
        pub fn stop(&self) {
            let status = Command::new("bash")
                .arg(script())
                .args(["stop", &self.dir.path().display().to_string()])
                .status()
                .expect("bash runs");
            assert!(status.success());
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while std::net::TcpStream::connect(&self.address).is_ok() {
                assert!(std::time::Instant::now() < deadline, "clamd did not stop");
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
    }

    impl Drop for Clamd {
        fn drop(&mut self) {
            let _ = Command::new("bash")
                .arg(script())
                .args(["stop", &self.dir.path().display().to_string()])
                .status();
        }
    }
}
