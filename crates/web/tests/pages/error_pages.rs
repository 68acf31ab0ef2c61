//! What a browser gets when a page cannot be shown, over the API and the pages together
//! as `schakel serve` builds them, on every backend: a role that may not use a page gets
//! the "not for your role" page (never a server error); an unknown address, a method a
//! page does not take and a query the framework refuses get an error page in the
//! viewer's language, or the browser's when signed out; a client that does not ask for
//! HTML, and anything under `/api`, still gets problem+json. The icon is served, and
//! `/favicon.ico` leads to it.

use crate::case_close_pages::{account, agencies, app, login, named, open_case, refer};
use crate::support::{PASSWORD, body, header, service, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::Role;
use schakel_store::testing::{TestDb, selected_backends};

/// What a browser sends when it navigates.
const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// A browser's `GET` of `uri`, signed in with `session` if given: status, headers' type
/// and the body.
macro_rules! browse {
    ($app:expr, $session:expr, $uri:expr) => {
        browse!($app, $session, $uri, BROWSER)
    };
    ($app:expr, $session:expr, $uri:expr, $accept:expr) => {{
        let mut req = TestRequest::get()
            .uri(&$uri)
            .insert_header(("accept", $accept));
        if let Some(s) = $session {
            let s: &Cookie<'static> = s;
            req = req.cookie(s.clone());
        }
        let res = test::call_service(&$app, req.to_request()).await;
        let (status, ct) = (res.status(), header(&res, "content-type"));
        (status, ct, body(res).await)
    }};
}

#[actix_web::test]
async fn a_role_without_the_casework_pages_gets_a_page_that_says_so() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, shelter, _) = agencies(&db);
        let worker = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let case = open_case(
            &db,
            &st,
            &worker,
            named("Noor", "Visser", None),
            "amsterdam",
            "labour",
        );
        let referral = refer(&db, &st, &worker, case.id, shelter);
        for (email, role) in [
            ("analyst@amsterdam.example", Role::Analyst),
            ("auditor@amsterdam.example", Role::Auditor),
            ("admin@amsterdam.example", Role::Admin),
        ] {
            account(&db, home, email, role);
            let session = login!(app, email);
            for uri in [
                "/inbox",
                "/outgoing",
                "/cases",
                "/signals",
                "/drafts",
                "/emergency",
            ] {
                let (status, ct, page) = browse!(app, Some(&session), uri);
                assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}: {role:?} {uri}");
                assert!(ct.starts_with("text/html"), "{role:?} {uri}: {ct}");
                assert!(page.contains("Your role cannot do this."), "{page}");
                assert!(
                    page.contains("action=\"/logout\""),
                    "signed in: the navigation"
                );
            }
            // The sending agency's referral: not for these roles, and no failure.
            let uri = format!("/referrals/{}", referral.id);
            let (status, ct, _) = browse!(app, Some(&session), uri);
            assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}: {role:?} {uri}");
            assert!(ct.starts_with("text/html"), "{role:?} {uri}: {ct}");
        }
    }
}

#[actix_web::test]
async fn an_unknown_address_is_a_page_for_a_browser_and_a_problem_for_a_client() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service!(&db);
        let (home, _, _) = agencies(&db);
        account(&db, home, "cw@amsterdam.example", Role::Caseworker);

        // Signed out: Dutch unless the browser asks for English.
        for uri in ["/whatever", "/cases/x/y/z", "/static/nope.css"] {
            let (status, ct, page) = browse!(app, None, uri);
            assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}: {uri}");
            assert!(ct.starts_with("text/html"), "{uri}: {ct}");
            assert!(page.contains("<html lang=\"nl\">"), "{page}");
            assert!(page.contains("Deze pagina bestaat niet"), "{page}");
            assert!(!page.contains("action=\"/logout\""));
        }
        let res = test::call_service(
            &app,
            TestRequest::get()
                .uri("/whatever")
                .insert_header(("accept", BROWSER))
                .insert_header(("accept-language", "en-GB,en;q=0.9"))
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert!(header(&res, "content-security-policy").contains("default-src 'none'"));
        let page = body(res).await;
        assert!(page.contains("This page does not exist, or you may not see it."));

        // Signed in: the user's language, with the navigation.
        let session = login!(app, "cw@amsterdam.example");
        let (status, _, page) = browse!(app, Some(&session), "/whatever");
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}");
        assert!(page.contains("<html lang=\"en\">") && page.contains("action=\"/logout\""));
        assert!(page.contains("This page does not exist"), "{page}");

        // A client that does not ask for a page, and the API whoever asks: problem+json.
        for (uri, accept) in [
            ("/whatever", "application/json"),
            ("/whatever", "*/*"),
            ("/favicon.png", "image/avif,image/webp,*/*"),
            ("/api/v1/nope", BROWSER),
            ("/api/v2/cases", BROWSER),
            ("/api/v1/nope", "application/json"),
        ] {
            let (status, ct, problem) = browse!(app, Some(&session), uri, accept);
            assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}: {uri} {accept}");
            assert_eq!(ct, "application/problem+json", "{uri} {accept}");
            assert!(
                problem.contains("urn:schakel:problem:not_found"),
                "{problem}"
            );
        }
    }
}

#[actix_web::test]
async fn a_wrong_method_or_query_is_a_page_for_a_browser() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service!(&db);
        let (home, _, _) = agencies(&db);
        account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let session = login!(app, "cw@amsterdam.example");

        // `/inbox` is only read: the page says so, and `Allow` says how.
        let delete = |accept: &'static str| {
            TestRequest::delete()
                .uri("/inbox")
                .cookie(session.clone())
                .insert_header(("accept", accept))
                .to_request()
        };
        let res = test::call_service(&app, delete(BROWSER)).await;
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "{backend:?}");
        assert_eq!(header(&res, "allow"), "GET");
        assert!(header(&res, "content-type").starts_with("text/html"));
        let page = body(res).await;
        assert!(
            page.contains("This page cannot be used this way."),
            "{page}"
        );
        let res = test::call_service(&app, delete("application/json")).await;
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(header(&res, "allow"), "GET");
        assert_eq!(header(&res, "content-type"), "application/problem+json");

        // A form over the size limit, read before the page's handler runs: a page too.
        let res = test::call_service(
            &app,
            TestRequest::post()
                .uri("/signals/new")
                .cookie(session.clone())
                .insert_header(("accept", BROWSER))
                .set_form([("summary", "x".repeat(200 * 1024))])
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE, "{backend:?}");
        assert!(header(&res, "content-type").starts_with("text/html"));
        let page = body(res).await;
        assert!(page.contains("What was sent is too large."), "{page}");

        // A query the framework cannot read (a field twice) is a page, not JSON.
        let (status, ct, page) = browse!(app, Some(&session), "/signals?after=a&after=b");
        assert_eq!(status, StatusCode::BAD_REQUEST, "{backend:?}");
        assert!(ct.starts_with("text/html"), "{ct}");
        assert!(
            page.contains("This address or form is not valid."),
            "{page}"
        );
    }
}

#[actix_web::test]
async fn the_icon_is_served_and_linked_and_the_ico_address_leads_to_it() {
    let db = TestDb::new(selected_backends()[0]);
    let app = service!(&db);
    let res = test::call_service(
        &app,
        TestRequest::get().uri("/static/favicon.svg").to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-type"), "image/svg+xml");
    assert!(header(&res, "cache-control").starts_with("public, max-age="));
    let svg = body(res).await;
    assert!(svg.starts_with("<svg") && !svg.contains("href"), "{svg}");

    let res = test::call_service(
        &app,
        TestRequest::get()
            .uri("/favicon.ico")
            .insert_header(("accept", "image/avif,image/webp,*/*"))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(header(&res, "location"), "/static/favicon.svg");

    let (_, _, login_page) = browse!(app, None, "/login");
    assert!(
        login_page.contains("<link rel=\"icon\" href=\"/static/favicon.svg\""),
        "{login_page}"
    );
}
