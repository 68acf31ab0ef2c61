//! Getting back into an account, over HTTP, on every backend. The enrolment page draws
//! the authenticator's setup link as a QR code in inline SVG (the modules are those of
//! the same URI; no image, script or other request), with the key grouped for typing,
//! the link itself, and no caching. The login page links to "Forgot your password?",
//! whose form answers a known, an unknown and a deactivated address with the same page,
//! byte for byte, while only the known one gets a recovery email; a form without its
//! cookie-bound token or with a malformed address sends nothing. The admin sends a user
//! of another agency a recovery link in two steps (audited as the admin's), not to a
//! deactivated or still-invited account; any other role gets 404.

use crate::case_close_pages::{account, agencies, app, get, hidden, login, post};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use diesel::prelude::*;
use schakel_auth::AuthConfig;
use schakel_domain::{AgencyId, Role};
use schakel_store::schema::outbox;
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users::{self, NewUser};
use std::sync::Arc;

/// The user ids the queued recovery emails go to.
fn reset_emails(db: &TestDb) -> Vec<String> {
    let mut conn = db.pool.get().unwrap();
    let payloads: Vec<String> = outbox::table
        .filter(outbox::topic.eq("password_reset"))
        .select(outbox::payload)
        .load(&mut *conn)
        .unwrap();
    payloads
        .iter()
        .map(|p| {
            let v: serde_json::Value = serde_json::from_str(p).unwrap();
            v["user_id"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// The outcomes of the audit entries of `action`, oldest first.
fn outcomes(db: &TestDb, action: &str) -> Vec<String> {
    let mut conn = db.pool.get().unwrap();
    let filter = schakel_audit::AuditFilter {
        action: Some(schakel_audit::ActionCode::parse(action).unwrap()),
        ..Default::default()
    };
    let page = schakel_audit::PageRequest {
        before_seq: None,
        limit: 500,
    };
    let mut all: Vec<String> = schakel_audit::query(&mut conn, &filter, page)
        .unwrap()
        .entries
        .iter()
        .map(|e| e.outcome.as_str().to_owned())
        .collect();
    all.reverse();
    all
}

/// An account still waiting for its invitation to be accepted (no password).
fn invited(db: &TestDb, agency: AgencyId, email: &str) -> String {
    let mut conn = db.pool.get().unwrap();
    let new = NewUser {
        agency_id: agency,
        email,
        display_name: "Nog Uitgenodigd",
        role: Role::Caseworker,
        locale: "nl",
        password_hash: None,
    };
    users::insert(&mut conn, &new, chrono::Utc::now())
        .unwrap()
        .id
        .to_string()
}

/// An attribute's value in the first tag that has it, entities undone.
fn attr(page: &str, name: &str) -> String {
    let needle = format!(" {name}=\"");
    let at = page.find(&needle).expect(name) + needle.len();
    page[at..]
        .split('"')
        .next()
        .unwrap()
        .replace("&#x3d;", "=")
        .replace("&#61;", "=")
        .replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// The dark modules an SVG of the QR renderer draws (`M{x} {y}h{w}v{h}H{x}V{y}` per
/// module), as a grid of the whole picture, quiet zone included.
fn drawn_modules(svg: &str) -> Vec<bool> {
    let size: usize = attr(svg, "width").parse().unwrap();
    assert_eq!(attr(svg, "height"), size.to_string());
    let d = attr(svg, "d");
    let rects: Vec<(usize, usize, usize)> = d
        .split('M')
        .skip(1)
        .map(|r| {
            let (x, rest) = r.split_once(' ').unwrap();
            let (y, rest) = rest.split_once('h').unwrap();
            let (w, _) = rest.split_once('v').unwrap();
            (x.parse().unwrap(), y.parse().unwrap(), w.parse().unwrap())
        })
        .collect();
    let module = rects[0].2;
    let n = size / module;
    assert_eq!(n * module, size, "whole pixels per module");
    let mut grid = vec![false; n * n];
    for (x, y, w) in rects {
        assert_eq!(w, module);
        grid[(y / module) * n + x / module] = true;
    }
    grid
}

/// The modules of the QR code of `data`, with the four-module quiet zone.
fn expected_modules(data: &str) -> Vec<bool> {
    let code = qrcode::QrCode::new(data.as_bytes()).unwrap();
    let (w, colors) = (code.width(), code.to_colors());
    let n = w + 8;
    let mut grid = vec![false; n * n];
    for y in 0..w {
        for x in 0..w {
            grid[(y + 4) * n + x + 4] = colors[y * w + x] == qrcode::Color::Dark;
        }
    }
    grid
}

#[actix_web::test]
async fn the_enrolment_page_draws_the_setup_link_as_an_inline_qr_code() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let mut st = state(&db);
        let mut auth = (*st.auth).clone();
        auth.mfa_required = AuthConfig::default().mfa_required;
        st.auth = Arc::new(auth);
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
        let res = test::call_service(
            &app,
            TestRequest::post()
                .uri("/login")
                .cookie(cookie)
                .set_form(form)
                .to_request(),
        )
        .await;
        assert_eq!(header(&res, "location"), "/login/code", "{backend:?}");
        let session = res
            .response()
            .cookies()
            .find(|c| c.name() == "__Host-schakel_session")
            .unwrap()
            .into_owned();
        let session = Cookie::new("__Host-schakel_session", session.value().to_owned());

        let res = test::call_service(
            &app,
            TestRequest::get()
                .uri("/login/code")
                .cookie(session)
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        assert_eq!(header(&res, "cache-control"), "no-store");
        let page = body(res).await;
        let uri = attr(&page[page.find("id=\"otpauth\"").unwrap()..], "href");
        assert!(uri.starts_with("otpauth://totp/"), "{uri}");

        // The QR code: inline SVG, named for screen readers, black on white, about 224
        // pixels, and the modules of the very same URI.
        let named = "<div class=\"qr\" role=\"img\" aria-label=\"QR code that adds Schakel \
                     to your authenticator app\"><svg xmlns=\"http://www.w3.org/2000/svg\"";
        let at = page.find(named).expect("the QR code");
        let svg = &page[at..][..page[at..].find("</svg>").unwrap() + 6];
        assert!(
            svg.contains("fill=\"#ffffff\"/><path fill=\"#000000\""),
            "{svg}"
        );
        let size: usize = attr(svg, "width").parse().unwrap();
        assert!((196..=248).contains(&size), "{size}");
        let (drawn, expected) = (drawn_modules(svg), expected_modules(&uri));
        let differ = drawn.iter().zip(&expected).filter(|(a, b)| a != b).count();
        assert!(
            drawn.len() == expected.len() && differ == 0,
            "{backend:?}: {differ} modules of {} differ for {uri}",
            drawn.len()
        );
        for absent in [
            "<img", "<script", " src=", "url(", "<image", "<use", "data:",
        ] {
            assert!(!page.contains(absent), "{absent}");
        }

        // The key for typing by hand, in groups of four, and the link for this phone.
        let secret = uri
            .split("secret=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap();
        let groups: Vec<String> = secret
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8(c.to_vec()).unwrap())
            .collect();
        let shown = format!(
            "<code class=\"secret\" id=\"secret\">{}</code>",
            groups.join(" ")
        );
        assert!(page.contains(&shown), "{page}");
        assert!(page.contains(">On this phone: open the setup link in your authenticator app</a>"));
    }
}

/// `GET /password/forgot` in `$lang`: the page and the form's CSRF cookie.
macro_rules! forgot_form {
    ($app:expr, $lang:expr) => {{
        let req = TestRequest::get()
            .uri("/password/forgot")
            .insert_header(("accept-language", $lang));
        let res = test::call_service(&$app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::OK);
        let cookie = res
            .response()
            .cookies()
            .find(|c| c.name() == "__Host-schakel_link")
            .unwrap()
            .into_owned();
        (body(res).await, cookie)
    }};
}

#[actix_web::test]
async fn forgot_password_answers_every_address_alike_and_only_a_known_one_gets_the_email() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        let known = account(&db, home, "anna@amsterdam.example", Role::Coordinator);
        let gone = account(&db, home, "weg@amsterdam.example", Role::Caseworker);
        {
            let mut conn = db.pool.get().unwrap();
            users::set_active(&mut conn, gone.user_id, false, chrono::Utc::now()).unwrap();
        }

        // The login page links to it, in either language.
        for (lang, link) in [
            (
                "en",
                "<a href=\"/password/forgot\">Forgot your password?</a>",
            ),
            (
                "nl",
                "<a href=\"/password/forgot\">Wachtwoord vergeten?</a>",
            ),
        ] {
            let req = TestRequest::get()
                .uri("/login")
                .insert_header(("accept-language", lang));
            let page = body(test::call_service(&app, req.to_request()).await).await;
            assert!(page.contains(link), "{lang}: {page}");
            assert!(!page.contains("through the API"));
        }
        let (page, cookie) = forgot_form!(app, "nl");
        assert!(page.contains("<h1>Wachtwoord vergeten</h1>"), "{page}");
        assert!(page.contains("action=\"/password/forgot\""));
        let csrf = hidden(&page, "csrf");
        let ask = |email: &str, with_cookie: bool| {
            let mut req = TestRequest::post()
                .uri("/password/forgot")
                .insert_header(("accept-language", "en"))
                .set_form([("csrf", csrf.as_str()), ("email", email)]);
            if with_cookie {
                req = req.cookie(cookie.clone());
            }
            req.to_request()
        };

        // Without the cookie-bound token, or with no address at all: nothing is sent.
        let res = test::call_service(&app, ask("anna@amsterdam.example", false)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{backend:?}");
        let res = test::call_service(&app, ask("geen adres", true)).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body(res).await;
        assert!(page.contains("id=\"email-error\"") && page.contains("value=\"geen adres\""));
        assert!(reset_emails(&db).is_empty());

        // Known, unknown and deactivated: the same status, headers and page.
        let mut answers = Vec::new();
        for email in [
            " Anna@Amsterdam.example",
            "niemand@amsterdam.example",
            "weg@amsterdam.example",
        ] {
            let res = test::call_service(&app, ask(email, true)).await;
            // The removal cookie's `Expires` is a year before the second it was sent in,
            // the one part that may differ between the answers.
            let heads = ["content-type", "content-security-policy", "set-cookie"].map(|h| {
                header(&res, h)
                    .split("; ")
                    .filter(|part| !part.starts_with("Expires="))
                    .collect::<Vec<_>>()
                    .join("; ")
            });
            answers.push((res.status(), heads, body(res).await));
        }
        let (status, _, page) = &answers[0];
        assert_eq!(*status, StatusCode::OK, "{backend:?}");
        assert!(
            page.contains(
                "If an account exists for this address, an email with a link to choose a new \
                 password is on its way. The link works once and expires in 60 minutes."
            ),
            "{page}"
        );
        assert!(!page.contains("anna") && !page.contains("<form method=\"post\""));
        assert!(answers.iter().all(|a| a == &answers[0]), "{answers:?}");

        // Only the active account gets an email; the audit trail tells them apart.
        assert_eq!(reset_emails(&db), [known.user_id.to_string()]);
        assert_eq!(
            outcomes(&db, "auth.password_reset_request"),
            ["success", "failure", "failure"]
        );
    }
}

#[actix_web::test]
async fn the_admin_sends_a_user_a_password_reset_link_after_confirming() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, other) = agencies(&db);
        account(&db, home, "admin@amsterdam.example", Role::Admin);
        account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let target = account(&db, other, "joost@utrecht.example", Role::Coordinator);
        let gone = account(&db, other, "weg@utrecht.example", Role::Caseworker);
        let pending = invited(&db, other, "nieuw@utrecht.example");
        {
            let mut conn = db.pool.get().unwrap();
            users::set_active(&mut conn, gone.user_id, false, chrono::Utc::now()).unwrap();
        }
        let (id, gone) = (target.user_id.to_string(), gone.user_id.to_string());
        let confirm = format!("/admin/users/{id}/password-reset");

        // The list offers it for an active account with a password only.
        let admin = login!(app, "admin@amsterdam.example");
        let (_, list) = get!(app, admin, "/admin/users");
        assert!(list.contains(&format!("href=\"{confirm}\">Send a reset link")));
        assert!(!list.contains(&format!("/admin/users/{pending}/password-reset")));
        assert!(!list.contains(&format!("/admin/users/{gone}/password-reset")));

        // The confirmation step names the account and what the link does.
        let (status, page) = get!(app, admin, confirm);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("joost@utrecht.example") && page.contains("expires in 60 minutes"));
        let csrf = hidden(&page, "csrf");
        assert!(
            reset_emails(&db).is_empty(),
            "showing the step sends nothing"
        );

        // A forged form sends nothing; the signed one sends the email.
        let (status, _, _) = post!(app, admin, confirm, [("csrf", "vervalst")]);
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(reset_emails(&db).is_empty());
        let (status, to, _) = post!(app, admin, confirm, [("csrf", csrf.as_str())]);
        assert_eq!(
            (status, to.as_str()),
            (StatusCode::SEE_OTHER, "/admin/users?done=reset_sent")
        );
        let (_, list) = get!(app, admin, to);
        assert!(list.contains("The email with a link to choose a new password is on its way"));
        assert_eq!(reset_emails(&db), [id.as_str()]);
        assert_eq!(outcomes(&db, "admin.user_password_reset"), ["success"]);

        // Not for a deactivated or still-invited account: said, and nothing sent.
        for (user, says) in [
            (&gone, "is deactivated"),
            (&pending, "not accepted the invitation"),
        ] {
            let uri = format!("/admin/users/{user}/password-reset");
            let (status, page) = get!(app, admin, uri);
            assert_eq!(status, StatusCode::CONFLICT);
            assert!(
                page.contains(says) && !page.contains("action=\"/admin/users/"),
                "{page}"
            );
            let (status, _, page) = post!(app, admin, uri, [("csrf", csrf.as_str())]);
            assert_eq!(status, StatusCode::CONFLICT);
            assert!(page.contains(says));
        }
        assert_eq!(reset_emails(&db).len(), 1);

        // Any other role: 404 on both steps, the refusal audited.
        let cw = login!(app, "cw@amsterdam.example");
        let (status, _) = get!(app, cw, confirm);
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, home_page) = get!(app, cw, "/");
        let cw_csrf = hidden(&home_page, "csrf");
        let (status, _, _) = post!(app, cw, confirm, [("csrf", cw_csrf.as_str())]);
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(reset_emails(&db).len(), 1);
        assert_eq!(
            outcomes(&db, "admin.user_password_reset"),
            ["success", "denied"]
        );
    }
}
