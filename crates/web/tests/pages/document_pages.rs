//! Documents on the case page over HTTP, on every backend, as a user sees them: a
//! caseworker uploads a PDF (a form with a file, its CSRF token checked) and finds it
//! waiting for the malware scan; once scanned clean it downloads as an attachment with
//! the bytes uploaded; a file that is no PDF, JPEG or PNG, one over the limit, no file
//! and a closed case are refused with a message and nothing added; a quarantined
//! document is never served; sharing, stopping and removing work from the version shown
//! and a stale one changes nothing; the receiving agency reads only a shared document,
//! and only while the identity is shown to it; another agency finds nothing.

use crate::case_close_pages::{
    account, act, agencies, app, get, hidden, login, named, open_case, post, refer, with_env,
};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{Actor, CaseId, DocumentId, ReferralAction, Role};
use schakel_referral_workflow::documents::{ScanFailure, Scanner, Verdict, scan_pending};
use schakel_referral_workflow::{IfMatch, WorkflowConfig};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_web::WebState;
use std::sync::Arc;

/// A small PDF with a canary string inside.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% canary-7f3a\n%%EOF\n";

/// A scanner that says the same of every file.
struct Says(Verdict);

impl Scanner for Says {
    fn scan(&self, _: &[u8]) -> Result<Verdict, ScanFailure> {
        Ok(self.0.clone())
    }
}

/// Runs the scan job over the waiting documents with a scanner that says `verdict`.
fn scan(db: &TestDb, st: &WebState, verdict: Verdict) {
    let mut conn = db.pool.get().unwrap();
    scan_pending(&mut conn, &st.workflow, &Says(verdict), chrono::Utc::now()).unwrap();
}

/// A `multipart/form-data` body of `parts` (name, file name for a file, content): its
/// content type and bytes, as a browser sends the upload form.
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----schakel-test-boundary-5d1c";
    let mut body = Vec::new();
    for (name, file, content) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{name}\"");
        if let Some(f) = file {
            disposition.push_str(&format!(
                "; filename=\"{f}\"\r\nContent-Type: application/pdf"
            ));
        }
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The upload form's parts: the token, a title, whether to share, the file.
fn upload_form<'a>(
    csrf: &'a str,
    title: &'a str,
    shared: bool,
    file: &'a [u8],
) -> Vec<(&'a str, Option<&'a str>, &'a [u8])> {
    let mut parts = vec![
        ("csrf", None, csrf.as_bytes()),
        ("title", None, title.as_bytes()),
    ];
    if shared {
        parts.push(("shared", None, b"on"));
    }
    parts.push(("file", Some("scan.pdf"), file));
    parts
}

/// Posts the upload `$parts` to `$uri`: the status, the `Location` and the page.
macro_rules! upload {
    ($app:expr, $session:expr, $uri:expr, $parts:expr) => {{
        let (content_type, payload) = multipart(&$parts);
        let res = test::call_service(
            &$app,
            TestRequest::post()
                .uri(&$uri)
                .cookie($session.clone())
                .insert_header(("content-type", content_type))
                .set_payload(payload)
                .to_request(),
        )
        .await;
        let (status, to) = (res.status(), header(&res, "location"));
        (status, to, body(res).await)
    }};
}

/// Downloads `$uri`: the status, the response's headers and its bytes.
macro_rules! download {
    ($app:expr, $session:expr, $uri:expr) => {{
        let res = test::call_service(
            &$app,
            TestRequest::get()
                .uri(&$uri)
                .cookie($session.clone())
                .to_request(),
        )
        .await;
        let (status, headers) = (res.status(), res.headers().clone());
        (status, headers, test::read_body(res).await.to_vec())
    }};
}

/// The ids of the documents a case page lists, in order.
fn documents(page: &str) -> Vec<String> {
    page.split("<li id=\"document-")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// The version a document's forms on the page carry.
fn version_of(page: &str, doc: &str) -> String {
    let at = page.find(&format!("/documents/{doc}/share\"")).unwrap();
    hidden(&page[at..], "version")
}

/// Records the person's consent to share with shelters, for shelter, on case `id`.
fn consent_for_shelters(db: &TestDb, st: &WebState, who: &Actor, id: CaseId, version: i64) {
    let input = serde_json::from_value(serde_json::json!({
        "kind": "consent", "recipient_kinds": ["shelter"], "purposes": ["shelter"],
        "given_by": "person", "given_on": chrono::Utc::now().date_naive()
    }))
    .unwrap();
    with_env(db, st, |conn, env| {
        schakel_referral_workflow::consents::record_consent(
            conn,
            env,
            who,
            id,
            IfMatch::Version(version),
            &input,
        )
        .unwrap()
    });
}

#[actix_web::test]
async fn an_uploaded_pdf_waits_for_its_scan_and_then_downloads_as_uploaded() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, other) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        account(&db, other, "cw@utrecht.example", Role::Caseworker);
        let case = open_case(
            &db,
            &st,
            &cw,
            named("Ioana", "Popescu", None),
            "amsterdam",
            "labour",
        );
        let uri = format!("/cases/{}", case.id);
        let add = format!("{uri}/documents");
        let session = login!(app, "cw@amsterdam.example");

        // The section and its form: a file of the three kinds, a title, sharing.
        let (status, page) = get!(app, session, uri);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            page.contains("<h2 id=\"documents\">Documents</h2>")
                && page.contains("No documents yet.")
        );
        assert!(page.contains(&format!("action=\"{add}\" enctype=\"multipart/form-data\"")));
        assert!(page.contains(
            "type=\"file\" required accept=\".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png\""
        ));
        assert!(page.contains("<label for=\"document_title\">") && page.contains("at most 20 MB"));
        let csrf = hidden(&page, "csrf");

        // Without the session's token, or with another: refused, nothing added.
        let (status, _, _) = upload!(app, session, add, upload_form("vervalst", "x", false, PDF));
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");
        let (status, _, _) = upload!(app, session, add, [("file", Some("a.pdf"), PDF)]);
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Not a PDF, JPEG or PNG by its content, whatever its name; no file at all.
        let html = b"<html><script>alert(1)</script></html>";
        let (status, _, page) = upload!(
            app,
            session,
            add,
            upload_form(&csrf, "Paspoort", true, html)
        );
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(
            page.contains("role=\"alert\">Only PDF, JPEG or PNG files can be added"),
            "{page}"
        );
        assert!(
            page.contains("value=\"Paspoort\"")
                && page.contains("name=\"shared\" value=\"on\" checked")
        );
        assert!(page.contains("No documents yet."));
        let (status, _, page) = upload!(app, session, add, upload_form(&csrf, "", false, b""));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("Choose a file to add."));

        // A PDF: added, waiting for the scan, no download link.
        let title = "Paspoort – kopie";
        let (status, to, _) = upload!(app, session, add, upload_form(&csrf, title, false, PDF));
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, format!("{uri}?done=document_added#documents"));
        let (status, page) = get!(app, session, format!("{uri}?done=document_added"));
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(
            "role=\"status\">Document added; it can be downloaded once the malware scan passed."
        ));
        assert!(
            page.contains(&format!("<strong>{title}</strong> · PDF · 1 KB")),
            "{page}"
        );
        assert!(
            page.contains("Sanne Bakker (Gemeente Amsterdam)") && page.contains("own agency only")
        );
        assert!(page.contains("Waiting for the malware scan; it can be downloaded once scanned"));
        assert!(page.contains("document added"), "on the timeline");
        let ids = documents(&page);
        assert_eq!(ids.len(), 1);
        let link = format!("/documents/{}/download", ids[0]);
        assert!(!page.contains(&format!("href=\"{link}\"")));
        let (status, _, bytes) = download!(app, session, link);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        let page = String::from_utf8(bytes).unwrap();
        assert!(page.contains("role=\"alert\">This document is waiting for the malware scan"));
        assert!(!page.contains("canary-7f3a"));

        // Scanned clean: the link, and the download exactly as uploaded.
        scan(&db, &st, Verdict::Clean);
        let (_, page) = get!(app, session, uri);
        assert!(
            page.contains(&format!("href=\"{link}\" download>Download")),
            "{page}"
        );
        assert!(!page.contains("Waiting for the malware scan"));
        let (status, headers, bytes) = download!(app, session, link);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert_eq!(bytes, PDF);
        let h = |name: &str| headers.get(name).unwrap().to_str().unwrap().to_owned();
        assert_eq!(h("content-type"), "application/pdf");
        let short: String = ids[0].chars().take(8).collect();
        assert_eq!(
            h("content-disposition"),
            format!("attachment; filename=\"{}-{short}.pdf\"", case.reference)
        );
        assert_eq!(h("x-content-type-options"), "nosniff");
        assert_eq!(h("cache-control"), "no-store");
        assert_eq!(h("content-security-policy"), "sandbox");

        // Another agency, an unknown document, no id: the not-found page alike.
        let stranger = login!(app, "cw@utrecht.example");
        let unknown = format!("/documents/{}/download", DocumentId::new_random());
        for (who, uri) in [
            (&stranger, &link),
            (&session, &unknown),
            (&session, &"/documents/x/download".to_owned()),
        ] {
            let (status, _, bytes) = download!(app, who, uri);
            assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?} {uri}");
            assert!(!String::from_utf8_lossy(&bytes).contains("canary-7f3a"));
        }
    }
}

#[actix_web::test]
async fn too_large_quarantined_and_closed_are_refused_with_a_message() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let mut st = state(&db);
        st.workflow = Arc::new(WorkflowConfig {
            document_max_bytes: 2048,
            ..(*st.workflow).clone()
        });
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let case = open_case(
            &db,
            &st,
            &cw,
            named("Ioana", "Popescu", None),
            "amsterdam",
            "labour",
        );
        let uri = format!("/cases/{}", case.id);
        let add = format!("{uri}/documents");
        let session = login!(app, "cw@amsterdam.example");
        let (_, page) = get!(app, session, uri);
        let csrf = hidden(&page, "csrf");

        // Over the limit: the limit named, nothing added.
        let mut big = PDF.to_vec();
        big.resize(3000, b' ');
        let (status, _, page) =
            upload!(app, session, add, upload_form(&csrf, "Groot", false, &big));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(
            page.contains("The file is too large: a document may be at most 2 KB."),
            "{page}"
        );
        assert!(page.contains("No documents yet.") && page.contains("value=\"Groot\""));

        // Malware found: quarantined, never served.
        let (status, _, _) = upload!(app, session, add, upload_form(&csrf, "Besmet", false, PDF));
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        scan(&db, &st, Verdict::Found("Schakel.Test.EICAR".into()));
        let (_, page) = get!(app, session, uri);
        assert!(page.contains("Quarantined: malware was found; it cannot be downloaded"));
        assert!(
            page.contains("document quarantined: malware found"),
            "on the timeline"
        );
        let link = format!("/documents/{}/download", documents(&page)[0]);
        assert!(!page.contains(&format!("href=\"{link}\"")));
        let (status, _, bytes) = download!(app, session, link);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(
            String::from_utf8(bytes)
                .unwrap()
                .contains("it is quarantined because malware was found")
        );

        // A closed case: no form, and an upload refused.
        with_env(&db, &st, |conn, env| {
            let input = schakel_referral_workflow::cases::CloseCaseInput {
                reason: schakel_domain::CloseReason::SupportCompleted,
                note: None,
            };
            schakel_referral_workflow::cases::close_case(
                conn,
                env,
                &cw,
                case.id,
                IfMatch::Version(case.version),
                &input,
            )
            .unwrap()
        });
        let (_, page) = get!(app, session, uri);
        assert!(!page.contains(&format!("action=\"{add}\"")));
        assert!(page.contains("The case is closed: no documents can be added."));
        let (status, _, page) = upload!(app, session, add, upload_form(&csrf, "Laat", false, PDF));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("role=\"alert\">The case is closed: no documents can be added."));
        assert_eq!(documents(&page).len(), 1);
    }
}

#[actix_web::test]
async fn the_receiving_agency_reads_only_what_is_shared_and_the_uploader_shares_and_removes() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, shelter, _) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let co = account(&db, shelter, "co@amstel.example", Role::Coordinator);
        let case = open_case(
            &db,
            &st,
            &cw,
            named("Ioana", "Popescu", None),
            "amsterdam",
            "labour",
        );
        consent_for_shelters(&db, &st, &cw, case.id, case.version);
        let uri = format!("/cases/{}", case.id);
        let add = format!("{uri}/documents");
        let session = login!(app, "cw@amsterdam.example");
        let (_, page) = get!(app, session, uri);
        let csrf = hidden(&page, "csrf");
        for (title, shared) in [("Gedeeld verslag", true), ("Eigen verslag", false)] {
            let (status, _, _) = upload!(app, session, add, upload_form(&csrf, title, shared, PDF));
            assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        }
        scan(&db, &st, Verdict::Clean);
        let (_, page) = get!(app, session, uri);
        let ids = documents(&page);
        assert_eq!(ids.len(), 2);
        let (shared_doc, own_doc) = (&ids[0], &ids[1]);
        assert!(page.contains("shared with the agencies that see the identity"));
        let link = |d: &str| format!("/documents/{d}/download");

        // The shelter accepts a referral: the shared document only, without the forms
        // that change it; it may add its own.
        let r = refer(&db, &st, &cw, case.id, shelter);
        act(&db, &st, &co, &r, ReferralAction::Accept);
        let theirs = login!(app, "co@amstel.example");
        let (status, page) = get!(app, theirs, uri);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            page.contains("Gedeeld verslag") && !page.contains("Eigen verslag"),
            "{page}"
        );
        assert_eq!(documents(&page), vec![shared_doc.clone()]);
        assert!(!page.contains(&format!("/documents/{shared_doc}/share")));
        assert!(!page.contains(&format!("/documents/{shared_doc}/remove")));
        assert!(page.contains(&format!("action=\"{add}\" enctype=\"multipart/form-data\"")));
        let (status, _, bytes) = download!(app, theirs, link(shared_doc));
        assert_eq!(
            (status, bytes.as_slice()),
            (StatusCode::OK, PDF),
            "{backend:?}"
        );
        let (status, _, _) = download!(app, theirs, link(own_doc));
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}");
        let their_csrf = hidden(&page, "csrf");
        let (status, _, _) = post!(
            app,
            theirs,
            format!("{add}/{shared_doc}/remove"),
            [("csrf", their_csrf.as_str()), ("version", "1")]
        );
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{backend:?}: not theirs to remove"
        );

        // Stop sharing: a stale version changes nothing, the one shown does.
        let (_, page) = get!(app, session, uri);
        let version = version_of(&page, shared_doc);
        let unshare = format!("{add}/{shared_doc}/share");
        let stale = [
            ("csrf", csrf.as_str()),
            ("version", "99"),
            ("shared", "false"),
        ];
        let (status, _, page) = post!(app, session, unshare, stale);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("This document was changed in the meantime."));
        let forged = [
            ("csrf", "vervalst"),
            ("version", version.as_str()),
            ("shared", "false"),
        ];
        let (status, _, _) = post!(app, session, unshare, forged);
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _) = download!(app, theirs, link(shared_doc));
        assert_eq!(status, StatusCode::OK, "still shared");
        let fresh = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("shared", "false"),
        ];
        let (status, to, _) = post!(app, session, unshare, fresh);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(
            to,
            format!("{uri}?done=document_unshared#document-{shared_doc}")
        );
        let (_, page) = get!(app, session, format!("{uri}?done=document_unshared"));
        assert!(page.contains("The document is no longer shared: only your agency reads it."));
        assert!(
            page.contains("sharing of a document changed"),
            "on the timeline"
        );
        let (_, page) = get!(app, theirs, uri);
        assert!(documents(&page).is_empty() && page.contains("No documents yet."));
        let (status, _, _) = download!(app, theirs, link(shared_doc));
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}");

        // Remove: gone from the page, kept on the timeline, no longer served.
        let (_, page) = get!(app, session, uri);
        let version = version_of(&page, own_doc);
        assert!(page.contains("Remove this document for good"));
        let remove = format!("{add}/{own_doc}/remove");
        let (status, _, _) = post!(
            app,
            session,
            remove,
            [("csrf", csrf.as_str()), ("version", "7")]
        );
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        let (status, to, _) = post!(
            app,
            session,
            remove,
            [("csrf", csrf.as_str()), ("version", version.as_str())]
        );
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, format!("{uri}?done=document_removed#documents"));
        let (_, page) = get!(app, session, format!("{uri}?done=document_removed"));
        assert!(page.contains("The document was removed from the case."));
        assert!(!page.contains("Eigen verslag") && page.contains("document removed"));
        assert_eq!(documents(&page), vec![shared_doc.clone()]);
        let (status, _, bytes) = download!(app, session, link(own_doc));
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        let page = String::from_utf8(bytes).unwrap();
        assert!(page.contains("role=\"alert\">This document was removed from the case."));
        let (status, _, page) = post!(
            app,
            session,
            remove,
            [("csrf", csrf.as_str()), ("version", version.as_str())]
        );
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}: removed once");
        assert!(page.contains("role=\"alert\">This document was changed in the meantime."));
    }
}
