//! Correcting a case from its page over HTTP, on every backend, as a user sees it: the
//! owning agency finds the form filled with the case as it is, corrects the family name
//! and the date of birth, and then sees the new values, a confirmation and an entry in
//! the case's record of corrections with the earlier values; the case list finds the
//! person by the corrected values. Bad input, a stale version or a forged form changes
//! nothing; a person whose identity was erased cannot be corrected; the agency that
//! received the case sees neither the link nor the record and gets 404 on the form; the
//! pages speak Dutch too.

use crate::case_close_pages::{
    account, act, agencies, app, get, hidden, login, post, refer, with_env,
};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{Actor, CaseId, ReferralAction, Role};
use schakel_referral_workflow::views::CaseView;
use schakel_store::testing::{TestDb, selected_backends};
use schakel_web::WebState;

/// Opens a case about Ioana Popescu, born 1990-04-02, with contact details and notes
/// over two lines.
fn popescu(db: &TestDb, st: &WebState, who: &Actor) -> CaseView {
    let input = serde_json::from_value(serde_json::json!({
        "person": {
            "identity": {
                "given_names": "Ioana", "family_name": "Popescu", "date_of_birth": "1990-04-02",
                "nationalities": ["RO"], "languages": ["ro", "en"],
                "contact": "Keizersgracht 1\nAmsterdam"
            },
            "gender": "female"
        },
        "region": "amsterdam",
        "exploitation_forms": ["labour"],
        "notes": "Met at the station.\nSpeaks little Dutch."
    }))
    .unwrap();
    with_env(db, st, |conn, env| {
        schakel_referral_workflow::cases::open_case(conn, env, who, &input, None)
            .unwrap()
            .into_new()
            .unwrap()
    })
}

/// The correction form as a browser sends it for the case as opened (line breaks as
/// CR LF), with `changes` instead of the fields they name (`form` replaces every form).
fn form(csrf: &str, version: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let base = [
        ("csrf", csrf),
        ("version", version),
        ("given_names", "Ioana"),
        ("family_name", "Popescu"),
        ("date_of_birth", "1990-04-02"),
        ("stated_age", ""),
        ("gender", "female"),
        ("nationalities", "RO"),
        ("languages", "ro, en"),
        ("contact", "Keizersgracht 1\r\nAmsterdam"),
        ("region", "amsterdam"),
        ("form", "labour"),
        ("notes", "Met at the station.\r\nSpeaks little Dutch."),
    ];
    let mut out: Vec<(String, String)> = base
        .iter()
        .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    out.extend(
        changes
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    out
}

/// A form's fields as `post!` takes them.
fn pairs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

/// The facts of the case page about the person are still the ones it was opened with.
fn unchanged(page: &str) {
    assert!(page.contains("<dd>Popescu</dd>") && page.contains("<dd>1990-04-02</dd>"));
    assert!(page.contains("This case has not been corrected."), "{page}");
}

#[actix_web::test]
async fn the_owner_corrects_the_person_and_finds_the_earlier_values_in_the_record() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let case = popescu(&db, &st, &cw);
        let uri = format!("/cases/{}", case.id);
        let correct = format!("{uri}/correct");
        let session = login!(app, "cw@amsterdam.example");

        // The case page links to the form and has no corrections yet.
        let (_, page) = get!(app, session, uri);
        assert!(page.contains(&format!("href=\"{correct}\">Correct the case</a>")));
        assert!(page.contains("<h2 id=\"corrections\">Corrections</h2>"));
        unchanged(&page);

        // The form, filled with the case as it is.
        let (status, page) = get!(app, session, correct);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains(&format!("action=\"{correct}\"")));
        for value in ["Ioana", "Popescu", "1990-04-02", "RO", "ro, en"] {
            assert!(
                page.contains(&format!("value=\"{value}\"")),
                "{value}: {page}"
            );
        }
        assert!(page.contains(">Keizersgracht 1\nAmsterdam</textarea>"));
        assert!(page.contains(">Met at the station.\nSpeaks little Dutch.</textarea>"));
        assert!(page.contains("<option value=\"female\" selected>female</option>"));
        assert!(page.contains("<option value=\"amsterdam\" selected>Amsterdam</option>"));
        assert!(
            page.contains("value=\"labour\" checked>")
                && !page.contains("value=\"sexual\" checked")
        );
        assert!(page.contains("<label for=\"family_name\">Family name</label>"));
        let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));
        assert_eq!(version, case.version.to_string());

        // Sent as it was: nothing changes, and the page says so.
        let same = form(&csrf, &version, &[]);
        let (status, to, _) = post!(app, session, correct, &pairs(&same));
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let (_, page) = get!(app, session, to);
        assert!(page.contains("Nothing was changed"), "{page}");
        unchanged(&page);

        // The family name and the date of birth corrected.
        let fixed = [
            ("family_name", "Popescu-Ionescu"),
            ("date_of_birth", "1990-04-03"),
        ];
        let (status, to, _) = post!(
            app,
            session,
            correct,
            &pairs(&form(&csrf, &version, &fixed))
        );
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, format!("{uri}?done=case_corrected"));
        let (status, page) = get!(app, session, to);
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("The case was corrected."), "{page}");
        assert!(page.contains("<dd>Popescu-Ionescu</dd>") && page.contains("<dd>1990-04-03</dd>"));
        assert!(page.contains("· Corrected by Sanne Bakker</p>"));
        assert!(
            page.contains("<th scope=\"row\">Family name</th><td class=\"earlier\">Popescu</td>")
        );
        assert!(
            page.contains(
                "<th scope=\"row\">Date of birth</th><td class=\"earlier\">1990-04-02</td>"
            )
        );
        assert!(
            !page.contains(">How to reach the person</th>")
                && !page.contains(">Notes at opening</th>"),
            "line breaks sent as CR LF change nothing"
        );
        assert!(page.contains("case corrected"), "on the timeline");

        // The list finds the person by the corrected values, not by the earlier ones.
        let link = format!("href=\"{uri}\"");
        let (_, list) = get!(
            app,
            session,
            "/cases?family_name=popescu-ionescu&date_of_birth=1990-04-03"
        );
        assert!(list.contains(&link), "{backend:?}: {list}");
        let (_, list) = get!(
            app,
            session,
            "/cases?family_name=Popescu&date_of_birth=1990-04-02"
        );
        assert!(!list.contains(&link), "{backend:?}");

        // A second correction of the case: codes in words, the notes removed.
        let (_, page) = get!(app, session, correct);
        let version = hidden(&page, "version");
        assert!(page.contains("value=\"Popescu-Ionescu\""));
        let more = [
            ("family_name", "Popescu-Ionescu"),
            ("date_of_birth", "1990-04-03"),
            ("nationalities", "RO, MD"),
            ("region", "den_haag"),
            ("form", "sexual"),
            ("notes", ""),
        ];
        let mut fields = form(&csrf, &version, &more);
        fields.push(("form".to_owned(), "labour".to_owned()));
        let (status, to, _) = post!(app, session, correct, &pairs(&fields));
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let (_, page) = get!(app, session, to);
        assert!(page.contains("<dd>Den Haag</dd>") && !page.contains("<h2>Notes at opening</h2>"));
        assert!(
            page.contains("<dd>Romania, Moldova</dd>"),
            "countries by name"
        );
        for (field, earlier) in [
            ("Nationalities", "Romania"),
            ("Region", "Amsterdam"),
            ("Forms of exploitation", "labour exploitation"),
            (
                "Notes at opening",
                "Met at the station.\nSpeaks little Dutch.",
            ),
        ] {
            let row = format!("<th scope=\"row\">{field}</th><td class=\"earlier\">{earlier}</td>");
            assert!(page.contains(&row), "{row}");
        }
        assert_eq!(
            page.matches("Corrected by Sanne Bakker").count(),
            2,
            "oldest first"
        );
    }
}

#[actix_web::test]
async fn refused_stale_and_forged_corrections_change_nothing() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let case = popescu(&db, &st, &cw);
        let uri = format!("/cases/{}", case.id);
        let correct = format!("{uri}/correct");
        let session = login!(app, "cw@amsterdam.example");
        let (_, page) = get!(app, session, correct);
        let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));

        // A date that is no date: back as typed, with the message next to it.
        let bad = form(
            &csrf,
            &version,
            &[("family_name", "Ionescu"), ("date_of_birth", "2 april")],
        );
        let (status, _, page) = post!(app, session, correct, &pairs(&bad));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("id=\"date_of_birth-error\">Enter a date as year-month-day."));
        assert!(page.contains("value=\"2 april\"") && page.contains("value=\"Ionescu\""));
        assert!(page.contains("aria-invalid=\"true\""));

        // A date the use case refuses, and a country that does not exist.
        let future = form(&csrf, &version, &[("date_of_birth", "2999-01-01")]);
        let (status, _, page) = post!(app, session, correct, &pairs(&future));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(
            page.contains("The date of birth cannot be in the future"),
            "{page}"
        );
        let unknown = form(&csrf, &version, &[("nationalities", "RO, XX")]);
        let (status, _, page) = post!(app, session, correct, &pairs(&unknown));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("id=\"nationalities-error\">Use two-letter ISO country codes"));
        assert!(page.contains("value=\"RO, XX\""), "kept as typed");

        // No form of exploitation ticked.
        let none: Vec<_> = form(&csrf, &version, &[])
            .into_iter()
            .filter(|(k, _)| k != "form")
            .collect();
        let (status, _, page) = post!(app, session, correct, &pairs(&none));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("id=\"forms-error\">Tick at least one form"));

        // Made from an earlier version: the case as it is now, with a message.
        let stale = form(&csrf, "99", &[("family_name", "Ionescu")]);
        let (status, _, page) = post!(app, session, correct, &pairs(&stale));
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("role=\"alert\">The case changed meanwhile; look again."));
        assert!(page.contains("value=\"Popescu\"") && !page.contains("value=\"Ionescu\""));
        assert_eq!(hidden(&page, "version"), version, "the current version");

        // Without the session's token: refused before anything is read.
        let forged = form("vervalst", &version, &[("family_name", "Ionescu")]);
        let (status, _, _) = post!(app, session, correct, &pairs(&forged));
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");

        let (_, page) = get!(app, session, uri);
        unchanged(&page);
        assert!(!page.contains("case corrected"), "{backend:?}");
    }
}

#[actix_web::test]
async fn an_erased_person_cannot_be_corrected() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let case = popescu(&db, &st, &cw);
        let uri = format!("/cases/{}", case.id);
        let correct = format!("{uri}/correct");
        let session = login!(app, "cw@amsterdam.example");
        let (_, page) = get!(app, session, correct);
        let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));
        {
            let mut conn = db.pool.get().unwrap();
            schakel_store::casework::persons::erase(&mut conn, case.person.id, chrono::Utc::now())
                .unwrap();
        }

        let (_, page) = get!(app, session, uri);
        assert!(page.contains("erased at the end of the retention period"));
        assert!(!page.contains(&format!("href=\"{correct}\"")), "no link");
        let (status, page) = get!(app, session, correct);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("there is nothing left to correct"));
        assert!(!page.contains("name=\"family_name\""), "no form");
        let late = form(&csrf, &version, &[("family_name", "Ionescu")]);
        let (status, _, page) = post!(app, session, correct, &pairs(&late));
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("there is nothing left to correct"), "{page}");
    }
}

#[actix_web::test]
async fn the_receiving_agency_sees_no_record_and_cannot_correct_and_dutch_works() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, shelter, other) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let nl = account(&db, home, "nl@amsterdam.example", Role::Coordinator);
        let co = account(&db, shelter, "co@amstel.example", Role::Coordinator);
        account(&db, other, "cw@utrecht.example", Role::Caseworker);
        {
            let mut conn = db.pool.get().unwrap();
            schakel_store::users::set_locale(&mut conn, nl.user_id, "nl", chrono::Utc::now())
                .unwrap();
        }
        let case = popescu(&db, &st, &cw);
        let uri = format!("/cases/{}", case.id);
        let correct = format!("{uri}/correct");

        // A coordinator of the owning agency corrects the case, in Dutch.
        let session = login!(app, "nl@amsterdam.example");
        let (status, page) = get!(app, session, correct);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("<h1>Casus corrigeren</h1>"));
        assert!(page.contains("<label for=\"family_name\">Achternaam</label>"));
        let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));
        let fixed = form(&csrf, &version, &[("family_name", "Popescu-Ionescu")]);
        let (status, to, _) = post!(app, session, correct, &pairs(&fixed));
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let (_, page) = get!(app, session, to);
        assert!(page.contains("De casus is gecorrigeerd."));
        assert!(page.contains("<h2 id=\"corrections\">Correcties</h2>"));
        assert!(
            page.contains("<th scope=\"row\">Achternaam</th><td class=\"earlier\">Popescu</td>")
        );

        // The shelter that accepted a referral reads the case, not its record.
        let r = refer(&db, &st, &cw, case.id, shelter);
        act(&db, &st, &co, &r, ReferralAction::Accept);
        let shelter_session = login!(app, "co@amstel.example");
        let (status, page) = get!(app, shelter_session, uri);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(!page.contains(&format!("href=\"{correct}\"")));
        assert!(!page.contains("id=\"corrections\"") && !page.contains("Corrected by"));
        let shelter_csrf = hidden(&page, "csrf");
        let (status, hidden_page) = get!(app, shelter_session, correct);
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}");
        let unknown = format!("/cases/{}/correct", CaseId::new_random());
        let (status, unknown_page) = get!(app, shelter_session, unknown);
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(
            hidden_page, unknown_page,
            "as for a case that does not exist"
        );
        let theirs = form(&shelter_csrf, &version, &[("family_name", "Vos")]);
        let (status, _, _) = post!(app, shelter_session, correct, &pairs(&theirs));
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}");

        // Another agency finds nothing either.
        let stranger = login!(app, "cw@utrecht.example");
        let (status, _) = get!(app, stranger, correct);
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}");

        let now = with_env(&db, &st, |conn, env| {
            schakel_referral_workflow::cases::get_case(conn, env, &cw, case.id).unwrap()
        });
        let family = now.person.identity.unwrap().family_name;
        assert_eq!(family.as_deref(), Some("Popescu-Ionescu"), "{backend:?}");
    }
}
