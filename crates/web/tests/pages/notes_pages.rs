//! Notes on the case page over HTTP, on every backend, as a user sees them: a caseworker
//! adds a note and finds it on the case, oldest first; bad input comes back as typed with
//! a message next to the field; a form without the session's CSRF token changes nothing;
//! a shared note reaches the agency that accepted a referral of the case and an
//! own-agency note does not; the author changes a note for thirty minutes and then it is
//! fixed; another agency finds neither the case nor the edit page.

use crate::case_close_pages::{get, login};
use crate::support::{PASSWORD, body, header, state};
use actix_web::App;
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{AgencyKind, Clock, ManualClock, Region, Role};
use schakel_store::agencies::{self, NewAgency};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users::{self, NewUser};
use schakel_web::WebState;
use secrecy::SecretString;
use std::sync::Arc;

/// The pages over `db` on a clock that moves only when told; sessions outlast the moves.
fn state_on(db: &TestDb, clock: &ManualClock) -> WebState {
    let mut st = state(db);
    let mut auth = (*st.auth).clone();
    auth.idle_timeout_secs = 4 * 3600;
    st.auth = Arc::new(auth);
    st.clock = Arc::new(clock.clone());
    st
}

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

fn person(db: &TestDb, agency: &agencies::Agency, email: &str, name: &str, role: Role) {
    let hash = schakel_auth::password::hash(&SecretString::from(PASSWORD)).unwrap();
    let mut conn = db.pool.get().unwrap();
    users::insert(
        &mut conn,
        &NewUser {
            agency_id: agency.id,
            email,
            display_name: name,
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

/// Fails when a page shows a catalog key of the notes instead of its text.
fn no_keys(page: &str) {
    let keys = include_str!("../../locales/en.toml")
        .lines()
        .filter_map(|l| l.strip_prefix('"')?.split('"').next())
        .filter(|k| k.starts_with("note") || k.starts_with("invalid.note"));
    for k in keys {
        assert!(!page.contains(&format!(">{k}<")), "shows the key {k}");
    }
}

/// The address a browser asks for when sent to `to` (without its fragment).
fn page_of(to: &str) -> String {
    to.split('#').next().unwrap_or_default().to_owned()
}

/// The edit links of a case page, in their order.
fn edit_links(page: &str) -> Vec<String> {
    page.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|href| href.contains("/notes/") && href.ends_with("/edit"))
        .map(str::to_owned)
        .collect()
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

/// The note form filled in.
fn note<'a>(
    csrf: &'a str,
    kind: &'a str,
    on: &'a str,
    visibility: &'a str,
    text: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("kind", kind),
        ("occurred_on", on),
        ("visibility", visibility),
        ("text", text),
    ]
}

/// Logs a signal about a person from the form as `$session`: the case's address, the
/// session's CSRF token and the day.
macro_rules! open_case {
    ($app:expr, $session:expr, $clock:expr) => {{
        let (_, form) = get!($app, $session, "/signals/new");
        let (csrf, once) = (hidden(&form, "csrf"), hidden(&form, "once"));
        let day = $clock.now().date_naive().format("%Y-%m-%d").to_string();
        let (status, case_uri, _) = post!(
            $app,
            $session,
            "/signals/new",
            &[
                ("csrf", csrf.as_str()),
                ("once", once.as_str()),
                ("observed_on", day.as_str()),
                ("region", "amsterdam"),
                ("form", "labour"),
                ("reporting_basis", "consent"),
                ("given_names", "Ioana Maria"),
                ("family_name", "Popescu"),
                ("gender", "female"),
            ]
        );
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(case_uri.starts_with("/cases/"), "{case_uri}");
        let case_uri = case_uri.replace("?done=signal_saved", "");
        (case_uri, csrf, day)
    }};
}

#[actix_web::test]
async fn a_caseworker_adds_notes_and_bad_input_or_a_forged_form_changes_nothing() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let clock = ManualClock::new(chrono::Utc::now());
        let st = state_on(&db, &clock);
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
        person(
            &db,
            &home,
            "cw@amsterdam.example",
            "Sanne Bakker",
            Role::Caseworker,
        );
        person(
            &db,
            &other,
            "cw@utrecht.example",
            "Joris Vos",
            Role::Caseworker,
        );
        let cw = login!(app, "cw@amsterdam.example");
        let (case_uri, csrf, day) = open_case!(app, cw, clock);
        let notes = format!("{case_uri}/notes");

        // The section and its empty form: today, own agency only, labelled.
        let (status, case) = get!(app, cw, &case_uri);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(case.contains("id=\"notes\"") && case.contains("No notes yet."));
        assert!(
            case.contains(&format!("action=\"{case_uri}\""))
                && case.contains("name=\"form_kind\" value=\"note\""),
            "{case}"
        );
        assert!(case.contains(&format!(
            "id=\"occurred_on\" name=\"occurred_on\" type=\"date\" required value=\"{day}\""
        )));
        assert!(case.contains("value=\"own_agency\" checked"));
        assert!(
            case.contains("<label for=\"note_kind\">")
                && case.contains("<label for=\"note_text\">")
        );
        assert!(case.contains("<legend>Who may read it</legend>"));

        // Without the session's token: refused, nothing written.
        let text = "Called her at the shelter.\nShe is safe and wants to talk on Monday.";
        let mut forged = note(&csrf, "phone_call", &day, "own_agency", text);
        forged[0] = ("csrf", "vervalst");
        let (status, _, _) = post!(app, cw, &notes, &forged);
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");
        let mut missing = note(&csrf, "phone_call", &day, "own_agency", text);
        missing.remove(0);
        let (status, _, _) = post!(app, cw, &notes, &missing);
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, case) = get!(app, cw, &case_uri);
        assert!(case.contains("No notes yet.") && !case.contains("Called her"));

        // No text: the case page again with the form as typed and the message.
        let (status, _, page) = post!(
            app,
            cw,
            &notes,
            &note(&csrf, "phone_call", "2026-01-05", "shared", "  ")
        );
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("id=\"note_text-error\"") && page.contains("Write what happened."));
        assert!(page.contains("aria-invalid=\"true\" aria-describedby=\"note_text-error\""));
        assert!(page.contains("value=\"phone_call\" selected"), "kind kept");
        assert!(page.contains("value=\"shared\" checked"), "visibility kept");
        assert!(page.contains("value=\"2026-01-05\""), "date kept");
        assert!(page.contains("role=\"alert\""));
        // A day still to come: refused by the use case, next to the date, text kept.
        let (status, _, page) = post!(
            app,
            cw,
            &notes,
            &note(&csrf, "visit", "2999-01-01", "own_agency", "Visited her")
        );
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains("id=\"occurred_on-error\"") && page.contains("cannot be in the future")
        );
        assert!(page.contains(">Visited her</textarea>"));
        let (_, case) = get!(app, cw, &case_uri);
        assert!(case.contains("No notes yet."), "nothing written");

        // Written: back to the notes, confirmed, with line breaks, author and audience.
        let (status, to, _) = post!(
            app,
            cw,
            &notes,
            &note(&csrf, "phone_call", &day, "own_agency", text)
        );
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, format!("{case_uri}?done=note_added#notes"));
        clock.advance(chrono::Duration::minutes(1));
        let (status, _, _) = post!(
            app,
            cw,
            &notes,
            &note(&csrf, "observation", &day, "shared", "Second note")
        );
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, case) = get!(app, cw, page_of(&to));
        assert_eq!(status, StatusCode::OK);
        assert!(case.contains("The note was added."), "{case}");
        assert!(
            case.contains(&format!("<p class=\"message\">{text}</p>")),
            "{case}"
        );
        assert!(case.contains("Sanne Bakker (Gemeente Amsterdam)"));
        assert!(case.contains(&format!("{day} · phone call")));
        assert!(
            case.contains("own agency only")
                && case.contains("also visible to agencies sharing this case")
        );
        assert!(case.contains("note added"), "on the timeline");
        let first = case.find("Called her").unwrap();
        assert!(first < case.find("Second note").unwrap(), "oldest first");
        assert_eq!(
            edit_links(&case).len(),
            2,
            "the author may still change both"
        );
        let (_, plain) = get!(app, cw, &case_uri);
        assert!(!plain.contains("The note was added."));

        // Another agency: neither the case nor the edit page nor the form is there.
        let stranger = login!(app, "cw@utrecht.example");
        let (status, page) = get!(app, stranger, &case_uri);
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}");
        assert!(!page.contains("Called her"));
        for link in edit_links(&case) {
            let (status, page) = get!(app, stranger, &link);
            assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?} {link}");
            assert!(!page.contains("Called her") && !page.contains("Second note"));
            let stranger_csrf = hidden(&get!(app, stranger, "/").1, "csrf");
            let (status, _, _) = post!(
                app,
                stranger,
                &link,
                &[
                    ("csrf", stranger_csrf.as_str()),
                    ("version", "1"),
                    ("kind", "other"),
                    ("occurred_on", day.as_str()),
                    ("visibility", "shared"),
                    ("text", "Overwritten"),
                ]
            );
            assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?} {link}");
        }
        let stranger_csrf = hidden(&get!(app, stranger, "/").1, "csrf");
        let (status, _, _) = post!(
            app,
            stranger,
            &notes,
            &note(&stranger_csrf, "other", &day, "shared", "Not mine")
        );
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, case) = get!(app, cw, &case_uri);
        assert!(!case.contains("Overwritten") && !case.contains("Not mine"));
    }
}

#[actix_web::test]
async fn a_shared_note_reaches_the_agency_that_accepted_the_referral_and_an_own_one_does_not() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let clock = ManualClock::new(chrono::Utc::now());
        let st = state_on(&db, &clock);
        let app =
            test::init_service(App::new().configure(|c| schakel_web::configure(c, st.clone())))
                .await;
        let home = agency(
            &db,
            "Gemeente Amsterdam",
            AgencyKind::Municipality,
            Region::Amsterdam,
        );
        let shelter = agency(
            &db,
            "Opvang Amstel",
            AgencyKind::ShelterOther,
            Region::Amsterdam,
        );
        person(
            &db,
            &home,
            "cw@amsterdam.example",
            "Sanne Bakker",
            Role::Caseworker,
        );
        person(
            &db,
            &shelter,
            "co@amstel.example",
            "Fatima El Idrissi",
            Role::Coordinator,
        );
        {
            let mut conn = db.pool.get().unwrap();
            let u = users::find_by_email(&mut conn, "co@amstel.example")
                .unwrap()
                .unwrap();
            users::set_locale(&mut conn, u.id, "nl", chrono::Utc::now()).unwrap();
        }
        let cw = login!(app, "cw@amsterdam.example");
        let (case_uri, csrf, day) = open_case!(app, cw, clock);
        let notes = format!("{case_uri}/notes");
        for (visibility, text) in [
            ("shared", "Shared with the shelter"),
            ("own_agency", "For us alone"),
        ] {
            let (status, _, _) = post!(
                app,
                cw,
                &notes,
                &note(&csrf, "meeting", &day, visibility, text)
            );
            assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
            clock.advance(chrono::Duration::minutes(1));
        }
        let (_, case) = get!(app, cw, &case_uri);
        let links = edit_links(&case);
        assert_eq!(links.len(), 2);

        // The referral, and the shelter before and after accepting it.
        let (_, page) = get!(app, cw, &format!("{case_uri}/referrals/new"));
        let once = hidden(&page, "once");
        let to = shelter.id.to_string();
        let (status, referral_uri, _) = post!(
            app,
            cw,
            &format!("{case_uri}/referrals/new"),
            &[
                ("csrf", csrf.as_str()),
                ("once", once.as_str()),
                ("to_agency", to.as_str()),
                ("purpose", "shelter"),
                ("urgency", "normal"),
            ]
        );
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let referral_uri = referral_uri.trim_end_matches("?done=sent").to_owned();
        let co = login!(app, "co@amstel.example");
        let (status, _) = get!(app, co, &case_uri);
        assert_eq!(status, StatusCode::NOT_FOUND, "no case before accepting");
        let (status, _) = get!(app, co, &links[0]);
        assert_eq!(status, StatusCode::NOT_FOUND, "no note before accepting");
        let (_, page) = get!(app, co, &referral_uri);
        let co_csrf = hidden(&page, "csrf");
        let (status, _, _) = post!(
            app,
            co,
            &format!("{referral_uri}/accept"),
            &[("csrf", co_csrf.as_str()), ("version", "1")]
        );
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");

        let (status, case) = get!(app, co, &case_uri);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(case.contains("Shared with the shelter"), "{case}");
        assert!(case.contains("Sanne Bakker (Gemeente Amsterdam)"));
        assert!(
            !case.contains("For us alone"),
            "an own-agency note stays home"
        );
        assert!(
            case.contains("<h2 id=\"notes\">Aantekeningen</h2>"),
            "in Dutch"
        );
        assert!(case.contains("ook zichtbaar voor organisaties die deze casus delen"));
        assert!(case.contains("overleg") && case.contains("Aantekening toevoegen"));
        no_keys(&case);
        assert!(
            edit_links(&case).is_empty(),
            "only the author changes a note"
        );
        let (status, page) = get!(app, co, &links[0]);
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{backend:?}: readable, not theirs"
        );
        assert!(!page.contains("name=\"text\""));
        let (status, page) = get!(app, co, &links[1]);
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}: not readable");
        assert!(!page.contains("For us alone"));
        let (status, _, _) = post!(
            app,
            co,
            &links[0],
            &[
                ("csrf", co_csrf.as_str()),
                ("version", "1"),
                ("kind", "other"),
                ("occurred_on", day.as_str()),
                ("visibility", "shared"),
                ("text", "Changed by the shelter"),
            ]
        );
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");

        // The shelter writes too; its shared note reaches the owner, its own one not.
        for (visibility, text) in [
            ("shared", "Arrived at the shelter"),
            ("own_agency", "Room 12"),
        ] {
            let (status, _, _) = post!(
                app,
                co,
                &notes,
                &note(&co_csrf, "visit", &day, visibility, text)
            );
            assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        }
        let (_, case) = get!(app, cw, &case_uri);
        assert!(
            case.contains("Arrived at the shelter")
                && case.contains("Fatima El Idrissi (Opvang Amstel)")
        );
        assert!(!case.contains("Room 12") && !case.contains("Changed by the shelter"));
        assert!(case.contains("For us alone"));
    }
}

#[actix_web::test]
async fn the_author_changes_a_note_for_thirty_minutes_and_then_it_is_fixed() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let clock = ManualClock::new(chrono::Utc::now());
        let st = state_on(&db, &clock);
        let app =
            test::init_service(App::new().configure(|c| schakel_web::configure(c, st.clone())))
                .await;
        let home = agency(
            &db,
            "Gemeente Amsterdam",
            AgencyKind::Municipality,
            Region::Amsterdam,
        );
        person(
            &db,
            &home,
            "cw@amsterdam.example",
            "Sanne Bakker",
            Role::Caseworker,
        );
        let cw = login!(app, "cw@amsterdam.example");
        let (case_uri, csrf, day) = open_case!(app, cw, clock);
        let (status, _, _) = post!(
            app,
            cw,
            &format!("{case_uri}/notes"),
            &note(&csrf, "contact", &day, "own_agency", "First words")
        );
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let (_, case) = get!(app, cw, &case_uri);
        let link = edit_links(&case).pop().unwrap();
        assert!(link.starts_with(&format!("{case_uri}/notes/")), "{link}");

        // The edit page: the note in the form, its version.
        let (status, page) = get!(app, cw, &link);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            page.contains(">First words</textarea>") && page.contains("value=\"contact\" selected")
        );
        assert!(
            page.contains("value=\"own_agency\" checked")
                && page.contains(&format!("value=\"{day}\""))
        );
        assert!(page.contains(&format!("action=\"{link}\"")));
        no_keys(&page);
        let version = hidden(&page, "version");
        let edit = |token: &'static str, version: &str, text: &str| -> Vec<(String, String)> {
            [
                (
                    "csrf",
                    if token.is_empty() {
                        csrf.as_str()
                    } else {
                        token
                    },
                ),
                ("version", version),
                ("kind", "phone_call"),
                ("occurred_on", day.as_str()),
                ("visibility", "shared"),
                ("text", text),
            ]
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
        };
        let send = |v: &[(String, String)]| {
            encode(
                &v.iter()
                    .map(|(a, b)| (a.as_str(), b.as_str()))
                    .collect::<Vec<_>>(),
            )
        };
        macro_rules! save {
            ($fields:expr) => {{
                let res = test::call_service(
                    &app,
                    TestRequest::post()
                        .uri(&link)
                        .cookie(cw.clone())
                        .insert_header(("content-type", "application/x-www-form-urlencoded"))
                        .set_payload(send(&$fields))
                        .to_request(),
                )
                .await;
                let (status, to) = (res.status(), header(&res, "location"));
                (status, to, body(res).await)
            }};
        }

        // Forged, empty, stale: nothing changes.
        let (status, _, _) = save!(edit("vervalst", &version, "Forged"));
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, page) = save!(edit("", &version, ""));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(
            page.contains("id=\"note_text-error\"")
                && page.contains("value=\"phone_call\" selected")
        );
        let (status, _, page) = save!(edit("", "99", "Stale"));
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("changed in the meantime") && page.contains("First words"));
        let (status, _, _) = save!(edit("", "first", "Not a version"));
        assert_eq!(status, StatusCode::CONFLICT);

        // Within the window: saved.
        clock.advance(chrono::Duration::minutes(20));
        let (status, to, _) = save!(edit("", &version, "Better words"));
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, format!("{case_uri}?done=note_saved#notes"));
        let (_, case) = get!(app, cw, page_of(&to));
        assert!(case.contains("The note was saved.") && case.contains("Better words"));
        assert!(
            !case.contains("First words") && !case.contains("Forged") && !case.contains("Stale")
        );
        assert!(
            case.contains("phone call")
                && case.contains("also visible to agencies sharing this case")
        );
        assert_eq!(edit_links(&case), vec![link.clone()]);

        // Thirty minutes after writing it: fixed, no link, the change refused.
        clock.advance(chrono::Duration::minutes(11));
        let (status, case) = get!(app, cw, &case_uri);
        assert_eq!(status, StatusCode::OK);
        assert!(
            edit_links(&case).is_empty(),
            "{backend:?}: no edit link once fixed"
        );
        let (status, page) = get!(app, cw, &link);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(
            page.contains("can no longer be changed") && !page.contains(">Better words</textarea>")
        );
        let (status, _, page) = save!(edit("", "2", "Too late"));
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("can no longer be changed"));
        let (_, case) = get!(app, cw, &case_uri);
        assert!(case.contains("Better words") && !case.contains("Too late"));
    }
}
