//! Documents over HTTP: a caseworker uploads a PDF as `multipart/form-data` (201
//! pending, with `ETag` and `Location`), which is not served until the malware scanner
//! (a test scanner here, through the workflow's scan job) finds it clean, then served as
//! the exact bytes with the download headers; a JPEG loses its EXIF; a file that is not
//! a PDF, JPEG or PNG by its content, one over the limit and malformed bodies are
//! problems with stable codes that store nothing; a quarantined document is never
//! served; sharing needs the version read; a receiving agency reads what was shared
//! only while it sees the identity; a document taken off is gone; a closed case lists
//! its documents and takes no new ones.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, Reply, UserBuilder, bearer, request, successes};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_api::{app, openapi_document};
use schakel_domain::{AgencyKind, Role};
use schakel_referral_workflow::WorkflowConfig;
use schakel_referral_workflow::documents::{ScanFailure, ScanReport, Scanner, Verdict};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};

/// The boundary of the test bodies.
const BOUNDARY: &str = "schakel-test-7d1f0c";

/// A small PDF.
pub(crate) const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n";

/// One part of a form: name, file name, content type, content.
pub(crate) type Part<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

/// A `multipart/form-data` body of `parts`: its content type and bytes.
pub(crate) fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for (name, file_name, content_type, content) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{name}\"");
        if let Some(f) = file_name {
            disposition.push_str(&format!("; filename=\"{f}\""));
        }
        body.extend_from_slice(format!("{disposition}\r\n").as_bytes());
        if let Some(t) = content_type {
            body.extend_from_slice(format!("Content-Type: {t}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// A request carrying the form of `parts`.
pub(crate) fn upload(req: TestRequest, parts: &[Part<'_>]) -> TestRequest {
    let (content_type, body) = multipart(parts);
    req.insert_header(("content-type", content_type))
        .set_payload(body)
}

/// The form of one PDF, with a title, shared or not.
pub(crate) fn pdf_form(shared: bool) -> Vec<Part<'static>> {
    vec![
        ("file", Some("intake.pdf"), Some("application/pdf"), PDF),
        ("title", None, None, b"Intakeformulier"),
        (
            "shared",
            None,
            None,
            if shared { b"true" } else { b"false" },
        ),
    ]
}

/// A scanner that says the same of every file.
struct Says(Verdict);

impl Scanner for Says {
    fn scan(&self, _: &[u8]) -> Result<Verdict, ScanFailure> {
        Ok(self.0.clone())
    }
}

/// Runs the scan job over every waiting document with a scanner that says `verdict`.
pub(crate) fn scan(db: &TestDb, cfg: &WorkflowConfig, verdict: Verdict) -> ScanReport {
    let mut conn = db.pool.get().unwrap();
    let scanner = Says(verdict);
    schakel_referral_workflow::documents::scan_pending(&mut conn, cfg, &scanner, chrono::Utc::now())
        .unwrap()
}

/// A small JPEG: SOI, a JFIF header, an EXIF segment with a place in it, a comment, the
/// start of a scan, EOI.
fn jpeg_with_exif() -> Vec<u8> {
    let seg = |marker: u8, body: &[u8]| {
        let len = u16::try_from(body.len() + 2).unwrap().to_be_bytes();
        let mut s = vec![0xFF, marker, len[0], len[1]];
        s.extend_from_slice(body);
        s
    };
    let mut out = vec![0xFF, 0xD8];
    out.extend(seg(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    out.extend(seg(0xE1, b"Exif\0\0GPS 52.3676N 4.9041E Amsterdam"));
    out.extend(seg(0xFE, b"taken at the safe house"));
    out.extend(seg(0xDA, b"\x01\x01\0\0?\0"));
    out.extend_from_slice(&[0x12, 0x34, 0xFF, 0xD9]);
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn titles(list: &Reply) -> Vec<String> {
    list.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["title"].as_str().unwrap_or("").to_owned())
        .collect()
}

fn case_body() -> Value {
    json!({
        "person": { "identity": { "given_names": "Noor" }, "gender": "female" },
        "region": "noord_nederland", "exploitation_forms": ["labour"]
    })
}

#[actix_web::test]
async fn documents_are_scanned_before_they_are_served_and_served_only_as_attachments() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let state = crate::support::state_without_mfa(&db);
        let workflow = state.workflow.clone();
        let srv = test::init_service(app(state)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let gemeente = AgencyBuilder::new(&db)
            .kind(AgencyKind::Municipality)
            .create();
        let worker = UserBuilder::new(&db, &gemeente).create();
        let t_worker = client.token(&worker.email).await;
        let as_worker = |m: &str, u: &str| bearer(request(m, u), &t_worker);
        let case = client
            .send(as_worker("POST", "/api/v1/cases").set_json(case_body()))
            .await;
        let case_id = case.json()["id"].as_str().unwrap().to_owned();
        let reference = case.json()["reference"].as_str().unwrap().to_owned();
        let docs_uri = format!("/api/v1/cases/{case_id}/documents");

        // Uploaded: 201, pending, the version as ETag, where it lives.
        let added = client
            .send(upload(as_worker("POST", &docs_uri), &pdf_form(false)))
            .await;
        assert_eq!(added.status, StatusCode::CREATED, "{backend:?}: {added:?}");
        assert_eq!(added.header("etag"), "\"1\"");
        let doc = added.json();
        let doc_uri = format!("/api/v1/documents/{}", doc["id"].as_str().unwrap());
        assert_eq!(added.header("location"), doc_uri);
        assert_eq!(doc["scan_state"], "pending");
        assert_eq!(doc["downloadable"], false);
        assert_eq!(doc["media_type"], "application/pdf");
        assert_eq!(doc["title"], "Intakeformulier");
        assert_eq!(doc["shared"], false);
        assert_eq!(doc["size_bytes"], PDF.len());
        let content_uri = format!("{doc_uri}/content");

        // Not served before its scan.
        let r = client.send(as_worker("GET", &content_uri)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{r:?}");
        assert_eq!(r.problem(), "document_pending");

        // Clean: the exact bytes, as an attachment, never sniffed, cached or rendered.
        let report = scan(&db, &workflow, Verdict::Clean);
        assert_eq!(report.clean, 1);
        let r = client.send(as_worker("GET", &content_uri)).await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        assert_eq!(r.body, PDF);
        assert_eq!(r.header("content-type"), "application/pdf");
        let short = &doc["id"].as_str().unwrap()[..8];
        assert_eq!(
            r.header("content-disposition"),
            format!("attachment; filename=\"{reference}-{short}.pdf\"")
        );
        assert_eq!(r.header("x-content-type-options"), "nosniff");
        assert_eq!(r.header("cache-control"), "no-store");
        let policy = r.header("content-security-policy");
        assert!(policy.split(';').any(|d| d.trim() == "sandbox"), "{policy}");
        assert!(policy.contains("default-src 'none'"), "{policy}");
        assert_eq!(r.headers.get_all("content-security-policy").count(), 1);
        assert_eq!(successes(&db, "document.download"), 1);
        let read = client.send(as_worker("GET", &doc_uri)).await;
        assert_eq!(read.status, StatusCode::OK);
        assert_eq!(read.header("etag"), "\"2\"", "the verdict is a change");
        assert_eq!(read.json()["downloadable"], true);

        // A photo loses where it was taken; the picture stays.
        let jpeg = jpeg_with_exif();
        let parts: [Part<'_>; 1] = [("file", Some("foto.png"), Some("image/png"), &jpeg)];
        let photo = client
            .send(upload(as_worker("POST", &docs_uri), &parts))
            .await;
        assert_eq!(photo.status, StatusCode::CREATED, "{photo:?}");
        assert_eq!(photo.json()["media_type"], "image/jpeg");
        assert_eq!(photo.json()["title"], Value::Null);
        scan(&db, &workflow, Verdict::Clean);
        let photo_uri = format!("/api/v1/documents/{}", photo.json()["id"].as_str().unwrap());
        let r = client
            .send(as_worker("GET", &format!("{photo_uri}/content")))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.header("content-type"), "image/jpeg");
        assert!(r.header("content-disposition").ends_with(".jpg\""));
        assert!(!contains(&r.body, b"Amsterdam") && !contains(&r.body, b"safe house"));
        assert!(contains(&r.body, b"JFIF") && contains(&r.body, &[0x12, 0x34]));

        // A web page called a PDF is no PDF.
        let html = b"<html><script>alert(1)</script></html>";
        let parts: [Part<'_>; 1] = [("file", Some("x.pdf"), Some("application/pdf"), html)];
        let r = client
            .send(upload(as_worker("POST", &docs_uri), &parts))
            .await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{r:?}");
        assert_eq!(r.problem(), "document_type");
        let list = client.send(as_worker("GET", &docs_uri)).await;
        assert_eq!(titles(&list), ["Intakeformulier", ""]);
    }
}

#[actix_web::test]
async fn a_quarantined_document_is_never_served() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let state = crate::support::state_without_mfa(&db);
        let workflow = state.workflow.clone();
        let srv = test::init_service(app(state)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let agency = AgencyBuilder::new(&db).create();
        let worker = UserBuilder::new(&db, &agency).create();
        let token = client.token(&worker.email).await;
        let as_worker = |m: &str, u: &str| bearer(request(m, u), &token);
        let case = client
            .send(as_worker("POST", "/api/v1/cases").set_json(case_body()))
            .await;
        let docs_uri = format!(
            "/api/v1/cases/{}/documents",
            case.json()["id"].as_str().unwrap()
        );
        let added = client
            .send(upload(as_worker("POST", &docs_uri), &pdf_form(true)))
            .await;
        assert_eq!(added.status, StatusCode::CREATED);
        let doc_uri = format!("/api/v1/documents/{}", added.json()["id"].as_str().unwrap());
        let found = Verdict::Found("Eicar-Test-Signature".into());
        assert_eq!(scan(&db, &workflow, found).quarantined, 1);
        let r = client
            .send(as_worker("GET", &format!("{doc_uri}/content")))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{backend:?}: {r:?}");
        assert_eq!(r.problem(), "document_quarantined");
        let read = client.send(as_worker("GET", &doc_uri)).await;
        assert_eq!(read.json()["scan_state"], "quarantined");
        assert_eq!(read.json()["downloadable"], false);
        assert_eq!(successes(&db, "document.download"), 0);
    }
}

#[actix_web::test]
async fn a_file_over_the_limit_is_refused_without_being_read_whole() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let state = crate::support::state_without_mfa(&db);
        let mut small = WorkflowConfig::clone(&state.workflow);
        small.document_max_bytes = 1024;
        let srv = test::init_service(app(state.with_workflow(small))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let agency = AgencyBuilder::new(&db).create();
        let worker = UserBuilder::new(&db, &agency).create();
        let token = client.token(&worker.email).await;
        let as_worker = |m: &str, u: &str| bearer(request(m, u), &token);
        let case = client
            .send(as_worker("POST", "/api/v1/cases").set_json(case_body()))
            .await;
        let docs_uri = format!(
            "/api/v1/cases/{}/documents",
            case.json()["id"].as_str().unwrap()
        );
        let mut at_limit = PDF.to_vec();
        at_limit.resize(1024, b' ');
        let parts: [Part<'_>; 1] = [("file", None, None, &at_limit)];
        let r = client
            .send(upload(as_worker("POST", &docs_uri), &parts))
            .await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "{backend:?}: at the limit: {r:?}"
        );
        // One byte over, and far over (past the framing allowance): refused as it is
        // read, whether the body says how long it is (the test client always does) or
        // pretends to be short.
        for size in [1025, 200 * 1024] {
            let mut big = PDF.to_vec();
            big.resize(size, b' ');
            let parts: [Part<'_>; 1] = [("file", None, None, &big)];
            for length in [None, Some("64")] {
                let mut req = upload(as_worker("POST", &docs_uri), &parts);
                if let Some(l) = length {
                    req = req.insert_header(("content-length", l));
                }
                let r = client.send(req).await;
                assert_eq!(
                    r.status,
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "{size} {length:?}: {r:?}"
                );
                assert_eq!(r.problem(), "document_too_large");
            }
        }
        let list = client.send(as_worker("GET", &docs_uri)).await;
        assert_eq!(list.json().as_array().unwrap().len(), 1);
    }
}

#[actix_web::test]
async fn malformed_uploads_are_problems_that_store_nothing() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let agency = AgencyBuilder::new(&db).create();
        let worker = UserBuilder::new(&db, &agency).create();
        let token = client.token(&worker.email).await;
        let as_worker = |m: &str, u: &str| bearer(request(m, u), &token);
        let case = client
            .send(as_worker("POST", "/api/v1/cases").set_json(case_body()))
            .await;
        let docs_uri = format!(
            "/api/v1/cases/{}/documents",
            case.json()["id"].as_str().unwrap()
        );
        let file: Part<'_> = ("file", Some("a.pdf"), None, PDF);
        let long_title = "t".repeat(201);
        let huge_title = "t".repeat(5000);
        let cases: Vec<(&str, Vec<Part<'_>>, StatusCode, &str, &str)> = vec![
            (
                "no file",
                vec![("title", None, None, b"x")],
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                "file",
            ),
            (
                "empty file",
                vec![("file", None, None, b"")],
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                "file",
            ),
            (
                "two files",
                vec![file, file],
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                "file",
            ),
            (
                "an unknown part",
                vec![file, ("case_id", None, None, b"x")],
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                "",
            ),
            (
                "shared: yes",
                vec![file, ("shared", None, None, b"yes")],
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                "shared",
            ),
            (
                "a long title",
                vec![file, ("title", None, None, long_title.as_bytes())],
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                "title",
            ),
            (
                "a huge title",
                vec![("title", None, None, huge_title.as_bytes()), file],
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                "title",
            ),
            (
                "a title not UTF-8",
                vec![file, ("title", None, None, b"\xff\xfe")],
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                "title",
            ),
        ];
        for (what, parts, status, code, field) in cases {
            let r = client
                .send(upload(as_worker("POST", &docs_uri), &parts))
                .await;
            assert_eq!(r.status, status, "{backend:?}: {what}: {r:?}");
            assert_eq!(r.problem(), code, "{what}");
            // The part at fault is named (none for a part the form has not).
            assert_eq!(r.json()["errors"][0]["field"], field, "{what}: {r:?}");
        }
        // Not multipart at all, no boundary, a body that is not what it says.
        let r = client
            .send(as_worker("POST", &docs_uri).set_json(json!({ "file": "JVBERi0=" })))
            .await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{r:?}");
        assert_eq!(r.problem(), "unsupported_media_type");
        let r = client
            .send(as_worker("POST", &docs_uri).set_payload(PDF.to_vec()))
            .await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{r:?}");
        for (content_type, body) in [
            ("multipart/form-data", multipart(&[file]).1),
            (
                "multipart/form-data; boundary=elsewhere",
                multipart(&[file]).1,
            ),
            (
                &format!("multipart/form-data; boundary={BOUNDARY}"),
                b"garbage".to_vec(),
            ),
            (
                &format!("multipart/form-data; boundary={BOUNDARY}"),
                Vec::new(),
            ),
        ] {
            let r = client
                .send(
                    as_worker("POST", &docs_uri)
                        .insert_header(("content-type", content_type))
                        .set_payload(body),
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{content_type}: {r:?}");
            assert_eq!(r.problem(), "bad_request");
        }
        let list = client.send(as_worker("GET", &docs_uri)).await;
        assert_eq!(list.json(), json!([]));
        assert_eq!(successes(&db, "document.create"), 0);
    }
}

#[actix_web::test]
async fn shared_documents_reach_a_receiver_that_sees_the_identity_until_taken_off() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let state = crate::support::state_without_mfa(&db);
        let workflow = state.workflow.clone();
        let srv = test::init_service(app(state)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let gemeente = AgencyBuilder::new(&db)
            .kind(AgencyKind::Municipality)
            .create();
        let opvang = AgencyBuilder::new(&db)
            .kind(AgencyKind::ShelterCategorical)
            .create();
        let worker = UserBuilder::new(&db, &gemeente).create();
        let coord = UserBuilder::new(&db, &opvang)
            .role(Role::Coordinator)
            .create();
        let t_worker = client.token(&worker.email).await;
        let t_coord = client.token(&coord.email).await;
        let as_worker = |m: &str, u: &str| bearer(request(m, u), &t_worker);
        let as_coord = |m: &str, u: &str| bearer(request(m, u), &t_coord);
        let case = client
            .send(as_worker("POST", "/api/v1/cases").set_json(case_body()))
            .await;
        let case_id = case.json()["id"].as_str().unwrap().to_owned();
        let docs_uri = format!("/api/v1/cases/{case_id}/documents");
        let mut uris = Vec::new();
        for shared in [false, true] {
            let r = client
                .send(upload(as_worker("POST", &docs_uri), &pdf_form(shared)))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{backend:?}: {r:?}");
            uris.push(r.header("location").to_owned());
        }
        scan(&db, &workflow, Verdict::Clean);
        let (own_uri, shared_uri) = (uris[0].clone(), uris[1].clone());

        // Sharing needs the version read.
        let share = |shared: bool| json!({ "shared": shared });
        let uri = format!("{own_uri}/shared");
        let r = client
            .send(as_worker("PUT", &uri).set_json(share(false)))
            .await;
        assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED);
        let stale = as_worker("PUT", &uri).insert_header(("If-Match", "\"1\""));
        let r = client.send(stale.set_json(share(false))).await;
        assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{r:?}");
        assert_eq!(r.problem(), "precondition_failed");
        let r = client
            .send(
                as_worker("PUT", &uri)
                    .insert_header(("If-Match", "\"2\""))
                    .set_json(json!({ "shared": false, "title": "x" })),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "unknown field");

        // The shelter accepts a referral: it reads the case but not the identity, so no
        // document of the owner's.
        let referral = client
            .send(
                as_worker("POST", &format!("/api/v1/cases/{case_id}/referrals")).set_json(json!({
                    "to_agency_id": opvang.id, "purpose": "shelter", "urgency": "normal"
                })),
            )
            .await;
        let referral_id = referral.json()["id"].as_str().unwrap().to_owned();
        let r = client.send(as_coord("GET", &docs_uri)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "not before accepting");
        let accepted = client
            .send(
                as_coord("POST", &format!("/api/v1/referrals/{referral_id}/accept"))
                    .insert_header(("If-Match", "\"1\"")),
            )
            .await;
        assert_eq!(accepted.status, StatusCode::OK, "{accepted:?}");
        let r = client.send(as_coord("GET", &docs_uri)).await;
        assert_eq!(r.json(), json!([]));
        let r = client.send(as_coord("GET", &shared_uri)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // Consent for shelter care: now it reads what was shared, and only that.
        let consent = json!({
            "kind": "consent", "recipient_kinds": ["shelter"], "purposes": ["shelter"],
            "given_by": "person", "given_on": "2026-01-16"
        });
        let version = client
            .send(as_worker("GET", &format!("/api/v1/cases/{case_id}")))
            .await
            .header("etag")
            .to_owned();
        let r = client
            .send(
                as_worker("POST", &format!("/api/v1/cases/{case_id}/consents"))
                    .insert_header(("If-Match", version))
                    .set_json(&consent),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
        let r = client.send(as_coord("GET", &docs_uri)).await;
        let list = r.json();
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(
            format!("/api/v1/documents/{}", list[0]["id"].as_str().unwrap()),
            shared_uri
        );
        assert_eq!(list[0]["may_change"], false);
        let r = client
            .send(as_coord("GET", &format!("{shared_uri}/content")))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        assert_eq!(r.body, PDF);
        for uri in [own_uri.clone(), format!("{own_uri}/content")] {
            let r = client.send(as_coord("GET", &uri)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}: not shared");
        }
        // It reads, but does not change, another agency's document.
        let r = client
            .send(
                as_coord("PUT", &format!("{shared_uri}/shared"))
                    .insert_header(("If-Match", "\"2\""))
                    .set_json(share(false)),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{r:?}");
        let r = client
            .send(as_coord("DELETE", &shared_uri).insert_header(("If-Match", "\"2\"")))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{r:?}");

        // The owner stops sharing it: gone for the shelter at once.
        let r = client
            .send(
                as_worker("PUT", &format!("{shared_uri}/shared"))
                    .insert_header(("If-Match", "\"2\""))
                    .set_json(share(false)),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        assert_eq!(r.header("etag"), "\"3\"");
        assert_eq!(r.json()["shared"], false);
        let r = client.send(as_coord("GET", &shared_uri)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // Taken off: its content gone, its facts still read by id, off the list.
        let r = client
            .send(as_worker("DELETE", &own_uri).insert_header(("If-Match", "\"1\"")))
            .await;
        assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
        let r = client
            .send(as_worker("DELETE", &own_uri).insert_header(("If-Match", "\"2\"")))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{r:?}");
        let r = client
            .send(as_worker("GET", &format!("{own_uri}/content")))
            .await;
        assert_eq!(r.status, StatusCode::GONE, "{r:?}");
        assert_eq!(r.problem(), "document_gone");
        let r = client
            .send(as_worker("DELETE", &own_uri).insert_header(("If-Match", "\"3\"")))
            .await;
        assert_eq!(r.status, StatusCode::GONE, "twice");
        let read = client.send(as_worker("GET", &own_uri)).await;
        assert_eq!(read.json()["downloadable"], false);
        assert_eq!(read.json()["title"], Value::Null);
        assert_eq!(read.json()["may_change"], false);
        let r = client.send(as_worker("GET", &docs_uri)).await;
        assert_eq!(titles(&r), ["Intakeformulier"], "the shared one only");

        // A closed case lists its documents and takes no new ones.
        let case = client
            .send(as_worker("POST", "/api/v1/cases").set_json(case_body()))
            .await;
        let case_id = case.json()["id"].as_str().unwrap().to_owned();
        let docs_uri = format!("/api/v1/cases/{case_id}/documents");
        let r = client
            .send(upload(as_worker("POST", &docs_uri), &pdf_form(false)))
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        let r = client
            .send(
                as_worker("POST", &format!("/api/v1/cases/{case_id}/close"))
                    .insert_header(("If-Match", "\"1\""))
                    .set_json(json!({ "reason": "no_indication" })),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        let r = client.send(as_worker("GET", &docs_uri)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(titles(&r), ["Intakeformulier"]);
        let r = client
            .send(upload(as_worker("POST", &docs_uri), &pdf_form(false)))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{r:?}");
        assert_eq!(r.problem(), "conflict");
    }
}

#[test]
fn the_upload_is_documented_as_a_multipart_form_with_a_binary_file() {
    let doc = openapi_document().unwrap();
    let op = &doc["paths"]["/api/v1/cases/{id}/documents"]["post"];
    let form = &op["requestBody"]["content"]["multipart/form-data"]["schema"];
    let form = if let Some(r) = form["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        doc["components"]["schemas"][name].clone()
    } else {
        form.clone()
    };
    assert_eq!(form["properties"]["file"]["type"], "string", "{form}");
    assert_eq!(form["properties"]["file"]["format"], "binary");
    assert_eq!(form["required"], json!(["file"]));
    for (method, path, codes) in [
        (
            "post",
            "/api/v1/cases/{id}/documents",
            &["201", "404", "409", "413", "415", "422"][..],
        ),
        (
            "get",
            "/api/v1/documents/{id}/content",
            &["200", "404", "409", "410"],
        ),
        (
            "put",
            "/api/v1/documents/{id}/shared",
            &["200", "403", "404", "410", "412", "428"],
        ),
        (
            "delete",
            "/api/v1/documents/{id}",
            &["204", "403", "404", "410", "412", "428"],
        ),
    ] {
        let responses = &doc["paths"][path][method]["responses"];
        for code in codes {
            assert!(responses[*code].is_object(), "{method} {path} {code}");
        }
    }
    let content = &doc["paths"]["/api/v1/documents/{id}/content"]["get"]["responses"]["200"];
    assert!(
        content["content"]["application/pdf"].is_object(),
        "{content}"
    );
}
