//! A referral from another system, answered in the web inbox, on every backend: an
//! agency's case system (a client account) posts a FHIR transaction bundle; the
//! receiving shelter's coordinator finds it in the inbox page like any other, accepts it
//! there, and the case system reads its Task as `accepted`.

use crate::support::{PASSWORD, body, csrf_of, header, peer, states};
use actix_web::cookie::Cookie;
use actix_web::test::{self, TestRequest};
use schakel_domain::{AgencyKind, Region, Role};
use schakel_store::agencies::{self, NewAgency};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users::{self, NewUser};
use secrecy::SecretString;
use serde_json::{Value, json};

fn agency(db: &TestDb, name: &str, kind: AgencyKind) -> agencies::Agency {
    let mut conn = db.pool.get().unwrap();
    let new = NewAgency {
        name,
        kind,
        region: Region::MiddenNederland,
        contact_email: "balie@org.example",
    };
    agencies::insert(&mut conn, &new, chrono::Utc::now()).unwrap()
}

fn account<'a>(
    agency: &agencies::Agency,
    email: &'a str,
    role: Role,
    hash: Option<&'a str>,
) -> NewUser<'a> {
    NewUser {
        agency_id: agency.id,
        email,
        display_name: "Sanne Bakker",
        role,
        locale: "en",
        password_hash: hash,
    }
}

/// Sends a request and reads the status and body.
macro_rules! call {
    ($app:expr, $req:expr $(,)?) => {{
        let res = test::call_service(&$app, $req.peer_addr(peer()).to_request()).await;
        let status = res.status().as_u16();
        (status, body(res).await)
    }};
}

/// Signs a person in through the login page: their session cookie.
macro_rules! sign_in {
    ($app:expr, $email:expr) => {{
        let req = TestRequest::get().uri("/login").peer_addr(peer());
        let res = test::call_service(&$app, req.to_request()).await;
        let login = res
            .response()
            .cookies()
            .find(|c| c.name() == "__Host-schakel_login")
            .unwrap()
            .into_owned();
        let page = body(res).await;
        let req = TestRequest::post()
            .uri("/login")
            .peer_addr(peer())
            .cookie(Cookie::new(
                "__Host-schakel_login",
                login.value().to_owned(),
            ))
            .set_form([
                ("csrf", csrf_of(&page).as_str()),
                ("email", $email),
                ("password", PASSWORD),
            ]);
        let res = test::call_service(&$app, req.to_request()).await;
        assert_eq!(header(&res, "location"), "/", "{} signs in", $email);
        let session = res
            .response()
            .cookies()
            .find(|c| c.name() == "__Host-schakel_session")
            .unwrap()
            .into_owned();
        Cookie::new("__Host-schakel_session", session.value().to_owned())
    }};
}

fn bundle(to: schakel_domain::AgencyId) -> Value {
    let cs = |name: &str| format!("https://schakel.invalid/fhir/CodeSystem/{name}");
    let region = "https://schakel.invalid/fhir/StructureDefinition/region";
    json!({
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            { "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000001",
              "resource": { "resourceType": "Patient", "name": [{ "family": "Novak", "given": ["Jana"] }], "gender": "female", "birthDate": "2001-03-09" },
              "request": { "method": "POST", "url": "Patient" } },
            { "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000002",
              "resource": {
                  "resourceType": "ServiceRequest", "status": "active", "intent": "order", "priority": "urgent",
                  "extension": [
                      { "url": region, "valueCoding": { "system": cs("region"), "code": "midden_nederland" } },
                      { "url": "https://schakel.invalid/fhir/StructureDefinition/reporting-basis", "valueCoding": { "system": cs("reporting-basis"), "code": "public_task" } }
                  ],
                  "code": { "coding": [{ "system": cs("referral-purpose"), "code": "shelter" }] },
                  "subject": { "reference": "urn:uuid:00000000-0000-4000-8000-000000000001" },
                  "performer": [{ "reference": format!("Organization/{to}") }]
              },
              "request": { "method": "POST", "url": "ServiceRequest" } }
        ]
    })
}

#[actix_web::test]
async fn a_bundle_from_a_case_system_is_accepted_in_the_inbox_and_read_back_as_accepted() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let (api, web) = states(&db);
        let app = test::init_service(schakel_api::app_with(api, move |cfg| {
            schakel_fhir::configure(cfg);
            schakel_web::configure(cfg, web);
        }))
        .await;
        let gemeente = agency(&db, "Gemeente Utrecht", AgencyKind::Municipality);
        let opvang = agency(&db, "Opvang Midden", AgencyKind::ShelterCategorical);
        let secret = "zaaksysteem-geheim-met-genoeg-lengte-0123456789";
        let client_id = {
            let mut conn = db.pool.get().unwrap();
            let hash = schakel_auth::password::hash(&SecretString::from(PASSWORD)).unwrap();
            users::insert(
                &mut conn,
                &account(&opvang, "co@opvang.example", Role::Coordinator, Some(&hash)),
                chrono::Utc::now(),
            )
            .unwrap();
            let new = account(
                &gemeente,
                "client@clients.test.example",
                Role::Caseworker,
                None,
            );
            let stored = schakel_auth::secret_token::hash(secret);
            schakel_store::clients::insert(&mut conn, &new, &stored, chrono::Utc::now())
                .unwrap()
                .id
        };

        // The case system: a token for its secret, then the bundle.
        let (status, token) = call!(
            app,
            TestRequest::post()
                .uri("/api/v1/auth/token")
                .insert_header(("content-type", "application/x-www-form-urlencoded"))
                .set_payload(format!(
                    "grant_type=client_credentials&client_id={client_id}&client_secret={secret}"
                )),
        );
        assert_eq!(status, 200, "{token}");
        let token: Value = serde_json::from_str(&token).unwrap();
        let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
        let (status, answer) = call!(
            app,
            TestRequest::post()
                .uri("/fhir/R4")
                .insert_header(("authorization", bearer.as_str()))
                .insert_header(("content-type", "application/fhir+json"))
                .set_payload(bundle(opvang.id).to_string()),
        );
        assert_eq!(status, 200, "{backend:?}: {answer}");
        let answer: Value = serde_json::from_str(&answer).unwrap();
        let task = answer["entry"][1]["response"]["location"]
            .as_str()
            .unwrap()
            .replace("ServiceRequest/", "Task/");
        let referral_id = task.trim_start_matches("Task/").to_owned();

        // The coordinator: the inbox page lists it; accepting happens there.
        let co = sign_in!(app, "co@opvang.example");
        let (status, inbox) = call!(app, TestRequest::get().uri("/inbox").cookie(co.clone()));
        assert_eq!(status, 200);
        let referral_uri = format!("/referrals/{referral_id}");
        assert!(
            inbox.contains(&referral_uri) && inbox.contains("Gemeente Utrecht"),
            "{inbox}"
        );
        let (_, page) = call!(
            app,
            TestRequest::get().uri(&referral_uri).cookie(co.clone()),
        );
        assert!(!page.contains("Novak"), "no identity before accepting");
        let accept = TestRequest::post()
            .uri(&format!("{referral_uri}/accept"))
            .cookie(co.clone())
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .set_payload(format!("csrf={}&version=1", csrf_of(&page)));
        let res = test::call_service(&app, accept.peer_addr(peer()).to_request()).await;
        assert_eq!(res.status().as_u16(), 303, "accepted from the page");

        // The case system reads its Task: accepted.
        let (status, read) = call!(
            app,
            TestRequest::get()
                .uri(&format!("/fhir/R4/{task}"))
                .insert_header(("authorization", bearer.as_str())),
        );
        assert_eq!(status, 200, "{read}");
        let read: Value = serde_json::from_str(&read).unwrap();
        assert_eq!(read["status"], "accepted");
        assert_eq!(read["owner"]["display"], "Opvang Midden");
    }
}
