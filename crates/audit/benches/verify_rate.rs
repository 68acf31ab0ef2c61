//! How fast `verify` checks a large trail, against SHA-256 alone over the same
//! entries, in one process, on each database the tests select (`TEST_BACKENDS`,
//! `TEST_DATABASE_URL`). `scripts/bench` runs it; by hand:
//!
//! ```sh
//! BENCH_AUDIT_ENTRIES=200000 cargo bench -p schakel-audit --bench verify_rate
//! ```
//!
//! The trail is built directly (recorded through `record` a thousand entries per
//! transaction and, on PostgreSQL, sealed by the sealer), with entries shaped like the
//! platform's: an actor, an object, a purpose, a pseudonym and a few codes in
//! `details`. The SHA-256 bound is measured over the canonical bytes of the very same
//! entries, held in memory, so the ratio says how close reading, parsing, encoding and
//! linking come to hashing alone. Each figure is the best of three runs. It prints one
//! line per backend that `scripts/bench` reads:
//!
//! `verify_rate backend=postgres entries=N mean_bytes=B verify_per_s=V sha_per_s=S ratio=R
//! read_per_s=D digest_per_s=H`
//!
//! where `read_per_s` is the chain read alone (the stream parsed, nothing checked) and
//! `digest_per_s` the entries' hashes computed alone from rows in memory: `verify` reads
//! on one thread and hashes on another, so the slower of the two bounds it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Duration, TimeZone, Utc};
use schakel_audit::{
    ActionCode, ActionKind, AuditActor, AuditEvent, Outcome, VERIFY_BATCH_SIZE, encode_entry,
    entry_digest, record, seal_committed, verify,
};
use schakel_domain::{AgencyId, Role};
use schakel_store::audit_log::{self, AuditEntryRow};
use schakel_store::audit_stream::{EntryRef, read_chain};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::write_tx;
use sha2::{Digest, Sha256};
use std::time::Instant;

/// The `n`-th entry: a caseworker of one of a few agencies reading, listing or changing
/// one of many cases.
fn event(n: usize) -> AuditEvent {
    let (code, kind) = match n % 4 {
        0 => ("case.read", ActionKind::Read),
        1 => ("referral.list", ActionKind::Read),
        2 => ("referral.accept", ActionKind::Update),
        _ => ("note.create", ActionKind::Create),
    };
    let agency = uuid::Uuid::from_u128(0x6f96_19ff_8b86_d011_b42d_00c0_4fc9_6400 + (n % 7) as u128);
    AuditEvent::new(ActionCode::parse(code).unwrap(), kind, Outcome::Success)
        .with_actor(AuditActor {
            user_id: uuid::Uuid::from_u128(
                0x5d1c_3c59_7d7e_4a53_8a1e_0c6f_1b9e_0000 + (n % 97) as u128,
            ),
            agency_id: agency.to_string().parse::<AgencyId>().unwrap(),
            role: Role::Caseworker,
        })
        .with_object("case", uuid::Uuid::from_u128(n as u128 * 7919).to_string())
        .with_purpose(format!("referral:{}", uuid::Uuid::from_u128(n as u128)))
        .with_subject_pseudonym(hex::encode(Sha256::digest(n.to_le_bytes())))
        .with_request_id(format!("req-{n:08}"))
        .with_source_ip("192.0.2.10".parse().unwrap())
        .with_details(serde_json::json!({ "from": "sent", "to": "accepted", "count": n % 50 }))
}

/// Records `n` entries, a thousand per transaction, and seals them.
fn fill(db: &TestDb, n: usize) {
    let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    let mut conn = db.pool.get().unwrap();
    let mut i = 0;
    while i < n {
        let end = (i + 1000).min(n);
        write_tx(&mut conn, |c| {
            for k in i..end {
                record(c, &event(k), t0 + Duration::milliseconds(k as i64))?;
            }
            Ok::<_, schakel_audit::AuditError>(())
        })
        .unwrap();
        i = end;
    }
    let (_, waiting) = seal_committed(&mut conn, std::time::Duration::from_secs(60)).unwrap();
    assert_eq!(waiting, 0, "every entry sealed");
}

/// Every entry of the chain, in order, read back from the database.
fn all_rows(db: &TestDb) -> Vec<AuditEntryRow> {
    let mut conn = db.pool.get().unwrap();
    let mut out = Vec::new();
    let mut after = i64::MIN;
    loop {
        let rows = audit_log::chain_batch(&mut conn, after, 10_000).unwrap();
        let Some(last) = rows.last() else {
            return out;
        };
        after = last.seq.unwrap();
        out.extend(rows);
    }
}

/// The canonical bytes of every entry.
fn canonical_bytes(db: &TestDb) -> Vec<Vec<u8>> {
    all_rows(db).iter().map(encode_entry).collect()
}

/// The best of three timings of `f`, in seconds.
fn best_of_three(mut f: impl FnMut()) -> f64 {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let n: usize = std::env::var("BENCH_AUDIT_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let started = Instant::now();
        fill(&db, n);
        eprintln!(
            "{}: {n} entries recorded and sealed in {:.1} s",
            backend.name(),
            started.elapsed().as_secs_f64()
        );
        let bytes = canonical_bytes(&db);
        assert_eq!(bytes.len(), n);
        let mean = bytes.iter().map(Vec::len).sum::<usize>() / n.max(1);
        let sha = best_of_three(|| {
            let mut last = [0u8; 32];
            for b in &bytes {
                last = Sha256::digest(b).into();
            }
            std::hint::black_box(last);
        });
        let mut conn = db.pool.get().unwrap();
        let read = best_of_three(|| {
            let mut count = 0;
            read_chain(&mut conn, VERIFY_BATCH_SIZE, |b| {
                count += b.len();
                true
            })
            .unwrap();
            assert_eq!(count, n);
        });
        let rows = all_rows(&db);
        let digest = best_of_three(|| {
            let mut last = [0u8; 32];
            for r in &rows {
                last = entry_digest(&EntryRef::from(r));
            }
            std::hint::black_box(last);
        });
        let checked = best_of_three(|| {
            let report = verify(&mut conn).unwrap();
            assert!(
                report.is_intact() && report.checked == n as u64,
                "{report:?}"
            );
        });
        let (verify_rate, sha_rate) = (n as f64 / checked, n as f64 / sha);
        println!(
            "verify_rate backend={} entries={n} mean_bytes={mean} verify_per_s={verify_rate:.0} \
             sha_per_s={sha_rate:.0} ratio={:.3} read_per_s={:.0} digest_per_s={:.0}",
            backend.name(),
            verify_rate / sha_rate,
            n as f64 / read,
            n as f64 / digest
        );
    }
}
