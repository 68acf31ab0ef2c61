//! The canary run's standards side: the FHIR facade and the HTCDS export, through the
//! real binary. The caseworker reads the canary person as a `Patient` (the answer an
//! agency that may see them gets) while the analyst and an outsider get an
//! `OperationOutcome` that names nobody; another system's transaction bundle brings a
//! person of its own canary name, which the caller's log, database and email checks
//! then cover; the analyst's HTCDS export names nobody either.

use schakel_e2e::Server;
use schakel_e2e::api::{call, token};
use serde_json::{Value, json};

/// The bundle another system sends, about a person named `name`.
fn bundle(name: &str, to: &Value) -> Value {
    let cs = |n: &str| format!("https://schakel.invalid/fhir/CodeSystem/{n}");
    json!({
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            { "fullUrl": "urn:uuid:00000000-0000-4000-8000-0000000000a1",
              "resource": { "resourceType": "Patient", "name": [{ "family": name, "given": ["Kanarie"] }],
                            "gender": "male", "birthDate": "1990-01-02",
                            "telecom": [{ "system": "phone", "value": format!("{name}-telefoon") }] },
              "request": { "method": "POST", "url": "Patient" } },
            { "fullUrl": "urn:uuid:00000000-0000-4000-8000-0000000000a2",
              "resource": {
                  "resourceType": "ServiceRequest", "status": "active", "intent": "order",
                  "extension": [
                      { "url": "https://schakel.invalid/fhir/StructureDefinition/region", "valueCoding": { "system": cs("region"), "code": "midden_nederland" } },
                      { "url": "https://schakel.invalid/fhir/StructureDefinition/reporting-basis", "valueCoding": { "system": cs("reporting-basis"), "code": "public_task" } }
                  ],
                  "code": { "coding": [{ "system": cs("referral-purpose"), "code": "care_coordination" }] },
                  "subject": { "reference": "urn:uuid:00000000-0000-4000-8000-0000000000a1" },
                  "performer": [{ "reference": format!("Organization/{}", to.as_str().unwrap()) }],
                  "note": [{ "text": format!("Bericht over {name}") }]
              },
              "request": { "method": "POST", "url": "ServiceRequest" } }
        ]
    })
}

/// Runs the standards side; `canaries` must appear in no answer that withholds them.
pub fn standards_side(server: &Server, person_id: &str, inbound: &str, canaries: &[&str]) {
    let worker = token(server, "caseworker@demo.schakel.invalid");
    let analyst = token(server, "analyst@demo.schakel.invalid");
    let police = token(server, "police@demo.schakel.invalid");
    let patient = format!("/fhir/R4/Patient/{person_id}");
    let (status, seen, _) = call(server, &worker, "GET", &patient, None, None);
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["resourceType"], "Patient");
    for (who, token) in [("analyst", &analyst), ("police", &police)] {
        for path in [
            patient.clone(),
            "/fhir/R4/Task".to_owned(),
            "/fhir/R4/ServiceRequest".to_owned(),
        ] {
            let (status, body, _) = call(server, token, "GET", &path, None, None);
            let text = body.to_string();
            assert!(
                status == 200 || status == 403 || status == 404,
                "{who} {path}: {status}"
            );
            for canary in canaries {
                assert!(!text.contains(canary), "{canary} in {who}'s {path}");
            }
        }
    }
    let (_, directory, _) = call(
        server,
        &worker,
        "GET",
        "/api/v1/directory/agencies?kind=care_coordination",
        None,
        None,
    );
    let to = directory[0]["id"].clone();
    let (status, answer, _) = call(
        server,
        &worker,
        "POST",
        "/fhir/R4",
        Some(bundle(inbound, &to)),
        None,
    );
    assert_eq!(status, 200, "{answer}");
    assert!(
        !answer.to_string().contains(inbound),
        "the answer names locations, not the person"
    );
    let (status, export, _) = call(
        server,
        &analyst,
        "GET",
        "/api/v1/monitor/htcds?from=2025&to=2026&format=json",
        None,
        None,
    );
    assert_eq!(status, 200, "{export}");
    let text = export.to_string();
    for canary in canaries.iter().chain([&inbound]) {
        assert!(!text.contains(canary), "{canary} in the HTCDS export");
    }
    assert!(
        !text.contains(person_id),
        "no person's id in the HTCDS export"
    );
}
