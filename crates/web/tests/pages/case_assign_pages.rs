//! Who is responsible for a case, over HTTP, on every backend, as a user sees it: a
//! coordinator of the owning agency makes a caseworker responsible from the case page,
//! which then names them, with the change on the timeline; the caseworker finds the
//! case under "My cases", and a colleague's case is not there; "nobody" lists the cases
//! nobody is responsible for. A caseworker gets no form and is refused, another agency
//! is answered as for a case that does not exist, and a stale version, a forged form or
//! a worker of another agency changes nothing. The coordinators' caseload counts each
//! worker's open cases, with links to them; a caseworker may not read it.

use crate::case_close_pages::{
    agencies, app, get, hidden, login, named, open_case, post, with_env,
};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{Actor, AgencyId, CaseId, Role, UserId};
use schakel_referral_workflow::IfMatch;
use schakel_referral_workflow::cases::{AssignCaseInput, assign_case, get_case};
use schakel_referral_workflow::views::CaseView;
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users::{self, NewUser};
use schakel_web::WebState;
use secrecy::SecretString;

/// An account of `agency` named `name` that logs in with [`PASSWORD`]; its actor.
fn worker(db: &TestDb, agency: AgencyId, email: &str, name: &str, role: Role) -> Actor {
    let hash = schakel_auth::password::hash(&SecretString::from(PASSWORD)).unwrap();
    let mut conn = db.pool.get().unwrap();
    let u = users::insert(
        &mut conn,
        &NewUser {
            agency_id: agency,
            email,
            display_name: name,
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

/// Makes `to` (or nobody) responsible for `case` as the coordinator `co`.
fn assign(db: &TestDb, st: &WebState, co: &Actor, case: CaseId, to: Option<UserId>) {
    with_env(db, st, |conn, env| {
        let now = get_case(conn, env, co, case).unwrap();
        let input = AssignCaseInput { user_id: to };
        assign_case(conn, env, co, case, IfMatch::Version(now.version), &input).unwrap();
    });
}

/// The case as its owning agency sees it now.
fn now(db: &TestDb, st: &WebState, who: &Actor, case: CaseId) -> CaseView {
    with_env(db, st, |conn, env| get_case(conn, env, who, case).unwrap())
}

/// The agency of Amsterdam's coordinator Eva and caseworkers Jan and Fatima.
struct Team {
    co: Actor,
    jan: Actor,
    fatima: Actor,
    utrecht: Actor,
}

fn team(db: &TestDb) -> Team {
    let (home, _, utrecht) = agencies(db);
    Team {
        co: worker(
            db,
            home,
            "eva@amsterdam.example",
            "Eva de Vries",
            Role::Coordinator,
        ),
        jan: worker(
            db,
            home,
            "jan@amsterdam.example",
            "Jan Jansen",
            Role::Caseworker,
        ),
        fatima: worker(
            db,
            home,
            "fatima@amsterdam.example",
            "Fatima El Amrani",
            Role::Caseworker,
        ),
        utrecht: worker(
            db,
            utrecht,
            "co@utrecht.example",
            "Pieter Smit",
            Role::Coordinator,
        ),
    }
}

/// Opens a case about a person named `family` as `who`.
fn case_of(db: &TestDb, st: &WebState, who: &Actor, family: &str) -> CaseView {
    open_case(
        db,
        st,
        who,
        named("Ioana", family, None),
        "amsterdam",
        "labour",
    )
}

#[actix_web::test]
async fn a_coordinator_makes_a_caseworker_responsible_who_then_finds_it_in_my_cases() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let t = team(&db);
        let mine = case_of(&db, &st, &t.jan, "Popescu");
        let colleagues = case_of(&db, &st, &t.jan, "Kowalski");
        let nobodys = case_of(&db, &st, &t.jan, "Nowak");
        assign(&db, &st, &t.co, colleagues.id, Some(t.fatima.user_id));
        let uri = format!("/cases/{}", mine.id);
        let action = format!("{uri}/assignee");

        // The coordinator reads who is responsible, and the form with the agency's workers.
        let session = login!(app, "eva@amsterdam.example");
        let (status, page) = get!(app, session, uri);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            page.contains("<dt>Responsible</dt><dd>nobody yet</dd>"),
            "{page}"
        );
        assert!(page.contains(&format!("action=\"{action}\"")));
        assert!(page.contains("<label for=\"assignee\">Worker</label>"));
        assert!(page.contains("<option value=\"none\" selected>nobody</option>"));
        let jan = t.jan.user_id.to_string();
        assert!(page.contains(&format!(
            "<option value=\"{jan}\">Jan Jansen (caseworker)</option>"
        )));
        assert!(page.contains("Eva de Vries (coordinator)"));
        assert!(page.contains("Fatima El Amrani (caseworker)"));
        assert!(
            !page.contains("Pieter Smit"),
            "only the agency's own workers"
        );
        assert!(page.contains("<a href=\"/caseload\">Caseload</a>"));

        // Jan is made responsible: confirmed, named, and on the timeline.
        let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));
        let fields = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("assignee", jan.as_str()),
        ];
        let (status, to, _) = post!(app, session, action, &fields);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, format!("{uri}?done=case_assigned"));
        let (status, page) = get!(app, session, to);
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Who is responsible for this case has been saved."));
        assert!(
            page.contains("<dt>Responsible</dt><dd>Jan Jansen</dd>"),
            "{page}"
        );
        assert!(page.contains(&format!("<option value=\"{jan}\" selected>")));
        assert!(page.contains("case assigned"), "on the timeline");
        assert_eq!(
            now(&db, &st, &t.co, mine.id).assigned_to.unwrap().id,
            t.jan.user_id
        );

        // Jan's "My cases" lists his case only; "nobody" lists the unassigned one.
        let session = login!(app, "jan@amsterdam.example");
        let (_, start) = get!(app, session, "/");
        assert!(start.contains("<a href=\"/cases?assigned_to=me&amp;status=open\">My cases</a>"));
        assert!(
            !start.contains("href=\"/caseload\""),
            "for coordinators only"
        );
        let (status, list) = get!(app, session, "/cases?assigned_to=me&status=open");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(list.contains(&format!("href=\"{uri}\"")), "{list}");
        assert!(!list.contains(&format!("href=\"/cases/{}\"", colleagues.id)));
        assert!(!list.contains(&format!("href=\"/cases/{}\"", nobodys.id)));
        assert!(list.contains("<th scope=\"col\">Responsible</th>"));
        assert!(list.contains("<td>Jan Jansen</td>"));
        assert!(list.contains("<option value=\"me\" selected>me</option>"));
        let (_, list) = get!(app, session, "/cases?assigned_to=none&status=open");
        assert!(list.contains(&format!("href=\"/cases/{}\"", nobodys.id)));
        assert!(!list.contains(&format!("href=\"{uri}\"")));
        assert!(!list.contains(&format!("href=\"/cases/{}\"", colleagues.id)));
        assert!(list.contains("<td>nobody</td>"));
        let (_, all) = get!(app, session, "/cases");
        assert!(all.contains("<td>Fatima El Amrani</td>") && all.contains("<td>Jan Jansen</td>"));
        let (status, list) = get!(app, session, "/cases?assigned_to=someone");
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(list.contains("id=\"assigned_to-error\""));

        // The coordinator makes nobody responsible again.
        let session = login!(app, "eva@amsterdam.example");
        let (_, page) = get!(app, session, uri);
        let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));
        let fields = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("assignee", "none"),
        ];
        let (status, to, _) = post!(app, session, action, &fields);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let (_, page) = get!(app, session, to);
        assert!(page.contains("<dt>Responsible</dt><dd>nobody yet</dd>"));
        assert!(now(&db, &st, &t.co, mine.id).assigned_to.is_none());
    }
}

#[actix_web::test]
async fn a_caseworker_another_agency_a_stale_or_forged_form_change_nothing() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let t = team(&db);
        let case = case_of(&db, &st, &t.jan, "Popescu");
        let uri = format!("/cases/{}", case.id);
        let action = format!("{uri}/assignee");
        let jan = t.jan.user_id.to_string();
        let unchanged = |who: &Actor| {
            let c = now(&db, &st, who, case.id);
            assert!(c.assigned_to.is_none(), "{backend:?}: nothing changed");
            assert_eq!(c.version, case.version);
        };

        // A caseworker reads who is responsible, gets no form, and is refused.
        let session = login!(app, "jan@amsterdam.example");
        let (_, page) = get!(app, session, uri);
        assert!(page.contains("<dt>Responsible</dt><dd>nobody yet</dd>"));
        assert!(
            !page.contains(&format!("action=\"{action}\"")) && !page.contains("id=\"assignee\"")
        );
        let csrf = hidden(&page, "csrf");
        let version = case.version.to_string();
        for chosen in [jan.as_str(), "nobody at all"] {
            let fields = [
                ("csrf", csrf.as_str()),
                ("version", version.as_str()),
                ("assignee", chosen),
            ];
            let (status, _, page) = post!(app, session, action, &fields);
            assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");
            assert!(page.contains("Your role cannot do this."));
        }
        unchanged(&t.jan);

        // Another agency's coordinator: as for a case that does not exist.
        let session = login!(app, "co@utrecht.example");
        let (_, start) = get!(app, session, "/");
        let other = hidden(&start, "csrf");
        let fields = [
            ("csrf", other.as_str()),
            ("version", version.as_str()),
            ("assignee", jan.as_str()),
        ];
        let (status, _, _) = post!(app, session, action, &fields);
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}");
        unchanged(&t.jan);

        // The coordinator: a forged form, a stale version, a worker of another agency.
        let session = login!(app, "eva@amsterdam.example");
        let (_, page) = get!(app, session, uri);
        let csrf = hidden(&page, "csrf");
        let forged = [
            ("csrf", "vervalst"),
            ("version", version.as_str()),
            ("assignee", jan.as_str()),
        ];
        let (status, _, _) = post!(app, session, action, &forged);
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");
        let stale = [
            ("csrf", csrf.as_str()),
            ("version", "99"),
            ("assignee", jan.as_str()),
        ];
        let (status, _, page) = post!(app, session, action, &stale);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("changed this case in the meantime"), "{page}");
        assert!(
            page.contains("<dd>nobody yet</dd>") && page.contains(&format!("action=\"{action}\""))
        );
        let pieter = t.utrecht.user_id.to_string();
        let elsewhere = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("assignee", pieter.as_str()),
        ];
        let (status, _, page) = post!(app, session, action, &elsewhere);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(
            page.contains("This worker cannot be made responsible"),
            "{page}"
        );
        unchanged(&t.co);
        let (_, page) = get!(app, session, uri);
        assert!(!page.contains("case assigned"), "nothing on the timeline");
    }
}

#[actix_web::test]
async fn the_caseload_counts_each_workers_open_cases_for_coordinators_only() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let t = team(&db);
        let home = t.co.agency_id;
        let gone = worker(
            &db,
            home,
            "kees@amsterdam.example",
            "Kees Visser",
            Role::Caseworker,
        );
        for family in ["Popescu", "Kowalski"] {
            let c = case_of(&db, &st, &t.jan, family);
            assign(&db, &st, &t.co, c.id, Some(t.jan.user_id));
        }
        let left = case_of(&db, &st, &t.jan, "Visser");
        assign(&db, &st, &t.co, left.id, Some(gone.user_id));
        {
            let mut conn = db.pool.get().unwrap();
            users::set_active(&mut conn, gone.user_id, false, chrono::Utc::now()).unwrap();
        }
        case_of(&db, &st, &t.jan, "Nowak");
        case_of(&db, &st, &t.utrecht, "Jansen");

        // The coordinator: every active worker by name, with links to their open cases.
        let session = login!(app, "eva@amsterdam.example");
        let (status, page) = get!(app, session, "/caseload");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("<h1>Caseload</h1>"), "{page}");
        let link =
            |who: &str, n: i64| format!("<a href=\"/cases?assigned_to={who}&amp;status=open\">{n}");
        assert!(page.contains("<th scope=\"row\">Jan Jansen</th>"));
        assert!(
            page.contains(&link(&t.jan.user_id.to_string(), 2)),
            "{page}"
        );
        assert!(page.contains(&link(&t.fatima.user_id.to_string(), 0)));
        assert!(page.contains(&link(&t.co.user_id.to_string(), 0)));
        assert!(!page.contains("Kees Visser") && !page.contains("Pieter Smit"));
        assert!(page.contains(&link("none", 1)));
        assert!(page.contains("<dt>Open cases of workers no longer active</dt><dd>1</dd>"));

        // Following Jan's number: his open cases, the filter naming him.
        let jan = t.jan.user_id.to_string();
        let (status, list) = get!(
            app,
            session,
            format!("/cases?assigned_to={jan}&status=open")
        );
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(list.contains(&format!(
            "<option value=\"{jan}\" selected>Jan Jansen</option>"
        )));
        assert_eq!(list.matches("<td>Jan Jansen</td>").count(), 2, "{list}");
        assert!(!list.contains(&format!("href=\"/cases/{}\"", left.id)));

        // The case of the worker no longer active names them in its form.
        let (_, page) = get!(app, session, format!("/cases/{}", left.id));
        assert!(page.contains("<dt>Responsible</dt><dd>Kees Visser</dd>"));
        let kees = gone.user_id.to_string();
        assert!(page.contains(&format!(
            "<option value=\"{kees}\" selected>Kees Visser (no longer active)</option>"
        )));

        // A caseworker may not read it, and has no link to it.
        let session = login!(app, "jan@amsterdam.example");
        let (status, page) = get!(app, session, "/caseload");
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");
        assert!(page.contains("Your role cannot do this."));
        assert!(!page.contains("href=\"/caseload\""));
        let res = test::call_service(&app, TestRequest::get().uri("/caseload").to_request()).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(header(&res, "location"), "/login");
    }
}
