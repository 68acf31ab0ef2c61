//! The auditor's "who saw this person" and the trail's export over HTTP, on every
//! backend: the lookup by a case or by the person's details leads to the trail filtered
//! by the person's reference, never showing who they are; a case that does not exist or
//! too few details return with a message; the export carries the page's filters as CSV
//! or JSON lines, an attachment; each lookup and export is audited; anyone else gets 404.

use crate::case_close_pages::{account, agencies, app, get, hidden, login, named, open_case};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::Role;
use schakel_store::testing::{TestDb, selected_backends};

/// Successful entries of `action`.
fn successes(db: &TestDb, action: &str) -> usize {
    let mut conn = db.pool.get().unwrap();
    let filter = schakel_audit::AuditFilter {
        action: Some(schakel_audit::ActionCode::parse(action).unwrap()),
        ..Default::default()
    };
    let page = schakel_audit::PageRequest {
        before_seq: None,
        limit: 500,
    };
    schakel_audit::query(&mut conn, &filter, page)
        .unwrap()
        .entries
        .iter()
        .filter(|e| e.outcome.as_str() == "success")
        .count()
}

/// Posts `fields` to `uri`: status, `Location`, page.
macro_rules! send {
    ($app:expr, $session:expr, $uri:expr, $fields:expr) => {{
        let res = test::call_service(
            &$app,
            TestRequest::post()
                .uri($uri)
                .cookie($session.clone())
                .set_form($fields)
                .to_request(),
        )
        .await;
        (res.status(), header(&res, "location"))
    }};
}

#[actix_web::test]
async fn the_auditor_finds_who_saw_a_person_and_exports_the_trail() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        let worker = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        account(&db, home, "au@amsterdam.example", Role::Auditor);
        let person = named("Noor", "Visser", Some("1990-04-02"));
        let case = open_case(&db, &st, &worker, person, "amsterdam", "labour");
        let cw = login!(app, "cw@amsterdam.example");
        let (status, _) = get!(app, cw, format!("/cases/{}", case.id));
        assert_eq!(status, StatusCode::OK, "{backend:?}");

        let au = login!(app, "au@amsterdam.example");
        let (status, page) = get!(app, au, "/audit");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("<h2 id=\"who-saw-title\">Who saw this person?</h2>"));
        assert!(page.contains("action=\"/audit/who-saw\""));
        assert!(page.contains("action=\"/audit/export.csv\""));
        assert!(page.contains("formaction=\"/audit/export.jsonl\""));
        let csrf = hidden(&page, "csrf");
        let home = home.to_string();

        // By the case: to the trail of the person, who read it.
        let by_case = [
            ("csrf", csrf.as_str()),
            ("agency_id", home.as_str()),
            ("reference", case.reference.as_str()),
        ];
        let (status, to) = send!(app, au, "/audit/who-saw", by_case);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert!(to.starts_with("/audit?subject="), "{to}");
        assert!(!to.contains("Visser") && !to.contains("1990"));
        let (status, trail) = get!(app, au, to);
        assert_eq!(status, StatusCode::OK);
        assert!(trail.contains("<code>case.read</code>"), "{trail}");
        assert!(!trail.contains("Visser") && !trail.contains("Noor"));
        // The export keeps the filter.
        let subject = to.trim_start_matches("/audit?subject=").to_owned();
        assert!(trail.contains(&format!(
            "name=\"subject\" value=\"{}\"",
            subject.replace("%3A", ":")
        )));

        // By the person's details: the same person.
        let by_person = [
            ("csrf", csrf.as_str()),
            ("agency_id", ""),
            ("reference", ""),
            ("family_name", "Visser"),
            ("given_names", "Noor"),
            ("date_of_birth", "1990-04-02"),
            ("gender", "female"),
        ];
        let (status, to) = send!(app, au, "/audit/who-saw", by_person);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert!(to.starts_with("/audit?subject="), "{to}");

        // No such case, too few details: back with a message.
        let missing = [
            ("csrf", csrf.as_str()),
            ("agency_id", home.as_str()),
            ("reference", "2020-999999"),
        ];
        let (_, to) = send!(app, au, "/audit/who-saw", missing);
        assert_eq!(to, "/audit?lookup=not_found#who-saw");
        let (_, page) = get!(app, au, "/audit?lookup=not_found");
        assert!(page.contains("That agency has no case with this reference."));
        let few = [("csrf", csrf.as_str()), ("family_name", "Visser")];
        let (_, to) = send!(app, au, "/audit/who-saw", few);
        assert_eq!(to, "/audit?lookup=incomplete#who-saw");
        let bad = [("csrf", csrf.as_str()), ("date_of_birth", "2 april")];
        let (_, to) = send!(app, au, "/audit/who-saw", bad);
        assert_eq!(to, "/audit?lookup=incomplete#who-saw");
        let (_, page) = get!(app, au, "/audit?lookup=incomplete");
        assert!(page.contains("full date of birth and gender"));

        // The export, as CSV and as JSON lines, with the filter.
        let res = test::call_service(
            &app,
            TestRequest::get()
                .uri(&format!("/audit/export.csv?subject={subject}"))
                .cookie(au.clone())
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        assert!(header(&res, "content-type").starts_with("text/csv"));
        assert_eq!(
            header(&res, "content-disposition"),
            "attachment; filename=\"schakel-audit.csv\""
        );
        let csv = body(res).await;
        assert!(csv.starts_with("seq,"), "{csv}");
        assert!(csv.contains("case.read") && !csv.contains("auth.login"));
        assert!(!csv.contains("Visser"));
        crate::support::seal(&db);
        let res = test::call_service(
            &app,
            TestRequest::get()
                .uri(&format!("/audit/export.jsonl?subject={subject}"))
                .cookie(au.clone())
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(header(&res, "content-type"), "application/x-ndjson");
        let lines = body(res).await;
        assert!(lines.lines().count() >= 1);
        for line in lines.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(v["seq"].is_i64(), "{line}");
        }
        let res = test::call_service(
            &app,
            TestRequest::get()
                .uri("/audit/export.csv?kind=X")
                .cookie(au.clone())
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);

        assert_eq!(successes(&db, "audit.subject_lookup"), 2, "{backend:?}");
        assert_eq!(successes(&db, "audit.export"), 2, "{backend:?}");

        // Anyone else: 404, and nothing looked up or exported.
        let (_, page) = get!(app, cw, "/");
        let cw_csrf = hidden(&page, "csrf");
        for uri in ["/audit/export.csv", "/audit/export.jsonl?kind=R"] {
            let (status, _) = get!(app, cw, uri);
            assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}: {uri}");
        }
        let form = [
            ("csrf", cw_csrf.as_str()),
            ("agency_id", home.as_str()),
            ("reference", case.reference.as_str()),
        ];
        let (status, _) = send!(app, cw, "/audit/who-saw", form);
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}");
        assert_eq!(successes(&db, "audit.subject_lookup"), 2);
        assert_eq!(successes(&db, "audit.export"), 2);
    }
}

#[actix_web::test]
async fn the_trail_marks_entries_not_yet_sealed_until_the_sealer_links_them() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        let worker = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        account(&db, home, "au@amsterdam.example", Role::Auditor);
        let person = named("Noor", "Visser", Some("1990-04-02"));
        let case = open_case(&db, &st, &worker, person, "amsterdam", "labour");
        let cw = login!(app, "cw@amsterdam.example");
        let (status, _) = get!(app, cw, format!("/cases/{}", case.id));
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        let au = login!(app, "au@amsterdam.example");
        let unsealed = |page: &str| page.matches(">not yet sealed</span>").count();

        // No sealer runs beside this application.
        let (_, before) = get!(app, au, "/audit");
        let (_, after) = {
            crate::support::seal(&db);
            get!(app, au, "/audit")
        };
        match backend {
            schakel_store::Backend::Sqlite => {
                assert_eq!(
                    unsealed(&before) + unsealed(&after),
                    0,
                    "sealed as appended"
                );
            }
            schakel_store::Backend::Postgres => {
                assert!(
                    unsealed(&before) >= 3,
                    "logins and the reading wait:\n{before}"
                );
                assert!(
                    before.contains("title=\"Not yet linked into the chain"),
                    "the label explains itself"
                );
                // At most the page's own reading, recorded as it was made, still waits.
                assert!(unsealed(&after) <= 1, "sealed:\n{after}");
            }
        }
    }
}
