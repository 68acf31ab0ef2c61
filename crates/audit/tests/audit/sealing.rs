//! Sealing: entries inserted unsealed on PostgreSQL are linked into the chain only once
//! their transactions have finished, by one sealer at a time, whole or not at all; the
//! triggers allow that one change and nothing else; an entry slipped in without the
//! entry key is sealed without a MAC and named by `verify`; an entry left unsealed past
//! the bound is reported. On SQLite every entry is sealed as it is made.

use crate::support::{event, record_one, refused, t0};
use chrono::Duration;
use diesel::prelude::*;
use schakel_audit::{
    AuditError, BreakReason, EntryKey, SealRound, install_entry_key, record, seal, seal_all,
    seal_committed, sealing_state, verify,
};
use schakel_store::audit_log::{self, AuditEntryRow};
use schakel_store::audit_seal;
use schakel_store::testing::{TestDb, each_backend};
use schakel_store::{Backend, DbConn, write_tx};

/// Records event `n` in a transaction of its own, without sealing.
fn record_unsealed(db: &TestDb, n: i64) -> AuditEntryRow {
    let mut conn = db.pool.get().unwrap();
    let entry = write_tx(&mut conn, |c| {
        record(c, &event(n), t0() + Duration::seconds(n))
    })
    .unwrap();
    stored(db, &entry.id.to_string())
}

/// The stored row with this id.
fn stored(db: &TestDb, id: &str) -> AuditEntryRow {
    let mut conn = db.pool.get().unwrap();
    schakel_store::schema::audit_entries::table
        .filter(schakel_store::schema::audit_entries::id.eq(id))
        .select(AuditEntryRow::as_select())
        .first(&mut *conn)
        .unwrap()
}

/// How many entries are stored, sealed or not.
fn stored_count(db: &TestDb) -> i64 {
    db.count("SELECT COUNT(*) AS n FROM audit_entries")
}

/// Seals until nothing of a finished transaction is left, waiting out transactions of
/// other tests on the same server (they hold sealing back, as any would).
fn seal_everything(db: &TestDb) {
    let mut conn = db.pool.get().unwrap();
    let patience = std::time::Duration::from_secs(30);
    let (_, waiting) = seal_committed(&mut conn, patience).unwrap();
    assert_eq!(waiting, 0, "everything sealed");
}

#[test]
fn an_entry_is_sealed_at_once_on_sqlite_and_by_the_sealer_on_postgres() {
    each_backend(|db| {
        let row = record_unsealed(&db, 1);
        match db.backend {
            Backend::Sqlite => {
                assert_eq!(row.seq, Some(1));
                assert!(row.hash.is_some());
            }
            Backend::Postgres => {
                assert_eq!((row.seq, &row.prev_hash, &row.hash), (None, &None, &None));
                let mut conn = db.pool.get().unwrap();
                assert_eq!(
                    verify(&mut conn).unwrap().checked,
                    0,
                    "not in the chain yet"
                );
                drop(conn);
                seal_everything(&db);
                let row = stored(&db, &row.id);
                assert_eq!(row.seq, Some(1));
                assert_eq!(row.hash, Some(schakel_audit::entry_hash(&row)));
            }
        }
        let mut conn = db.pool.get().unwrap();
        let report = verify(&mut conn).unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.checked, 1);
    });
}

#[test]
fn an_entry_of_a_transaction_still_running_holds_back_every_later_one() {
    each_backend(|db| {
        if db.backend != Backend::Postgres {
            return; // one writer at a time: nothing runs beside an append
        }
        let first = record_unsealed(&db, 1);
        seal_everything(&db);
        // A long request: it has recorded its entry and not yet committed, while a
        // short one records later and commits.
        let mut long = db.pool.get().unwrap();
        let (held, later) = (*long)
            .transaction(|c: &mut DbConn| {
                let held = record(c, &event(2), t0() + Duration::seconds(2)).unwrap();
                let later = record_unsealed(&db, 3);
                let mut sealer = db.pool.get().unwrap();
                assert_eq!(seal(&mut sealer, 100).unwrap(), SealRound::Sealed(0));
                assert_eq!(
                    stored(&db, &later.id).seq,
                    None,
                    "waits for the running one"
                );
                Ok::<_, diesel::result::Error>((held, later))
            })
            .unwrap();
        drop(long);
        seal_everything(&db);
        let mut sealer = db.pool.get().unwrap();
        let seqs: Vec<Option<i64>> = [first.id, held.id.to_string(), later.id]
            .iter()
            .map(|id| stored(&db, id).seq)
            .collect();
        assert_eq!(seqs, [Some(1), Some(2), Some(3)], "in time order");
        let report = verify(&mut sealer).unwrap();
        assert!(report.is_intact() && report.checked == 3, "{report:?}");
    });
}

#[test]
fn a_second_sealer_does_nothing_while_the_first_holds_the_lock() {
    each_backend(|db| {
        if db.backend != Backend::Postgres {
            return;
        }
        record_unsealed(&db, 1);
        let mut first = db.pool.get().unwrap();
        let mut second = db.pool.get().unwrap();
        (*first)
            .transaction(|c: &mut DbConn| {
                assert!(audit_seal::try_seal_lock(c).unwrap());
                // The entry is ready (this transaction has no id to hold it back):
                // only the lock stops the second sealer.
                assert_eq!(seal(&mut second, 100).unwrap(), SealRound::Busy);
                assert_eq!(audit_seal::unsealed(&mut second).unwrap().count, 1);
                Ok::<_, diesel::result::Error>(())
            })
            .unwrap();
        seal_everything(&db);
        assert_eq!(audit_seal::unsealed(&mut second).unwrap().count, 0);
    });
}

#[test]
fn a_sealer_killed_half_way_has_sealed_nothing_and_the_next_seals_each_entry_once() {
    each_backend(|db| {
        if db.backend != Backend::Postgres {
            return;
        }
        for n in 1..=6 {
            record_unsealed(&db, n);
        }
        // A round seals three entries inside a transaction that is then cut off before
        // COMMIT: the server ends the backend, as on a crash of the sealer's process.
        let mut dying = db.pool.get().unwrap();
        let outcome = (*dying).transaction(|c: &mut DbConn| {
            let wait = std::time::Instant::now() + std::time::Duration::from_secs(30);
            let mut sealed = 0;
            while sealed < 3 {
                match seal(c, 3 - sealed).unwrap() {
                    SealRound::Sealed(n) => sealed += n,
                    SealRound::Busy => panic!("nobody else seals"),
                }
                assert!(std::time::Instant::now() < wait, "sealed {sealed}");
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            let pid: i32 = diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>(
                "pg_backend_pid()",
            ))
            .get_result(c)?;
            db.execute_raw(&format!("SELECT pg_terminate_backend({pid})"));
            Ok::<_, diesel::result::Error>(())
        });
        assert!(outcome.is_err(), "the COMMIT never arrives");
        // (The dead connection is kept out of the pool until the end.)
        let mut conn = db.pool.get().unwrap();
        assert_eq!(
            audit_seal::unsealed(&mut conn).unwrap().count,
            6,
            "nothing sealed"
        );
        drop(conn);
        seal_everything(&db);
        let mut conn = db.pool.get().unwrap();
        let report = verify(&mut conn).unwrap();
        assert!(report.is_intact() && report.checked == 6, "{report:?}");
        assert_eq!(stored_count(&db), 6);
        drop(dying);
    });
}

#[test]
fn writers_and_several_sealers_at_once_make_one_gapless_verifiable_chain() {
    const WRITERS: i64 = 4;
    const EACH: i64 = 40;
    each_backend(|db| {
        let done = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            let sealers: Vec<_> = (0..2)
                .map(|_| {
                    let (pool, done) = (&db.pool, &done);
                    s.spawn(move || {
                        let mut rounds = (0, 0);
                        while !done.load(std::sync::atomic::Ordering::Relaxed) {
                            let mut conn = pool.get().unwrap();
                            match seal(&mut conn, 7).unwrap() {
                                SealRound::Sealed(n) => rounds.0 += n,
                                SealRound::Busy => rounds.1 += 1,
                            }
                        }
                        rounds
                    })
                })
                .collect();
            let writers: Vec<_> = (0..WRITERS)
                .map(|w| {
                    let pool = &db.pool;
                    s.spawn(move || {
                        for i in 0..EACH {
                            let n = w * EACH + i;
                            let mut conn = pool.get().unwrap();
                            write_tx(&mut conn, |c| {
                                record(c, &event(n), t0() + Duration::milliseconds(n))
                            })
                            .unwrap();
                        }
                    })
                })
                .collect();
            for w in writers {
                w.join().unwrap();
            }
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            for s in sealers {
                s.join().unwrap();
            }
        });
        seal_everything(&db);
        let rows = crate::support::rows(&db);
        let seqs: Vec<i64> = rows.iter().filter_map(|r| r.seq).collect();
        let expected: Vec<i64> = (1..=WRITERS * EACH).collect();
        assert_eq!(seqs, expected, "no gaps, no duplicates on {:?}", db.backend);
        let mut conn = db.pool.get().unwrap();
        let report = verify(&mut conn).unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.checked, (WRITERS * EACH) as u64);
    });
}

#[test]
fn the_triggers_allow_sealing_and_nothing_else() {
    each_backend(|db| {
        if db.backend != Backend::Postgres {
            return;
        }
        let waiting = record_unsealed(&db, 1);
        let id = &waiting.id;
        let hash = "a".repeat(64);
        let zeros = schakel_audit::GENESIS_HASH;
        let attempts = [
            // An unsealed entry can be neither edited nor deleted ...
            format!("UPDATE audit_entries SET outcome = 'denied' WHERE id = '{id}'"),
            format!("DELETE FROM audit_entries WHERE id = '{id}'"),
            // ... nor sealed with any other column changed ...
            format!(
                "UPDATE audit_entries SET seq = 1, prev_hash = '{zeros}', hash = '{hash}', \
                 outcome = 'denied' WHERE id = '{id}'"
            ),
            format!(
                "UPDATE audit_entries SET seq = 1, prev_hash = '{zeros}', hash = '{hash}', \
                 xid = 1 WHERE id = '{id}'"
            ),
        ];
        for sql in &attempts {
            let message = refused(&db, sql);
            assert!(message.contains("append-only"), "{sql}: {message}");
        }
        // ... nor sealed by halves.
        let half = format!("UPDATE audit_entries SET seq = 1 WHERE id = '{id}'");
        assert!(refused(&db, &half).contains("audit_entries_sealed_whole"));
        // Nothing is inserted sealed.
        let mut forged = waiting.clone();
        forged.id = "00000000-0000-4000-8000-000000000001".into();
        (forged.seq, forged.prev_hash, forged.hash) = (Some(1), Some(zeros.into()), Some(hash));
        let err = audit_log::append(&mut db.pool.get().unwrap(), &forged).unwrap_err();
        assert!(err.to_string().contains("inserted unsealed"), "{err}");
        // The sealer's change goes through, once.
        seal_everything(&db);
        let sealed = stored(&db, id);
        assert_eq!(sealed.seq, Some(1));
        let again = format!("UPDATE audit_entries SET seq = 2 WHERE id = '{id}'");
        assert!(refused(&db, &again).contains("append-only"));
        let truncate = refused(&db, "TRUNCATE audit_entries");
        assert!(truncate.contains("append-only"), "{truncate}");
        let mut conn = db.pool.get().unwrap();
        assert!(verify(&mut conn).unwrap().is_intact());
    });
}

#[test]
fn an_entry_slipped_in_without_the_entry_key_is_sealed_without_a_mac_and_named() {
    install_entry_key(EntryKey::from_bytes(&[9; 32])).unwrap();
    each_backend(|db| {
        record_one(&db, &event(1), t0());
        let genuine = stored(&db, &record_one(&db, &event(2), t0()).id.to_string());
        assert!(genuine.mac.is_some());
        // Someone who can write the table but has no key inserts an entry as the
        // platform would (on PostgreSQL unsealed, for the sealer to link).
        let mut forged = genuine.clone();
        forged.id = "00000000-0000-4000-8000-000000000003".into();
        forged.mac = None;
        if db.backend == Backend::Postgres {
            (forged.seq, forged.prev_hash, forged.hash) = (None, None, None);
            // Even with a MAC that is not the key's.
            forged.mac = Some("0".repeat(64));
        } else {
            forged.seq = Some(3);
            forged.prev_hash = genuine.hash.clone();
            forged.hash = Some(schakel_audit::entry_hash(&forged));
        }
        audit_log::append(&mut db.pool.get().unwrap(), &forged).unwrap();
        seal_everything(&db);
        let sealed = stored(&db, &forged.id);
        assert_eq!(sealed.seq, Some(3));
        assert_eq!(
            sealed.mac, None,
            "the sealer vouches only for keyed entries"
        );
        let mut conn = db.pool.get().unwrap();
        let report = verify(&mut conn).unwrap();
        let broken = report.broken.map(|b| (b.seq, b.reason));
        assert_eq!(broken, Some((3, BreakReason::Unkeyed)), "{:?}", db.backend);
    });
}

#[test]
fn an_entry_waiting_longer_than_the_bound_is_overdue() {
    each_backend(|db| {
        record_unsealed(&db, 1);
        let mut conn = db.pool.get().unwrap();
        let at = t0() + Duration::seconds(1);
        let soon = sealing_state(&mut conn, at + Duration::seconds(30), 60).unwrap();
        assert!(!soon.is_overdue());
        let late = sealing_state(&mut conn, at + Duration::seconds(61), 60).unwrap();
        match db.backend {
            Backend::Sqlite => assert_eq!((late.unsealed, late.is_overdue()), (0, false)),
            Backend::Postgres => {
                assert_eq!((late.unsealed, late.oldest_seconds), (1, 61));
                assert!(late.is_overdue());
                drop(conn);
                seal_everything(&db);
                let mut conn = db.pool.get().unwrap();
                let after = sealing_state(&mut conn, at + Duration::hours(1), 60).unwrap();
                assert_eq!((after.unsealed, after.is_overdue()), (0, false));
            }
        }
    });
}

/// A round in a transaction that fails after sealing writes nothing.
#[test]
fn a_round_that_fails_after_sealing_leaves_every_entry_unsealed() {
    each_backend(|db| {
        if db.backend != Backend::Postgres {
            return;
        }
        record_unsealed(&db, 1);
        record_unsealed(&db, 2);
        let mut conn = db.pool.get().unwrap();
        let failed: Result<(), AuditError> = write_tx(&mut conn, |c: &mut DbConn| {
            seal_all(c)?;
            Err(AuditError::InvalidEvent(
                "the round fails after sealing".into(),
            ))
        });
        assert!(failed.is_err());
        assert_eq!(audit_seal::unsealed(&mut conn).unwrap().count, 2);
    });
}
