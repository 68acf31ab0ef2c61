//! One's own sessions on the password page, over HTTP, on every backend: signed in from
//! two browsers, the page lists both with browser, address and times, the one in use
//! marked and without a button; ending the other is confirmed and signs that browser
//! out at once; a forged form ends nothing.

use crate::case_close_pages::{account, agencies, app, get, hidden, login, post};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::Role;
use schakel_store::testing::{TestDb, selected_backends};

#[actix_web::test]
async fn a_user_ends_a_session_on_another_browser_from_the_password_page() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let desk = login!(app, "cw@amsterdam.example");
        let other = login!(app, "cw@amsterdam.example");

        let (status, page) = get!(app, desk, "/account/password");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            page.contains("Your sessions, the current one first"),
            "{page}"
        );
        assert_eq!(
            page.matches("action=\"/account/sessions/").count(),
            1,
            "{page}"
        );
        assert!(page.contains("<strong>this session</strong>"));
        let at = page.find("action=\"/account/sessions/").unwrap() + 26;
        let end = page[at..].find('"').unwrap();
        let action = format!("/account/sessions/{}", &page[at..at + end]);
        assert!(action.ends_with("/end"), "{action}");

        // A forged form (no token) ends nothing.
        let (status, _, _) = post!(app, desk, &action, &[("csrf", "forged")]);
        assert_ne!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let (status, _) = get!(app, other, "/account/password");
        assert_eq!(
            status,
            StatusCode::OK,
            "the other browser is still signed in"
        );

        let csrf = hidden(&page, "csrf");
        let (status, to, _) = post!(app, desk, &action, &[("csrf", csrf.as_str())]);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, "/account/password?done=session_ended#sessions");
        let (_, page) = get!(app, desk, "/account/password?done=session_ended");
        assert!(page.contains("The session has ended"), "{page}");
        assert_eq!(page.matches("action=\"/account/sessions/").count(), 0);
        let (status, _) = get!(app, other, "/account/password");
        assert_ne!(status, StatusCode::OK, "the other browser is signed out");
    }
}
