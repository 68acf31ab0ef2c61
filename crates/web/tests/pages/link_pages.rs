//! The pages behind emailed links, on every backend: a recovery link's page sets a new
//! password with which the person then logs in (the old one no longer works); a used or
//! invented code, a mismatch and a weak password are each refused next to their field
//! with the code kept; a form without its cookie-bound token changes nothing; the page
//! may run only this site's own script.

use crate::support::{body, csrf_of, state};
use actix_web::App;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use diesel::prelude::*;
use schakel_auth::RequestContext;
use schakel_domain::{AgencyKind, Region, Role};
use schakel_store::agencies::{self, NewAgency};
use schakel_store::schema::outbox;
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users::{self, NewUser};
use schakel_web::WebState;
use secrecy::SecretString;

const OLD: &str = "kompas tulp regen wolk";
const NEW: &str = "vuurtoren meeuw zoutwater 7";
const EMAIL: &str = "vergeten@opvang.example";

/// A coordinator who asked for a recovery link; returns its code (as the email has it).
fn forgotten(db: &TestDb, st: &WebState) -> String {
    let mut conn = db.pool.get().unwrap();
    let now = chrono::Utc::now();
    let agency = agencies::insert(
        &mut conn,
        &NewAgency {
            name: "Opvang Noord",
            kind: AgencyKind::ShelterOther,
            region: Region::NoordNederland,
            contact_email: "balie@opvang.example",
        },
        now,
    )
    .unwrap();
    let hash = schakel_auth::password::hash(&SecretString::from(OLD)).unwrap();
    users::insert(
        &mut conn,
        &NewUser {
            agency_id: agency.id,
            email: EMAIL,
            display_name: "Joost Vergeten",
            role: Role::Coordinator,
            locale: "nl",
            password_hash: Some(&hash),
        },
        now,
    )
    .unwrap();
    let ctx = RequestContext {
        source_ip: None,
        request_id: None,
        user_agent: None,
    };
    schakel_auth::request_password_reset(&mut conn, &st.auth, EMAIL, &ctx, now).unwrap();
    let payload: String = outbox::table
        .filter(outbox::topic.eq("password_reset"))
        .select(outbox::payload)
        .first(&mut *conn)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&payload).unwrap();
    v["token"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_recovery_link_sets_a_new_password_and_refuses_bad_input_next_to_the_field() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let code = forgotten(&db, &st);
        let app =
            test::init_service(App::new().configure(|c| schakel_web::configure(c, st.clone())))
                .await;

        // The page: in the browser's language, only this site's script, a fresh token.
        let res = test::call_service(
            &app,
            TestRequest::get()
                .uri("/password-reset")
                .insert_header(("accept-language", "nl"))
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        let csp = res
            .headers()
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe"),
            "{csp}"
        );
        let cookie = res
            .response()
            .cookies()
            .find(|c| c.name() == "__Host-schakel_link")
            .unwrap()
            .into_owned();
        let page = body(res).await;
        assert!(page.contains("Een nieuw wachtwoord kiezen"), "{page}");
        assert!(page.contains("<script src=\"/static/link.js\"></script>"));
        let csrf = csrf_of(&page);
        let post = |form: Vec<(&str, &str)>, with_cookie: bool| {
            let mut req = TestRequest::post()
                .uri("/password-reset")
                .insert_header(("accept-language", "en"))
                .set_form(form);
            if with_cookie {
                req = req.cookie(cookie.clone());
            }
            req.to_request()
        };

        // Without the cookie: refused, nothing changes.
        let res = test::call_service(
            &app,
            post(
                vec![
                    ("csrf", &csrf),
                    ("token", &code),
                    ("new", NEW),
                    ("again", NEW),
                ],
                false,
            ),
        )
        .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{backend:?}");

        // A mismatch and a weak password: next to their field, the code kept.
        let res = test::call_service(
            &app,
            post(
                vec![
                    ("csrf", &csrf),
                    ("token", &code),
                    ("new", NEW),
                    ("again", "iets anders"),
                ],
                true,
            ),
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body(res).await;
        assert!(page.contains("id=\"again-error\""), "{page}");
        assert!(
            page.contains(&format!("value=\"{code}\"")),
            "the code is kept"
        );
        let res = test::call_service(
            &app,
            post(
                vec![
                    ("csrf", &csrf),
                    ("token", &code),
                    ("new", "kort"),
                    ("again", "kort"),
                ],
                true,
            ),
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body(res).await.contains("id=\"new-error\""));

        // An invented code: refused next to the code field.
        let res = test::call_service(
            &app,
            post(
                vec![
                    ("csrf", &csrf),
                    ("token", "bestaat-niet"),
                    ("new", NEW),
                    ("again", NEW),
                ],
                true,
            ),
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body(res).await;
        assert!(
            page.contains("id=\"token-error\"")
                && page.contains("unknown, already used or expired"),
            "{page}"
        );

        // The real code: the password is set; a second use is refused.
        let res = test::call_service(
            &app,
            post(
                vec![
                    ("csrf", &csrf),
                    ("token", &code),
                    ("new", NEW),
                    ("again", NEW),
                ],
                true,
            ),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        assert!(body(res).await.contains("Your password is set."));
        let res = test::call_service(
            &app,
            post(
                vec![
                    ("csrf", &csrf),
                    ("token", &code),
                    ("new", NEW),
                    ("again", NEW),
                ],
                true,
            ),
        )
        .await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "a link works once"
        );

        // The new password logs in; the old one no longer does.
        let mut conn = db.pool.get().unwrap();
        let ctx = RequestContext {
            source_ip: None,
            request_id: None,
            user_agent: None,
        };
        let now = chrono::Utc::now();
        for (password, works) in [(NEW, true), (OLD, false)] {
            let got = schakel_auth::login::login(
                &mut conn,
                &st.auth,
                EMAIL,
                &SecretString::from(password),
                &ctx,
                now,
            );
            assert_eq!(
                got.is_ok(),
                works,
                "{backend:?}: logging in with {password}"
            );
        }
    }
}

#[actix_web::test]
async fn the_invitation_page_and_its_script_are_served() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app =
            test::init_service(App::new().configure(|c| schakel_web::configure(c, st.clone())))
                .await;
        let res = test::call_service(
            &app,
            TestRequest::get()
                .uri("/invitation")
                .insert_header(("accept-language", "en"))
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        let page = body(res).await;
        assert!(page.contains("Welcome to Schakel") && page.contains("<label for=\"token\">"));
        let res =
            test::call_service(&app, TestRequest::get().uri("/static/link.js").to_request()).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(
            body(res).await.contains("getElementById('token')"),
            "the script fills the code field"
        );
    }
}
