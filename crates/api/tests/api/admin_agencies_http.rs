//! Agencies as the admin manages them over HTTP: creation, changes under `If-Match`
//! with no mass assignment, deactivation that takes the agency's accounts and sessions
//! with it, the directory of active agencies, and one audit entry per change.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{
    AgencyBuilder, Client, UserBuilder, audit_of, bearer, keys, request, successes,
};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_api::app;
use schakel_domain::{AgencyKind, Role};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::json;
use std::collections::BTreeSet;

#[actix_web::test]
async fn an_agency_is_created_changed_under_if_match_and_deactivated_with_its_accounts() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let home = AgencyBuilder::new(&db)
            .name("Platformbeheer")
            .kind(AgencyKind::Other)
            .create();
        let admin = UserBuilder::new(&db, &home)
            .email("beheer@platform.example")
            .role(Role::Admin)
            .create();
        let referrer = UserBuilder::new(&db, &home)
            .email("verwijzer@platform.example")
            .role(Role::Caseworker)
            .create();
        let token = client.token(&admin.email).await;
        let as_admin = |method: &str, uri: &str| bearer(request(method, uri), &token);

        let new = json!({
            "name": "Opvang Noord",
            "kind": "shelter_categorical",
            "region": "noord_nederland",
            "contact_email": " Balie@Opvang.example ",
        });
        // The same fields as an array, which serde would read in order: refused.
        let as_array = json!([
            "Opvang Noord",
            "shelter_categorical",
            "noord_nederland",
            "balie@opvang.example"
        ]);
        let refused = client
            .send(as_admin("POST", "/api/v1/agencies").set_json(&as_array))
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.problem(), "invalid_body");
        let created = client
            .send(as_admin("POST", "/api/v1/agencies").set_json(&new))
            .await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "{backend:?}: {created:?}"
        );
        assert_eq!(created.header("etag"), "\"1\"");
        let body = created.json();
        let id = body["id"].as_str().unwrap().to_owned();
        assert_eq!(created.header("location"), format!("/api/v1/agencies/{id}"));
        let expected: BTreeSet<String> = [
            "id",
            "name",
            "kind",
            "region",
            "contact_email",
            "active",
            "version",
            "created_at",
            "updated_at",
        ]
        .map(String::from)
        .into();
        assert_eq!(keys(&body), expected);
        assert_eq!(body["contact_email"], "balie@opvang.example");
        assert_eq!(body["active"], true);
        let entries = audit_of(&db, "admin.agency_create");
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].object.as_ref().unwrap().id, id);

        // Refusals change nothing and record nothing as done.
        let again = client
            .send(as_admin("POST", "/api/v1/agencies").set_json(&new))
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(again.problem(), "conflict");
        for (field, value) in [
            ("contact_email", json!("geen adres")),
            ("kind", json!("bakery")),
            ("name", json!("  ")),
        ] {
            let mut bad = new.clone();
            bad[field] = value;
            bad["name"] = json!(if field == "name" { "  " } else { "Andere Naam" });
            let r = client
                .send(as_admin("POST", "/api/v1/agencies").set_json(&bad))
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        }
        assert_eq!(successes(&db, "admin.agency_create"), 1);

        let uri = format!("/api/v1/agencies/{id}");
        let rename = json!({ "name": "Opvang Noord-Nederland" });
        let missing = client.send(as_admin("PATCH", &uri).set_json(&rename)).await;
        assert_eq!(missing.status, StatusCode::PRECONDITION_REQUIRED);
        let stale = client
            .send(
                as_admin("PATCH", &uri)
                    .insert_header(("if-match", "\"9\""))
                    .set_json(&rename),
            )
            .await;
        assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
        for smuggled in [
            json!({ "name": "Overgenomen", "version": 7 }),
            json!({ "name": "Overgenomen", "agency_id": home.id }),
            json!({ "active": false }),
        ] {
            let r = client
                .send(
                    as_admin("PATCH", &uri)
                        .insert_header(("if-match", "\"1\""))
                        .set_json(&smuggled),
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{smuggled}");
        }
        let unchanged = client.send(as_admin("GET", &uri)).await;
        assert_eq!(unchanged.header("etag"), "\"1\"");
        assert_eq!(unchanged.json()["name"], "Opvang Noord");

        let renamed = client
            .send(
                as_admin("PATCH", &uri)
                    .insert_header(("if-match", "\"1\""))
                    .set_json(&rename),
            )
            .await;
        assert_eq!(renamed.status, StatusCode::OK);
        assert_eq!(renamed.header("etag"), "\"2\"");
        assert_eq!(renamed.json()["name"], "Opvang Noord-Nederland");
        let replayed = client
            .send(
                as_admin("PATCH", &uri)
                    .insert_header(("if-match", "\"1\""))
                    .set_json(&rename),
            )
            .await;
        assert_eq!(
            replayed.status,
            StatusCode::PRECONDITION_FAILED,
            "the version moved on"
        );
        assert_eq!(successes(&db, "admin.agency_update"), 1);
        let nobody = format!(
            "/api/v1/agencies/{}",
            schakel_domain::AgencyId::new_random()
        );
        assert_eq!(
            client.send(as_admin("GET", &nobody)).await.status,
            StatusCode::NOT_FOUND
        );
        let malformed = client.send(as_admin("GET", "/api/v1/agencies/42")).await;
        assert_eq!(malformed.status, StatusCode::NOT_FOUND);

        // Deactivation takes the agency's people with it.
        let shelter =
            schakel_store::agencies::find(&mut db.pool.get().unwrap(), id.parse().unwrap())
                .unwrap();
        let staff = UserBuilder::new(&db, &shelter)
            .email("medewerker@opvang.example")
            .role(Role::Caseworker)
            .create();
        let staff_token = client.token(&staff.email).await;
        let me = || bearer(request("GET", "/api/v1/me"), &staff_token);
        assert_eq!(client.send(me()).await.status, StatusCode::OK);
        let deactivate = format!("{uri}/deactivate");
        let done = client.send(as_admin("POST", &deactivate)).await;
        assert_eq!(done.status, StatusCode::OK);
        assert_eq!(done.json()["active"], false);
        assert_eq!(done.header("etag"), "\"3\"");
        assert_eq!(client.send(me()).await.status, StatusCode::UNAUTHORIZED);
        let login =
            client
                .send(request("POST", "/api/v1/auth/login").set_json(
                    json!({ "email": staff.email, "password": crate::support::PASSWORD }),
                ))
                .await;
        assert_eq!(login.status, StatusCode::UNAUTHORIZED);
        let entries = audit_of(&db, "admin.agency_deactivate");
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].details["accounts_deactivated"], 1);
        assert_eq!(entries[0].details["sessions_ended"], 1);
        let twice = client.send(as_admin("POST", &deactivate)).await;
        assert_eq!(twice.status, StatusCode::CONFLICT);
        let own = format!("/api/v1/agencies/{}/deactivate", home.id);
        assert_eq!(
            client.send(as_admin("POST", &own)).await.status,
            StatusCode::CONFLICT
        );
        let invite = json!({
            "agency_id": id, "email": "later@opvang.example",
            "display_name": "Later", "role": "caseworker",
        });
        let r = client
            .send(as_admin("POST", "/api/v1/users").set_json(&invite))
            .await;
        assert_eq!(
            r.status,
            StatusCode::CONFLICT,
            "no invitations into an inactive agency"
        );

        // The admin still lists it; the directory no longer does.
        let all = client
            .send(as_admin("GET", "/api/v1/agencies"))
            .await
            .json();
        assert_eq!(all.as_array().unwrap().len(), 2);
        let referrer_token = client.token(&referrer.email).await;
        let dir = |q: &str| {
            bearer(
                request("GET", &format!("/api/v1/directory/agencies{q}")),
                &referrer_token,
            )
        };
        let listed = client.send(dir("")).await.json();
        assert_eq!(
            listed,
            json!([{
                "id": home.id, "name": "Platformbeheer", "kind": "other", "region": "midden_nederland",
            }])
        );
        assert_eq!(client.send(dir("?kind=police")).await.json(), json!([]));
        assert_eq!(
            client.send(dir("?kind=bakery")).await.status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            client.send(dir("?colour=red")).await.status,
            StatusCode::BAD_REQUEST
        );
    }
}

#[actix_web::test]
async fn an_agency_deactivated_while_someone_is_invited_into_it_keeps_no_active_account() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        // One admin decides here: the race is between an invitation and a deactivation.
        let srv = test::init_service(app(crate::support::state_one_admin_decides(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let home = AgencyBuilder::new(&db)
            .name("Platformbeheer")
            .kind(AgencyKind::Other)
            .create();
        let admin = UserBuilder::new(&db, &home)
            .email("beheer@platform.example")
            .role(Role::Admin)
            .create();
        let token = client.token(&admin.email).await;
        for round in 0..6 {
            let target = AgencyBuilder::new(&db)
                .name(format!("Vertrekkend {round}"))
                .kind(AgencyKind::Ngo)
                .create();
            let invite = bearer(request("POST", "/api/v1/users"), &token).set_json(json!({
                "agency_id": target.id, "email": format!("laatste{round}@vertrek.example"),
                "display_name": "Laatste", "role": "caseworker",
            }));
            let uri = format!("/api/v1/agencies/{}/deactivate", target.id);
            let (invited, deactivated) = tokio::join!(
                client.send(invite),
                client.send(bearer(request("POST", &uri), &token)),
            );
            assert_eq!(
                deactivated.status,
                StatusCode::OK,
                "{backend:?} round {round}"
            );
            assert!(
                [StatusCode::CREATED, StatusCode::CONFLICT].contains(&invited.status),
                "{invited:?}"
            );
            let mut conn = db.pool.get().unwrap();
            let accounts = schakel_store::users::list(&mut conn, Some(target.id)).unwrap();
            assert!(
                accounts.iter().all(|u| !u.active),
                "{backend:?} round {round}: an active account in a deactivated agency"
            );
        }
    }
}
