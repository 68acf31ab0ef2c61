//! The receiving coordinator's decision on the referral page, over HTTP, on every
//! backend: accept, decline and redirect are three separate sections with a heading;
//! the decline reason is chosen, never preselected, and a decline without one comes
//! back with a message; after a decision the page says what happened, shows the reason
//! and note of a decline, and no longer the deadline. The sender withdraws only after
//! a confirmation.

use crate::case_close_pages::{
    account, act, agencies, app, get, hidden, login, named, open_case, post, refer,
};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{ReferralAction, Role};
use schakel_store::testing::{TestDb, selected_backends};

/// The `<select>` of `id` in `page`, up to its end.
fn select<'a>(page: &'a str, id: &str) -> &'a str {
    let at = page.find(&format!("<select id=\"{id}\"")).expect(id);
    let len = page[at..].find("</select>").unwrap();
    &page[at..at + len]
}

#[actix_web::test]
async fn the_coordinator_decides_in_three_separate_sections_and_the_page_shows_the_outcome() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, shelter, _) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let coordinator = account(&db, shelter, "co@amstel.example", Role::Coordinator);
        // The shelter reports its places: 2 of 6 free.
        {
            let mut conn = db.pool.get().unwrap();
            let input = schakel_auth::admin::profiles::ProfileInput {
                places: Some((6, 2)),
                ..Default::default()
            };
            let ctx = schakel_auth::RequestContext::default();
            schakel_auth::admin::profiles::keep_profile(
                &mut conn,
                &coordinator,
                shelter,
                schakel_auth::admin::IfMatch::Version(0),
                &input,
                &ctx,
                chrono::Utc::now(),
            )
            .unwrap();
        }
        let case = open_case(
            &db,
            &st,
            &cw,
            named("Ioana", "Popescu", None),
            "amsterdam",
            "labour",
        );
        let declined = refer(&db, &st, &cw, case.id, shelter);
        let accepted = refer(&db, &st, &cw, case.id, shelter);
        let co = login!(app, "co@amstel.example");

        let uri = format!("/referrals/{}", declined.id);
        let (status, page) = get!(app, co, uri);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        for heading in [
            "<h3 id=\"accept-title\">Accept the referral</h3>",
            "<h3 id=\"decline-title\">Decline the referral</h3>",
            "<h3 id=\"redirect\">Redirect to another agency</h3>",
        ] {
            assert!(page.contains(heading), "{heading}: {page}");
        }
        let reason = select(&page, "reason");
        assert!(
            reason.contains("<option value=\"\">Choose a reason</option>"),
            "{reason}"
        );
        assert!(
            reason.contains(" required") && !reason.contains(" selected"),
            "{reason}"
        );
        assert!(
            page.contains("Answer before"),
            "the deadline while it waits"
        );
        assert!(page.contains("type=\"submit\" class=\"danger\">Decline"));
        let csrf = hidden(&page, "csrf");

        // No reason, or `other` without a note: the form again with a message.
        let decline = format!("{uri}/decline");
        let base = [("csrf", csrf.as_str()), ("version", "1")];
        let (status, _, page) = post!(app, co, decline, base);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("id=\"reason-error\"") && page.contains("sent, awaiting"));
        let other = [base[0], base[1], ("reason", "other")];
        let (status, _, page) = post!(app, co, decline, other);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("id=\"note-error\""), "{page}");
        assert!(select(&page, "reason").contains("value=\"other\" selected"));

        // Declined through the page's own address, as its form sends it, with the free
        // places set to 0 as the form offers: the page says so, with the reason and the
        // note, and no deadline; the directory shows no place free.
        assert!(page.contains("name=\"no_places\""), "the form offers it");
        let fields = [
            base[0],
            base[1],
            ("form_kind", "decline"),
            ("reason", "no_capacity"),
            ("note", "Vol tot maart"),
            ("no_places", "yes"),
        ];
        let (status, to, _) = post!(app, co, uri.clone(), fields);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, format!("{uri}?done=declined_full"));
        let (_, page) = get!(app, co, to);
        assert!(
            page.contains("role=\"status\">Referral declined.")
                && page.contains("your free places now stand at 0"),
            "{page}"
        );
        {
            let mut conn = db.pool.get().unwrap();
            let kept = schakel_store::agency_profiles::find(&mut conn, shelter)
                .unwrap()
                .unwrap();
            let places = kept.capacity.unwrap();
            assert_eq!((places.total, places.free), (6, 0), "{backend:?}");
            assert_eq!(places.updated_by, coordinator.user_id);
        }
        assert!(page.contains("<dt>Reason for declining</dt><dd>no capacity</dd>"));
        assert!(page.contains("Vol tot maart") && page.contains("<dt>Answered</dt>"));
        assert!(!page.contains("Answer before"), "no deadline once answered");

        // Accepted: the confirmation, and the deadline gone.
        let uri = format!("/referrals/{}", accepted.id);
        let (status, to, _) = post!(app, co, format!("{uri}/accept"), base);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, format!("{uri}?done=accepted"));
        let (_, page) = get!(app, co, to);
        assert!(
            page.contains("role=\"status\">Referral accepted."),
            "{page}"
        );
        assert!(!page.contains("Answer before") && page.contains("<dt>Answered</dt>"));
        assert!(!page.contains("Decline the referral"));
    }
}

#[actix_web::test]
async fn the_sender_withdraws_only_after_confirming() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, shelter, _) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let co = account(&db, shelter, "co@amstel.example", Role::Coordinator);
        let case = open_case(
            &db,
            &st,
            &cw,
            named("Ioana", "Popescu", None),
            "amsterdam",
            "labour",
        );
        let r = refer(&db, &st, &cw, case.id, shelter);
        let session = login!(app, "cw@amsterdam.example");
        let uri = format!("/referrals/{}", r.id);
        let (_, page) = get!(app, session, uri);
        assert!(
            page.contains("<details id=\"withdraw\" class=\"confirm\">"),
            "{page}"
        );
        assert!(page.contains("Are you sure? The referral ends and the receiving agency is told."));
        let csrf = hidden(&page, "csrf");

        // Without the confirmation field: the page opens at the confirmation, unchanged.
        let withdraw = format!("{uri}/withdraw");
        let (status, to, _) = post!(
            app,
            session,
            withdraw,
            [("csrf", csrf.as_str()), ("version", "1")]
        );
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, format!("{uri}?confirm=withdraw#withdraw"));
        let (_, page) = get!(app, session, format!("{uri}?confirm=withdraw"));
        assert!(page.contains("<details id=\"withdraw\" class=\"confirm\" open>"));
        assert!(page.contains("sent, awaiting an answer"), "not withdrawn");

        let confirmed = [
            ("csrf", csrf.as_str()),
            ("version", "1"),
            ("confirm", "yes"),
        ];
        let (status, to, _) = post!(app, session, withdraw, confirmed);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let (_, page) = get!(app, session, to);
        assert!(
            page.contains("role=\"status\">Referral withdrawn."),
            "{page}"
        );
        assert!(page.contains("<dd>withdrawn</dd>"));

        // A completed referral shows its outcome.
        let r = refer(&db, &st, &cw, case.id, shelter);
        let r = act(&db, &st, &co, &r, ReferralAction::Accept);
        act(&db, &st, &co, &r, ReferralAction::Start);
        let shelter_session = login!(app, "co@amstel.example");
        let uri = format!("/referrals/{}", r.id);
        let (_, page) = get!(app, shelter_session, uri);
        let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));
        let done = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("outcome", "support_provided"),
        ];
        let (status, to, _) = post!(app, shelter_session, format!("{uri}/complete"), done);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let (_, page) = get!(app, shelter_session, to);
        assert!(
            page.contains("role=\"status\">Referral completed."),
            "{page}"
        );
        assert!(
            page.contains("<dt>Outcome</dt><dd>support provided</dd>"),
            "{page}"
        );
    }
}
