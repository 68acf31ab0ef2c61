//! Recovery codes of the second factor in the pages, over HTTP, on every backend: the
//! first confirmed authenticator is followed by the ten codes, shown once and never
//! cached; the password page says how many are left; a later sign-in takes a code in
//! place of the app's, once; new codes replace the old.

use crate::case_close_pages::{account, agencies, app, get, hidden, login, post};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_auth::AuthConfig;
use schakel_domain::Role;
use schakel_store::testing::{TestDb, selected_backends};
use std::sync::Arc;

/// The codes listed on a codes page.
fn codes_of(page: &str) -> Vec<String> {
    let list = &page[page.find("id=\"recovery-codes\"").expect(page)..];
    let list = &list[..list.find("</ol>").unwrap()];
    list.split("<li><code>")
        .skip(1)
        .map(|c| c.split("</code>").next().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn recovery_codes_follow_the_first_enrolment_and_stand_in_for_the_app_once() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let mut st = state(&db);
        let mut auth = (*st.auth).clone();
        auth.mfa_required = AuthConfig::default().mfa_required;
        st.auth = Arc::new(auth);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        let who = account(&db, home, "cw@amsterdam.example", Role::Caseworker);

        // Enrolment: the app's first code, then the codes, once.
        let first = login!(app, "cw@amsterdam.example", "/login/code");
        let (_, page) = get!(app, first, "/login/code");
        let csrf = hidden(&page, "csrf");
        let code = {
            let mut conn = db.pool.get().unwrap();
            let u = schakel_store::users::find(&mut conn, who.user_id).unwrap();
            let secret = schakel_auth::login::totp_secret(&st.auth, &u).unwrap();
            schakel_auth::totp::code_at(&secret, chrono::Utc::now()).unwrap()
        };
        let res = test::call_service(
            &app,
            TestRequest::post()
                .uri("/login/code")
                .cookie(first.clone())
                .set_form([("csrf", csrf.as_str()), ("code", code.as_str())])
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        assert_eq!(header(&res, "cache-control"), "no-store");
        let page = body(res).await;
        assert!(page.contains("<h1>Your recovery codes</h1>"), "{page}");
        assert!(page.contains("id=\"recovery-next\" href=\"/\""));
        let codes = codes_of(&page);
        assert_eq!(codes.len(), 10, "{page}");
        let (_, account_page) = get!(app, first, "/account/password");
        assert!(
            account_page.contains("You have 10 unused recovery codes"),
            "{account_page}"
        );

        // A lost phone: a code instead of the app's, then on to the start page.
        let lost = login!(app, "cw@amsterdam.example", "/login/code");
        let (_, page) = get!(app, lost, "/login/code");
        assert!(page.contains("Lost your phone?"));
        let csrf = hidden(&page, "csrf");
        let fields = [("csrf", csrf.as_str()), ("code", codes[0].as_str())];
        let (status, to, _) = post!(app, lost, "/login/code", &fields);
        assert_eq!(
            (status, to.as_str()),
            (StatusCode::SEE_OTHER, "/"),
            "{backend:?}"
        );
        let (_, account_page) = get!(app, lost, "/account/password");
        assert!(account_page.contains("You have 9 unused recovery codes"));

        // Used once: the same code is refused the next time.
        let again = login!(app, "cw@amsterdam.example", "/login/code");
        let (_, page) = get!(app, again, "/login/code");
        let csrf = hidden(&page, "csrf");
        let fields = [("csrf", csrf.as_str()), ("code", codes[0].as_str())];
        let (status, _, _) = post!(app, again, "/login/code", &fields);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");

        // New codes from the password page: shown once, and the old ones void.
        let csrf = hidden(&account_page, "csrf");
        let (status, _, page) = post!(
            app,
            lost,
            "/account/recovery-codes",
            &[("csrf", csrf.as_str())]
        );
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        let fresh = codes_of(&page);
        assert_eq!(fresh.len(), 10);
        assert!(fresh.iter().all(|c| !codes.contains(c)));
        let (_, account_page) = get!(app, lost, "/account/password");
        assert!(account_page.contains("You have 10 unused recovery codes"));
        let later = login!(app, "cw@amsterdam.example", "/login/code");
        let (_, page) = get!(app, later, "/login/code");
        let csrf = hidden(&page, "csrf");
        let fields = [("csrf", csrf.as_str()), ("code", codes[1].as_str())];
        let (status, _, _) = post!(app, later, "/login/code", &fields);
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "an old code is void"
        );
    }
}
