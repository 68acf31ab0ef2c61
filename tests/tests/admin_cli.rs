//! Bootstrapping from the command line: the first agency and admin are created with
//! `schakel admin`, and that admin can then log in over the API (and is asked to enrol
//! a second factor).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use schakel_e2e::{Server, client, schakel};
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

        let report = schakel_audit::verify(&mut conn).unwrap();
        assert!(report.broken.is_none());
        assert!(report.checked >= 3, "agency, user and login are audited");
    }
}
