//! The monitor's offender side, on every selected backend: an offender event delivered
//! twice is counted once; a payload that is not an offender event under an offender
//! topic is a dead letter; links to victims made and taken away count the same in any
//! order of arrival (a removal may come before its link), and a corrected victim's
//! relink carries them to the new key.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use schakel_domain::{OffenderEvent, OffenderEventKind};
use schakel_monitor::MonitorSink;
use schakel_monitor::offenders::{OffenderTable, offender_table, record_offender};
use schakel_monitor::{Rules, Table};
use schakel_store::outbox::{self, Channel, NewOutboxMessage};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::json;

const EXACT: Rules = Rules {
    threshold: 0,
    rounding: 1,
};

fn event(kind: &str, suspect: &str, victim: Option<&str>) -> OffenderEvent {
    let linked = victim.is_some();
    OffenderEvent::from_payload(&json!({
        "kind": kind, "quarter": "2026-Q1", "agency_kind": "police", "region": "rotterdam",
        "exploitation_forms": ["labour"], "age_band": "30-39", "gender": "male",
        "birth_country_group": "netherlands", "role": "exploiter",
        "decision": null, "judgment": null, "instance": null, "sentence": [],
        "days_since_registration": null, "suspect": suspect,
        "victim": if linked { json!(victim) } else { json!(null) },
    }))
    .unwrap()
}

fn value(t: &Table, keys: &[&str], measure: &str) -> Option<i64> {
    t.cells
        .iter()
        .find(|c| c.measure == measure && c.keys == keys)
        .unwrap()
        .value
}

/// A victim counted by the victims' side in 2026, under `key`.
fn victim_seen(db: &TestDb, id: &str, key: &str) {
    let e = schakel_monitor::Event::from_payload(&json!({
        "kind": "case_opened", "month": "2026-02", "sender_kind": "police",
        "sender_region": "rotterdam", "receiver_kind": null, "receiver_region": null,
        "exploitation_forms": ["labour"], "age_band": "18-22", "gender": "female",
        "nationality_group": "dutch", "reporting_basis": null, "hours_to_answer": null,
        "pseudonym": key,
    }))
    .unwrap();
    let mut conn = db.pool.get().unwrap();
    schakel_monitor::record(&mut conn, id, &e).unwrap();
}

#[test]
fn a_repeated_message_counts_once_and_a_foreign_payload_is_a_dead_letter() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let mut conn = db.pool.get().unwrap();
        let s = "a".repeat(64);
        let e = event("suspect_registered", &s, None);
        assert!(record_offender(&mut conn, "m-1", &e).unwrap());
        assert!(
            !record_offender(&mut conn, "m-1", &e).unwrap(),
            "{backend:?}"
        );
        let t = offender_table(&mut conn, OffenderTable::Funnel, 2026, 2026, EXACT).unwrap();
        assert_eq!(value(&t, &["2026", "all"], "registered"), Some(1));
        let now = chrono::Utc::now();
        let mut bad = e.payload();
        bad["name"] = json!("Jan Jansen");
        outbox::enqueue(
            &mut conn,
            &NewOutboxMessage {
                channel: Channel::Monitor,
                topic: OffenderEventKind::SuspectRegistered.as_str().into(),
                payload: bad,
                available_at: now,
            },
            now,
        )
        .unwrap();
        let sink = MonitorSink::new(chrono::Duration::minutes(5), 10);
        let report = sink.run_once(&mut conn, now).unwrap();
        assert_eq!((report.recorded, report.refused), (0, 1), "{backend:?}");
        let t = offender_table(&mut conn, OffenderTable::Funnel, 2026, 2026, EXACT).unwrap();
        assert_eq!(value(&t, &["2026", "all"], "registered"), Some(1));
    }
}

#[test]
fn links_count_alike_in_any_order_and_follow_a_relinked_victim() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let (s, v, w) = ("c".repeat(64), "d".repeat(64), "e".repeat(64));
        victim_seen(&db, "v-1", &v);
        let mut conn = db.pool.get().unwrap();
        let linked = |conn: &mut schakel_store::DbConn| {
            let t = offender_table(conn, OffenderTable::Victims, 2026, 2026, EXACT).unwrap();
            value(&t, &["2026"], "linked")
        };
        // The removal arrives first: nothing is linked, and nothing after both.
        let unlink = event("victim_unlinked", &s, Some(&v));
        let link = event("victim_linked", &s, Some(&v));
        record_offender(&mut conn, "l-2", &unlink).unwrap();
        assert_eq!(linked(&mut conn), Some(0), "{backend:?}");
        record_offender(&mut conn, "l-1", &link).unwrap();
        assert_eq!(
            linked(&mut conn),
            Some(0),
            "{backend:?}: made and taken away"
        );
        // Linked through two cases, one taken away: still linked.
        record_offender(&mut conn, "l-3", &link).unwrap();
        record_offender(&mut conn, "l-4", &link).unwrap();
        record_offender(&mut conn, "l-5", &unlink).unwrap();
        assert_eq!(linked(&mut conn), Some(1));
        // The victim's identifiers are corrected: the link follows the new key, and an
        // event naming the old key afterwards is counted under the new one.
        drop(conn);
        let mut conn = db.pool.get().unwrap();
        schakel_store::write_tx(&mut conn, |c| {
            schakel_monitor::relink(
                c,
                &schakel_domain::PersonRelink {
                    from: v.clone(),
                    to: w.clone(),
                },
            )
        })
        .unwrap();
        assert_eq!(
            linked(&mut conn),
            Some(1),
            "{backend:?}: the relinked victim is linked"
        );
        record_offender(&mut conn, "l-6", &unlink).unwrap();
        assert_eq!(
            linked(&mut conn),
            Some(0),
            "{backend:?}: the old key's removal counts"
        );
    }
}
