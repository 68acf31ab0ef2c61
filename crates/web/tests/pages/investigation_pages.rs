//! The law-enforcement compartment's pages over HTTP, on every backend, as its users
//! see them: the police open an investigation, register a suspect, link a victim's case
//! and hand the suspect to the prosecution, all through forms with the session's CSRF
//! token; the prosecution reads only the summary until its coordinator accepts (its
//! caseworker may not), then records a summons and a conviction (refused a judgment
//! without a summons, and a sentence of two prison bands); a decline needs its reason
//! and leaves the suspect unread, a withdrawal its confirmation; a link is removed once.
//! A care coordinator, an admin, an analyst and an auditor never see the menu's links
//! and are answered 404 for an investigation or a suspect, 403 for the lists. Bad input
//! comes back with messages at the fields (422) and stores nothing.

use crate::case_close_pages::{account, app, get, hidden, login, named, open_case, post};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{AgencyId, AgencyKind, Region, Role};
use schakel_store::agencies::{self, NewAgency};
use schakel_store::testing::{TestDb, selected_backends};

fn agency(db: &TestDb, name: &str, kind: AgencyKind) -> AgencyId {
    let mut conn = db.pool.get().unwrap();
    agencies::insert(
        &mut conn,
        &NewAgency {
            name,
            kind,
            region: Region::Rotterdam,
            contact_email: "balie@org.example",
        },
        chrono::Utc::now(),
    )
    .unwrap()
    .id
}

/// The day `days` ago, as a date field holds it.
fn ago(days: i64) -> String {
    (chrono::Utc::now().date_naive() - chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// The path of a `Location` without its query.
fn path_of(location: &str) -> String {
    location.split('?').next().unwrap().to_owned()
}

/// The registration form of a suspect, filled in.
fn suspect_form(csrf: &str, registered_on: &str) -> Vec<(String, String)> {
    [
        ("csrf", csrf),
        ("given_names", "Jan"),
        ("family_name", "Uitbuiter"),
        ("date_of_birth", "1980-05-05"),
        ("gender", "male"),
        ("country_of_birth", "NL"),
        ("nationalities", "NL"),
        ("role", "exploiter"),
        ("registered_on", registered_on),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

fn pairs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

/// The police's pages up to a suspect linked to the case `case_ref` and handed to
/// `om`: the investigation's and the suspect's address.
macro_rules! police_chain {
    ($app:expr, $police:expr, $case_ref:expr, $om:expr) => {{
        let case_ref: &str = $case_ref;
        let start = ago(30);
        let (_, list) = get!($app, $police, "/investigations");
        let csrf = hidden(&list, "csrf");
        let (status, to, _) = post!(
            $app,
            $police,
            "/investigations",
            &[
                ("csrf", csrf.as_str()),
                ("reference", "ON-2026-0415"),
                ("region", "rotterdam"),
                ("form", "sexual"),
                ("form", "labour"),
                ("started_on", start.as_str()),
            ]
        );
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(to.ends_with("?done=opened"), "{to}");
        let investigation = path_of(&to);
        let form = suspect_form(&csrf, &ago(20));
        let (status, to, _) = post!($app, $police, &investigation, &pairs(&form));
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(to.ends_with("?done=suspect_added"), "{to}");
        let suspect = path_of(&to);
        let link = [
            ("csrf", csrf.as_str()),
            ("form_kind", "link"),
            ("case", case_ref),
        ];
        let (status, to, _) = post!($app, $police, &suspect, &link);
        assert_eq!(
            (status, to),
            (StatusCode::SEE_OTHER, format!("{suspect}?done=linked"))
        );
        let om = $om.to_string();
        let refer = [
            ("csrf", csrf.as_str()),
            ("form_kind", "refer"),
            ("to_agency", om.as_str()),
            ("message", "Zie het proces-verbaal."),
        ];
        let (status, to, _) = post!($app, $police, &suspect, &refer);
        assert_eq!(
            (status, to),
            (StatusCode::SEE_OTHER, format!("{suspect}?done=referred"))
        );
        (investigation, suspect, csrf)
    }};
}

#[actix_web::test]
async fn the_chain_runs_through_the_pages_from_investigation_to_judgment() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let politie = agency(&db, "Politie Rotterdam", AgencyKind::Police);
        let om = agency(&db, "Parket Rotterdam", AgencyKind::Prosecution);
        let police = account(
            &db,
            politie,
            "rechercheur@politie.example",
            Role::Caseworker,
        );
        account(&db, om, "coord@om.example", Role::Coordinator);
        account(&db, om, "officier@om.example", Role::Caseworker);
        let victim = named("Iva", "Petrova", Some("1999-02-03"));
        let case = open_case(&db, &st, &police, victim, "rotterdam", "sexual");

        // The police: the menu links the investigations, not the prosecution's inbox.
        let session = login!(app, "rechercheur@politie.example");
        let (_, start) = get!(app, session, "/");
        assert!(
            start.contains("<a href=\"/investigations\">Investigations</a>"),
            "{backend:?}"
        );
        assert!(!start.contains("<a href=\"/suspect-referrals\">"));
        let (status, list) = get!(app, session, "/investigations");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            list.contains("no investigations yet") && list.contains("<label for=\"reference\">")
        );
        assert!(list.contains("id=\"form-sexual\" name=\"form\" value=\"sexual\""));
        let (investigation, suspect, _) = police_chain!(app, session, &case.reference, om);

        let (_, page) = get!(app, session, &investigation);
        assert!(
            page.contains("ON-2026-0415")
                && page.contains("sexual exploitation, labour exploitation")
        );
        assert!(
            page.contains(&format!("<a href=\"{suspect}\">Jan Uitbuiter</a>")),
            "{page}"
        );
        assert!(page.contains("<td>exploiter</td>") && page.contains("sent, awaiting an answer"));
        let (_, page) = get!(app, session, &format!("{suspect}?done=referred"));
        assert!(
            page.contains("role=\"status\">Handed to the prosecution"),
            "{page}"
        );
        assert!(
            page.contains(&format!("href=\"/cases/{}\"", case.id)),
            "the case is linked"
        );
        assert!(page.contains("Parket Rotterdam") && page.contains("Zie het proces-verbaal."));
        assert!(
            !page.contains("id=\"form-refer\""),
            "no second referral while one is open"
        );

        // Handed over again: refused as the suspect is with the prosecution.
        let csrf = hidden(&page, "csrf");
        let om_id = om.to_string();
        let again = [
            ("csrf", csrf.as_str()),
            ("form_kind", "refer"),
            ("to_agency", om_id.as_str()),
        ];
        let (status, _, page) = post!(app, session, &suspect, &again);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("role=\"alert\">This suspect is already with the prosecution"));

        // The prosecution's coordinator: the summary only, and no suspect page yet.
        let coord = login!(app, "coord@om.example");
        let (_, start) = get!(app, coord, "/");
        assert!(start.contains("<a href=\"/suspect-referrals\">Suspects referred</a>"));
        let (status, inbox) = get!(app, coord, "/suspect-referrals");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(inbox.contains("Politie Rotterdam") && inbox.contains("<dd>exploiter</dd>"));
        assert!(inbox.contains("<dd>the Netherlands</dd>") && inbox.contains("<dd>1</dd>"));
        for secret in ["Uitbuiter", "Jan", "1980-05-05", "ON-2026-0415", "Petrova"] {
            assert!(!inbox.contains(secret), "{secret} before accepting");
        }
        assert!(!inbox.contains(&format!("href=\"{suspect}\"")));
        let (status, _) = get!(app, coord, &suspect);
        assert_eq!(status, StatusCode::NOT_FOUND, "not before accepting");
        let (referral, version) = (hidden(&inbox, "referral"), hidden(&inbox, "version"));

        // Its caseworker may not decide: no form, and refused when posted anyway.
        let worker = login!(app, "officier@om.example");
        let (_, seen) = get!(app, worker, "/suspect-referrals");
        assert!(seen.contains("<dd>exploiter</dd>") && !seen.contains("value=\"accept\""));
        let worker_csrf = hidden(&seen, "csrf");
        let accept = |token: &str| -> Vec<(String, String)> {
            [
                ("csrf", token),
                ("form_kind", "accept"),
                ("referral", referral.as_str()),
                ("version", version.as_str()),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
        };
        let (status, _, _) = post!(
            app,
            worker,
            "/suspect-referrals",
            &pairs(&accept(&worker_csrf))
        );
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{backend:?}: coordinators decide"
        );
        let (status, to, _) = post!(
            app,
            coord,
            "/suspect-referrals",
            &pairs(&accept(&hidden(&inbox, "csrf")))
        );
        assert_eq!(
            (status, to),
            (StatusCode::SEE_OTHER, format!("{suspect}?done=accepted"))
        );
        let (status, _, page) = post!(
            app,
            coord,
            "/suspect-referrals",
            &pairs(&accept(&hidden(&inbox, "csrf")))
        );
        assert_eq!(status, StatusCode::CONFLICT, "the same version twice");
        assert!(page.contains("role=\"alert\">Someone changed this in the meantime"));

        // Accepted: the suspect, a count of victims but not the case.
        let (status, page) = get!(app, worker, &suspect);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("Jan Uitbuiter") && page.contains("1980-05-05"));
        assert!(
            page.contains("linked</dt><dd>") || page.contains(": 1</p>"),
            "{page}"
        );
        assert!(!page.contains("href=\"/cases/") && !page.contains("id=\"form-link\""));
        let csrf = hidden(&page, "csrf");
        let (judged_on, decided_on) = (ago(5), ago(10));
        let judgment = |bands: &[&'static str]| -> Vec<(String, String)> {
            let mut f: Vec<(String, String)> = [
                ("csrf", csrf.as_str()),
                ("form_kind", "judgment"),
                ("instance", "first_instance"),
                ("outcome", "convicted_trafficking"),
                ("judged_on", judged_on.as_str()),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
            f.extend(
                bands
                    .iter()
                    .map(|b| ("sentence".to_owned(), (*b).to_owned())),
            );
            f
        };
        let (status, _, page) = post!(app, worker, &suspect, &pairs(&judgment(&["fine"])));
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "{backend:?}: no summons, no judgment"
        );
        assert!(page.contains("role=\"alert\">A judgment follows the step before it"));
        let summons = [
            ("csrf", csrf.as_str()),
            ("form_kind", "decision"),
            ("decision", "summons"),
            ("decided_on", decided_on.as_str()),
        ];
        let (status, to, _) = post!(app, worker, &suspect, &summons);
        assert_eq!(
            (status, to),
            (StatusCode::SEE_OTHER, format!("{suspect}?done=decision"))
        );
        let two = judgment(&["prison_under_6_months", "prison_2_to_4_years"]);
        let (status, _, page) = post!(app, worker, &suspect, &pairs(&two));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "two prison bands");
        assert!(
            page.contains("id=\"sentence-error\"")
                && page.contains("value=\"prison_2_to_4_years\" checked")
        );
        let one = judgment(&["prison_2_to_4_years"]);
        let (status, to, _) = post!(app, worker, &suspect, &pairs(&one));
        assert_eq!(
            (status, to),
            (StatusCode::SEE_OTHER, format!("{suspect}?done=judgment"))
        );
        let (_, page) = get!(app, worker, &format!("{suspect}?done=judgment"));
        assert!(page.contains("role=\"status\">Judgment recorded."));
        assert!(page.contains("<td>summons</td>") && page.contains("prison, 2 to 4 years"));
        assert!(
            page.contains(
                "district court (first instance): convicted of trafficking in human beings"
            )
        );

        // The police see the state and the last step; the police may not record one.
        let (_, page) = get!(app, session, &investigation);
        assert!(page.contains("<td>accepted</td>"), "{page}");
        assert!(page.contains("convicted of trafficking in human beings"));
        let police_csrf = hidden(&page, "csrf");
        let yesterday = ago(1);
        let by_police = [
            ("csrf", police_csrf.as_str()),
            ("form_kind", "decision"),
            ("decision", "summons"),
            ("decided_on", yesterday.as_str()),
        ];
        let (status, _, _) = post!(app, session, &suspect, &by_police);
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");
        let (_, sent) = get!(app, session, "/suspect-referrals");
        assert!(sent.contains("aria-current=\"page\">Sent") && sent.contains("<dd>accepted</dd>"));
    }
}

#[actix_web::test]
async fn a_decline_needs_its_reason_and_a_withdrawal_its_confirmation() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let politie = agency(&db, "Politie Rotterdam", AgencyKind::Police);
        let om = agency(&db, "Parket Rotterdam", AgencyKind::Prosecution);
        let police = account(
            &db,
            politie,
            "rechercheur@politie.example",
            Role::Coordinator,
        );
        account(&db, om, "coord@om.example", Role::Coordinator);
        let victim = named("Iva", "Petrova", None);
        let case = open_case(&db, &st, &police, victim, "rotterdam", "sexual");
        let session = login!(app, "rechercheur@politie.example");
        let (_, suspect, _) = police_chain!(app, session, &case.id.to_string(), om);

        let coord = login!(app, "coord@om.example");
        let (_, inbox) = get!(app, coord, "/suspect-referrals");
        let (csrf, referral, version) = (
            hidden(&inbox, "csrf"),
            hidden(&inbox, "referral"),
            hidden(&inbox, "version"),
        );
        let decline = |reason: &'static str| {
            vec![
                ("csrf".to_owned(), csrf.clone()),
                ("form_kind".to_owned(), "decline".to_owned()),
                ("referral".to_owned(), referral.clone()),
                ("version".to_owned(), version.clone()),
                ("reason".to_owned(), reason.to_owned()),
            ]
        };
        let (status, _, page) = post!(app, coord, "/suspect-referrals", &pairs(&decline("")));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(
            page.contains("id=\"reason-error\"")
                && page.contains("aria-describedby=\"reason-error\"")
        );
        assert!(
            page.contains("<dd>sent, awaiting an answer</dd>"),
            "nothing changed"
        );
        let (status, to, _) = post!(
            app,
            coord,
            "/suspect-referrals",
            &pairs(&decline("not_eligible"))
        );
        assert_eq!(
            (status, to),
            (
                StatusCode::SEE_OTHER,
                "/suspect-referrals?box=received&done=declined".to_owned()
            )
        );
        let (_, inbox) = get!(app, coord, "/suspect-referrals?box=received&done=declined");
        assert!(inbox.contains("<dd>declined</dd>") && inbox.contains("<dd>not eligible</dd>"));
        let (status, _) = get!(app, coord, &suspect);
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "a declined suspect stays unread"
        );
        let (_, page) = get!(app, session, &suspect);
        assert!(
            page.contains("<dd>declined</dd>") && page.contains("id=\"form-refer\""),
            "{page}"
        );

        // Handed over again, then withdrawn: only with its confirmation.
        let csrf = hidden(&page, "csrf");
        let om_id = om.to_string();
        let refer = [
            ("csrf", csrf.as_str()),
            ("form_kind", "refer"),
            ("to_agency", om_id.as_str()),
        ];
        let (status, _, _) = post!(app, session, &suspect, &refer);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let (_, page) = get!(app, session, &suspect);
        let (open, version) = (hidden(&page, "referral"), hidden(&page, "version"));
        let mut withdraw = vec![
            ("csrf", csrf.as_str()),
            ("form_kind", "withdraw"),
            ("referral", open.as_str()),
            ("version", version.as_str()),
        ];
        let (status, _, page) = post!(app, session, &suspect, &withdraw);
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "{backend:?}: not without its confirmation"
        );
        assert!(page.contains("role=\"alert\">Withdrawing needs its confirmation"));
        withdraw.push(("confirm", "yes"));
        let (status, to, _) = post!(app, session, &suspect, &withdraw);
        assert_eq!(
            (status, to),
            (StatusCode::SEE_OTHER, format!("{suspect}?done=withdrawn"))
        );
        let (_, page) = get!(app, session, &suspect);
        assert!(page.contains("<dd>withdrawn</dd>") && page.contains("id=\"form-refer\""));

        // The link removed (once: a second time says it is gone).
        let link = hidden(&page, "link");
        let unlink = [
            ("csrf", csrf.as_str()),
            ("form_kind", "unlink"),
            ("link", link.as_str()),
        ];
        let (status, to, _) = post!(app, session, &suspect, &unlink);
        assert_eq!(
            (status, to),
            (StatusCode::SEE_OTHER, format!("{suspect}?done=unlinked"))
        );
        let (status, _, page) = post!(app, session, &suspect, &unlink);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(
            page.contains("That link was removed already.")
                && page.contains("No victim is linked yet.")
        );
    }
}

#[actix_web::test]
async fn outsiders_are_answered_as_for_nothing_and_never_see_the_links() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let politie = agency(&db, "Politie Rotterdam", AgencyKind::Police);
        let om = agency(&db, "Parket Rotterdam", AgencyKind::Prosecution);
        let zorg = agency(
            &db,
            "Zorgcoördinatie Rotterdam",
            AgencyKind::CareCoordination,
        );
        let nrm = agency(&db, "Rapporteur", AgencyKind::Rapporteur);
        let police = account(
            &db,
            politie,
            "rechercheur@politie.example",
            Role::Caseworker,
        );
        account(&db, zorg, "coord@zorg.example", Role::Coordinator);
        account(&db, zorg, "admin@zorg.example", Role::Admin);
        account(&db, nrm, "analist@nrm.example", Role::Analyst);
        account(&db, zorg, "audit@zorg.example", Role::Auditor);
        let victim = named("Iva", "Petrova", None);
        let case = open_case(&db, &st, &police, victim, "rotterdam", "sexual");
        let session = login!(app, "rechercheur@politie.example");
        let (investigation, suspect, _) = police_chain!(app, session, &case.reference, om);

        for email in [
            "coord@zorg.example",
            "admin@zorg.example",
            "analist@nrm.example",
            "audit@zorg.example",
        ] {
            let outsider = login!(app, email);
            let (_, start) = get!(app, outsider, "/");
            assert!(
                !start.contains("href=\"/investigations\""),
                "{backend:?} {email}"
            );
            assert!(!start.contains("href=\"/suspect-referrals\""), "{email}");
            let (_, help) = get!(app, outsider, "/help");
            assert!(!help.contains("href=\"/investigations\""), "{email}");
            for uri in [&investigation, &suspect] {
                let (status, page) = get!(app, outsider, uri);
                assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?} {email} {uri}");
                assert!(!page.contains("Uitbuiter") && !page.contains("ON-2026"));
            }
            for uri in ["/investigations", "/suspect-referrals"] {
                let (status, _) = get!(app, outsider, uri);
                assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?} {email} {uri}");
            }
            let csrf = hidden(&start, "csrf");
            let case_id = case.id.to_string();
            let link = [
                ("csrf", csrf.as_str()),
                ("form_kind", "link"),
                ("case", case_id.as_str()),
            ];
            let (status, _, _) = post!(app, outsider, &suspect, &link);
            assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?} {email}");
            let form = suspect_form(&csrf, "");
            let (status, _, _) = post!(app, outsider, &investigation, &pairs(&form));
            assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?} {email}");
        }
        let (_, page) = get!(app, session, &investigation);
        assert_eq!(
            page.matches("/suspects/").count(),
            1,
            "one suspect, as before"
        );
    }
}

#[actix_web::test]
async fn bad_input_comes_back_at_the_fields_and_stores_nothing() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let politie = agency(&db, "Politie Rotterdam", AgencyKind::Police);
        let zorg = agency(
            &db,
            "Zorgcoördinatie Rotterdam",
            AgencyKind::CareCoordination,
        );
        agency(&db, "Parket Rotterdam", AgencyKind::Prosecution);
        account(
            &db,
            politie,
            "rechercheur@politie.example",
            Role::Caseworker,
        );
        let care = account(&db, zorg, "coord@zorg.example", Role::Coordinator);
        let theirs = open_case(
            &db,
            &st,
            &care,
            named("Iva", "Petrova", None),
            "rotterdam",
            "sexual",
        );
        let session = login!(app, "rechercheur@politie.example");
        let (_, list) = get!(app, session, "/investigations");
        let csrf = hidden(&list, "csrf");

        // Opening: nothing given, then a start in the future; a forged form.
        let empty = [
            ("csrf", csrf.as_str()),
            ("reference", ""),
            ("started_on", "1 maart"),
        ];
        let (status, _, page) = post!(app, session, "/investigations", &empty);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        for field in ["reference", "region", "forms", "started_on"] {
            assert!(
                page.contains(&format!("id=\"{field}-error\"")),
                "{field}: {page}"
            );
        }
        assert!(page.contains("id=\"form-problems\"") && page.contains("value=\"1 maart\""));
        let future = [
            ("csrf", csrf.as_str()),
            ("reference", "ON-1"),
            ("region", "rotterdam"),
            ("form", "labour"),
            ("started_on", "2999-01-01"),
        ];
        let (status, _, page) = post!(app, session, "/investigations", &future);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("id=\"started_on-error\"") && page.contains("value=\"ON-1\""));
        assert!(page.contains("value=\"labour\" checked"));
        let mut forged = future;
        forged[0] = ("csrf", "vervalst");
        forged[4] = ("started_on", "2026-01-01");
        let (status, _, _) = post!(app, session, "/investigations", &forged);
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, list) = get!(app, session, "/investigations");
        assert!(
            list.contains("no investigations yet"),
            "nothing opened: {list}"
        );

        // Registering: unreadable fields, then a day before the investigation started.
        let mut ok = future;
        ok[4] = ("started_on", "2026-01-01");
        let (_, to, _) = post!(app, session, "/investigations", &ok);
        let investigation = path_of(&to);
        let mut bad = suspect_form(&csrf, "gisteren");
        bad.retain(|(k, _)| k != "role" && k != "date_of_birth" && k != "country_of_birth");
        bad.push(("date_of_birth".into(), "5 mei".into()));
        bad.push(("country_of_birth".into(), "ZZ".into()));
        let (status, _, page) = post!(app, session, &investigation, &pairs(&bad));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        for field in ["role", "date_of_birth", "country_of_birth", "registered_on"] {
            assert!(
                page.contains(&format!("id=\"{field}-error\"")),
                "{field}: {page}"
            );
        }
        assert!(page.contains("value=\"Uitbuiter\"") && page.contains("value=\"ZZ\""));
        let early = suspect_form(&csrf, "2025-12-31");
        let (status, _, page) = post!(app, session, &investigation, &pairs(&early));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("id=\"registered_on-error\""), "{page}");
        assert!(
            page.contains("No suspects registered yet."),
            "nothing registered"
        );

        // Linking and referring: neither or both, someone else's case, no agency, not a
        // prosecution agency.
        let (_, to, _) = post!(
            app,
            session,
            &investigation,
            &pairs(&suspect_form(&csrf, ""))
        );
        let suspect = path_of(&to);
        let their_id = theirs.id.to_string();
        let zorg_id = zorg.to_string();
        for (fields, field) in [
            (vec![("case", "")], "case"),
            (vec![("case", "2026-000001"), ("signal", "x")], "case"),
            (vec![("case", "zaak 12")], "case"),
            (vec![("case", &theirs.reference[..])], "case"),
            (vec![("case", &their_id[..])], "case"),
            (vec![("signal", "geen-id")], "signal"),
        ] {
            let mut form = vec![("csrf", csrf.as_str()), ("form_kind", "link")];
            form.extend(fields);
            let (status, _, page) = post!(app, session, &suspect, &form);
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?} {form:?}"
            );
            assert!(
                page.contains(&format!("id=\"{field}-error\"")),
                "{form:?}: {page}"
            );
        }
        for (to_agency, message) in [("", "invalid"), (zorg_id.as_str(), "recipient")] {
            let form = [
                ("csrf", csrf.as_str()),
                ("form_kind", "refer"),
                ("to_agency", to_agency),
                ("message", "Kort."),
            ];
            let (status, _, page) = post!(app, session, &suspect, &form);
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?} {message}"
            );
            assert!(page.contains("id=\"to_agency-error\"") && page.contains("Kort.</textarea>"));
        }
        let (_, page) = get!(app, session, &suspect);
        assert!(
            page.contains("No victim is linked yet.")
                && page.contains("Not handed to the prosecution.")
        );
    }
}
