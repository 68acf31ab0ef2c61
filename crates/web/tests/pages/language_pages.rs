//! The language of the pages before sign-in, over HTTP, on every backend: the login page
//! follows the browser's `Accept-Language` until a choice is known; its switch to the
//! other language is kept in a cookie (a language code only, `HttpOnly`, `SameSite=Strict`,
//! a year); signing out keeps the user's own language, so the login page after it speaks
//! the language of the pages before it, whatever the browser says; saving the
//! preferences keeps the language chosen there.

use crate::case_close_pages::{account, agencies, app, get, hidden, login};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::test::{self, TestRequest};
use schakel_domain::Role;
use schakel_store::testing::{TestDb, selected_backends};

const LANG: &str = "__Host-schakel_lang";

/// The login page as a browser asking for `$accept` (and sending the language `$lang`,
/// if any) sees it: the language of its heading, and the language cookie it sets.
macro_rules! login_page {
    ($app:expr, $uri:expr, $accept:expr, $lang:expr) => {{
        let mut req = TestRequest::get()
            .uri($uri)
            .insert_header(("accept-language", $accept));
        let lang: Option<&str> = $lang;
        if let Some(l) = lang {
            req = req.cookie(Cookie::new(LANG, l.to_owned()));
        }
        let res = test::call_service(&$app, req.to_request()).await;
        let kept = res
            .response()
            .cookies()
            .find(|c| c.name() == LANG)
            .map(|c| c.into_owned());
        let page = body(res).await;
        let heading = if page.contains("<h1>Inloggen</h1>") {
            "nl"
        } else if page.contains("<h1>Log in</h1>") {
            "en"
        } else {
            panic!("a login page: {page}")
        };
        (heading.to_owned(), kept)
    }};
}

#[actix_web::test]
async fn the_login_page_speaks_the_language_chosen_last() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        account(&db, home, "cw@amsterdam.example", Role::Caseworker);

        // The browser's language, until a choice is known; no cookie set.
        assert_eq!(
            login_page!(app, "/login", "nl-NL", None),
            ("nl".to_owned(), None)
        );
        assert_eq!(login_page!(app, "/login", "en-GB", None).0, "en");

        // The switch: English at once, kept for a year, a language code only.
        let (lang, kept) = login_page!(app, "/login?lang=en", "nl-NL", None);
        assert_eq!(lang, "en", "{backend:?}");
        let kept = kept.expect("the choice is kept");
        assert_eq!(kept.value(), "en");
        assert!(kept.http_only() == Some(true) && kept.same_site() == Some(SameSite::Strict));
        assert_eq!(
            kept.max_age(),
            Some(actix_web::cookie::time::Duration::days(365))
        );
        assert_eq!(login_page!(app, "/login", "nl-NL", Some("en")).0, "en");
        // Anything else in the cookie is no choice.
        assert_eq!(login_page!(app, "/login", "nl-NL", Some("<x>")).0, "nl");
        assert_eq!(
            login_page!(app, "/login?lang=xx", "nl-NL", None),
            ("nl".to_owned(), None)
        );

        // Signing out keeps the user's language (English, this account's).
        let session = login!(app, "cw@amsterdam.example");
        let (_, home_page) = get!(app, session, "/");
        let csrf = hidden(&home_page, "csrf");
        let res = test::call_service(
            &app,
            TestRequest::post()
                .uri("/logout")
                .cookie(session.clone())
                .set_form([("csrf", csrf.as_str())])
                .to_request(),
        )
        .await;
        let kept = res
            .response()
            .cookies()
            .find(|c| c.name() == LANG)
            .map(|c| c.value().to_owned());
        assert_eq!(kept.as_deref(), Some("en"), "{backend:?}");

        // Saving the preferences in Dutch keeps Dutch.
        let session = login!(app, "cw@amsterdam.example");
        let (_, prefs) = get!(app, session, "/account/preferences");
        let csrf = hidden(&prefs, "csrf");
        let res = test::call_service(
            &app,
            TestRequest::post()
                .uri("/account/preferences")
                .cookie(session.clone())
                .set_form([
                    ("csrf", csrf.as_str()),
                    ("locale", "nl"),
                    ("notify", "immediate"),
                ])
                .to_request(),
        )
        .await;
        let kept = res
            .response()
            .cookies()
            .find(|c| c.name() == LANG)
            .map(|c| c.value().to_owned());
        assert_eq!(kept.as_deref(), Some("nl"), "{backend:?}");
    }
}
