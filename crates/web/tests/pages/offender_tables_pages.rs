//! The analyst's offender tables page over HTTP, on every backend, with offender events
//! recorded in the monitor as the law-enforcement compartment sends them (twelve
//! suspects of sexual exploitation taken from registration to judgment in 2025, three
//! of labour exploitation only registered, victims of 2025 linked to the first twelve)
//! and the monitor's default disclosure control (threshold 10, rounding to 5): the page
//! is linked from the dashboard and the menu, shows each table's counted cells as the
//! monitor makes them, a suppressed cell as suppressed (never as its count), a chart per
//! table with its words and how to read it, in English and in Dutch; each CSV is the
//! table's own CSV; every reading is audited with its table, years and view; years that
//! cannot be read give the form again with the message at the field (422) and read
//! nothing; anyone but an analyst is answered 404 and the attempt audited.

mod fixtures;

use crate::case_close_pages::{account, agencies, app, get, login};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use fixtures::{
    SUPPRESSED_PRIMARY, YEARS, audited, compact, download, monitor_table, published, record_2025,
    row,
};
use schakel_domain::Role;
use schakel_monitor::offenders::OffenderTable;
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::Value;

#[actix_web::test]
async fn an_analyst_reads_the_four_tables_with_their_charts_and_definitions() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        let analyst = account(&db, home, "an@nrm.example", Role::Analyst);
        record_2025(&db);
        let session = login!(app, "an@nrm.example");

        // From the dashboard (a link near the top) and the menu.
        let (_, dashboard) = get!(app, session, "/analyst");
        assert!(dashboard.contains(
            "<a class=\"action\" href=\"/analyst/offenders\">Offender tables: suspects from registration to judgment</a>"
        ));
        assert!(dashboard.contains("<li><a href=\"/analyst/offenders\">Offender tables</a></li>"));

        let (_, help) = get!(app, session, "/help");
        assert!(help.contains("href=\"/analyst/offenders\">Open the offender tables</a>"));

        let (status, page) = get!(app, session, format!("/analyst/offenders?{YEARS}"));
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("<h1>Offender tables</h1>"));
        assert!(
            page.contains("name=\"from\" value=\"2024\"")
                && page.contains("name=\"to\" value=\"2025\"")
        );
        for (id, title) in [
            ("funnel", "From registration to judgment"),
            ("durations", "Time to the decision and to the judgment"),
            ("sentences", "Sentences"),
            ("victims", "Victims linked to suspects"),
        ] {
            assert!(page.contains(&format!("<a href=\"#{id}\">{title}</a>")));
            assert!(page.contains(&format!("<h2 id=\"{id}-title\">{title}</h2>")));
            let csv =
                format!("href=\"/analyst/offenders/{id}.csv?from=2024&#38;to=2025\" download");
            assert!(page.contains(&csv), "{id}: {page}");
        }
        assert_eq!(page.matches("<svg").count(), 4, "a chart per table");
        assert!(
            !page.contains("style="),
            "the charts pass the page's policy"
        );
        assert_eq!(page.matches("<table class=\"counts\">").count(), 4);
        assert!(page.contains(
            "<caption>Distinct suspects per stage (columns), by year and form of exploitation (rows)</caption>"
        ));
        assert!(page.contains("<p class=\"legend\" id=\"legend\">In the tables, &#60;10 marks"));

        // The counted cells as the monitor publishes them: 15 registered in 2025, twelve
        // of them for sexual exploitation (held back, or the three of labour would show),
        // 12 handed over and 12, 11, 11, 10 at the next stages, rounded down to fives.
        let funnel = monitor_table(&db, OffenderTable::Funnel);
        assert_eq!(published(&funnel, &["2025", "all"], "registered"), Some(15));
        assert_eq!(published(&funnel, &["2025", "labour"], "registered"), None);
        let flat = compact(&page);
        let stages = ["15", "10", "10", "10", "10", "10", "0"];
        assert!(
            flat.contains(&row(&["2025", "All forms"], &stages)),
            "{flat}"
        );
        assert!(flat.contains(&row(&["All years", "All forms"], &stages)));
        let sexual = ["×", "10", "10", "10", "10", "10", "0"];
        assert!(flat.contains(&row(&["2025", "sexual exploitation"], &sexual)));
        let labour = ["<10", "0", "0", "0", "0", "0", "0"];
        assert!(flat.contains(&row(&["2025", "labour exploitation"], &labour)));
        assert!(flat.contains(&row(&["2024", "All forms"], &["0"; 7])));
        assert!(
            !flat.contains("<th scope=\"row\">2024</th><th scope=\"row\">sexual"),
            "a form with nothing to show is left out"
        );
        // The medians in days, the English way; none for a year without suspects.
        assert!(flat.contains(&row(&["2025", "All forms"], &["1,206", "1,406"])));
        assert!(flat.contains(&row(&["2024", "All forms"], &["none", "none"])));
        // Ten convicted, three of them with a fine beside the prison term: too few.
        assert!(flat.contains(&row(&["fine"], &["0", "<10", "<10"])));
        assert!(flat.contains(&row(&["prison, 2 to 4 years"], &["0", "×", "×"])));
        assert!(flat.contains(&row(&["All convicted"], &["0", "10", "10"])));
        // Seventeen victims in 2025, twelve linked, eleven to a summoned suspect, ten to
        // a convicted one.
        assert!(flat.contains(&row(&["2025"], &["15", "10", "10", "10"])));
        assert!(flat.contains(&row(&["All years"], &["15", "10", "10", "10"])));

        // Each chart with its words: every bar's value, a suppressed one as such.
        for words in [
            "aria-label=\"Bar chart of the distinct suspects at each stage, 2024 to 2025, all forms together: Registered: 15; Handed to the prosecution: 10;",
            "2025, to the decision: 1,206; 2025, to the judgment: 1,406.",
            "prison, 2 to 4 years: suppressed;",
            "fine: suppressed;",
            "Identified: 15; Linked to a suspect: 10; Suspect summoned: 10; Suspect convicted of trafficking: 10. The table beside it gives every value.",
        ] {
            assert!(page.contains(words), "{words}");
        }
        // How to read each table.
        for words in [
            "<dt>Threshold</dt><dd>cells of fewer than 10 distinct persons are suppressed</dd>",
            "<dd>published counts are rounded down to a multiple of 5</dd>",
            "<dd>the years 2024 to 2025 inclusive; each step counts in the year in which it happened</dd>",
            "A median is shown only where at least 10 distinct suspects stand behind it",
            "A suspect whose sentence has several parts counts under each of them",
            "All years counts each victim of the whole period once.",
            "<dt>Version of the definitions</dt><dd>2026.1</dd>",
        ] {
            assert!(page.contains(words), "{words}");
        }
        assert!(!page.contains(">offenders_tables.") && !page.contains(">analyst."));

        // In Dutch: Dutch words and numbers.
        {
            let mut conn = db.pool.get().unwrap();
            schakel_store::users::set_locale(&mut conn, analyst.user_id, "nl", chrono::Utc::now())
                .unwrap();
        }
        let (status, page) = get!(app, session, format!("/analyst/offenders?{YEARS}"));
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("<html lang=\"nl\">") && page.contains("<h1>Dadertabellen</h1>"));
        assert!(page.contains("<li><a href=\"/analyst/offenders\">Dadertabellen</a></li>"));
        let flat = compact(&page);
        assert!(
            flat.contains(&row(&["2025", "Alle vormen"], &["1.206", "1.406"])),
            "{flat}"
        );
        // The fine's suppressed cells, in Dutch words.
        let dutch = SUPPRESSED_PRIMARY.replace(
            "suppressed (fewer than 10 persons)",
            "onderdrukt (minder dan 10 personen)",
        );
        let fine = format!(
            "<tr><th scope=\"row\">geldboete</th><td class=\"num\">0</td>{dutch}{dutch}</tr>"
        );
        assert!(flat.contains(&fine), "{flat}");
        assert!(page.contains("Geregistreerd: 15; Overgedragen aan het OM: 10;"));
        assert!(page.contains("2025, tot de beslissing: 1.206;"));
        assert!(!page.contains("Offender tables") && !page.contains(">offenders_tables."));
    }
}

#[actix_web::test]
async fn each_csv_is_the_tables_own_and_every_reading_is_audited() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        account(&db, home, "an@nrm.example", Role::Analyst);
        record_2025(&db);
        let session = login!(app, "an@nrm.example");

        let (status, _) = get!(app, session, format!("/analyst/offenders?{YEARS}"));
        assert_eq!(status, StatusCode::OK);
        for kind in OffenderTable::ALL {
            let name = kind.as_str();
            let uri = format!("/analyst/offenders/{name}.csv?{YEARS}");
            let (status, content, disposition, csv) = download!(app, session, uri);
            assert_eq!(status, StatusCode::OK, "{backend:?}: {name}");
            assert_eq!(content, "text/csv; charset=utf-8");
            assert_eq!(
                disposition,
                format!("attachment; filename=\"schakel-offenders-{name}-2024-2025.csv\"")
            );
            assert_eq!(csv, monitor_table(&db, kind).to_csv().unwrap(), "{name}");
        }
        let (_, _, _, funnel) = download!(
            app,
            session,
            format!("/analyst/offenders/funnel.csv?{YEARS}")
        );
        assert!(
            funnel.contains("\n2025,labour,registered,,primary\n"),
            "{funnel}"
        );
        assert!(funnel.contains("\n2025,all,registered,15,\n"));

        // One entry per table read, with the API's fields and the view.
        let entries = audited(&db);
        assert_eq!(entries.len(), 9, "{backend:?}");
        assert!(entries.iter().all(|(outcome, _)| outcome == "success"));
        let mut asked: Vec<(String, String)> = entries
            .iter()
            .map(|(_, d)| {
                (
                    d["table"].as_str().unwrap().to_owned(),
                    d["view"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let mut want: Vec<(String, String)> = ["page", "csv"]
            .iter()
            .flat_map(|view| {
                OffenderTable::ALL
                    .iter()
                    .map(|k| (k.as_str().to_owned(), (*view).to_owned()))
            })
            .chain([("funnel".to_owned(), "csv".to_owned())])
            .collect();
        // Entries not yet sealed into the chain come in no set order.
        asked.sort();
        want.sort();
        assert_eq!(asked, want);
        let page_funnel =
            serde_json::json!({ "table": "funnel", "from": 2024, "to": 2025, "view": "page" });
        assert!(
            entries.iter().any(|(_, d)| *d == page_funnel),
            "{entries:?}"
        );

        // Without years: the current year and the four before, and so audited.
        let (status, page) = get!(app, session, "/analyst/offenders");
        assert_eq!(status, StatusCode::OK);
        let now = chrono::Datelike::year(&chrono::Utc::now());
        assert!(page.contains(&format!("name=\"from\" value=\"{}\"", now - 4)));
        assert!(page.contains(&format!("name=\"to\" value=\"{now}\"")));
        let defaults: Vec<_> = audited(&db)
            .into_iter()
            .filter(|(_, d)| d["from"] != 2024)
            .map(|(_, d)| (d["from"].as_i64(), d["to"].as_i64(), d["view"].clone()))
            .collect();
        let want = (
            Some(i64::from(now - 4)),
            Some(i64::from(now)),
            Value::from("page"),
        );
        assert_eq!(defaults, vec![want; 4]);

        // An unknown table: 404, nothing read.
        let (status, _, _, _) = download!(
            app,
            session,
            format!("/analyst/offenders/suspects.csv?{YEARS}")
        );
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(audited(&db).len(), 13, "{backend:?}");
    }
}

#[actix_web::test]
async fn years_that_cannot_be_read_give_the_form_again_with_the_message_at_the_field() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        account(&db, home, "an@nrm.example", Role::Analyst);
        let session = login!(app, "an@nrm.example");
        for (query, field, message) in [
            (
                "from=2025&to=2024",
                "to_year",
                "The last year cannot be before the first.",
            ),
            (
                "from=2000&to=2020",
                "to_year",
                "At most 20 years: the last year can be at most 19 years after the first.",
            ),
            (
                "from=twee&to=2025",
                "from_year",
                "Give a year from 1900 to 2999, for example 2025.",
            ),
            (
                "from=2025",
                "to_year",
                "Give a year from 1900 to 2999, for example 2025.",
            ),
            (
                "from=1066&to=2025",
                "from_year",
                "Give a year from 1900 to 2999, for example 2025.",
            ),
            (
                "from=2025&to=-1",
                "to_year",
                "Give a year from 1900 to 2999, for example 2025.",
            ),
        ] {
            let (status, page) = get!(app, session, format!("/analyst/offenders?{query}"));
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?}: {query}"
            );
            assert!(
                page.contains("<div class=\"error-summary\" role=\"alert\""),
                "{query}"
            );
            assert!(
                page.contains(&format!(
                    "<p class=\"field-error\" id=\"{field}-error\">{message}</p>"
                )),
                "{query}: {page}"
            );
            assert!(
                page.contains(&format!("{field}-error\" aria-invalid=\"true\">")),
                "{query}: the field is marked"
            );
            assert!(!page.contains("<section class=\"panel\""), "{query}");
            let (status, _, _, _) = download!(
                app,
                session,
                format!("/analyst/offenders/victims.csv?{query}")
            );
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        }
        // What was typed is shown again.
        let (_, page) = get!(app, session, "/analyst/offenders?from=twee&to=2025");
        assert!(
            page.contains("name=\"from\" value=\"twee\"")
                && page.contains("name=\"to\" value=\"2025\"")
        );
        assert!(audited(&db).is_empty(), "{backend:?}: nothing was read");

        // Twenty years is the most.
        let (status, _) = get!(app, session, "/analyst/offenders?from=2000&to=2019");
        assert_eq!(status, StatusCode::OK);
        assert_eq!(audited(&db).len(), 4);
    }
}

#[actix_web::test]
async fn anyone_but_an_analyst_gets_404_and_the_attempt_is_audited() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        record_2025(&db);
        for (email, role) in [
            ("co@x.example", Role::Coordinator),
            ("cw@x.example", Role::Caseworker),
            ("au@x.example", Role::Auditor),
        ] {
            account(&db, home, email, role);
            let session = login!(app, email);
            let (_, start) = get!(app, session, "/");
            assert!(!start.contains("/analyst/offenders"), "{role:?}: no link");
            for uri in [
                "/analyst/offenders",
                "/analyst/offenders?from=2024&to=2025",
                "/analyst/offenders/funnel.csv?from=2024&to=2025",
                "/analyst/offenders?from=2025&to=2024",
            ] {
                let (status, page) = get!(app, session, uri);
                assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}: {role:?} {uri}");
                assert!(!page.contains("Offender tables") && !page.contains("registered,"));
            }
        }
        let entries = audited(&db);
        assert_eq!(entries.len(), 12, "{backend:?}: every attempt audited");
        assert!(entries.iter().all(|(outcome, _)| outcome == "denied"));
        // Not signed in: to the login page.
        let res = test::call_service(
            &app,
            TestRequest::get().uri("/analyst/offenders").to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(header(&res, "location"), "/login");
    }
}
