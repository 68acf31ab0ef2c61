//! The login page while every password-hashing thread and the queue before them are
//! taken: the form answers at once with a page that asks to try again in a few seconds
//! (503 with `Retry-After`), opens no session, reads and counts nothing; once a place is
//! free the same form signs in.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::case_close_pages::{account, agencies, app, hidden};
use crate::support::{PASSWORD, body, header, state};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_auth::hash_pool::HashPool;
use schakel_domain::Role;
use schakel_store::testing::{TestDb, selected_backends};

#[actix_web::test]
async fn a_login_while_hashing_is_full_asks_to_try_again_and_counts_nothing() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let mut st = state(&db);
        let pool = HashPool::start(1, 0).unwrap();
        st.hashing = pool.clone();
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let res = test::call_service(&app, TestRequest::get().uri("/login").to_request()).await;
        let cookie = res
            .response()
            .cookies()
            .find(|c| c.name() == "__Host-schakel_login")
            .unwrap()
            .into_owned();
        let page = body(res).await;
        let form = [
            ("csrf", hidden(&page, "csrf")),
            ("email", "cw@amsterdam.example".to_owned()),
            ("password", PASSWORD.to_owned()),
        ];
        let send = || {
            TestRequest::post()
                .uri("/login")
                .insert_header(("accept-language", "en"))
                .cookie(cookie.clone())
                .set_form(form.clone())
                .to_request()
        };

        // The one place is taken, as by a login still hashing.
        let taken = pool.admit().unwrap();
        let res = test::call_service(&app, send()).await;
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "{backend:?}");
        assert_eq!(header(&res, "retry-after"), "1");
        assert!(
            res.response()
                .cookies()
                .all(|c| c.name() != "__Host-schakel_session")
        );
        let page = body(res).await;
        assert!(
            page.contains("Many people are signing in at this moment."),
            "{backend:?}: {page}"
        );
        let logins = "SELECT COUNT(*) AS n FROM audit_entries WHERE action = 'auth.login'";
        assert_eq!(db.count(logins), 0, "{backend:?}: nothing read or counted");

        drop(taken);
        let res = test::call_service(&app, send()).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert!(
            res.response()
                .cookies()
                .any(|c| c.name() == "__Host-schakel_session")
        );
        assert_eq!(db.count(logins), 1, "{backend:?}");
        assert_eq!(pool.in_use(), 0);
    }
}
