//! The database itself refuses to change or delete an entry.

use crate::support::{chain_of, event, refused};
use schakel_audit::verify;
use schakel_store::Backend;
use schakel_store::testing::each_backend;

#[test]
fn the_triggers_refuse_updates_and_deletes_of_entries() {
    each_backend(|db| {
        chain_of(&db, 3);
        let statements = [
            "UPDATE audit_entries SET outcome = 'denied' WHERE seq = 2",
            "UPDATE audit_entries SET hash = prev_hash",
            "DELETE FROM audit_entries WHERE seq = 3",
            "DELETE FROM audit_entries",
        ];
        for sql in statements {
            let message = refused(&db, sql);
            assert!(
                message.contains("append-only"),
                "{sql} on {:?}: {message}",
                db.backend
            );
        }
        if db.backend == Backend::Postgres {
            let message = refused(&db, "TRUNCATE audit_entries");
            assert!(message.contains("append-only"), "{message}");
        }
        let mut conn = db.pool.get().unwrap();
        let report = verify(&mut conn).unwrap();
        assert!(report.is_intact());
        assert_eq!(report.checked, 3);
        drop(conn);
        // Appending still works after the refusals.
        crate::support::record_one(&db, &event(4), crate::support::t0());
    });
}
