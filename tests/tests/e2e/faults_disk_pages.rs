//! The pages on a full disk, as a coordinator, an admin and a caseworker meet them in
//! the browser: SQLite on a small file system that fills up while they are signed in.
//! Accepting a referral, adding an agency and opening a case page (whose reading must be
//! audited) each answer `503` with the page that says nothing was saved and to try again
//! (never a bare server error); once there is room the same forms, sent again, do what
//! they say, once, and the referral was not accepted in between. SQLite leg, as root.

use crate::faults_disk::SmallDisk;
use schakel_e2e::api::{call, token};
use schakel_e2e::{Server, browser};
use schakel_store::Backend;
use schakel_store::testing::selected_backends;

const PASSWORD: &str = "oranje fiets lantaarn 42";
/// Whether `page` is the unavailable page, which says nothing was saved (in the
/// viewer's language: the demo's accounts read Dutch).
fn says_nothing_was_saved(page: &str) -> bool {
    page.contains("er is niets opgeslagen") || page.contains("nothing was saved")
}

/// Signs in as `email` with the demo's password: the session cookie.
fn signed_in(server: &Server, http: &reqwest::blocking::Client, email: &str) -> String {
    browser::sign_in(server, http, email, PASSWORD)
}

/// The state of the referral `id` as `token` reads it.
fn state_of(server: &Server, token: &str, id: &str) -> serde_json::Value {
    let (_, referral, _) = call(
        server,
        token,
        "GET",
        &format!("/api/v1/referrals/{id}"),
        None,
        None,
    );
    referral["state"].clone()
}

/// The value of the hidden field `name` in `page`.
fn hidden(page: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let at = page.find(&needle).unwrap_or_else(|| panic!("{name}")) + needle.len();
    page[at..].split('"').next().unwrap().to_owned()
}

/// A page for the browser with `session`: status and body.
fn get(
    server: &Server,
    http: &reqwest::blocking::Client,
    session: &str,
    path: &str,
) -> (u16, String) {
    let res = http
        .get(server.url(path))
        .header("cookie", session)
        .send()
        .unwrap();
    (res.status().as_u16(), res.text().unwrap())
}

/// A form sent by the browser with `session`: status and body.
fn post(
    server: &Server,
    http: &reqwest::blocking::Client,
    session: &str,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let res = http
        .post(server.url(path))
        .header("cookie", session)
        .form(form)
        .send()
        .unwrap();
    (res.status().as_u16(), res.text().unwrap())
}

#[test]
fn on_a_full_disk_the_pages_say_nothing_was_saved_and_the_same_forms_work_afterwards() {
    if !selected_backends().contains(&Backend::Sqlite) {
        return; // The SQLite leg runs it.
    }
    let Some(disk) = SmallDisk::mount("8m") else {
        return;
    };
    let db_url = disk.dir.path().join("schakel.db").display().to_string();
    let server = Server::start_with(&db_url, &["--demo"], &[]);
    let http = browser::client();
    let coordinator = signed_in(&server, &http, "coordinator@demo.schakel.invalid");
    let admin = signed_in(&server, &http, "admin@demo.schakel.invalid");
    let caseworker = signed_in(&server, &http, "caseworker@demo.schakel.invalid");
    let cw = token(&server, "caseworker@demo.schakel.invalid");
    let (_, cases, _) = call(&server, &cw, "GET", "/api/v1/cases?limit=1", None, None);
    let case = cases["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, _) = get(&server, &http, &caseworker, &format!("/cases/{case}"));
    assert_eq!(status, 200, "the case page before the disk fills");

    // The demo's referral waiting in the coordinator's inbox, and its page's form.
    let co = token(&server, "coordinator@demo.schakel.invalid");
    let (_, waiting, _) = call(
        &server,
        &co,
        "GET",
        "/api/v1/referrals?box=incoming",
        None,
        None,
    );
    let referral = waiting["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["state"] == "sent")
        .unwrap_or_else(|| panic!("a pending referral in the demo inbox: {waiting}"));
    let id = referral["id"].as_str().unwrap().to_owned();
    let (status, page) = get(&server, &http, &coordinator, &format!("/referrals/{id}"));
    assert_eq!(status, 200);
    let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));
    let accept = [("csrf", csrf.as_str()), ("version", version.as_str())];
    let (status, page) = get(&server, &http, &admin, "/admin/agencies");
    assert_eq!(status, 200);
    let admin_csrf = hidden(&page, "csrf");
    let agency = [
        ("csrf", admin_csrf.as_str()),
        ("name", "Opvang Schijfvol"),
        ("kind", "shelter_other"),
        ("region", "midden_nederland"),
        ("contact_email", "opvang@schijfvol.example"),
    ];

    let filler = disk.fill();
    let accept_path = format!("/referrals/{id}/accept");
    let (status, page) = post(&server, &http, &coordinator, &accept_path, &accept);
    assert_eq!(status, 503, "accepting on a full disk: {page}");
    assert!(
        says_nothing_was_saved(&page),
        "the page says nothing was saved: {page}"
    );
    let (status, page) = post(&server, &http, &admin, "/admin/agencies", &agency);
    assert_eq!(status, 503, "adding an agency on a full disk: {page}");
    assert!(says_nothing_was_saved(&page), "{page}");
    // Reading person data must be audited: on a full disk it does not happen.
    let (status, page) = get(&server, &http, &caseworker, &format!("/cases/{case}"));
    assert_eq!(status, 503, "a case page on a full disk: {page}");
    assert!(says_nothing_was_saved(&page), "{page}");

    std::fs::remove_file(filler).unwrap();
    assert_eq!(
        state_of(&server, &co, &id),
        "sent",
        "the refused accept changed nothing"
    );
    let (status, page) = post(&server, &http, &coordinator, &accept_path, &accept);
    assert_eq!(
        status, 303,
        "the same form accepts once there is room: {page}"
    );
    assert_eq!(state_of(&server, &co, &id), "accepted");
    let (status, page) = post(&server, &http, &admin, "/admin/agencies", &agency);
    assert_eq!(
        status, 303,
        "the same agency is added once there is room: {page}"
    );
    let (_, page) = get(&server, &http, &admin, "/admin/agencies");
    assert_eq!(
        page.matches("Opvang Schijfvol").count(),
        1,
        "the agency exists once"
    );
    eprintln!(
        "faults: Sqlite: file system full: the accept and admin forms answered 503 with the \
         unavailable page; sent again with room, each was done once"
    );
}
