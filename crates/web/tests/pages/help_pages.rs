//! The help page over HTTP, on every backend: every signed-in user finds it in the
//! navigation and reads it in their language, with links to the pages their role may
//! use; an anonymous visitor is sent to log in. The user guide in `docs/` says what the
//! English page says.

use crate::case_close_pages::{account, agencies, app, get, hidden, login};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::Role;
use schakel_store::testing::{TestDb, selected_backends};
use std::collections::BTreeMap;

/// The navigation's link to the help page, in English and in Dutch.
const NAV_LINK: &str = "<li><a href=\"/help\">Help</a></li>";

#[actix_web::test]
async fn a_caseworker_reads_the_help_page_in_english_and_in_dutch() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let nl = account(&db, home, "nl@amsterdam.example", Role::Caseworker);
        {
            let mut conn = db.pool.get().unwrap();
            schakel_store::users::set_locale(&mut conn, nl.user_id, "nl", chrono::Utc::now())
                .unwrap();
        }

        // Linked from every page's navigation, English.
        let session = login!(app, "cw@amsterdam.example");
        let (_, start) = get!(app, session, "/");
        assert!(start.contains(NAV_LINK), "{backend:?}: {start}");
        let (status, page) = get!(app, session, "/help");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("<html lang=\"en\">") && page.contains("<h1>Help</h1>"));
        assert!(page.contains(NAV_LINK));
        assert!(
            page.contains("<a href=\"#help-find\">Finding a case</a>"),
            "{page}"
        );
        assert!(page.contains("<h2 id=\"help-find\">Finding a case</h2>"));
        for words in [
            "such as 2026-000123",
            "(van der Berg finds Van der Berg, not Berg)",
            "for 30 minutes after writing it",
            "Only your own agency sees this record.",
            "only coordinators decide",
            "For auditors: the audit trail",
        ] {
            assert!(page.contains(words), "{words}");
        }
        assert!(page.contains("<a class=\"action\" href=\"/cases\">Open the case list</a>"));
        assert!(page.contains("href=\"/inbox\">Open the inbox</a>"));
        assert!(!page.contains("href=\"/analyst\"") && !page.contains("href=\"/audit\""));
        assert!(!page.contains(">help."), "every text is in the catalog");
        let csrf = hidden(&page, "csrf");
        assert!(!csrf.is_empty(), "the page is signed in");

        // The same page in Dutch, for a user who chose Dutch.
        let session = login!(app, "nl@amsterdam.example");
        let (status, page) = get!(app, session, "/help");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("<html lang=\"nl\">") && page.contains(NAV_LINK));
        assert!(
            page.contains("<h2 id=\"help-find\">Een casus vinden</h2>"),
            "{page}"
        );
        assert!(page.contains("zoals 2026-000123"));
        assert!(page.contains("alleen coördinatoren beslissen"));
        assert!(page.contains("href=\"/cases\">Naar de casussen</a>"));
        assert!(!page.contains("Finding a case") && !page.contains(">help."));
    }
}

#[actix_web::test]
async fn other_roles_read_it_too_with_links_to_their_own_pages() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        account(&db, home, "analyst@amsterdam.example", Role::Analyst);
        account(&db, home, "admin@amsterdam.example", Role::Admin);

        let session = login!(app, "analyst@amsterdam.example");
        let (status, page) = get!(app, session, "/help");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains(NAV_LINK));
        assert!(page.contains("href=\"/analyst\">Open the dashboard</a>"));
        assert!(page.contains("href=\"/analyst/estimate\">Open the estimate</a>"));
        assert!(!page.contains("href=\"/cases\"") && !page.contains("href=\"/inbox\""));

        let session = login!(app, "admin@amsterdam.example");
        let (status, page) = get!(app, session, "/help");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("href=\"/admin/agencies\">Manage the agencies</a>"));
        assert!(page.contains("href=\"/admin/requests\">Open the requests</a>"));
        assert!(page.contains("Nobody approves their own request"));
        assert!(page.contains("Administrators never see cases or persons."));
    }
}

#[actix_web::test]
async fn an_anonymous_visitor_is_sent_to_log_in() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = app!(state(&db));
        let res = test::call_service(&app, TestRequest::get().uri("/help").to_request()).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(header(&res, "location"), "/login");
        let page = body(res).await;
        assert!(!page.contains("Finding a case"));
    }
}

/// Folds runs of white space into one space.
fn folded(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_user_guide_says_what_the_english_help_page_says() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let en: BTreeMap<String, String> =
        toml::from_str(&std::fs::read_to_string(root.join("locales/en.toml")).unwrap()).unwrap();
    let guide = std::fs::read_to_string(root.join("../../docs/user-guide.md")).unwrap();
    let guide = folded(&guide);
    let texts: Vec<_> = en
        .iter()
        .filter(|(k, _)| k.starts_with("help.") && !k.starts_with("help.go."))
        .filter(|(k, _)| !matches!(k.as_str(), "help.title" | "help.contents"))
        .collect();
    assert!(texts.len() > 30, "{}", texts.len());
    for (key, text) in texts {
        let text = folded(text);
        let found = if key.ends_with(".title") {
            guide.contains(&format!("## {text} "))
        } else {
            guide.contains(&text)
        };
        assert!(found, "{key} is not in docs/user-guide.md: {text}");
    }
}
