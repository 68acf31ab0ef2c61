//! Closing a case from its page over HTTP, on every backend, as a user sees it: the
//! owning agency closes a case with a reason (and a note for the reason `other`) and then
//! sees how it was closed, without the form; bad input, a forged form or a stale version
//! changes nothing; a case with an open referral is not closed and says why; the agency
//! that received the case gets no form and cannot close it. Also what the case list
//! tests share with these: agencies, accounts, cases and referrals made through the use
//! cases, and a browser that logs in, reads and posts.

use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{Actor, AgencyId, AgencyKind, CaseId, ReferralAction, Region, Role};
use schakel_referral_workflow::Env;
use schakel_referral_workflow::views::{CaseView, ReferralView};
use schakel_store::DbConn;
use schakel_store::agencies::{self, NewAgency};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users::{self, NewUser};
use schakel_web::WebState;
use secrecy::SecretString;

/// The agencies of the tests: a municipality in Amsterdam, a shelter there and a
/// municipality in Utrecht.
pub(crate) fn agencies(db: &TestDb) -> (AgencyId, AgencyId, AgencyId) {
    use AgencyKind::{Municipality, ShelterOther};
    let a = |name, kind, region| agency(db, name, kind, region);
    (
        a("Gemeente Amsterdam", Municipality, Region::Amsterdam),
        a("Opvang Amstel", ShelterOther, Region::Amsterdam),
        a("Gemeente Utrecht", Municipality, Region::MiddenNederland),
    )
}

fn agency(db: &TestDb, name: &str, kind: AgencyKind, region: Region) -> AgencyId {
    let mut conn = db.pool.get().unwrap();
    agencies::insert(
        &mut conn,
        &NewAgency {
            name,
            kind,
            region,
            contact_email: "balie@org.example",
        },
        chrono::Utc::now(),
    )
    .unwrap()
    .id
}

/// An account of `agency` that logs in with [`PASSWORD`]; its actor for the use cases.
pub(crate) fn account(db: &TestDb, agency: AgencyId, email: &str, role: Role) -> Actor {
    let hash = schakel_auth::password::hash(&SecretString::from(PASSWORD)).unwrap();
    let mut conn = db.pool.get().unwrap();
    let u = users::insert(
        &mut conn,
        &NewUser {
            agency_id: agency,
            email,
            display_name: "Sanne Bakker",
            role,
            locale: "en",
            password_hash: Some(&hash),
        },
        chrono::Utc::now(),
    )
    .unwrap();
    Actor {
        user_id: u.id,
        agency_id: u.agency_id,
        role: u.role,
        session_id: schakel_domain::SessionId::new_random(),
    }
}

/// Runs `f` with a connection and the use cases' environment of the pages' state.
pub(crate) fn with_env<T>(
    db: &TestDb,
    st: &WebState,
    f: impl FnOnce(&mut DbConn, &Env<'_>) -> T,
) -> T {
    let mut conn = db.pool.get().unwrap();
    let ctx = schakel_auth::RequestContext::default();
    let env = Env {
        cfg: &st.workflow,
        ctx: &ctx,
        now: chrono::Utc::now(),
    };
    f(&mut conn, &env)
}

/// Opens a case about `person` (an identity and a gender, as the API takes it).
pub(crate) fn open_case(
    db: &TestDb,
    st: &WebState,
    who: &Actor,
    person: serde_json::Value,
    region: &str,
    form: &str,
) -> CaseView {
    let input = serde_json::from_value(serde_json::json!({
        "person": person, "region": region, "exploitation_forms": [form]
    }))
    .unwrap();
    with_env(db, st, |conn, env| {
        schakel_referral_workflow::cases::open_case(conn, env, who, &input, None)
            .unwrap()
            .into_new()
            .unwrap()
    })
}

/// A person named `given` `family`, born on `born` (or not known).
pub(crate) fn named(given: &str, family: &str, born: Option<&str>) -> serde_json::Value {
    serde_json::json!({
        "identity": { "given_names": given, "family_name": family, "date_of_birth": born },
        "gender": "female"
    })
}

/// Refers case `case` of `who`'s agency to `to`.
pub(crate) fn refer(
    db: &TestDb,
    st: &WebState,
    who: &Actor,
    case: CaseId,
    to: AgencyId,
) -> ReferralView {
    let input = serde_json::from_value(serde_json::json!({
        "to_agency_id": to, "purpose": "shelter", "urgency": "normal"
    }))
    .unwrap();
    with_env(db, st, |conn, env| {
        schakel_referral_workflow::referrals::create_referral(conn, env, who, case, &input, None)
            .unwrap()
            .into_new()
            .unwrap()
    })
}

/// Takes `action` on referral `r` as `who`.
pub(crate) fn act(
    db: &TestDb,
    st: &WebState,
    who: &Actor,
    r: &ReferralView,
    action: ReferralAction,
) -> ReferralView {
    with_env(db, st, |conn, env| {
        schakel_referral_workflow::referrals::act(
            conn,
            env,
            who,
            r.id,
            schakel_referral_workflow::IfMatch::Version(r.version),
            action,
            &Default::default(),
        )
        .unwrap()
    })
}

/// The value of the first hidden field `name` in a page.
pub(crate) fn hidden(page: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let at = page.find(&needle).expect(name) + needle.len();
    page[at..].split('"').next().unwrap().to_owned()
}

/// Opens the login page as a new browser: the login cookie to send back with the form,
/// and the form's CSRF token.
macro_rules! login_form {
    ($app:expr) => {{
        let res = actix_web::test::call_service(
            &$app,
            actix_web::test::TestRequest::get()
                .uri("/login")
                .to_request(),
        )
        .await;
        let login = res
            .response()
            .cookies()
            .find(|c| c.name() == "__Host-schakel_login")
            .unwrap()
            .into_owned();
        let page = crate::support::body(res).await;
        (
            actix_web::cookie::Cookie::new("__Host-schakel_login", login.value().to_owned()),
            crate::case_close_pages::hidden(&page, "csrf"),
        )
    }};
}
pub(crate) use login_form;

/// Logs `$email` in with the password (or `password: …`): the session cookie of that
/// browser, sent on to `/` (or to `$to`, e.g. `/login/code` while a second factor is
/// owed).
macro_rules! login {
    (@ $app:expr, $email:expr, $password:expr, $to:expr) => {{
        let (login, csrf) = crate::case_close_pages::login_form!($app);
        let res = test::call_service(
            &$app,
            TestRequest::post()
                .uri("/login")
                .cookie(login)
                .set_form([
                    ("csrf", csrf.as_str()),
                    ("email", $email),
                    ("password", $password),
                ])
                .to_request(),
        )
        .await;
        assert_eq!(header(&res, "location"), $to, "{} logs in", $email);
        let session = res
            .response()
            .cookies()
            .find(|c| c.name() == "__Host-schakel_session")
            .unwrap()
            .into_owned();
        Cookie::new("__Host-schakel_session", session.value().to_owned())
    }};
    ($app:expr, $email:expr, password: $password:expr) => {{ login!(@ $app, $email, $password, "/") }};
    ($app:expr, $email:expr) => {{ login!(@ $app, $email, PASSWORD, "/") }};
    ($app:expr, $email:expr, $to:expr) => {{ login!(@ $app, $email, PASSWORD, $to) }};
}
pub(crate) use login;

/// A page for the browser of `$session`: its status and body.
macro_rules! get {
    ($app:expr, $session:expr, $uri:expr) => {{
        let res = test::call_service(
            &$app,
            TestRequest::get()
                .uri(&$uri)
                .cookie($session.clone())
                .to_request(),
        )
        .await;
        (res.status(), body(res).await)
    }};
}
pub(crate) use get;

/// Posts the form `$fields` to `$uri`: the status, the `Location` and the page.
macro_rules! post {
    ($app:expr, $session:expr, $uri:expr, $fields:expr $(,)?) => {{
        let res = test::call_service(
            &$app,
            TestRequest::post()
                .uri(&$uri)
                .cookie($session.clone())
                .set_form($fields)
                .to_request(),
        )
        .await;
        let (status, to) = (res.status(), header(&res, "location"));
        (status, to, body(res).await)
    }};
}
pub(crate) use post;

/// The pages over `db`.
macro_rules! app {
    ($st:expr) => {{
        let st = $st.clone();
        test::init_service(actix_web::App::new().configure(move |c| schakel_web::configure(c, st)))
            .await
    }};
}
pub(crate) use app;

/// A form's fields as `post!` takes them.
fn pairs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

#[actix_web::test]
async fn the_owner_closes_a_case_and_then_sees_how_it_was_closed() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let case = open_case(
            &db,
            &st,
            &cw,
            named("Ioana", "Popescu", None),
            "amsterdam",
            "labour",
        );
        let uri = format!("/cases/{}", case.id);
        let close = format!("{uri}/close");
        let session = login!(app, "cw@amsterdam.example");

        // The form: a labelled reason among the known ones, an optional note, the version.
        let (status, page) = get!(app, session, uri);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            page.contains("name=\"form_kind\" value=\"close\""),
            "{page}"
        );
        assert!(page.contains("<label for=\"close_reason\">Reason</label>"));
        assert!(page.contains("<option value=\"support_completed\">support completed</option>"));
        assert!(page.contains("<label for=\"close_note\">"));
        let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));

        // Forged, incomplete or stale: nothing changes.
        let form = |token: &str, version: &str, reason: &str, note: &str| {
            vec![
                ("csrf".to_owned(), token.to_owned()),
                ("version".to_owned(), version.to_owned()),
                ("close_reason".to_owned(), reason.to_owned()),
                ("close_note".to_owned(), note.to_owned()),
            ]
        };
        let forged = form("vervalst", &version, "duplicate", "");
        let (status, _, _) = post!(app, session, close, &pairs(&forged));
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");
        let no_note = form(&csrf, &version, "other", "  ");
        let (status, _, page) = post!(app, session, close, &pairs(&no_note));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("id=\"close_note-error\"") && page.contains("Explain the reason"));
        assert!(
            page.contains("<option value=\"other\" selected>"),
            "kept as typed"
        );
        let no_reason = form(&csrf, &version, "", "Moved");
        let (status, _, page) = post!(app, session, close, &pairs(&no_reason));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("id=\"close_reason-error\"") && page.contains(">Moved</textarea>"));
        let stale = form(&csrf, "99", "duplicate", "Same as the other one");
        let (status, _, page) = post!(app, session, close, &pairs(&stale));
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("changed this case in the meantime"));
        assert!(
            page.contains("name=\"form_kind\" value=\"close\""),
            "still open"
        );
        let (_, page) = get!(app, session, uri);
        assert!(page.contains("<dd>open</dd>") && !page.contains("case closed"));

        // Closed through the page's own address, as its form sends it: confirmed, with
        // its reason and note, and no form any more.
        let mut done = form(
            &csrf,
            &version,
            "other",
            "She moved abroad with her family.",
        );
        done.push(("form_kind".to_owned(), "close".to_owned()));
        let (status, to, _) = post!(app, session, uri, &pairs(&done));
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, format!("{uri}?done=case_closed"));
        let (status, page) = get!(app, session, to);
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("The case was closed."), "{page}");
        assert!(page.contains("<dd>closed</dd>"));
        assert!(
            page.contains("Reason for closing") && page.contains("other (explained in the note)")
        );
        assert!(page.contains("She moved abroad with her family."));
        assert!(page.contains("case closed"), "on the timeline");
        assert!(
            !page.contains("name=\"form_kind\" value=\"close\"")
                && !page.contains("id=\"close_reason\"")
        );
        let (_, plain) = get!(app, session, uri);
        assert!(!plain.contains("The case was closed."));

        // Once more: refused, nothing changed.
        let now = with_env(&db, &st, |conn, env| {
            schakel_referral_workflow::cases::get_case(conn, env, &cw, case.id).unwrap()
        });
        let again = form(&csrf, &now.version.to_string(), "duplicate", "");
        let (status, _, page) = post!(app, session, close, &pairs(&again));
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("already closed"));
        assert!(page.contains("other (explained in the note)"));
        let (_, list) = get!(app, session, "/cases?status=closed");
        assert!(list.contains(&format!("href=\"{uri}\"")), "{backend:?}");
    }
}

#[actix_web::test]
async fn an_open_referral_keeps_the_case_open_and_the_receiver_gets_no_close_form() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, shelter, _) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let co = account(&db, shelter, "co@amstel.example", Role::Coordinator);
        let case = open_case(
            &db,
            &st,
            &cw,
            named("Ioana", "Popescu", None),
            "amsterdam",
            "labour",
        );
        let r = refer(&db, &st, &cw, case.id, shelter);
        let r = act(&db, &st, &co, &r, ReferralAction::Accept);
        let uri = format!("/cases/{}", case.id);
        let close = format!("{uri}/close");

        // The owner tries: refused with the reason, the case still open.
        let session = login!(app, "cw@amsterdam.example");
        let (_, page) = get!(app, session, uri);
        let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));
        let fields = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("close_reason", "support_completed"),
        ];
        let (status, _, page) = post!(app, session, close, &fields);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(
            page.contains("cannot be closed while a referral of it is open"),
            "{page}"
        );
        assert!(page.contains("role=\"alert\"") && page.contains("<dd>open</dd>"));
        assert!(page.contains("<option value=\"support_completed\" selected>"));
        let (_, page) = get!(app, session, uri);
        assert!(page.contains("<dd>open</dd>") && !page.contains("case closed"));

        // The shelter reads the case but gets no form, and cannot close it.
        let shelter_session = login!(app, "co@amstel.example");
        let (status, page) = get!(app, shelter_session, uri);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            !page.contains("name=\"form_kind\" value=\"close\"")
                && !page.contains("id=\"close_reason\"")
        );
        let shelter_csrf = hidden(&page, "csrf");
        let fields = [
            ("csrf", shelter_csrf.as_str()),
            ("version", version.as_str()),
            ("close_reason", "support_completed"),
        ];
        let (status, _, _) = post!(app, shelter_session, close, &fields);
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}");

        // Once the referral is withdrawn, the owner closes the case.
        act(&db, &st, &cw, &r, ReferralAction::Withdraw);
        let (_, page) = get!(app, session, uri);
        assert!(
            page.contains("<dd>open</dd>"),
            "{backend:?}: nothing was closed"
        );
        let version = hidden(&page, "version");
        let fields = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("close_reason", "support_completed"),
        ];
        let (status, to, _) = post!(app, session, close, &fields);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let (_, page) = get!(app, session, to);
        assert!(page.contains("<dd>closed</dd>") && page.contains("support completed"));
    }
}
