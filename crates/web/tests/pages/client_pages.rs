//! The admin's client accounts page over HTTP, on every backend, served beside the API
//! exactly as `schakel serve` composes them: the admin adds an agency's system from the
//! form and sees its secret once (never cached, never in an address), the secret buys an
//! access token at `POST /api/v1/auth/token`, and the list never shows it again;
//! replacing it stops the old one at once; the accounts page marks the system's account;
//! refused input comes back as typed with a message by the field; a form without the
//! session's token changes nothing; every other role is answered 404; with four eyes a
//! new system's account waits deactivated until a second admin approves its
//! reactivation, asked for from this page.

use crate::admin_pages::{login, person, post, successes};
use crate::support::without_four_eyes;
use crate::support::{PASSWORD, body, csrf_of, get, header, peer, service, service_with};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{AgencyId, Role, UserId};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users::{self, NewUser};
use secrecy::SecretString;

/// The text of the element whose attribute list ends in `marker` (up to its first tag).
fn text_after(page: &str, marker: &str) -> String {
    let at = page
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {page}"))
        + marker.len();
    page[at..].split('<').next().unwrap().to_owned()
}

/// The client id and the secret a secret page shows.
fn issued(page: &str) -> (String, String) {
    (
        text_after(page, "<code id=\"client-id\">"),
        text_after(page, "<code class=\"secret\" id=\"client-secret\">"),
    )
}

/// The system accounts stored.
fn clients(db: &TestDb) -> Vec<users::User> {
    let mut conn = db.pool.get().unwrap();
    users::list(&mut conn, None)
        .unwrap()
        .into_iter()
        .filter(|u| u.client)
        .collect()
}

/// A second admin in agency `agency`.
fn admin_in(db: &TestDb, agency: &str, email: &str) {
    let mut conn = db.pool.get().unwrap();
    let hash = schakel_auth::password::hash(&SecretString::from(PASSWORD)).unwrap();
    users::insert(
        &mut conn,
        &NewUser {
            agency_id: agency.parse::<AgencyId>().unwrap(),
            email,
            display_name: "Bo Bakker",
            role: Role::Admin,
            locale: "en",
            password_hash: Some(&hash),
        },
        chrono::Utc::now(),
    )
    .unwrap();
}

/// The status and body of asking `POST /api/v1/auth/token` with the client's id and
/// secret.
macro_rules! token {
    ($app:expr, $id:expr, $secret:expr) => {{
        let res = test::call_service(
            &$app,
            TestRequest::post()
                .uri("/api/v1/auth/token")
                .peer_addr(peer())
                .set_form([
                    ("grant_type", "client_credentials"),
                    ("client_id", $id),
                    ("client_secret", $secret),
                ])
                .to_request(),
        )
        .await;
        let status = res.status();
        (status, body(res).await)
    }};
}

/// Adds a client account from the form; the secret page's response status, its
/// `Cache-Control` and `Location`, and the page.
macro_rules! add {
    ($app:expr, $session:expr, $form:expr) => {{
        let res =
            test::call_service(&$app, post("/admin/clients", &$session, $form).to_request()).await;
        let status = res.status();
        let cache = header(&res, "cache-control");
        let location = header(&res, "location");
        (status, cache, location, body(res).await)
    }};
}

#[actix_web::test]
async fn the_admin_adds_a_system_sees_its_secret_once_and_the_secret_buys_a_token() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service_with!(&db, without_four_eyes());
        let home = person(&db, "beheer@platform.example", Role::Admin);
        let (session, csrf) = login!(app, "beheer@platform.example");

        // Linked from the menu beside the accounts, with the form and an empty list.
        let start = body(test::call_service(&app, get("/", &session).to_request()).await).await;
        assert!(
            start.contains("<li><a href=\"/admin/users\">Users</a></li>\n      <li><a href=\"/admin/clients\">Client accounts</a></li>"),
            "{start}"
        );
        let res = test::call_service(&app, get("/admin/clients", &session).to_request()).await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        let page = body(res).await;
        assert!(page.contains("<h1>Client accounts</h1>"));
        assert!(page.contains("There are no client accounts yet."));
        assert!(page.contains("<label for=\"name\">Name of the system</label>"));
        assert!(page.contains(&format!("<option value=\"{home}\">")));
        assert!(page.contains("<option value=\"coordinator\">coordinator</option>"));
        assert!(
            !page.contains("<option value=\"admin\""),
            "a system does case work"
        );

        let (status, cache, location, page) = add!(
            app,
            session,
            &[
                ("csrf", csrf.as_str()),
                ("agency_id", home.as_str()),
                ("name", "Casusregistratie Utrecht"),
                ("role", "coordinator"),
            ]
        );
        assert_eq!(status, StatusCode::OK, "{backend:?}: {page}");
        assert_eq!(cache, "no-store");
        assert!(location.is_empty(), "no redirect carries the secret");
        assert!(page.contains("<h1>Client account created</h1>"));
        assert!(page.contains("it is shown on this page only and never again"));
        assert!(page.contains("POST /api/v1/auth/token"));
        assert!(page.contains("<code>grant_type=client_credentials</code>"));
        assert!(!page.contains("until it is reactivated"), "active at once");
        let (client_id, secret) = issued(&page);
        assert_eq!(secret.len(), 43, "256 bits, base64url");
        assert!(page.contains(&format!("<code>client_id={client_id}</code>")));
        let stored = clients(&db);
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].id.to_string(), client_id);
        assert_eq!(stored[0].role, Role::Coordinator);
        assert!(stored[0].active && stored[0].password_hash.is_none());
        assert_eq!(successes(&db, "admin.client_create"), 1);

        // The secret buys a token that acts as the system's account.
        let (status, answer) = token!(app, &client_id, &secret);
        assert_eq!(status, StatusCode::OK, "{backend:?}: {answer}");
        let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
        let access = answer["access_token"].as_str().unwrap();
        let res = test::call_service(
            &app,
            TestRequest::get()
                .uri("/api/v1/me")
                .peer_addr(peer())
                .insert_header(("authorization", format!("Bearer {access}")))
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        assert!(body(res).await.contains(&client_id));

        // The list shows the account, never its secret again.
        let res = test::call_service(&app, get("/admin/clients", &session).to_request()).await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = body(res).await;
        assert!(
            page.contains("<th scope=\"row\">Casusregistratie Utrecht<br>"),
            "{page}"
        );
        assert!(page.contains(&client_id));
        assert!(page.contains("<td>Organisatie beheer@platform.example</td>"));
        assert!(page.contains("<td>coordinator</td>") && page.contains("<td>active</td>"));
        let today = chrono::Utc::now()
            .with_timezone(&chrono_tz::Europe::Amsterdam)
            .format("%Y-%m-%d")
            .to_string();
        assert!(page.contains(&format!("<td>{today}</td>")));
        assert!(page.contains(&format!("action=\"/admin/clients/{client_id}/secret\"")));
        assert!(page.contains("The old secret stops working at once"));
        assert!(!page.contains(&secret), "the secret is shown once");

        // The accounts page marks it as a system's, without its stand-in address.
        let page =
            body(test::call_service(&app, get("/admin/users", &session).to_request()).await).await;
        assert!(
            page.contains("Casusregistratie Utrecht<br><span class=\"who\">system account</span>")
        );
        assert!(!page.contains("@clients.schakel.invalid") && !page.contains(&secret));
        assert!(!page.contains(&format!("/admin/users/{client_id}/password-reset")));
    }
}

#[actix_web::test]
async fn replacing_the_secret_stops_the_old_one_at_once() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service_with!(&db, without_four_eyes());
        let home = person(&db, "beheer@platform.example", Role::Admin);
        let (session, csrf) = login!(app, "beheer@platform.example");
        let form = [
            ("csrf", csrf.as_str()),
            ("agency_id", home.as_str()),
            ("name", "Ziekenhuisdossier"),
            ("role", "caseworker"),
        ];
        let (status, _, _, page) = add!(app, session, &form);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        let (client_id, old) = issued(&page);
        assert_eq!(token!(app, &client_id, &old).0, StatusCode::OK);

        let rotate = format!("/admin/clients/{client_id}/secret");
        let res = test::call_service(
            &app,
            post(&rotate, &session, &[("csrf", &csrf)]).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        assert_eq!(header(&res, "cache-control"), "no-store");
        assert!(header(&res, "location").is_empty());
        let page = body(res).await;
        assert!(page.contains("<h1>New client secret</h1>"));
        assert!(page.contains("The secret was replaced: the old one no longer works."));
        let (same_id, new) = issued(&page);
        assert_eq!(same_id, client_id);
        assert_ne!(new, old);

        let (status, answer) = token!(app, &client_id, &old);
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{backend:?}: {answer}");
        assert!(answer.contains("invalid_client"), "{answer}");
        assert_eq!(token!(app, &client_id, &new).0, StatusCode::OK);
        assert_eq!(successes(&db, "admin.client_secret_rotate"), 1);

        // A person's account has no secret to replace.
        let me = {
            let mut conn = db.pool.get().unwrap();
            users::find_by_email(&mut conn, "beheer@platform.example")
                .unwrap()
                .unwrap()
                .id
        };
        let res = test::call_service(
            &app,
            post(
                &format!("/admin/clients/{me}/secret"),
                &session,
                &[("csrf", &csrf)],
            )
            .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);

        // Deactivated from this page, it gets no token and no new secret; back here.
        let res = test::call_service(
            &app,
            post(
                &format!("/admin/users/{client_id}/deactivate"),
                &session,
                &[("csrf", &csrf), ("back", "clients")],
            )
            .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(header(&res, "location"), "/admin/clients?done=deactivated");
        assert_eq!(token!(app, &client_id, &new).0, StatusCode::UNAUTHORIZED);
        let page = body(
            test::call_service(
                &app,
                get("/admin/clients?done=deactivated", &session).to_request(),
            )
            .await,
        )
        .await;
        assert!(page.contains("The account was deactivated"));
        assert!(
            page.contains("<td><strong>deactivated</strong></td>"),
            "{page}"
        );
        assert!(page.contains(&format!("action=\"/admin/users/{client_id}/reactivate\"")));
        assert!(!page.contains(&format!("action=\"{rotate}\"")));
        let res = test::call_service(
            &app,
            post(&rotate, &session, &[("csrf", &csrf)]).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert!(body(res).await.contains("The secret was not replaced."));
        assert_eq!(token!(app, &client_id, &new).0, StatusCode::UNAUTHORIZED);
        assert_eq!(successes(&db, "admin.client_secret_rotate"), 1);
    }
}

#[actix_web::test]
async fn a_refused_form_comes_back_as_typed_with_a_message_by_the_field() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service!(&db);
        let home = person(&db, "beheer@platform.example", Role::Admin);
        let (session, csrf) = login!(app, "beheer@platform.example");

        // No name.
        let (status, _, _, page) = add!(
            app,
            session,
            &[
                ("csrf", csrf.as_str()),
                ("agency_id", home.as_str()),
                ("name", "   "),
                ("role", "coordinator"),
            ]
        );
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(
            page.contains("id=\"name-error\">Enter a name of 1 to 120 characters"),
            "{page}"
        );
        assert!(page.contains("aria-describedby=\"name-hint name-error\" aria-invalid=\"true\""));
        assert!(
            page.contains("<a href=\"#name-error\">"),
            "the summary links to it"
        );
        assert!(page.contains(&format!("<option value=\"{home}\" selected>")));
        assert!(page.contains("<option value=\"coordinator\" selected>"));

        // A role a system may not have.
        let (status, _, _, page) = add!(
            app,
            session,
            &[
                ("csrf", csrf.as_str()),
                ("agency_id", home.as_str()),
                ("name", "Systeem <Noord>"),
                ("role", "admin"),
            ]
        );
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("id=\"role-error\">Choose one.</p>"), "{page}");
        assert!(page.contains("value=\"Systeem &#60;Noord&#62;\""));

        // An agency that does not exist: refused by the use case, shown by the field.
        let nowhere = "6f1c2a0e-4a7b-4c1e-9d8e-2b1f0c3d4e5f";
        let (status, _, _, page) = add!(
            app,
            session,
            &[
                ("csrf", csrf.as_str()),
                ("agency_id", nowhere),
                ("name", "Systeem Zuid"),
                ("role", "caseworker"),
            ]
        );
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains("id=\"agency_id-error\">Choose one.</p>"),
            "{page}"
        );
        assert!(page.contains("value=\"Systeem Zuid\""));
        assert!(page.contains("<option value=\"caseworker\" selected>"));
        assert!(!page.contains("client-secret"));

        assert!(clients(&db).is_empty(), "{backend:?}");
        assert_eq!(successes(&db, "admin.client_create"), 0);
    }
}

#[actix_web::test]
async fn a_form_without_the_sessions_token_changes_nothing() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service_with!(&db, without_four_eyes());
        let home = person(&db, "beheer@platform.example", Role::Admin);
        let (session, csrf) = login!(app, "beheer@platform.example");
        let (_, _, _, page) = add!(
            app,
            session,
            &[
                ("csrf", csrf.as_str()),
                ("agency_id", home.as_str()),
                ("name", "Bestaand systeem"),
                ("role", "caseworker"),
            ]
        );
        let (client_id, secret) = issued(&page);

        let fields = [
            ("agency_id", home.as_str()),
            ("name", "Vervalst systeem"),
            ("role", "caseworker"),
        ];
        let rotate = format!("/admin/clients/{client_id}/secret");
        for (uri, fields) in [("/admin/clients", &fields[..]), (rotate.as_str(), &[][..])] {
            for token in [None, Some("vervalst")] {
                let mut form = fields.to_vec();
                if let Some(t) = token {
                    form.push(("csrf", t));
                }
                let res = test::call_service(&app, post(uri, &session, &form).to_request()).await;
                assert_eq!(
                    res.status(),
                    StatusCode::FORBIDDEN,
                    "{backend:?}: {uri} {token:?}"
                );
                let page = body(res).await;
                assert!(!page.contains("client-secret"));
            }
        }
        assert_eq!(clients(&db).len(), 1, "{backend:?}");
        assert_eq!(successes(&db, "admin.client_create"), 1);
        assert_eq!(successes(&db, "admin.client_secret_rotate"), 0);
        assert_eq!(token!(app, &client_id, &secret).0, StatusCode::OK);
    }
}

#[actix_web::test]
async fn every_other_role_gets_404_on_the_client_pages() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service_with!(&db, without_four_eyes());
        let home = person(&db, "ad@x.example", Role::Admin);
        let (admin, admin_csrf) = login!(app, "ad@x.example");
        let (_, _, _, page) = add!(
            app,
            admin,
            &[
                ("csrf", admin_csrf.as_str()),
                ("agency_id", home.as_str()),
                ("name", "Systeem van de beheerder"),
                ("role", "caseworker"),
            ]
        );
        let (client_id, secret) = issued(&page);
        let roles = [
            (Role::Caseworker, "cw@x.example"),
            (Role::Coordinator, "co@x.example"),
            (Role::Analyst, "an@x.example"),
            (Role::Auditor, "au@x.example"),
        ];
        for (role, email) in roles {
            person(&db, email, role);
            let (session, csrf) = login!(app, email);
            let start = body(test::call_service(&app, get("/", &session).to_request()).await).await;
            assert!(!start.contains("/admin/clients"), "{role:?}: no link");
            let res = test::call_service(&app, get("/admin/clients", &session).to_request()).await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{backend:?}: {role:?}");
            let form = [
                ("csrf", csrf.as_str()),
                ("agency_id", home.as_str()),
                ("name", "Eigen systeem"),
                ("role", "coordinator"),
            ];
            let res =
                test::call_service(&app, post("/admin/clients", &session, &form).to_request())
                    .await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{backend:?}: {role:?}");
            let rotate = format!("/admin/clients/{client_id}/secret");
            let res = test::call_service(
                &app,
                post(&rotate, &session, &[("csrf", csrf.as_str())]).to_request(),
            )
            .await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{backend:?}: {role:?}");
            assert!(!body(res).await.contains("client-secret"));
        }
        // Not signed in: to the login page.
        let res = test::call_service(
            &app,
            TestRequest::get()
                .uri("/admin/clients")
                .peer_addr(peer())
                .to_request(),
        )
        .await;
        assert_eq!(header(&res, "location"), "/login");
        assert_eq!(clients(&db).len(), 1, "{backend:?}");
        assert_eq!(successes(&db, "admin.client_secret_rotate"), 0);
        assert_eq!(token!(app, &client_id, &secret).0, StatusCode::OK);
    }
}

#[actix_web::test]
async fn with_four_eyes_a_new_system_waits_until_a_second_admin_approves_its_reactivation() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service!(&db);
        let home = person(&db, "ana@platform.example", Role::Admin);
        admin_in(&db, &home, "bo@platform.example");
        let (ana, ana_csrf) = login!(app, "ana@platform.example");
        let (bo, bo_csrf) = login!(app, "bo@platform.example");

        let (status, cache, _, page) = add!(
            app,
            ana,
            &[
                ("csrf", ana_csrf.as_str()),
                ("agency_id", home.as_str()),
                ("name", "Casussysteem Oost"),
                ("role", "caseworker"),
            ]
        );
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert_eq!(cache, "no-store");
        assert!(
            page.contains("This account is deactivated until it is reactivated"),
            "{page}"
        );
        let (client_id, secret) = issued(&page);
        let stored = clients(&db);
        assert!(!stored[0].active, "held for a second admin");
        assert_eq!(token!(app, &client_id, &secret).0, StatusCode::UNAUTHORIZED);

        // Deactivated, with its reactivation asked for from this page.
        let page =
            body(test::call_service(&app, get("/admin/clients", &ana).to_request()).await).await;
        assert!(
            page.contains("<td><strong>deactivated</strong></td>"),
            "{page}"
        );
        let reactivate = format!("/admin/users/{client_id}/reactivate");
        assert!(page.contains(&format!("action=\"{reactivate}\"")));
        assert!(page.contains("name=\"back\" value=\"clients\""));
        assert!(!page.contains(&format!("/admin/clients/{client_id}/secret")));
        let res = test::call_service(
            &app,
            post(
                &reactivate,
                &ana,
                &[("csrf", &ana_csrf), ("back", "clients")],
            )
            .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let location = header(&res, "location");
        assert_eq!(location, "/admin/clients?done=requested");
        let page = body(test::call_service(&app, get(&location, &ana).to_request()).await).await;
        assert!(page.contains("Requested: a second admin must approve this"));
        assert!(
            page.contains("(awaits a second admin&#39;s reactivation)"),
            "{page}"
        );
        assert!(page.contains("<a href=\"/admin/requests\">See the request"));
        assert!(!page.contains(&format!("action=\"{reactivate}\"")));

        // Asked again from here: refused, and the alert is shown here.
        let res = test::call_service(
            &app,
            post(
                &reactivate,
                &ana,
                &[("csrf", &ana_csrf), ("back", "clients")],
            )
            .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "{backend:?}");
        let page = body(res).await;
        assert!(page.contains("<h1>Client accounts</h1>"));
        assert!(page.contains("A request for this change already waits"));
        assert_eq!(token!(app, &client_id, &secret).0, StatusCode::UNAUTHORIZED);

        // Bo approves: the same secret now buys a token.
        let page =
            body(test::call_service(&app, get("/admin/requests", &bo).to_request()).await).await;
        let at = page.find("action=\"/admin/requests/").expect("a request") + 24;
        let request = page[at..].split('/').next().unwrap().to_owned();
        let res = test::call_service(
            &app,
            post(
                &format!("/admin/requests/{request}/approve"),
                &bo,
                &[("csrf", &bo_csrf)],
            )
            .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(token!(app, &client_id, &secret).0, StatusCode::OK);
        let page =
            body(test::call_service(&app, get("/admin/clients", &ana).to_request()).await).await;
        assert!(page.contains("<td>active</td>"));
        let id: UserId = client_id.parse().unwrap();
        assert!(clients(&db).iter().any(|u| u.id == id && u.active));
    }
}

#[actix_web::test]
async fn the_secret_page_itself_forbids_storing_it() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        // The pages alone, without the API's headers around them.
        let st = crate::support::state(&db);
        let app = test::init_service(
            actix_web::App::new().configure(move |c| schakel_web::configure(c, st)),
        )
        .await;
        let home = person(&db, "beheer@platform.example", Role::Admin);
        let (session, csrf) = login!(app, "beheer@platform.example");
        let res = test::call_service(&app, get("/admin/clients", &session).to_request()).await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        assert_ne!(header(&res, "cache-control"), "no-store");
        let (status, cache, _, page) = add!(
            app,
            session,
            &[
                ("csrf", csrf.as_str()),
                ("agency_id", home.as_str()),
                ("name", "Casussysteem West"),
                ("role", "caseworker"),
            ]
        );
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert_eq!(cache, "no-store");
        assert_eq!(issued(&page).1.len(), 43);
    }
}
