//! Documents through the real binary and a real ClamAV daemon, on every backend: a PDF
//! carrying the EICAR test string is quarantined by the daemon, never served, and its
//! uploader gets an email at the test SMTP server; a clean PDF is served once scanned.
//! With the daemon stopped, uploads are kept and not served; when it is back, the scan
//! job of `schakel serve` scans them and they are served.

use schakel_e2e::api::{call, token};
use schakel_e2e::clamav::Clamd;
use schakel_e2e::mail::{borrowed, mail_env, smtp};
use schakel_e2e::{Server, client};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::Value;
use std::time::{Duration, Instant};

const WORKER: &str = "caseworker@demo.schakel.invalid";
const EICAR: &str = r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/// A small PDF with `body` inside.
fn pdf(body: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n1 0 obj\n<< /Length {} >>\nstream\n{body}\nendstream\nendobj\n%%EOF\n",
        body.len()
    )
    .into_bytes()
}

/// The first open case of the demo caseworker's agency.
fn open_case(server: &Server, token: &str) -> String {
    let (status, page, _) = call(server, token, "GET", "/api/v1/cases", None, None);
    assert_eq!(status, 200, "{page}");
    page["items"]
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .find(|c| c["status"] != "closed" && c["access"] == "owner")
        })
        .and_then(|c| c["id"].as_str())
        .expect("the demo has an open case of the caseworker's agency")
        .to_owned()
}

/// Uploads `file` to the case; the document's JSON.
fn upload(server: &Server, token: &str, case: &str, file: Vec<u8>, title: &str) -> Value {
    let form = reqwest::blocking::multipart::Form::new()
        .text("title", title.to_owned())
        .part(
            "file",
            reqwest::blocking::multipart::Part::bytes(file).file_name("scan.pdf"),
        );
    let res = client()
        .post(server.url(&format!("/api/v1/cases/{case}/documents")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .expect("upload");
    assert_eq!(res.status(), 201, "upload answered {}", res.status());
    res.json().expect("the document")
}

/// The document's content: status and bytes.
fn content(server: &Server, token: &str, id: &str) -> (u16, Vec<u8>) {
    let res = client()
        .get(server.url(&format!("/api/v1/documents/{id}/content")))
        .bearer_auth(token)
        .send()
        .expect("download");
    let status = res.status().as_u16();
    (status, res.bytes().expect("body").to_vec())
}

/// Waits until the document is no longer pending; its scan state.
fn scanned(server: &Server, token: &str, id: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let (status, doc, _) = call(
            server,
            token,
            "GET",
            &format!("/api/v1/documents/{id}"),
            None,
            None,
        );
        assert_eq!(status, 200, "{doc}");
        let state = doc["scan_state"].as_str().unwrap_or_default().to_owned();
        if state != "pending" {
            return state;
        }
        assert!(
            Instant::now() < deadline,
            "not scanned within 40 s:\n{}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The server's environment: the demo, scanning with `clamd` every second, jobs on.
fn env(clamd: &Clamd, mail: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
    let mut env = mail.to_vec();
    env.extend([
        ("SCHAKEL_DOCUMENTS__CLAMD_ADDRESS", clamd.address.clone()),
        ("SCHAKEL_DOCUMENTS__SCAN_INTERVAL_SECS", "1".into()),
        ("SCHAKEL_DOCUMENTS__SCAN_TIMEOUT_SECS", "5".into()),
        ("SCHAKEL_CASEWORK__RUN_JOBS", "true".into()),
    ]);
    env
}

#[test]
fn malware_is_quarantined_never_served_and_the_uploader_is_emailed() {
    let Some((port, maildev)) = smtp() else {
        return;
    };
    let clamd = Clamd::start();
    for backend in selected_backends() {
        let db = TestDb::unmigrated(backend);
        let env = env(&clamd, &mail_env(&port, true));
        let server = Server::start_with(db.url(), &["--demo"], &borrowed(&env));
        let worker = token(&server, WORKER);
        let case = open_case(&server, &worker);
        let bad = upload(&server, &worker, &case, pdf(EICAR), "bijlage");
        let bad_id = bad["id"].as_str().unwrap();
        assert_eq!(bad["scan_state"], "pending");
        assert_eq!(
            content(&server, &worker, bad_id).0,
            409,
            "{backend:?}: not served before its scan"
        );
        let good = upload(
            &server,
            &worker,
            &case,
            pdf("Verklaring, kenmerk 12"),
            "verklaring",
        );
        let good_id = good["id"].as_str().unwrap();
        assert_eq!(
            scanned(&server, &worker, bad_id),
            "quarantined",
            "{backend:?}"
        );
        assert_eq!(scanned(&server, &worker, good_id), "clean", "{backend:?}");
        let (status, body) = content(&server, &worker, bad_id);
        assert_eq!(status, 409, "{backend:?}: quarantined is never served");
        assert!(!String::from_utf8_lossy(&body).contains("EICAR"));
        let (status, body) = content(&server, &worker, good_id);
        assert_eq!(
            (status, body),
            (200, pdf("Verklaring, kenmerk 12")),
            "{backend:?}"
        );
        // The uploader is told, with a link to the case and nothing of the document.
        let deadline = Instant::now() + Duration::from_secs(30);
        let message = loop {
            let all: Vec<Value> = client()
                .get(format!("{maildev}/email"))
                .send()
                .unwrap()
                .json()
                .unwrap();
            if let Some(m) = all.into_iter().find(|m| {
                m["text"]
                    .as_str()
                    .is_some_and(|t| t.contains(&format!("/cases/{case}")))
                    && m["subject"].as_str().is_some_and(|s| s.contains("quarant"))
            }) {
                break m;
            }
            assert!(
                Instant::now() < deadline,
                "{backend:?}: no quarantine email"
            );
            std::thread::sleep(Duration::from_millis(200));
        };
        assert_eq!(message["to"][0]["address"], WORKER, "{backend:?}");
        let text = message["text"].as_str().unwrap();
        assert!(
            !text.contains("bijlage") && !text.contains("EICAR"),
            "{text}"
        );
    }
}

#[test]
fn with_the_scanner_down_uploads_wait_unserved_until_it_is_back() {
    let clamd = Clamd::start();
    for backend in selected_backends() {
        let db = TestDb::unmigrated(backend);
        let env = env(&clamd, &[("SCHAKEL_MAIL__DISPATCH", "false".into())]);
        let server = Server::start_with(db.url(), &["--demo"], &borrowed(&env));
        let worker = token(&server, WORKER);
        let case = open_case(&server, &worker);
        clamd.stop();
        let doc = upload(&server, &worker, &case, pdf("Rapport opvang"), "rapport");
        let id = doc["id"].as_str().unwrap();
        // Several scan runs pass with the daemon down: still waiting, never served.
        std::thread::sleep(Duration::from_secs(4));
        let (status, again, _) = call(
            &server,
            &worker,
            "GET",
            &format!("/api/v1/documents/{id}"),
            None,
            None,
        );
        assert_eq!(
            (status, again["scan_state"].as_str()),
            (200, Some("pending")),
            "{backend:?}"
        );
        assert_eq!(content(&server, &worker, id).0, 409, "{backend:?}");
        assert!(
            server.stderr().contains("malware scanner unreachable"),
            "{backend:?}: the operator is told:\n{}",
            server.stderr()
        );
        clamd.up();
        assert_eq!(scanned(&server, &worker, id), "clean", "{backend:?}");
        let (status, body) = content(&server, &worker, id);
        assert_eq!((status, body), (200, pdf("Rapport opvang")), "{backend:?}");
    }
}
