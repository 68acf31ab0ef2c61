//! The case and signal lists over HTTP, on every backend, as a user sees them: a
//! caseworker finds the agency's own cases and those received through an accepted
//! referral, never another agency's; a search by family name and date of birth finds the
//! person's case and no other; the filters narrow the list and paging reaches the rest
//! with the filters kept; a filter that is not valid comes back with its message; the
//! signal list shows the agency's own signals; an analyst gets neither list.

use crate::case_close_pages::{
    account, act, agencies, app, get, login, named, open_case, refer, with_env,
};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{Actor, ReferralAction, Role};
use schakel_referral_workflow::views::CaseView;
use schakel_store::testing::{TestDb, selected_backends};

/// How many links of a page lead to a case.
pub(crate) fn case_links(page: &str) -> usize {
    page.matches("<a href=\"/cases/").count()
}

#[actix_web::test]
async fn the_list_shows_own_and_received_cases_and_never_another_agencys() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, shelter, other) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let co = account(&db, shelter, "co@amstel.example", Role::Coordinator);
        let stranger = account(&db, other, "cw@utrecht.example", Role::Caseworker);
        account(&db, home, "an@amsterdam.example", Role::Analyst);
        let referred = open_case(
            &db,
            &st,
            &cw,
            named("Ioana", "Popescu", Some("1990-04-02")),
            "amsterdam",
            "labour",
        );
        let waiting = open_case(
            &db,
            &st,
            &cw,
            named("Ana", "Ionescu", None),
            "amsterdam",
            "sexual",
        );
        let foreign = open_case(
            &db,
            &st,
            &stranger,
            named("Maria", "Vos", None),
            "midden_nederland",
            "criminal",
        );
        let r = refer(&db, &st, &cw, referred.id, shelter);
        act(&db, &st, &co, &r, ReferralAction::Accept);
        refer(&db, &st, &cw, waiting.id, shelter);
        let link = |c: &CaseView| format!("href=\"/cases/{}\"", c.id);

        // The owner: both own cases, named, newest change first; never the foreign one.
        let session = login!(app, "cw@amsterdam.example");
        let (status, page) = get!(app, session, "/cases");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("<a href=\"/cases\">Cases</a>") && page.contains("/signals\">"));
        assert!(page.contains(&link(&referred)) && page.contains(&link(&waiting)));
        assert!(page.contains("Ioana Popescu") && page.contains("Ana Ionescu"));
        assert!(page.contains("own case") && !page.contains(">received<"));
        assert!(page.contains("labour exploitation") && page.contains("female, "));
        assert!(!page.contains(&link(&foreign)) && !page.contains("Vos"));
        assert_eq!(case_links(&page), 2);
        assert!(page.contains("exact match"), "the search is explained");

        // The shelter: only the case it accepted, without the name no consent shares.
        let session = login!(app, "co@amstel.example");
        let (status, page) = get!(app, session, "/cases");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains(&link(&referred)), "{page}");
        assert!(page.contains(">received<") && page.contains("name not shown"));
        assert!(!page.contains("Popescu") && !page.contains("Ioana"));
        assert!(!page.contains(&link(&waiting)), "not before accepting");
        assert!(!page.contains(&link(&foreign)));
        assert_eq!(case_links(&page), 1);

        // The other municipality sees its own case alone.
        let session = login!(app, "cw@utrecht.example");
        let (_, page) = get!(app, session, "/cases");
        assert!(page.contains(&link(&foreign)) && page.contains("Maria Vos"));
        assert_eq!(case_links(&page), 1, "{backend:?}");

        // An analyst gets no case list, and no link to it.
        let session = login!(app, "an@amsterdam.example");
        let (status, page) = get!(app, session, "/cases");
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");
        assert!(!page.contains("Popescu") && case_links(&page) == 0);
        assert!(!page.contains("href=\"/cases\"") && !page.contains("href=\"/signals\""));
        let (status, _) = get!(app, session, "/cases?status=nonsense");
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}

#[actix_web::test]
async fn a_search_by_name_and_birth_date_finds_the_person_and_the_filters_narrow_the_list() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, shelter, _) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let co = account(&db, shelter, "co@amstel.example", Role::Coordinator);
        let ioana = open_case(
            &db,
            &st,
            &cw,
            named("Ioana", "Popescu", Some("1990-04-02")),
            "amsterdam",
            "labour",
        );
        let elena = open_case(
            &db,
            &st,
            &cw,
            named("Elena", "Popescu", Some("1985-01-01")),
            "rotterdam",
            "sexual",
        );
        let eva = open_case(
            &db,
            &st,
            &cw,
            named("Eva", "Bakker", Some("1990-04-02")),
            "amsterdam",
            "labour",
        );
        let r = refer(&db, &st, &cw, ioana.id, shelter);
        act(&db, &st, &co, &r, ReferralAction::Accept);
        with_env(&db, &st, |conn, env| {
            let input = serde_json::from_value(serde_json::json!({"reason": "duplicate"})).unwrap();
            schakel_referral_workflow::cases::close_case(
                conn,
                env,
                &cw,
                eva.id,
                schakel_referral_workflow::IfMatch::Version(eva.version),
                &input,
            )
            .unwrap()
        });
        let session = login!(app, "cw@amsterdam.example");
        let shows = |page: &str, c: &CaseView| page.contains(&format!("href=\"/cases/{}\"", c.id));

        // Name and date of birth: folded, exact, only that person.
        let (status, page) = get!(
            app,
            session,
            "/cases?status=any&family_name=POPESCU&date_of_birth=1990-04-02"
        );
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(shows(&page, &ioana), "{backend:?}: {page}");
        assert!(!shows(&page, &elena) && !shows(&page, &eva));
        assert!(page.contains("value=\"POPESCU\"") && page.contains("value=\"1990-04-02\""));
        let (_, page) = get!(app, session, "/cases?status=any&family_name=popescu");
        assert!(shows(&page, &ioana) && shows(&page, &elena) && !shows(&page, &eva));
        let (_, page) = get!(app, session, "/cases?status=any&date_of_birth=1990-04-02");
        assert!(shows(&page, &ioana) && shows(&page, &eva) && !shows(&page, &elena));
        let (status, page) = get!(app, session, "/cases?status=any&family_name=Popes");
        assert_eq!(status, StatusCode::OK);
        assert_eq!(case_links(&page), 0, "{backend:?}: no partial match");
        assert!(page.contains("No case of your agency matches this search."));

        // Status (open by default), region and form.
        let (_, page) = get!(app, session, "/cases");
        assert!(shows(&page, &ioana) && shows(&page, &elena) && !shows(&page, &eva));
        assert!(page.contains("<option value=\"open\" selected>"));
        let (_, page) = get!(app, session, "/cases?status=closed");
        assert!(shows(&page, &eva) && case_links(&page) == 1, "{backend:?}");
        assert!(page.contains("<td>closed</td>"));
        let (_, page) = get!(app, session, "/cases?status=any");
        assert_eq!(case_links(&page), 3);
        let (_, page) = get!(app, session, "/cases?status=any&region=rotterdam");
        assert!(shows(&page, &elena) && case_links(&page) == 1);
        assert!(page.contains("<option value=\"rotterdam\" selected>"));
        let (_, page) = get!(app, session, "/cases?status=open&form=labour");
        assert!(
            shows(&page, &ioana) && case_links(&page) == 1,
            "{backend:?}"
        );
        let (status, page) = get!(app, session, "/cases?status=closed&region=rotterdam");
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("No cases match these filters."));

        // The receiving agency searches its own cases only.
        let shelter_session = login!(app, "co@amstel.example");
        let (_, page) = get!(app, shelter_session, "/cases?family_name=Popescu");
        assert_eq!(case_links(&page), 0, "{backend:?}");
        let (_, page) = get!(app, shelter_session, "/cases");
        assert!(shows(&page, &ioana));

        // Filters that are not valid: the form again with the message, no list.
        let long = "a".repeat(201);
        for (query, field, message) in [
            ("status=half", "status", "Choose one."),
            ("region=atlantis", "region", "Choose one."),
            ("form=fishing", "form", "Choose one."),
            (
                "date_of_birth=2%20april",
                "date_of_birth",
                "Enter a date as year-month-day.",
            ),
            (
                &format!("family_name={long}"),
                "family_name",
                "A name can have at most 200 characters.",
            ),
        ] {
            let (status, page) = get!(app, session, format!("/cases?{query}"));
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?} {query}"
            );
            assert!(page.contains(&format!("id=\"{field}-error\"")), "{query}");
            assert!(page.contains(message), "{query}");
            assert!(page.contains(&format!("aria-describedby=\"{field}-error\"")));
            assert_eq!(case_links(&page), 0, "{query}");
        }
        let (status, page) = get!(app, session, "/cases?date_of_birth=2%20april");
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("value=\"2 april\""), "kept as typed");
        let (status, page) = get!(app, session, "/cases?after=garbage");
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("This page of the list does not exist"));
    }
}

#[actix_web::test]
async fn paging_reaches_the_second_page_with_the_filters_kept() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let mut labour = Vec::new();
        for n in 0..51 {
            let p = named("Persoon", &format!("Nummer {n}"), None);
            labour.push(open_case(&db, &st, &cw, p, "amsterdam", "labour"));
        }
        let sexual = open_case(
            &db,
            &st,
            &cw,
            named("Zoë", "Anders", None),
            "amsterdam",
            "sexual",
        );
        let session = login!(app, "cw@amsterdam.example");

        let (status, first) = get!(app, session, "/cases?status=open&form=labour");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert_eq!(case_links(&first), 50, "{backend:?}");
        assert!(!first.contains("First page"));
        let next = first
            .split("<a href=\"")
            .filter_map(|s| s.split('"').next())
            .find(|h| h.contains("after="))
            .expect("a link to the next page")
            .replace("&#38;", "&")
            .replace("&amp;", "&");
        assert!(
            next.starts_with("/cases?status=open&region=&form=labour&"),
            "{next}"
        );
        let (status, second) = get!(app, session, next);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert_eq!(case_links(&second), 1, "{backend:?}");
        assert!(second.contains("First page") && !second.contains("rel=\"next\""));
        assert!(second.contains("<option value=\"labour\" selected>"));
        let everything = format!("{first}{second}");
        for c in &labour {
            assert!(everything.contains(&format!("href=\"/cases/{}\"", c.id)));
        }
        assert!(!everything.contains(&format!("href=\"/cases/{}\"", sexual.id)));
        let oldest = &labour[0];
        assert!(
            second.contains(&format!("href=\"/cases/{}\"", oldest.id)),
            "latest change first"
        );
    }
}

#[actix_web::test]
async fn the_signal_list_shows_the_agencys_own_signals_and_the_form_still_opens() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, other) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let stranger = account(&db, other, "cw@utrecht.example", Role::Caseworker);
        account(&db, home, "an@amsterdam.example", Role::Analyst);
        let today = chrono::Utc::now().date_naive().to_string();
        let signal = |who: &Actor, person: Option<serde_json::Value>| {
            let basis = if person.is_some() {
                "consent"
            } else {
                "anonymous"
            };
            let input = serde_json::from_value(serde_json::json!({
                "observed_on": today, "region": "amsterdam", "exploitation_forms": ["labour"],
                "reporting_basis": basis, "person": person
            }))
            .unwrap();
            with_env(&db, &st, |conn, env| {
                schakel_referral_workflow::signals::create_signal(conn, env, who, &input, None)
                    .unwrap()
                    .into_new()
                    .unwrap()
            })
        };
        let anonymous = signal(&cw, None);
        let named_one = signal(&cw, Some(named("Ioana", "Popescu", None)));
        let foreign = signal(&stranger, Some(named("Maria", "Vos", None)));
        let link = |id: schakel_domain::SignalId| format!("href=\"/signals/{id}\"");

        let session = login!(app, "cw@amsterdam.example");
        let (status, page) = get!(app, session, "/signals");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains(&link(anonymous.id)) && page.contains(&link(named_one.id)));
        assert!(page.contains(">anonymous<") && page.contains("Ioana Popescu"));
        assert!(!page.contains(&link(foreign.id)) && !page.contains("Vos"));
        assert!(page.contains("labour exploitation") && page.contains("no case"));
        let (status, page) = get!(app, session, format!("/signals/{}", named_one.id));
        assert_eq!(
            status,
            StatusCode::OK,
            "the list links to the signal's page"
        );
        assert!(page.contains("Signal saved") || page.contains("signal"));
        let (status, page) = get!(app, session, "/signals/new");
        assert_eq!(
            status,
            StatusCode::OK,
            "{backend:?}: the form is still there"
        );
        assert!(page.contains("name=\"once\"") && page.contains("name=\"observed_on\""));
        let (status, page) = get!(app, session, "/signals?after=garbage");
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("This page of the list does not exist"));

        // A page at a time.
        for _ in 0..49 {
            signal(&cw, None);
        }
        let (_, first) = get!(app, session, "/signals");
        // Fifty signals, and the navigation's link to the signal form.
        assert_eq!(
            first.matches("<a href=\"/signals/").count(),
            50 + 1,
            "{backend:?}"
        );
        assert!(
            !first.contains(&link(anonymous.id)),
            "the oldest is on the next page"
        );
        let next = first
            .split("<a href=\"")
            .filter_map(|s| s.split('"').next())
            .find(|h| h.starts_with("/signals?after="))
            .expect("a link to the next page")
            .to_owned();
        let (status, second) = get!(app, session, next);
        assert_eq!(status, StatusCode::OK);
        assert!(second.contains(&link(anonymous.id)) && second.contains("First page"));

        // The other agency sees its own; an analyst no list.
        let session = login!(app, "cw@utrecht.example");
        let (_, page) = get!(app, session, "/signals");
        assert!(page.contains(&link(foreign.id)) && !page.contains(&link(anonymous.id)));
        let session = login!(app, "an@amsterdam.example");
        let (status, page) = get!(app, session, "/signals");
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");
        assert!(!page.contains("Popescu"));
    }
}

#[actix_web::test]
async fn a_case_is_found_by_its_reference_and_shows_it_on_its_page() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, other) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let stranger = account(&db, other, "cw@utrecht.example", Role::Caseworker);
        let first = open_case(
            &db,
            &st,
            &cw,
            named("Ioana", "Popescu", None),
            "amsterdam",
            "labour",
        );
        let second = open_case(
            &db,
            &st,
            &cw,
            named("Ana", "Ionescu", None),
            "amsterdam",
            "sexual",
        );
        let theirs = open_case(
            &db,
            &st,
            &stranger,
            named("Maria", "Vos", None),
            "midden_nederland",
            "criminal",
        );
        assert_eq!(theirs.reference, first.reference, "numbered per agency");
        let session = login!(app, "cw@amsterdam.example");
        let (status, page) = get!(app, session, &format!("/cases/{}", second.id));
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            page.contains(&second.reference),
            "{backend:?}: shown on the case"
        );

        // Typed as read out on the phone, with spaces around it.
        let (status, page) = get!(
            app,
            session,
            &format!("/cases?status=any&reference=+{}+", first.reference)
        );
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert_eq!(case_links(&page), 1, "{backend:?}");
        assert!(page.contains(&format!("href=\"/cases/{}\"", first.id)));
        assert!(!page.contains("Vos"), "never the other agency's case");

        let (status, page) = get!(app, session, "/cases?reference=2026-12");
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("the year, a hyphen and the number"));
        assert_eq!(case_links(&page), 0);
    }
}
