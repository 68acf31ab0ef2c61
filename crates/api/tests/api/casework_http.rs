//! The handoff over HTTP: a municipality logs a signal with a person, opens a case,
//! records consent for shelter care and refers to a shelter; the shelter's coordinator
//! sees the summary only, accepts, then sees the identity; the sender sees the outcome;
//! the timeline shows each step. Also: twenty parallel accepts with one `ETag`, replays
//! with one `Idempotency-Key`, and access that ends on the very next request.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, UserBuilder, bearer, request};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_api::app;
use schakel_domain::{AgencyKind, Role};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};

fn signal_body() -> Value {
    json!({
        "observed_on": "2026-01-15",
        "region": "midden_nederland",
        "exploitation_forms": ["labour"],
        "indicators": ["ilo_debt_bondage", "ilo_retention_of_identity_documents"],
        "palermo": { "act": true, "means": true, "purpose": true },
        "reporting_basis": "consent",
        "summary": "Werkt zeven dagen per week in een kas, paspoort ingenomen.",
        "person": {
            "identity": {
                "given_names": "Marta",
                "family_name": "Kowalczyk-Zwartbles",
                "date_of_birth": "1999-05-04",
                "nationalities": ["PL"],
                "languages": ["pl"]
            },
            "gender": "female"
        }
    })
}

fn outbox_count(db: &TestDb) -> i64 {
    use diesel::prelude::*;
    let mut conn = db.pool.get().unwrap();
    schakel_store::schema::outbox::table
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

fn referral_count(db: &TestDb) -> i64 {
    use diesel::prelude::*;
    let mut conn = db.pool.get().unwrap();
    schakel_store::schema::referrals::table
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

#[actix_web::test]
async fn a_person_is_handed_from_a_municipality_to_a_shelter() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let gemeente = AgencyBuilder::new(&db)
            .name("Gemeente Utrecht")
            .kind(AgencyKind::Municipality)
            .create();
        let opvang = AgencyBuilder::new(&db)
            .name("Opvang Midden")
            .kind(AgencyKind::ShelterCategorical)
            .create();
        let worker = UserBuilder::new(&db, &gemeente)
            .email("zorg@utrecht.example")
            .role(Role::Caseworker)
            .create();
        let coord = UserBuilder::new(&db, &opvang)
            .email("coord@opvang.example")
            .role(Role::Coordinator)
            .create();
        let t_worker = client.token(&worker.email).await;
        let t_coord = client.token(&coord.email).await;
        let as_worker = |m: &str, u: &str| bearer(request(m, u), &t_worker);
        let as_coord = |m: &str, u: &str| bearer(request(m, u), &t_coord);

        // The caseworker logs a signal with a person.
        let signal = client
            .send(as_worker("POST", "/api/v1/signals").set_json(signal_body()))
            .await;
        assert_eq!(
            signal.status,
            StatusCode::CREATED,
            "{backend:?}: {signal:?}"
        );
        let signal = signal.json();
        assert_eq!(signal["palermo_elements_met"], true);
        assert_eq!(signal["indicator_list_version"], "2026.1");
        assert_eq!(
            signal["person"]["identity"]["family_name"],
            "Kowalczyk-Zwartbles"
        );

        // ... opens a case from it without typing anything again.
        let case = client
            .send(as_worker("POST", "/api/v1/cases").set_json(json!({ "signal_id": signal["id"] })))
            .await;
        assert_eq!(case.status, StatusCode::CREATED, "{case:?}");
        assert_eq!(case.header("etag"), "\"1\"");
        let case = case.json();
        let case_id = case["id"].as_str().unwrap().to_owned();
        assert_eq!(case["person"]["identity"]["given_names"], "Marta");
        assert_eq!(case["exploitation_forms"], json!(["labour"]));

        // ... records consent for shelter care (If-Match on the case).
        let consent = json!({
            "kind": "consent",
            "recipient_kinds": ["shelter"],
            "purposes": ["shelter"],
            "given_by": "person",
            "given_on": "2026-01-16"
        });
        let no_version = client
            .send(
                as_worker("POST", &format!("/api/v1/cases/{case_id}/consents")).set_json(&consent),
            )
            .await;
        assert_eq!(no_version.status, StatusCode::PRECONDITION_REQUIRED);
        let recorded = client
            .send(
                as_worker("POST", &format!("/api/v1/cases/{case_id}/consents"))
                    .insert_header(("If-Match", "\"1\""))
                    .set_json(&consent),
            )
            .await;
        assert_eq!(recorded.status, StatusCode::CREATED, "{recorded:?}");
        assert_eq!(recorded.header("etag"), "\"2\"");

        // ... and refers the case to the shelter's inbox.
        let sent = client
            .send(
                as_worker("POST", &format!("/api/v1/cases/{case_id}/referrals")).set_json(json!({
                    "to_agency_id": opvang.id,
                    "purpose": "shelter",
                    "urgency": "urgent",
                    "message": "Graag vandaag opvang; spreekt Pools."
                })),
            )
            .await;
        assert_eq!(sent.status, StatusCode::CREATED, "{sent:?}");
        let referral = sent.json();
        let rid = referral["id"].as_str().unwrap().to_owned();
        assert_eq!(referral["state"], "sent");
        assert_eq!(referral["identity_shared"], true);

        // The shelter's coordinator sees the summary in the inbox, not the case.
        let inbox = client
            .send(as_coord("GET", "/api/v1/referrals?box=incoming"))
            .await;
        assert_eq!(inbox.status, StatusCode::OK);
        let inbox = inbox.json();
        assert_eq!(inbox["items"].as_array().unwrap().len(), 1);
        let summary = &inbox["items"][0];
        assert_eq!(summary["summary"]["age_band"], "23-29");
        assert_eq!(summary["summary"]["nationality_group"], "eu_eea_ch");
        assert_eq!(summary["summary"]["gender"], "female");
        assert_eq!(summary["message"], "Graag vandaag opvang; spreekt Pools.");
        assert!(summary["case_id"].is_null(), "no case before accepting");
        assert_eq!(summary["actions"], json!(["accept", "decline", "redirect"]));
        assert!(!summary.to_string().contains("Kowalczyk"));
        let hidden = client
            .send(as_coord("GET", &format!("/api/v1/cases/{case_id}")))
            .await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);

        // It accepts, with the referral's ETag.
        let accepted = client
            .send(
                as_coord("POST", &format!("/api/v1/referrals/{rid}/accept"))
                    .insert_header(("If-Match", "\"1\"")),
            )
            .await;
        assert_eq!(accepted.status, StatusCode::OK, "{accepted:?}");
        assert_eq!(accepted.json()["state"], "accepted");
        assert_eq!(accepted.header("etag"), "\"2\"");

        // Now it sees the case with the identity (the consent covers shelters).
        let seen = client
            .send(as_coord("GET", &format!("/api/v1/cases/{case_id}")))
            .await;
        assert_eq!(seen.status, StatusCode::OK, "{seen:?}");
        let seen = seen.json();
        assert_eq!(seen["access"], "receiver");
        assert_eq!(
            seen["person"]["identity"]["family_name"],
            "Kowalczyk-Zwartbles"
        );
        assert!(seen["notes"].is_null() && seen["consents"] == json!([]));

        // It starts and completes the referral; the sender sees the outcome.
        let started = client
            .send(
                as_coord("POST", &format!("/api/v1/referrals/{rid}/start"))
                    .insert_header(("If-Match", "\"2\"")),
            )
            .await;
        assert_eq!(started.status, StatusCode::OK);
        let done = client
            .send(
                as_coord("POST", &format!("/api/v1/referrals/{rid}/complete"))
                    .insert_header(("If-Match", "\"3\""))
                    .set_json(json!({ "outcome": "support_provided" })),
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{done:?}");
        let outgoing = client
            .send(as_worker("GET", "/api/v1/referrals?box=outgoing"))
            .await
            .json();
        assert_eq!(outgoing["items"][0]["state"], "completed");
        assert_eq!(outgoing["items"][0]["outcome"], "support_provided");
        // Filters combine: an ended state is among the ended ones, never the open ones.
        for (query, expected) in [
            ("state=completed&open=false", 1),
            ("state=completed&open=true", 0),
            ("state=sent&open=true", 0),
            ("open=true", 0),
            ("open=false", 1),
        ] {
            let list = client
                .send(as_worker(
                    "GET",
                    &format!("/api/v1/referrals?box=outgoing&{query}"),
                ))
                .await;
            assert_eq!(list.status, StatusCode::OK, "{query}: {list:?}");
            assert_eq!(
                list.json()["items"].as_array().unwrap().len(),
                expected,
                "{query}"
            );
        }

        // The referral ended: the shelter no longer sees the case.
        let ended = client
            .send(as_coord("GET", &format!("/api/v1/cases/{case_id}")))
            .await;
        assert_eq!(ended.status, StatusCode::NOT_FOUND);

        // The timeline shows every step, in order.
        let timeline = client
            .send(as_worker(
                "GET",
                &format!("/api/v1/cases/{case_id}/timeline"),
            ))
            .await;
        assert_eq!(timeline.status, StatusCode::OK);
        let kinds: Vec<String> = timeline
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            kinds,
            [
                "case_opened",
                "consent_recorded",
                "referral_sent",
                "referral_accepted",
                "referral_started",
                "referral_completed"
            ]
        );
        // One email for the shelter (received) and three for the sender (accepted and
        // completed; starting is not news), plus a monitor event per counted step.
        let topics = outbox_topics(&db);
        assert_eq!(
            topics.iter().filter(|t| t.0 == "email").count(),
            3,
            "{topics:?}"
        );
        assert!(topics.contains(&("email".into(), "referral_received".into())));
        for kind in [
            "signal_logged",
            "case_opened",
            "referral_sent",
            "referral_accepted",
            "referral_completed",
        ] {
            assert!(
                topics.contains(&("monitor".into(), kind.into())),
                "{kind}: {topics:?}"
            );
        }
    }
}

fn outbox_topics(db: &TestDb) -> Vec<(String, String)> {
    use diesel::prelude::*;
    use schakel_store::schema::outbox;
    let mut conn = db.pool.get().unwrap();
    outbox::table
        .select((outbox::channel, outbox::topic))
        .order(outbox::created_at.asc())
        .load(&mut *conn)
        .unwrap()
}

/// A case of `worker`'s agency referred to `to`; returns (case id, referral id).
async fn referred<S, R, B>(
    client: &Client<'_, S, R>,
    token: &str,
    to: schakel_domain::AgencyId,
) -> (String, String)
where
    S: actix_web::dev::Service<
            R,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let case = client
        .send(
            bearer(request("POST", "/api/v1/cases"), token).set_json(json!({
                "person": { "identity": { "given_names": "Iva" }, "gender": "female" },
                "region": "amsterdam",
                "exploitation_forms": ["sexual"]
            })),
        )
        .await;
    assert_eq!(case.status, StatusCode::CREATED, "{case:?}");
    let case_id = case.json()["id"].as_str().unwrap().to_owned();
    let sent = client
        .send(
            bearer(
                request("POST", &format!("/api/v1/cases/{case_id}/referrals")),
                token,
            )
            .set_json(json!({ "to_agency_id": to, "purpose": "shelter", "urgency": "normal" })),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{sent:?}");
    (case_id, sent.json()["id"].as_str().unwrap().to_owned())
}

#[actix_web::test]
async fn twenty_parallel_accepts_with_one_etag_give_one_success_and_nineteen_412s() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let from = AgencyBuilder::new(&db)
            .name("Politie Amsterdam")
            .kind(AgencyKind::Police)
            .create();
        let to = AgencyBuilder::new(&db)
            .name("Opvang Amsterdam")
            .kind(AgencyKind::ShelterOther)
            .create();
        UserBuilder::new(&db, &from)
            .email("rechercheur@politie.example")
            .role(Role::Caseworker)
            .create();
        UserBuilder::new(&db, &to)
            .email("coord@opvang.example")
            .role(Role::Coordinator)
            .create();
        let t_from = client.token("rechercheur@politie.example").await;
        let t_to = client.token("coord@opvang.example").await;
        let (_, rid) = referred(&client, &t_from, to.id).await;
        let outbox_before = outbox_count(&db);

        let accepts = (0..20).map(|_| {
            client.send(
                bearer(
                    request("POST", &format!("/api/v1/referrals/{rid}/accept")),
                    &t_to,
                )
                .insert_header(("If-Match", "\"1\"")),
            )
        });
        let replies = futures_join_all(accepts).await;
        let ok = replies
            .iter()
            .filter(|r| r.status == StatusCode::OK)
            .count();
        let stale = replies
            .iter()
            .filter(|r| r.status == StatusCode::PRECONDITION_FAILED)
            .count();
        assert_eq!(
            (ok, stale),
            (1, 19),
            "{backend:?}: {:?}",
            replies.iter().map(|r| r.status).collect::<Vec<_>>()
        );
        // One acceptance: one email to the sender and one monitor event.
        assert_eq!(outbox_count(&db) - outbox_before, 2);
        let now = client
            .send(bearer(
                request("GET", &format!("/api/v1/referrals/{rid}")),
                &t_to,
            ))
            .await;
        assert_eq!(now.header("etag"), "\"2\"");
    }
}

/// Awaits all futures concurrently (the service runs their database work in parallel
/// on the blocking pool).
async fn futures_join_all<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let handles: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut out = Vec::with_capacity(handles.len());
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all = true;
        for (i, slot) in pending.iter_mut().enumerate() {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        results[i] = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all = false,
                }
            }
        }
        if all {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    for r in results {
        out.push(r.unwrap());
    }
    out
}

#[actix_web::test]
async fn a_replayed_idempotency_key_creates_one_referral_and_another_body_is_refused() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let from = AgencyBuilder::new(&db)
            .name("Gemeente Zwolle")
            .kind(AgencyKind::Municipality)
            .create();
        let to = AgencyBuilder::new(&db)
            .name("Zorgcoördinatie Oost")
            .kind(AgencyKind::CareCoordination)
            .create();
        UserBuilder::new(&db, &from)
            .email("zorg@zwolle.example")
            .role(Role::Coordinator)
            .create();
        let token = client.token("zorg@zwolle.example").await;
        let case = client
            .send(
                bearer(request("POST", "/api/v1/cases"), &token).set_json(json!({
                    "person": { "identity": { "family_name": "Nowak" }, "gender": "male" },
                    "region": "oost_nederland",
                    "exploitation_forms": ["labour", "criminal"]
                })),
            )
            .await;
        let case_id = case.json()["id"].as_str().unwrap().to_owned();
        let body =
            json!({ "to_agency_id": to.id, "purpose": "care_coordination", "urgency": "normal" });
        let send = |b: &Value| {
            bearer(
                request("POST", &format!("/api/v1/cases/{case_id}/referrals")),
                &token,
            )
            .insert_header(("Idempotency-Key", "verwijzing-0001"))
            .set_json(b)
        };
        let before = (referral_count(&db), outbox_count(&db));
        let first = client.send(send(&body)).await;
        assert_eq!(first.status, StatusCode::CREATED, "{backend:?}: {first:?}");
        let after_first = (referral_count(&db), outbox_count(&db));
        assert_eq!(after_first.0 - before.0, 1);
        for _ in 0..3 {
            let again = client.send(send(&body)).await;
            assert_eq!(again.status, StatusCode::CREATED);
            assert_eq!(again.header("idempotent-replayed"), "true");
            assert_eq!(again.json(), first.json());
        }
        assert_eq!((referral_count(&db), outbox_count(&db)), after_first);
        let other =
            json!({ "to_agency_id": to.id, "purpose": "care_coordination", "urgency": "urgent" });
        let reused = client.send(send(&other)).await;
        assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(reused.problem(), "idempotency_key_reused");
        assert_eq!((referral_count(&db), outbox_count(&db)), after_first);

        // Keys are the user's own: a colleague's identical key creates its own referral.
        UserBuilder::new(&db, &from)
            .email("collega@zwolle.example")
            .role(Role::Caseworker)
            .create();
        let colleague = client.token("collega@zwolle.example").await;
        let theirs = client
            .send(
                bearer(
                    request("POST", &format!("/api/v1/cases/{case_id}/referrals")),
                    &colleague,
                )
                .insert_header(("Idempotency-Key", "verwijzing-0001"))
                .set_json(&body),
            )
            .await;
        assert_eq!(theirs.status, StatusCode::CREATED);
        assert_eq!(theirs.header("idempotent-replayed"), "");
        assert_eq!(referral_count(&db), after_first.0 + 1);

        // A replay is no way around a changed role: an analyst gets no stored response.
        let coordinator = {
            let mut conn = db.pool.get().unwrap();
            let u = schakel_store::users::find_by_email(&mut conn, "zorg@zwolle.example")
                .unwrap()
                .unwrap();
            schakel_store::users::set_role(&mut conn, u.id, Role::Analyst, chrono::Utc::now())
                .unwrap();
            u
        };
        let refused = client.send(send(&body)).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{}",
            coordinator.email
        );
    }
}

#[actix_web::test]
async fn withdrawn_consent_ended_referrals_and_deactivated_users_lose_access_at_once() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let from = AgencyBuilder::new(&db)
            .name("CoMensha")
            .kind(AgencyKind::CoordinationCentre)
            .create();
        let to = AgencyBuilder::new(&db)
            .name("Opvang Zuid")
            .kind(AgencyKind::ShelterCategorical)
            .create();
        UserBuilder::new(&db, &from)
            .email("coord@comensha.example")
            .role(Role::Coordinator)
            .create();
        let receiver = UserBuilder::new(&db, &to)
            .email("coord@zuid.example")
            .role(Role::Coordinator)
            .create();
        let t_from = client.token("coord@comensha.example").await;
        let t_to = client.token("coord@zuid.example").await;
        let (case_id, rid) = referred(&client, &t_from, to.id).await;
        let consent = client
            .send(
                bearer(
                    request("POST", &format!("/api/v1/cases/{case_id}/consents")),
                    &t_from,
                )
                .insert_header(("If-Match", "\"1\""))
                .set_json(json!({
                    "kind": "consent", "recipient_kinds": ["shelter"], "purposes": ["shelter"],
                    "given_by": "person", "given_on": "2026-01-02"
                })),
            )
            .await;
        assert_eq!(consent.status, StatusCode::CREATED, "{consent:?}");
        let consent_id = consent.json()["consents"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let accepted = client
            .send(
                bearer(
                    request("POST", &format!("/api/v1/referrals/{rid}/accept")),
                    &t_to,
                )
                .insert_header(("If-Match", "\"1\"")),
            )
            .await;
        assert_eq!(accepted.status, StatusCode::OK);
        let case_uri = format!("/api/v1/cases/{case_id}");
        let seen = client
            .send(bearer(request("GET", &case_uri), &t_to))
            .await
            .json();
        assert_eq!(seen["person"]["identity"]["given_names"], "Iva");

        // Consent withdrawn: the very next read shows no identity.
        let withdrawn = client
            .send(
                bearer(
                    request(
                        "POST",
                        &format!("/api/v1/cases/{case_id}/consents/{consent_id}/withdraw"),
                    ),
                    &t_from,
                )
                .insert_header(("If-Match", "\"2\"")),
            )
            .await;
        assert_eq!(withdrawn.status, StatusCode::OK, "{withdrawn:?}");
        let seen = client
            .send(bearer(request("GET", &case_uri), &t_to))
            .await
            .json();
        assert!(seen["person"]["identity"].is_null(), "{seen}");
        assert_eq!(seen["person"]["identity_withheld"], true);

        // The sender withdraws the referral: the next read is a 404.
        let ended = client
            .send(
                bearer(
                    request("POST", &format!("/api/v1/referrals/{rid}/withdraw")),
                    &t_from,
                )
                .insert_header(("If-Match", "\"2\"")),
            )
            .await;
        assert_eq!(ended.status, StatusCode::OK, "{ended:?}");
        let gone = client.send(bearer(request("GET", &case_uri), &t_to)).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND);
        let listed = client
            .send(bearer(request("GET", "/api/v1/cases"), &t_to))
            .await
            .json();
        assert_eq!(listed["items"], json!([]));

        // A deactivated user's token stops working on the next request.
        {
            let mut conn = db.pool.get().unwrap();
            schakel_store::users::set_active(&mut conn, receiver.id, false, chrono::Utc::now())
                .unwrap();
        }
        let refused = client
            .send(bearer(
                request("GET", "/api/v1/referrals?box=incoming"),
                &t_to,
            ))
            .await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    }
}

#[actix_web::test]
async fn the_agency_finds_its_own_cases_by_exact_family_name_or_date_of_birth_only() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let own = AgencyBuilder::new(&db)
            .name("Gemeente Tilburg")
            .kind(AgencyKind::Municipality)
            .create();
        let other = AgencyBuilder::new(&db)
            .name("Gemeente Breda")
            .kind(AgencyKind::Municipality)
            .create();
        UserBuilder::new(&db, &own)
            .email("zorg@tilburg.example")
            .role(Role::Caseworker)
            .create();
        UserBuilder::new(&db, &other)
            .email("zorg@breda.example")
            .role(Role::Caseworker)
            .create();
        let t_own = client.token("zorg@tilburg.example").await;
        let t_other = client.token("zorg@breda.example").await;
        let open = |token: &str, family: &str, dob: &str| {
            bearer(request("POST", "/api/v1/cases"), token).set_json(json!({
                "person": { "identity": { "given_names": "Eva", "family_name": family, "date_of_birth": dob },
                            "gender": "female" },
                "region": "zeeland_west_brabant",
                "exploitation_forms": ["labour"]
            }))
        };
        let mine = client
            .send(open(&t_own, "Van der Berg", "2001-03-04"))
            .await
            .json();
        client.send(open(&t_own, "Berg", "2001-03-04")).await;
        client.send(open(&t_own, "Jansen", "1980-01-01")).await;
        client
            .send(open(&t_other, "van der Berg", "2001-03-04"))
            .await;

        let search = |q: &str| bearer(request("GET", &format!("/api/v1/cases?{q}")), &t_own);
        let ids = |v: Value| -> Vec<String> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_owned())
                .collect()
        };
        let found = client.send(search("family_name=VAN-DER%20BERG")).await;
        assert_eq!(found.status, StatusCode::OK, "{backend:?}: {found:?}");
        assert_eq!(ids(found.json()), [mine["id"].as_str().unwrap()]);
        let by_day = ids(client.send(search("date_of_birth=2001-03-04")).await.json());
        assert_eq!(
            by_day.len(),
            2,
            "both own cases born that day, not the other agency's"
        );
        let both = ids(client
            .send(search("family_name=Berg&date_of_birth=2001-03-04"))
            .await
            .json());
        assert_eq!(both.len(), 1);
        assert_eq!(
            ids(client.send(search("family_name=Nobody")).await.json()),
            Vec::<String>::new()
        );
        let empty = client.send(search("family_name=")).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        let blank = client.send(search("family_name=%20-%20")).await;
        assert_eq!(
            ids(blank.json()),
            Vec::<String>::new(),
            "punctuation matches nobody"
        );
        assert_eq!(crate::support::successes(&db, "case.search"), 5);
        assert_eq!(crate::support::successes(&db, "case.list"), 0);
    }
}

#[actix_web::test]
async fn lists_page_by_cursor_without_gaps_or_repeats() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let own = AgencyBuilder::new(&db)
            .name("Gemeente Leiden")
            .kind(AgencyKind::Municipality)
            .create();
        UserBuilder::new(&db, &own)
            .email("zorg@leiden.example")
            .role(Role::Coordinator)
            .create();
        let token = client.token("zorg@leiden.example").await;
        let mut created = Vec::new();
        for _ in 0..5 {
            let case = client
                .send(
                    bearer(request("POST", "/api/v1/cases"), &token).set_json(json!({
                        "person": { "identity": {}, "gender": "unknown" },
                        "region": "den_haag",
                        "exploitation_forms": ["unknown"]
                    })),
                )
                .await;
            created.push(case.json()["id"].as_str().unwrap().to_owned());
        }
        let mut seen = Vec::new();
        let mut uri = "/api/v1/cases?limit=2".to_owned();
        let mut pages = 0;
        loop {
            let page = client.send(bearer(request("GET", &uri), &token)).await;
            assert_eq!(page.status, StatusCode::OK, "{backend:?}: {page:?}");
            let page = page.json();
            pages += 1;
            for item in page["items"].as_array().unwrap() {
                seen.push(item["id"].as_str().unwrap().to_owned());
            }
            match page["next_cursor"].as_str() {
                Some(next) => uri = format!("/api/v1/cases?limit=2&cursor={next}"),
                None => break,
            }
        }
        assert_eq!(pages, 3);
        seen.sort();
        created.sort();
        assert_eq!(seen, created, "every case once");
        let bad = client
            .send(bearer(
                request("GET", "/api/v1/cases?cursor=garbage"),
                &token,
            ))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}
