//! The analyst's estimate page over HTTP, on every backend, with capture histories
//! recorded in the monitor as signals of agency kinds (one kind per list): the United
//! Kingdom's 2013 table gives the published estimate (11,418, about 10,000 to 13,000)
//! in English and, with a Dutch preference, in Dutch words and numbers, with its model,
//! the independence model beside it, the overlap table after disclosure control, the
//! chart per year and the assumptions; the form's one field per agency kind asks for the
//! same estimate; the CSV and JSON downloads are attachments; a small table gives a
//! bootstrap interval when asked and, for a model it cannot carry, the reason instead of
//! a number (the overlap table still shown). A first visit shows the form alone and reads
//! nothing (no audit entry); every estimate shown or downloaded is audited with what
//! was asked and the view; bad input shows the form again with the message (422) and
//! reads nothing; anyone but an analyst is answered 404 and the attempt audited.

use crate::case_close_pages::{account, agencies, app, get, login};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{AgencyKind, Role};
use schakel_monitor::testing::{UK_KINDS, record_histories, uk_table};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::Value;

/// The UK table's lists as the API's `lists` spec, percent-encoded for a query.
const UK_LISTS: &str = "la%3Dmunicipality%3Bng%3Dngo%3Bpf%3Dpolice%3Bgo%3Dimmigration%3Bgp%3Dother%3Bnca%3Dprosecution";

/// Records, in June of `year`, one signal per list and person of `rows` (a capture
/// history as a bit per list of `kinds`, and its persons); persons numbered from 1.
fn record(db: &TestDb, kinds: &[AgencyKind], rows: &[(usize, u64)], year: u16) -> u64 {
    let mut conn = db.pool.get().unwrap();
    record_histories(&mut conn, kinds, rows, &format!("{year}-06"))
}

fn record_uk_table(db: &TestDb) -> u64 {
    record(db, &UK_KINDS, &uk_table(), 2013)
}

/// The audit entries of the estimate: (outcome, details), oldest first.
fn audited(db: &TestDb) -> Vec<(String, Value)> {
    let mut conn = db.pool.get().unwrap();
    let filter = schakel_audit::AuditFilter {
        action: Some(schakel_audit::ActionCode::parse("monitor.estimate").unwrap()),
        ..Default::default()
    };
    let page = schakel_audit::PageRequest {
        before_seq: None,
        limit: 500,
    };
    let mut entries: Vec<_> = schakel_audit::query(&mut conn, &filter, page)
        .unwrap()
        .entries
        .into_iter()
        .map(|e| (e.outcome.as_str().to_owned(), e.details))
        .collect();
    entries.reverse();
    entries
}

/// A download for the browser of `session`: its status, type, disposition and body.
macro_rules! download {
    ($app:expr, $session:expr, $uri:expr) => {{
        let res = test::call_service(
            &$app,
            TestRequest::get()
                .uri(&$uri)
                .cookie($session.clone())
                .to_request(),
        )
        .await;
        let (kind, disposition) = (
            header(&res, "content-type"),
            header(&res, "content-disposition"),
        );
        (res.status(), kind, disposition, body(res).await)
    }};
}

/// `x` as the English page writes a whole number.
fn english(x: f64) -> String {
    let digits = format!("{:.0}", x);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[actix_web::test]
async fn an_analyst_sees_the_uk_estimate_with_its_model_intervals_and_assumptions() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        let analyst = account(&db, home, "an@nrm.example", Role::Analyst);
        assert_eq!(record_uk_table(&db), 2744);
        let session = login!(app, "an@nrm.example");

        // From the dashboard (a link near the top) and the navigation.
        let (_, dashboard) = get!(app, session, "/analyst");
        assert!(dashboard.contains(
            "<a class=\"action\" href=\"/analyst/estimate\">Estimate how many persons no agency saw"
        ));
        assert!(dashboard.contains("<li><a href=\"/analyst/estimate\">Estimate</a></li>"));

        // A first visit: the form with the previous year and the default lists, and
        // nothing read.
        let (status, page) = get!(app, session, "/analyst/estimate");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        let last_year = chrono::Datelike::year(&chrono::Utc::now()) - 1;
        assert!(
            page.contains(&format!("name=\"from\" value=\"{last_year}\"")),
            "{page}"
        );
        assert!(page.contains("<h1>Multiple systems estimate</h1>"));
        assert!(page.contains("<select id=\"kind-police\" name=\"kind.police\">"));
        assert!(page.contains("<option value=\"police_inspectorates\" selected>police and inspectorates (police_inspectorates)</option>"));
        assert!(page.contains("<option value=\"\">not counted</option>"));
        assert!(page.contains("<option value=\"age_band:18-22\">18 to 22</option>"));
        assert!(page.contains("Bootstrap interval (1,000 resamples, takes seconds)"));
        assert!(page.contains("What the estimate assumes") && !page.contains("result-title"));
        assert!(audited(&db).is_empty(), "a first visit reads nothing");

        let query = format!("from=2013&to=2013&lists={UK_LISTS}");
        let (_, _, _, json) = download!(app, session, format!("/analyst/estimate.json?{query}"));
        let e: Value = serde_json::from_str(&json).unwrap();
        let model = &e["estimate"]["model"];
        let total = model["total"].as_f64().unwrap();
        assert!((total - 11_418.0).abs() < 11_418.0 * 0.005, "{model}");
        let (lower, upper) = (
            model["profile"]["lower"].as_f64().unwrap(),
            model["profile"]["upper"].as_f64().unwrap(),
        );
        assert!((9_800.0..10_200.0).contains(&lower) && (12_740.0..13_260.0).contains(&upper));

        let (status, page) = get!(app, session, format!("/analyst/estimate?{query}"));
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("<h2 id=\"result-title\">Estimate for 2013, all persons</h2>"));
        assert!(page.contains("<dd id=\"registered\">2,740</dd>"), "{page}");
        assert!(page.contains(&format!(
            "<dd id=\"total\"><strong class=\"figure\">{}</strong></dd>",
            english(total)
        )));
        assert_eq!(english(total), "11,418", "the published estimate");
        let interval = format!("{} to {}", english(lower), english(upper));
        assert!(
            page.contains(&format!("<dd id=\"profile-interval\">{interval}</dd>")),
            "{page}"
        );
        assert!(page.contains("<dd id=\"conditional-interval\">"));
        assert!(
            !page.contains("bootstrap-interval"),
            "no bootstrap unless asked"
        );
        assert!(page.contains(
            "stepwise selection: an interaction is added while its p-value is below 0.02"
        ));
        assert!(page.contains("<li>pf × nca</li>") && page.contains("<li>ng × go</li>"));
        assert!(page.contains("<caption>Steps of the stepwise selection</caption>"));
        assert!(
            page.contains("<th scope=\"row\">Independence model</th><td>none (independence)</td>")
        );
        assert!(page.contains("<th scope=\"col\">AIC</th><th scope=\"col\">BIC</th>"));
        // The overlap table: lists across, ✓ for the lists of each row, small cells
        // suppressed as the dashboard marks them.
        assert!(page.contains("<th scope=\"col\">la</th><th scope=\"col\">ng</th>"));
        assert!(page.contains(
            "<span aria-hidden=\"true\">✓</span><span class=\"visually-hidden\">on this list</span>"
        ));
        assert!(page.contains("<td class=\"num\">905</td>"));
        assert!(page.contains("<td class=\"suppressed\">suppressed<span class=\"visually-hidden\"> (fewer than 10 persons, or protecting another cell)</span></td>"));
        // The chart, drawn into the page with its words, and the table beside it.
        assert!(page.contains(&format!("role=\"img\" aria-label=\"Chart of the estimated persons per year with their 95% intervals, beside the persons registered. 2013: estimated 11,418 ({interval}), 2,740 registered.")), "{page}");
        assert_eq!(page.matches("<svg").count(), 1);
        assert!(
            page.contains("<th scope=\"row\">2013</th><td class=\"num\">2,740</td><td>11,418</td>")
        );
        for words in [
            "The population is closed within the period",
            "the same chance of being on each list",
            "There are no false positives",
            "only through the pairs in the model",
            "Persons seen only by kinds of agency in no list are not counted as seen",
            "it is the one to publish",
            "take the chosen model as given",
        ] {
            assert!(page.contains(words), "{words}");
        }
        let csv_link = format!(
            "/analyst/estimate.csv?from=2013&#38;to=2013&#38;lists={UK_LISTS}&#38;method=stepwise"
        );
        assert!(
            page.contains(&format!("href=\"{csv_link}\" download")),
            "{page}"
        );

        // The downloads: the API's CSV and JSON, as attachments.
        let (status, kind, disposition, csv) =
            download!(app, session, format!("/analyst/estimate.csv?{query}"));
        assert_eq!(status, StatusCode::OK);
        assert_eq!(kind, "text/csv; charset=utf-8");
        assert_eq!(
            disposition,
            "attachment; filename=\"schakel-estimate-2013-2013.csv\""
        );
        assert!(
            csv.starts_with("model,quantity,value,lower,upper\n"),
            "{csv}"
        );
        assert!(
            csv.contains("\n,registered,2740,,\n") && csv.contains("\nchosen,terms,pf:nca + la:ng")
        );
        let (_, kind, disposition, _) =
            download!(app, session, format!("/analyst/estimate.json?{query}"));
        assert_eq!(kind, "application/json");
        assert!(
            disposition.starts_with("attachment; filename=\"schakel-estimate-2013-2013.json\"")
        );
        assert_eq!(e["registered"], 2740);
        assert!(
            e["overlap"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["persons"].is_null())
        );

        // The form's one field per agency kind: the same six lists under the default
        // names give the same estimate.
        let kinds = "kind.municipality=municipalities&kind.ngo=ngos&kind.police=police_inspectorates&kind.immigration=care_coordination&kind.other=other&kind.prosecution=shelters";
        let (status, page) = get!(
            app,
            session,
            format!("/analyst/estimate?from=2013&to=2013&{kinds}&method=stepwise&model=&stratum=")
        );
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("<strong class=\"figure\">11,418</strong>"),
            "{page}"
        );
        assert!(page.contains("<option value=\"care_coordination\" selected>"));

        // Each estimate audited with what was asked and how it was shown.
        let entries = audited(&db);
        let views: Vec<&str> = entries
            .iter()
            .map(|(_, d)| d["view"].as_str().unwrap())
            .collect();
        assert_eq!(
            views,
            ["json", "page", "csv", "json", "page"],
            "{backend:?}"
        );
        let (outcome, first) = &entries[1];
        assert_eq!(outcome, "success");
        assert_eq!(
            first["lists"],
            "la=municipality;ng=ngo;pf=police;go=immigration;gp=other;nca=prosecution"
        );
        assert_eq!(
            (first["from"].clone(), first["to"].clone()),
            (Value::from(2013), Value::from(2013))
        );
        assert_eq!(first["method"], "stepwise");
        assert_eq!(first["threshold"], 0.02);
        assert!(first["stratum"].is_null() && first["bootstrap"].is_null());
        assert!(
            entries[4].1["lists"]
                .as_str()
                .unwrap()
                .starts_with("police_inspectorates=police;care_coordination=immigration")
        );

        // In Dutch: Dutch words, Dutch numbers.
        {
            let mut conn = db.pool.get().unwrap();
            schakel_store::users::set_locale(&mut conn, analyst.user_id, "nl", chrono::Utc::now())
                .unwrap();
        }
        let (_, page) = get!(app, session, format!("/analyst/estimate?{query}"));
        assert!(
            page.contains("<html lang=\"nl\">")
                && page.contains("<h1>Schatting uit meerdere registraties</h1>")
        );
        assert!(
            page.contains("<strong class=\"figure\">11.418</strong>"),
            "{page}"
        );
        assert!(page.contains("<dd id=\"registered\">2.740</dd>"));
        assert!(page.contains(&format!(
            "<dd id=\"profile-interval\">{} tot {}</dd>",
            english(lower).replace(',', "."),
            english(upper).replace(',', ".")
        )));
        assert!(page.contains("zolang haar p-waarde onder 0,02 ligt"));
        assert!(
            page.contains("Wat de schatting aanneemt")
                && page.contains("De populatie is gesloten binnen de periode")
        );
        assert!(page.contains("<td class=\"suppressed\">onderdrukt"));
        assert!(!page.contains("What the estimate assumes") && !page.contains(">estimate."));
    }
}

#[actix_web::test]
async fn a_bootstrap_interval_when_asked_and_the_reason_when_no_estimate_can_be_made() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        account(&db, home, "an@nrm.example", Role::Analyst);
        // Three lists: municipality, NGO, police; five persons on all three.
        let kinds = [
            AgencyKind::Municipality,
            AgencyKind::Ngo,
            AgencyKind::Police,
        ];
        let rows = [(1, 30), (2, 25), (4, 20), (3, 12), (5, 10), (6, 8), (7, 5)];
        assert_eq!(record(&db, &kinds, &rows, 2024), 110);
        let session = login!(app, "an@nrm.example");

        let three = "lists=la%3Dmunicipality%3Bng%3Dngo%3Bpf%3Dpolice";
        let (status, page) = get!(
            app,
            session,
            format!("/analyst/estimate?from=2024&to=2024&{three}&bootstrap=200")
        );
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("<dt>95% bootstrap interval (BCa; it accounts for the choice of model)</dt><dd id=\"bootstrap-interval\">"), "{page}");
        assert!(page.contains("200 resamples; 0 could not be estimated."));
        assert!(page.contains(
            "<input type=\"checkbox\" id=\"bootstrap\" name=\"bootstrap\" value=\"1000\" checked>"
        ));

        // Two lists cannot carry their interaction: the reason, in an alert, and the
        // overlap table all the same (the persons seen by the police alone not counted).
        let two = "lists=la%3Dmunicipality%3Bng%3Dngo";
        let (status, page) = get!(
            app,
            session,
            format!("/analyst/estimate?from=2024&to=2024&{two}&method=fixed&model=la%3Ang")
        );
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("<div class=\"refused\" role=\"alert\">\n    <h3>No estimate</h3>\n    <p>The model la × ng is not identifiable on this table"), "{page}");
        assert!(!page.contains("id=\"total\""));
        assert!(page.contains(
            "<caption>Persons by combination of lists, after disclosure control</caption>"
        ));
        assert!(
            page.contains("<td class=\"num\">40</td>"),
            "la only: 30, and 10 with the police"
        );
        assert!(
            page.contains("<td class=\"num\">30</td>"),
            "ng only: 25 and 8, rounded down"
        );
        assert!(page.contains("<th scope=\"row\">2024</th><td class=\"num\">90</td><td>The model la × ng is not identifiable"));

        // A year with nobody in it.
        let (_, page) = get!(
            app,
            session,
            format!("/analyst/estimate?from=2020&to=2020&{three}")
        );
        assert!(
            page.contains("There are no persons on any list in this period."),
            "{page}"
        );
        assert!(page.contains("No persons on any list in this period."));
        assert_eq!(
            audited(&db).len(),
            3,
            "{backend:?}: each estimate audited, refused or not"
        );
    }
}

#[actix_web::test]
async fn bad_input_shows_the_form_again_with_the_message_and_reads_nothing() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        account(&db, home, "an@nrm.example", Role::Analyst);
        let session = login!(app, "an@nrm.example");
        for (query, message) in [
            (
                "from=2014&to=2013",
                "The last year cannot be before the first.",
            ),
            (
                "from=1990&to=2013",
                "The last year can be at most twenty years after the first.",
            ),
            (
                "from=twee",
                "Give a year from 1900 to 2999, for example 2025.",
            ),
            (
                "kind.police=a&kind.ngo=b&kind.police=b",
                "A kind of agency can be in one list only.",
            ),
            (
                "lists=a%3Dpolice%3Bb%3Dpolice%2Bngo",
                "A kind of agency can be in one list only.",
            ),
            (
                "kind.police=a&kind.ngo=a",
                "Put the kinds of agency in at least two lists.",
            ),
            ("stratum=shoe_size%3A42", "Choose a stratum from the list."),
            (
                "method=fixed&model=ngos%3Anowhere",
                "Give the interactions as pairs of the lists&#39; names, as a:b+c:d.",
            ),
            (
                "bootstrap=5000",
                "The bootstrap takes 0 to 2,000 resamples.",
            ),
        ] {
            let (status, page) = get!(app, session, format!("/analyst/estimate?{query}"));
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?}: {query}"
            );
            assert!(
                page.contains("<div class=\"error-summary\" role=\"alert\""),
                "{query}"
            );
            assert!(page.contains(message), "{query}: {page}");
            assert!(!page.contains("result-title"), "{query}");
            let (status, _, _, _) =
                download!(app, session, format!("/analyst/estimate.csv?{query}"));
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        }
        // What was given is shown again, the field at fault marked.
        let (_, page) = get!(
            app,
            session,
            "/analyst/estimate?from=2014&to=2013&method=fixed&model=x"
        );
        assert!(
            page.contains("name=\"from\" value=\"2014\"")
                && page.contains("name=\"to\" value=\"2013\"")
        );
        assert!(
            page.contains("aria-describedby=\"years-hint to_year-error\" aria-invalid=\"true\"")
        );
        assert!(page.contains("<option value=\"fixed\" selected>"));
        assert!(audited(&db).is_empty(), "{backend:?}: nothing was read");
    }
}

#[actix_web::test]
async fn anyone_but_an_analyst_gets_404_and_the_attempt_is_audited() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        for (email, role) in [
            ("co@x.example", Role::Coordinator),
            ("cw@x.example", Role::Caseworker),
            ("au@x.example", Role::Auditor),
        ] {
            account(&db, home, email, role);
            let session = login!(app, email);
            let (_, start) = get!(app, session, "/");
            assert!(!start.contains("/analyst/estimate"), "{role:?}: no link");
            for uri in [
                "/analyst/estimate",
                "/analyst/estimate?from=2013&to=2013",
                "/analyst/estimate.csv?from=2013&to=2013",
                "/analyst/estimate.json",
            ] {
                let (status, page) = get!(app, session, uri);
                assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}: {role:?} {uri}");
                assert!(!page.contains("Multiple systems estimate"));
            }
        }
        let entries = audited(&db);
        assert_eq!(entries.len(), 12, "{backend:?}: every attempt audited");
        assert!(entries.iter().all(|(outcome, _)| outcome == "denied"));
        // Not signed in: to the login page.
        let res = test::call_service(
            &app,
            TestRequest::get().uri("/analyst/estimate").to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(header(&res, "location"), "/login");
    }
}
