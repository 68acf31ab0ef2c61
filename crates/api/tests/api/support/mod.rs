//! Fixtures shared by the HTTP tests: agencies and users written straight into the
//! store by builders with defaults ([`AgencyBuilder`], [`UserBuilder`]), an application
//! whose sessions need no second factor, real logins over HTTP, and one way to send a
//! request and keep its status, headers and body.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::http::{Method, StatusCode, header};
use actix_web::test::{self, TestRequest};
use chrono::{DateTime, Utc};
use schakel_api::AppState;
use schakel_api::auth::AuthState;
use schakel_auth::AuthConfig;
use schakel_domain::{AgencyKind, Clock, Region, Role};
use schakel_store::agencies::{self, Agency, NewAgency};
use schakel_store::testing::TestDb;
use schakel_store::users::{self, NewUser, User};
use secrecy::SecretString;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// The password of every user the fixtures create.
pub const PASSWORD: &str = "kompas tulp regen wolk";

/// The argon2id hash of [`PASSWORD`], computed once per test binary.
pub fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| schakel_auth::password::hash(&SecretString::from(PASSWORD)).unwrap())
}

/// The client address of test requests (the rate limit needs one).
pub fn peer() -> SocketAddr {
    "192.0.2.10:40000".parse().unwrap()
}

/// Settings with no second factor required, so a password login is a complete session.
pub fn config_without_mfa() -> AuthConfig {
    AuthConfig {
        mfa_required: Default::default(),
        ..AuthConfig::default()
    }
}

/// As [`config_without_mfa`], with no change of privilege waiting for a second admin
/// (a configuration may turn four eyes off; `four_eyes_http` tests them on).
pub fn config_one_admin_decides() -> AuthConfig {
    AuthConfig {
        four_eyes: schakel_domain::FourEyesPolicy::off(),
        ..config_without_mfa()
    }
}

/// Application state whose logins need no second factor and whose admins change
/// privileges alone, on the system clock.
pub fn state_one_admin_decides(db: &TestDb) -> AppState {
    state_with(
        db,
        Arc::new(schakel_domain::SystemClock),
        config_one_admin_decides(),
    )
}

/// Application state over `db` with `config` and a generous rate limit.
pub fn state_with(db: &TestDb, clock: Arc<dyn Clock>, config: AuthConfig) -> AppState {
    let auth = AuthState::ephemeral_with(config, (1000, 1000)).unwrap();
    AppState::with_auth(db.pool.clone(), clock, auth).unwrap()
}

/// Application state whose logins need no second factor, on the system clock.
pub fn state_without_mfa(db: &TestDb) -> AppState {
    state_with(
        db,
        Arc::new(schakel_domain::SystemClock),
        config_without_mfa(),
    )
}

/// A number no other fixture of this test binary has had, for default names.
fn next_number() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A new active agency. By default: a municipality in region Midden-Nederland with a
/// name of its own ("Organisatie <n>"; names are unique) and the contact address
/// `desk@agency.example`, created now.
#[derive(Debug, Clone)]
#[must_use = "an agency is only made by `create`"]
pub struct AgencyBuilder<'a> {
    db: &'a TestDb,
    name: Option<String>,
    kind: AgencyKind,
    region: Region,
    contact_email: String,
    at: Option<DateTime<Utc>>,
}

impl<'a> AgencyBuilder<'a> {
    /// The default agency in `db`.
    pub fn new(db: &'a TestDb) -> Self {
        AgencyBuilder {
            db,
            name: None,
            kind: AgencyKind::Municipality,
            region: Region::MiddenNederland,
            contact_email: "desk@agency.example".into(),
            at: None,
        }
    }

    /// Its name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Its kind.
    pub fn kind(mut self, kind: AgencyKind) -> Self {
        self.kind = kind;
        self
    }

    /// Its region.
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// Its contact address.
    pub fn contact_email(mut self, email: impl Into<String>) -> Self {
        self.contact_email = email.into();
        self
    }

    /// When it is created.
    pub fn at(mut self, at: DateTime<Utc>) -> Self {
        self.at = Some(at);
        self
    }

    /// Writes it to the store.
    pub fn create(self) -> Agency {
        let name = self
            .name
            .unwrap_or_else(|| format!("Organisatie {}", next_number()));
        let new = NewAgency {
            name: &name,
            kind: self.kind,
            region: self.region,
            contact_email: &self.contact_email,
        };
        let mut conn = self.db.pool.get().unwrap();
        agencies::insert(&mut conn, &new, self.at.unwrap_or_else(Utc::now)).unwrap()
    }
}

/// A new active user of an agency. By default: a caseworker with an address of its own
/// (`gebruiker<n>@test.example`; addresses are unique), the display name "Test
/// Gebruiker", locale `nl` and the shared [`PASSWORD`], created now.
#[derive(Debug, Clone)]
#[must_use = "a user is only made by `create`"]
pub struct UserBuilder<'a> {
    db: &'a TestDb,
    agency: &'a Agency,
    email: Option<String>,
    display_name: String,
    role: Role,
    locale: String,
    invited: bool,
    at: Option<DateTime<Utc>>,
}

impl<'a> UserBuilder<'a> {
    /// The default user of `agency` in `db`.
    pub fn new(db: &'a TestDb, agency: &'a Agency) -> Self {
        UserBuilder {
            db,
            agency,
            email: None,
            display_name: "Test Gebruiker".into(),
            role: Role::Caseworker,
            locale: "nl".into(),
            invited: false,
            at: None,
        }
    }

    /// The address they log in with.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Their role.
    pub fn role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }

    /// Their display name.
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = name.into();
        self
    }

    /// Their locale.
    pub fn locale(mut self, locale: impl Into<String>) -> Self {
        self.locale = locale.into();
        self
    }

    /// Invited: no password yet (they cannot log in until they choose one).
    pub fn invited(mut self) -> Self {
        self.invited = true;
        self
    }

    /// When they are created.
    pub fn at(mut self, at: DateTime<Utc>) -> Self {
        self.at = Some(at);
        self
    }

    /// Writes them to the store.
    pub fn create(self) -> User {
        let email = self
            .email
            .unwrap_or_else(|| format!("gebruiker{}@test.example", next_number()));
        let new = NewUser {
            agency_id: self.agency.id,
            email: &email,
            display_name: &self.display_name,
            role: self.role,
            locale: &self.locale,
            password_hash: (!self.invited).then(password_hash),
        };
        let mut conn = self.db.pool.get().unwrap();
        users::insert(&mut conn, &new, self.at.unwrap_or_else(Utc::now)).unwrap()
    }
}

/// Seals every entry of a finished transaction, as the sealer of a running server does
/// (on SQLite entries are sealed as they are made).
pub fn seal(db: &TestDb) {
    let mut conn = db.pool.get().unwrap();
    let patience = std::time::Duration::from_secs(30);
    let (_, waiting) = schakel_audit::seal_committed(&mut conn, patience).unwrap();
    assert_eq!(waiting, 0, "other tests' transactions end within 30 s");
}

/// The audit entries of one action code, newest first.
pub fn audit_of(db: &TestDb, action: &str) -> Vec<schakel_audit::AuditEntry> {
    seal(db);
    let mut conn = db.pool.get().unwrap();
    let filter = schakel_audit::AuditFilter {
        action: Some(schakel_audit::ActionCode::parse(action).unwrap()),
        ..Default::default()
    };
    let page = schakel_audit::PageRequest {
        before_seq: None,
        limit: schakel_audit::MAX_PAGE_SIZE,
    };
    schakel_audit::query(&mut conn, &filter, page)
        .unwrap()
        .entries
}

/// How many entries of one action code record a success.
pub fn successes(db: &TestDb, action: &str) -> usize {
    audit_of(db, action)
        .iter()
        .filter(|e| e.outcome.as_str() == "success")
        .count()
}

/// The field names of a JSON object.
pub fn keys(v: &serde_json::Value) -> std::collections::BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

/// What came back.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// A header as text ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The problem `type` code of an error body (checks it is problem+json).
    pub fn problem(&self) -> String {
        assert_eq!(
            self.header("content-type"),
            "application/problem+json",
            "status {}",
            self.status
        );
        let body = self.json();
        body["type"]
            .as_str()
            .and_then(|t| t.strip_prefix("urn:schakel:problem:"))
            .unwrap_or_else(|| panic!("no problem type in {body}"))
            .to_owned()
    }
}

/// A request from the test client address.
pub fn request(method: &str, uri: &str) -> TestRequest {
    TestRequest::default()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(uri)
        .peer_addr(peer())
}

/// Adds a bearer token.
pub fn bearer(req: TestRequest, token: &str) -> TestRequest {
    req.insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
}

/// The application under test with a way to build its requests (`TestRequest::to_request`,
/// whose type cannot be named here).
pub struct Client<'a, S, R> {
    srv: &'a S,
    build: fn(TestRequest) -> R,
}

impl<'a, S, R, B> Client<'a, S, R>
where
    S: Service<R, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// A client of `srv`.
    pub fn new(srv: &'a S, build: fn(TestRequest) -> R) -> Self {
        Self { srv, build }
    }

    /// Sends a request and reads the whole response.
    pub async fn send(&self, req: TestRequest) -> Reply {
        let res = test::call_service(self.srv, (self.build)(req)).await;
        let status = res.status();
        let headers = res.headers().clone();
        let body = test::read_body(res).await.to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    /// Logs in with the shared password; returns the token response.
    pub async fn login(&self, email: &str) -> serde_json::Value {
        let req = request("POST", "/api/v1/auth/login")
            .set_json(serde_json::json!({ "email": email, "password": PASSWORD }));
        let reply = self.send(req).await;
        assert_eq!(reply.status, StatusCode::OK, "login of {email}: {reply:?}");
        reply.json()
    }

    /// Logs in and returns the access token of the (complete) session.
    pub async fn token(&self, email: &str) -> String {
        let body = self.login(email).await;
        assert_eq!(body["mfa"], "none", "the test state needs no second factor");
        body["access_token"].as_str().unwrap().to_owned()
    }
}
