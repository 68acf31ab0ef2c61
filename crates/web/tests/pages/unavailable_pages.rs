//! The pages while the database gives no connection (its server gone, every connection
//! taken): a signed-in viewer's page and the login form answer `503` with the page that
//! says nothing was saved and to try again later, in the viewer's language, never a
//! bare server error; once a connection is free again the same requests are answered as
//! usual. On every backend; the pages' pool here has one connection, held by the test to
//! take the database away.

use crate::case_close_pages::{account, agencies, app, get, login, login_form};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::Role;
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::{DatabaseTarget, PoolOptions, build_pool};
use std::time::Duration;

/// Whether `page` is the unavailable page (English or Dutch).
fn says_unavailable(page: &str) -> bool {
    page.contains("nothing was saved") || page.contains("er is niets opgeslagen")
}

#[actix_web::test]
async fn without_a_database_connection_pages_and_the_login_form_ask_to_try_again_later() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let mut st = state(&db);
        let target = DatabaseTarget::parse(db.url()).unwrap();
        let options = PoolOptions {
            max_size: 1,
            connection_timeout: Duration::from_millis(300),
            min_idle: 0,
        };
        st.pool = build_pool(&target, options).unwrap();
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        account(&db, home, "admin@amsterdam.example", Role::Admin);
        let worker = login!(app, "cw@amsterdam.example");
        let admin = login!(app, "admin@amsterdam.example");
        let (login_cookie, csrf) = login_form!(app);
        let sign_in = || {
            TestRequest::post()
                .uri("/login")
                .cookie(login_cookie.clone())
                .set_form([
                    ("csrf", csrf.as_str()),
                    ("email", "cw@amsterdam.example"),
                    ("password", PASSWORD),
                ])
                .to_request()
        };

        let held = st.pool.get().unwrap();
        for (who, uri) in [
            (&worker, "/cases"),
            (&worker, "/signals/new"),
            (&worker, "/account/password"),
            (&admin, "/admin/users"),
            (&admin, "/admin/agencies"),
        ] {
            let (status, page) = get!(app, who, uri);
            assert_eq!(
                status,
                StatusCode::SERVICE_UNAVAILABLE,
                "{backend:?} {uri}: {page}"
            );
            assert!(says_unavailable(&page), "{backend:?} {uri}: {page}");
        }
        let res = test::call_service(&app, sign_in()).await;
        assert_eq!(
            res.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "{backend:?}: login"
        );
        assert_eq!(header(&res, "set-cookie"), "", "no session is opened");
        assert!(says_unavailable(&body(res).await), "{backend:?}: login");

        drop(held);
        for (who, uri) in [(&worker, "/cases"), (&admin, "/admin/users")] {
            let (status, page) = get!(app, who, uri);
            assert_eq!(status, StatusCode::OK, "{backend:?} {uri} again: {page}");
        }
        let res = test::call_service(&app, sign_in()).await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "{backend:?}: login again"
        );
    }
}
