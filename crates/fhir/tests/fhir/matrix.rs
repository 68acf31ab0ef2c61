//! The facade's authorization matrix, on every selected backend: every route × role
//! (no token, caseworker, coordinator, analyst, auditor, admin of one agency) ×
//! relationship of that agency to the referral (it sent it; it received it, before and
//! after accepting with a consent that covers it; neither), reads and changes (a
//! transaction, a Task accepted by `PATCH` and by `PUT`). Whatever the role may not see
//! is not found; a search or change the role may not make is forbidden.

use crate::support::{AgencyBuilder, UserBuilder};
use crate::support::{Client, bearer, config_without_mfa, request};
use crate::world::{referred, send};
use actix_web::test::{self, TestRequest};
use schakel_domain::{AgencyKind, Role};
use schakel_store::testing::{TestDb, selected_backends};
use std::sync::Arc;

/// How the agency of the columns relates to the referral of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rel {
    /// No referral in the path.
    None,
    /// The agency sent it (its own case).
    Sent,
    /// Sent to the agency, not yet accepted.
    Received,
    /// Sent to the agency and accepted; a consent covers it.
    Accepted,
    /// Between two other agencies.
    Foreign,
}

//                                 none  cw   coord analyst auditor admin
const EVERYONE: [u16; 6] = [200, 200, 200, 200, 200, 200];
const CASEWORK: [u16; 6] = [401, 200, 200, 404, 404, 404];
const HIDDEN: [u16; 6] = [401, 404, 404, 404, 404, 404];
const CASEWORK_LIST: [u16; 6] = [401, 200, 200, 403, 403, 403];
/// The receiving agency's coordinators decide; its caseworkers see but may not.
const DECIDERS: [u16; 6] = [401, 403, 200, 404, 404, 404];
/// The transition table refuses the sender's accepting.
const REFUSED: [u16; 6] = [401, 409, 409, 404, 404, 404];

const ROLES: [Role; 5] = [
    Role::Caseworker,
    Role::Coordinator,
    Role::Analyst,
    Role::Auditor,
    Role::Admin,
];

/// Paths with `{referral}`, `{person}`, `{consent}`, `{agency}` for the row's objects.
const TABLE: &[(&str, Rel, [u16; 6])] = &[
    ("/fhir/R4/metadata", Rel::None, EVERYONE),
    ("/fhir/R4/ServiceRequest", Rel::None, CASEWORK_LIST),
    ("/fhir/R4/Task", Rel::None, CASEWORK_LIST),
    ("/fhir/R4/Organization", Rel::None, CASEWORK_LIST),
    ("/fhir/R4/Organization/{agency}", Rel::None, CASEWORK_LIST),
    ("/fhir/R4/ServiceRequest/{referral}", Rel::Sent, CASEWORK),
    (
        "/fhir/R4/ServiceRequest/{referral}",
        Rel::Received,
        CASEWORK,
    ),
    (
        "/fhir/R4/ServiceRequest/{referral}",
        Rel::Accepted,
        CASEWORK,
    ),
    ("/fhir/R4/ServiceRequest/{referral}", Rel::Foreign, HIDDEN),
    ("/fhir/R4/Task/{referral}", Rel::Sent, CASEWORK),
    ("/fhir/R4/Task/{referral}", Rel::Received, CASEWORK),
    ("/fhir/R4/Task/{referral}", Rel::Accepted, CASEWORK),
    ("/fhir/R4/Task/{referral}", Rel::Foreign, HIDDEN),
    ("/fhir/R4/Patient/{person}", Rel::Sent, CASEWORK),
    ("/fhir/R4/Patient/{person}", Rel::Received, HIDDEN),
    ("/fhir/R4/Patient/{person}", Rel::Accepted, CASEWORK),
    ("/fhir/R4/Patient/{person}", Rel::Foreign, HIDDEN),
    ("/fhir/R4/Consent/{consent}", Rel::Sent, CASEWORK),
    ("/fhir/R4/Consent/{consent}", Rel::Received, HIDDEN),
    ("/fhir/R4/Consent/{consent}", Rel::Accepted, CASEWORK),
    ("/fhir/R4/Consent/{consent}", Rel::Foreign, HIDDEN),
    (
        "/fhir/R4/Consent?patient=Patient/{person}",
        Rel::Sent,
        CASEWORK,
    ),
    (
        "/fhir/R4/Consent?patient=Patient/{person}",
        Rel::Received,
        HIDDEN,
    ),
    (
        "/fhir/R4/Consent?patient=Patient/{person}",
        Rel::Accepted,
        CASEWORK,
    ),
    (
        "/fhir/R4/Consent?patient=Patient/{person}",
        Rel::Foreign,
        HIDDEN,
    ),
];

/// The changes: a transaction (a new referral to the other agency) and accepting a
/// Task by `PATCH` and by `PUT`; each cell on a referral of its own.
const CHANGES: &[(&str, &str, Rel, [u16; 6])] = &[
    ("POST", "/fhir/R4", Rel::None, CASEWORK_LIST),
    ("PATCH", "/fhir/R4/Task/{referral}", Rel::Received, DECIDERS),
    ("PATCH", "/fhir/R4/Task/{referral}", Rel::Sent, REFUSED),
    ("PATCH", "/fhir/R4/Task/{referral}", Rel::Foreign, HIDDEN),
    ("PUT", "/fhir/R4/Task/{referral}", Rel::Received, DECIDERS),
    ("PUT", "/fhir/R4/Task/{referral}", Rel::Sent, REFUSED),
    ("PUT", "/fhir/R4/Task/{referral}", Rel::Foreign, HIDDEN),
];

#[actix_web::test]
async fn every_route_role_and_relationship_answers_as_the_table_says() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let state = crate::support::state_with(
            &db,
            Arc::new(schakel_domain::SystemClock),
            config_without_mfa(),
        );
        let srv = test::init_service(schakel_api::app_with(state, schakel_fhir::configure)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let agency = |name: &str, kind| AgencyBuilder::new(&db).name(name).kind(kind).create();
        // The columns' agency is a shelter: it receives for shelter care and refers too.
        let own = agency("Opvang Eigen", AgencyKind::ShelterCategorical);
        let other = agency("Gemeente Anders", AgencyKind::Municipality);
        let third = agency("Opvang Derde", AgencyKind::ShelterCategorical);
        let mut tokens = Vec::new();
        for role in ROLES {
            let email = format!("{role}@eigen.example");
            UserBuilder::new(&db, &own)
                .email(&email)
                .role(role)
                .create();
            tokens.push(client.token(&email).await);
        }
        UserBuilder::new(&db, &other)
            .email("cw@anders.example")
            .role(Role::Caseworker)
            .create();
        let other_worker = client.token("cw@anders.example").await;
        let own_worker = tokens[0].clone();
        let own_coord = tokens[1].clone();

        // One referral per relationship, each with a consent covering shelters.
        let sent = referred(&client, &own_worker, other.id, true).await;
        let received = referred(&client, &other_worker, own.id, true).await;
        let accepted = referred(&client, &other_worker, own.id, true).await;
        let accept = bearer(
            request(
                "POST",
                &format!("/api/v1/referrals/{}/accept", accepted.referral_id),
            ),
            &own_coord,
        )
        .insert_header(("If-Match", "\"1\""));
        assert_eq!(client.send(accept).await.status, 200);
        let foreign = referred(&client, &other_worker, third.id, true).await;

        let mut failures = Vec::new();
        let mut cells = 0;
        for (path, rel, expect) in TABLE {
            let r = match rel {
                Rel::None | Rel::Sent => &sent,
                Rel::Received => &received,
                Rel::Accepted => &accepted,
                Rel::Foreign => &foreign,
            };
            let uri = path
                .replace("{referral}", &r.referral_id)
                .replace("{person}", &r.person_id)
                .replace("{consent}", r.consent_id.as_deref().unwrap())
                .replace("{agency}", &other.id.to_string());
            for (col, want) in expect.iter().enumerate() {
                let reply = match col.checked_sub(1) {
                    None => client.send(request("GET", &uri)).await,
                    Some(i) => send(&client, &tokens[i], ("GET", &uri), None).await,
                };
                cells += 1;
                let fhir = reply.header("content-type") == "application/fhir+json";
                if reply.status.as_u16() != *want || !fhir {
                    failures.push(format!(
                        "GET {path} {rel:?} column {col}: expected {want}, got {} ({})",
                        reply.status,
                        reply.header("content-type")
                    ));
                }
            }
        }
        for (method, path, rel, expect) in CHANGES {
            for (col, want) in expect.iter().enumerate() {
                // Who sends the cell's referral, to whom.
                let (token, to) = match rel {
                    Rel::Sent => (&own_worker, &other),
                    Rel::Foreign => (&other_worker, &third),
                    _ => (&other_worker, &own),
                };
                let r = referred(&client, token, to.id, true).await;
                let uri = path.replace("{referral}", &r.referral_id);
                let body = match *method {
                    "POST" => crate::world::bundle(other.id),
                    "PATCH" => {
                        serde_json::json!([{ "op": "replace", "path": "/status", "value": "accepted" }])
                    }
                    _ => {
                        let task = send(
                            &client,
                            token,
                            ("GET", &format!("/fhir/R4/Task/{}", r.referral_id)),
                            None,
                        )
                        .await;
                        let mut task = task.json();
                        task["status"] = serde_json::json!("accepted");
                        task
                    }
                };
                let mut req = request(method, &uri)
                    .insert_header(("If-Match", "W/\"1\""))
                    .insert_header(("content-type", "application/fhir+json"))
                    .set_payload(body.to_string());
                if let Some(i) = col.checked_sub(1) {
                    req = bearer(req, &tokens[i]);
                }
                let reply = client.send(req).await;
                cells += 1;
                let fhir = reply.header("content-type") == "application/fhir+json";
                if reply.status.as_u16() != *want || !fhir {
                    failures.push(format!(
                        "{method} {path} {rel:?} column {col}: expected {want}, got {} ({})",
                        reply.status,
                        reply.header("content-type")
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{backend:?}: {} of {cells} cells:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}
