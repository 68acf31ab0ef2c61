//! Bootstrapping from the command line: the first agency and admin are created with
//! `schakel admin`, and that admin can then log in over the API (and is asked to enrol
//! a second factor).

use schakel_e2e::{BIND_ANY_PORT, Server, bound_url, client, schakel};
use schakel_store::testing::{TestDb, selected_backends};
use std::io::Write;
use std::process::Stdio;

fn admin(db: &TestDb, dir: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = schakel(dir)
        .arg("admin")
        .args(args)
        .env("SCHAKEL_DATABASE__URL", db.url())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_first_admin_is_created_on_the_command_line_and_can_log_in() {
    for backend in selected_backends() {
        let db = TestDb::unmigrated(backend);
        let dir = tempfile::tempdir().unwrap();
        let agency = [
            "create-agency",
            "--name",
            "Schakel Beheer",
            "--kind",
            "other",
            "--region",
            "national",
            "--email",
            "beheer@example.test",
        ];
        let out = admin(&db, dir.path(), &agency, "");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let again = admin(&db, dir.path(), &agency, "");
        assert_eq!(again.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));

        let user = [
            "create-user",
            "--email",
            "root@example.test",
            "--name",
            "Root Admin",
            "--role",
            "admin",
            "--agency",
            "Schakel Beheer",
        ];
        let weak = admin(&db, dir.path(), &user, "password12345678\n");
        assert_eq!(weak.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&weak.stderr).contains("password refused"));
        let ok = admin(&db, dir.path(), &user, "kompas tulp regen mango\n");
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );

        let server = Server::start(db.url(), &[]);
        let res = client()
            .post(server.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "email": "root@example.test", "password": "kompas tulp regen mango" }))
            .send()
            .unwrap();
        assert_eq!(res.status(), 200, "{backend:?}");
        let body: serde_json::Value = res.json().unwrap();
        assert_eq!(
            body["mfa"], "enrol",
            "every role needs a second factor by default"
        );
        // Until then the session can do nothing else.
        let me = client()
            .get(server.url("/api/v1/me"))
            .bearer_auth(body["access_token"].as_str().unwrap())
            .send()
            .unwrap();
        assert_eq!(me.status(), 401);
        let problem: serde_json::Value = me.json().unwrap();
        assert_eq!(problem["type"], "urn:schakel:problem:mfa_required");

        // Enrolling stores the authenticator secret encrypted with the data key, which the
        // embedded setup created in its key folder.
        let enrol = client()
            .post(server.url("/api/v1/auth/mfa/enrol"))
            .bearer_auth(body["access_token"].as_str().unwrap())
            .send()
            .unwrap();
        assert_eq!(enrol.status(), 200);
        let uri: serde_json::Value = enrol.json().unwrap();
        let uri = uri["otpauth_uri"].as_str().unwrap().to_owned();
        let secret_b32 = uri
            .split("secret=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap();
        assert!(server.dir.path().join("data/keys/data-keys").is_file());
        let mut conn = db.pool.get().unwrap();
        let stored = schakel_store::users::find_by_email(&mut conn, "root@example.test")
            .unwrap()
            .unwrap()
            .totp_secret
            .unwrap();
        assert!(stored.starts_with("v1.k1."), "{stored}");
        assert!(
            !stored.contains(secret_b32),
            "the secret is not stored readable"
        );

        // The server's sealer links the entries into the chain within a second or so.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let report = schakel_audit::verify(&mut conn).unwrap();
            assert!(report.broken.is_none());
            if report.checked >= 3 {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "agency, user and login are audited and sealed: {report:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

/// Starts `schakel serve` in `dir` (so it keeps its key files there), waits until it is
/// ready, and returns the child and its base URL.
fn serve_in(db: &TestDb, dir: &std::path::Path, args: &[&str]) -> (std::process::Child, String) {
    let stdout_log = dir.join("serve-stdout.log");
    let stderr_log = dir.join("serve-stderr.log");
    let mut child = schakel(dir)
        .arg("serve")
        .args(args)
        .env("SCHAKEL_DATABASE__URL", db.url())
        .env(BIND_ANY_PORT.0, BIND_ANY_PORT.1)
        .stdout(std::fs::File::create(&stdout_log).unwrap())
        .stderr(std::fs::File::create(&stderr_log).unwrap())
        .spawn()
        .unwrap();
    let base = bound_url(&mut child, &stdout_log, &stderr_log);
    let ready = (0..400).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        client()
            .get(format!("{base}/readyz"))
            .send()
            .is_ok_and(|r| r.status() == 200)
    });
    assert!(ready, "schakel serve became ready");
    (child, base)
}

#[test]
fn rotate_key_re_encrypts_everything_under_the_new_key_and_the_data_stays_readable() {
    for backend in selected_backends() {
        let db = TestDb::unmigrated(backend);
        let dir = tempfile::tempdir().unwrap();
        // The demo writes encrypted case work under the generated key k1.
        let (mut child, _) = serve_in(&db, dir.path(), &["--demo"]);
        child.kill().unwrap();
        child.wait().unwrap();
        let keys = dir.path().join("data/keys/data-keys");
        let old = std::fs::read_to_string(&keys).unwrap();
        assert!(old.contains("k1 "), "{old}");
        // A new key on top becomes the current one; k1 stays for reading and, as the
        // configured index and linkage key, for blind indexes and pseudonyms.
        std::fs::write(&keys, format!("k2 {}\n{old}", "ab".repeat(32))).unwrap();

        let dry = admin(&db, dir.path(), &["retention", "--dry-run"], "");
        assert!(dry.status.success());
        let dry = String::from_utf8_lossy(&dry.stdout);
        assert!(
            dry.contains("0 case(s) and 0 signal(s) would erase"),
            "{dry}"
        );

        let first = admin(&db, dir.path(), &["rotate-key"], "");
        let out = String::from_utf8_lossy(&first.stdout).into_owned();
        assert!(
            first.status.success(),
            "{out} {}",
            String::from_utf8_lossy(&first.stderr)
        );
        let count: usize = out.split_whitespace().next().unwrap().parse().unwrap();
        assert!(count >= 4, "identity, summary, notes, message: {out}");
        assert!(out.contains("under key k2"), "{out}");
        let again = admin(&db, dir.path(), &["rotate-key"], "");
        let again = String::from_utf8_lossy(&again.stdout);
        assert!(again.starts_with("0 value(s) re-encrypted"), "{again}");
        // Each run is in the audit trail with the key and the counts.
        let mut conn = db.pool.get().unwrap();
        let filter = schakel_audit::AuditFilter {
            action: Some(schakel_audit::ActionCode::parse("system.key_rotation").unwrap()),
            ..Default::default()
        };
        let page = schakel_audit::PageRequest {
            before_seq: None,
            limit: schakel_audit::MAX_PAGE_SIZE,
        };
        let runs = schakel_audit::query(&mut conn, &filter, page)
            .unwrap()
            .entries;
        drop(conn);
        assert_eq!(runs.len(), 2, "{backend:?}");
        assert_eq!(runs[1].details["key"], "k2");
        assert_eq!(runs[1].details["reencrypted"], count);
        assert_eq!(runs[0].details["reencrypted"], 0);

        // With k1 still in the file the server reads everything back (the demo again,
        // for its relaxed second factor; it adds nothing the second time).
        let (mut child, base) = serve_in(&db, dir.path(), &["--demo"]);
        let login = client()
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({
                "email": "caseworker@demo.schakel.invalid",
                "password": "oranje fiets lantaarn 42"
            }))
            .send()
            .unwrap()
            .json::<serde_json::Value>()
            .unwrap();
        let token = login["access_token"].as_str().unwrap();
        let cases = client()
            .get(format!("{base}/api/v1/cases"))
            .bearer_auth(token)
            .send()
            .unwrap();
        assert_eq!(cases.status(), 200);
        let cases: serde_json::Value = cases.json().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(
            cases["items"][0]["display_name"], "Demo Voorbeeld",
            "{backend:?}"
        );
    }
}
