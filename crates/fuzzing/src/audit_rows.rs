//! The audit verifier reading stored rows that a database superuser has changed: any
//! edit of any column (text, number, NULL) or a deleted row is reported as a break or
//! as an unreadable entry — never a panic, and never an intact chain.

use chrono::TimeZone;
use diesel::RunQueryDsl;
use diesel::connection::Connection;
use diesel::sql_types::{BigInt, Nullable, Text};
use schakel_audit::{ActionCode, ActionKind, AuditEvent, EntryKey, Outcome, record, verify};
use schakel_store::DbConn;
use schakel_store::testing::TestDb;
use std::cell::RefCell;

/// The columns of an entry that hold text: the export's columns without `seq` (a
/// number) and `format` (the export's own).
fn text_columns() -> &'static [&'static str] {
    let all = &schakel_audit::export::COLUMNS;
    &all[1..all.len() - 1]
}

/// How many entries the chain has.
const ENTRIES: i64 = 8;

thread_local! {
    static CHAIN: RefCell<Option<(TestDb, Option<i64>)>> = const { RefCell::new(None) };
}

/// A chain of entries with the triggers that refuse changes dropped, and the first
/// entry with a MAC as `verify` reports it.
fn chain() -> (TestDb, Option<i64>) {
    let _ = schakel_audit::install_entry_key(EntryKey::from_bytes(&[9u8; 32]));
    let db = TestDb::new(schakel_store::Backend::Sqlite);
    let mut conn = db.pool.get().expect("a connection");
    let t0 = chrono::Utc
        .with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
        .single()
        .unwrap_or_default();
    for n in 0..ENTRIES {
        let event = AuditEvent::new(
            ActionCode::parse("case.read").expect("an action code"),
            ActionKind::Read,
            if n % 3 == 0 {
                Outcome::Denied
            } else {
                Outcome::Success
            },
        )
        .with_object("case", format!("case-{n}"))
        .with_request_id(format!("req-{n}"))
        .with_details(serde_json::json!({ "n": n, "note": "ë \u{1F600}" }));
        let at = t0 + chrono::Duration::minutes(n);
        schakel_store::write_tx(&mut conn, |c| record(c, &event, at)).expect("an entry");
    }
    for sql in [
        "DROP TRIGGER audit_entries_no_update",
        "DROP TRIGGER audit_entries_no_delete",
    ] {
        diesel::sql_query(sql)
            .execute(&mut conn)
            .expect("the triggers dropped");
    }
    let report = verify(&mut conn).expect("the chain verifies");
    assert!(report.is_intact(), "the untouched chain is intact");
    drop(conn);
    (db, report.keyed_from)
}

/// The chain as the store reads it (a row it cannot read counts as a change): to tell
/// whether the edits changed any entry, not only how a value is spelled.
fn rows(conn: &mut DbConn) -> Option<Vec<schakel_store::audit_log::AuditEntryRow>> {
    schakel_store::audit_log::chain_batch(conn, i64::MIN, 10_000).ok()
}

/// One edit read from the input: its row, what it does and its bytes.
fn apply(conn: &mut DbConn, row: u8, what: u8, bytes: &[u8]) {
    let seq = i64::from(row) % (ENTRIES + 1) + 1;
    let text = String::from_utf8_lossy(bytes).into_owned();
    let n = text_columns().len() as u8;
    let result = match what % (2 * n + 2) {
        w if w < n => diesel::sql_query(format!(
            "UPDATE audit_entries SET {} = ? WHERE seq = ?",
            text_columns()[usize::from(w)]
        ))
        .bind::<Text, _>(text)
        .bind::<BigInt, _>(seq)
        .execute(conn),
        w if w < 2 * n => diesel::sql_query(format!(
            "UPDATE audit_entries SET {} = NULL WHERE seq = ?",
            text_columns()[usize::from(w - n)]
        ))
        .bind::<BigInt, _>(seq)
        .execute(conn),
        w if w == 2 * n => {
            let mut to = [0u8; 8];
            bytes
                .iter()
                .take(8)
                .enumerate()
                .for_each(|(i, b)| to[i] = *b);
            diesel::sql_query("UPDATE audit_entries SET seq = ? WHERE seq = ?")
                .bind::<Nullable<BigInt>, _>((bytes.len() > 1).then_some(i64::from_le_bytes(to)))
                .bind::<BigInt, _>(seq)
                .execute(conn)
        }
        _ => diesel::sql_query("DELETE FROM audit_entries WHERE seq = ?")
            .bind::<BigInt, _>(seq)
            .execute(conn),
    };
    // A change the table refuses (a second row of one `seq`, a NULL where none may
    // be) leaves the row as it was.
    let _ = result;
}

/// Makes the chain on this thread, if not yet.
pub fn prepare() {
    CHAIN.with(|cell| {
        cell.borrow_mut().get_or_insert_with(chain);
    });
}

/// Edits of the chain read from the input — each a row, an edit and a length, then
/// that many bytes — made in a transaction that is rolled back after verifying.
pub fn audit_rows(data: &[u8]) {
    CHAIN.with(|cell| {
        let mut slot = cell.borrow_mut();
        let (db, keyed_from) = slot.get_or_insert_with(chain);
        let keyed_from = *keyed_from;
        let mut conn = db.pool.get().expect("a connection");
        let _ = conn.transaction::<(), diesel::result::Error, _>(|c| {
            let before = rows(c);
            let mut rest = data;
            while let [row, what, len, tail @ ..] = rest {
                let len = usize::from(*len).min(tail.len());
                let savepoint = c.transaction::<(), diesel::result::Error, _>(|c| {
                    apply(c, *row, *what, &tail[..len]);
                    Ok(())
                });
                let _ = savepoint;
                rest = &tail[len..];
            }
            let after = rows(c);
            // A cut-off tail is what checkpoints are for (`verify` alone cannot see it);
            // here it counts as unchanged.
            let cut_off = matches!((&before, &after), (Some(b), Some(a)) if a.len() < b.len() && b.starts_with(a));
            let changed = (before.is_none() || after != before) && !cut_off;
            let report = verify(c);
            if let Ok(report) = &report {
                // Entries written before the entry key was set have no MAC: a MAC
                // removed from the first ones shows as keys starting later.
                let noticed = !report.is_intact() || report.keyed_from != keyed_from;
                assert!(
                    !changed || noticed,
                    "an edited chain verifies as intact: {data:?}"
                );
                assert!(
                    changed || report.is_intact(),
                    "an unchanged chain does not verify: {report:?}"
                );
            }
            Err(diesel::result::Error::RollbackTransaction)
        });
    });
}
