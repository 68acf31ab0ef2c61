//! The admin's pages over HTTP, on every backend, served beside the API exactly as
//! `schakel serve` composes them: the admin creates, changes and deactivates an agency
//! (a stale form changes nothing), invites a user (the invitation waits in the outbox),
//! changes the role, deactivates and reactivates the account; refused input comes back
//! as typed with a message by the field; a form without the session's token is refused;
//! every other role is answered 404 on every admin route; a failed notification is
//! listed and sent again, while a failed invitation email is listed but not sent again.

use crate::support::{PASSWORD, body, csrf_of, get, header, peer, service};
use crate::support::{service_with, without_four_eyes};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{AgencyKind, Region, Role};
use schakel_store::agencies::{self, NewAgency};
use schakel_store::mail_queue;
use schakel_store::outbox::{self, Channel, NewOutboxMessage};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users::{self, NewUser};
use secrecy::SecretString;
use serde_json::json;

/// A user with a password, in an agency of their own; the agency's id.
pub(crate) fn person(db: &TestDb, email: &str, role: Role) -> String {
    let mut conn = db.pool.get().unwrap();
    let agency = agencies::insert(
        &mut conn,
        &NewAgency {
            name: &format!("Organisatie {email}"),
            kind: AgencyKind::Other,
            region: Region::National,
            contact_email: "balie@org.example",
        },
        chrono::Utc::now(),
    )
    .unwrap();
    let hash = schakel_auth::password::hash(&SecretString::from(PASSWORD)).unwrap();
    users::insert(
        &mut conn,
        &NewUser {
            agency_id: agency.id,
            email,
            display_name: "Sam de Beheerder",
            role,
            locale: "en",
            password_hash: Some(&hash),
        },
        chrono::Utc::now(),
    )
    .unwrap();
    agency.id.to_string()
}

/// Logs in through the form; the session cookie and the session's CSRF token.
macro_rules! login {
    ($app:expr, $email:expr) => {{
        let res = test::call_service(
            &$app,
            TestRequest::get()
                .uri("/login")
                .peer_addr(peer())
                .to_request(),
        )
        .await;
        let login = res
            .response()
            .cookies()
            .find(|c| c.name() == "__Host-schakel_login")
            .unwrap()
            .value()
            .to_owned();
        let page = body(res).await;
        let res = test::call_service(
            &$app,
            TestRequest::post()
                .uri("/login")
                .peer_addr(peer())
                .cookie(Cookie::new("__Host-schakel_login", login))
                .set_form([
                    ("csrf", csrf_of(&page).as_str()),
                    ("email", $email),
                    ("password", PASSWORD),
                ])
                .to_request(),
        )
        .await;
        assert_eq!(header(&res, "location"), "/", "login of {}", $email);
        let session = res
            .response()
            .cookies()
            .find(|c| c.name() == "__Host-schakel_session")
            .unwrap()
            .value()
            .to_owned();
        let session = Cookie::new("__Host-schakel_session", session);
        let home = body(test::call_service(&$app, get("/", &session).to_request()).await).await;
        (session, csrf_of(&home))
    }};
}
pub(crate) use login;

pub(crate) fn post(uri: &str, session: &Cookie<'static>, form: &[(&str, &str)]) -> TestRequest {
    TestRequest::post()
        .uri(uri)
        .peer_addr(peer())
        .cookie(session.clone())
        .set_form(form)
}

fn agency_named(db: &TestDb, name: &str) -> Option<agencies::Agency> {
    let mut conn = db.pool.get().unwrap();
    agencies::find_by_name(&mut conn, name).unwrap()
}

pub(crate) fn user_by_email(db: &TestDb, email: &str) -> Option<users::User> {
    let mut conn = db.pool.get().unwrap();
    users::find_by_email(&mut conn, email).unwrap()
}

pub(crate) fn successes(db: &TestDb, action: &str) -> usize {
    let mut conn = db.pool.get().unwrap();
    let filter = schakel_audit::AuditFilter {
        action: Some(schakel_audit::ActionCode::parse(action).unwrap()),
        ..Default::default()
    };
    let page = schakel_audit::PageRequest {
        before_seq: None,
        limit: 500,
    };
    schakel_audit::query(&mut conn, &filter, page)
        .unwrap()
        .entries
        .iter()
        .filter(|e| e.outcome.as_str() == "success")
        .count()
}

#[actix_web::test]
async fn the_admin_creates_changes_and_deactivates_an_agency() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service!(&db);
        person(&db, "beheer@platform.example", Role::Admin);
        let (session, csrf) = login!(app, "beheer@platform.example");

        let home = body(test::call_service(&app, get("/", &session).to_request()).await).await;
        for link in [
            "/admin/agencies",
            "/admin/users",
            "/admin/requests",
            "/admin/notifications",
        ] {
            assert!(home.contains(&format!("href=\"{link}\"")), "{link}");
        }
        let res = test::call_service(&app, get("/admin/agencies", &session).to_request()).await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        let page = body(res).await;
        assert!(page.contains("<label for=\"contact_email\">"), "{page}");

        let res = test::call_service(
            &app,
            post(
                "/admin/agencies",
                &session,
                &[
                    ("csrf", &csrf),
                    ("name", "Opvang Noord"),
                    ("kind", "shelter_categorical"),
                    ("region", "noord_nederland"),
                    ("contact_email", "balie@opvangnoord.example"),
                ],
            )
            .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let location = header(&res, "location");
        let page =
            body(test::call_service(&app, get(&location, &session).to_request()).await).await;
        assert!(page.contains("The agency was created."), "{page}");
        assert!(page.contains(">Opvang Noord</a>") && page.contains("categorical shelter"));
        let created = agency_named(&db, "Opvang Noord").expect("created");
        assert_eq!(created.version, 1);

        let uri = format!("/admin/agencies/{}", created.id);
        let page = body(test::call_service(&app, get(&uri, &session).to_request()).await).await;
        assert!(page.contains("<h1>Opvang Noord</h1>"));
        assert!(page.contains("name=\"version\" value=\"1\""));
        let edit = |name: &'static str, version: &'static str| {
            [
                ("csrf", csrf.clone()),
                ("version", version.to_owned()),
                ("name", name.to_owned()),
                ("kind", "shelter_other".to_owned()),
                ("region", "oost_nederland".to_owned()),
                ("contact_email", "desk@opvangnoord.example".to_owned()),
            ]
        };
        let form = edit("Opvang Noord-Oost", "1");
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = test::call_service(&app, post(&uri, &session, &form).to_request()).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let changed = agency_named(&db, "Opvang Noord-Oost").expect("renamed");
        assert_eq!(
            (changed.kind, changed.region, changed.version),
            (AgencyKind::ShelterOther, Region::OostNederland, 2)
        );
        assert_eq!(changed.contact_email, "desk@opvangnoord.example");

        // A form made from version 1 changes nothing now: the agency is shown as it is.
        let form = edit("Opvang Zuid", "1");
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = test::call_service(&app, post(&uri, &session, &form).to_request()).await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "{backend:?}");
        let page = body(res).await;
        assert!(page.contains("Someone changed this agency in the meantime"));
        assert!(page.contains("value=\"Opvang Noord-Oost\"") && page.contains("value=\"2\""));
        assert!(agency_named(&db, "Opvang Zuid").is_none());

        let res = test::call_service(
            &app,
            post(&format!("{uri}/deactivate"), &session, &[("csrf", &csrf)]).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert!(!agency_named(&db, "Opvang Noord-Oost").unwrap().active);
        let page = body(test::call_service(&app, get(&uri, &session).to_request()).await).await;
        assert!(
            !page.contains("/deactivate\""),
            "no second deactivation offered"
        );
        let res = test::call_service(
            &app,
            post(&format!("{uri}/deactivate"), &session, &[("csrf", &csrf)]).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "already inactive");
        assert_eq!(successes(&db, "admin.agency_update"), 1);
        assert_eq!(successes(&db, "admin.agency_deactivate"), 1);
        let res = test::call_service(
            &app,
            get("/admin/agencies/not-an-id", &session).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
}

#[actix_web::test]
async fn the_admin_invites_a_user_changes_the_role_and_deactivates_and_reactivates() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        // Without four eyes every change happens at once (`four_eyes_pages` has them).
        let app = service_with!(&db, without_four_eyes());
        let home = person(&db, "beheer@platform.example", Role::Admin);
        let (session, csrf) = login!(app, "beheer@platform.example");
        let page =
            body(test::call_service(&app, get("/admin/users", &session).to_request()).await).await;
        assert!(page.contains("beheer@platform.example"), "{page}");
        assert!(page.contains(&format!("<option value=\"{home}\">")));

        let res = test::call_service(
            &app,
            post(
                "/admin/users",
                &session,
                &[
                    ("csrf", &csrf),
                    ("email", "Noor@Platform.example"),
                    ("display_name", "Noor Jansen"),
                    ("agency_id", &home),
                    ("role", "caseworker"),
                    ("locale", "nl"),
                ],
            )
            .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(header(&res, "location"), "/admin/users?done=invited");
        let invited = user_by_email(&db, "noor@platform.example").expect("invited");
        assert_eq!((invited.role, invited.active), (Role::Caseworker, true));
        assert!(invited.password_hash.is_none(), "the invitation is pending");
        let pending = {
            let mut conn = db.pool.get().unwrap();
            outbox::list_in_state(&mut conn, "pending", 50).unwrap()
        };
        assert!(
            pending
                .iter()
                .any(|r| r.topic == "invitation" && r.channel == "email"),
            "{pending:?}"
        );
        let page = body(
            test::call_service(
                &app,
                get("/admin/users?done=invited", &session).to_request(),
            )
            .await,
        )
        .await;
        assert!(page.contains("The user was invited"));
        assert!(page.contains("Noor Jansen") && page.contains("invitation not yet accepted"));

        let id = invited.id.to_string();
        let role = format!("/admin/users/{id}/role");
        let res = test::call_service(
            &app,
            post(&role, &session, &[("csrf", &csrf), ("role", "coordinator")]).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(
            user_by_email(&db, "noor@platform.example").unwrap().role,
            Role::Coordinator
        );
        let res = test::call_service(
            &app,
            post(&role, &session, &[("csrf", &csrf), ("role", "koning")]).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "an unknown role");

        let res = test::call_service(
            &app,
            post(
                &format!("/admin/users/{id}/deactivate"),
                &session,
                &[("csrf", &csrf)],
            )
            .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert!(!user_by_email(&db, "noor@platform.example").unwrap().active);
        let page =
            body(test::call_service(&app, get("/admin/users", &session).to_request()).await).await;
        assert!(page.contains(&format!("action=\"/admin/users/{id}/reactivate\"")));
        let res = test::call_service(
            &app,
            post(
                &format!("/admin/users/{id}/reactivate"),
                &session,
                &[("csrf", &csrf)],
            )
            .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert!(user_by_email(&db, "noor@platform.example").unwrap().active);

        // The admin cannot deactivate their own account, nor demote the last admin.
        let me = user_by_email(&db, "beheer@platform.example").unwrap().id;
        let res = test::call_service(
            &app,
            post(
                &format!("/admin/users/{me}/deactivate"),
                &session,
                &[("csrf", &csrf)],
            )
            .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert!(
            body(res)
                .await
                .contains("You cannot change the role of your own account or deactivate it")
        );
        let res = test::call_service(
            &app,
            post(
                &format!("/admin/users/{me}/role"),
                &session,
                &[("csrf", &csrf), ("role", "analyst")],
            )
            .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert_eq!(successes(&db, "admin.user_invite"), 1);
        assert_eq!(successes(&db, "admin.user_role_change"), 1);
        assert_eq!(successes(&db, "admin.user_deactivate"), 1);
        assert_eq!(successes(&db, "admin.user_reactivate"), 1);
    }
}

#[actix_web::test]
async fn a_refused_form_keeps_what_was_typed_with_a_message_by_the_field() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service!(&db);
        let home = person(&db, "beheer@platform.example", Role::Admin);
        let (session, csrf) = login!(app, "beheer@platform.example");

        let res = test::call_service(
            &app,
            post(
                "/admin/agencies",
                &session,
                &[
                    ("csrf", &csrf),
                    ("name", "Zorgcoördinatie <Oost>"),
                    ("kind", "care_coordination"),
                    ("region", ""),
                    ("contact_email", "geen adres"),
                ],
            )
            .to_request(),
        )
        .await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}"
        );
        let page = body(res).await;
        assert!(
            page.contains("value=\"Zorgcoördinatie &#60;Oost&#62;\""),
            "{page}"
        );
        assert!(page.contains("value=\"geen adres\""));
        assert!(page.contains("<option value=\"care_coordination\" selected>"));
        assert!(page.contains("id=\"contact_email-error\">Enter an email address"));
        assert!(page.contains("id=\"region-error\">Choose one.</p>"));
        assert!(page.contains("aria-invalid=\"true\" aria-describedby=\"region-error\""));
        assert!(agency_named(&db, "Zorgcoördinatie <Oost>").is_none());

        // The name is taken: the message is next to the name.
        let taken = "Organisatie beheer@platform.example";
        let res = test::call_service(
            &app,
            post(
                "/admin/agencies",
                &session,
                &[
                    ("csrf", &csrf),
                    ("name", taken),
                    ("kind", "ngo"),
                    ("region", "national"),
                    ("contact_email", "info@ngo.example"),
                ],
            )
            .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = body(res).await;
        assert!(page.contains("id=\"name-error\">Another agency already has this name."));
        assert!(page.contains("value=\"info@ngo.example\""));

        let invite = |email: &'static str| {
            [
                ("csrf", csrf.clone()),
                ("email", email.to_owned()),
                ("display_name", "Noor Jansen".to_owned()),
                ("agency_id", home.clone()),
                ("role", "analyst".to_owned()),
                ("locale", "en".to_owned()),
            ]
        };
        let form = invite("noor@");
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res =
            test::call_service(&app, post("/admin/users", &session, &form).to_request()).await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}"
        );
        let page = body(res).await;
        assert!(page.contains("id=\"email-error\">Enter an email address"));
        assert!(page.contains("value=\"noor@\"") && page.contains("value=\"Noor Jansen\""));
        assert!(page.contains(&format!("<option value=\"{home}\" selected>")));
        assert!(page.contains("<option value=\"analyst\" selected>"));
        assert!(page.contains("<option value=\"en\" selected>"));

        let form = invite("beheer@platform.example");
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res =
            test::call_service(&app, post("/admin/users", &session, &form).to_request()).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body(res)
                .await
                .contains("id=\"email-error\">Another account already has this email address.")
        );
        assert_eq!(successes(&db, "admin.user_invite"), 0);
    }
}

#[actix_web::test]
async fn a_form_without_the_sessions_token_is_refused() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service!(&db);
        let home = person(&db, "beheer@platform.example", Role::Admin);
        person(&db, "nog@platform.example", Role::Caseworker);
        let (session, _) = login!(app, "beheer@platform.example");
        let me = user_by_email(&db, "beheer@platform.example").unwrap().id;
        let agency_form = [
            ("name", "Opvang West"),
            ("kind", "shelter_other"),
            ("region", "national"),
            ("contact_email", "info@west.example"),
            ("version", "1"),
        ];
        let invite_form = [
            ("email", "iemand@west.example"),
            ("display_name", "Iemand"),
            ("agency_id", home.as_str()),
            ("role", "caseworker"),
            ("locale", "nl"),
        ];
        let other = user_by_email(&db, "nog@platform.example").unwrap().id;
        let some_id = "6f1c2a0e-4a7b-4c1e-9d8e-2b1f0c3d4e5f";
        let routes: [(String, &[(&str, &str)]); 11] = [
            ("/admin/agencies".to_owned(), &agency_form),
            (format!("/admin/agencies/{home}"), &agency_form),
            (format!("/admin/agencies/{home}/deactivate"), &[]),
            ("/admin/users".to_owned(), &invite_form),
            (format!("/admin/users/{me}/role"), &[("role", "analyst")]),
            (format!("/admin/users/{other}/deactivate"), &[]),
            (format!("/admin/users/{other}/reactivate"), &[]),
            (format!("/admin/users/{other}/second-factor-reset"), &[]),
            (format!("/admin/requests/{some_id}/approve"), &[]),
            (format!("/admin/requests/{some_id}/reject"), &[]),
            (format!("/admin/notifications/{some_id}/retry"), &[]),
        ];
        for (uri, fields) in &routes {
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
            }
        }
        assert!(agency_named(&db, "Opvang West").is_none());
        assert!(user_by_email(&db, "iemand@west.example").is_none());
        assert_eq!(
            user_by_email(&db, "beheer@platform.example").unwrap().role,
            Role::Admin
        );
        assert!(user_by_email(&db, "nog@platform.example").unwrap().active);
        assert_eq!(successes(&db, "admin.user_deactivate"), 0);
    }
}

#[actix_web::test]
async fn every_other_role_gets_404_on_every_admin_route() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service!(&db);
        let admin_home = person(&db, "ad@x.example", Role::Admin);
        let admin = user_by_email(&db, "ad@x.example").unwrap().id;
        let roles = [
            (Role::Caseworker, "cw@x.example"),
            (Role::Coordinator, "co@x.example"),
            (Role::Analyst, "an@x.example"),
            (Role::Auditor, "au@x.example"),
        ];
        for (role, email) in roles {
            person(&db, email, role);
        }
        let some_id = "6f1c2a0e-4a7b-4c1e-9d8e-2b1f0c3d4e5f";
        for (role, email) in roles {
            let (session, csrf) = login!(app, email);
            let home = body(test::call_service(&app, get("/", &session).to_request()).await).await;
            assert!(!home.contains("/admin/"), "{role:?}: no admin links");
            for uri in [
                "/admin/agencies".to_owned(),
                format!("/admin/agencies/{admin_home}"),
                "/admin/users".to_owned(),
                "/admin/requests".to_owned(),
                "/admin/requests?state=all".to_owned(),
                "/admin/notifications".to_owned(),
            ] {
                let res = test::call_service(&app, get(&uri, &session).to_request()).await;
                assert_eq!(
                    res.status(),
                    StatusCode::NOT_FOUND,
                    "{backend:?}: {role:?} GET {uri}"
                );
            }
            let posts: [(String, Vec<(&str, &str)>); 11] = [
                (
                    "/admin/agencies".to_owned(),
                    vec![("name", "Eigen club"), ("kind", "ngo")],
                ),
                (
                    format!("/admin/agencies/{admin_home}"),
                    vec![("version", "1")],
                ),
                (format!("/admin/agencies/{admin_home}/deactivate"), vec![]),
                (
                    "/admin/users".to_owned(),
                    vec![("email", "nieuw@x.example"), ("role", "admin")],
                ),
                (
                    format!("/admin/users/{admin}/role"),
                    vec![("role", "admin")],
                ),
                (format!("/admin/users/{admin}/deactivate"), vec![]),
                (format!("/admin/users/{admin}/reactivate"), vec![]),
                (format!("/admin/users/{admin}/second-factor-reset"), vec![]),
                (format!("/admin/requests/{some_id}/approve"), vec![]),
                (format!("/admin/requests/{some_id}/reject"), vec![]),
                (format!("/admin/notifications/{some_id}/retry"), vec![]),
            ];
            for (uri, mut form) in posts {
                form.push(("csrf", &csrf));
                let res = test::call_service(&app, post(&uri, &session, &form).to_request()).await;
                assert_eq!(
                    res.status(),
                    StatusCode::NOT_FOUND,
                    "{backend:?}: {role:?} POST {uri}"
                );
            }
        }
        // Not signed in: to the login page.
        let res = test::call_service(
            &app,
            TestRequest::get()
                .uri("/admin/users")
                .peer_addr(peer())
                .to_request(),
        )
        .await;
        assert_eq!(header(&res, "location"), "/login");
        assert!(user_by_email(&db, "nieuw@x.example").is_none());
        assert!(agency_named(&db, "Eigen club").is_none());
        assert!(user_by_email(&db, "ad@x.example").unwrap().active);
    }
}

/// An invited user whose invitation email was given up on: the queued email's id and
/// the user's id.
fn failed_invitation(db: &TestDb, email: &str) -> (String, String) {
    let mut conn = db.pool.get().unwrap();
    let now = chrono::Utc::now();
    let agency = agencies::find_by_name(&mut conn, "Organisatie beheer@platform.example")
        .unwrap()
        .unwrap();
    let user = users::insert(
        &mut conn,
        &NewUser {
            agency_id: agency.id,
            email,
            display_name: "Nieuw",
            role: Role::Caseworker,
            locale: "nl",
            password_hash: None,
        },
        now,
    )
    .unwrap();
    let row = outbox::enqueue(
        &mut conn,
        &NewOutboxMessage {
            channel: Channel::Email,
            topic: "invitation".into(),
            payload: json!({ "user_id": user.id, "token": "geheim-token" }),
            available_at: now,
        },
        now,
    )
    .unwrap()
    .to_string();
    outbox::mark_done(&mut conn, &row, now).unwrap();
    let payload = json!({ "user_id": user.id, "token_scrubbed": true });
    mail_queue::insert(
        &mut conn,
        &mail_queue::NewMail {
            outbox_id: &row,
            user_id: user.id,
            topic: "invitation",
            payload: &payload,
            digest: false,
            available_at: now,
            created_at: now,
        },
    )
    .unwrap();
    let ids: Vec<String> = mail_queue::claim(&mut conn, false, now, now, 10)
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    mail_queue::mark_failed(&mut conn, &ids, "SMTP: 550 mailbox unavailable").unwrap();
    (ids[0].clone(), user.id.to_string())
}

#[actix_web::test]
async fn a_failed_notification_is_listed_and_sent_again() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service!(&db);
        let home = person(&db, "beheer@platform.example", Role::Admin);
        let event = {
            let mut conn = db.pool.get().unwrap();
            let now = chrono::Utc::now();
            let id = outbox::enqueue(
                &mut conn,
                &NewOutboxMessage {
                    channel: Channel::Email,
                    topic: "referral_received".into(),
                    payload: json!({ "agency_id": home, "roles": ["coordinator"] }),
                    available_at: now,
                },
                now,
            )
            .unwrap()
            .to_string();
            outbox::mark_failed(&mut conn, &id, now, "no active recipient").unwrap();
            id
        };
        let invited = failed_invitation(&db, "nieuw@platform.example");
        let (session, csrf) = login!(app, "beheer@platform.example");
        let res =
            test::call_service(&app, get("/admin/notifications", &session).to_request()).await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        let page = body(res).await;
        assert!(
            page.contains("<th scope=\"row\">referral received</th>"),
            "{page}"
        );
        assert!(page.contains("no active recipient"));
        assert!(page.contains("<th scope=\"row\">invitation</th>"));
        assert!(
            page.contains(&format!("<code>{}</code>", invited.1)),
            "by user id"
        );
        assert!(!page.contains("geheim") && !page.contains("nieuw@platform.example"));
        // A failed invitation cannot be sent again: its token is gone.
        let res = test::call_service(
            &app,
            post(
                &format!("/admin/notifications/{}/retry", invited.0),
                &session,
                &[("csrf", &csrf)],
            )
            .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "{backend:?}");
        assert!(body(res).await.contains("cannot be sent again"));
        let retry = format!("/admin/notifications/{event}/retry");
        assert!(page.contains(&format!("action=\"{retry}\"")));

        let res = test::call_service(
            &app,
            post(&retry, &session, &[("csrf", &csrf)]).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let page = body(
            test::call_service(&app, get(&header(&res, "location"), &session).to_request()).await,
        )
        .await;
        assert!(page.contains("The notification was queued again."));
        assert!(page.contains("No events failed."), "{page}");
        assert!(
            page.contains("<th scope=\"row\">invitation</th>"),
            "still failed"
        );
        let stats = {
            let mut conn = db.pool.get().unwrap();
            outbox::stats(&mut conn, chrono::Utc::now()).unwrap()
        };
        assert_eq!((stats.failed, stats.pending), (0, 1), "pending again");
        let res = test::call_service(
            &app,
            post(&retry, &session, &[("csrf", &csrf)]).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "only once");
        assert_eq!(successes(&db, "admin.delivery_retry"), 1);
    }
}

#[actix_web::test]
async fn an_admin_cannot_change_their_own_role_even_with_another_admin_present() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service!(&db);
        person(&db, "beheer@platform.example", Role::Admin);
        person(&db, "tweede@platform.example", Role::Admin);
        let (session, csrf) = login!(app, "beheer@platform.example");
        let me = user_by_email(&db, "beheer@platform.example").unwrap().id;
        let other = user_by_email(&db, "tweede@platform.example").unwrap().id;
        let page =
            body(test::call_service(&app, get("/admin/users", &session).to_request()).await).await;
        assert!(
            !page.contains(&format!("/admin/users/{me}/role")),
            "no role form for one's own account"
        );
        assert!(page.contains(&format!("/admin/users/{other}/role")));
        let res = test::call_service(
            &app,
            post(
                &format!("/admin/users/{me}/role"),
                &session,
                &[("csrf", &csrf), ("role", "coordinator")],
            )
            .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "{backend:?}");
        assert!(
            body(res)
                .await
                .contains("You cannot change the role of your own account")
        );
        let me_now = user_by_email(&db, "beheer@platform.example").unwrap();
        assert_eq!(me_now.role, Role::Admin);
        assert_eq!(successes(&db, "admin.user_role_change"), 0);
    }
}
