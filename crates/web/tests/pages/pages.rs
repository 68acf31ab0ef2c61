//! The pages over HTTP, on every backend: logging in sets a session cookie with the
//! right flags and opens the start page in the user's language; a form without the
//! right CSRF token is refused and changes nothing; a wrong password shows the form
//! again with a message and the address typed; the coordinator's inbox lists what the
//! agency received; logging out ends the session; the second factor is asked before
//! anything else.

use crate::support::{PASSWORD, body, csrf_of, header};
use actix_web::App;
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_auth::AuthConfig;
use schakel_domain::{AgencyKind, Region, Role, SystemClock};
use schakel_referral_workflow::WorkflowConfig;
use schakel_store::agencies::{self, NewAgency};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users::{self, NewUser};
use schakel_web::WebState;
use secrecy::SecretString;
use std::sync::Arc;

fn state(db: &TestDb, mfa: bool) -> WebState {
    let mut auth = AuthConfig::default();
    if !mfa {
        auth.mfa_required = Default::default();
    }
    let keys = auth.data_keys.clone();
    WebState {
        pool: db.pool.clone(),
        clock: Arc::new(SystemClock),
        auth: Arc::new(auth),
        hashing: schakel_auth::hash_pool::HashPool::start(2, 64).unwrap(),
        workflow: Arc::new(WorkflowConfig::with_keys(keys)),
        secure_cookies: true,
        monitor: Default::default(),
        client: schakel_web::ClientRules::unlimited(),
    }
}

fn person(db: &TestDb, agency: &agencies::Agency, email: &str, role: Role, locale: &str) {
    let hash = schakel_auth::password::hash(&SecretString::from(PASSWORD)).unwrap();
    let mut conn = db.pool.get().unwrap();
    users::insert(
        &mut conn,
        &NewUser {
            agency_id: agency.id,
            email,
            display_name: "Fenna de Wit",
            role,
            locale,
            password_hash: Some(&hash),
        },
        chrono::Utc::now(),
    )
    .unwrap();
}

fn agency(db: &TestDb, name: &str, kind: AgencyKind) -> agencies::Agency {
    let mut conn = db.pool.get().unwrap();
    agencies::insert(
        &mut conn,
        &NewAgency {
            name,
            kind,
            region: Region::Amsterdam,
            contact_email: "balie@org.example",
        },
        chrono::Utc::now(),
    )
    .unwrap()
}

fn cookie_of<B>(res: &actix_web::dev::ServiceResponse<B>, name: &str) -> Option<Cookie<'static>> {
    res.response()
        .cookies()
        .find(|c| c.name() == name)
        .map(|c| c.into_owned())
}

#[actix_web::test]
async fn a_coordinator_logs_in_sees_the_inbox_and_logs_out() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db, false);
        let app =
            test::init_service(App::new().configure(|c| schakel_web::configure(c, st.clone())))
                .await;
        let home = agency(&db, "Opvang Amsterdam", AgencyKind::ShelterCategorical);
        person(&db, &home, "co@opvang.example", Role::Coordinator, "en");

        // Not signed in: to the login page, which is in the browser's language.
        let res = test::call_service(&app, TestRequest::get().uri("/inbox").to_request()).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(header(&res, "location"), "/login");
        let res = test::call_service(
            &app,
            TestRequest::get()
                .uri("/login")
                .insert_header(("accept-language", "nl-NL,nl;q=0.9"))
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        let csp = header(&res, "content-security-policy");
        assert!(csp.contains("form-action 'self'") && !csp.contains("unsafe-inline"));
        let login = cookie_of(&res, "__Host-schakel_login").unwrap();
        assert_eq!(login.http_only(), Some(true));
        assert_eq!(login.secure(), Some(true));
        assert_eq!(login.same_site(), Some(actix_web::cookie::SameSite::Strict));
        let page = body(res).await;
        assert!(page.contains("<html lang=\"nl\">") && page.contains("Inloggen"));
        assert!(
            page.contains("<label for=\"email\">") && page.contains("<label for=\"password\">")
        );
        let csrf = csrf_of(&page);
        assert_eq!(csrf, login.value());
        let login = Cookie::new("__Host-schakel_login", login.value().to_owned());
        let post_login = |token: &str, password: &str| {
            TestRequest::post()
                .uri("/login")
                .insert_header(("accept-language", "en"))
                .cookie(login.clone())
                .set_form([
                    ("csrf", token),
                    ("email", "co@opvang.example"),
                    ("password", password),
                ])
                .to_request()
        };

        // Without the form's token: refused, no session.
        let res = test::call_service(&app, post_login("vervalst", PASSWORD)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{backend:?}");
        assert!(cookie_of(&res, "__Host-schakel_session").is_none());

        // A wrong password: the form again, with a message and the address kept.
        let res = test::call_service(&app, post_login(&csrf, "niet het wachtwoord")).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let page = body(res).await;
        assert!(page.contains("role=\"alert\""), "{page}");
        assert!(page.contains("value=\"co@opvang.example\""), "{page}");

        // The right password: a session cookie, then the start page in English.
        let res = test::call_service(&app, post_login(&csrf, PASSWORD)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(header(&res, "location"), "/");
        let session = cookie_of(&res, "__Host-schakel_session").unwrap();
        assert_eq!(session.http_only(), Some(true));
        assert_eq!(session.secure(), Some(true));
        assert_eq!(
            session.same_site(),
            Some(actix_web::cookie::SameSite::Strict)
        );
        let session = Cookie::new("__Host-schakel_session", session.value().to_owned());
        let get = |uri: &str| {
            TestRequest::get()
                .uri(uri)
                .cookie(session.clone())
                .to_request()
        };
        let res = test::call_service(&app, get("/")).await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = body(res).await;
        assert!(page.contains("<html lang=\"en\">"), "{page}");
        assert!(page.contains("coordinator") && page.contains("Opvang Amsterdam"));
        let csrf = csrf_of(&page);

        let res = test::call_service(&app, get("/inbox")).await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = body(res).await;
        assert!(page.contains("Incoming referrals") && page.contains("No referrals are waiting"));

        // Logging out without the token does nothing; with it, the session ends.
        let out = |token: &str| {
            TestRequest::post()
                .uri("/logout")
                .cookie(session.clone())
                .set_form([("csrf", token)])
                .to_request()
        };
        let refused = test::call_service(&app, out("vervalst")).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            test::call_service(&app, get("/")).await.status(),
            StatusCode::OK
        );
        let res = test::call_service(&app, out(&csrf)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let res = test::call_service(&app, get("/")).await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "{backend:?}: the session ended"
        );
        assert_eq!(header(&res, "location"), "/login");
    }
}

#[actix_web::test]
async fn the_second_factor_comes_before_any_page() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db, true);
        let app =
            test::init_service(App::new().configure(|c| schakel_web::configure(c, st.clone())))
                .await;
        let home = agency(&db, "Gemeente Zaanstad", AgencyKind::Municipality);
        person(&db, &home, "cw@zaanstad.example", Role::Caseworker, "nl");
        let res = test::call_service(&app, TestRequest::get().uri("/login").to_request()).await;
        let login = Cookie::new(
            "__Host-schakel_login",
            cookie_of(&res, "__Host-schakel_login")
                .unwrap()
                .value()
                .to_owned(),
        );
        let page = body(res).await;
        let res = test::call_service(
            &app,
            TestRequest::post()
                .uri("/login")
                .cookie(login)
                .set_form([
                    ("csrf", csrf_of(&page).as_str()),
                    ("email", "cw@zaanstad.example"),
                    ("password", PASSWORD),
                ])
                .to_request(),
        )
        .await;
        assert_eq!(header(&res, "location"), "/login/code", "{backend:?}");
        let session = Cookie::new(
            "__Host-schakel_session",
            cookie_of(&res, "__Host-schakel_session")
                .unwrap()
                .value()
                .to_owned(),
        );
        let get = |uri: &str| {
            TestRequest::get()
                .uri(uri)
                .cookie(session.clone())
                .to_request()
        };
        let res = test::call_service(&app, get("/inbox")).await;
        assert_eq!(
            header(&res, "location"),
            "/login/code",
            "no page before the code"
        );
        let page = body(test::call_service(&app, get("/login/code")).await).await;
        assert!(page.contains("otpauth://totp/"), "enrolment first: {page}");
        let uri = page
            .split("href=\"")
            .find(|s| s.starts_with("otpauth://"))
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .replace("&amp;", "&")
            .replace("&#x3d;", "=")
            .replace("&#61;", "=");
        let secret = uri
            .split("secret=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_owned();
        let secret = base32_decode(&secret);
        let csrf = csrf_of(&page);
        let send = |code: &str| {
            TestRequest::post()
                .uri("/login/code")
                .cookie(session.clone())
                .set_form([("csrf", csrf.as_str()), ("code", code)])
                .to_request()
        };
        let wrong = test::call_service(&app, send("000000")).await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let code = schakel_auth::totp::code_at(&secret, chrono::Utc::now()).unwrap();
        let right = test::call_service(&app, send(&code)).await;
        // The first confirmed authenticator: its recovery codes, then on to the start.
        assert_eq!(right.status(), StatusCode::OK, "{backend:?}");
        let shown = body(right).await;
        assert!(shown.contains("id=\"recovery-next\" href=\"/\""), "{shown}");
        assert_eq!(
            test::call_service(&app, get("/")).await.status(),
            StatusCode::OK
        );
    }
}

/// RFC 4648 base32 without padding, as in the setup link.
fn base32_decode(s: &str) -> Vec<u8> {
    let mut bits = 0u64;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => continue,
        };
        bits = (bits << 5) | u64::from(v);
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push(u8::try_from((bits >> n) & 0xff).unwrap());
        }
    }
    out
}

#[actix_web::test]
async fn the_coordinator_accepts_a_referral_from_the_inbox_and_a_stale_form_changes_nothing() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db, false);
        let app =
            test::init_service(App::new().configure(|c| schakel_web::configure(c, st.clone())))
                .await;
        let from = agency(&db, "Gemeente Utrecht", AgencyKind::Municipality);
        let to = agency(&db, "Opvang Utrecht", AgencyKind::ShelterCategorical);
        person(&db, &from, "cw@utrecht.example", Role::Caseworker, "nl");
        person(&db, &to, "co@opvang.example", Role::Coordinator, "en");
        let sender = {
            let mut conn = db.pool.get().unwrap();
            let u = users::find_by_email(&mut conn, "cw@utrecht.example")
                .unwrap()
                .unwrap();
            schakel_domain::Actor {
                user_id: u.id,
                agency_id: u.agency_id,
                role: u.role,
                session_id: schakel_domain::SessionId::new_random(),
            }
        };
        let referral = {
            let mut conn = db.pool.get().unwrap();
            let ctx = schakel_auth::RequestContext::default();
            let env = schakel_referral_workflow::Env {
                cfg: &st.workflow,
                ctx: &ctx,
                now: chrono::Utc::now(),
            };
            let case: schakel_referral_workflow::cases::OpenCaseInput =
                serde_json::from_value(serde_json::json!({
                    "person": { "identity": { "given_names": "Verborgen", "family_name": "Naamloos" }, "gender": "female" },
                    "region": "midden_nederland", "exploitation_forms": ["labour"]
                }))
                .unwrap();
            let case =
                schakel_referral_workflow::cases::open_case(&mut conn, &env, &sender, &case, None)
                    .unwrap()
                    .into_new()
                    .unwrap();
            let input: schakel_referral_workflow::referrals::ReferralInput =
                serde_json::from_value(serde_json::json!({
                    "to_agency_id": to.id, "purpose": "shelter", "urgency": "urgent",
                    "message": "Graag <b>vandaag</b> bellen"
                }))
                .unwrap();
            schakel_referral_workflow::referrals::create_referral(
                &mut conn, &env, &sender, case.id, &input, None,
            )
            .unwrap()
            .into_new()
            .unwrap()
        };
        let res = test::call_service(&app, TestRequest::get().uri("/login").to_request()).await;
        let login = Cookie::new(
            "__Host-schakel_login",
            cookie_of(&res, "__Host-schakel_login")
                .unwrap()
                .value()
                .to_owned(),
        );
        let page = body(res).await;
        let res = test::call_service(
            &app,
            TestRequest::post()
                .uri("/login")
                .cookie(login)
                .set_form([
                    ("csrf", csrf_of(&page).as_str()),
                    ("email", "co@opvang.example"),
                    ("password", PASSWORD),
                ])
                .to_request(),
        )
        .await;
        assert_eq!(header(&res, "location"), "/");
        let session = Cookie::new(
            "__Host-schakel_session",
            cookie_of(&res, "__Host-schakel_session")
                .unwrap()
                .value()
                .to_owned(),
        );
        let get = |uri: &str| {
            TestRequest::get()
                .uri(uri)
                .cookie(session.clone())
                .to_request()
        };
        let inbox = body(test::call_service(&app, get("/inbox")).await).await;
        let link = format!("/referrals/{}", referral.id);
        assert!(
            inbox.contains(&link),
            "{backend:?}: the inbox links the referral: {inbox}"
        );
        assert!(inbox.contains("Gemeente Utrecht") && inbox.contains("urgent"));

        let page = body(test::call_service(&app, get(&link)).await).await;
        assert!(page.contains("sent, awaiting an answer"), "{page}");
        assert!(
            page.contains("vandaag") && !page.contains("<b>vandaag</b>"),
            "the message is shown, escaped"
        );
        assert!(
            !page.contains("Verborgen") && !page.contains("Naamloos"),
            "no identity before accepting"
        );
        assert!(
            page.contains("<label for=\"reason\">"),
            "the decline form has a labelled reason"
        );
        let csrf = csrf_of(&page);
        let post = |action: &str, version: &str, token: &str| {
            TestRequest::post()
                .uri(&format!("{link}/{action}"))
                .cookie(session.clone())
                .set_form([("csrf", token), ("version", version)])
                .to_request()
        };
        let forged = test::call_service(&app, post("accept", "1", "vervalst")).await;
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        let stale = test::call_service(&app, post("accept", "7", &csrf)).await;
        assert_eq!(stale.status(), StatusCode::CONFLICT, "{backend:?}");
        let again = body(stale).await;
        assert!(again.contains("role=\"alert\"") && again.contains("sent, awaiting an answer"));
        let accepted = test::call_service(&app, post("accept", "1", &csrf)).await;
        assert_eq!(accepted.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let page = body(test::call_service(&app, get(&link)).await).await;
        assert!(page.contains("accepted"), "{page}");
        assert!(page.contains("Start the work"), "the next step is offered");

        // Another agency's referral is not found, exactly as in the API.
        let other = format!("/referrals/{}", schakel_domain::ReferralId::new_random());
        let res = test::call_service(&app, get(&other)).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
}

/// Signs `$email` in through the login form of `$app`; the session cookie.
macro_rules! sign_in {
    ($app:expr, $email:expr) => {{
        let res = test::call_service($app, TestRequest::get().uri("/login").to_request()).await;
        let login = cookie_of(&res, "__Host-schakel_login").unwrap();
        let csrf = csrf_of(&body(res).await);
        let res = test::call_service(
            $app,
            TestRequest::post()
                .uri("/login")
                .cookie(Cookie::new(
                    "__Host-schakel_login",
                    login.value().to_owned(),
                ))
                .set_form([
                    ("csrf", csrf.as_str()),
                    ("email", $email),
                    ("password", PASSWORD),
                ])
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let session = cookie_of(&res, "__Host-schakel_session").unwrap();
        Cookie::new("__Host-schakel_session", session.value().to_owned())
    }};
}

#[actix_web::test]
async fn signing_out_everywhere_ends_every_session_of_the_account_and_no_other() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db, false);
        let app =
            test::init_service(App::new().configure(|c| schakel_web::configure(c, st.clone())))
                .await;
        let home = agency(&db, "Opvang Amsterdam", AgencyKind::ShelterCategorical);
        person(&db, &home, "co@opvang.example", Role::Coordinator, "en");
        person(&db, &home, "cw@opvang.example", Role::Caseworker, "en");
        let laptop = sign_in!(&app, "co@opvang.example");
        let phone = sign_in!(&app, "co@opvang.example");
        let colleague = sign_in!(&app, "cw@opvang.example");
        let get = |session: &Cookie<'static>, uri: &str| {
            TestRequest::get()
                .uri(uri)
                .cookie(session.clone())
                .to_request()
        };

        // The account page offers it, with its own form and token.
        let res = test::call_service(&app, get(&phone, "/account/password")).await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        let page = body(res).await;
        assert!(
            page.contains("action=\"/logout/everywhere\"") && page.contains("Sign out everywhere")
        );
        let csrf = csrf_of(&page);
        let everywhere = |token: &str| {
            TestRequest::post()
                .uri("/logout/everywhere")
                .cookie(phone.clone())
                .set_form([("csrf", token)])
                .to_request()
        };

        // Without the token: refused, every session still open.
        let res = test::call_service(&app, everywhere("vervalst")).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{backend:?}");
        assert_eq!(
            test::call_service(&app, get(&laptop, "/")).await.status(),
            StatusCode::OK
        );

        // With it: the phone and the laptop are signed out; the colleague is not.
        let res = test::call_service(&app, everywhere(&csrf)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(header(&res, "location"), "/login");
        for (who, session) in [("phone", &phone), ("laptop", &laptop)] {
            let res = test::call_service(&app, get(session, "/inbox")).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}: {who}");
            assert_eq!(header(&res, "location"), "/login", "{backend:?}: {who}");
        }
        assert_eq!(
            test::call_service(&app, get(&colleague, "/"))
                .await
                .status(),
            StatusCode::OK,
            "{backend:?}: another account's session stays"
        );

        // The trail says who did it and how many sessions ended.
        let mut conn = db.pool.get().unwrap();
        let entries = schakel_store::audit_log::page(
            &mut conn,
            &schakel_store::audit_log::AuditLogFilter {
                action: Some("auth.logout_everywhere".into()),
                ..Default::default()
            },
            None,
            10,
        )
        .unwrap();
        assert_eq!(entries.len(), 1, "{backend:?}");
        assert!(
            entries[0].details.contains("\"sessions_ended\":2"),
            "{}",
            entries[0].details
        );
    }
}

#[actix_web::test]
async fn a_user_chooses_the_language_and_the_notifications_and_the_pages_follow() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db, false);
        let app =
            test::init_service(App::new().configure(|c| schakel_web::configure(c, st.clone())))
                .await;
        let home = agency(&db, "Opvang Amsterdam", AgencyKind::ShelterCategorical);
        person(&db, &home, "co@opvang.example", Role::Coordinator, "en");
        let session = sign_in!(&app, "co@opvang.example");
        let get = |uri: &str| {
            TestRequest::get()
                .uri(uri)
                .cookie(session.clone())
                .to_request()
        };
        let post = |pairs: Vec<(&str, &str)>| {
            TestRequest::post()
                .uri("/account/preferences")
                .cookie(session.clone())
                .set_form(pairs)
                .to_request()
        };

        // English to begin with; the current choices are selected.
        let res = test::call_service(&app, get("/account/preferences")).await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        let page = body(res).await;
        assert!(page.contains("<h1>Your preferences</h1>"), "{page}");
        assert!(page.contains("<label for=\"locale\">") && page.contains("<label for=\"notify\">"));
        assert!(
            page.contains("<option value=\"en\" selected>English</option>"),
            "{page}"
        );
        assert!(
            page.contains("<option value=\"immediate\" selected>"),
            "{page}"
        );
        let csrf = csrf_of(&page);

        // Without the token: refused, nothing changes.
        let res = test::call_service(
            &app,
            post(vec![
                ("csrf", "vervalst"),
                ("locale", "nl"),
                ("notify", "digest"),
            ]),
        )
        .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{backend:?}");

        // A language not offered: a message by the field, the valid choice kept.
        let res = test::call_service(
            &app,
            post(vec![
                ("csrf", &csrf),
                ("locale", "fr"),
                ("notify", "digest"),
            ]),
        )
        .await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}"
        );
        let page = body(res).await;
        assert!(
            page.contains("id=\"locale-error\"") && page.contains("Choose English or Nederlands.")
        );
        assert!(
            page.contains("<option value=\"digest\" selected>"),
            "{page}"
        );
        let res = test::call_service(&app, get("/")).await;
        assert!(
            body(res).await.contains("<html lang=\"en\">"),
            "{backend:?}: nothing saved"
        );

        // Dutch and a daily digest: saved, and every page is now in Dutch.
        let res = test::call_service(
            &app,
            post(vec![
                ("csrf", &csrf),
                ("locale", "nl"),
                ("notify", "digest"),
            ]),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(header(&res, "location"), "/account/preferences?saved=1");
        let res = test::call_service(&app, get("/account/preferences?saved=1")).await;
        let page = body(res).await;
        assert!(
            page.contains("<html lang=\"nl\">") && page.contains("Uw voorkeuren zijn opgeslagen."),
            "{page}"
        );
        assert!(
            page.contains("<option value=\"nl\" selected>Nederlands</option>"),
            "{page}"
        );
        assert!(
            page.contains("<option value=\"digest\" selected>"),
            "{page}"
        );
        let res = test::call_service(&app, get("/inbox")).await;
        assert!(
            body(res).await.contains("<html lang=\"nl\">"),
            "{backend:?}"
        );
        let mut conn = db.pool.get().unwrap();
        let user = users::find_by_email(&mut conn, "co@opvang.example")
            .unwrap()
            .unwrap();
        assert_eq!(
            (user.locale.as_str(), user.notify.as_str()),
            ("nl", "digest")
        );
    }
}

#[actix_web::test]
async fn cookies_carry_the_host_prefix_wherever_they_are_secure() {
    let db = TestDb::new(selected_backends()[0]);
    let home = agency(&db, "Opvang Amsterdam", AgencyKind::ShelterCategorical);
    person(&db, &home, "co@opvang.example", Role::Coordinator, "en");
    // `secure` false is plain HTTP on loopback (development, the demo).
    for (secure, prefix) in [(true, "__Host-"), (false, "")] {
        let mut st = state(&db, false);
        st.secure_cookies = secure;
        let app =
            test::init_service(App::new().configure(|c| schakel_web::configure(c, st.clone())))
                .await;
        let check = |c: &Cookie<'static>| {
            assert_eq!(c.secure(), Some(secure).filter(|s| *s), "{}", c.name());
            assert_eq!(c.path(), Some("/"), "{}", c.name());
            assert_eq!(c.domain(), None, "{}", c.name());
            assert_eq!(c.http_only(), Some(true), "{}", c.name());
        };
        let res = test::call_service(&app, TestRequest::get().uri("/login").to_request()).await;
        let login = cookie_of(&res, &format!("{prefix}schakel_login")).expect("login cookie");
        check(&login);
        let csrf = csrf_of(&body(res).await);
        let res = test::call_service(
            &app,
            TestRequest::post()
                .uri("/login")
                .cookie(Cookie::new(
                    login.name().to_owned(),
                    login.value().to_owned(),
                ))
                .set_form([
                    ("csrf", csrf.as_str()),
                    ("email", "co@opvang.example"),
                    ("password", PASSWORD),
                ])
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "secure {secure}");
        let session = cookie_of(&res, &format!("{prefix}schakel_session")).expect("session");
        check(&session);
        let res =
            test::call_service(&app, TestRequest::get().uri("/password-reset").to_request()).await;
        check(&cookie_of(&res, &format!("{prefix}schakel_link")).expect("link cookie"));

        // Where cookies are secure, only the prefixed name is read: a session cookie
        // planted without the prefix (as a sibling subdomain could) is no session.
        let with = |name: &str| {
            TestRequest::get()
                .uri("/")
                .cookie(Cookie::new(name.to_owned(), session.value().to_owned()))
                .to_request()
        };
        let res = test::call_service(&app, with(session.name())).await;
        assert_eq!(res.status(), StatusCode::OK, "secure {secure}");
        if secure {
            let res = test::call_service(&app, with("schakel_session")).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER);
            assert_eq!(header(&res, "location"), "/login");
        }
    }
}
