//! Case work through the real binary, on every backend: the demo's caseworker logs a
//! signal with canary values (a distinctive name, date of birth and phrase), opens a
//! case, records consent and refers it; the demo coordinator accepts and reads it.
//! A client also puts the canary name into request paths; the canaries are typed into a
//! draft and carried by a document's title and content. The demo police open an
//! investigation with a canary reference, register a suspect with a canary name and date
//! of birth linked to their own case of the victim, hand the suspect to the demo
//! prosecution with a canary message, which accepts, summons and records a conviction;
//! the analyst reads the offender tables. The FHIR facade and the HTCDS export are read
//! and another system refers a canary person by a FHIR bundle
//! (`canary_standards`). Afterwards the canaries appear in no log line
//! (at debug and at trace level), in no email written, in no monitor answer, and on
//! SQLite not in the database or its write-ahead log as plain text.

use schakel_e2e::Server;
use schakel_e2e::api::{call, token};
use schakel_store::Backend;
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::json;

const NAME: &str = "Zwartbloesemvinkje";
const DOB: &str = "1987-04-13";
const PHRASE: &str = "kanariepiet-zinsnede-aardbei";
/// A suspect's canaries: the law-enforcement compartment keeps them under its own keys.
const SUSPECT: &str = "Kraaienpootjesdief";
const SUSPECT_DOB: &str = "1979-08-21";
const REFERENCE: &str = "ON-EKSTERNEST-77";
/// The canary of a person another system refers through the FHIR facade.
const INBOUND: &str = "Vuurvliegjesvanger";

#[test]
fn canary_personal_data_reaches_no_log_line_and_no_plain_database_byte() {
    for backend in selected_backends() {
        canary_run(backend, "debug");
    }
}

#[test]
fn canary_personal_data_reaches_no_log_line_at_trace_level() {
    for backend in selected_backends() {
        canary_run(backend, "trace");
    }
}

fn canary_run(backend: Backend, level: &str) {
    {
        let db = TestDb::unmigrated(backend);
        let server = Server::start_with(db.url(), &["--demo"], &[("SCHAKEL_LOG__LEVEL", level)]);
        let worker = token(&server, "caseworker@demo.schakel.invalid");
        let coord = token(&server, "coordinator@demo.schakel.invalid");
        let signal = json!({
            "observed_on": "2026-02-01",
            "region": "midden_nederland",
            "exploitation_forms": ["sexual", "criminal"],
            "reporting_basis": "consent",
            "summary": format!("Gezien met {PHRASE} bij de haven."),
            "person": {
                "identity": {
                    "given_names": "Kanarie",
                    "family_name": NAME,
                    "date_of_birth": DOB,
                    "contact": format!("Telefoon via {PHRASE}")
                },
                "gender": "female"
            }
        });
        let (status, signal, _) = call(
            &server,
            &worker,
            "POST",
            "/api/v1/signals",
            Some(signal),
            None,
        );
        assert_eq!(status, 201, "{backend:?}: {signal}");
        let (status, case, etag) = call(
            &server,
            &worker,
            "POST",
            "/api/v1/cases",
            Some(json!({ "signal_id": signal["id"], "notes": format!("Notitie {PHRASE}") })),
            None,
        );
        assert_eq!(status, 201, "{case}");
        let case_id = case["id"].as_str().unwrap().to_owned();
        let (status, _, _) = call(
            &server,
            &worker,
            "POST",
            &format!("/api/v1/cases/{case_id}/consents"),
            Some(json!({
                "kind": "legal_basis", "recipient_kinds": ["care"], "purposes": ["care_coordination"],
                "legal_basis": "vital_interest", "reason": format!("Reden {PHRASE}"),
                "given_on": "2026-02-02"
            })),
            Some(&etag),
        );
        assert_eq!(status, 201);
        let (_, directory, _) = call(
            &server,
            &worker,
            "GET",
            "/api/v1/directory/agencies?kind=care_coordination",
            None,
            None,
        );
        let to = directory[0]["id"].clone();
        let (status, referral, _) = call(
            &server,
            &worker,
            "POST",
            &format!("/api/v1/cases/{case_id}/referrals"),
            Some(
                json!({ "to_agency_id": to, "purpose": "care_coordination", "urgency": "urgent",
                         "message": format!("Bericht {PHRASE}") }),
            ),
            None,
        );
        assert_eq!(status, 201, "{referral}");
        let rid = referral["id"].as_str().unwrap();
        let (status, _, _) = call(
            &server,
            &coord,
            "POST",
            &format!("/api/v1/referrals/{rid}/accept"),
            None,
            Some("\"1\""),
        );
        assert_eq!(status, 200);
        let (status, seen, _) = call(
            &server,
            &coord,
            "GET",
            &format!("/api/v1/cases/{case_id}"),
            None,
            None,
        );
        assert_eq!(status, 200);
        assert_eq!(
            seen["person"]["identity"]["family_name"], NAME,
            "the legal basis covers care"
        );
        // A draft of a signal with the canary name typed, saved again; a document whose
        // title and content carry the canaries, listed and read back.
        let field = |name: &str, value: &str| json!({ "name": name, "value": value });
        let (status, draft, draft_etag) = call(
            &server,
            &worker,
            "POST",
            "/api/v1/drafts",
            Some(json!({ "form": "signal", "case_id": null,
                "fields": [field("family_name", NAME), field("date_of_birth", DOB)] })),
            None,
        );
        assert_eq!(status, 201, "{draft}");
        let (status, _, _) = call(
            &server,
            &worker,
            "PUT",
            &format!("/api/v1/drafts/{}", draft["id"].as_str().unwrap()),
            Some(json!({ "fields": [field("family_name", NAME), field("summary", PHRASE)] })),
            Some(&draft_etag),
        );
        assert_eq!(status, 200);
        let pdf = format!("%PDF-1.4\n% {NAME} {DOB}\n({PHRASE}) Tj\n%%EOF\n");
        let form = reqwest::blocking::multipart::Form::new()
            .text("title", format!("Paspoort {NAME}"))
            .text("shared", "true")
            .part(
                "file",
                reqwest::blocking::multipart::Part::bytes(pdf.into_bytes())
                    .file_name(format!("{NAME}.pdf")),
            );
        let res = schakel_e2e::client()
            .post(server.url(&format!("/api/v1/cases/{case_id}/documents")))
            .bearer_auth(&worker)
            .multipart(form)
            .send()
            .unwrap();
        assert_eq!(res.status(), 201);
        let (status, listed, _) = call(
            &server,
            &coord,
            "GET",
            &format!("/api/v1/cases/{case_id}/documents"),
            None,
            None,
        );
        assert_eq!(status, 200);
        assert_eq!(
            listed[0]["title"],
            format!("Paspoort {NAME}"),
            "the receiver reads it"
        );
        // A refused body that carries the canary is not echoed into the logs either.
        let (status, _, _) = call(
            &server,
            &worker,
            "POST",
            "/api/v1/signals",
            Some(
                json!({ "observed_on": "nonsense", "summary": PHRASE, "person": { "identity": { "family_name": NAME } } }),
            ),
            None,
        );
        assert_eq!(status, 422);
        // Whatever a client puts into a path (here a name where an id belongs) is
        // refused, and not logged by the path extractor either.
        for path in [
            format!("/api/v1/cases/{NAME}"),
            format!("/api/v1/cases/{NAME}/timeline"),
            format!("/api/v1/referrals/{NAME}"),
            format!("/api/v1/signals/{NAME}?q={PHRASE}"),
        ] {
            let (status, body, _) = call(&server, &worker, "GET", &path, None, None);
            assert!(status == 404 || status == 400, "{path}: {status} {body}");
        }

        offender_side(&server, backend);
        let person_id = case["person"]["id"].as_str().unwrap();
        crate::canary_standards::standards_side(
            &server,
            person_id,
            INBOUND,
            &[NAME, DOB, PHRASE, SUSPECT, SUSPECT_DOB, REFERENCE],
        );

        // The emails written (mail to files) carry none of it either.
        let mail = server.dir.path().join("data/mail");
        let mut emails = 0;
        for entry in std::fs::read_dir(&mail).into_iter().flatten().flatten() {
            let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
            emails += 1;
            for canary in [
                NAME,
                DOB,
                PHRASE,
                "Kanarie",
                "Paspoort",
                SUSPECT,
                SUSPECT_DOB,
                REFERENCE,
                INBOUND,
            ] {
                assert!(!text.contains(canary), "{canary} in an email");
            }
        }
        assert!(
            emails > 0,
            "{backend:?}: the referral was emailed ({})",
            mail.display()
        );
        server.terminate();
        let logs = format!("{}\n{}", server.stdout(), server.stderr());
        assert!(server.wait().success());
        assert!(
            logs.contains("request"),
            "the {level} log was written: {logs}"
        );
        for canary in [NAME, DOB, PHRASE, SUSPECT, SUSPECT_DOB, REFERENCE, INBOUND] {
            let line = logs.lines().find(|l| l.contains(canary));
            assert!(
                line.is_none(),
                "{backend:?} at {level}: {canary} in the logs: {line:?}"
            );
        }
        if backend == Backend::Sqlite {
            let mut bytes = Vec::new();
            for suffix in ["", "-wal", "-shm"] {
                if let Ok(b) = std::fs::read(format!("{}{suffix}", db.url())) {
                    bytes.extend(b);
                }
            }
            assert!(bytes.len() > 10_000, "the database was read");
            let text = String::from_utf8_lossy(&bytes);
            for canary in [
                NAME,
                DOB,
                PHRASE,
                "Kanarie",
                SUSPECT,
                SUSPECT_DOB,
                REFERENCE,
                INBOUND,
            ] {
                assert!(!text.contains(canary), "{canary} in the SQLite file");
            }
            // The ciphertexts are there: the data was stored, just not readable.
            assert!(text.contains("v1.k1."));
        }
    }
}

/// The offenders' side with canaries: an investigation, a suspect linked to the police's
/// own case of a victim, handed to the prosecution, summoned and convicted; the analyst
/// reads the offender tables, which name nobody.
fn offender_side(server: &Server, backend: Backend) {
    let police = token(server, "police@demo.schakel.invalid");
    let om = token(server, "prosecution@demo.schakel.invalid");
    let analyst = token(server, "analyst@demo.schakel.invalid");
    let (status, case, _) = call(
        server,
        &police,
        "POST",
        "/api/v1/cases",
        Some(json!({
            "person": { "identity": { "given_names": "Kanarie", "family_name": NAME,
                "date_of_birth": DOB }, "gender": "female" },
            "region": "midden_nederland", "exploitation_forms": ["sexual"]
        })),
        None,
    );
    assert_eq!(status, 201, "{backend:?}: {case}");
    let (status, inv, _) = call(
        server,
        &police,
        "POST",
        "/api/v1/investigations",
        Some(json!({
            "reference": REFERENCE, "region": "midden_nederland",
            "exploitation_forms": ["sexual"], "started_on": "2026-01-05"
        })),
        None,
    );
    assert_eq!(status, 201, "{inv}");
    let inv_id = inv["id"].as_str().unwrap();
    let (status, suspect, _) = call(
        server,
        &police,
        "POST",
        &format!("/api/v1/investigations/{inv_id}/suspects"),
        Some(json!({
            "identity": { "given_names": "Kraai", "family_name": SUSPECT,
                "date_of_birth": SUSPECT_DOB, "contact": format!("Adres {PHRASE}") },
            "country_of_birth": "NL", "gender": "male", "role": "organiser",
            "registered_on": "2026-01-06"
        })),
        None,
    );
    assert_eq!(status, 201, "{suspect}");
    let sid = suspect["id"].as_str().unwrap();
    let (status, _, _) = call(
        server,
        &police,
        "POST",
        &format!("/api/v1/suspects/{sid}/victims"),
        Some(json!({ "case_id": case["id"] })),
        None,
    );
    assert_eq!(status, 200);
    let (_, agencies, _) = call(
        server,
        &police,
        "GET",
        "/api/v1/directory/agencies",
        None,
        None,
    );
    let om_id = agencies
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "prosecution")
        .unwrap()["id"]
        .clone();
    let (status, referral, etag) = call(
        server,
        &police,
        "POST",
        &format!("/api/v1/suspects/{sid}/referrals"),
        Some(json!({ "to_agency_id": om_id, "message": format!("Bericht {PHRASE} {SUSPECT}") })),
        None,
    );
    assert_eq!(status, 201, "{referral}");
    let rid = referral["id"].as_str().unwrap();
    let (status, _, _) = call(
        server,
        &om,
        "POST",
        &format!("/api/v1/suspect-referrals/{rid}/accept"),
        None,
        Some(&etag),
    );
    assert_eq!(status, 200);
    let (status, _, _) = call(
        server,
        &om,
        "POST",
        &format!("/api/v1/suspects/{sid}/decisions"),
        Some(json!({ "decision": "summons", "decided_on": "2026-02-01" })),
        None,
    );
    assert_eq!(status, 201);
    let (status, seen, _) = call(
        server,
        &om,
        "POST",
        &format!("/api/v1/suspects/{sid}/judgments"),
        Some(
            json!({ "instance": "first_instance", "outcome": "convicted_trafficking",
            "sentence": ["prison_2_to_4_years"], "judged_on": "2026-03-01" }),
        ),
        None,
    );
    assert_eq!(status, 201, "{seen}");
    assert_eq!(
        seen["identity"]["family_name"], SUSPECT,
        "the prosecution reads it"
    );
    // The monitor's answers name nobody (the sink runs beside the server's dispatcher).
    for table in ["funnel", "durations", "sentences", "victims"] {
        let (status, body, _) = call(
            server,
            &analyst,
            "GET",
            &format!("/api/v1/monitor/offenders?table={table}&from=2025&to=2026"),
            None,
            None,
        );
        assert_eq!(status, 200, "{body}");
        let text = body.to_string();
        for canary in [NAME, DOB, PHRASE, SUSPECT, SUSPECT_DOB, REFERENCE, sid] {
            assert!(
                !text.contains(canary),
                "{canary} in the offender table {table}"
            );
        }
    }
}
