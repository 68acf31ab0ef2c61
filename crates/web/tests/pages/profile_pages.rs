//! A coordinator keeps the agency's entry in the directory from its page, over HTTP, on
//! every backend: the form shows what is kept (nothing at first), a save is confirmed
//! and then shown with when and by whom the places were reported; free places over the
//! total are refused next to the field and in the summary, nothing saved; a form from
//! an older version changes nothing; a caseworker is refused the page and its form.

use crate::case_close_pages::{account, agencies, app, get, hidden, login, post};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::Role;
use schakel_store::testing::{TestDb, selected_backends};

#[actix_web::test]
async fn a_coordinator_keeps_the_agency_profile_from_its_page() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (_, shelter, _) = agencies(&db);
        account(&db, shelter, "co@amstel.example", Role::Coordinator);
        account(&db, shelter, "cw@amstel.example", Role::Caseworker);
        let co = login!(app, "co@amstel.example");

        let (status, page) = get!(app, co, "/agency/profile");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("href=\"/agency/profile\""), "in the menu");
        assert!(page.contains("Fill in the places if your agency has them"));
        let csrf = hidden(&page, "csrf");
        assert_eq!(hidden(&page, "version"), "0");

        // Free places over the total: refused next to the field, nothing saved.
        let too_many = [
            ("csrf", csrf.as_str()),
            ("version", "0"),
            ("places_total", "4"),
            ("places_free", "6"),
            ("languages", "nl, ro"),
        ];
        let (status, _, page) = post!(app, co, "/agency/profile", &too_many);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("id=\"places_free-error\""), "{page}");
        assert!(page.contains(
            "<a href=\"#places_free-error\">Places free: There cannot be more places free than there are in total.</a>"
        ));
        assert!(page.contains("value=\"nl, ro\""), "what was typed is kept");

        // Saved: confirmed, and shown with when and by whom.
        let fine = [
            ("csrf", csrf.as_str()),
            ("version", "0"),
            ("places_total", "4"),
            ("places_free", "1"),
            ("service", "shelter_places"),
            ("gender", "female"),
            ("languages", "nl, RO"),
        ];
        let (status, to, _) = post!(app, co, "/agency/profile", &fine);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, "/agency/profile?done=saved");
        let (_, page) = get!(app, co, to);
        assert!(page.contains("role=\"status\">Saved."), "{page}");
        assert!(page.contains("by Sanne Bakker"), "{page}");
        assert!(page.contains("value=\"nl, ro\""));
        assert!(page.contains(
            "id=\"service-shelter_places\" name=\"service\" value=\"shelter_places\" checked"
        ));
        assert!(page.contains("id=\"gender-female\" name=\"gender\" value=\"female\" checked"));
        assert_eq!(hidden(&page, "version"), "1");

        // The form of version 0 again: the profile changed meanwhile; nothing changes.
        let (status, _, _) = post!(app, co, "/agency/profile", &fine);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        let (_, page) = get!(app, co, "/agency/profile");
        assert_eq!(hidden(&page, "version"), "1");

        // A caseworker: no page, no save.
        let cw = login!(app, "cw@amstel.example");
        let (status, page) = get!(app, cw, "/agency/profile");
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");
        assert!(
            !page.contains("href=\"/agency/profile\""),
            "not in the menu"
        );
        let cw_csrf = hidden(&page, "csrf");
        let forged = [
            ("csrf", cw_csrf.as_str()),
            ("version", "1"),
            ("places_total", "0"),
            ("places_free", "0"),
        ];
        let (status, _, _) = post!(app, cw, "/agency/profile", &forged);
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, page) = get!(app, co, "/agency/profile");
        assert!(
            page.contains("name=\"places_free\" inputmode=\"numeric\" size=\"6\" value=\"1\""),
            "{page}"
        );
    }
}
