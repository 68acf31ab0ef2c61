//! Attacks on the audit trail by someone who can write the database, run against the
//! binary on every backend: a checkpoint is never signed over a chain re-hashed since
//! the previous one, a series of checkpoints with one left out is refused, and entries
//! forged onto the head without the entry key are found.

use crate::audit_support::{
    SEED_HEX, audit, describe, drop_triggers, edit_and_rehash, populated, rows, stderr, stdout,
};
use schakel_e2e::schakel;
use schakel_store::Backend;
use schakel_store::audit_log;
use schakel_store::testing::selected_backends;

#[test]
fn a_checkpoint_is_refused_over_a_chain_re_hashed_since_the_previous_one() {
    for backend in selected_backends() {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("checkpoint.key");
        schakel_e2e::write_private(&key_file, SEED_HEX);
        let key_env = [(
            "SCHAKEL_AUDIT__CHECKPOINT_KEY_FILE",
            key_file.to_str().unwrap(),
        )];
        let db = populated(backend);
        let first = ["checkpoint", "--first", "--out", "cp1.json"];
        let out = audit(&db, dir.path(), &first, &key_env);
        assert!(out.status.success(), "{backend:?}: {}", describe(&out));
        let second = ["checkpoint", "--previous", "cp1.json", "--out", "cp2.json"];
        let out = audit(&db, dir.path(), &second, &key_env);
        assert!(out.status.success(), "{backend:?}: {}", describe(&out));
        let cp1: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("cp1.json")).unwrap())
                .unwrap();
        let cp2: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("cp2.json")).unwrap())
                .unwrap();
        assert_eq!(cp1["previous"], "0".repeat(64));
        assert_ne!(
            cp2["previous"], cp1["previous"],
            "the second names the first"
        );

        // The series verifies whole; with a member left out it does not.
        let series = ["verify", "--checkpoint", "cp1.json", "cp2.json"];
        let out = audit(&db, dir.path(), &series, &key_env);
        assert!(out.status.success(), "{backend:?}: {}", describe(&out));
        let out = audit(
            &db,
            dir.path(),
            &["checkpoint", "--out", "x.json"],
            &key_env,
        );
        assert_eq!(
            out.status.code(),
            Some(2),
            "--previous or --first: {}",
            describe(&out)
        );

        // The attack: an old entry edited, the whole chain re-hashed.
        drop_triggers(&db);
        edit_and_rehash(&db, 2);
        let out = audit(&db, dir.path(), &["verify"], &[]);
        assert_eq!(out.status.code(), Some(0), "the chain alone cannot tell");

        let third = ["checkpoint", "--previous", "cp2.json", "--out", "cp3.json"];
        let out = audit(&db, dir.path(), &third, &key_env);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{backend:?}: {}",
            describe(&out)
        );
        assert!(
            stderr(&out).contains("refusing to sign a checkpoint")
                && stderr(&out).contains("entry 3: checkpoint mismatch"),
            "{}",
            describe(&out)
        );
        assert!(!dir.path().join("cp3.json").exists(), "nothing signed");
        let out = audit(&db, dir.path(), &series, &key_env);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{backend:?}: {}",
            describe(&out)
        );
    }
}

#[test]
fn a_series_with_a_checkpoint_left_out_is_refused() {
    let backend = selected_backends()[0];
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("checkpoint.key");
    schakel_e2e::write_private(&key_file, SEED_HEX);
    let key_env = [(
        "SCHAKEL_AUDIT__CHECKPOINT_KEY_FILE",
        key_file.to_str().unwrap(),
    )];
    let db = populated(backend);
    let steps: [&[&str]; 3] = [
        &["checkpoint", "--first", "--out", "cp1.json"],
        &["checkpoint", "--previous", "cp1.json", "--out", "cp2.json"],
        &["checkpoint", "--previous", "cp2.json", "--out", "cp3.json"],
    ];
    for step in steps {
        let out = audit(&db, dir.path(), step, &key_env);
        assert!(out.status.success(), "{}", describe(&out));
    }
    let whole = ["verify", "--checkpoint", "cp3.json", "cp1.json", "cp2.json"];
    let out = audit(&db, dir.path(), &whole, &key_env);
    assert!(out.status.success(), "{}", describe(&out));
    assert!(stdout(&out).contains("3 entries checked: chain intact (holds checkpoint entry 3)"));
    let gap = ["verify", "--checkpoint", "cp1.json", "cp3.json"];
    let out = audit(&db, dir.path(), &gap, &key_env);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        stderr(&out).contains("does not follow the one before it"),
        "{}",
        describe(&out)
    );
}

#[test]
fn entries_forged_onto_the_head_without_the_entry_key_are_found() {
    for backend in selected_backends() {
        let dir = tempfile::tempdir().unwrap();
        // Three entries written before the entry key existed (an upgraded trail) ...
        let db = populated(backend);
        // ... then one by the binary, which makes the key and gives the entry its MAC.
        let out = schakel(dir.path())
            .args(["admin", "create-agency", "--name", "Politie Noord"])
            .args(["--kind", "police", "--region", "national"])
            .args(["--email", "noord@example.org"])
            .env("SCHAKEL_DATABASE__URL", db.url())
            .output()
            .unwrap();
        assert!(out.status.success(), "{backend:?}: {}", describe(&out));
        assert!(dir.path().join("data/keys/audit-entry-key").is_file());
        // No server runs: seal by hand (on SQLite entries are sealed as they are made).
        let out = audit(&db, dir.path(), &["seal"], &[]);
        let sealed = if backend == Backend::Postgres { 1 } else { 0 };
        assert!(
            stdout(&out).contains(&format!("{sealed} entries sealed")),
            "{}",
            describe(&out)
        );
        let out = audit(&db, dir.path(), &["verify"], &[]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{backend:?}: {}",
            describe(&out)
        );
        assert!(
            stdout(&out).contains("4 entries checked: chain intact"),
            "{}",
            describe(&out)
        );
        assert!(
            stdout(&out).contains("entry MACs checked from entry 4 on"),
            "{}",
            describe(&out)
        );

        // A database writer appends an entry that links and hashes correctly; on
        // PostgreSQL, where entries can only be inserted unsealed, one the sealer
        // links: it seals it, but without a MAC, as it came without one.
        let mut forged = rows(&db).pop().unwrap();
        forged.id = "0b0f6c1e-2a57-4c7e-9a51-6f3f1f7d2c99".into();
        forged.action = "case.read".into();
        forged.mac = None;
        if backend == Backend::Postgres {
            (forged.seq, forged.prev_hash, forged.hash) = (None, None, None);
            audit_log::append(&mut db.pool.get().unwrap(), &forged).unwrap();
            let out = audit(&db, dir.path(), &["seal"], &[]);
            assert!(
                stdout(&out).contains("1 entries sealed"),
                "{}",
                describe(&out)
            );
        } else {
            forged.prev_hash = forged.hash.clone();
            forged.seq = forged.seq.map(|s| s + 1);
            forged.hash = Some(schakel_audit::entry_hash(&forged));
            audit_log::append(&mut db.pool.get().unwrap(), &forged).unwrap();
        }

        let out = audit(&db, dir.path(), &["verify"], &[]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{backend:?}: {}",
            describe(&out)
        );
        assert!(
            stdout(&out).contains("chain broken at entry 5: no MAC after keyed entries"),
            "{}",
            describe(&out)
        );
        // Nor does a checkpoint vouch for it.
        let key_file = dir.path().join("checkpoint.key");
        schakel_e2e::write_private(&key_file, SEED_HEX);
        let key_env = [(
            "SCHAKEL_AUDIT__CHECKPOINT_KEY_FILE",
            key_file.to_str().unwrap(),
        )];
        let out = audit(
            &db,
            dir.path(),
            &["checkpoint", "--first", "--out", "cp.json"],
            &key_env,
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "{backend:?}: {}",
            describe(&out)
        );
        assert!(
            stderr(&out).contains("refusing to sign"),
            "{}",
            describe(&out)
        );

        // With a made-up MAC instead, it is found too.
        drop_triggers(&db);
        db.execute_raw(&format!(
            "UPDATE audit_entries SET mac = '{}' WHERE seq = 5",
            "ab".repeat(32)
        ));
        let out = audit(&db, dir.path(), &["verify"], &[]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{backend:?}: {}",
            describe(&out)
        );
        assert!(
            stdout(&out).contains("chain broken at entry 5: MAC mismatch"),
            "{}",
            describe(&out)
        );

        // Where the key is not, the MACs cannot be checked, and the output says so.
        let elsewhere = tempfile::tempdir().unwrap();
        let out = audit(&db, elsewhere.path(), &["verify"], &[]);
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        assert!(
            stdout(&out).contains("entry MACs not checked"),
            "{}",
            describe(&out)
        );
    }
}
