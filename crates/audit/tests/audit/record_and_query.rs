//! Recording entries and reading them back as an auditor does.

use crate::support::{caseworker, chain_of, event, is_not_in_transaction, record_one, t0};
use chrono::Duration;
use schakel_audit::{
    ActionCode, ActionKind, AuditError, AuditEvent, AuditFilter, GENESIS_HASH, Outcome,
    PageRequest, entry_hash, query, record, verify,
};
use schakel_domain::{AgencyId, Role};
use schakel_store::audit_log;
use schakel_store::testing::each_backend;
use schakel_store::write_tx;
use serde_json::json;

#[test]
fn the_first_entry_starts_the_chain_and_each_next_one_links_to_it() {
    each_backend(|db| {
        let entries = chain_of(&db, 3);
        assert_eq!(entries[0].seq, Some(1));
        assert_eq!(entries[0].prev_hash.as_deref(), Some(GENESIS_HASH));
        for pair in entries.windows(2) {
            assert_eq!(pair[1].seq, pair[0].seq.map(|s| s + 1));
            assert_eq!(pair[1].prev_hash, pair[0].hash);
        }
        let stored = crate::support::rows(&db);
        for (row, entry) in stored.iter().zip(&entries) {
            assert_eq!(row.hash, entry.hash);
            assert_eq!(Some(entry_hash(row)), row.hash, "{:?}", db.backend);
        }
    });
}

#[test]
fn every_field_of_an_event_is_stored_and_read_back() {
    each_backend(|db| {
        let now = t0() + Duration::nanoseconds(123_456_789);
        let on_behalf: uuid::Uuid = "0b0f6c1e-2a57-4c7e-9a51-6f3f1f7d2c01".parse().unwrap();
        let ev = AuditEvent::new(
            ActionCode::parse("referral.accept").unwrap(),
            ActionKind::Update,
            Outcome::Denied,
        )
        .with_actor(caseworker())
        .with_on_behalf_of(on_behalf)
        .with_object("referral", "r-1")
        .with_purpose("referral r-1")
        .with_subject_pseudonym("ps-abc")
        .with_source_ip("2001:db8::1".parse().unwrap())
        .with_request_id("req-77")
        .with_details(json!({ "from": "new", "to": "accepted" }));
        let recorded = record_one(&db, &ev, now);
        assert_eq!(
            recorded.occurred_at,
            t0() + Duration::microseconds(123_456),
            "truncated to microseconds"
        );

        let mut conn = db.pool.get().unwrap();
        let page = query(&mut conn, &AuditFilter::default(), PageRequest::default()).unwrap();
        assert_eq!(page.entries, vec![recorded.clone()], "{:?}", db.backend);
        let e = &page.entries[0];
        assert_eq!(e.actor, Some(caseworker()));
        assert_eq!(e.on_behalf_of, Some(on_behalf));
        assert_eq!(e.action.as_str(), "referral.accept");
        assert_eq!(e.action_kind, ActionKind::Update);
        assert_eq!(e.outcome, Outcome::Denied);
        assert_eq!(e.object.as_ref().map(|o| o.id.as_str()), Some("r-1"));
        assert_eq!(e.purpose.as_deref(), Some("referral r-1"));
        assert_eq!(e.subject_pseudonym.as_deref(), Some("ps-abc"));
        assert_eq!(e.source_ip, Some("2001:db8::1".parse().unwrap()));
        assert_eq!(e.request_id.as_deref(), Some("req-77"));
        assert_eq!(e.details, json!({ "from": "new", "to": "accepted" }));
        assert!(verify(&mut conn).unwrap().is_intact());
    });
}

#[test]
fn an_anonymous_event_has_no_actor() {
    each_backend(|db| {
        let ev = AuditEvent::new(
            ActionCode::parse("auth.login").unwrap(),
            ActionKind::Read,
            Outcome::Failure,
        );
        let entry = record_one(&db, &ev, t0());
        assert_eq!(entry.actor, None);
        assert_eq!(entry.object, None);
        assert_eq!(entry.details, json!({}));
    });
}

#[test]
fn recording_outside_a_transaction_is_refused_and_writes_nothing() {
    each_backend(|db| {
        let mut conn = db.pool.get().unwrap();
        let err = record(&mut conn, &event(1), t0()).unwrap_err();
        assert!(is_not_in_transaction(&err), "{err}");
        assert!(audit_log::head(&mut conn).unwrap().is_none());
    });
}

#[test]
fn a_rolled_back_transaction_leaves_neither_its_entry_nor_a_gap() {
    each_backend(|db| {
        let mut conn = db.pool.get().unwrap();
        let failed: Result<(), AuditError> = write_tx(&mut conn, |c| {
            record(c, &event(1), t0())?;
            Err(AuditError::InvalidEvent("the audited change failed".into()))
        });
        assert!(failed.is_err());
        assert!(audit_log::head(&mut conn).unwrap().is_none());
        drop(conn);
        let next = record_one(&db, &event(2), t0());
        assert_eq!(next.seq, Some(1));
    });
}

#[test]
fn an_invalid_event_is_refused_before_anything_is_written() {
    each_backend(|db| {
        let mut conn = db.pool.get().unwrap();
        let bad = event(1).with_details(json!("a string, not an object"));
        let result = write_tx(&mut conn, |c| record(c, &bad, t0()));
        assert!(matches!(result, Err(AuditError::InvalidEvent(_))));
        assert!(audit_log::head(&mut conn).unwrap().is_none());
    });
}

#[test]
fn the_auditor_filters_by_actor_agency_action_object_outcome_and_time() {
    each_backend(|db| {
        let other_agency: AgencyId = "11111111-2222-4333-8444-555555555555".parse().unwrap();
        let mut other = caseworker();
        other.user_id = "99999999-2222-4333-8444-555555555555".parse().unwrap();
        other.agency_id = other_agency;
        other.role = Role::Coordinator;
        let login = ActionCode::parse("auth.login").unwrap();
        let events = [
            event(1),
            event(2).with_actor(other),
            AuditEvent::new(login.clone(), ActionKind::Read, Outcome::Failure),
            event(4).with_object("referral", "r-9"),
            AuditEvent::new(login.clone(), ActionKind::Read, Outcome::Success).with_actor(other),
        ];
        for (i, ev) in events.iter().enumerate() {
            record_one(&db, ev, t0() + Duration::hours(i as i64));
        }
        let mut conn = db.pool.get().unwrap();
        let mut seqs = |filter: AuditFilter| -> Vec<i64> {
            let page = query(&mut conn, &filter, PageRequest::default()).unwrap();
            page.entries.iter().filter_map(|e| e.seq).collect()
        };
        assert_eq!(
            seqs(AuditFilter::default()),
            [5, 4, 3, 2, 1],
            "newest first"
        );
        let cases = [
            (
                AuditFilter {
                    actor_user_id: Some(other.user_id),
                    ..Default::default()
                },
                vec![5, 2],
            ),
            (
                AuditFilter {
                    actor_agency_id: Some(caseworker().agency_id),
                    ..Default::default()
                },
                vec![4, 1],
            ),
            (
                AuditFilter {
                    action: Some(login.clone()),
                    ..Default::default()
                },
                vec![5, 3],
            ),
            (
                AuditFilter {
                    action: Some(login),
                    outcome: Some(Outcome::Failure),
                    ..Default::default()
                },
                vec![3],
            ),
            (
                AuditFilter {
                    action_kind: Some(ActionKind::Export),
                    ..Default::default()
                },
                vec![],
            ),
            (
                AuditFilter {
                    object_type: Some("referral".into()),
                    ..Default::default()
                },
                vec![4],
            ),
            (
                AuditFilter {
                    object_type: Some("case".into()),
                    object_id: Some("case-2".into()),
                    ..Default::default()
                },
                vec![2],
            ),
            (
                AuditFilter {
                    from: Some(t0() + Duration::hours(1)),
                    until: Some(t0() + Duration::hours(3)),
                    ..Default::default()
                },
                vec![3, 2],
            ),
        ];
        for (i, (filter, expected)) in cases.into_iter().enumerate() {
            assert_eq!(seqs(filter), expected, "case {i} on {:?}", db.backend);
        }
    });
}

#[test]
fn pages_run_from_newest_to_oldest_without_overlap() {
    each_backend(|db| {
        chain_of(&db, 5);
        let mut conn = db.pool.get().unwrap();
        let mut page = PageRequest {
            before_seq: None,
            limit: 2,
        };
        let mut seen = Vec::new();
        loop {
            let got = query(&mut conn, &AuditFilter::default(), page).unwrap();
            seen.push(got.entries.iter().filter_map(|e| e.seq).collect::<Vec<_>>());
            match got.next_before_seq {
                Some(before) => page.before_seq = Some(before),
                None => break,
            }
        }
        assert_eq!(seen, [vec![5, 4], vec![3, 2], vec![1]]);
    });
}
