//! Whether the person on the signal form is already known, over HTTP, on every backend:
//! the check finds the agency's own case of a person with the same family name (folded)
//! and date of birth and links it; another date of birth, or another agency's case of
//! the same person, is not shown; without a date of birth it asks for one; the form
//! comes back as typed, kept as its draft.

use crate::case_close_pages::{account, agencies, app, get, hidden, login, named, open_case, post};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::Role;
use schakel_store::testing::{TestDb, selected_backends};

#[actix_web::test]
async fn the_signal_form_shows_the_agencys_own_case_of_a_known_person_and_no_other() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, utrecht) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let other = account(&db, utrecht, "cw@utrecht.example", Role::Caseworker);
        let born = Some("1999-04-02");
        let known = open_case(
            &db,
            &st,
            &cw,
            named("Ioana", "Popescu", born),
            "amsterdam",
            "labour",
        );
        let theirs = open_case(
            &db,
            &st,
            &other,
            named("Ioana", "Popescu", born),
            "amsterdam",
            "labour",
        );
        let session = login!(app, "cw@amsterdam.example");
        let (_, page) = get!(app, session, "/signals/new");
        assert!(page.contains("formaction=\"/signals/new/check\""), "{page}");
        let (csrf, once) = (hidden(&page, "csrf"), hidden(&page, "once"));
        let form = |family: &str, dob: &str| {
            vec![
                ("csrf".to_owned(), csrf.clone()),
                ("once".to_owned(), once.clone()),
                ("draft_id".to_owned(), String::new()),
                ("summary".to_owned(), "Gezien bij de haven".to_owned()),
                ("family_name".to_owned(), family.to_owned()),
                ("date_of_birth".to_owned(), dob.to_owned()),
            ]
        };
        let check = "/signals/new/check";

        // Found, folded: the agency's own case, linked; not the other agency's.
        let (status, _, page) = post!(app, session, check, &form(" POPESCU ", "1999-04-02"));
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            page.contains(&format!("href=\"/cases/{}\"", known.id)),
            "{page}"
        );
        assert!(page.contains(&known.reference));
        assert!(
            !page.contains(&theirs.id.to_string()),
            "never another agency's"
        );
        assert!(
            page.contains("Gezien bij de haven</textarea>"),
            "the form as typed"
        );
        assert!(!hidden(&page, "draft_id").is_empty(), "kept as its draft");

        // Another date of birth: not known. No date of birth: asks for it.
        let (_, _, page) = post!(app, session, check, &form("Popescu", "1999-04-03"));
        assert!(page.contains("Your agency has no case of a person with this family name"));
        let (_, _, page) = post!(app, session, check, &form("Popescu", ""));
        assert!(page.contains("Type the family name and the date of birth to check."));

        // A forged check does nothing.
        let mut forged = form("Popescu", "1999-04-02");
        forged[0].1 = "vervalst".to_owned();
        let (status, _, _) = post!(app, session, check, &forged);
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}
