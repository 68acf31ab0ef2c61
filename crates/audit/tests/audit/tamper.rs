//! The tamper suite: a database superuser drops the triggers and changes the trail;
//! `verify` names the first entry that is no longer as it was written.

use crate::support::{
    append_as_superuser, chain_of, drop_append_only_triggers, edit_and_rehash, overwrite, rows,
};
use schakel_audit::{BreakReason, BrokenEntry, VerifyReport, entry_hash, verify};
use schakel_store::testing::{TestDb, each_backend};

const ENTRIES: i64 = 6;

/// A chain of six entries with the triggers dropped, tampered with by `tamper`, then
/// verified.
fn tampered(tamper: impl Fn(&TestDb)) -> impl Fn(TestDb) -> (TestDb, VerifyReport) {
    move |db: TestDb| {
        chain_of(&db, ENTRIES);
        drop_append_only_triggers(&db);
        tamper(&db);
        let mut conn = db.pool.get().unwrap();
        let report = verify(&mut conn).unwrap();
        drop(conn);
        (db, report)
    }
}

fn assert_broken_at(report: &VerifyReport, seq: i64, reason: BreakReason, what: &str) {
    assert_eq!(
        report.broken,
        Some(BrokenEntry { seq, reason }),
        "{what}: {report:?}"
    );
    assert_eq!(report.checked as i64, seq - 1, "{what}: intact before it");
}

#[test]
fn an_untouched_chain_verifies_even_after_the_triggers_are_dropped() {
    each_backend(|db| {
        let (_db, report) = tampered(|_| {})(db);
        assert!(report.is_intact());
        assert_eq!(report.checked, ENTRIES as u64);
    });
}

#[test]
fn an_edited_field_is_named_by_its_seq() {
    each_backend(|db| {
        let backend = db.backend;
        let (_db, report) = tampered(|db| {
            db.execute_raw("UPDATE audit_entries SET outcome = 'denied' WHERE seq = 3");
        })(db);
        assert_broken_at(&report, 3, BreakReason::HashMismatch, backend.name());
    });
}

#[test]
fn an_edited_time_is_named_by_its_seq() {
    each_backend(|db| {
        let backend = db.backend;
        let (_db, report) = tampered(|db| {
            db.execute_raw(
                "UPDATE audit_entries SET occurred_at = '2020-01-01 00:00:00' WHERE seq = 5",
            );
        })(db);
        assert_broken_at(&report, 5, BreakReason::HashMismatch, backend.name());
    });
}

#[test]
fn a_deleted_entry_is_named_by_its_seq() {
    each_backend(|db| {
        let backend = db.backend;
        let (_db, report) = tampered(|db| {
            db.execute_raw("DELETE FROM audit_entries WHERE seq = 4");
        })(db);
        let reason = BreakReason::Missing { next_found: 5 };
        assert_broken_at(&report, 4, reason, backend.name());
    });
}

#[test]
fn a_deleted_entry_hidden_by_renumbering_the_rest_is_named_by_its_seq() {
    each_backend(|db| {
        let backend = db.backend;
        let (_db, report) = tampered(|db| {
            db.execute_raw("DELETE FROM audit_entries WHERE seq = 2");
            for seq in 3..=ENTRIES {
                db.execute_raw(&format!(
                    "UPDATE audit_entries SET seq = {} WHERE seq = {seq}",
                    seq - 1
                ));
            }
        })(db);
        assert_broken_at(&report, 2, BreakReason::PrevHashMismatch, backend.name());
    });
}

#[test]
fn two_swapped_entries_are_named_at_the_first_of_them() {
    each_backend(|db| {
        let backend = db.backend;
        let (_db, report) = tampered(|db| {
            db.execute_raw("UPDATE audit_entries SET seq = -1 WHERE seq = 3");
            db.execute_raw("UPDATE audit_entries SET seq = 3 WHERE seq = 4");
            db.execute_raw("UPDATE audit_entries SET seq = 4 WHERE seq = -1");
        })(db);
        assert_broken_at(&report, 3, BreakReason::PrevHashMismatch, backend.name());
    });
}

#[test]
fn swapped_entries_re_hashed_for_their_new_places_are_still_caught() {
    each_backend(|db| {
        let backend = db.backend;
        let (_db, report) = tampered(|db| {
            let mut all = rows(db);
            let (mut a, mut b) = (all.remove(2), all.remove(2));
            a.seq = Some(-1);
            overwrite(db, &a);
            b.seq = Some(3);
            b.hash = Some(entry_hash(&b));
            overwrite(db, &b);
            a.seq = Some(4);
            a.hash = Some(entry_hash(&a));
            overwrite(db, &a);
        })(db);
        assert_broken_at(&report, 3, BreakReason::PrevHashMismatch, backend.name());
    });
}

#[test]
fn a_forged_entry_with_a_correct_looking_hash_is_named_by_its_seq() {
    each_backend(|db| {
        let backend = db.backend;
        let (_db, report) = tampered(|db| {
            // Make room at seq 4 (two steps, so no seq is ever taken twice), then slip in
            // an entry linked to entry 3 and hashed exactly as the platform would.
            db.execute_raw("UPDATE audit_entries SET seq = seq + 1000 WHERE seq >= 4");
            db.execute_raw("UPDATE audit_entries SET seq = seq - 999 WHERE seq >= 1000");
            let all = rows(db);
            let mut forged = all[2].clone();
            forged.seq = Some(4);
            forged.id = "00000000-0000-4000-8000-000000000004".into();
            forged.outcome = "success".into();
            forged.request_id = Some("forged".into());
            forged.prev_hash = all[2].hash.clone();
            forged.hash = Some(entry_hash(&forged));
            append_as_superuser(db, &forged);
        })(db);
        assert_broken_at(&report, 4, BreakReason::Inserted, backend.name());
    });
}

#[test]
fn an_entry_with_a_seq_below_the_start_is_named() {
    each_backend(|db| {
        let (_db, report) = tampered(|db| {
            let mut early = rows(db).remove(0);
            early.seq = Some(0);
            early.id = "00000000-0000-4000-8000-000000000000".into();
            early.hash = Some(entry_hash(&early));
            append_as_superuser(db, &early);
        })(db);
        let expected = Some(BrokenEntry {
            seq: 0,
            reason: BreakReason::UnexpectedSeq,
        });
        assert_eq!(report.broken, expected);
    });
}

#[test]
fn a_truncated_tail_or_a_re_hashed_chain_passes_verify_alone() {
    // The limit that checkpoints exist for (see `checkpoints`).
    each_backend(|db| {
        let (db, report) = tampered(|db| {
            db.execute_raw("DELETE FROM audit_entries WHERE seq >= 5");
        })(db);
        assert!(report.is_intact());
        assert_eq!(report.checked, 4);
        edit_and_rehash(&db, 2);
        let mut conn = db.pool.get().unwrap();
        assert!(verify(&mut conn).unwrap().is_intact());
    });
}

#[test]
fn the_attackers_overwrite_changes_nothing_when_the_values_are_unchanged() {
    // Guards the helper itself: an overwrite with unchanged values changes nothing.
    each_backend(|db| {
        chain_of(&db, 2);
        drop_append_only_triggers(&db);
        let before = rows(&db);
        overwrite(&db, &before[1]);
        assert_eq!(rows(&db), before);
    });
}
