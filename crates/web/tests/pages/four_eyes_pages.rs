//! Four eyes on privilege in the admin's pages, on every backend, with the default
//! configuration: an invitation to case work, a role change and the reset of a second
//! factor asked by one admin wait under Requests; the one who asked sees no approve
//! button and is refused a forged approval; a second admin approves (the change is
//! carried out) or rejects (nothing changes); a decided request is not decided again;
//! the one who asked withdraws their own.

use crate::admin_pages::{login, person, post, successes, user_by_email};
use crate::support::{PASSWORD, body, csrf_of, get, header, peer, service};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{AgencyId, Role};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users::{self, NewUser};
use secrecy::SecretString;

/// A user with a password in agency `agency`.
fn colleague(db: &TestDb, agency: &str, email: &str, name: &str, role: Role) -> users::User {
    let mut conn = db.pool.get().unwrap();
    let hash = schakel_auth::password::hash(&SecretString::from(PASSWORD)).unwrap();
    users::insert(
        &mut conn,
        &NewUser {
            agency_id: agency.parse::<AgencyId>().unwrap(),
            email,
            display_name: name,
            role,
            locale: "en",
            password_hash: Some(&hash),
        },
        chrono::Utc::now(),
    )
    .unwrap()
}

/// The id of the first request the page offers to decide.
fn first_request(page: &str) -> String {
    let at = page
        .find("action=\"/admin/requests/")
        .expect("a request to decide")
        + "action=\"/admin/requests/".len();
    page[at..].split('/').next().unwrap().to_owned()
}

#[actix_web::test]
async fn a_second_admin_approves_or_rejects_what_the_first_asked_for() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service!(&db);
        let home = person(&db, "ana@platform.example", Role::Admin);
        colleague(&db, &home, "bo@platform.example", "Bo Bakker", Role::Admin);
        let worker = colleague(
            &db,
            &home,
            "wim@platform.example",
            "Wim Werker",
            Role::Caseworker,
        );
        {
            let mut conn = db.pool.get().unwrap();
            let now = chrono::Utc::now();
            users::set_totp_secret(&mut conn, worker.id, "sealed", now).unwrap();
            users::accept_totp_step(&mut conn, worker.id, 1, true, now).unwrap();
        }
        let (ana, ana_csrf) = login!(app, "ana@platform.example");
        let (bo, bo_csrf) = login!(app, "bo@platform.example");
        let page_of = |session: &Cookie<'static>, uri: &str| get(uri, session).to_request();

        // Ana invites a caseworker: a request, no account yet.
        let res = test::call_service(
            &app,
            post(
                "/admin/users",
                &ana,
                &[
                    ("csrf", &ana_csrf),
                    ("email", "noor@platform.example"),
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
        assert_eq!(header(&res, "location"), "/admin/users?done=requested");
        let page =
            body(test::call_service(&app, page_of(&ana, &header(&res, "location"))).await).await;
        assert!(page.contains("Requested: a second admin must approve this (under Requests)."));
        assert!(user_by_email(&db, "noor@platform.example").is_none());

        // Under Requests, Ana sees it waiting, with no approve button of her own.
        let res = test::call_service(&app, page_of(&ana, "/admin/requests")).await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        let page = body(res).await;
        assert!(
            page.contains("<th scope=\"row\">Invitation to case work</th>"),
            "{page}"
        );
        assert!(page.contains("Noor Jansen (noor@platform.example)"));
        assert!(page.contains("Organisatie ana@platform.example"));
        assert!(page.contains("<td>caseworker</td>") && page.contains("Sam de Beheerder"));
        assert!(page.contains("waiting for a second admin"));
        assert!(page.contains("Your own request: another admin approves it."));
        assert!(!page.contains("/approve\"") && page.contains(">Withdraw<"));
        let invitation = first_request(&page);
        let approve = format!("/admin/requests/{invitation}/approve");
        // A forged approval of her own is refused.
        let res = test::call_service(
            &app,
            post(&approve, &ana, &[("csrf", &ana_csrf)]).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "{backend:?}");
        assert!(
            body(res)
                .await
                .contains("You cannot approve your own request")
        );
        assert!(user_by_email(&db, "noor@platform.example").is_none());

        // Bo approves: the account exists.
        let page = body(test::call_service(&app, page_of(&bo, "/admin/requests")).await).await;
        assert!(page.contains(&format!("action=\"{approve}\"")), "{page}");
        assert!(!page.contains("Your own request"));
        let res = test::call_service(
            &app,
            post(&approve, &bo, &[("csrf", &bo_csrf), ("state", "pending")]).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let location = header(&res, "location");
        assert_eq!(location, "/admin/requests?state=pending&done=approved");
        let page = body(test::call_service(&app, page_of(&bo, &location)).await).await;
        assert!(page.contains("Approved: the change was carried out."));
        assert!(page.contains("There are no requests in this list."));
        let noor = user_by_email(&db, "noor@platform.example").expect("invited");
        assert_eq!(noor.role, Role::Caseworker);
        let page =
            body(test::call_service(&app, page_of(&ana, "/admin/requests?state=approved")).await)
                .await;
        assert!(page.contains("Decided by Bo Bakker"), "{page}");
        // Decided once.
        let res = test::call_service(
            &app,
            post(&approve, &bo, &[("csrf", &bo_csrf)]).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "{backend:?}");
        assert!(body(res).await.contains("This request was decided before"));

        // Ana asks another role for Wim; asked twice it is refused; Bo rejects it.
        let role = format!("/admin/users/{}/role", worker.id);
        let ask = [("csrf", ana_csrf.as_str()), ("role", "coordinator")];
        let res = test::call_service(&app, post(&role, &ana, &ask).to_request()).await;
        assert_eq!(header(&res, "location"), "/admin/users?done=requested");
        let res = test::call_service(&app, post(&role, &ana, &ask).to_request()).await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "{backend:?}");
        assert!(body(res).await.contains("already waits for a second admin"));
        let page = body(test::call_service(&app, page_of(&bo, "/admin/requests")).await).await;
        assert!(
            page.contains("<th scope=\"row\">Another role</th>") && page.contains("Wim Werker")
        );
        let reject = format!("/admin/requests/{}/reject", first_request(&page));
        let res =
            test::call_service(&app, post(&reject, &bo, &[("csrf", &bo_csrf)]).to_request()).await;
        assert_eq!(
            header(&res, "location"),
            "/admin/requests?state=pending&done=rejected"
        );
        assert_eq!(
            user_by_email(&db, "wim@platform.example").unwrap().role,
            Role::Caseworker
        );
        let page =
            body(test::call_service(&app, page_of(&bo, "/admin/requests?state=rejected")).await)
                .await;
        assert!(page.contains("<th scope=\"row\">Another role</th>") && page.contains(">rejected"));

        // The second factor: offered for Wim only (not one's own, not without one).
        let page = body(test::call_service(&app, page_of(&ana, "/admin/users")).await).await;
        let reset = format!("/admin/users/{}/second-factor-reset", worker.id);
        assert!(page.contains(&format!("action=\"{reset}\"")), "{page}");
        assert!(page.contains("Reset the second factor"));
        assert!(!page.contains(&format!("/admin/users/{}/second-factor-reset", noor.id)));
        assert_eq!(page.matches("/second-factor-reset\"").count(), 1);
        let res = test::call_service(
            &app,
            post(&reset, &ana, &[("csrf", &ana_csrf)]).to_request(),
        )
        .await;
        assert_eq!(header(&res, "location"), "/admin/users?done=requested");
        assert!(
            user_by_email(&db, "wim@platform.example")
                .unwrap()
                .totp_confirmed
        );
        let page = body(test::call_service(&app, page_of(&bo, "/admin/requests")).await).await;
        assert!(page.contains("<th scope=\"row\">Reset the second factor</th>"));
        let approve = format!("/admin/requests/{}/approve", first_request(&page));
        let res = test::call_service(
            &app,
            post(&approve, &bo, &[("csrf", &bo_csrf)]).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let wim = user_by_email(&db, "wim@platform.example").unwrap();
        assert!(!wim.totp_confirmed && wim.totp_secret.is_none(), "gone");
        let page = body(test::call_service(&app, page_of(&ana, "/admin/users")).await).await;
        assert!(!page.contains(&format!("action=\"{reset}\"")));

        // Ana withdraws a request of her own.
        let res = test::call_service(&app, post(&role, &ana, &ask).to_request()).await;
        assert_eq!(header(&res, "location"), "/admin/users?done=requested");
        let page = body(test::call_service(&app, page_of(&ana, "/admin/requests")).await).await;
        let withdraw = format!("/admin/requests/{}/reject", first_request(&page));
        let res = test::call_service(
            &app,
            post(&withdraw, &ana, &[("csrf", &ana_csrf)]).to_request(),
        )
        .await;
        let location = header(&res, "location");
        assert_eq!(location, "/admin/requests?state=pending&done=withdrawn");
        let page = body(test::call_service(&app, page_of(&ana, &location)).await).await;
        assert!(page.contains("Your request was withdrawn"));
        assert_eq!(
            user_by_email(&db, "wim@platform.example").unwrap().role,
            Role::Caseworker
        );

        // Unknown ids and filters.
        let res = test::call_service(
            &app,
            post(
                "/admin/requests/geen-id/approve",
                &bo,
                &[("csrf", &bo_csrf)],
            )
            .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let res = test::call_service(
            &app,
            post(
                "/admin/requests/6f1c2a0e-4a7b-4c1e-9d8e-2b1f0c3d4e5f/approve",
                &bo,
                &[("csrf", &bo_csrf)],
            )
            .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let res = test::call_service(&app, page_of(&bo, "/admin/requests?state=%3Cb%3E")).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(
            body(res)
                .await
                .contains("aria-current=\"page\">Waiting</a>")
        );

        assert_eq!(successes(&db, "admin.privilege_request"), 4);
        assert_eq!(successes(&db, "admin.privilege_approve"), 2);
        assert_eq!(successes(&db, "admin.privilege_reject"), 2);
        assert_eq!(successes(&db, "admin.user_invite"), 1);
        assert_eq!(successes(&db, "admin.user_second_factor_reset"), 1);
        assert_eq!(successes(&db, "admin.user_role_change"), 0);
    }
}
