//! The analyst's dashboard and the auditor's pages over HTTP, on every backend, served
//! beside the API exactly as `schakel serve` composes them: the analyst sees four panels
//! with their definitions and a suppressed cell in words; each CSV link gives the API's
//! CSV; the charts are SVG images for the analyst only; every other role is answered
//! 404 on every analyst and auditor route; the auditor reads and filters the trail and
//! verifies the chain, and a verification without the form's token is refused.

use crate::support::{PASSWORD, body, csrf_of, get, header, peer, service};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{AgencyKind, Region, Role};
use schakel_monitor::{Event, record};
use schakel_store::agencies::{self, NewAgency};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users::{self, NewUser};
use secrecy::SecretString;
use serde_json::json;

const PERIOD: &str = "from=2025-01&to=2025-12";

fn person(db: &TestDb, kind: AgencyKind, email: &str, role: Role) -> String {
    let mut conn = db.pool.get().unwrap();
    let agency = agencies::insert(
        &mut conn,
        &NewAgency {
            name: &format!("Organisatie {email}"),
            kind,
            region: Region::Amsterdam,
            contact_email: "balie@org.example",
        },
        chrono::Utc::now(),
    )
    .unwrap();
    let hash = schakel_auth::password::hash(&SecretString::from(PASSWORD)).unwrap();
    users::insert(
        &mut conn,
        &NewUser {
            agency_id: agency.id,
            email,
            display_name: "Noor Jansen",
            role,
            locale: "en",
            password_hash: Some(&hash),
        },
        chrono::Utc::now(),
    )
    .unwrap()
    .id
    .to_string()
}

/// Monitor events of 2025: twelve persons with labour exploitation (women, 18-22), each
/// referred from a municipality to a shelter and eleven accepted; three persons with
/// sexual exploitation (men, 30-39), too few to show.
fn seed_monitor(db: &TestDb) {
    let mut conn = db.pool.get().unwrap();
    let mut n = 0;
    let mut put =
        |kind: &str, p: usize, form: &str, age: &str, gender: &str, hours: Option<i64>| {
            n += 1;
            let receiver = kind.starts_with("referral");
            let event = Event::from_payload(&json!({
                "kind": kind,
                "month": "2025-03",
                "sender_kind": "municipality",
                "sender_region": "amsterdam",
                "receiver_kind": receiver.then_some("shelter_categorical"),
                "receiver_region": receiver.then_some("amsterdam"),
                "exploitation_forms": [form],
                "age_band": age,
                "gender": gender,
                "nationality_group": "non_eu",
                "reporting_basis": null,
                "hours_to_answer": hours,
                // Three of the labour persons are unlinkable records.
                "pseudonym": format!("{}{p:032x}{p:032x}", if p < 3 { "u:" } else { "" }),
            }))
            .unwrap();
            assert!(record(&mut conn, &format!("event-{n}"), &event).unwrap());
        };
    for p in 0..12 {
        put("case_opened", p, "labour", "18-22", "female", None);
        put("referral_sent", p, "labour", "18-22", "female", None);
        if p < 11 {
            let hours = i64::try_from(p).unwrap() + 2;
            put(
                "referral_accepted",
                p,
                "labour",
                "18-22",
                "female",
                Some(hours),
            );
        }
    }
    for p in 100..103 {
        put("case_opened", p, "sexual", "30-39", "male", None);
    }
}

/// Logs in through the form; the session cookie.
macro_rules! login {
    ($app:expr, $email:expr) => {{
        let res = test::call_service(
            &$app,
            TestRequest::get()
                .uri("/login")
                .peer_addr(peer())
                .to_request(),
        )
        .await;
        let login = res
            .response()
            .cookies()
            .find(|c| c.name() == "__Host-schakel_login")
            .unwrap()
            .value()
            .to_owned();
        let page = body(res).await;
        let res = test::call_service(
            &$app,
            TestRequest::post()
                .uri("/login")
                .peer_addr(peer())
                .cookie(Cookie::new("__Host-schakel_login", login))
                .set_form([
                    ("csrf", csrf_of(&page).as_str()),
                    ("email", $email),
                    ("password", PASSWORD),
                ])
                .to_request(),
        )
        .await;
        assert_eq!(header(&res, "location"), "/", "login of {}", $email);
        let session = res
            .response()
            .cookies()
            .find(|c| c.name() == "__Host-schakel_session")
            .unwrap()
            .value()
            .to_owned();
        Cookie::new("__Host-schakel_session", session)
    }};
}

fn audit_count(db: &TestDb, action: &str) -> usize {
    let mut conn = db.pool.get().unwrap();
    let filter = schakel_audit::AuditFilter {
        action: Some(schakel_audit::ActionCode::parse(action).unwrap()),
        ..Default::default()
    };
    let page = schakel_audit::PageRequest {
        before_seq: None,
        limit: 500,
    };
    schakel_audit::query(&mut conn, &filter, page)
        .unwrap()
        .entries
        .len()
}

#[actix_web::test]
async fn the_analyst_sees_four_panels_with_definitions_and_suppressed_cells_in_words() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service!(&db);
        person(&db, AgencyKind::Rapporteur, "an@nrm.example", Role::Analyst);
        seed_monitor(&db);
        let session = login!(app, "an@nrm.example");

        let home = body(test::call_service(&app, get("/", &session).to_request()).await).await;
        assert!(home.contains("href=\"/analyst\""), "{home}");

        let before = audit_count(&db, "monitor.counts");
        let res = test::call_service(
            &app,
            get(&format!("/analyst?{PERIOD}"), &session).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        let csp = header(&res, "content-security-policy");
        assert!(
            csp.contains("img-src 'self'") && !csp.contains("script"),
            "{csp}"
        );
        let page = body(res).await;
        for title in [
            "<h2 id=\"persons-by-quarter-title\">Persons per quarter by form of exploitation</h2>",
            "<h2 id=\"flows-title\">Referrals between kinds of agency</h2>",
            "<h2 id=\"persons-by-age-and-gender-title\">Persons by age band and by gender</h2>",
            "<h2 id=\"answer-times-title\">Time to answer a referral</h2>",
        ] {
            assert!(page.contains(title), "{backend:?}: {title}");
        }
        assert_eq!(page.matches("<h3>How to read this</h3>").count(), 4);
        assert_eq!(page.matches("Version of the definitions").count(), 4);
        assert!(page.contains(schakel_monitor::table::DEFINITIONS_VERSION));
        assert!(page.contains("cells of fewer than 10 distinct persons are suppressed"));
        assert!(page.contains("rounded down to a multiple of 5"));
        // Beside both tables of persons: three of the fifteen persons are unlinkable.
        assert_eq!(
            page.matches("20% of the persons in this period are unlinkable records")
                .count(),
            2,
            "{page}"
        );
        assert_eq!(page.matches("<dt>Unlinkable persons</dt>").count(), 2);
        assert_eq!(page.matches("<caption>").count(), 5);
        assert!(page.contains("<th scope=\"row\">labour exploitation</th>"));
        // Twelve persons rounded down to ten; three are too few and say so in words.
        assert!(page.contains("<td class=\"num\">10</td>"), "{page}");
        assert!(
            page.contains("<td class=\"suppressed\"><span aria-hidden=\"true\">&#60;10</span><span class=\"visually-hidden\">suppressed (fewer than 10 persons)</span></td>"),
            "{page}"
        );
        // Referrals from municipality to shelter: sent, accepted, and a median.
        assert!(page.contains(
            "<th scope=\"row\">municipality</th><th scope=\"row\">categorical shelter</th>"
        ));
        assert!(page.contains(&format!(
            "href=\"/analyst/charts/persons-by-quarter.svg?{}\"",
            PERIOD.replace('&', "&#38;")
        )));
        assert!(
            page.contains("role=\"img\" aria-label=\"Heat map of distinct persons per quarter"),
            "the chart is drawn into the page with its text alternative"
        );
        assert_eq!(page.matches("<svg").count(), 5, "five charts drawn inline");
        assert!(!page.contains("<img"), "no chart is fetched separately");
        assert!(page.contains("Highest: municipality, categorical shelter, 10."));
        assert!(page.contains("Suppressed and not drawn: 2."));
        assert!(page.contains("<td class=\"suppressed\"><span aria-hidden=\"true\">×</span><span class=\"visually-hidden\">suppressed (protects another cell)</span></td>"));
        assert_eq!(
            page.matches("neither is ever shown as a number").count(),
            1,
            "one legend for the whole page"
        );
        assert!(
            page.contains("<td class=\"num\">7</td>"),
            "the median hours to answer"
        );
        assert!(page.contains(&format!(
            "href=\"/analyst/flows.csv?{}\"",
            PERIOD.replace('&', "&#38;")
        )));
        assert!(page.contains("<label for=\"from\">") && page.contains("<label for=\"to\">"));
        // One page view, one audit entry, naming the four tables it shows.
        assert_eq!(audit_count(&db, "monitor.counts"), before, "{backend:?}");
        assert_eq!(audit_count(&db, "monitor.dashboard"), 1, "{backend:?}");

        let res = test::call_service(
            &app,
            get("/analyst?from=2025-12&to=2025-01", &session).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("role=\"alert\""));
        let res = test::call_service(&app, get("/analyst", &session).to_request()).await;
        assert_eq!(res.status(), StatusCode::OK, "the default period");
    }
}

#[actix_web::test]
async fn each_csv_link_gives_the_apis_csv_and_charts_are_svg_images() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service!(&db);
        person(&db, AgencyKind::Rapporteur, "an@nrm.example", Role::Analyst);
        seed_monitor(&db);
        let session = login!(app, "an@nrm.example");
        let res = test::call_service(
            &app,
            TestRequest::post()
                .uri("/api/v1/auth/login")
                .peer_addr(peer())
                .set_json(json!({ "email": "an@nrm.example", "password": PASSWORD }))
                .to_request(),
        )
        .await;
        let token: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        let token = token["access_token"].as_str().unwrap().to_owned();
        for (page, api) in [
            (
                "persons-by-quarter",
                "counts?measure=persons&by=period,exploitation_form",
            ),
            ("persons-by-age-band", "counts?measure=persons&by=age_band"),
            ("persons-by-gender", "counts?measure=persons&by=gender"),
            ("flows", "flows?"),
        ] {
            let res = test::call_service(
                &app,
                get(&format!("/analyst/{page}.csv?{PERIOD}"), &session).to_request(),
            )
            .await;
            assert_eq!(res.status(), StatusCode::OK, "{backend:?}: {page}");
            assert_eq!(header(&res, "content-type"), "text/csv; charset=utf-8");
            assert!(header(&res, "content-disposition").starts_with("attachment"));
            let ours = body(res).await;
            let sep = if api.ends_with('?') { "" } else { "&" };
            let theirs = test::call_service(
                &app,
                TestRequest::get()
                    .uri(&format!("/api/v1/monitor/{api}{sep}{PERIOD}&format=csv"))
                    .peer_addr(peer())
                    .insert_header(("authorization", format!("Bearer {token}")))
                    .to_request(),
            )
            .await;
            assert_eq!(theirs.status(), StatusCode::OK, "{api}");
            assert_eq!(ours, body(theirs).await, "{backend:?}: {page}");
            assert!(ours.contains("# threshold: 10"));
        }
        let csv = body(
            test::call_service(
                &app,
                get(
                    &format!("/analyst/persons-by-gender.csv?{PERIOD}"),
                    &session,
                )
                .to_request(),
            )
            .await,
        )
        .await;
        assert!(csv.contains("male,persons,,primary"), "{csv}");

        for chart in [
            "persons-by-quarter",
            "flows",
            "persons-by-age-band",
            "persons-by-gender",
            "answer-times",
        ] {
            let res = test::call_service(
                &app,
                get(&format!("/analyst/charts/{chart}.svg?{PERIOD}"), &session).to_request(),
            )
            .await;
            assert_eq!(res.status(), StatusCode::OK, "{backend:?}: {chart}");
            assert_eq!(header(&res, "content-type"), "image/svg+xml; charset=utf-8");
            let svg = body(res).await;
            assert!(
                svg.starts_with("<svg") && !svg.contains("style=") && !svg.contains("<script"),
                "{chart}"
            );
        }
        let svg = body(
            test::call_service(
                &app,
                get(
                    &format!("/analyst/charts/persons-by-gender.svg?{PERIOD}"),
                    &session,
                )
                .to_request(),
            )
            .await,
        )
        .await;
        assert!(
            svg.contains("\nsuppressed\n") && svg.contains("\nfemale\n"),
            "{svg}"
        );
        let res = test::call_service(
            &app,
            get(&format!("/analyst/charts/nothing.svg?{PERIOD}"), &session).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
}

#[actix_web::test]
async fn every_other_role_gets_404_on_every_analyst_and_auditor_route() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service!(&db);
        let roles = [
            (Role::Caseworker, "cw@x.example"),
            (Role::Coordinator, "co@x.example"),
            (Role::Admin, "ad@x.example"),
            (Role::Analyst, "an@x.example"),
            (Role::Auditor, "au@x.example"),
        ];
        for (role, email) in roles {
            person(&db, AgencyKind::Municipality, email, role);
        }
        let analyst_routes = [
            format!("/analyst?{PERIOD}"),
            "/analyst".to_owned(),
            format!("/analyst/flows.csv?{PERIOD}"),
            format!("/analyst/persons-by-quarter.csv?{PERIOD}"),
            format!("/analyst/charts/answer-times.svg?{PERIOD}"),
            format!("/analyst/charts/persons-by-gender.svg?{PERIOD}"),
            "/analyst/htcds.csv?from=2025&to=2025".to_owned(),
        ];
        for (role, email) in roles {
            let session = login!(app, email);
            if role != Role::Analyst {
                for uri in &analyst_routes {
                    let res = test::call_service(&app, get(uri, &session).to_request()).await;
                    assert_eq!(
                        res.status(),
                        StatusCode::NOT_FOUND,
                        "{backend:?}: {role:?} {uri}"
                    );
                }
            }
            if role != Role::Auditor {
                let home =
                    body(test::call_service(&app, get("/", &session).to_request()).await).await;
                let csrf = csrf_of(&home);
                let res = test::call_service(&app, get("/audit", &session).to_request()).await;
                assert_eq!(
                    res.status(),
                    StatusCode::NOT_FOUND,
                    "{backend:?}: {role:?} /audit"
                );
                let res = test::call_service(
                    &app,
                    get("/audit?action=auth.login", &session).to_request(),
                )
                .await;
                assert_eq!(res.status(), StatusCode::NOT_FOUND);
                let res = test::call_service(
                    &app,
                    TestRequest::post()
                        .uri("/audit/verify")
                        .peer_addr(peer())
                        .cookie(session.clone())
                        .set_form([("csrf", csrf.as_str())])
                        .to_request(),
                )
                .await;
                assert_eq!(
                    res.status(),
                    StatusCode::NOT_FOUND,
                    "{backend:?}: {role:?} verify"
                );
                for uri in ["/audit/export.csv", "/audit/export.jsonl"] {
                    let res = test::call_service(&app, get(uri, &session).to_request()).await;
                    assert_eq!(
                        res.status(),
                        StatusCode::NOT_FOUND,
                        "{backend:?}: {role:?} {uri}"
                    );
                }
                let res = test::call_service(
                    &app,
                    TestRequest::post()
                        .uri("/audit/who-saw")
                        .peer_addr(peer())
                        .cookie(session.clone())
                        .set_form([("csrf", csrf.as_str()), ("family_name", "Visser")])
                        .to_request(),
                )
                .await;
                assert_eq!(
                    res.status(),
                    StatusCode::NOT_FOUND,
                    "{backend:?}: {role:?} who-saw"
                );
            }
        }
        // Not signed in: to the login page.
        for uri in ["/analyst", "/audit"] {
            let res = test::call_service(
                &app,
                TestRequest::get().uri(uri).peer_addr(peer()).to_request(),
            )
            .await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER);
            assert_eq!(header(&res, "location"), "/login");
        }
        assert_eq!(
            audit_count(&db, "audit.verify"),
            4,
            "{backend:?}: each refusal is recorded"
        );
    }
}

#[actix_web::test]
async fn the_auditor_reads_filters_and_verifies_the_trail() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service!(&db);
        let analyst = person(&db, AgencyKind::Rapporteur, "an@nrm.example", Role::Analyst);
        person(&db, AgencyKind::Other, "au@privacy.example", Role::Auditor);
        let analyst_session = login!(app, "an@nrm.example");
        test::call_service(
            &app,
            get(&format!("/analyst?{PERIOD}"), &analyst_session).to_request(),
        )
        .await;
        let session = login!(app, "au@privacy.example");

        let home = body(test::call_service(&app, get("/", &session).to_request()).await).await;
        assert!(home.contains("href=\"/audit\""));
        let res = test::call_service(&app, get("/audit", &session).to_request()).await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        let page = body(res).await;
        assert!(page.contains("<caption>Audit entries, newest first</caption>"));
        assert!(
            page.contains("<code>auth.login</code>")
                && page.contains("<code>monitor.dashboard</code>")
        );
        let csrf = csrf_of(&page);

        let page = body(
            test::call_service(
                &app,
                get("/audit?action=monitor.dashboard", &session).to_request(),
            )
            .await,
        )
        .await;
        assert!(
            page.contains("<code>monitor.dashboard</code>")
                && !page.contains("<code>auth.login</code>"),
            "{page}"
        );
        // The actor by name and agency, linked to their own trail.
        assert!(
            page.contains(&format!(
                "<a href=\"/audit?actor={analyst}\">Noor Jansen</a>"
            )) && page.contains("Organisatie an@nrm.example"),
            "{page}"
        );
        // Every filter of the API, in the form: agency, kind and outcome as choices.
        for field in [
            "actor",
            "agency",
            "action",
            "kind",
            "outcome",
            "object_type",
            "object_id",
            "subject",
            "from",
            "to",
        ] {
            assert!(page.contains(&format!("name=\"{field}\"")), "{field}");
        }
        assert!(
            page.contains("<option value=\"denied\">denied</option>"),
            "{page}"
        );
        let page = body(
            test::call_service(
                &app,
                get(&format!("/audit?actor={analyst}"), &session).to_request(),
            )
            .await,
        )
        .await;
        assert!(
            page.contains(&analyst) && !page.contains("<code>audit.read</code>"),
            "{page}"
        );
        let page = body(
            test::call_service(&app, get("/audit?from=2999-01-01", &session).to_request()).await,
        )
        .await;
        assert!(page.contains("No entries match these filters."));
        let res = test::call_service(
            &app,
            get("/audit?actor=iemand&from=gisteren", &session).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        // A person is asked for by pseudonym or person id, never by name.
        let res =
            test::call_service(&app, get("/audit?subject=Vermeer", &session).to_request()).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let nobody = format!("/audit?subject={}", "a".repeat(64));
        let page = body(test::call_service(&app, get(&nobody, &session).to_request()).await).await;
        assert!(page.contains("No entries match these filters."), "{page}");

        let verify = |token: &str| {
            TestRequest::post()
                .uri("/audit/verify")
                .peer_addr(peer())
                .cookie(session.clone())
                .set_form([("csrf", token)])
                .to_request()
        };
        let refused = test::call_service(&app, verify("vervalst")).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert_eq!(audit_count(&db, "audit.verify"), 0, "nothing ran");
        let res = test::call_service(&app, verify(&csrf)).await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        let page = body(res).await;
        assert!(page.contains("The chain is intact"), "{page}");
        assert_eq!(audit_count(&db, "audit.verify"), 1);

        // Paged by fifty, newest first: each reading adds an entry.
        for _ in 0..50 {
            test::call_service(&app, get("/audit?action=audit.read", &session).to_request()).await;
        }
        crate::support::seal(&db);
        let page = body(
            test::call_service(&app, get("/audit?action=audit.read", &session).to_request()).await,
        )
        .await;
        assert_eq!(page.matches("<code>audit.read</code>").count(), 50);
        let at = page
            .find("href=\"/audit?action=audit.read&#38;before=")
            .expect("a link to older entries");
        let older = page[at + 6..]
            .split('"')
            .next()
            .unwrap()
            .replace("&#38;", "&");
        assert!(older.contains("&before="), "{older}");
        let page = body(test::call_service(&app, get(&older, &session).to_request()).await).await;
        assert!(
            page.contains("Newest entries") && page.contains("<code>audit.read</code>"),
            "{page}"
        );
        assert!(page.matches("<code>audit.read</code>").count() < 50);
    }
}

#[actix_web::test]
async fn the_analyst_downloads_the_htcds_export_from_the_dashboard() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let app = service!(&db);
        person(&db, AgencyKind::Rapporteur, "an@nrm.example", Role::Analyst);
        seed_monitor(&db);
        let session = login!(app, "an@nrm.example");

        // The dashboard's export form, with the years of the period shown.
        let page = body(
            test::call_service(
                &app,
                get(&format!("/analyst?{PERIOD}"), &session).to_request(),
            )
            .await,
        )
        .await;
        assert!(page.contains("<h2 id=\"htcds-title\">Record-level export (HTCDS)</h2>"));
        assert!(
            page.contains("<form class=\"period\" method=\"get\" action=\"/analyst/htcds.csv\">")
        );
        assert!(page.contains("name=\"from\" value=\"2025\""), "{page}");
        assert!(page.contains("<button type=\"submit\">Download HTCDS export (CSV)</button>"));
        assert!(page.contains("appears in at least 11 records"));

        // Twelve women of 2025 are one class as held; the three men stand out and are
        // left out, and counted.
        let before = audit_count(&db, "monitor.export");
        let res = test::call_service(
            &app,
            get("/analyst/htcds.csv?from=2025&to=2025", &session).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        assert_eq!(header(&res, "content-type"), "text/csv; charset=utf-8");
        assert_eq!(
            header(&res, "content-disposition"),
            "attachment; filename=\"schakel-htcds-2025-2025.csv\""
        );
        assert_eq!(header(&res, "export-records-total"), "15");
        assert_eq!(header(&res, "export-records-suppressed"), "3");
        let csv = body(res).await;
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some(schakel_monitor::htcds::COLUMNS.join(",").as_str())
        );
        let rows: Vec<&str> = lines.collect();
        assert_eq!(rows.len(), 12, "{csv}");
        assert!(rows.iter().all(|r| *r == rows[0]), "one class: {csv}");
        assert!(rows[0].starts_with("2025,Case Management,Female,18-22,Adult,,,non_eu,"));
        assert_eq!(
            audit_count(&db, "monitor.export"),
            before + 1,
            "{backend:?}"
        );

        // The same as the API's CSV.
        let res = test::call_service(
            &app,
            TestRequest::post()
                .uri("/api/v1/auth/login")
                .peer_addr(peer())
                .set_json(json!({ "email": "an@nrm.example", "password": PASSWORD }))
                .to_request(),
        )
        .await;
        let token: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        let token = token["access_token"].as_str().unwrap().to_owned();
        let theirs = test::call_service(
            &app,
            TestRequest::get()
                .uri("/api/v1/monitor/htcds?from=2025&to=2025&format=csv")
                .peer_addr(peer())
                .insert_header(("authorization", format!("Bearer {token}")))
                .to_request(),
        )
        .await;
        assert_eq!(body(theirs).await, csv, "{backend:?}");

        for bad in [
            "from=2025&to=2024",
            "from=twee&to=2025",
            "from=2000&to=2025",
        ] {
            let res = test::call_service(
                &app,
                get(&format!("/analyst/htcds.csv?{bad}"), &session).to_request(),
            )
            .await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
            assert!(body(res).await.contains("That export cannot be made"));
        }
        assert_eq!(
            audit_count(&db, "monitor.export"),
            before + 2,
            "the API's too"
        );
    }
}
