//! "Who saw this person" in a generated world, on every backend: three agencies' workers
//! log persons (some the same person at two agencies, some without a date of birth, so
//! unlinkable), open cases, refer and accept, list, search, read, write notes and break
//! the glass, in an order drawn from a fixed seed. For every person the auditor finds the
//! trail's reference from a case (and, for a linkable person, from the identifiers:
//! the same reference), and the trail filtered by it holds exactly the entries a
//! recount of the raw trail names the person in — as subject, or among the persons a
//! list or search showed — including list reads and searches. The JSON-lines export of
//! the whole trail carries every entry once, with hashes that recompute and a chain
//! that links.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, UserBuilder, bearer, request};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use diesel::prelude::*;
use schakel_api::app;
use schakel_domain::{AgencyKind, Role};
use schakel_store::audit_log::AuditEntryRow;
use schakel_store::schema::audit_entries;
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// A small deterministic generator (a linear congruential one): the same world every
/// run.
struct Draw(u64);

impl Draw {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// The persons of the world: (family name, date of birth or none), each logged at
/// the agencies listed (by index).
const PERSONS: &[(&str, Option<&str>, &[usize])] = &[
    ("Zilverreiger", Some("1991-05-06"), &[0, 1]),
    ("Kwartelkoning", Some("1985-11-30"), &[0]),
    ("Roerdomp", None, &[1]),
    ("Grutto", Some("2001-02-14"), &[1, 2]),
    ("Tureluur", None, &[0]),
    ("Wulp", Some("1979-08-21"), &[2]),
];

/// Every entry of the raw trail that names `subject`: as its subject, or in
/// `details.subjects` (parsed, not matched as text).
fn recount(db: &TestDb, subject: &str) -> BTreeSet<String> {
    let mut conn = db.pool.get().unwrap();
    let rows: Vec<AuditEntryRow> = audit_entries::table
        .select(AuditEntryRow::as_select())
        .load(&mut *conn)
        .unwrap();
    rows.into_iter()
        .filter(|r| {
            let details: Value = serde_json::from_str(&r.details).unwrap();
            r.subject_pseudonym.as_deref() == Some(subject)
                || details["subjects"]
                    .as_array()
                    .is_some_and(|l| l.iter().any(|s| s.as_str() == Some(subject)))
        })
        .map(|r| r.id)
        .collect()
}

#[actix_web::test]
async fn who_saw_a_person_is_exactly_the_recount_of_the_raw_trail() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let kinds = [
            ("Zorgcoördinatie West", AgencyKind::CareCoordination),
            ("Gemeente West", AgencyKind::Municipality),
            ("Opvang West", AgencyKind::ShelterCategorical),
        ];
        let mut agencies = Vec::new();
        let mut tokens = Vec::new();
        for (i, (name, kind)) in kinds.iter().enumerate() {
            let a = AgencyBuilder::new(&db).name(*name).kind(*kind).create();
            let mut of_agency = Vec::new();
            for (j, role) in [Role::Caseworker, Role::Coordinator]
                .into_iter()
                .enumerate()
            {
                let u = UserBuilder::new(&db, &a)
                    .email(format!("w{i}{j}@west.example"))
                    .role(role)
                    .create();
                of_agency.push(client.token(&u.email).await);
            }
            agencies.push(a);
            tokens.push(of_agency);
        }
        let police = AgencyBuilder::new(&db)
            .name("Politie West")
            .kind(AgencyKind::Police)
            .create();
        let agent = UserBuilder::new(&db, &police)
            .email("agent@west.example")
            .role(Role::Coordinator)
            .create();
        let t_agent = client.token(&agent.email).await;
        let bureau = AgencyBuilder::new(&db)
            .name("Bureau West")
            .kind(AgencyKind::Rapporteur)
            .create();
        let auditor = UserBuilder::new(&db, &bureau)
            .email("audit@west.example")
            .role(Role::Auditor)
            .create();
        let t_audit = client.token(&auditor.email).await;
        let call = |token: &str, method: &str, uri: &str, body: Option<Value>| {
            let r = bearer(request(method, uri), token);
            match body {
                Some(b) => r.set_json(b),
                None => r,
            }
        };

        // The persons' cases: (person index, agency index, case id, reference).
        let mut cases: Vec<(usize, usize, String, String)> = Vec::new();
        for (p, (family, dob, at)) in PERSONS.iter().enumerate() {
            for &a in *at {
                let mut identity = json!({ "given_names": "Mara", "family_name": family });
                if let Some(dob) = dob {
                    identity["date_of_birth"] = json!(dob);
                }
                let r = client
                    .send(call(
                        &tokens[a][0],
                        "POST",
                        "/api/v1/cases",
                        Some(json!({
                            "person": { "identity": identity, "gender": "female" },
                            "region": "rotterdam", "exploitation_forms": ["sexual"]
                        })),
                    ))
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{backend:?}: {r:?}");
                let c = r.json();
                cases.push((
                    p,
                    a,
                    c["id"].as_str().unwrap().into(),
                    c["reference"].as_str().unwrap().into(),
                ));
            }
        }

        // A day's work in a drawn order.
        let mut draw = Draw(20_261_203);
        for _ in 0..60 {
            let (p, a, case, reference) = cases[draw.below(cases.len())].clone();
            let worker = &tokens[a][draw.below(2)];
            let (family, _, _) = PERSONS[p];
            let r = match draw.below(7) {
                0 => {
                    client
                        .send(call(worker, "GET", "/api/v1/cases", None))
                        .await
                }
                1 => {
                    client
                        .send(call(
                            worker,
                            "GET",
                            &format!("/api/v1/cases?family_name={family}"),
                            None,
                        ))
                        .await
                }
                2 => {
                    client
                        .send(call(worker, "GET", &format!("/api/v1/cases/{case}"), None))
                        .await
                }
                3 => {
                    client
                        .send(call(
                            worker,
                            "GET",
                            &format!("/api/v1/cases/{case}/timeline"),
                            None,
                        ))
                        .await
                }
                4 => {
                    let note = json!({ "kind": "phone_call", "occurred_on": "2026-01-05",
                                       "visibility": "shared", "text": "Gebeld." });
                    client
                        .send(call(
                            worker,
                            "POST",
                            &format!("/api/v1/cases/{case}/notes"),
                            Some(note),
                        ))
                        .await
                }
                5 => {
                    let to = &agencies[(a + 1) % agencies.len()];
                    let sent = client
                        .send(call(
                            worker,
                            "POST",
                            &format!("/api/v1/cases/{case}/referrals"),
                            Some(json!({
                                "to_agency_id": to.id, "purpose": "shelter", "urgency": "normal"
                            })),
                        ))
                        .await;
                    if sent.status == StatusCode::CREATED {
                        let id = sent.json()["id"].as_str().unwrap().to_owned();
                        let receiver = &tokens[(a + 1) % agencies.len()][1];
                        let acc = client
                            .send(
                                call(
                                    receiver,
                                    "POST",
                                    &format!("/api/v1/referrals/{id}/accept"),
                                    None,
                                )
                                .insert_header(("If-Match", "\"1\"")),
                            )
                            .await;
                        assert_eq!(acc.status, StatusCode::OK, "{acc:?}");
                        client
                            .send(call(
                                receiver,
                                "GET",
                                &format!("/api/v1/cases/{case}"),
                                None,
                            ))
                            .await
                    } else {
                        sent
                    }
                }
                _ => {
                    let body = json!({ "agency_id": agencies[a].id, "reference": reference,
                        "ground": "urgent_care",
                        "reason": "De meldkamer vraagt om opvang voor deze persoon." });
                    client
                        .send(call(
                            &t_agent,
                            "POST",
                            "/api/v1/emergency-accesses",
                            Some(body),
                        ))
                        .await
                }
            };
            assert!(
                r.status.is_success() || r.status == StatusCode::CONFLICT,
                "{backend:?}: {r:?}"
            );
        }

        // For every person: the reference from each of their cases is one and the same;
        // the trail filtered by it is the recount.
        let mut linked_once = false;
        let mut every_action = BTreeSet::new();
        for (p, (family, dob, _)) in PERSONS.iter().enumerate() {
            let mut subjects = BTreeSet::new();
            for (_, a, _, reference) in cases.iter().filter(|c| c.0 == p) {
                let r = client
                    .send(call(
                        &t_audit,
                        "POST",
                        "/api/v1/audit/subject",
                        Some(json!({
                            "agency_id": agencies[*a].id, "reference": reference
                        })),
                    ))
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{r:?}");
                subjects.insert(r.json()["subject"].as_str().unwrap().to_owned());
            }
            if let Some(dob) = dob {
                assert_eq!(subjects.len(), 1, "{family}: one pseudonym at every agency");
                let r = client
                    .send(call(
                        &t_audit,
                        "POST",
                        "/api/v1/audit/subject",
                        Some(json!({
                            "given_names": "Mara", "family_name": family,
                            "date_of_birth": dob, "gender": "female"
                        })),
                    ))
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{r:?}");
                let by_identity = r.json();
                assert!(subjects.contains(by_identity["subject"].as_str().unwrap()));
                assert!(
                    !by_identity.to_string().contains(family),
                    "no identity in the answer"
                );
                linked_once |= by_identity["records"].as_i64().unwrap() > 1;
            }
            for subject in subjects {
                crate::support::seal(&db);
                let mut found = BTreeSet::new();
                let mut actions = BTreeSet::new();
                let mut before = String::new();
                loop {
                    let r = client
                        .send(call(
                            &t_audit,
                            "GET",
                            &format!("/api/v1/audit?subject={subject}&limit=7{before}"),
                            None,
                        ))
                        .await;
                    assert_eq!(r.status, StatusCode::OK, "{r:?}");
                    let page = r.json();
                    for e in page["entries"].as_array().unwrap() {
                        found.insert(e["id"].as_str().unwrap().to_owned());
                        actions.insert(e["action"].as_str().unwrap().to_owned());
                    }
                    match page["next_before_seq"].as_i64() {
                        Some(seq) => before = format!("&before_seq={seq}"),
                        None => break,
                    }
                }
                assert_eq!(found, recount(&db, &subject), "{backend:?} {family}");
                assert!(
                    actions.contains("case.create") && actions.contains("audit.subject_lookup")
                );
                every_action.extend(actions);
            }
        }
        assert!(linked_once, "a person at two agencies shares one pseudonym");
        // The trails hold the lists and searches that showed the persons, and more.
        for action in [
            "case.list",
            "case.search",
            "case.read",
            "case.timeline",
            "note.create",
            "case.emergency_access",
        ] {
            assert!(
                every_action.contains(action),
                "{backend:?}: no {action} in {every_action:?}"
            );
        }

        // The whole trail as JSON lines: every entry once, hashes recompute, links hold.
        crate::support::seal(&db);
        let r = client
            .send(call(
                &t_audit,
                "GET",
                "/api/v1/audit/export?format=jsonl",
                None,
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        assert_eq!(r.header("content-type"), "application/x-ndjson");
        let text = String::from_utf8(r.body.clone()).unwrap();
        let mut prev = schakel_audit::GENESIS_HASH.to_owned();
        let mut count = 0;
        for (i, line) in text.lines().enumerate() {
            let e: Value = serde_json::from_str(line).unwrap();
            assert_eq!(e["seq"].as_i64().unwrap(), i as i64 + 1);
            assert_eq!(e["prev_hash"].as_str().unwrap(), prev);
            let s = |k: &str| e[k].as_str().map(str::to_owned);
            let row = AuditEntryRow {
                seq: e["seq"].as_i64(),
                id: s("id").unwrap(),
                occurred_at: chrono::NaiveDateTime::parse_from_str(
                    &s("occurred_at").unwrap(),
                    "%Y-%m-%dT%H:%M:%S%.6fZ",
                )
                .unwrap(),
                actor_user_id: s("actor_user_id"),
                actor_agency_id: s("actor_agency_id"),
                actor_role: s("actor_role"),
                on_behalf_of: s("on_behalf_of"),
                action: s("action").unwrap(),
                action_kind: s("action_kind").unwrap(),
                object_type: s("object_type"),
                object_id: s("object_id"),
                purpose: s("purpose"),
                subject_pseudonym: s("subject_pseudonym"),
                outcome: s("outcome").unwrap(),
                source_ip: s("source_ip"),
                request_id: s("request_id"),
                details: s("details").unwrap(),
                prev_hash: s("prev_hash"),
                hash: s("hash"),
                mac: s("mac"),
            };
            assert_eq!(
                Some(schakel_audit::entry_hash(&row)),
                row.hash,
                "entry {:?}",
                row.seq
            );
            prev = row.hash.unwrap();
            count += 1;
        }
        // The export's own entry is written before the answer: all but it are in it.
        let mut conn = db.pool.get().unwrap();
        let total: i64 = audit_entries::table.count().get_result(&mut *conn).unwrap();
        assert_eq!(count + 1, total);
        let csv = client
            .send(call(
                &t_audit,
                "GET",
                "/api/v1/audit/export?format=csv&action=case.emergency_access",
                None,
            ))
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        let csv = String::from_utf8(csv.body.clone()).unwrap();
        assert!(csv.starts_with("seq,id,occurred_at,"), "{csv}");
        assert!(
            csv.lines().skip(1).all(|l| l.contains("Politie West")),
            "{csv}"
        );
    }
}
