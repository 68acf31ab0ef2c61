//! The agency's own figures from the coordinators' menu, over HTTP, on every backend:
//! the shelter's coordinator sees the referral waiting for its answer, the two it
//! answered this month (accepted, and declined with its reason) and the median time to
//! answer; the sending municipality's coordinator sees only its own agency's figures
//! (nothing received); a caseworker is refused the page and has no link to it.

use crate::case_close_pages::{account, act, agencies, app, get, login, named, open_case, refer};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{DeclineReason, ReferralAction, Role};
use schakel_store::testing::{TestDb, selected_backends};

/// The table row that starts with the header cell `label`.
fn row<'p>(page: &'p str, label: &str) -> &'p str {
    let at = page
        .find(&format!("{label}</th>"))
        .unwrap_or_else(|| panic!("no row {label}: {page}"));
    let end = page[at..].find("</tr>").unwrap();
    &page[at..at + end]
}

#[actix_web::test]
async fn a_coordinator_sees_the_agencys_own_figures() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, shelter, _) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        account(&db, home, "co@amsterdam.example", Role::Coordinator);
        let co = account(&db, shelter, "co@amstel.example", Role::Coordinator);
        account(&db, shelter, "cw@amstel.example", Role::Caseworker);
        let mut sent = Vec::new();
        for family in ["Popescu", "Ionescu", "Dumitru"] {
            let case = open_case(
                &db,
                &st,
                &cw,
                named("Ana", family, None),
                "amsterdam",
                "labour",
            );
            sent.push(refer(&db, &st, &cw, case.id, shelter));
        }
        act(&db, &st, &co, &sent[0], ReferralAction::Accept);
        crate::case_close_pages::with_env(&db, &st, |conn, env| {
            let input = schakel_referral_workflow::referrals::ActionInput {
                reason: Some(DeclineReason::NotEligible),
                ..Default::default()
            };
            schakel_referral_workflow::referrals::act(
                conn,
                env,
                &co,
                sent[1].id,
                schakel_referral_workflow::IfMatch::Version(sent[1].version),
                ReferralAction::Decline,
                &input,
            )
            .unwrap();
        });

        let session = login!(app, "co@amstel.example");
        let (status, page) = get!(app, session, "/agency/dashboard");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("<h1>Our agency&#39;s figures</h1>"), "{page}");
        assert!(
            page.contains("<a href=\"/agency/dashboard\">Our figures</a>"),
            "in the menu"
        );
        assert!(
            page.contains("<dt>Waiting</dt><dd><a href=\"/inbox\">1</a></dd>"),
            "{page}"
        );
        assert!(
            page.contains("<dt>Past the deadline</dt><dd>0</dd>"),
            "{page}"
        );
        let cells = |label: &str| -> Vec<String> {
            row(&page, label)
                .split("<td class=\"num\">")
                .skip(1)
                .map(|c| c.split("</td>").next().unwrap().to_owned())
                .collect()
        };
        assert_eq!(cells("Answered"), ["2", "0"]);
        assert_eq!(cells("Accepted"), ["1", "0"]);
        assert_eq!(cells("Declined"), ["1", "0"]);
        assert_eq!(cells("not eligible"), ["1", "0"]);
        assert_eq!(cells("no capacity"), ["0", "0"]);
        assert_eq!(cells("Expired unanswered"), ["0", "0"]);
        assert!(
            cells("Median time to answer")[0].ends_with(" min"),
            "{page}"
        );
        assert_eq!(cells("Median time to answer")[1], "–");

        // The municipality's coordinator: its own agency only, which received nothing.
        let session = login!(app, "co@amsterdam.example");
        let (status, page) = get!(app, session, "/agency/dashboard");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            page.contains("<dt>Waiting</dt><dd><a href=\"/inbox\">0</a></dd>"),
            "{page}"
        );

        // A caseworker: no link, no page.
        let session = login!(app, "cw@amstel.example");
        let (_, start) = get!(app, session, "/");
        assert!(!start.contains("href=\"/agency/dashboard\""));
        let (status, _) = get!(app, session, "/agency/dashboard");
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");
    }
}
