//! The receiving agency carries the work on, over HTTP, on every backend, as its users
//! see it: once the shelter accepted a referral, its coordinator opens the shelter's own
//! case from the referral page in one step; the new case says where it came from, the
//! referral page then links to it instead of offering the form again, and the
//! municipality's case shows the shelter in its chain. Before acceptance the page offers
//! no form and a forged post is refused with a message; another agency is answered as for
//! a referral that does not exist. Who at the shelter is responsible for the referral:
//! the coordinator who accepted, until they give it to a caseworker from the referral
//! page, who then finds it under "My referrals" and may not reassign it.

use crate::case_close_pages::{
    account, act, agencies, app, get, hidden, login, named, open_case, post, refer,
};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{ReferralAction, Role};
use schakel_store::testing::{TestDb, selected_backends};

#[actix_web::test]
async fn the_shelter_opens_its_own_case_from_the_referral_page_and_the_chain_shows_it() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, shelter, utrecht) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let co = account(&db, shelter, "co@amstel.example", Role::Coordinator);
        account(&db, utrecht, "co@utrecht.example", Role::Coordinator);
        let case = open_case(
            &db,
            &st,
            &cw,
            named("Ioana", "Popescu", Some("1999-04-02")),
            "amsterdam",
            "labour",
        );
        let r = refer(&db, &st, &cw, case.id, shelter);
        let page_uri = format!("/referrals/{}", r.id);
        let open_uri = format!("{page_uri}/case");
        let session = login!(app, "co@amstel.example");

        // Not yet accepted: no form, and a post is refused with a message.
        let (status, page) = get!(app, session, page_uri);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(!page.contains(&format!("action=\"{open_uri}\"")), "{page}");
        let csrf = hidden(&page, "csrf");
        let (status, _, page) = post!(app, session, open_uri, [("csrf", csrf.as_str())]);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("only once it is accepted"), "{page}");

        // Accepted: the form, and one press opens the shelter's own case.
        act(&db, &st, &co, &r, ReferralAction::Accept);
        let (_, page) = get!(app, session, page_uri);
        assert!(page.contains(&format!("action=\"{open_uri}\"")), "{page}");
        assert!(page.contains("Open our own case from this referral"));
        let (status, to, _) = post!(app, session, open_uri, [("csrf", csrf.as_str())]);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert!(to.starts_with("/cases/") && to.ends_with("?done=case_opened_onward"));
        let own_uri = to.split('?').next().unwrap().to_owned();
        assert_ne!(own_uri, format!("/cases/{}", case.id));
        let (status, page) = get!(app, session, to);
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("own case was opened from the referral"),
            "{page}"
        );
        assert!(page.contains("opened from a referral by <strong>Gemeente Amsterdam</strong>"));
        assert!(
            page.contains(&format!("href=\"{page_uri}\"")),
            "the origin links back"
        );
        assert!(
            page.contains(&format!("(their reference {})", case.reference)),
            "to call the municipality about it"
        );

        // The referral page now links to the case and offers no second one.
        let (_, page) = get!(app, session, page_uri);
        assert!(page.contains(&format!("href=\"{own_uri}\"")), "{page}");
        assert!(!page.contains(&format!("action=\"{open_uri}\"")));
        let (status, _, page) = post!(app, session, open_uri, [("csrf", csrf.as_str())]);
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(page.contains("already opened its case"), "{page}");

        // The municipality's case shows the shelter in its chain, linked to the referral.
        let theirs = login!(app, "cw@amsterdam.example");
        let (_, page) = get!(app, theirs, format!("/cases/{}", case.id));
        assert!(page.contains("path between agencies</h2>"), "{page}");
        assert!(page.contains("Opvang Amstel (other shelter)"), "{page}");
        assert!(
            page.contains(&format!("<a href=\"{page_uri}\">accepted</a>")),
            "{page}"
        );

        // Another agency: not found, nothing opened.
        let other = login!(app, "co@utrecht.example");
        let (_, page) = get!(app, other, "/");
        let csrf = hidden(&page, "csrf");
        let (status, _, _) = post!(app, other, open_uri, [("csrf", csrf.as_str())]);
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}");
    }
}

#[actix_web::test]
async fn the_shelter_coordinator_gives_the_referral_to_a_caseworker_who_finds_it_as_mine() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, shelter, _) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let co = account(&db, shelter, "co@amstel.example", Role::Coordinator);
        let worker = account(&db, shelter, "cw@amstel.example", Role::Caseworker);
        let case = open_case(
            &db,
            &st,
            &cw,
            named("Ioana", "Popescu", None),
            "amsterdam",
            "labour",
        );
        let r = refer(&db, &st, &cw, case.id, shelter);
        act(&db, &st, &co, &r, ReferralAction::Accept);
        let page_uri = format!("/referrals/{}", r.id);
        let assign_uri = format!("{page_uri}/assignee");

        // Accepted: the accepting coordinator is responsible, and may pass it on.
        let session = login!(app, "co@amstel.example");
        let (_, page) = get!(app, session, page_uri);
        assert!(page.contains("Who at your agency is responsible"), "{page}");
        assert!(page.contains(&format!("action=\"{assign_uri}\"")), "{page}");
        let choice = format!("<option value=\"{}\" selected>", co.user_id);
        assert!(
            page.contains(&choice),
            "the coordinator who accepted: {page}"
        );
        let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));
        let to = worker.user_id.to_string();
        let stale = [
            ("csrf", csrf.as_str()),
            ("version", "1"),
            ("assignee", to.as_str()),
        ];
        let (status, _, page) = post!(app, session, assign_uri, stale);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(
            page.contains("changed this referral in the meantime"),
            "{page}"
        );
        let form = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("assignee", to.as_str()),
        ];
        let (status, _, _) = post!(app, session, assign_uri, form);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let (_, page) = get!(app, session, page_uri);
        let choice = format!("<option value=\"{}\" selected>", worker.user_id);
        assert!(page.contains(&choice), "{page}");

        // The caseworker finds it under "My referrals" and gets no form.
        let theirs = login!(app, "cw@amstel.example");
        let (status, page) = get!(app, theirs, "/inbox?view=mine");
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&format!("href=\"{page_uri}\"")), "{page}");
        assert!(
            page.contains("aria-current=\"page\">My referrals</a>"),
            "{page}"
        );
        let (_, page) = get!(app, session, "/inbox?view=mine");
        assert!(
            !page.contains(&format!("href=\"{page_uri}\"")),
            "no longer the coordinator's"
        );
        assert!(page.contains("No open referral of your agency has you as responsible worker."));
        let (_, page) = get!(app, theirs, page_uri);
        assert!(
            !page.contains(&format!("action=\"{assign_uri}\"")),
            "{page}"
        );
        let csrf = hidden(&page, "csrf");
        let me = worker.user_id.to_string();
        let form = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("assignee", me.as_str()),
        ];
        let (status, _, _) = post!(app, theirs, assign_uri, form);
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");

        // The sending agency is answered as for a referral that does not exist.
        let sender = login!(app, "cw@amsterdam.example");
        let (_, page) = get!(app, sender, page_uri);
        assert!(!page.contains("Who at your agency is responsible"));
        let csrf = hidden(&page, "csrf");
        let form = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("assignee", me.as_str()),
        ];
        let (status, _, _) = post!(app, sender, assign_uri, form);
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}");
    }
}
