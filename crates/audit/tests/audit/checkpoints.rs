//! Signed checkpoints catch what the chain alone cannot: a truncated tail and a chain
//! re-hashed after an edit; a new checkpoint is never signed over such a chain, and the
//! series of checkpoints cannot lose or gain a member unnoticed.

use crate::support::{
    chain_of, drop_append_only_triggers, edit_and_rehash, event, record_one, rows, t0,
};
use chrono::Duration;
use schakel_audit::{
    AuditError, BreakReason, BrokenEntry, GENESIS_HASH, SignedCheckpoint, SigningKey, checkpoint,
    read_signing_key, read_verifying_key, verify_with_checkpoint, verify_with_checkpoints,
};
use schakel_store::testing::{TestDb, each_backend};

fn key() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

/// A checkpoint of a fresh six-entry chain, made before the triggers are dropped.
fn checkpointed(db: &TestDb) -> SignedCheckpoint {
    chain_of(db, 6);
    let mut conn = db.pool.get().unwrap();
    let cp = checkpoint(&mut conn, &key(), None, t0() + Duration::hours(1)).unwrap();
    drop(conn);
    drop_append_only_triggers(db);
    cp
}

fn verified(db: &TestDb, cp: &SignedCheckpoint) -> schakel_audit::VerifyReport {
    let mut conn = db.pool.get().unwrap();
    verify_with_checkpoint(&mut conn, cp, &key().verifying_key()).unwrap()
}

#[test]
fn a_checkpoint_signs_the_head_and_an_intact_longer_chain_passes_it() {
    each_backend(|db| {
        let cp = checkpointed(&db);
        assert_eq!(cp.seq, 6);
        assert_eq!(Some(cp.hash.clone()), rows(&db)[5].hash);
        assert_eq!(cp.created_at, t0() + Duration::hours(1));
        let json = cp.to_json().unwrap();
        assert!(!json.contains(&hex_of_seed()), "the secret never leaves");
        let cp = SignedCheckpoint::from_json(&json).unwrap();
        record_one(&db, &event(7), t0() + Duration::hours(2));
        let report = verified(&db, &cp);
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.checked, 7);
    });
}

fn hex_of_seed() -> String {
    "2a".repeat(32)
}

#[test]
fn a_truncated_tail_is_named_at_the_first_missing_seq() {
    each_backend(|db| {
        let cp = checkpointed(&db);
        db.execute_raw("DELETE FROM audit_entries WHERE seq >= 4");
        let report = verified(&db, &cp);
        let reason = BreakReason::Truncated { checkpoint_seq: 6 };
        assert_eq!(report.broken, Some(BrokenEntry { seq: 4, reason }));
        assert_eq!(report.checked, 3);
    });
}

#[test]
fn a_truncated_and_regrown_tail_is_named_at_the_checkpointed_seq() {
    each_backend(|db| {
        let cp = checkpointed(&db);
        db.execute_raw("DELETE FROM audit_entries WHERE seq >= 5");
        // New, genuine-looking entries take the old places.
        record_one(&db, &event(50), t0());
        record_one(&db, &event(60), t0());
        let report = verified(&db, &cp);
        let reason = BreakReason::CheckpointMismatch;
        assert_eq!(report.broken, Some(BrokenEntry { seq: 6, reason }));
    });
}

#[test]
fn a_chain_re_hashed_after_an_edit_is_caught_by_the_checkpoint() {
    each_backend(|db| {
        let cp = checkpointed(&db);
        edit_and_rehash(&db, 2);
        let report = verified(&db, &cp);
        let reason = BreakReason::CheckpointMismatch;
        assert_eq!(report.broken, Some(BrokenEntry { seq: 6, reason }));
        assert_eq!(report.checked, 5);
    });
}

#[test]
fn a_tampered_chain_breaks_before_the_checkpoint_is_reached() {
    each_backend(|db| {
        let cp = checkpointed(&db);
        db.execute_raw("UPDATE audit_entries SET outcome = 'failure' WHERE seq = 2");
        let report = verified(&db, &cp);
        let reason = BreakReason::HashMismatch;
        assert_eq!(report.broken, Some(BrokenEntry { seq: 2, reason }));
    });
}

#[test]
fn a_checkpoint_not_signed_by_the_trusted_key_is_an_error() {
    each_backend(|db| {
        let mut cp = checkpointed(&db);
        let other = SigningKey::from_bytes(&[1; 32]).verifying_key();
        let mut conn = db.pool.get().unwrap();
        let err = verify_with_checkpoint(&mut conn, &cp, &other).unwrap_err();
        assert!(matches!(err, AuditError::InvalidCheckpoint(_)), "{err}");
        cp.seq = 5;
        let err = verify_with_checkpoint(&mut conn, &cp, &key().verifying_key()).unwrap_err();
        assert!(matches!(err, AuditError::InvalidCheckpoint(_)), "{err}");
    });
}

#[test]
fn a_broken_chain_gets_no_checkpoint() {
    each_backend(|db| {
        chain_of(&db, 3);
        drop_append_only_triggers(&db);
        db.execute_raw("UPDATE audit_entries SET outcome = 'failure' WHERE seq = 2");
        let mut conn = db.pool.get().unwrap();
        let err = checkpoint(&mut conn, &key(), None, t0()).unwrap_err();
        match err {
            AuditError::ChainBroken(b) => assert_eq!(b.seq, 2),
            other => panic!("{other}"),
        }
    });
}

#[test]
fn an_empty_chain_can_be_checkpointed_and_verified() {
    each_backend(|db| {
        let mut conn = db.pool.get().unwrap();
        let cp = checkpoint(&mut conn, &key(), None, t0()).unwrap();
        assert_eq!((cp.seq, cp.hash.as_str()), (0, GENESIS_HASH));
        let report = verify_with_checkpoint(&mut conn, &cp, &key().verifying_key()).unwrap();
        assert!(report.is_intact());
        assert_eq!(report.checked, 0);
    });
}

#[test]
fn keys_are_read_from_hex_files() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("checkpoint.key");
    std::fs::write(&secret, format!("{}\n", hex_of_seed())).unwrap();
    let signing = read_signing_key(&secret).unwrap();
    assert_eq!(signing.to_bytes(), key().to_bytes());
    let public = dir.path().join("checkpoint.pub");
    let db = TestDb::new(schakel_store::Backend::Sqlite);
    let mut conn = db.pool.get().unwrap();
    let cp = checkpoint(&mut conn, &signing, None, t0()).unwrap();
    std::fs::write(&public, &cp.public_key).unwrap();
    let verifying = read_verifying_key(&public).unwrap();
    assert_eq!(verifying, signing.verifying_key());
}

#[test]
fn a_new_checkpoint_is_refused_over_a_chain_re_hashed_since_the_previous_one() {
    each_backend(|db| {
        let first = checkpointed(&db);
        assert_eq!(first.previous.as_deref(), Some(GENESIS_HASH));
        edit_and_rehash(&db, 2);
        let mut conn = db.pool.get().unwrap();
        // The chain alone looks intact ...
        assert!(schakel_audit::verify(&mut conn).unwrap().is_intact());
        // ... but the next checkpoint holds it to the previous one and refuses.
        let later = t0() + Duration::hours(2);
        let err = checkpoint(&mut conn, &key(), Some(&first), later).unwrap_err();
        match err {
            AuditError::ChainBroken(b) => {
                assert_eq!((b.seq, b.reason), (6, BreakReason::CheckpointMismatch));
            }
            other => panic!("{other}"),
        }
    });
}

#[test]
fn a_series_of_checkpoints_verifies_whole_and_a_missing_member_is_an_error() {
    each_backend(|db| {
        let first = checkpointed(&db);
        let mut conn = db.pool.get().unwrap();
        let hour = |h| t0() + Duration::hours(h);
        let too_early = checkpoint(&mut conn, &key(), Some(&first), hour(1)).unwrap_err();
        assert!(
            matches!(too_early, AuditError::InvalidCheckpoint(_)),
            "{too_early}"
        );
        drop(conn);
        record_one(&db, &event(7), hour(2));
        let mut conn = db.pool.get().unwrap();
        let second = checkpoint(&mut conn, &key(), Some(&first), hour(2)).unwrap();
        assert_eq!(second.seq, 7);
        assert_eq!(second.previous, Some(first.checkpoint_hash()));
        let third = checkpoint(&mut conn, &key(), Some(&second), hour(3)).unwrap();
        let trusted = key().verifying_key();

        let series = [third.clone(), first.clone(), second.clone()];
        let report = verify_with_checkpoints(&mut conn, &series, &trusted).unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.checked, 7);
        // The tail of a series verifies on its own.
        let tail = [second.clone(), third.clone()];
        assert!(
            verify_with_checkpoints(&mut conn, &tail, &trusted)
                .unwrap()
                .is_intact()
        );

        let gap = [first.clone(), third.clone()];
        let err = verify_with_checkpoints(&mut conn, &gap, &trusted).unwrap_err();
        assert!(err.to_string().contains("does not follow"), "{err}");

        // A checkpoint of another series (made without the previous one) is refused too.
        let stray = checkpoint(&mut conn, &key(), None, hour(4)).unwrap();
        let mixed = [first, second, third, stray];
        let err = verify_with_checkpoints(&mut conn, &mixed, &trusted).unwrap_err();
        assert!(err.to_string().contains("does not follow"), "{err}");
    });
}
