//! What the audit CLI tests share: a trail of three entries written with raw SQL from
//! the hashes in the audit crate's README (computed outside Rust, so the binary must
//! agree with the documented encoding), the database superuser's tools, and running
//! `schakel audit`.

use schakel_e2e::schakel;
use schakel_store::Backend;
use schakel_store::audit_log::{self, AuditEntryRow};
use schakel_store::testing::TestDb;
use std::process::Output;

/// Three chained entries (the first is the README's example).
pub const ENTRIES: &str = "
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

pub const HEAD_HASH: &str = "98626746e8211e3462f687b9985ed2cbbd4d2480ef9b403c4f31469edbf553a8";

/// A signing key (an Ed25519 seed as hex); it must never be printed.
pub const SEED_HEX: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

pub fn populated(backend: Backend) -> TestDb {
    let db = TestDb::new(backend);
    insert_entries(&db);
    db
}

/// Inserts [`ENTRIES`], sealed, as a trail written before sealing existed: on
/// PostgreSQL, where new entries can only be inserted unsealed, with the insert trigger
/// set aside for the statement (as the upgrade found them).
pub fn insert_entries(db: &TestDb) {
    if db.backend == Backend::Postgres {
        db.execute_raw("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_insert");
    }
    db.execute_raw(ENTRIES);
    if db.backend == Backend::Postgres {
        db.execute_raw("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_insert");
    }
}

/// What a database superuser does before tampering: drop the append-only triggers.
pub fn drop_triggers(db: &TestDb) {
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

pub fn audit(db: &TestDb, dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    schakel(dir)
        .arg("audit")
        .args(args)
        .env("SCHAKEL_DATABASE__URL", db.url())
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn describe(out: &Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        stdout(out),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn rows(db: &TestDb) -> Vec<AuditEntryRow> {
    let mut conn = db.pool.get().unwrap();
    audit_log::chain_batch(&mut conn, i64::MIN, 1000).unwrap()
}

/// What an attacker with write access to the database does: edit entry `seq`, then
/// re-hash it and every later entry with the documented algorithm, so that the chain
/// is consistent again.
pub fn edit_and_rehash(db: &TestDb, seq: i64) {
    let mut prev: Option<String> = None;
    for mut row in rows(db) {
        let at = row.seq.unwrap();
        if at >= seq {
            if at == seq {
                row.outcome = "denied".into();
            }
            if let Some(p) = &prev {
                row.prev_hash = Some(p.clone());
            }
            row.hash = Some(schakel_audit::entry_hash(&row));
            db.execute_raw(&format!(
                "UPDATE audit_entries SET outcome = '{}', prev_hash = '{}', hash = '{}' \
                 WHERE seq = {}",
                row.outcome,
                row.prev_hash.as_deref().unwrap(),
                row.hash.as_deref().unwrap(),
                at
            ));
        }
        prev = row.hash;
    }
}
