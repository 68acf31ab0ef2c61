//! `schakel audit verify` and `schakel audit checkpoint` as an operator runs them, on
//! every backend: an intact trail exits 0, a tampered one exits 1 naming the entry.
//!
//! The trail is written with raw SQL from the hashes in the audit crate's README,
//! computed outside Rust: the binary must agree with the documented encoding.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use schakel_e2e::schakel;
use schakel_store::Backend;
use schakel_store::testing::{TestDb, selected_backends};
use std::process::Output;

/// Three chained entries (the first is the README's example).
const ENTRIES: &str = "
INSERT INTO audit_entries (seq, id, occurred_at, actor_user_id, actor_agency_id, actor_role,
    on_behalf_of, action, action_kind, object_type, object_id, purpose, subject_pseudonym,
    outcome, source_ip, request_id, details, prev_hash, hash) VALUES
(1, '0b0f6c1e-2a57-4c7e-9a51-6f3f1f7d2c01', '2026-03-01 09:30:00.123456',
    '5d1c3c59-7d7e-4a53-8a1e-0c6f1b9e4a10', '6f9619ff-8b86-d011-b42d-00c04fc964ff', 'caseworker',
    NULL, 'case.read', 'R', 'case', 'c4a7a0a2-43c2-4b8a-9f4e-1d2a9c1b7e55', NULL, NULL,
    'success', '192.0.2.10', 'req-1', '{}',
    '0000000000000000000000000000000000000000000000000000000000000000',
    '8665d77c6007a910d182afc1319daeb4901972cef645bcc9035c6bd38120a096'),
(2, '0b0f6c1e-2a57-4c7e-9a51-6f3f1f7d2c02', '2026-03-01 09:31:00',
    NULL, NULL, NULL,
    NULL, 'auth.login', 'R', NULL, NULL, NULL, NULL,
    'failure', '192.0.2.11', 'req-2', '{}',
    '8665d77c6007a910d182afc1319daeb4901972cef645bcc9035c6bd38120a096',
    '8761973634b4e51ed30f9e1f7585f78d677ea2da8e9e24e1005f200c7279c431'),
(3, '0b0f6c1e-2a57-4c7e-9a51-6f3f1f7d2c03', '2026-03-01 09:32:00.5',
    '5d1c3c59-7d7e-4a53-8a1e-0c6f1b9e4a10', '6f9619ff-8b86-d011-b42d-00c04fc964ff', 'coordinator',
    NULL, 'referral.accept', 'U', 'referral', 'r-1', 'referral r-1', 'ps-1',
    'success', NULL, 'req-3', '{\"from\":\"new\",\"to\":\"accepted\"}',
    '8761973634b4e51ed30f9e1f7585f78d677ea2da8e9e24e1005f200c7279c431',
    '98626746e8211e3462f687b9985ed2cbbd4d2480ef9b403c4f31469edbf553a8')";

const HEAD_HASH: &str = "98626746e8211e3462f687b9985ed2cbbd4d2480ef9b403c4f31469edbf553a8";

/// A signing key (an Ed25519 seed as hex); it must never be printed.
const SEED_HEX: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

fn populated(backend: Backend) -> TestDb {
    let db = TestDb::new(backend);
    db.execute_raw(ENTRIES);
    db
}

/// What a database superuser does before tampering: drop the append-only triggers.
fn drop_triggers(db: &TestDb) {
    let statements: &[&str] = match db.backend {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_entries_no_update",
            "DROP TRIGGER audit_entries_no_delete",
        ],
        Backend::Postgres => &[
            "DROP TRIGGER audit_entries_no_update ON audit_entries",
            "DROP TRIGGER audit_entries_no_truncate ON audit_entries",
        ],
    };
    for sql in statements {
        db.execute_raw(sql);
    }
}

fn audit(db: &TestDb, dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    schakel(dir)
        .arg("audit")
        .args(args)
        .env("SCHAKEL_DATABASE__URL", db.url())
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn describe(out: &Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        stdout(out),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn audit_verify_passes_an_empty_and_a_populated_trail_on_every_backend() {
    for backend in selected_backends() {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend);
        let out = audit(&db, dir.path(), &["verify"], &[]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{backend:?}: {}",
            describe(&out)
        );
        assert!(stdout(&out).contains("0 entries checked: chain intact"));

        db.execute_raw(ENTRIES);
        let out = audit(&db, dir.path(), &["verify"], &[]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{backend:?}: {}",
            describe(&out)
        );
        assert!(stdout(&out).contains("3 entries checked: chain intact"));
    }
}

#[test]
fn audit_verify_names_the_first_broken_entry_and_exits_one() {
    for backend in selected_backends() {
        let dir = tempfile::tempdir().unwrap();
        let db = populated(backend);
        drop_triggers(&db);
        db.execute_raw("UPDATE audit_entries SET outcome = 'success' WHERE seq = 2");
        let out = audit(&db, dir.path(), &["verify"], &[]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{backend:?}: {}",
            describe(&out)
        );
        let text = stdout(&out);
        assert!(text.contains("1 entries checked"), "{text}");
        assert!(
            text.contains("chain broken at entry 2: hash mismatch"),
            "{text}"
        );

        db.execute_raw("DELETE FROM audit_entries WHERE seq = 1");
        let out = audit(&db, dir.path(), &["verify"], &[]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{backend:?}: {}",
            describe(&out)
        );
        assert!(stdout(&out).contains("chain broken at entry 1: missing"));
    }
}

#[test]
fn audit_checkpoint_signs_the_head_and_verify_catches_a_truncated_tail() {
    for backend in selected_backends() {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("checkpoint.key");
        schakel_e2e::write_private(&key_file, &format!("{SEED_HEX}\n"));
        let key_env = [(
            "SCHAKEL_AUDIT__CHECKPOINT_KEY_FILE",
            key_file.to_str().unwrap(),
        )];
        let db = populated(backend);

        let out = audit(&db, dir.path(), &["checkpoint", "--out", "cp.json"], &[]);
        assert_eq!(out.status.code(), Some(2), "no key: {}", describe(&out));
        assert!(String::from_utf8_lossy(&out.stderr).contains("audit.checkpoint_key_file"));

        let out = audit(
            &db,
            dir.path(),
            &["checkpoint", "--out", "cp.json"],
            &key_env,
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{backend:?}: {}",
            describe(&out)
        );
        assert!(
            !describe(&out).contains(SEED_HEX),
            "the key is never printed"
        );
        let cp_text = std::fs::read_to_string(dir.path().join("cp.json")).unwrap();
        assert!(!cp_text.contains(SEED_HEX));
        let cp: serde_json::Value = serde_json::from_str(&cp_text).unwrap();
        assert_eq!(cp["seq"], 3);
        assert_eq!(cp["hash"], HEAD_HASH);

        let again = audit(
            &db,
            dir.path(),
            &["checkpoint", "--out", "cp.json"],
            &key_env,
        );
        assert_eq!(again.status.code(), Some(1), "never overwritten");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("cp.json")).unwrap(),
            cp_text
        );

        // An auditor verifies with the public key only.
        let pub_file = dir.path().join("checkpoint.pub");
        std::fs::write(&pub_file, cp["public_key"].as_str().unwrap()).unwrap();
        let pub_env = [(
            "SCHAKEL_AUDIT__CHECKPOINT_PUBLIC_KEY_FILE",
            pub_file.to_str().unwrap(),
        )];
        let verify_cp = ["verify", "--checkpoint", "cp.json"];
        let out = audit(&db, dir.path(), &verify_cp, &pub_env);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{backend:?}: {}",
            describe(&out)
        );
        assert!(
            stdout(&out).contains("3 entries checked: chain intact (holds checkpoint entry 3)")
        );

        drop_triggers(&db);
        db.execute_raw("DELETE FROM audit_entries WHERE seq = 3");
        let out = audit(&db, dir.path(), &["verify"], &[]);
        assert_eq!(out.status.code(), Some(0), "the chain alone cannot tell");
        let out = audit(&db, dir.path(), &verify_cp, &key_env);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{backend:?}: {}",
            describe(&out)
        );
        assert!(
            stdout(&out).contains("chain broken at entry 3: missing (the chain was truncated"),
            "{}",
            describe(&out)
        );
    }
}

#[test]
fn a_checkpoint_signed_by_another_key_is_refused() {
    let backend = selected_backends()[0];
    let dir = tempfile::tempdir().unwrap();
    let db = populated(backend);
    let key_file = dir.path().join("checkpoint.key");
    schakel_e2e::write_private(&key_file, SEED_HEX);
    let other_file = dir.path().join("other.key");
    schakel_e2e::write_private(&other_file, &"11".repeat(32));
    let signed = audit(
        &db,
        dir.path(),
        &["checkpoint", "--out", "cp.json"],
        &[(
            "SCHAKEL_AUDIT__CHECKPOINT_KEY_FILE",
            other_file.to_str().unwrap(),
        )],
    );
    assert!(signed.status.success(), "{}", describe(&signed));
    let out = audit(
        &db,
        dir.path(),
        &["verify", "--checkpoint", "cp.json"],
        &[(
            "SCHAKEL_AUDIT__CHECKPOINT_KEY_FILE",
            key_file.to_str().unwrap(),
        )],
    );
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("signed by a different key"));

    let bad_key = dir.path().join("bad.key");
    schakel_e2e::write_private(&bad_key, "not hex at all");
    let out = audit(
        &db,
        dir.path(),
        &["checkpoint", "--out", "cp2.json"],
        &[(
            "SCHAKEL_AUDIT__CHECKPOINT_KEY_FILE",
            bad_key.to_str().unwrap(),
        )],
    );
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(!dir.path().join("cp2.json").exists());
}
