//! The case-work pages over HTTP, on every backend, as a user sees them: a signal saved
//! from the form leads to its case; bad input comes back as typed with a message next to
//! the field; a form without the session's CSRF token is refused and changes nothing;
//! another agency's case is not found; the referral form sends a referral that shows in
//! the receiver's inbox and the sender's list, and once accepted the receiver opens the
//! case; a coordinator redirects; consent is given and withdrawn; the password changes
//! only with the current one.

use crate::case_close_pages::{get, login};
use crate::support::{PASSWORD, body, header, state};
use actix_web::App;
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{AgencyKind, Region, Role};
use schakel_store::agencies::{self, NewAgency};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users::{self, NewUser};
use secrecy::SecretString;

fn agency(db: &TestDb, name: &str, kind: AgencyKind, region: Region) -> agencies::Agency {
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
}

fn person(db: &TestDb, agency: &agencies::Agency, email: &str, role: Role) {
    let hash = schakel_auth::password::hash(&SecretString::from(PASSWORD)).unwrap();
    let mut conn = db.pool.get().unwrap();
    users::insert(
        &mut conn,
        &NewUser {
            agency_id: agency.id,
            email,
            display_name: "Sanne Bakker",
            role,
            locale: "en",
            password_hash: Some(&hash),
        },
        chrono::Utc::now(),
    )
    .unwrap();
}

/// The value of the first hidden field `name` in a page.
fn hidden(page: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let at = page.find(&needle).expect(name) + needle.len();
    page[at..].split('"').next().unwrap().to_owned()
}

/// Posts the form `$fields` to `$uri`: the status, the `Location` and the page.
macro_rules! post {
    ($app:expr, $session:expr, $uri:expr, $fields:expr $(,)?) => {{
        let res = test::call_service(
            &$app,
            TestRequest::post()
                .uri(&$uri)
                .cookie($session.clone())
                .insert_header(("content-type", "application/x-www-form-urlencoded"))
                .set_payload(encode($fields))
                .to_request(),
        )
        .await;
        let (status, to) = (res.status(), header(&res, "location"));
        (status, to, body(res).await)
    }};
}

/// A form's fields, URL-encoded.
fn encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Owned fields as the form helpers take them.
fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

/// Percent-encoding of a form value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn today() -> String {
    chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

/// The signal form filled in for a person, with `csrf` and `once`.
fn signal_fields<'a>(csrf: &'a str, once: &'a str, date: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("once", once),
        ("observed_on", date),
        ("region", "amsterdam"),
        ("form", "labour"),
        ("form", "criminal"),
        ("indicator", "ilo_deception"),
        ("indicator", "ilo_debt_bondage"),
        ("act", "1"),
        ("purpose", "1"),
        ("reporting_basis", "consent"),
        ("summary", "Seen at the distribution centre"),
        ("given_names", "Ioana Maria"),
        ("family_name", "Popescu"),
        ("date_of_birth", "1999-04-02"),
        ("gender", "female"),
        ("nationalities", "RO"),
        ("languages", "ro, en"),
    ]
}

#[actix_web::test]
async fn a_signal_from_the_form_opens_its_case_and_bad_input_comes_back_as_typed() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app =
            test::init_service(App::new().configure(|c| schakel_web::configure(c, st.clone())))
                .await;
        let home = agency(
            &db,
            "Gemeente Amsterdam",
            AgencyKind::Municipality,
            Region::Amsterdam,
        );
        let other = agency(
            &db,
            "Gemeente Utrecht",
            AgencyKind::Municipality,
            Region::MiddenNederland,
        );
        person(&db, &home, "cw@amsterdam.example", Role::Caseworker);
        person(&db, &other, "cw@utrecht.example", Role::Caseworker);
        let cw = login!(app, "cw@amsterdam.example");

        let (status, start) = get!(app, cw, "/");
        assert_eq!(status, StatusCode::OK);
        assert!(start.contains("href=\"/signals/new\"") && start.contains("href=\"/outgoing\""));

        let (status, form) = get!(app, cw, "/signals/new");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        for label in [
            "observed_on",
            "region",
            "given_names",
            "family_name",
            "reporting_basis",
        ] {
            assert!(
                form.contains(&format!("<label for=\"{label}\">")),
                "{label}: {form}"
            );
        }
        assert!(form.contains("Debt bondage"), "the indicator checklist");
        assert!(form.contains("Labour exploitation") && form.contains("<legend>"));
        let (csrf, once) = (hidden(&form, "csrf"), hidden(&form, "once"));
        let date = today();

        // Without the session's token: refused, nothing saved.
        let mut forged = signal_fields("vervalst", &once, &date);
        forged[0] = ("csrf", "vervalst");
        let (status, _, _) = post!(app, cw, "/signals/new", &forged);
        assert_eq!(status, StatusCode::FORBIDDEN);
        let mut missing = signal_fields(&csrf, &once, &date);
        missing.remove(0);
        let (status, _, _) = post!(app, cw, "/signals/new", &missing);
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Bad input: no form of exploitation, a date of birth that is not a date.
        let mut bad: Vec<_> = signal_fields(&csrf, &once, &date)
            .into_iter()
            .filter(|(k, _)| *k != "form" && *k != "date_of_birth")
            .collect();
        bad.push(("date_of_birth", "2 april"));
        let (status, _, page) = post!(app, cw, "/signals/new", &bad);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("value=\"Popescu\"") && page.contains("value=\"2 april\""));
        assert!(page.contains("Seen at the distribution centre</textarea>"));
        assert!(
            page.contains("value=\"ilo_debt_bondage\" checked"),
            "ticks kept"
        );
        assert!(page.contains("id=\"forms-error\"") && page.contains("Tick at least one form"));
        assert!(page.contains("aria-invalid=\"true\" aria-describedby=\"date_of_birth-error\""));
        assert!(page.contains("role=\"alert\""));

        // An anonymous signal with a name is refused next to the basis.
        let mut anon = signal_fields(&csrf, &once, &date);
        anon.retain(|(k, _)| *k != "reporting_basis");
        anon.push(("reporting_basis", "anonymous"));
        let (status, _, page) = post!(app, cw, "/signals/new", &anon);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("id=\"reporting_basis-error\""), "{page}");

        // A future date is refused by the use case, shown next to the field.
        let (status, _, page) = post!(
            app,
            cw,
            "/signals/new",
            &signal_fields(&csrf, &once, "2999-01-01")
        );
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("id=\"observed_on-error\""));

        // A nationality that names no country is refused next to the field, as typed.
        let mut nowhere = signal_fields(&csrf, &once, &date);
        nowhere.retain(|(k, _)| *k != "nationalities");
        nowhere.push(("nationalities", "RO, ZZ"));
        let (status, _, page) = post!(app, cw, "/signals/new", &nowhere);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("id=\"nationalities-error\""), "{page}");
        assert!(page.contains("value=\"RO, ZZ\""), "{page}");

        // Saved: to the case, which shows the person and the timeline.
        let (status, to, _) = post!(app, cw, "/signals/new", &signal_fields(&csrf, &once, &date));
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert!(
            to.starts_with("/cases/") && to.ends_with("?done=signal_saved"),
            "{to}"
        );
        let (status, case) = get!(app, cw, &to);
        assert_eq!(status, StatusCode::OK);
        assert!(
            case.contains("role=\"status\">Signal saved; the case is open."),
            "the next step is named: {case}"
        );
        assert!(case.contains("Ioana Maria Popescu") && case.contains("1999-04-02"));
        assert!(case.contains("labour exploitation") && case.contains("case opened"));
        assert!(case.contains("Refer this case"));

        // The same form sent again (a double click) saves nothing new.
        let (_, again, _) = post!(app, cw, "/signals/new", &signal_fields(&csrf, &once, &date));
        assert_eq!(again, to, "{backend:?}: one signal, one case");
        let to = to.replace("?done=signal_saved", "");

        // Anonymous: a confirmation, no case.
        let (_, form) = get!(app, cw, "/signals/new");
        let once2 = hidden(&form, "once");
        let anon = [
            ("csrf", csrf.as_str()),
            ("once", once2.as_str()),
            ("observed_on", date.as_str()),
            ("region", "amsterdam"),
            ("form", "sexual"),
            ("reporting_basis", "anonymous"),
        ];
        let (status, to_signal, _) = post!(app, cw, "/signals/new", &anon);
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(to_signal.starts_with("/signals/"), "{to_signal}");
        let (status, page) = get!(app, cw, &to_signal);
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("anonymous signal was saved"), "{page}");

        // Another agency: the case and the signal are not found, exactly as nothing.
        let stranger = login!(app, "cw@utrecht.example");
        for uri in [to.clone(), format!("{to}/referrals/new"), to_signal.clone()] {
            let (status, page) = get!(app, stranger, &uri);
            assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?} {uri}");
            assert!(!page.contains("Popescu"));
        }
        let (status, none) = get!(
            app,
            stranger,
            &format!("/cases/{}", schakel_domain::CaseId::new_random())
        );
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, hidden_case) = get!(app, stranger, &to);
        assert_eq!(hidden_case, none, "the same answer as for no case at all");
        let stranger_csrf = hidden(&get!(app, stranger, "/").1, "csrf");
        let (status, _, _) = post!(
            app,
            stranger,
            &format!("{to}/consents"),
            &[
                ("csrf", &stranger_csrf),
                ("version", "1"),
                ("kind", "consent"),
                ("recipient", "shelter"),
                ("purpose", "shelter"),
                ("given_by", "person"),
                ("given_on", &date),
            ],
        );
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, case) = get!(app, cw, &to);
        assert!(
            case.contains("Nothing recorded yet"),
            "no consent was recorded"
        );
    }
}

#[actix_web::test]
async fn a_referral_from_the_form_is_accepted_from_the_inbox_and_consent_decides_the_identity() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app =
            test::init_service(App::new().configure(|c| schakel_web::configure(c, st.clone())))
                .await;
        let home = agency(
            &db,
            "Gemeente Rotterdam",
            AgencyKind::Municipality,
            Region::Rotterdam,
        );
        let shelter = agency(
            &db,
            "Opvang Rijnmond",
            AgencyKind::ShelterCategorical,
            Region::Rotterdam,
        );
        let far = agency(
            &db,
            "Opvang Noord",
            AgencyKind::ShelterCategorical,
            Region::NoordNederland,
        );
        let police = agency(
            &db,
            "Politie Rotterdam",
            AgencyKind::Police,
            Region::Rotterdam,
        );
        person(&db, &home, "cw@rotterdam.example", Role::Caseworker);
        person(&db, &shelter, "co@rijnmond.example", Role::Coordinator);
        person(&db, &far, "co@noord.example", Role::Coordinator);
        let cw = login!(app, "cw@rotterdam.example");
        let (_, form) = get!(app, cw, "/signals/new");
        let (csrf, once, date) = (hidden(&form, "csrf"), hidden(&form, "once"), today());
        let (_, saved, _) = post!(app, cw, "/signals/new", &signal_fields(&csrf, &once, &date));
        let case_uri = saved.replace("?done=signal_saved", "");
        assert!(case_uri.starts_with("/cases/"), "{backend:?}");
        let (_, case) = get!(app, cw, &case_uri);
        let version = hidden(&case, "version");

        // A legal basis without a reason: the form again, as typed, with the message.
        let consents = format!("{case_uri}/consents");
        let (status, _, page) = post!(
            app,
            cw,
            &consents,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("kind", "legal_basis"),
                ("recipient", "law_enforcement"),
                ("purpose", "law_enforcement"),
                ("legal_basis", "statutory_duty"),
                ("reason", "short"),
                ("given_on", &date),
            ],
        );
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("id=\"reason-error\"") && page.contains(">short</textarea>"));
        assert!(page.contains("value=\"law_enforcement\" checked"));

        // Consent for shelters; a stale version changes nothing; without a token, refused.
        let consent = |token: &str, v: &str| -> Vec<(String, String)> {
            [
                ("csrf", token),
                ("version", v),
                ("kind", "consent"),
                ("recipient", "shelter"),
                ("purpose", "shelter"),
                ("given_by", "person"),
                ("given_on", date.as_str()),
            ]
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
        };
        let forged = consent("vervalst", &version);
        assert_eq!(
            post!(app, cw, &consents, &pairs(&forged)).0,
            StatusCode::FORBIDDEN
        );
        let stale = consent(&csrf, "99");
        let (status, _, page) = post!(app, cw, &consents, &pairs(&stale));
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("changed this case in the meantime"));
        let good = consent(&csrf, &version);
        let (status, recorded, _) = post!(app, cw, &consents, &pairs(&good));
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(
            recorded,
            format!("{case_uri}?done=consent_recorded#consents")
        );
        let (_, case) = get!(app, cw, &format!("{case_uri}?done=consent_recorded"));
        assert!(
            case.contains("consent recorded") && case.contains("holds"),
            "{case}"
        );
        assert!(case.contains("role=\"status\">Consent recorded."), "{case}");

        // The referral form: the directory narrowed to shelters in Rotterdam.
        let new = format!("{case_uri}/referrals/new");
        let (status, page) = get!(
            app,
            cw,
            &format!("{new}?kind=shelter_categorical&region=rotterdam")
        );
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("Opvang Rijnmond") && !page.contains("Opvang Noord"));
        assert!(!page.contains(&format!("value=\"{}\"", police.id)));
        let once = hidden(&page, "once");
        let refer = |to: String| {
            vec![
                ("csrf".to_owned(), csrf.clone()),
                ("once".to_owned(), once.clone()),
                ("kind".to_owned(), "shelter_categorical".to_owned()),
                ("region".to_owned(), "rotterdam".to_owned()),
                ("to_agency".to_owned(), to),
                ("purpose".to_owned(), "shelter".to_owned()),
                ("urgency".to_owned(), "urgent".to_owned()),
                ("message".to_owned(), "Please call today".to_owned()),
            ]
        };
        let (status, _, page) = post!(app, cw, &new, &pairs(&refer(String::new())));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains("id=\"to_agency-error\"")
                && page.contains("Please call today</textarea>")
        );
        assert!(page.contains("value=\"urgent\" checked"));
        let (status, referral_uri, _) =
            post!(app, cw, &new, &pairs(&refer(shelter.id.to_string())));
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert!(referral_uri.starts_with("/referrals/"), "{referral_uri}");
        let (_, again, _) = post!(app, cw, &new, &pairs(&refer(shelter.id.to_string())));
        assert_eq!(again, referral_uri, "sent twice, one referral");
        // The page says it was sent, to whom and until when they may answer; the way
        // back to the case is the next step, and withdrawing needs a confirmation.
        assert!(referral_uri.ends_with("?done=sent"), "{referral_uri}");
        let (_, sent) = get!(app, cw, &referral_uri);
        assert!(
            sent.contains("role=\"status\">Referral sent to Opvang Rijnmond.")
                && sent.contains("have until"),
            "{sent}"
        );
        assert!(sent.contains(&format!(
            "<a class=\"button\" href=\"{case_uri}\">Back to the case"
        )));
        assert!(sent.contains("<details id=\"withdraw\" class=\"confirm\">"));
        let referral_uri = referral_uri.trim_end_matches("?done=sent").to_owned();

        let (status, outgoing) = get!(app, cw, "/outgoing");
        assert_eq!(status, StatusCode::OK);
        assert!(outgoing.contains("Opvang Rijnmond") && outgoing.contains(&referral_uri));
        assert_eq!(
            outgoing
                .matches(&format!("href=\"{referral_uri}\""))
                .count(),
            1
        );

        // The shelter's coordinator: the inbox, no identity before accepting.
        let co = login!(app, "co@rijnmond.example");
        let (_, inbox) = get!(app, co, "/inbox");
        assert!(inbox.contains(&referral_uri) && inbox.contains("Gemeente Rotterdam"));
        let (_, page) = get!(app, co, &referral_uri);
        assert!(!page.contains("Popescu") && !page.contains("/cases/"));
        let co_csrf = hidden(&page, "csrf");
        let (status, _) = get!(app, co, &case_uri);
        assert_eq!(status, StatusCode::NOT_FOUND, "no case before accepting");
        let (status, _, _) = post!(
            app,
            co,
            &format!("{referral_uri}/accept"),
            &[("csrf", &co_csrf), ("version", "1")]
        );
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, page) = get!(app, co, &referral_uri);
        assert!(
            page.contains(&format!("href=\"{case_uri}\"")),
            "a link to the case: {page}"
        );
        let (status, case) = get!(app, co, &case_uri);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            case.contains("Ioana Maria Popescu"),
            "consent covers shelters"
        );
        assert!(
            !case.contains("Record consent"),
            "only the owner records consent"
        );

        // Withdrawn consent: the shelter no longer sees who it is.
        let (_, case) = get!(app, cw, &case_uri);
        let withdraw_at = case.find("/withdraw\"").unwrap();
        let action_start = case[..withdraw_at].rfind("action=\"").unwrap() + 8;
        let withdraw = format!("{}/withdraw", &case[action_start..withdraw_at]);
        let version = hidden(&case, "version");
        let (status, _, _) = post!(
            app,
            cw,
            &withdraw,
            &[("csrf", "vervalst"), ("version", &version)]
        );
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Without the confirmation the form reveals, nothing is withdrawn.
        let (status, _, _) = post!(
            app,
            cw,
            &withdraw,
            &[("csrf", &csrf), ("version", &version)]
        );
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let (_, case) = get!(app, cw, &case_uri);
        assert!(
            !case.contains("consent withdrawn"),
            "not withdrawn unconfirmed"
        );
        assert!(case.contains("<details class=\"confirm\">") && case.contains("Yes, withdraw"));
        let (status, done, _) = post!(
            app,
            cw,
            &withdraw,
            &[("csrf", &csrf), ("version", &version), ("confirm", "yes")]
        );
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert!(done.ends_with("?done=consent_withdrawn#consents"), "{done}");
        let (_, case) = get!(app, cw, &format!("{case_uri}?done=consent_withdrawn"));
        assert!(case.contains("withdrawn") && case.contains("consent withdrawn"));
        assert!(case.contains("role=\"status\">Consent withdrawn."));
        let (status, case) = get!(app, co, &case_uri);
        assert_eq!(status, StatusCode::OK);
        assert!(!case.contains("Popescu") && case.contains("not shared with your agency"));
    }
}

#[actix_web::test]
async fn a_coordinator_redirects_a_referral_to_an_agency_from_the_directory() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app =
            test::init_service(App::new().configure(|c| schakel_web::configure(c, st.clone())))
                .await;
        let home = agency(
            &db,
            "Gemeente Den Haag",
            AgencyKind::Municipality,
            Region::DenHaag,
        );
        let first = agency(
            &db,
            "Zorgcoördinatie Haaglanden",
            AgencyKind::CareCoordination,
            Region::DenHaag,
        );
        let third = agency(
            &db,
            "Opvang Haaglanden",
            AgencyKind::ShelterOther,
            Region::DenHaag,
        );
        person(&db, &home, "cw@denhaag.example", Role::Caseworker);
        person(&db, &first, "co@zorg.example", Role::Coordinator);
        person(&db, &third, "co@opvang.example", Role::Coordinator);
        let cw = login!(app, "cw@denhaag.example");
        let (_, form) = get!(app, cw, "/signals/new");
        let (csrf, once, date) = (hidden(&form, "csrf"), hidden(&form, "once"), today());
        let (_, saved, _) = post!(app, cw, "/signals/new", &signal_fields(&csrf, &once, &date));
        let case_uri = saved.replace("?done=signal_saved", "");
        let (_, page) = get!(app, cw, &format!("{case_uri}/referrals/new"));
        let once = hidden(&page, "once");
        let first_id = first.id.to_string();
        let (status, referral_uri, _) = post!(
            app,
            cw,
            &format!("{case_uri}/referrals/new"),
            &[
                ("csrf", &csrf),
                ("once", &once),
                ("to_agency", &first_id),
                ("purpose", "care_coordination"),
                ("urgency", "normal"),
            ],
        );
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let referral_uri = referral_uri.trim_end_matches("?done=sent").to_owned();

        let co = login!(app, "co@zorg.example");
        let (_, page) = get!(app, co, &format!("{referral_uri}?kind=shelter_other"));
        assert!(page.contains("Redirect to another agency"), "{page}");
        assert!(
            page.contains("Opvang Haaglanden") && !page.contains(&format!("value=\"{}\"", home.id))
        );
        let co_csrf = hidden(&page, "csrf");
        let redirect = format!("{referral_uri}/redirect");
        let (status, _, page) = post!(
            app,
            co,
            &redirect,
            &[
                ("csrf", &co_csrf),
                ("version", "1"),
                ("to_agency", ""),
                ("note", "Beter passend")
            ]
        );
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(
            page.contains("id=\"to_agency-error\"") && page.contains("Beter passend</textarea>")
        );
        let (status, _, _) = post!(
            app,
            co,
            &redirect,
            &[
                ("csrf", "vervalst"),
                ("version", "1"),
                ("to_agency", &third.id.to_string())
            ]
        );
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _) = post!(
            app,
            co,
            &redirect,
            &[
                ("csrf", &co_csrf),
                ("version", "1"),
                ("to_agency", &third.id.to_string())
            ]
        );
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let (_, page) = get!(app, co, &referral_uri);
        assert!(page.contains("redirected"), "{page}");

        let other = login!(app, "co@opvang.example");
        let (_, inbox) = get!(app, other, "/inbox");
        assert!(inbox.contains("Gemeente Den Haag") && inbox.contains("care coordination"));
        // The new referral is open; the redirected one has ended.
        let (_, outgoing) = get!(app, cw, "/outgoing");
        assert!(outgoing.contains("Opvang Haaglanden") && !outgoing.contains("redirected"));
        let (_, ended) = get!(app, cw, "/outgoing?view=closed");
        assert!(
            ended.contains("redirected") && !ended.contains("Opvang Haaglanden"),
            "{ended}"
        );
    }
}

#[actix_web::test]
async fn the_password_changes_only_with_the_current_one_and_a_policy_proof_new_one() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app =
            test::init_service(App::new().configure(|c| schakel_web::configure(c, st.clone())))
                .await;
        let home = agency(
            &db,
            "Inspectie SZW",
            AgencyKind::LabourInspectorate,
            Region::National,
        );
        person(&db, &home, "cw@szw.example", Role::Caseworker);
        let cw = login!(app, "cw@szw.example");
        let (status, page) = get!(app, cw, "/account/password");
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("<label for=\"current\">") && page.contains("<label for=\"new\">"));
        let csrf = hidden(&page, "csrf");
        let new = "lantaarn oever mossel vijftien";
        let change = |token: &str, current: &str, new: &str, again: &str| {
            encode(&[
                ("csrf", token),
                ("current", current),
                ("new", new),
                ("again", again),
            ])
        };
        macro_rules! send {
            ($form:expr) => {{
                let res = test::call_service(
                    &app,
                    TestRequest::post()
                        .uri("/account/password")
                        .cookie(cw.clone())
                        .insert_header(("content-type", "application/x-www-form-urlencoded"))
                        .set_payload($form)
                        .to_request(),
                )
                .await;
                (res.status(), body(res).await)
            }};
        }
        let (status, _) = send!(change("vervalst", PASSWORD, new, new));
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, page) = send!(change(&csrf, "niet het wachtwoord", new, new));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(
            page.contains("id=\"current-error\"") && page.contains("current password is not right")
        );
        assert!(
            !page.contains("niet het wachtwoord") && !page.contains(new),
            "no password echoed"
        );
        let (status, page) = send!(change(&csrf, PASSWORD, new, "iets anders"));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("id=\"again-error\""));
        let (status, page) = send!(change(&csrf, PASSWORD, "kort", "kort"));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("id=\"new-error\"") && page.contains("at least 15 characters"));
        let (status, page) = send!(change(&csrf, PASSWORD, new, new));
        assert_eq!(status, StatusCode::OK, "{backend:?}: {page}");
        assert!(page.contains("Your password was changed"));
        // The new password logs in.
        let _ = login!(app, "cw@szw.example", password: new);
    }
}

/// The catalog keys; a page showing one as text lacks a string in its language.
fn keys() -> Vec<String> {
    include_str!("../../locales/en.toml")
        .lines()
        .filter_map(|l| l.strip_prefix('"')?.split('"').next().map(str::to_owned))
        .collect()
}

#[actix_web::test]
async fn every_case_work_page_speaks_dutch_and_english_without_a_missing_string() {
    let backend = selected_backends()[0];
    let db = TestDb::new(backend);
    let st = state(&db);
    let app =
        test::init_service(App::new().configure(|c| schakel_web::configure(c, st.clone()))).await;
    let home = agency(
        &db,
        "Gemeente Zwolle",
        AgencyKind::Municipality,
        Region::OostNederland,
    );
    let to = agency(
        &db,
        "Opvang IJssel",
        AgencyKind::ShelterOther,
        Region::OostNederland,
    );
    person(&db, &home, "cw@zwolle.example", Role::Caseworker);
    person(&db, &to, "co@ijssel.example", Role::Coordinator);
    {
        let mut conn = db.pool.get().unwrap();
        let u = users::find_by_email(&mut conn, "co@ijssel.example")
            .unwrap()
            .unwrap();
        users::set_locale(&mut conn, u.id, "nl", chrono::Utc::now()).unwrap();
    }
    let cw = login!(app, "cw@zwolle.example");
    let (_, form) = get!(app, cw, "/signals/new");
    let (csrf, once, date) = (hidden(&form, "csrf"), hidden(&form, "once"), today());
    let (_, saved, _) = post!(app, cw, "/signals/new", &signal_fields(&csrf, &once, &date));
    let case_uri = saved.replace("?done=signal_saved", "");
    let (_, page) = get!(app, cw, &format!("{case_uri}/referrals/new"));
    let once = hidden(&page, "once");
    let to_id = to.id.to_string();
    let (_, referral_uri, _) = post!(
        app,
        cw,
        &format!("{case_uri}/referrals/new"),
        &[
            ("csrf", csrf.as_str()),
            ("once", once.as_str()),
            ("to_agency", to_id.as_str()),
            ("purpose", "shelter"),
            ("urgency", "normal"),
        ]
    );
    let co = login!(app, "co@ijssel.example");
    let keys = keys();
    let english = [
        "/".to_owned(),
        "/signals/new".to_owned(),
        case_uri.clone(),
        format!("{case_uri}/referrals/new"),
        "/outgoing".to_owned(),
        referral_uri.clone(),
        "/account/password".to_owned(),
    ];
    for uri in &english {
        let (status, page) = get!(app, cw, uri);
        assert_eq!(status, StatusCode::OK, "{backend:?} {uri}");
        assert!(page.contains("<html lang=\"en\">"));
        for k in &keys {
            assert!(!page.contains(&format!(">{k}<")), "{uri} shows the key {k}");
        }
    }
    for uri in [
        "/",
        "/inbox",
        referral_uri.as_str(),
        "/account/password",
        "/signals/new",
    ] {
        let (status, page) = get!(app, co, uri);
        assert_eq!(status, StatusCode::OK, "{backend:?} {uri}");
        assert!(page.contains("<html lang=\"nl\">"));
        for k in &keys {
            assert!(!page.contains(&format!(">{k}<")), "{uri} shows the key {k}");
        }
    }
    let (_, page) = get!(app, co, referral_uri);
    assert!(
        page.contains("Doorverwijzen naar een andere organisatie"),
        "{page}"
    );
    let (_, page) = get!(app, co, "/signals/new");
    assert!(page.contains("Signaal melden") && page.contains("Schuldslavernij"));

    // A long summary in another script fits in the form.
    let once = hidden(&page, "once");
    let co_csrf = hidden(&page, "csrf");
    let summary = "Ж".repeat(3900);
    let mut fields = signal_fields(&co_csrf, &once, &date);
    fields.retain(|(k, _)| *k != "summary");
    fields.push(("summary", &summary));
    let (status, to, _) = post!(app, co, "/signals/new", &fields);
    assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
    assert!(to.starts_with("/cases/"));
}
