//! The authorization matrix (SECURITY B1, B2): every operation of the OpenAPI document ×
//! no token and every role × the relationship of the object to the actor, each cell an
//! expected status asserted against the real application with real sessions, on every
//! selected backend. The route inventory checks that the table and the document name
//! the same operations, and that every operation the document secures answers 401
//! without a token.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use actix_web::test::{self, TestRequest};
use schakel_api::{ApiDoc, app};
use schakel_domain::{AgencyKind, Role};
use schakel_store::agencies::{self, Agency};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users::{self, User};
use serde_json::{Value, json};
use std::cell::Cell;
use std::collections::BTreeSet;
use support::{Client, PASSWORD, agency, bearer, request, state_without_mfa, user};
use utoipa::OpenApi;

/// How the object named in the path (or body, or query) relates to the actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rel {
    /// No object: a collection, or the actor's own session.
    None,
    /// An object of the actor's own agency.
    Own,
    /// An object of another agency.
    Foreign,
    /// The actor's own account.
    Itself,
}

/// The roles of the columns after "no token".
const ROLES: [Role; 5] = [
    Role::Caseworker,
    Role::Coordinator,
    Role::Analyst,
    Role::Auditor,
    Role::Admin,
];

/// One row: an operation and relationship, and the status expected with no token and
/// for each of [`ROLES`].
#[derive(Debug, Clone, Copy)]
struct Row {
    method: &'static str,
    path: &'static str,
    rel: Rel,
    expect: [u16; 6],
}

const fn row(method: &'static str, path: &'static str, rel: Rel, expect: [u16; 6]) -> Row {
    Row {
        method,
        path,
        rel,
        expect,
    }
}

//                           none  cw   coord analyst auditor admin
const EVERYONE: [u16; 6] = [200, 200, 200, 200, 200, 200];
const SIGNED_IN: [u16; 6] = [401, 200, 200, 200, 200, 200];
const ADMIN_LIST: [u16; 6] = [401, 403, 403, 403, 403, 200];
const ADMIN_CREATE: [u16; 6] = [401, 403, 403, 403, 403, 201];
const ADMIN_OBJECT: [u16; 6] = [401, 404, 404, 404, 404, 200];
const ADMIN_REFUSED: [u16; 6] = [401, 404, 404, 404, 404, 409];
const AUDITOR: [u16; 6] = [401, 403, 403, 403, 200, 403];
const REFERRERS: [u16; 6] = [401, 200, 200, 403, 403, 403];

/// The matrix. Every operation of the OpenAPI document has at least one row.
const TABLE: &[Row] = {
    use Rel::*;
    &[
        // Operations, public.
        row("GET", "/healthz", None, EVERYONE),
        row("GET", "/readyz", None, EVERYONE),
        row("GET", "/metrics", None, EVERYONE),
        row("GET", "/api/v1/openapi.json", None, EVERYONE),
        // Authentication: public (a bearer token changes nothing) ...
        row("POST", "/api/v1/auth/login", None, [401; 6]),
        row("POST", "/api/v1/auth/refresh", None, [401; 6]),
        row("POST", "/api/v1/auth/invitation", None, [401; 6]),
        // ... and for any live session, complete or not.
        row(
            "POST",
            "/api/v1/auth/logout",
            None,
            [401, 204, 204, 204, 204, 204],
        ),
        row("POST", "/api/v1/auth/mfa/enrol", None, SIGNED_IN),
        row("POST", "/api/v1/auth/mfa/verify", None, [401; 6]),
        // One's own account: every role.
        row("GET", "/api/v1/me", None, SIGNED_IN),
        row(
            "POST",
            "/api/v1/me/password",
            None,
            [401, 422, 422, 422, 422, 422],
        ),
        // The directory: those who refer.
        row("GET", "/api/v1/directory/agencies", None, REFERRERS),
        // The audit trail: the auditor.
        row("GET", "/api/v1/audit", None, AUDITOR),
        row("GET", "/api/v1/audit/verify", None, AUDITOR),
        // Agencies: the admin, whatever agency it is.
        row("GET", "/api/v1/agencies", None, ADMIN_LIST),
        row("POST", "/api/v1/agencies", None, ADMIN_CREATE),
        row("GET", "/api/v1/agencies/{id}", Own, ADMIN_OBJECT),
        row("GET", "/api/v1/agencies/{id}", Foreign, ADMIN_OBJECT),
        row("PATCH", "/api/v1/agencies/{id}", Own, ADMIN_OBJECT),
        row("PATCH", "/api/v1/agencies/{id}", Foreign, ADMIN_OBJECT),
        // An admin never deactivates their own agency.
        row(
            "POST",
            "/api/v1/agencies/{id}/deactivate",
            Own,
            ADMIN_REFUSED,
        ),
        row(
            "POST",
            "/api/v1/agencies/{id}/deactivate",
            Foreign,
            ADMIN_OBJECT,
        ),
        // Accounts: the admin, in any agency.
        row("GET", "/api/v1/users", None, ADMIN_LIST),
        row("GET", "/api/v1/users", Own, ADMIN_LIST),
        row("GET", "/api/v1/users", Foreign, ADMIN_LIST),
        row("POST", "/api/v1/users", Own, ADMIN_CREATE),
        row("POST", "/api/v1/users", Foreign, ADMIN_CREATE),
        row("GET", "/api/v1/users/{id}", Own, ADMIN_OBJECT),
        row("GET", "/api/v1/users/{id}", Foreign, ADMIN_OBJECT),
        // Nobody reads their own account here (that is /me).
        row("GET", "/api/v1/users/{id}", Itself, ADMIN_OBJECT),
        row("PATCH", "/api/v1/users/{id}", Own, ADMIN_OBJECT),
        row("PATCH", "/api/v1/users/{id}", Foreign, ADMIN_OBJECT),
        // The only admin cannot demote themselves.
        row("PATCH", "/api/v1/users/{id}", Itself, ADMIN_REFUSED),
        row("POST", "/api/v1/users/{id}/deactivate", Own, ADMIN_OBJECT),
        row(
            "POST",
            "/api/v1/users/{id}/deactivate",
            Foreign,
            ADMIN_OBJECT,
        ),
        row(
            "POST",
            "/api/v1/users/{id}/deactivate",
            Itself,
            ADMIN_REFUSED,
        ),
        row("POST", "/api/v1/users/{id}/reactivate", Own, ADMIN_OBJECT),
        row(
            "POST",
            "/api/v1/users/{id}/reactivate",
            Foreign,
            ADMIN_OBJECT,
        ),
        // An active account (one's own) cannot be reactivated.
        row(
            "POST",
            "/api/v1/users/{id}/reactivate",
            Itself,
            ADMIN_REFUSED,
        ),
    ]
};

/// Operations the document must declare without `security`: everything else needs a
/// bearer token.
const PUBLIC: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/api/v1/openapi.json"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/refresh"),
    ("POST", "/api/v1/auth/invitation"),
];

/// Every operation of the OpenAPI document, with whether it declares `security`.
fn documented() -> Vec<(String, String, bool)> {
    let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if let Some(op) = item.get(method) {
                let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
                ops.push((method.to_uppercase(), path.clone(), secured));
            }
        }
    }
    ops
}

#[test]
fn the_matrix_and_the_openapi_document_name_the_same_operations() {
    let in_doc: BTreeSet<(String, String)> =
        documented().into_iter().map(|(m, p, _)| (m, p)).collect();
    let in_table: BTreeSet<(String, String)> = TABLE
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    let unlisted: Vec<_> = in_doc.difference(&in_table).collect();
    let undocumented: Vec<_> = in_table.difference(&in_doc).collect();
    assert!(
        unlisted.is_empty(),
        "operations without a matrix row: {unlisted:?}"
    );
    assert!(
        undocumented.is_empty(),
        "matrix rows for operations the document does not have: {undocumented:?}"
    );
}

#[test]
fn every_operation_but_the_public_ones_is_secured_and_refused_without_a_token() {
    let public: BTreeSet<(String, String)> = PUBLIC
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    for (method, path, secured) in documented() {
        let is_public = public.contains(&(method.clone(), path.clone()));
        assert_eq!(
            secured, !is_public,
            "{method} {path}: declared security does not match the public list"
        );
        if secured {
            for r in TABLE
                .iter()
                .filter(|r| r.method == method && r.path == path)
            {
                assert_eq!(
                    r.expect[0], 401,
                    "{method} {path} must answer 401 without a token"
                );
            }
        }
    }
}

#[test]
fn every_operation_is_shown_to_be_served_by_some_cell() {
    // A missing route answers 404 too; some cell of each operation must expect more.
    for (method, path, _) in documented() {
        let proven = TABLE
            .iter()
            .filter(|r| r.method == method && r.path == path)
            .any(|r| r.expect.iter().any(|&s| s != 404));
        assert!(proven, "{method} {path}: every cell expects 404");
    }
}

/// The agencies and the signed-in actors every cell works in.
struct World {
    own: Agency,
    foreign: Agency,
    /// One user per role of [`ROLES`], all of `own`, with their access tokens.
    actors: Vec<(User, String)>,
    next: Cell<u32>,
}

impl World {
    fn unique(&self, prefix: &str) -> String {
        let n = self.next.get() + 1;
        self.next.set(n);
        format!("{prefix}{n}")
    }

    fn agency_of(&self, rel: Rel) -> &Agency {
        if rel == Rel::Foreign {
            &self.foreign
        } else {
            &self.own
        }
    }
}

/// A request for one cell: `actor` is `None` for the no-token column, whose objects are
/// prepared as for the admin.
async fn prepare<S, R, B>(
    client: &Client<'_, S, R>,
    db: &TestDb,
    world: &World,
    row: &Row,
    actor: Option<&(User, String)>,
) -> TestRequest
where
    S: actix_web::dev::Service<
            R,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let subject = actor.unwrap_or(&world.actors[4]);
    let mut token = actor.map(|(_, t)| t.clone());
    let mut uri = row.path.to_owned();
    let mut body: Option<Value> = None;
    let mut if_match = None;
    if row.path.starts_with("/api/v1/agencies/") {
        let target = if row.path.ends_with("/deactivate") && row.rel == Rel::Foreign {
            agency(db, &world.unique("Buitenland "), AgencyKind::Ngo)
        } else {
            world.agency_of(row.rel).clone()
        };
        let mut conn = db.pool.get().unwrap();
        let current = agencies::find(&mut conn, target.id).unwrap();
        if_match = Some(format!("\"{}\"", current.version));
        uri = uri.replace("{id}", &target.id.to_string());
    } else if row.path.starts_with("/api/v1/users/") {
        let target = match row.rel {
            Rel::Itself => subject.0.clone(),
            rel => {
                let email = world.unique("doelwit") + "@test.example";
                user(db, world.agency_of(rel), &email, Role::Caseworker, false)
            }
        };
        if row.path.ends_with("/reactivate") && row.rel != Rel::Itself {
            let mut conn = db.pool.get().unwrap();
            users::set_active(&mut conn, target.id, false, chrono::Utc::now()).unwrap();
        }
        uri = uri.replace("{id}", &target.id.to_string());
    }
    match (row.method, row.path) {
        ("GET", "/api/v1/users") if row.rel != Rel::None => {
            uri = format!("{uri}?agency_id={}", world.agency_of(row.rel).id);
        }
        ("POST", "/api/v1/users") => {
            body = Some(json!({
                "agency_id": world.agency_of(row.rel).id,
                "email": world.unique("nieuw") + "@test.example",
                "display_name": "Nieuwe Collega",
                "role": "caseworker",
            }));
        }
        ("POST", "/api/v1/agencies") => {
            body = Some(json!({
                "name": world.unique("Instantie "),
                "kind": "shelter_other",
                "region": "rotterdam",
                "contact_email": "balie@instantie.example",
            }));
        }
        ("PATCH", "/api/v1/agencies/{id}") => {
            body = Some(json!({ "contact_email": world.unique("balie") + "@test.example" }));
        }
        ("PATCH", "/api/v1/users/{id}") => body = Some(json!({ "role": "coordinator" })),
        ("POST", "/api/v1/me/password") => {
            body = Some(json!({ "current_password": PASSWORD, "new_password": "too short" }));
        }
        ("POST", "/api/v1/auth/login") => {
            body = Some(
                json!({ "email": "niemand@test.example", "password": "not the password at all" }),
            );
        }
        ("POST", "/api/v1/auth/refresh") => body = Some(json!({ "refresh_token": "garbage" })),
        ("POST", "/api/v1/auth/invitation") => {
            body = Some(json!({ "token": "garbage", "password": "drie losse woorden hier" }));
        }
        ("POST", "/api/v1/auth/mfa/verify") => body = Some(json!({ "code": "abcdef" })),
        ("POST", "/api/v1/auth/logout") => {
            // A session of its own, so the actor's main session lives on.
            if let Some((u, _)) = actor {
                token = Some(client.token(&u.email).await);
            }
        }
        _ => {}
    }
    let mut req = request(row.method, &uri);
    if let Some(t) = token {
        req = bearer(req, &t);
    }
    if let Some(v) = if_match {
        req = req.insert_header(("if-match", v));
    }
    if let Some(b) = body {
        req = req.set_json(b);
    }
    req
}

#[actix_web::test]
async fn every_cell_of_the_matrix_answers_as_expected_on_every_backend() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let own = agency(&db, "Gemeente Eigen", AgencyKind::Municipality);
        let foreign = agency(&db, "Politie Elders", AgencyKind::Police);
        let mut actors = Vec::new();
        for role in ROLES {
            let u = user(&db, &own, &format!("{role}@eigen.example"), role, true);
            let token = client.token(&u.email).await;
            actors.push((u, token));
        }
        let world = World {
            own,
            foreign,
            actors,
            next: Cell::new(0),
        };
        let mut failures = Vec::new();
        let mut cells = 0;
        for row in TABLE {
            for col in 0..6_usize {
                let actor = col.checked_sub(1).map(|i| &world.actors[i]);
                let req = prepare(&client, &db, &world, row, actor).await;
                let reply = client.send(req).await;
                cells += 1;
                let who = actor.map_or("no token".to_owned(), |(u, _)| u.role.to_string());
                let cell = format!("{} {} {:?} as {who}", row.method, row.path, row.rel);
                if reply.status.as_u16() != row.expect[col] {
                    failures.push(format!(
                        "{cell}: expected {}, got {} {}",
                        row.expect[col],
                        reply.status,
                        String::from_utf8_lossy(&reply.body)
                    ));
                    continue;
                }
                if reply.header("cache-control") != "no-store" {
                    failures.push(format!("{cell}: no Cache-Control: no-store"));
                }
                let expected_problem = match reply.status.as_u16() {
                    401 if col == 0 && !PUBLIC.contains(&(row.method, row.path)) => {
                        Some("unauthorized")
                    }
                    403 => Some("forbidden"),
                    404 => Some("not_found"),
                    _ => None,
                };
                if let Some(code) = expected_problem
                    && reply.problem() != code
                {
                    failures.push(format!(
                        "{cell}: problem {} instead of {code}",
                        reply.problem()
                    ));
                }
            }
        }
        assert_eq!(cells, TABLE.len() * 6);
        assert!(
            failures.is_empty(),
            "{backend:?}: {} of {cells} cells failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}
