//! A body of the wrong shape over HTTP, on every backend: the `422 invalid_body` names
//! the member at fault as a path (a missing field, a wrong type, an unknown field, a
//! code not on its list, a malformed date, deep in the person or in a list) and what was
//! expected, and never repeats a value that was sent; a field a use case refuses is
//! named the same way; nothing is stored. The OpenAPI document describes the member.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, UserBuilder, bearer, keys, request};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_api::app;
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};

/// What is typed into the wrong places below: it must never come back.
const TYPED: &str = "Geheim-Kowalczyk";

fn signal() -> Value {
    json!({
        "observed_on": "2026-01-15",
        "region": "midden_nederland",
        "exploitation_forms": ["labour"],
        "palermo": { "act": true, "means": true, "purpose": true },
        "reporting_basis": "consent",
        "person": {
            "identity": { "family_name": "Kowalczyk", "date_of_birth": "1999-05-04" },
            "gender": "female"
        }
    })
}

/// The signal body with `change` made to it.
fn with(change: impl FnOnce(&mut Value)) -> Value {
    let mut body = signal();
    change(&mut body);
    body
}

#[actix_web::test]
async fn a_body_of_the_wrong_shape_names_the_member_and_never_the_value() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let agency = AgencyBuilder::new(&db).create();
        let worker = UserBuilder::new(&db, &agency)
            .email("werker@gemeente.example")
            .create();
        let token = client.token(&worker.email).await;
        let post = |body: Value| bearer(request("POST", "/api/v1/signals"), &token).set_json(body);

        let cases: Vec<(&str, Value, &str, &str)> = vec![
            (
                "missing field",
                with(|b| {
                    b.as_object_mut().unwrap().remove("region");
                }),
                "region",
                "is required",
            ),
            (
                "wrong type",
                with(|b| b["person"]["identity"]["stated_age"] = json!(TYPED)),
                "person.identity.stated_age",
                "expected a whole number, 0 or more",
            ),
            (
                "unknown field",
                with(|b| b["person"]["identity"]["nickname"] = json!(TYPED)),
                "person.identity.nickname",
                "is not a field here; expected one of: given_names, family_name",
            ),
            (
                "a code not on its list",
                with(|b| b["exploitation_forms"] = json!(["labour", TYPED])),
                "exploitation_forms[1]",
                "expected one of: sexual, labour, criminal",
            ),
            (
                "a malformed date",
                with(|b| b["person"]["identity"]["date_of_birth"] = json!(TYPED)),
                "person.identity.date_of_birth",
                "expected a date, YYYY-MM-DD",
            ),
            (
                "a date in another order",
                with(|b| b["observed_on"] = json!("15-01-2026")),
                "observed_on",
                "expected a date, YYYY-MM-DD",
            ),
            (
                "a field the use case refuses",
                with(|b| b["observed_on"] = json!("2999-01-01")),
                "observed_on",
                "is not a valid value here",
            ),
            (
                "not an object",
                json!([TYPED]),
                "",
                "expected a JSON object",
            ),
        ];
        for (what, body, field, reason) in cases {
            let reply = client.send(post(body)).await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?}: {what}"
            );
            assert_eq!(reply.problem(), "invalid_body", "{what}");
            let problem = reply.json();
            let expected_keys = ["errors", "request_id", "status", "title", "type"];
            assert_eq!(keys(&problem), expected_keys.map(String::from).into());
            let errors = problem["errors"].as_array().unwrap();
            assert_eq!(errors.len(), 1, "{what}: {problem}");
            assert_eq!(errors[0]["field"], field, "{what}: {problem}");
            let said = errors[0]["reason"].as_str().unwrap();
            assert!(said.starts_with(reason), "{what}: {said}");
            let text = String::from_utf8_lossy(&reply.body);
            assert!(
                !text.contains(TYPED) && !text.contains("15-01"),
                "{what}: {text}"
            );
        }

        // Nothing was stored, and a good body still passes.
        let list = client
            .send(bearer(request("GET", "/api/v1/signals"), &token))
            .await;
        assert_eq!(list.json()["items"].as_array().unwrap().len(), 0);
        let made = client.send(post(signal())).await;
        assert_eq!(made.status, StatusCode::CREATED, "{made:?}");
    }
}

#[actix_web::test]
async fn other_problems_carry_no_errors_member() {
    let db = TestDb::new(selected_backends()[0]);
    let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
    let client = Client::new(&srv, TestRequest::to_request);
    let reply = client
        .send(request("POST", "/api/v1/signals").set_json(signal()))
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.json().get("errors").is_none());
}

#[actix_web::test]
async fn the_openapi_problem_describes_its_errors_as_optional() {
    let doc = schakel_api::openapi_document().unwrap();
    let problem = &doc["components"]["schemas"]["Problem"];
    let required: Vec<&str> = problem["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(!required.contains(&"errors"), "{problem}");
    assert!(problem["properties"]["errors"].is_object(), "{problem}");
    let field = &doc["components"]["schemas"]["FieldError"];
    assert!(
        field["properties"]["field"].is_object() && field["properties"]["reason"].is_object(),
        "{doc}"
    );
}
