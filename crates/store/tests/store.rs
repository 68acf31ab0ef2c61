//! The store on both backends: migrations, SQLite settings, agencies, the outbox,
//! the monitor's facts, write transactions and concurrent writers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Duration, TimeZone, Utc};
use schakel_domain::{AgencyKind, Region};
use schakel_store::agencies::{self, NewAgency};
use schakel_store::monitor::{self, NewFact};
use schakel_store::outbox::{self, Channel, NewOutboxMessage};
use schakel_store::testing::{TestDb, each_backend};
use schakel_store::{Backend, StoreError, migrations, write_tx};
use std::collections::BTreeSet;
use std::path::Path;

fn folder_names(tree: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../migrations")
        .join(tree);
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn both_migration_trees_have_the_same_folder_names() {
    let sqlite = folder_names("sqlite");
    let postgres = folder_names("postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
    let embedded_sqlite = migrations::names(&migrations::SQLITE).unwrap();
    let embedded_postgres = migrations::names(&migrations::POSTGRES).unwrap();
    assert_eq!(embedded_sqlite, embedded_postgres);
    assert_eq!(
        embedded_sqlite.len(),
        sqlite.len(),
        "every folder is embedded"
    );
    for tree in ["sqlite", "postgres"] {
        for name in folder_names(tree) {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../migrations")
                .join(tree)
                .join(&name);
            assert!(
                dir.join("up.sql").is_file() && dir.join("down.sql").is_file(),
                "{tree}/{name}"
            );
        }
    }
}

#[test]
fn migrations_apply_up_down_up_on_every_backend() {
    for backend in schakel_store::testing::selected_backends() {
        let db = TestDb::unmigrated(backend);
        let mut conn = db.pool.get().unwrap();
        let total = migrations::names(&migrations::SQLITE).unwrap().len();
        assert_eq!(migrations::pending_count(&mut conn).unwrap(), total);
        assert_eq!(
            migrations::run_pending(&mut conn).unwrap().len(),
            total,
            "{backend:?} up"
        );
        assert_eq!(migrations::pending_count(&mut conn).unwrap(), 0);
        assert_eq!(
            migrations::revert_all(&mut conn).unwrap().len(),
            total,
            "{backend:?} down"
        );
        assert_eq!(migrations::pending_count(&mut conn).unwrap(), total);
        assert_eq!(
            migrations::run_pending(&mut conn).unwrap().len(),
            total,
            "{backend:?} up again"
        );
        assert!(
            migrations::run_pending(&mut conn).unwrap().is_empty(),
            "nothing twice"
        );
        assert_eq!(
            agencies::count(&mut conn).unwrap(),
            0,
            "tables usable after up-down-up"
        );
    }
}

#[test]
fn sqlite_connections_use_wal_a_busy_timeout_and_foreign_keys() {
    let db = TestDb::new(Backend::Sqlite);
    for _ in 0..3 {
        let mut conn = db.pool.get().unwrap();
        schakel_store::check_connection(&mut conn).unwrap();
    }
    // Foreign keys are enforced, not merely declared.
    db.execute_raw("CREATE TABLE parent_t (id INTEGER PRIMARY KEY)");
    db.execute_raw("CREATE TABLE child_t (p INTEGER NOT NULL REFERENCES parent_t(id))");
    let mut conn = db.pool.get().unwrap();
    let orphan = diesel::RunQueryDsl::execute(
        diesel::sql_query("INSERT INTO child_t (p) VALUES (42)"),
        &mut *conn,
    );
    assert!(orphan.is_err(), "an orphan row is refused");
}

fn new_agency(name: &str, kind: AgencyKind, region: Region) -> NewAgency<'_> {
    NewAgency {
        name,
        kind,
        region,
        contact_email: "desk@example.test",
    }
}

#[test]
fn agencies_are_stored_listed_and_filtered() {
    each_backend(|db| {
        let now =
            Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).unwrap() + Duration::microseconds(123_456);
        let mut conn = db.pool.get().unwrap();
        let a = agencies::insert(
            &mut conn,
            &new_agency("Politie Oost", AgencyKind::Police, Region::OostNederland),
            now,
        )
        .unwrap();
        agencies::insert(
            &mut conn,
            &new_agency(
                "Gemeente Zwolle",
                AgencyKind::Municipality,
                Region::OostNederland,
            ),
            now,
        )
        .unwrap();
        agencies::insert(
            &mut conn,
            &new_agency("Politie Limburg", AgencyKind::Police, Region::Limburg),
            now,
        )
        .unwrap();

        let found = agencies::find(&mut conn, a.id).unwrap();
        assert_eq!(found, a);
        assert_eq!(found.created_at, now, "microseconds survive the round trip");
        assert_eq!(found.kind, AgencyKind::Police);

        let all = agencies::list_active(&mut conn, None, None).unwrap();
        let names: Vec<&str> = all.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            names,
            ["Gemeente Zwolle", "Politie Limburg", "Politie Oost"]
        );
        let police = agencies::list_active(&mut conn, Some(AgencyKind::Police), None).unwrap();
        assert_eq!(police.len(), 2);
        let east_police = agencies::list_active(
            &mut conn,
            Some(AgencyKind::Police),
            Some(Region::OostNederland),
        )
        .unwrap();
        assert_eq!(east_police.len(), 1);
        assert_eq!(east_police[0].name, "Politie Oost");

        let dup = agencies::insert(
            &mut conn,
            &new_agency("Politie Oost", AgencyKind::Police, Region::Limburg),
            now,
        );
        assert!(
            matches!(dup, Err(StoreError::Conflict(_))),
            "{:?} on {:?}",
            dup,
            db.backend
        );
        assert_eq!(
            agencies::count(&mut conn).unwrap(),
            3,
            "the duplicate stored nothing"
        );
        assert!(matches!(
            agencies::find(&mut conn, schakel_domain::AgencyId::new_random()),
            Err(StoreError::NotFound)
        ));
    });
}

#[test]
fn the_database_refuses_codes_the_domain_does_not_know() {
    each_backend(|db| {
        let mut conn = db.pool.get().unwrap();
        let bad = diesel::RunQueryDsl::execute(
            diesel::sql_query(
                "INSERT INTO agencies (id, name, kind, region, contact_email, active, version, created_at, updated_at) \
                 VALUES ('x', 'X', 'mafia', 'national', 'a@b', TRUE, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            ),
            &mut *conn,
        );
        assert!(
            bad.is_err(),
            "a CHECK constraint guards agency kinds on {:?}",
            db.backend
        );
    });
}

#[test]
fn outbox_stats_count_pending_due_and_the_oldest_due_row() {
    each_backend(|db| {
        let t0 = Utc.with_ymd_and_hms(2026, 5, 1, 8, 0, 0).unwrap();
        let mut conn = db.pool.get().unwrap();
        assert_eq!(outbox::stats(&mut conn, t0).unwrap(), Default::default());
        for (offset, topic) in [(-10, "a"), (-5, "b"), (30, "later")] {
            let msg = NewOutboxMessage {
                channel: Channel::Email,
                topic: topic.into(),
                payload: serde_json::json!({ "topic": topic }),
                available_at: t0 + Duration::minutes(offset),
            };
            outbox::enqueue(&mut conn, &msg, t0).unwrap();
        }
        let stats = outbox::stats(&mut conn, t0).unwrap();
        assert_eq!(stats.pending, 3);
        assert_eq!(stats.due, 2);
        assert_eq!(stats.failed, 0);
        assert_eq!(stats.oldest_due_at, Some(t0 - Duration::minutes(10)));
    });
}

#[test]
fn a_failed_write_transaction_leaves_nothing_behind() {
    each_backend(|db| {
        let now = Utc::now();
        let mut conn = db.pool.get().unwrap();
        let result: Result<(), StoreError> = write_tx(&mut conn, |c| {
            agencies::insert(
                c,
                &new_agency("Half Done", AgencyKind::Ngo, Region::National),
                now,
            )?;
            let msg = NewOutboxMessage {
                channel: Channel::Monitor,
                topic: "agency_created".into(),
                payload: serde_json::json!({}),
                available_at: now,
            };
            outbox::enqueue(c, &msg, now)?;
            Err(StoreError::Conflict("the use case changed its mind".into()))
        });
        assert!(result.is_err());
        assert_eq!(
            agencies::count(&mut conn).unwrap(),
            0,
            "no agency on {:?}",
            db.backend
        );
        assert_eq!(
            outbox::stats(&mut conn, now).unwrap().pending,
            0,
            "no outbox row"
        );

        write_tx(&mut conn, |c| {
            agencies::insert(
                c,
                &new_agency("Whole", AgencyKind::Ngo, Region::National),
                now,
            )
            .map(|_| ())
        })
        .unwrap();
        assert_eq!(
            agencies::count(&mut conn).unwrap(),
            1,
            "the connection is usable after a rollback"
        );
    });
}

#[test]
fn concurrent_writers_lose_no_write() {
    each_backend(|db| {
        const THREADS: usize = 4;
        const EACH: usize = 25;
        let now = Utc::now();
        std::thread::scope(|s| {
            for t in 0..THREADS {
                let pool = db.pool.clone();
                s.spawn(move || {
                    for i in 0..EACH {
                        let mut conn = pool.get().unwrap();
                        let name = format!("Agency {t}-{i}");
                        write_tx(&mut conn, |c| {
                            // Read, then write: the pattern that deadlocks deferred SQLite
                            // transactions under concurrency.
                            let before = agencies::count(c)?;
                            agencies::insert(
                                c,
                                &new_agency(&name, AgencyKind::Other, Region::National),
                                now,
                            )?;
                            assert!(agencies::count(c)? > before);
                            Ok::<_, StoreError>(())
                        })
                        .unwrap_or_else(|e| panic!("{name} on {:?}: {e}", db.backend));
                    }
                });
            }
        });
        let mut conn = db.pool.get().unwrap();
        assert_eq!(agencies::count(&mut conn).unwrap(), (THREADS * EACH) as i64);
    });
}

fn fact<'a>(form: &'a str, weight: i16, kind: &'a str, pseudonym: Option<&'a str>) -> NewFact<'a> {
    NewFact {
        form,
        weight,
        kind,
        month: "2026-03",
        quarter: "2026-Q1",
        year: "2026",
        sender_kind: "police",
        sender_region: "national",
        receiver_kind: Some("ngo"),
        receiver_region: Some("national"),
        age_band: "18-22",
        gender: "female",
        nationality_group: "nl",
        reporting_basis: None,
        hours_to_answer: Some(7),
        pseudonym,
    }
}

#[test]
fn monitor_facts_are_written_once_per_message_and_counted_per_month() {
    each_backend(|db| {
        let mut conn = db.pool.get().unwrap();
        let two_forms = [
            fact("labour", 1, "referral_accepted", Some("p1")),
            fact("sexual", 0, "referral_accepted", Some("p1")),
        ];
        assert!(monitor::insert_facts(&mut conn, "m2", &two_forms).unwrap());
        assert!(!monitor::insert_facts(&mut conn, "m2", &two_forms).unwrap());
        let one = [NewFact {
            receiver_kind: None,
            receiver_region: None,
            hours_to_answer: None,
            ..fact("unknown", 1, "signal_logged", Some("u:x"))
        }];
        assert!(monitor::insert_facts(&mut conn, "m1", &one).unwrap());
        assert_eq!(
            monitor::month_states(&mut conn).unwrap(),
            vec![(
                "2026-03".to_owned(),
                monitor::MonthState {
                    events: 2,
                    revision: 0
                }
            )]
        );
        let rows = monitor::facts_of_month(&mut conn, "2026-03").unwrap();
        let keys: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.event_id.as_str(), r.form.as_str()))
            .collect();
        assert_eq!(
            keys,
            [("m1", "unknown"), ("m2", "labour"), ("m2", "sexual")]
        );
        assert!(
            monitor::facts_of_month(&mut conn, "2026-04")
                .unwrap()
                .is_empty()
        );

        let all = "month >= '2026-01' AND month <= '2026-12'";
        let cells = monitor::grouped(&mut conn, &["kind"], all, "COALESCE(SUM(weight), 0)");
        let mut cells: Vec<(String, String, i64, i64)> = cells
            .unwrap()
            .into_iter()
            .map(|c| (c.k1, c.k2, c.persons, c.value))
            .collect();
        cells.sort();
        assert_eq!(
            cells,
            [
                ("referral_accepted".into(), "all".into(), 1, 1),
                ("signal_logged".into(), "all".into(), 1, 1),
            ]
        );
        let share = monitor::person_share(&mut conn, all).unwrap();
        assert_eq!((share.persons, share.unlinkable), (2, 1));
        let answers = monitor::answers(&mut conn, all).unwrap();
        assert_eq!(answers.len(), 1, "each event once: {answers:?}");
        assert_eq!(answers[0].hours, 7);
        let mut captures: Vec<(String, String)> = monitor::captures(&mut conn, 2026)
            .unwrap()
            .into_iter()
            .map(|c| (c.pseudonym, c.agency_kind))
            .collect();
        captures.sort();
        assert_eq!(
            captures,
            [("p1".into(), "ngo".into()), ("u:x".into(), "police".into())]
        );
        assert!(monitor::captures(&mut conn, 2025).unwrap().is_empty());
    });
}

#[test]
fn an_idempotent_answer_is_kept_while_live_and_replaced_once_expired() {
    use schakel_domain::Role;
    use schakel_store::casework::idempotency::{self, StoredResponse};
    use schakel_store::users::{self, NewUser};
    each_backend(|db| {
        let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let mut conn = db.pool.get().unwrap();
        let agency = agencies::insert(
            &mut conn,
            &new_agency(
                "Gemeente Deventer",
                AgencyKind::Municipality,
                Region::OostNederland,
            ),
            t0,
        )
        .unwrap();
        let user = users::insert(
            &mut conn,
            &NewUser {
                agency_id: agency.id,
                email: "idem@deventer.invalid",
                display_name: "Idem",
                role: Role::Caseworker,
                locale: "nl",
                password_hash: None,
            },
            t0,
        )
        .unwrap();
        let answer = |body: &str| StoredResponse {
            fingerprint: format!("fp-{body}"),
            status: 201,
            body: body.to_owned(),
        };
        let expires = t0 + Duration::hours(24);
        idempotency::insert(&mut conn, user.id, "k", &answer("first"), t0, expires).unwrap();
        // While the first answer lives, a second one is a conflict and changes nothing.
        let later = t0 + Duration::hours(1);
        let again = idempotency::insert(&mut conn, user.id, "k", &answer("second"), later, expires);
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
        let kept = idempotency::find(&mut conn, user.id, "k", later)
            .unwrap()
            .unwrap();
        assert_eq!(kept.body, "first");
        // Once it expired (not yet purged), the next answer takes its place.
        let after = expires + Duration::seconds(1);
        assert_eq!(
            idempotency::find(&mut conn, user.id, "k", after).unwrap(),
            None
        );
        let until = after + Duration::hours(24);
        idempotency::insert(&mut conn, user.id, "k", &answer("third"), after, until).unwrap();
        let replaced = idempotency::find(&mut conn, user.id, "k", after)
            .unwrap()
            .unwrap();
        assert_eq!(
            (replaced.body.as_str(), replaced.fingerprint.as_str()),
            ("third", "fp-third")
        );
    });
}

#[test]
fn an_upgrade_numbers_the_cases_already_there_in_the_order_they_were_opened() {
    for backend in schakel_store::testing::selected_backends() {
        let db = TestDb::unmigrated(backend);
        let mut conn = db.pool.get().unwrap();
        migrations::run_pending(&mut conn).unwrap();
        // Back to the release before case references.
        while migrations::revert_last(&mut conn).unwrap() != "20261203000014" {}
        let at = Utc.with_ymd_and_hms(2025, 5, 1, 10, 0, 0).unwrap();
        let agency = agencies::insert(
            &mut conn,
            &new_agency("Gemeente", AgencyKind::Municipality, Region::Amsterdam),
            at,
        )
        .unwrap();
        drop(conn);
        // The account as that release stored it (today's row type has more columns).
        db.execute_raw(&format!(
            "INSERT INTO users (id, agency_id, email, display_name, role, active, locale, \
             notify, version, created_at, updated_at) VALUES ('u1', '{agency}', \
             'werker@gemeente.example', 'Werker', 'caseworker', TRUE, 'nl', 'immediate', 1, \
             '2025-05-01 10:00:00', '2025-05-01 10:00:00')",
            agency = agency.id
        ));
        // Three cases of 2025 (opened out of id order) and one of 2026, as a release
        // before references left them.
        for (id, opened) in [
            ("c3", "2025-03-01 09:00:00"),
            ("c1", "2025-07-01 09:00:00"),
            ("c2", "2025-05-01 09:00:00"),
            ("c4", "2026-01-02 09:00:00"),
        ] {
            db.execute_raw(&format!(
                "INSERT INTO persons (id, agency_id, identity, gender, nationality_group, \
                 created_at, updated_at) VALUES ('p{id}', '{agency}', NULL, 'female', \
                 'unknown', '{opened}', '{opened}')",
                agency = agency.id
            ));
            db.execute_raw(&format!(
                "INSERT INTO cases (id, agency_id, person_id, opened_by, status, region, \
                 exploitation_forms, legal_basis_used, version, created_at, updated_at) \
                 VALUES ('{id}', '{agency}', 'p{id}', '{user}', 'open', 'amsterdam', \
                 '[\"labour\"]', FALSE, 1, '{opened}', '{opened}')",
                agency = agency.id,
                user = "u1"
            ));
        }
        let mut conn = db.pool.get().unwrap();
        migrations::run_pending(&mut conn).unwrap();
        let mut refs = Vec::new();
        for id in ["c1", "c2", "c3", "c4"] {
            let row: Vec<(String,)> = diesel::RunQueryDsl::load(
                diesel::sql_query(format!(
                    "SELECT reference AS r FROM cases WHERE id = '{id}'"
                )),
                &mut *conn,
            )
            .map(|rows: Vec<Ref>| rows.into_iter().map(|r| (r.r,)).collect())
            .unwrap();
            refs.push(row[0].0.clone());
        }
        assert_eq!(
            refs,
            ["2025-000003", "2025-000002", "2025-000001", "2026-000001"],
            "{backend:?}"
        );
        // The counters go on from there.
        let next =
            schakel_store::casework::references::next_number(&mut conn, agency.id, 2025).unwrap();
        assert_eq!(next, 4, "{backend:?}");
        let next =
            schakel_store::casework::references::next_number(&mut conn, agency.id, 2027).unwrap();
        assert_eq!(next, 1, "{backend:?}");
    }
}

#[derive(diesel::QueryableByName)]
struct Ref {
    #[diesel(sql_type = diesel::sql_types::Text)]
    r: String,
}

#[test]
fn sqlite_connections_are_kept_and_postgresql_ones_closed_when_idle_and_replaced() {
    each_backend(|db| {
        let target = schakel_store::DatabaseTarget::parse(db.url()).unwrap();
        let pool =
            schakel_store::build_pool(&target, schakel_store::PoolOptions::default()).unwrap();
        let (idle, lifetime) = (pool.idle_timeout(), pool.max_lifetime());
        match db.backend {
            // Replacing a SQLite connection only allocates its cache and schema again.
            Backend::Sqlite => assert_eq!((idle, lifetime), (None, None)),
            // A PostgreSQL connection holds a server process.
            Backend::Postgres => assert_eq!(
                (idle, lifetime),
                (
                    Some(std::time::Duration::from_secs(600)),
                    Some(std::time::Duration::from_secs(1800))
                )
            ),
        }
        assert!(
            pool.test_on_check_out(),
            "every connection is checked when taken"
        );
    });
}
