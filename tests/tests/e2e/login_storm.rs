//! Fifty clients logging in at once must not stall everyone else: password hashing
//! runs on threads of its own behind a bounded queue, so a cheap authenticated request
//! keeps being answered while the logins are still running, and a login beyond the queue
//! is answered `503 busy` with `Retry-After` at once; a client that waits that long and
//! tries again gets in.

use schakel_e2e::{Server, client};
use schakel_store::testing::{TestDb, selected_backends};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const CLIENTS: usize = 50;
const LOGINS_EACH: usize = 2;
const DEMO_PASSWORD: &str = "oranje fiets lantaarn 42";

fn login(base: &str, email: &str) -> reqwest::blocking::Response {
    client()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({ "email": email, "password": DEMO_PASSWORD }))
        .send()
        .unwrap()
}

/// Logs in as a well-behaved client does: after `503 busy`, waits `Retry-After` seconds
/// and tries again. Returns the final answer and how many busy answers came first.
fn login_waiting(base: &str, email: &str) -> (reqwest::blocking::Response, usize) {
    let mut busy = 0;
    loop {
        let res = login(base, email);
        if res.status() != 503 {
            return (res, busy);
        }
        busy += 1;
        let wait: u64 = res
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .expect("a busy answer says when to try again");
        assert!((1..=5).contains(&wait), "Retry-After {wait}");
        let body: serde_json::Value = res.json().unwrap();
        assert_eq!(body["type"], "urn:schakel:problem:busy");
        std::thread::sleep(Duration::from_secs(wait));
    }
}

#[test]
fn a_cheap_authenticated_read_is_answered_while_fifty_clients_log_in() {
    for backend in selected_backends() {
        let db = TestDb::unmigrated(backend);
        let server = Server::start_with(
            db.url(),
            &["--demo"],
            &[
                ("SCHAKEL_AUTH__RATE_PER_SECOND", "1000"),
                ("SCHAKEL_AUTH__RATE_BURST", "1000"),
                // A short queue, so that fifty at once overflow it on any machine of
                // fewer than 46 cores.
                ("SCHAKEL_AUTH__HASH_QUEUE", "4"),
            ],
        );
        let base = server.base_url.clone();
        let res = login(&base, "caseworker@demo.schakel.invalid");
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().unwrap();
        assert_eq!(body["mfa"], "none", "the demo relaxes the second factor");
        let token = body["access_token"].as_str().unwrap().to_owned();

        let finished = Arc::new(AtomicUsize::new(0));
        let busy = Arc::new(AtomicUsize::new(0));
        let storm: Vec<_> = (0..CLIENTS)
            .map(|i| {
                let base = base.clone();
                let (finished, busy) = (finished.clone(), busy.clone());
                std::thread::spawn(move || {
                    let email = if i % 2 == 0 {
                        "coordinator@demo.schakel.invalid"
                    } else {
                        "analyst@demo.schakel.invalid"
                    };
                    for _ in 0..LOGINS_EACH {
                        let (res, waited) = login_waiting(&base, email);
                        assert_eq!(res.status(), 200);
                        busy.fetch_add(waited, Ordering::SeqCst);
                        finished.fetch_add(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();

        // Reads keep coming back while most logins are still waiting for their turn.
        let total = CLIENTS * LOGINS_EACH;
        let mut answered_during_storm = 0;
        let http = client();
        // A storm thread that failed ends the loop too (its panic is reported at join).
        let deadline = Instant::now() + Duration::from_secs(300);
        while finished.load(Ordering::SeqCst) < total && !storm.iter().all(|t| t.is_finished()) {
            assert!(
                Instant::now() < deadline,
                "the storm did not end on {backend:?}"
            );
            let res = http
                .get(format!("{base}/api/v1/me"))
                .bearer_auth(&token)
                .send()
                .unwrap();
            assert_eq!(res.status(), 200);
            if finished.load(Ordering::SeqCst) < total / 2 {
                answered_during_storm += 1;
            }
        }
        for t in storm {
            t.join().unwrap();
        }
        assert!(
            answered_during_storm >= 5,
            "only {answered_during_storm} reads answered during the first half of the storm on {backend:?}"
        );
        assert!(
            busy.load(Ordering::SeqCst) > 0,
            "fifty logins at once overflow a queue of four on {backend:?}"
        );
    }
}
