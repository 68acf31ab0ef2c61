//! A test SMTP server of the test's own (maildev, which the test command installs and
//! names in `TEST_MAILDEV_BIN`), keeping every message as a file, which a fault test
//! may kill and start again; and a proxy in front of it that can answer every
//! connection with a temporary failure (`421`) for a while.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A running maildev; killed when dropped.
#[derive(Debug)]
pub struct Maildev {
    dir: tempfile::TempDir,
    child: Option<Child>,
    /// Its SMTP port.
    pub smtp_port: u16,
    web_port: u16,
}

impl Maildev {
    /// Starts one on free ports, keeping messages under its own folder; `None` outside
    /// CI when the test command did not name the binary (in CI that fails the test).
    pub fn start() -> Option<Maildev> {
        let Ok(_) = std::env::var("TEST_MAILDEV_BIN") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI runs the mail fault tests: TEST_MAILDEV_BIN must be set"
            );
            eprintln!("no TEST_MAILDEV_BIN: test not run");
            return None;
        };
        let mut m = Maildev {
            dir: tempfile::tempdir().expect("temporary folder"),
            child: None,
            smtp_port: free_port(),
            web_port: free_port(),
        };
        m.up();
        Some(m)
    }

    fn mails(&self) -> PathBuf {
        self.dir.path().join("mails")
    }

    /// Starts it (again) on its ports, loading the messages it kept.
    pub fn up(&mut self) {
        let bin = std::env::var("TEST_MAILDEV_BIN").expect("TEST_MAILDEV_BIN");
        std::fs::create_dir_all(self.mails()).expect("mail folder");
        let child = Command::new(bin)
            .args(["--smtp", &self.smtp_port.to_string(), "--ip", "127.0.0.1"])
            .args(["--web", &self.web_port.to_string(), "--web-ip", "127.0.0.1"])
            .arg("--mail-directory")
            .arg(self.mails())
            .arg("--silent")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("maildev starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", self.smtp_port)).is_err() {
            assert!(Instant::now() < deadline, "maildev did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kills it with SIGKILL, as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The Message-IDs of the messages kept to addresses containing `tag`, each with
    /// how many times it arrived.
    pub fn message_ids(&self, tag: &str) -> BTreeMap<String, usize> {
        let mut ids = BTreeMap::new();
        for entry in std::fs::read_dir(self.mails()).expect("mail folder") {
            let path = entry.expect("an entry").path();
            if path.extension().is_none_or(|e| e != "eml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let header = |name: &str| {
                text.lines()
                    .take_while(|l| !l.is_empty())
                    .find(|l| l.to_ascii_lowercase().starts_with(name))
                    .map(|l| l[name.len()..].trim().to_owned())
            };
            if header("to:").is_some_and(|to| to.contains(tag))
                && let Some(id) = header("message-id:")
            {
                *ids.entry(id).or_default() += 1;
            }
        }
        ids
    }

    /// How many messages it keeps, of anyone.
    pub fn kept(&self) -> usize {
        std::fs::read_dir(self.mails())
            .map(|d| {
                d.filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "eml"))
                })
                .count()
            })
            .unwrap_or(0)
    }
}

impl Drop for Maildev {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A TCP proxy to an SMTP server that, while told to fail, answers every connection
/// with `421` (service not available, try again) and closes it.
#[derive(Debug)]
pub struct FaultProxy {
    /// The port to send mail to.
    pub port: u16,
    failing: Arc<AtomicBool>,
}

impl FaultProxy {
    /// A proxy to `127.0.0.1:target`, passing everything through.
    pub fn start(target: u16) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
        let port = listener.local_addr().expect("its address").port();
        let failing = Arc::new(AtomicBool::new(false));
        let fail = Arc::clone(&failing);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if fail.load(Ordering::Relaxed) {
                    let mut client = client;
                    let _ =
                        client.write_all(b"421 4.3.2 Service not available, try again later\r\n");
                    continue;
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                    continue;
                };
                pipe(client, server);
            }
        });
        FaultProxy { port, failing }
    }

    /// Whether new connections are refused with `421`.
    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::Relaxed);
    }
}

/// Copies both ways until either side closes.
fn pipe(a: TcpStream, b: TcpStream) {
    let copy = |mut from: TcpStream, mut to: TcpStream| {
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = from.read(&mut buf) {
                if n == 0 || to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            let _ = to.shutdown(std::net::Shutdown::Both);
        });
    };
    if let (Ok(a2), Ok(b2)) = (a.try_clone(), b.try_clone()) {
        copy(a, b2);
        copy(b, a2);
    }
}
