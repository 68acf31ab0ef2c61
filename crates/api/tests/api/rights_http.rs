//! The person's rights over HTTP, on every backend: the access request's export holds
//! every item the owning agency stores about the person — identity, case, consent,
//! referral with the receiving agency, the agency's notes and documents, the
//! correction, the signal, who accessed the data — and nothing of a second person at
//! the same agency, nor the receiving agency's note (canaries), as JSON and as a PDF
//! whose text is read back; restriction freezes the record and hides it from the
//! receiver until lifted; erasure on request is refused while restricted, while open
//! and where the agency keeps a retention duty, and otherwise erases the identity.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, Reply, UserBuilder, bearer, request};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_api::app;
use schakel_domain::{AgencyKind, Role};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};

/// A person's identity with a family name `family`.
fn person(given: &str, family: &str) -> Value {
    json!({
        "identity": { "given_names": given, "family_name": family,
                      "date_of_birth": "1993-07-19", "nationalities": ["RO"],
                      "contact": "Via Stichting Anker, telefoon 0612345678" },
        "gender": "male"
    })
}

/// The text of a PDF, its whitespace collapsed.
fn pdf_text(bytes: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(bytes).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `ETag` of the case at `uri`, read by the token's holder.
macro_rules! etag {
    ($client:expr, $token:expr, $uri:expr) => {{
        let r = $client.send(bearer(request("GET", $uri), $token)).await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        r.header("etag").to_owned()
    }};
}

#[actix_web::test]
async fn the_access_export_holds_everything_about_the_person_and_nothing_else() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let zorg = AgencyBuilder::new(&db)
            .name("Zorgcoördinatie Oost")
            .kind(AgencyKind::CareCoordination)
            .create();
        let opvang = AgencyBuilder::new(&db)
            .name("Opvang De Linde")
            .kind(AgencyKind::ShelterCategorical)
            .create();
        let cw = UserBuilder::new(&db, &zorg)
            .email("cw@zorg.example")
            .display_name("Merel Jansen")
            .create();
        let coord = UserBuilder::new(&db, &zorg)
            .email("coord@zorg.example")
            .role(Role::Coordinator)
            .display_name("Sanne Visser")
            .create();
        let shelter = UserBuilder::new(&db, &opvang)
            .email("coord@opvang.example")
            .role(Role::Coordinator)
            .create();
        let t_cw = client.token(&cw.email).await;
        let t_coord = client.token(&coord.email).await;
        let t_shelter = client.token(&shelter.email).await;
        let send = |t: &str, m: &str, u: &str, body: Option<Value>| {
            let r = bearer(request(m, u), t);
            match body {
                Some(b) => r.set_json(b),
                None => r,
            }
        };

        // The person: a signal, a case with notes, a consent, a note, a referral the
        // shelter accepts (and writes a note of its own on), a correction.
        let signal = client
            .send(send(
                &t_cw,
                "POST",
                "/api/v1/signals",
                Some(json!({
                    "observed_on": "2026-01-10", "region": "oost_nederland",
                    "exploitation_forms": ["labour"], "indicators": [],
                    "reporting_basis": "consent",
                    "summary": "Signaal-SAMENVATTING-7731 over werk in de kassen.",
                    "person": person("Ștefan", "Țurcanu"),
                })),
            ))
            .await;
        assert_eq!(
            signal.status,
            StatusCode::CREATED,
            "{backend:?}: {signal:?}"
        );
        let signal_id = signal.json()["id"].as_str().unwrap().to_owned();
        let case = client
            .send(send(
                &t_cw,
                "POST",
                "/api/v1/cases",
                Some(json!({
                    "signal_id": signal_id, "notes": "Casusnotitie-ZORG-4410."
                })),
            ))
            .await;
        assert_eq!(case.status, StatusCode::CREATED, "{case:?}");
        let case_json = case.json();
        let case_id = case_json["id"].as_str().unwrap().to_owned();
        let reference = case_json["reference"].as_str().unwrap().to_owned();
        let uri = format!("/api/v1/cases/{case_id}");
        let version = etag!(client, &t_cw, &uri);
        let consent = json!({
            "kind": "consent", "recipient_kinds": ["shelter"], "purposes": ["shelter"],
            "given_by": "person", "given_on": "2026-01-16"
        });
        let r = client
            .send(
                send(&t_cw, "POST", &format!("{uri}/consents"), Some(consent))
                    .insert_header(("If-Match", version)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
        let note = json!({ "kind": "phone_call", "occurred_on": "2026-01-17",
                           "visibility": "shared", "text": "Gesprek-EIGEN-NOTITIE-5521." });
        let r = client
            .send(send(&t_cw, "POST", &format!("{uri}/notes"), Some(note)))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
        let referral = client
            .send(send(
                &t_cw,
                "POST",
                &format!("{uri}/referrals"),
                Some(json!({
                    "to_agency_id": opvang.id, "purpose": "shelter", "urgency": "normal",
                    "message": "Verwijsbericht-OPVANG-8812."
                })),
            ))
            .await;
        assert_eq!(referral.status, StatusCode::CREATED, "{referral:?}");
        let referral_id = referral.json()["id"].as_str().unwrap().to_owned();
        let r = client
            .send(
                send(
                    &t_shelter,
                    "POST",
                    &format!("/api/v1/referrals/{referral_id}/accept"),
                    None,
                )
                .insert_header(("If-Match", "\"1\"")),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        let canary_note = json!({ "kind": "phone_call", "occurred_on": "2026-01-18",
                                  "visibility": "shared", "text": "KANARIE-OPVANG-NOTITIE." });
        let r = client
            .send(send(
                &t_shelter,
                "POST",
                &format!("{uri}/notes"),
                Some(canary_note),
            ))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
        let version = etag!(client, &t_cw, &uri);
        let r = client
            .send(
                send(&t_cw, "PATCH", &uri, Some(json!({ "region": "rotterdam" })))
                    .insert_header(("If-Match", version)),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");

        // A second person at the same agency, the canary.
        let other = client
            .send(send(
                &t_cw,
                "POST",
                "/api/v1/cases",
                Some(json!({
                    "person": person("Kanarie", "Vogelaar"), "region": "oost_nederland",
                    "exploitation_forms": ["sexual"], "notes": "KANARIE-TWEEDE-PERSOON."
                })),
            ))
            .await;
        assert_eq!(other.status, StatusCode::CREATED);

        // Only the owning agency's coordinator answers; others are refused or see nothing.
        let record_uri = format!("{uri}/person-record");
        let r = client.send(send(&t_cw, "GET", &record_uri, None)).await;
        assert_eq!(
            (r.status, r.problem()),
            (StatusCode::FORBIDDEN, "forbidden".into())
        );
        let r = client
            .send(send(&t_shelter, "GET", &record_uri, None))
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "the receiver sees the case, not this"
        );

        let r = client.send(send(&t_coord, "GET", &record_uri, None)).await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        assert!(
            r.header("content-disposition")
                .contains(&format!("person-record-{reference}.json"))
        );
        let text = String::from_utf8(r.body.clone()).unwrap();
        let rec = r.json();
        for expected in [
            "Ștefan",
            "Țurcanu",
            "1993-07-19",
            "Via Stichting Anker",
            "Signaal-SAMENVATTING-7731",
            "Casusnotitie-ZORG-4410.",
            "Gesprek-EIGEN-NOTITIE-5521.",
            "Verwijsbericht-OPVANG-8812.",
            "Opvang De Linde",
            "Zorgcoördinatie Oost",
            &reference,
        ] {
            assert!(
                text.contains(expected),
                "{backend:?}: {expected} missing from {text}"
            );
        }
        for canary in [
            "KANARIE",
            "Kanarie",
            "Vogelaar",
            "Merel Jansen",
            "Sanne Visser",
            "cw@zorg.example",
        ] {
            assert!(
                !text.contains(canary),
                "{backend:?}: {canary} leaked into {text}"
            );
        }
        let cases = rec["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 1);
        let c = &cases[0];
        assert_eq!(c["consents"].as_array().unwrap().len(), 1);
        assert_eq!(c["referrals"][0]["to_agency"]["name"], "Opvang De Linde");
        assert_eq!(c["referrals"][0]["state"], "accepted");
        assert_eq!(
            c["notes_written"].as_array().unwrap().len(),
            1,
            "the shelter's note is not the agency's"
        );
        assert_eq!(c["corrections"][0]["earlier"]["region"], "oost_nederland");
        assert_eq!(rec["signals"].as_array().unwrap().len(), 1);
        // The log names the shelter's read of the case, by agency and role.
        let accesses = rec["accesses"].as_array().unwrap();
        assert!(
            accesses.iter().any(|a| a["agency"] == "Opvang De Linde"
                && a["action"] == "referral.accept"
                && a["role"] == "coordinator"),
            "{accesses:?}"
        );
        assert!(
            accesses
                .iter()
                .any(|a| a["agency"] == "Zorgcoördinatie Oost"
                    && a["role"] == "caseworker"
                    && a["action"] == "note.create"),
            "{accesses:?}"
        );

        // The PDF, read back.
        let r: Reply = client
            .send(send(
                &t_coord,
                "GET",
                &format!("{record_uri}?format=pdf&lang=nl"),
                None,
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.header("content-type"), "application/pdf");
        let pdf = pdf_text(&r.body);
        for expected in [
            "Țurcanu",
            "Gesprek-EIGEN-NOTITIE-5521.",
            "Opvang De Linde",
            "Verwijsbericht-OPVANG-8812.",
            &reference,
        ] {
            assert!(
                pdf.contains(expected),
                "{backend:?}: {expected} missing from the PDF: {pdf}"
            );
        }
        assert!(
            !pdf.contains("KANARIE") && !pdf.contains("Vogelaar"),
            "{pdf}"
        );
        let r = client
            .send(send(
                &t_coord,
                "GET",
                &format!("{record_uri}?format=docx"),
                None,
            ))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");

        // Every export is audited as one, naming the person.
        let exports = crate::support::audit_of(&db, "person.access_export");
        let done: Vec<_> = exports
            .iter()
            .filter(|e| e.outcome.as_str() == "success")
            .collect();
        assert_eq!(done.len(), 2, "{backend:?}");
        assert!(done.iter().all(|e| e.subject_pseudonym.is_some()));
    }
}

#[actix_web::test]
async fn restriction_freezes_and_hides_and_erasure_waits_for_closing_and_no_duty() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let zorg = AgencyBuilder::new(&db)
            .kind(AgencyKind::CareCoordination)
            .create();
        let opvang = AgencyBuilder::new(&db)
            .name("Opvang Noord")
            .kind(AgencyKind::ShelterCategorical)
            .create();
        let politie = AgencyBuilder::new(&db)
            .name("Politie Noord")
            .kind(AgencyKind::Police)
            .create();
        let mk = |a, email: &'static str, role| {
            UserBuilder::new(&db, a).email(email).role(role).create()
        };
        let cw = mk(&zorg, "cw@z.example", Role::Caseworker);
        let coord = mk(&zorg, "co@z.example", Role::Coordinator);
        let shelter = mk(&opvang, "co@o.example", Role::Coordinator);
        let agent = mk(&politie, "co@p.example", Role::Coordinator);
        let (t_cw, t_coord) = (
            client.token(&cw.email).await,
            client.token(&coord.email).await,
        );
        let (t_shelter, t_agent) = (
            client.token(&shelter.email).await,
            client.token(&agent.email).await,
        );
        let send = |t: &str, m: &str, u: &str, body: Option<Value>| {
            let r = bearer(request(m, u), t);
            match body {
                Some(b) => r.set_json(b),
                None => r,
            }
        };
        let open = json!({ "person": person("Ana", "Ionescu"), "region": "noord_nederland",
                           "exploitation_forms": ["labour"] });
        let r = client
            .send(send(&t_cw, "POST", "/api/v1/cases", Some(open.clone())))
            .await;
        let case_id = r.json()["id"].as_str().unwrap().to_owned();
        let uri = format!("/api/v1/cases/{case_id}");
        let r = client
            .send(send(
                &t_cw,
                "POST",
                &format!("{uri}/referrals"),
                Some(json!({
            "to_agency_id": opvang.id, "purpose": "shelter", "urgency": "normal" })),
            ))
            .await;
        let referral_id = r.json()["id"].as_str().unwrap().to_owned();
        let r = client
            .send(
                send(
                    &t_shelter,
                    "POST",
                    &format!("/api/v1/referrals/{referral_id}/accept"),
                    None,
                )
                .insert_header(("If-Match", "\"1\"")),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(
            client
                .send(send(&t_shelter, "GET", &uri, None))
                .await
                .status,
            StatusCode::OK
        );

        // Restricted: a ground is needed, the version too.
        let restriction = format!("{uri}/restriction");
        let ground = json!({ "ground": "accuracy_contested" });
        let r = client
            .send(send(&t_coord, "PUT", &restriction, Some(ground.clone())))
            .await;
        assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED);
        let version = etag!(client, &t_coord, &uri);
        let r = client
            .send(
                send(
                    &t_coord,
                    "PUT",
                    &restriction,
                    Some(json!({ "ground": "bored" })),
                )
                .insert_header(("If-Match", version.clone())),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{r:?}");
        let r = client
            .send(
                send(&t_cw, "PUT", &restriction, Some(ground.clone()))
                    .insert_header(("If-Match", version.clone())),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "caseworkers do not answer rights"
        );
        let r = client
            .send(
                send(&t_coord, "PUT", &restriction, Some(ground.clone()))
                    .insert_header(("If-Match", version)),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{backend:?}: {r:?}");
        assert_eq!(r.json()["restriction"]["ground"], "accuracy_contested");
        let version = r.header("etag").to_owned();

        // Hidden from the receiver; frozen for the owner; the referral can still end.
        assert_eq!(
            client
                .send(send(&t_shelter, "GET", &uri, None))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let note = json!({ "kind": "phone_call", "occurred_on": "2026-01-17",
                           "visibility": "shared", "text": "Nog een notitie." });
        let r = client
            .send(send(
                &t_cw,
                "POST",
                &format!("{uri}/notes"),
                Some(note.clone()),
            ))
            .await;
        assert_eq!(
            (r.status, r.problem()),
            (StatusCode::CONFLICT, "case_restricted".into())
        );
        let r = client
            .send(
                send(&t_cw, "PATCH", &uri, Some(json!({ "region": "rotterdam" })))
                    .insert_header(("If-Match", version.clone())),
            )
            .await;
        assert_eq!(
            (r.status, r.problem()),
            (StatusCode::CONFLICT, "case_restricted".into())
        );
        let r = client
            .send(
                send(&t_coord, "PUT", &restriction, Some(ground.clone()))
                    .insert_header(("If-Match", version.clone())),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "already restricted");
        let r = client
            .send(send(
                &t_shelter,
                "GET",
                &format!("/api/v1/referrals/{referral_id}"),
                None,
            ))
            .await;
        assert_eq!(
            r.json()["case_id"],
            Value::Null,
            "the receiver is not pointed at the case"
        );
        let rv = r.header("etag").to_owned();
        let r = client
            .send(
                send(
                    &t_shelter,
                    "POST",
                    &format!("/api/v1/referrals/{referral_id}/complete"),
                    Some(json!({ "outcome": "support_provided" })),
                )
                .insert_header(("If-Match", rv)),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");

        // Erasure waits: restricted, then open.
        let erasure = format!("{uri}/erasure");
        let why = json!({ "ground": "consent_withdrawn" });
        let r = client
            .send(
                send(&t_coord, "POST", &erasure, Some(why.clone()))
                    .insert_header(("If-Match", version.clone())),
            )
            .await;
        assert_eq!(
            (r.status, r.problem()),
            (StatusCode::CONFLICT, "case_restricted".into())
        );
        let r = client
            .send(send(&t_coord, "DELETE", &restriction, None).insert_header(("If-Match", version)))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        assert_eq!(r.json()["restriction"], Value::Null);
        let version = r.header("etag").to_owned();
        let r = client
            .send(
                send(&t_coord, "POST", &erasure, Some(why.clone()))
                    .insert_header(("If-Match", version.clone())),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "the case is open: {r:?}");
        let r = client
            .send(
                send(
                    &t_coord,
                    "POST",
                    &format!("{uri}/close"),
                    Some(json!({ "reason": "no_indication" })),
                )
                .insert_header(("If-Match", version)),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        let version = r.header("etag").to_owned();
        let r = client
            .send(
                send(&t_coord, "POST", &erasure, Some(why.clone()))
                    .insert_header(("If-Match", version)),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{backend:?}: {r:?}");
        let erased = r.json();
        assert_eq!(erased["person"]["erased"], true);
        assert_eq!(erased["person"]["identity"], Value::Null);
        let trail = crate::support::audit_of(&db, "case.erase_on_request");
        assert_eq!(trail.len(), 1);
        assert_eq!(trail[0].details["ground"], "consent_withdrawn");
        let version = erased["version"].as_i64().unwrap();
        let r = client
            .send(
                send(&t_coord, "POST", &erasure, Some(why.clone()))
                    .insert_header(("If-Match", format!("\"{version}\""))),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "erased once");

        // The police keep their records whatever the person asks.
        let t_pcw = client
            .token(&mk(&politie, "cw@p.example", Role::Caseworker).email)
            .await;
        let r = client
            .send(send(&t_pcw, "POST", "/api/v1/cases", Some(open)))
            .await;
        let police_case = format!("/api/v1/cases/{}", r.json()["id"].as_str().unwrap());
        let version = etag!(client, &t_agent, &police_case);
        let r = client
            .send(
                send(
                    &t_agent,
                    "POST",
                    &format!("{police_case}/close"),
                    Some(json!({ "reason": "no_indication" })),
                )
                .insert_header(("If-Match", version)),
            )
            .await;
        let version = r.header("etag").to_owned();
        let r = client
            .send(
                send(
                    &t_agent,
                    "POST",
                    &format!("{police_case}/erasure"),
                    Some(why),
                )
                .insert_header(("If-Match", version)),
            )
            .await;
        assert_eq!(
            (r.status, r.problem()),
            (StatusCode::CONFLICT, "retention_duty".into())
        );
    }
}
