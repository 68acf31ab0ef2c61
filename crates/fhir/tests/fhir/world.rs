//! A small world for the facade's tests: a municipality that refers (a caseworker and a
//! coordinator), a shelter that receives (its coordinator), an agency that has nothing
//! to do with it (an outsider's coordinator), the Rapporteur's analyst and an admin;
//! and a case with a person referred through the API, as a caseworker would.

use crate::support::{AgencyBuilder, Client, Reply, UserBuilder, bearer, request};
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use schakel_domain::{AgencyKind, Role};
use schakel_store::agencies::Agency;
use schakel_store::testing::TestDb;
use serde_json::{Value, json};

/// The agencies of the world.
pub struct Agencies {
    pub gemeente: Agency,
    pub opvang: Agency,
}

/// Creates the agencies and their people (emails `worker@gemeente.example`,
/// `coord@gemeente.example`, `coord@opvang.example`, `coord@elders.example`,
/// `analist@nrm.example`, `admin@gemeente.example`).
pub fn agencies(db: &TestDb) -> Agencies {
    let agency = |name: &str, kind| AgencyBuilder::new(db).name(name).kind(kind).create();
    let gemeente = agency("Gemeente Utrecht", AgencyKind::Municipality);
    let opvang = agency("Opvang Midden", AgencyKind::ShelterCategorical);
    let elders = agency("Zorg Elders", AgencyKind::CareCoordination);
    let nrm = agency("Nationaal Rapporteur", AgencyKind::Rapporteur);
    let user = |a: &Agency, email: &str, role| {
        UserBuilder::new(db, a).email(email).role(role).create();
    };
    user(&gemeente, "worker@gemeente.example", Role::Caseworker);
    user(&gemeente, "coord@gemeente.example", Role::Coordinator);
    user(&gemeente, "admin@gemeente.example", Role::Admin);
    user(&opvang, "coord@opvang.example", Role::Coordinator);
    user(&elders, "coord@elders.example", Role::Coordinator);
    user(&nrm, "analist@nrm.example", Role::Analyst);
    Agencies { gemeente, opvang }
}

/// A referred case: its ids.
pub struct Referred {
    pub person_id: String,
    pub referral_id: String,
    pub consent_id: Option<String>,
}

/// Sends `req` as `token`, with a JSON body if given.
pub async fn send<S, R, B>(
    client: &Client<'_, S, R>,
    token: &str,
    (method, uri): (&str, &str),
    body: Option<Value>,
) -> Reply
where
    S: Service<R, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let req: TestRequest = bearer(request(method, uri), token);
    let req = match body {
        Some(b) => req.set_json(b),
        None => req,
    };
    client.send(req).await
}

/// A case with a named person opened by `token`'s agency, consent for shelter care when
/// `consent`, and referred to `to` for shelter.
pub async fn referred<S, R, B>(
    client: &Client<'_, S, R>,
    token: &str,
    to: schakel_domain::AgencyId,
    consent: bool,
) -> Referred
where
    S: Service<R, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let case = send(
        client,
        token,
        ("POST", "/api/v1/cases"),
        Some(json!({
            "person": {
                "identity": {
                    "given_names": "Marta Anna",
                    "family_name": "Kowalczyk-Zwartbles",
                    "date_of_birth": "1999-05-04",
                    "nationalities": ["PL"],
                    "languages": ["pl"],
                    "contact": "via de opvang, 030-1234567"
                },
                "gender": "female"
            },
            "region": "midden_nederland",
            "exploitation_forms": ["labour"]
        })),
    )
    .await;
    assert_eq!(case.status, 201, "{case:?}");
    let case = case.json();
    let case_id = case["id"].as_str().unwrap().to_owned();
    let person_id = case["person"]["id"].as_str().unwrap().to_owned();
    let mut consent_id = None;
    if consent {
        let req = bearer(
            request("POST", &format!("/api/v1/cases/{case_id}/consents")),
            token,
        )
        .insert_header(("If-Match", "\"1\""))
        .set_json(json!({
            "kind": "consent",
            "recipient_kinds": ["shelter"],
            "purposes": ["shelter"],
            "given_by": "person",
            "given_on": "2026-01-16"
        }));
        let recorded = client.send(req).await;
        assert_eq!(recorded.status, 201, "{recorded:?}");
        consent_id = Some(
            recorded.json()["consents"][0]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let sent = send(
        client,
        token,
        ("POST", &format!("/api/v1/cases/{case_id}/referrals")),
        Some(json!({
            "to_agency_id": to,
            "purpose": "shelter",
            "urgency": "urgent",
            "message": "Graag vandaag opvang; spreekt Pools."
        })),
    )
    .await;
    assert_eq!(sent.status, 201, "{sent:?}");
    Referred {
        person_id,
        referral_id: sent.json()["id"].as_str().unwrap().to_owned(),
        consent_id,
    }
}

/// A transaction bundle referring a person to `to` for shelter, as another system
/// writes it: a Patient, a Consent covering shelters, the ServiceRequest and its Task.
pub fn bundle(to: schakel_domain::AgencyId) -> Value {
    let cs = |name: &str| format!("https://schakel.invalid/fhir/CodeSystem/{name}");
    let ext = |name: &str| format!("https://schakel.invalid/fhir/StructureDefinition/{name}");
    json!({
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": "urn:uuid:5b1c2a8e-0d7f-4b8e-9a51-2f0c1d3e4a01",
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [{ "system": "http://fhir.nl/fhir/NamingSystem/bsn", "value": "999999990" }],
                    "name": [{ "use": "official", "family": "Novak", "given": ["Jana"] }],
                    "gender": "female",
                    "birthDate": "2001-03-09",
                    "telecom": [{ "system": "phone", "value": "06-12345678" }],
                    "communication": [{ "language": { "coding": [{ "system": "urn:ietf:bcp:47", "code": "cs-CZ" }] } }],
                    "extension": [{
                        "url": "http://hl7.org/fhir/StructureDefinition/patient-nationality",
                        "extension": [{ "url": "code", "valueCodeableConcept": { "coding": [{ "system": "urn:iso:std:iso:3166", "code": "CZ" }] } }]
                    }]
                },
                "request": { "method": "POST", "url": "Patient" }
            },
            {
                "fullUrl": "urn:uuid:5b1c2a8e-0d7f-4b8e-9a51-2f0c1d3e4a02",
                "resource": {
                    "resourceType": "Consent",
                    "status": "active",
                    "scope": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy" }] },
                    "category": [{ "coding": [{ "system": "http://loinc.org", "code": "59284-0" }] }],
                    "patient": { "reference": "urn:uuid:5b1c2a8e-0d7f-4b8e-9a51-2f0c1d3e4a01" },
                    "extension": [{ "url": ext("given-by"), "valueCoding": { "system": cs("consent-giver"), "code": "person" } }],
                    "provision": {
                        "type": "permit",
                        "period": { "start": "2026-01-10" },
                        "actor": [{
                            "role": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "IRCP" }] },
                            "reference": { "identifier": { "system": cs("recipient-kind"), "value": "shelter" } }
                        }],
                        "purpose": [{ "system": cs("referral-purpose"), "code": "shelter" }]
                    }
                },
                "request": { "method": "POST", "url": "Consent" }
            },
            {
                "fullUrl": "urn:uuid:5b1c2a8e-0d7f-4b8e-9a51-2f0c1d3e4a03",
                "resource": {
                    "resourceType": "ServiceRequest",
                    "status": "active",
                    "intent": "order",
                    "priority": "urgent",
                    "extension": [{ "url": ext("region"), "valueCoding": { "system": cs("region"), "code": "midden_nederland" } }],
                    "code": { "coding": [{ "system": cs("referral-purpose"), "code": "shelter" }] },
                    "reasonCode": [{ "coding": [{ "system": cs("exploitation-form"), "code": "labour" }] }],
                    "subject": { "reference": "urn:uuid:5b1c2a8e-0d7f-4b8e-9a51-2f0c1d3e4a01" },
                    "performer": [{ "reference": format!("Organization/{to}") }],
                    "note": [{ "text": "Opvang gevraagd; spreekt Tsjechisch." }]
                },
                "request": { "method": "POST", "url": "ServiceRequest" }
            },
            {
                "fullUrl": "urn:uuid:5b1c2a8e-0d7f-4b8e-9a51-2f0c1d3e4a04",
                "resource": {
                    "resourceType": "Task",
                    "status": "requested",
                    "intent": "order",
                    "code": { "coding": [{ "system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill" }] },
                    "focus": { "reference": "urn:uuid:5b1c2a8e-0d7f-4b8e-9a51-2f0c1d3e4a03" },
                    "for": { "reference": "urn:uuid:5b1c2a8e-0d7f-4b8e-9a51-2f0c1d3e4a01" },
                    "owner": { "reference": format!("Organization/{to}") }
                },
                "request": { "method": "POST", "url": "Task" }
            }
        ]
    })
}
