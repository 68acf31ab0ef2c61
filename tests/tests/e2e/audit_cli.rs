//! `schakel audit verify` and `schakel audit checkpoint` as an operator runs them, on
//! every backend: an intact trail exits 0, a tampered one exits 1 naming the entry.
//!
//! The trail is written with raw SQL from the hashes in the audit crate's README,
//! computed outside Rust: the binary must agree with the documented encoding.

use crate::audit_support::{
    HEAD_HASH, SEED_HEX, audit, describe, drop_triggers, insert_entries, populated, stdout,
};
use schakel_store::testing::{TestDb, selected_backends};

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

        insert_entries(&db);
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

        let out = audit(
            &db,
            dir.path(),
            &["checkpoint", "--first", "--out", "cp.json"],
            &[],
        );
        assert_eq!(out.status.code(), Some(2), "no key: {}", describe(&out));
        assert!(String::from_utf8_lossy(&out.stderr).contains("audit.checkpoint_key_file"));

        let out = audit(
            &db,
            dir.path(),
            &["checkpoint", "--first", "--out", "cp.json"],
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
            &["checkpoint", "--first", "--out", "cp.json"],
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
        &["checkpoint", "--first", "--out", "cp.json"],
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
        &["checkpoint", "--first", "--out", "cp2.json"],
        &[(
            "SCHAKEL_AUDIT__CHECKPOINT_KEY_FILE",
            bad_key.to_str().unwrap(),
        )],
    );
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(!dir.path().join("cp2.json").exists());
}
