//! An external system's account, on every selected backend: the admin creates it for an
//! agency with a case-work role and hands its secret over once; the system exchanges
//! id and secret for a token (as form fields or HTTP Basic) and reads the facade as its
//! agency; a wrong secret, another grant, a replaced secret or a deactivated account get
//! no token; nobody but an admin makes one, and only of a case-work role.

use crate::support::{Client, config_one_admin_decides, request, successes};
use crate::world::{agencies, referred, send};
use actix_web::test::{self, TestRequest};
use base64::Engine;
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};
use std::sync::Arc;

fn form(id: &str, secret: &str) -> String {
    format!("grant_type=client_credentials&client_id={id}&client_secret={secret}")
}

#[actix_web::test]
async fn a_client_signs_in_with_its_secret_and_acts_as_its_agency() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let state = crate::support::state_with(
            &db,
            Arc::new(schakel_domain::SystemClock),
            config_one_admin_decides(),
        );
        let srv = test::init_service(schakel_api::app_with(state, schakel_fhir::configure)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let world = agencies(&db);
        let admin = client.token("admin@gemeente.example").await;
        let worker = client.token("worker@gemeente.example").await;

        // Only an admin, only a case-work role, only a known agency.
        let body = json!({ "agency_id": world.gemeente.id, "name": "Zaaksysteem Utrecht", "role": "caseworker" });
        let refused = send(
            &client,
            &worker,
            ("POST", "/api/v1/clients"),
            Some(body.clone()),
        )
        .await;
        assert_eq!(refused.status, 403, "{refused:?}");
        let wrong_role = json!({ "agency_id": world.gemeente.id, "name": "X", "role": "admin" });
        let wrong = send(
            &client,
            &admin,
            ("POST", "/api/v1/clients"),
            Some(wrong_role),
        )
        .await;
        assert_eq!(
            (wrong.status.as_u16(), wrong.problem()),
            (422, "invalid_body".to_owned())
        );

        let made = send(&client, &admin, ("POST", "/api/v1/clients"), Some(body)).await;
        assert_eq!(made.status, 201, "{made:?}");
        assert_eq!(made.header("cache-control"), "no-store");
        let made = made.json();
        let id = made["client_id"].as_str().unwrap().to_owned();
        let secret = made["client_secret"].as_str().unwrap().to_owned();
        assert_eq!(made["account"]["client"], true);
        assert_eq!(made["account"]["invitation_pending"], false);
        assert_eq!(successes(&db, "admin.client_create"), 1);
        // It only ever does case work: no other role, by the API either.
        let promote =
            crate::support::bearer(request("PATCH", &format!("/api/v1/users/{id}")), &admin)
                .insert_header(("If-Match", "\"1\""))
                .set_json(json!({ "role": "admin" }));
        let promote = client.send(promote).await;
        assert_eq!(
            (promote.status.as_u16(), promote.problem()),
            (422, "invalid_body".to_owned())
        );

        // The token, as form fields and by HTTP Basic.
        let token_of = |body: String, basic: Option<String>| {
            let mut req = request("POST", "/api/v1/auth/token")
                .insert_header(("content-type", "application/x-www-form-urlencoded"))
                .set_payload(body);
            if let Some(b) = basic {
                req = req.insert_header(("authorization", format!("Basic {b}")));
            }
            client.send(req)
        };
        let got = token_of(form(&id, &secret), None).await;
        assert_eq!(got.status, 200, "{got:?}");
        let token = got.json()["access_token"].as_str().unwrap().to_owned();
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        let by_basic = token_of("grant_type=client_credentials".into(), Some(basic)).await;
        assert_eq!(by_basic.status, 200, "{by_basic:?}");

        // It refers like a caseworker of its agency and reads the Task.
        let r = referred(&client, &token, world.opvang.id, false).await;
        let task = send(
            &client,
            &token,
            ("GET", &format!("/fhir/R4/Task/{}", r.referral_id)),
            None,
        )
        .await;
        assert_eq!(task.status, 200, "{task:?}");
        assert_eq!(
            task.json()["requester"]["reference"],
            format!("Organization/{}", world.gemeente.id)
        );

        // Refusals: a wrong secret, another client's id, another grant.
        let wrong = token_of(form(&id, "not-the-secret"), None).await;
        assert_eq!(
            (wrong.status.as_u16(), wrong.problem()),
            (401, "invalid_client".to_owned())
        );
        let other = token_of(form(&world.gemeente.id.to_string(), &secret), None).await;
        assert_eq!(other.status, 401);
        let grant = token_of(
            format!("grant_type=password&client_id={id}&client_secret={secret}"),
            None,
        )
        .await;
        assert_eq!(
            (grant.status.as_u16(), grant.problem()),
            (400, "unsupported_grant_type".to_owned())
        );
        let json_body = client
            .send(
                request("POST", "/api/v1/auth/token")
                    .set_json(json!({ "grant_type": "client_credentials" })),
            )
            .await;
        assert_eq!(json_body.status, 415, "{json_body:?}");
        // No password to sign in with.
        let login = client
            .send(request("POST", "/api/v1/auth/login").set_json(json!({
                "email": format!("client-{id}@clients.schakel.invalid"), "password": secret,
            })))
            .await;
        assert_eq!(login.status, 401);

        // A new secret: the old one stops.
        let rotated = send(
            &client,
            &admin,
            ("POST", &format!("/api/v1/clients/{id}/secret")),
            None,
        )
        .await;
        assert_eq!(rotated.status, 200, "{rotated:?}");
        let new_secret = rotated.json()["client_secret"].as_str().unwrap().to_owned();
        assert_ne!(new_secret, secret);
        assert_eq!(token_of(form(&id, &secret), None).await.status, 401);
        assert_eq!(token_of(form(&id, &new_secret), None).await.status, 200);
        let person = send(
            &client,
            &admin,
            (
                "POST",
                &format!("/api/v1/clients/{}/secret", uuid_of(&client, &admin).await),
            ),
            None,
        )
        .await;
        assert_eq!(person.status, 404, "a person's account has no secret");

        // Deactivated: no token, and the one it holds stops.
        let off = send(
            &client,
            &admin,
            ("POST", &format!("/api/v1/users/{id}/deactivate")),
            None,
        )
        .await;
        assert!(off.status.is_success(), "{off:?}");
        assert_eq!(token_of(form(&id, &new_secret), None).await.status, 401);
        let stopped = send(&client, &token, ("GET", "/fhir/R4/Task"), None).await;
        assert_eq!(stopped.status, 401);
        let failures: Vec<Value> = crate::support::audit_of(&db, "auth.client_token")
            .iter()
            .filter(|e| e.outcome.as_str() == "failure")
            .map(|e| e.details.clone())
            .collect();
        assert!(
            failures.iter().any(|d| d["reason"] == "deactivated"),
            "{failures:?}"
        );
        assert!(
            failures.iter().any(|d| d["reason"] == "unknown_secret"),
            "{failures:?}"
        );
    }
}

/// The id of a person's account (the worker's), from the admin's list.
async fn uuid_of<S, R, B>(client: &Client<'_, S, R>, admin: &str) -> String
where
    S: actix_web::dev::Service<
            R,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let list = send(client, admin, ("GET", "/api/v1/users"), None)
        .await
        .json();
    list.as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "worker@gemeente.example")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}
