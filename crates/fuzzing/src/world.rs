//! The world the request targets run in: agencies of every side, a user of each role
//! signed in to the API and to the pages, and a case, a referral, an investigation and
//! a suspect made through the API — so that fuzzed requests meet objects that exist.

use crate::app::{self, App, Reply};
use actix_web::cookie::Cookie;
use actix_web::test::TestRequest;
use schakel_domain::{AgencyKind, Region, Role};
use schakel_store::agencies::{self, NewAgency};
use schakel_store::testing::TestDb;
use schakel_store::users::{self, NewUser};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::mem::ManuallyDrop;

const PASSWORD: &str = "kompas tulp regen wolk";

/// The accounts: (name, agency kind, role).
const ACCOUNTS: &[(&str, AgencyKind, Role)] = &[
    ("caseworker", AgencyKind::Municipality, Role::Caseworker),
    ("coordinator", AgencyKind::Municipality, Role::Coordinator),
    ("shelter", AgencyKind::ShelterCategorical, Role::Coordinator),
    ("police", AgencyKind::Police, Role::Caseworker),
    ("prosecution", AgencyKind::Prosecution, Role::Coordinator),
    ("analyst", AgencyKind::Rapporteur, Role::Analyst),
    ("auditor", AgencyKind::Rapporteur, Role::Auditor),
    ("admin", AgencyKind::Municipality, Role::Admin),
];

/// A browser signed in to the pages: its session cookie and the CSRF token of its forms.
#[derive(Debug, Clone)]
pub struct Browser {
    /// The session cookie's value.
    pub session: String,
    /// The token every form of the session carries.
    pub csrf: String,
}

/// The seeded application.
pub struct World {
    /// The database (kept: dropping it removes the file).
    pub _db: TestDb,
    /// The application (never dropped: see the harness's runtime).
    pub app: ManuallyDrop<App>,
    /// An API bearer token per account, in the order of the accounts.
    pub tokens: Vec<String>,
    /// A signed-in browser per account.
    pub browsers: Vec<Browser>,
    /// Ids of objects that exist (agencies, users, cases, referrals, …).
    pub ids: Vec<String>,
}

impl std::fmt::Debug for World {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World")
            .field("ids", &self.ids.len())
            .finish()
    }
}

/// A JSON request, with a bearer token when given.
pub fn json_request(method: &str, path: &str, token: Option<&str>, body: &Value) -> TestRequest {
    let mut req = TestRequest::default()
        .method(method.parse().expect("a method"))
        .uri(path);
    if let Some(t) = token {
        req = req.insert_header(("authorization", format!("Bearer {t}")));
    }
    if !body.is_null() {
        req = req.set_json(body);
    }
    req
}

impl World {
    /// Makes the world on a fresh SQLite database.
    pub async fn make() -> World {
        let db = TestDb::new(schakel_store::Backend::Sqlite);
        let mut ids = Vec::new();
        let hash =
            schakel_auth::password::hash(&SecretString::from(PASSWORD)).expect("a password hash");
        let mut conn = db.pool.get().expect("a connection");
        let now = chrono::Utc::now();
        let mut agency_of = std::collections::BTreeMap::new();
        for (n, (name, kind, role)) in ACCOUNTS.iter().enumerate() {
            let agency = match agency_of.get(kind) {
                Some(a) => Clone::clone(a),
                None => {
                    let new = NewAgency {
                        name: &format!("Fuzz {n}"),
                        kind: *kind,
                        region: Region::MiddenNederland,
                        contact_email: "desk@agency.example",
                    };
                    let a = agencies::insert(&mut conn, &new, now).expect("an agency");
                    agency_of.insert(*kind, a.clone());
                    a
                }
            };
            ids.push(agency.id.to_string());
            let new = NewUser {
                agency_id: agency.id,
                email: &format!("{name}@fuzz.example"),
                display_name: name,
                role: *role,
                locale: "nl",
                password_hash: Some(&hash),
            };
            let user = users::insert(&mut conn, &new, now).expect("a user");
            ids.push(user.id.to_string());
        }
        drop(conn);
        let app = app::start(db.pool.clone()).await;
        let mut tokens = Vec::new();
        let mut browsers = Vec::new();
        for (name, _, _) in ACCOUNTS {
            let email = format!("{name}@fuzz.example");
            let body = json!({ "email": email, "password": PASSWORD });
            let reply = app::send(
                &app,
                json_request("POST", "/api/v1/auth/login", None, &body),
            )
            .await;
            let token = reply.json()["access_token"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(
                !token.is_empty(),
                "{name} signs in to the API: {}",
                reply.text()
            );
            tokens.push(token);
            let browser = sign_in(&app, &email).await;
            browsers.push(browser.unwrap_or_else(|| panic!("{name} signs in to the pages")));
        }
        let shelter = agency_of[&AgencyKind::ShelterCategorical].id.to_string();
        let prosecution = agency_of[&AgencyKind::Prosecution].id.to_string();
        let mut world = World {
            _db: db,
            app: ManuallyDrop::new(app),
            tokens,
            browsers,
            ids,
        };
        world.seed_case(&shelter).await;
        world.seed_suspect(&prosecution).await;
        world.ids.sort();
        world.ids.dedup();
        world
    }

    /// Signs account `who` in again, to the API and to the pages, after an input ended
    /// its session; an account the input locked or deactivated keeps what it had.
    pub async fn sign_in_again(&mut self, who: usize) {
        let email = format!("{}@fuzz.example", ACCOUNTS[who].0);
        let body = json!({ "email": email, "password": PASSWORD });
        let reply = app::send(
            &self.app,
            json_request("POST", "/api/v1/auth/login", None, &body),
        )
        .await;
        if let Some(token) = reply.json()["access_token"].as_str() {
            self.tokens[who] = token.to_owned();
        }
        if let Some(browser) = sign_in(&self.app, &email).await {
            self.browsers[who] = browser;
        }
    }

    /// Sends a JSON request as account `who` (its index), keeping the ids it answers.
    async fn call(&mut self, who: usize, method: &str, path: &str, body: Value) -> Reply {
        let token = self.tokens[who].clone();
        let reply = app::send(&self.app, json_request(method, path, Some(&token), &body)).await;
        assert!(
            reply.status < 300,
            "{method} {path}: {} {}",
            reply.status,
            reply.text()
        );
        collect_ids(&reply.json(), &mut self.ids);
        reply
    }

    /// A signal, a case on it with the person's consent and a referral to the shelter.
    async fn seed_case(&mut self, shelter: &str) {
        let signal = self
            .call(0, "POST", "/api/v1/signals", json!({
                "observed_on": "2026-11-30", "region": "midden_nederland",
                "exploitation_forms": ["sexual"],
                "indicators": ["ilo_retention_of_identity_documents"],
                "palermo": {"act": true, "means": true, "purpose": true},
                "reporting_basis": "consent", "summary": "Fictional.",
                "person": {"identity": {"given_names": "Test", "family_name": "Persoon",
                    "date_of_birth": "1990-03-04", "nationalities": ["BG"]}, "gender": "female"},
            }))
            .await
            .json();
        let case = self
            .call(
                0,
                "POST",
                "/api/v1/cases",
                json!({ "signal_id": signal["id"] }),
            )
            .await
            .json();
        let id = case["id"].as_str().unwrap_or_default().to_owned();
        let token = self.tokens[0].clone();
        let body = json!({
            "kind": "consent", "recipient_kinds": ["care"], "purposes": ["care_coordination"],
            "given_by": "person", "given_on": "2026-11-30",
        });
        let req = json_request(
            "POST",
            &format!("/api/v1/cases/{id}/consents"),
            Some(&token),
            &body,
        )
        .insert_header(("if-match", format!("\"{}\"", case["version"])));
        let reply = app::send(&self.app, req).await;
        collect_ids(&reply.json(), &mut self.ids);
        self.call(
            0,
            "POST",
            &format!("/api/v1/cases/{id}/referrals"),
            json!({
                "to_agency_id": shelter, "purpose": "care_coordination", "urgency": "normal",
                "message": "Fictional.",
            }),
        )
        .await;
    }

    /// An investigation of the police with a suspect linked to a victim's case of its
    /// own, referred to the prosecution.
    async fn seed_suspect(&mut self, prosecution: &str) {
        let inv = self
            .call(
                3,
                "POST",
                "/api/v1/investigations",
                json!({
                    "reference": "ON-FUZZ", "region": "midden_nederland",
                    "exploitation_forms": ["labour"], "started_on": "2026-11-01",
                }),
            )
            .await
            .json();
        let case = self
            .call(
                3,
                "POST",
                "/api/v1/cases",
                json!({
                    "person": {"identity": {"given_names": "Test", "family_name": "Slachtoffer",
                        "date_of_birth": "1995-05-05"}, "gender": "female"},
                    "region": "midden_nederland", "exploitation_forms": ["labour"],
                }),
            )
            .await
            .json();
        let inv_id = inv["id"].as_str().unwrap_or_default().to_owned();
        let suspect = self
            .call(
                3,
                "POST",
                &format!("/api/v1/investigations/{inv_id}/suspects"),
                json!({
                    "identity": {"given_names": "Test", "family_name": "Verdachte",
                        "date_of_birth": "1980-01-01"},
                    "country_of_birth": "NL", "gender": "male", "role": "exploiter",
                }),
            )
            .await
            .json();
        let sid = suspect["id"].as_str().unwrap_or_default().to_owned();
        self.call(
            3,
            "POST",
            &format!("/api/v1/suspects/{sid}/victims"),
            json!({"case_id": case["id"]}),
        )
        .await;
        self.call(
            3,
            "POST",
            &format!("/api/v1/suspects/{sid}/referrals"),
            json!({
                "to_agency_id": prosecution, "message": "Fictional.",
            }),
        )
        .await;
    }
}

/// Every string in `value` that is a UUID.
fn collect_ids(value: &Value, ids: &mut Vec<String>) {
    match value {
        Value::String(s) if s.len() == 36 && uuid_like(s) => ids.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| collect_ids(v, ids)),
        Value::Object(map) => map.values().for_each(|v| collect_ids(v, ids)),
        _ => {}
    }
}

fn uuid_like(s: &str) -> bool {
    s.bytes().enumerate().all(|(i, b)| {
        if [8, 13, 18, 23].contains(&i) {
            b == b'-'
        } else {
            b.is_ascii_hexdigit()
        }
    })
}

/// Signs `email` in to the pages as a browser does: the login page's cookie and form,
/// then the session cookie and the CSRF token of the home page's forms.
async fn sign_in(app: &App, email: &str) -> Option<Browser> {
    let page = app::send(app, TestRequest::get().uri("/login")).await;
    let login = cookie(&page, "__Host-schakel_login");
    let csrf = hidden_csrf(&page.text());
    let form = [
        ("csrf", csrf.as_str()),
        ("email", email),
        ("password", PASSWORD),
    ];
    let req = TestRequest::post()
        .uri("/login")
        .cookie(Cookie::new("__Host-schakel_login", login))
        .set_form(form);
    let reply = app::send(app, req).await;
    let session = cookie(&reply, "__Host-schakel_session");
    if session.is_empty() {
        return None;
    }
    let home = app::send(
        app,
        TestRequest::get()
            .uri("/")
            .cookie(Cookie::new("__Host-schakel_session", session.clone())),
    )
    .await;
    Some(Browser {
        session,
        csrf: hidden_csrf(&home.text()),
    })
}

fn cookie(reply: &Reply, name: &str) -> String {
    reply
        .cookies
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// The value of the first hidden `csrf` field of a page.
pub fn hidden_csrf(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}
