//! One's own sessions over HTTP, on every backend: signed in from two browsers, the user
//! sees both (address, browser, the current one first) and ends the other, whose token
//! then stops working at once; ending it again, or another user's session, answers as a
//! session that does not exist and ends nothing; each ending is audited.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, PASSWORD, UserBuilder, bearer, request};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_api::app;
use schakel_domain::Role;
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::json;

#[actix_web::test]
async fn a_user_lists_their_sessions_and_ends_one_of_them() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let agency = AgencyBuilder::new(&db).create();
        let user = UserBuilder::new(&db, &agency)
            .role(Role::Caseworker)
            .create();
        let other = UserBuilder::new(&db, &agency)
            .role(Role::Coordinator)
            .create();
        let login = |agent: &str| {
            request("POST", "/api/v1/auth/login")
                .insert_header(("user-agent", agent.to_owned()))
                .set_json(json!({ "email": user.email, "password": PASSWORD }))
        };
        let laptop = client
            .send(login("Firefox on the office laptop"))
            .await
            .json();
        let phone = client.send(login("Safari on a phone")).await.json();
        let laptop = laptop["access_token"].as_str().unwrap().to_owned();
        let phone = phone["access_token"].as_str().unwrap().to_owned();
        let others = client.token(&other.email).await;

        let list = client
            .send(bearer(request("GET", "/api/v1/me/sessions"), &laptop))
            .await;
        assert_eq!(list.status, StatusCode::OK, "{backend:?}");
        let list = list.json();
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 2, "{list:?}");
        assert_eq!(list[0]["current"], true);
        assert_eq!(list[0]["user_agent"], "Firefox on the office laptop");
        assert_eq!(list[1]["current"], false);
        assert_eq!(list[1]["user_agent"], "Safari on a phone");
        assert_eq!(
            list[1]["source_ip"],
            crate::support::peer().ip().to_string()
        );
        let phones = list[1]["id"].as_str().unwrap().to_owned();

        // Another user cannot end it, nor see it.
        let uri = format!("/api/v1/me/sessions/{phones}");
        let r = client.send(bearer(request("DELETE", &uri), &others)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{backend:?}");
        let r = client
            .send(bearer(request("GET", "/api/v1/me"), &phone))
            .await;
        assert_eq!(r.status, StatusCode::OK, "still signed in on the phone");

        // Ended from the laptop: the phone's token stops at once.
        let r = client.send(bearer(request("DELETE", &uri), &laptop)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{backend:?}");
        let r = client
            .send(bearer(request("GET", "/api/v1/me"), &phone))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{backend:?}");
        let r = client.send(bearer(request("DELETE", &uri), &laptop)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "already ended");
        let left = client
            .send(bearer(request("GET", "/api/v1/me/sessions"), &laptop))
            .await
            .json();
        assert_eq!(left.as_array().unwrap().len(), 1);

        // Audited once, with the session ended.
        let entries = crate::support::audit_of(&db, "auth.session_end");
        assert_eq!(entries.len(), 1, "{backend:?}");
        assert_eq!(entries[0].object.as_ref().unwrap().id, phones);
    }
}
