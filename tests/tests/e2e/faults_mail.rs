//! The SMTP server failing under the dispatcher: killed with SIGKILL in the middle of a
//! batch and started again, and answering every connection with a temporary `421` for
//! a while. Either way every queued notice reaches the server under its one
//! Message-ID, none is lost, and none is given up on.
//!
//! A message whose transfer the kill cut off, or whose `250` never came back, is sent
//! again with the same Message-ID (SMTP delivers at least once; a receiver sees the
//! copy as the same message): such copies are counted and reported, never a message
//! under a second Message-ID. Without a kill there are none.
//!
//! The test command runs them with a short outage (`FAULTS_HALT_SECS`, 5 s);
//! `scripts/faults` with 30 s. Each prints its figures as a `faults:` line.

use crate::worker::{MESSAGES, queue_invitations, unsent};
use schakel_e2e::Worker;
use schakel_e2e::mail::{borrowed, mail_env, tag};
use schakel_e2e::maildev::{FaultProxy, Maildev};
use schakel_store::testing::{TestDb, selected_backends};
use std::time::{Duration, Instant};

fn outage() -> Duration {
    Duration::from_secs(std::env::var("FAULTS_HALT_SECS").map_or(5, |s| s.parse().unwrap()))
}

/// A worker sending to `port` that retries soon and never gives up within a test.
fn worker_env(port: &str) -> Vec<(&'static str, String)> {
    let mut env = mail_env(port, true);
    env.extend([
        ("SCHAKEL_MAIL__BACKOFF_SECS", "1".into()),
        ("SCHAKEL_MAIL__BACKOFF_MAX_SECS", "2".into()),
        ("SCHAKEL_MAIL__MAX_ATTEMPTS", "1000".into()),
    ]);
    env
}

/// Waits until the queue is sent; the seconds it took.
fn drained(db: &TestDb, worker: &Worker) -> f64 {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(180);
    while unsent(db) > 0 {
        assert!(
            Instant::now() < deadline,
            "the queue drained: {}",
            worker.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    started.elapsed().as_secs_f64()
}

fn given_up(db: &TestDb) -> i64 {
    db.count("SELECT COUNT(*) AS n FROM mail_queue WHERE state = 'failed'")
}

#[test]
fn an_smtp_server_killed_mid_batch_and_restarted_receives_every_notice_under_one_id() {
    let Some(mut maildev) = Maildev::start() else {
        return;
    };
    let port = maildev.smtp_port.to_string();
    for backend in selected_backends() {
        let db = TestDb::unmigrated(backend);
        let tag = tag();
        let _server = queue_invitations(&db, &port, &tag);
        let env = worker_env(&port);
        let worker = Worker::start(_server.dir.path(), "worker", db.url(), &borrowed(&env));
        let deadline = Instant::now() + Duration::from_secs(60);
        while maildev.message_ids(&tag).len() < 20 {
            assert!(Instant::now() < deadline, "mail flows: {}", worker.log());
            std::thread::sleep(Duration::from_millis(5));
        }
        maildev.kill();
        let at_kill = maildev.message_ids(&tag).len();
        std::thread::sleep(outage());
        maildev.up();
        let seconds = drained(&db, &worker);
        std::thread::sleep(Duration::from_millis(500));
        let ids = maildev.message_ids(&tag);
        let copies: usize = ids.values().map(|n| n - 1).sum();
        eprintln!(
            "faults: {backend:?}: SMTP server killed after {at_kill} of {MESSAGES} notices, down {} s: \
             {} received under their one Message-ID, lost {}, {copies} copies resent under the same \
             Message-ID, {} given up; queue drained {seconds:.1} s after the restart",
            outage().as_secs(),
            ids.len(),
            MESSAGES.saturating_sub(ids.len()),
            given_up(&db)
        );
        assert!(at_kill < MESSAGES, "the kill landed mid-batch");
        assert_eq!(
            ids.len(),
            MESSAGES,
            "{backend:?}: every notice once, under one Message-ID"
        );
        assert_eq!(given_up(&db), 0, "{backend:?}: none given up");
    }
}

#[test]
fn an_smtp_server_answering_421_for_a_while_receives_every_notice_exactly_once() {
    let Some(maildev) = Maildev::start() else {
        return;
    };
    let proxy = FaultProxy::start(maildev.smtp_port);
    let port = proxy.port.to_string();
    for backend in selected_backends() {
        let db = TestDb::unmigrated(backend);
        let tag = tag();
        let server = queue_invitations(&db, &port, &tag);
        proxy.set_failing(true);
        let env = worker_env(&port);
        let worker = Worker::start(server.dir.path(), "worker", db.url(), &borrowed(&env));
        std::thread::sleep(outage());
        let tried =
            db.count("SELECT CAST(COALESCE(MAX(attempts), 0) AS BIGINT) AS n FROM mail_queue");
        proxy.set_failing(false);
        let seconds = drained(&db, &worker);
        std::thread::sleep(Duration::from_millis(500));
        let ids = maildev.message_ids(&tag);
        let copies: usize = ids.values().map(|n| n - 1).sum();
        eprintln!(
            "faults: {backend:?}: SMTP server answering 421 for {} s ({tried} attempts on the most \
             tried notice): {} of {MESSAGES} received, lost {}, duplicated {copies}, {} given up; \
             queue drained {seconds:.1} s after it recovered",
            outage().as_secs(),
            ids.len(),
            MESSAGES.saturating_sub(ids.len()),
            given_up(&db)
        );
        assert!(
            tried >= 2,
            "{backend:?}: the worker met the 421 and tried again"
        );
        assert_eq!(ids.len(), MESSAGES, "{backend:?}: every notice arrived");
        assert_eq!(copies, 0, "{backend:?}: none twice");
        assert_eq!(given_up(&db), 0, "{backend:?}: none given up");
    }
}
