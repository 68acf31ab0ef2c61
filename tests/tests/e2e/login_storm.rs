//! Fifty clients logging in at once must not stall everyone else: password hashing
//! queues behind its own limit, so a cheap authenticated request keeps being answered
//! while the logins are still running.

use schakel_e2e::{Server, client};
use schakel_store::testing::{TestDb, selected_backends};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

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
            ],
        );
        let base = server.base_url.clone();
        let res = login(&base, "caseworker@demo.schakel.invalid");
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().unwrap();
        assert_eq!(body["mfa"], "none", "the demo relaxes the second factor");
        let token = body["access_token"].as_str().unwrap().to_owned();

        let finished = Arc::new(AtomicUsize::new(0));
        let storm: Vec<_> = (0..CLIENTS)
            .map(|i| {
                let base = base.clone();
                let finished = finished.clone();
                std::thread::spawn(move || {
                    let email = if i % 2 == 0 {
                        "coordinator@demo.schakel.invalid"
                    } else {
                        "analyst@demo.schakel.invalid"
                    };
                    for _ in 0..LOGINS_EACH {
                        let res = login(&base, email);
                        assert_eq!(res.status(), 200);
                        finished.fetch_add(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();

        // Reads keep coming back while most logins are still waiting for their turn.
        let total = CLIENTS * LOGINS_EACH;
        let mut answered_during_storm = 0;
        let http = client();
        while finished.load(Ordering::SeqCst) < total {
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
    }
}
