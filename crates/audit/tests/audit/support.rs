//! Fixtures: events, a chain of entries, and the database superuser's tools.

use chrono::{DateTime, Duration, TimeZone, Utc};
use schakel_audit::{
    ActionCode, ActionKind, AuditActor, AuditEntry, AuditError, AuditEvent, GENESIS_HASH, Outcome,
    entry_hash, record, seal_committed,
};
use schakel_domain::{AgencyId, Role};
use schakel_store::audit_log::{self, AuditEntryRow};
use schakel_store::testing::TestDb;
use schakel_store::{Backend, write_tx};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The time of the first entry; entry `n` happens `n` minutes later.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

/// A case-read event by a fixed caseworker, numbered `n` in its request id.
pub fn event(n: i64) -> AuditEvent {
    AuditEvent::new(
        ActionCode::parse("case.read").unwrap(),
        ActionKind::Read,
        Outcome::Success,
    )
    .with_actor(caseworker())
    .with_object("case", format!("case-{n}"))
    .with_request_id(format!("req-{n}"))
    .with_source_ip("192.0.2.10".parse().unwrap())
}

/// The caseworker of [`event`].
pub fn caseworker() -> AuditActor {
    AuditActor {
        user_id: "5d1c3c59-7d7e-4a53-8a1e-0c6f1b9e4a10".parse().unwrap(),
        agency_id: "6f9619ff-8b86-d011-b42d-00c04fc964ff"
            .parse::<AgencyId>()
            .unwrap(),
        role: Role::Caseworker,
    }
}

/// Records `event` in a write transaction of its own, lets the sealer run as a server
/// would (on PostgreSQL), and returns the entry as stored, sealed.
pub fn record_one(db: &TestDb, event: &AuditEvent, now: DateTime<Utc>) -> AuditEntry {
    let mut conn = db.pool.get().unwrap();
    let entry = write_tx(&mut conn, |c| record(c, event, now)).unwrap();
    // A transaction still running anywhere on the server (another test's) holds
    // sealing back until it ends, as in production.
    let (_, waiting) = seal_committed(&mut conn, std::time::Duration::from_secs(30)).unwrap();
    assert_eq!(waiting, 0, "the entry is sealed");
    let row = rows(db)
        .into_iter()
        .find(|r| r.id == entry.id.to_string())
        .expect("the entry is in the chain");
    AuditEntry::try_from(row).unwrap()
}

/// Appends a row as stored, sealed or not, as the database's superuser can: on
/// PostgreSQL with the insert trigger (which allows only unsealed inserts) set aside.
pub fn append_as_superuser(db: &TestDb, row: &AuditEntryRow) {
    let pg = db.backend == Backend::Postgres;
    if pg {
        db.execute_raw("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_insert");
    }
    audit_log::append(&mut db.pool.get().unwrap(), row).unwrap();
    if pg {
        db.execute_raw("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_insert");
    }
}

/// Records `n` events (seq 1..=n), one transaction each.
pub fn chain_of(db: &TestDb, n: i64) -> Vec<AuditEntry> {
    (1..=n)
        .map(|i| record_one(db, &event(i), t0() + Duration::minutes(i)))
        .collect()
}

/// What a database superuser does first: drop the triggers that refuse changes.
pub fn drop_append_only_triggers(db: &TestDb) {
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

/// Every stored row, in `seq` order.
pub fn rows(db: &TestDb) -> Vec<AuditEntryRow> {
    let mut conn = db.pool.get().unwrap();
    audit_log::chain_batch(&mut conn, i64::MIN, 10_000).unwrap()
}

/// Rewrites the stored row `seq` (the superuser's UPDATE), keyed by its id.
pub fn overwrite(db: &TestDb, row: &AuditEntryRow) {
    db.execute_raw(&format!(
        "UPDATE audit_entries SET seq = {}, outcome = '{}', prev_hash = '{}', hash = '{}' \
         WHERE id = '{}'",
        row.seq.unwrap(),
        row.outcome,
        row.prev_hash.as_deref().unwrap(),
        row.hash.as_deref().unwrap(),
        row.id
    ));
}

/// Edits the outcome of entry `seq`, then re-hashes it and every later entry, as an
/// attacker who knows the algorithm would: the chain is consistent again.
pub fn edit_and_rehash(db: &TestDb, seq: i64) {
    let mut prev_hash = None;
    for mut row in rows(db) {
        if row.seq.unwrap() < seq {
            prev_hash = row.hash.clone();
            continue;
        }
        if row.seq == Some(seq) {
            row.outcome = "denied".into();
        }
        row.prev_hash = Some(prev_hash.clone().unwrap_or_else(|| GENESIS_HASH.into()));
        row.hash = Some(entry_hash(&row));
        prev_hash = row.hash.clone();
        overwrite(db, &row);
    }
}

/// Whether `err` is the refusal of a record outside a transaction.
pub fn is_not_in_transaction(err: &AuditError) -> bool {
    matches!(err, AuditError::NotInTransaction)
}

/// Runs raw SQL that must fail; returns the database's message.
pub fn refused(db: &TestDb, sql: &str) -> String {
    let outcome = catch_unwind(AssertUnwindSafe(|| db.execute_raw(sql)));
    let Err(payload) = outcome else {
        panic!("{sql} was allowed on {:?}", db.backend);
    };
    payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default()
}
