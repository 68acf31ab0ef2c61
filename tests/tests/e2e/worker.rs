//! The dispatcher as `schakel worker`, against the test SMTP server the test command
//! starts: killed with SIGKILL in the middle of a batch, a restarted worker delivers
//! every message, none twice with different content; on PostgreSQL two workers running
//! at once deliver each message exactly once.

use schakel_e2e::mail::{borrowed, mail_env, smtp, tag};
use schakel_e2e::{Server, Worker, client};
use schakel_store::Backend;
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const PASSWORD: &str = "oranje fiets lantaarn 42";
pub(crate) const MESSAGES: usize = 150;

/// Starts the demo with dispatching off, and invites `MESSAGES` users whose addresses
/// end in `@<tag>.example`: one queued invitation email each.
pub(crate) fn queue_invitations(db: &TestDb, port: &str, tag: &str) -> Server {
    let env = mail_env(port, false);
    let server = Server::start_with(db.url(), &["--demo"], &borrowed(&env));
    let http = client();
    let login: Value = http
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({ "email": "admin@demo.schakel.invalid", "password": PASSWORD }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let token = login["access_token"].as_str().unwrap().to_owned();
    let me: Value = http
        .get(server.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let agency = me["agency"]["id"].clone();
    for i in 0..MESSAGES {
        let res = http
            .post(server.url("/api/v1/users"))
            .bearer_auth(&token)
            .json(&json!({
                "agency_id": agency, "email": format!("nieuw{i}@{tag}.example"),
                // An analyst: an invitation that needs no second admin's approval.
                "display_name": format!("Nieuwe collega {i}"), "role": "analyst",
            }))
            .send()
            .unwrap();
        assert_eq!(res.status(), 201, "{}", res.text().unwrap());
    }
    server
}

/// The delivered messages to addresses of `tag`: per recipient, each message's
/// Message-ID and text.
fn delivered(url: &str, tag: &str) -> BTreeMap<String, Vec<(String, String)>> {
    let all: Vec<Value> = client()
        .get(format!("{url}/email"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let mut by_to: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for m in all {
        let to = m["to"][0]["address"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if to.ends_with(&format!("@{tag}.example")) {
            let id = m["headers"]["message-id"].as_str().unwrap_or_default();
            let text = m["text"].as_str().unwrap_or_default();
            by_to
                .entry(to)
                .or_default()
                .push((id.to_owned(), text.to_owned()));
        }
    }
    by_to
}

/// Waits until every invited address has a message (or a minute has passed).
fn wait_for_all(url: &str, tag: &str) -> BTreeMap<String, Vec<(String, String)>> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let got = delivered(url, tag);
        if got.len() == MESSAGES || Instant::now() > deadline {
            return got;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub(crate) fn unsent(db: &TestDb) -> i64 {
    db.count("SELECT COUNT(*) AS n FROM mail_queue WHERE state <> 'sent'")
        + db.count("SELECT COUNT(*) AS n FROM outbox WHERE state <> 'done' AND channel = 'email'")
}

#[test]
fn a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice_differently() {
    let Some((port, url)) = smtp() else { return };
    for backend in selected_backends() {
        let db = TestDb::unmigrated(backend);
        let tag = tag();
        let server = queue_invitations(&db, &port, &tag);
        assert!(
            delivered(&url, &tag).is_empty(),
            "the server does not dispatch"
        );

        let env = mail_env(&port, true);
        let mut first = Worker::start(server.dir.path(), "worker-1", db.url(), &borrowed(&env));
        let deadline = Instant::now() + Duration::from_secs(60);
        while delivered(&url, &tag).len() < 5 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        first.kill_hard();
        let at_kill = delivered(&url, &tag).len();
        assert!(
            (5..MESSAGES).contains(&at_kill),
            "{backend:?}: the kill must land in the middle of the work ({at_kill} of {MESSAGES} delivered): {}",
            first.log()
        );
        assert!(unsent(&db) > 0, "{backend:?}: work was left");

        let second = Worker::start(server.dir.path(), "worker-2", db.url(), &borrowed(&env));
        let got = wait_for_all(&url, &tag);
        assert_eq!(got.len(), MESSAGES, "{backend:?}: {}", second.log());
        let mut copies = 0;
        for (to, messages) in &got {
            assert!(
                messages.iter().all(|m| *m == messages[0]),
                "{backend:?}: {to} got different messages: {messages:?}"
            );
            copies += messages.len() - 1;
        }
        // Only a message sent but not yet recorded when the process died goes again.
        assert!(copies <= 1, "{backend:?}: {copies} repeated messages");
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(unsent(&db), 0, "{backend:?}: every row is done");
    }
}

#[test]
fn two_workers_on_postgresql_deliver_each_message_exactly_once() {
    let Some((port, url)) = smtp() else { return };
    if !selected_backends().contains(&Backend::Postgres) {
        eprintln!("PostgreSQL not selected: test not run");
        return;
    }
    let db = TestDb::unmigrated(Backend::Postgres);
    let tag = tag();
    let server = queue_invitations(&db, &port, &tag);
    // A lease no batch outlives even on a loaded machine: this test is about two
    // workers claiming side by side (the lease running out is the crash test's matter).
    let mut env = mail_env(&port, true);
    env.retain(|(k, _)| *k != "SCHAKEL_MAIL__LEASE_SECS");
    env.push(("SCHAKEL_MAIL__LEASE_SECS", "30".into()));
    let one = Worker::start(server.dir.path(), "worker-a", db.url(), &borrowed(&env));
    let two = Worker::start(server.dir.path(), "worker-b", db.url(), &borrowed(&env));
    let got = wait_for_all(&url, &tag);
    assert_eq!(got.len(), MESSAGES, "{}\n{}", one.log(), two.log());
    std::thread::sleep(Duration::from_millis(500));
    let got = delivered(&url, &tag);
    let twice: Vec<_> = got.iter().filter(|(_, m)| m.len() != 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
    assert_eq!(unsent(&db), 0);
    for (name, w) in [("a", &one), ("b", &two)] {
        assert!(
            w.log().contains("outbox dispatched"),
            "worker {name} took part: {}",
            w.log()
        );
    }
}
