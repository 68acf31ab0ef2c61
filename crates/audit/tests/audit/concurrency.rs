//! Concurrent writers: every append gets its own `seq`, and the chain stays whole.

use crate::support::{event, t0};
use chrono::Duration;
use schakel_audit::{record, verify};
use schakel_store::testing::each_backend;
use schakel_store::write_tx;

#[test]
fn concurrent_transactions_append_one_gapless_verifiable_chain() {
    const THREADS: i64 = 4;
    const EACH: i64 = 15;
    each_backend(|db| {
        std::thread::scope(|s| {
            for t in 0..THREADS {
                let pool = &db.pool;
                s.spawn(move || {
                    for i in 0..EACH {
                        let n = t * EACH + i;
                        let mut conn = pool.get().unwrap();
                        write_tx(&mut conn, |c| {
                            record(c, &event(n), t0() + Duration::seconds(n))
                        })
                        .unwrap_or_else(|e| panic!("entry {n}: {e}"));
                    }
                });
            }
        });
        let mut conn = db.pool.get().unwrap();
        let patience = std::time::Duration::from_secs(30);
        let (_, waiting) = schakel_audit::seal_committed(&mut conn, patience).unwrap();
        assert_eq!(waiting, 0);
        drop(conn);
        let rows = crate::support::rows(&db);
        let seqs: Vec<i64> = rows.iter().filter_map(|r| r.seq).collect();
        let expected: Vec<i64> = (1..=THREADS * EACH).collect();
        assert_eq!(seqs, expected, "no gaps, no duplicates on {:?}", db.backend);
        let mut conn = db.pool.get().unwrap();
        let report = verify(&mut conn).unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.checked, (THREADS * EACH) as u64);
    });
}
