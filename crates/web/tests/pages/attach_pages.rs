//! Attaching a signal to a case the agency already has, over HTTP, on every backend, as
//! a user sees it: the signal form's check lists the agency's own open case of the same
//! person with a button to attach the signal to it, a closed one without, and below them
//! a similar person (a family name that sounds the same, born the same year), never
//! another agency's case; pressing the button logs the signal on that case, whose
//! timeline then shows it; an anonymous signal, a closed case or another agency's case
//! is refused on the form, with the reason and nothing saved.

use crate::case_close_pages::{
    account, agencies, app, get, hidden, login, named, open_case, post, with_env,
};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{CloseReason, Role};
use schakel_referral_workflow::IfMatch;
use schakel_referral_workflow::cases::{CloseCaseInput, close_case};
use schakel_store::testing::{TestDb, selected_backends};

/// The signal form as typed: what was seen, and the person (used by the check; ignored
/// when the signal is attached to a case).
fn signal_form(csrf: &str, once: &str, basis: &str) -> Vec<(String, String)> {
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    [
        ("csrf", csrf),
        ("once", once),
        ("draft_id", ""),
        ("observed_on", today.as_str()),
        ("region", "amsterdam"),
        ("form", "sexual"),
        ("act", "1"),
        ("purpose", "1"),
        ("reporting_basis", basis),
        ("summary", "Weer gezien bij het station"),
        ("given_names", "Ioana"),
        ("family_name", "Popescu"),
        ("date_of_birth", "1999-04-02"),
        ("gender", "female"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// The same form with the attach button of case `id` pressed.
fn attaching(mut form: Vec<(String, String)>, id: &str) -> Vec<(String, String)> {
    form.push(("attach_case".to_owned(), id.to_owned()));
    form
}

/// The attach button of case `id` as the check renders it.
fn button(id: impl std::fmt::Display) -> String {
    format!("name=\"attach_case\" value=\"{id}\"")
}

#[actix_web::test]
async fn a_signal_is_attached_to_the_known_case_the_check_found_and_shows_on_it() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, utrecht) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let other = account(&db, utrecht, "cw@utrecht.example", Role::Caseworker);
        let born = Some("1999-04-02");
        let popescu = || named("Ioana", "Popescu", born);
        let known = open_case(&db, &st, &cw, popescu(), "amsterdam", "labour");
        let closed = open_case(&db, &st, &cw, popescu(), "amsterdam", "labour");
        with_env(&db, &st, |conn, env| {
            let input = CloseCaseInput {
                reason: CloseReason::Duplicate,
                note: None,
            };
            close_case(conn, env, &cw, closed.id, IfMatch::Version(1), &input).unwrap()
        });
        let sounds_alike = named("Ioana", "Poppescu", Some("1999-11-30"));
        let similar = open_case(&db, &st, &cw, sounds_alike, "amsterdam", "labour");
        let other_year = named("Ioana", "Popescu", Some("2000-04-02"));
        let not_similar = open_case(&db, &st, &cw, other_year, "amsterdam", "labour");
        let theirs = open_case(&db, &st, &other, popescu(), "amsterdam", "labour");
        let session = login!(app, "cw@amsterdam.example");
        let (_, page) = get!(app, session, "/signals/new");
        let (csrf, once) = (hidden(&page, "csrf"), hidden(&page, "once"));

        // The check: the open case with its button, the closed one without, the
        // similar person below; nothing of the other year or the other agency.
        let form = signal_form(&csrf, &once, "consent");
        let (status, _, page) = post!(app, session, "/signals/new/check", &form);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains(&button(known.id)), "{page}");
        assert!(page.contains("Attach this signal to this case"));
        assert!(page.contains(&format!("href=\"/cases/{}\"", closed.id)));
        assert!(
            !page.contains(&button(closed.id)),
            "a closed case takes none"
        );
        let similar_at = page
            .find("Similar persons in your agency")
            .expect("similar");
        let similar_part = &page[similar_at..];
        assert!(similar_part.contains(&button(similar.id)), "{page}");
        assert!(
            !similar_part.contains(&format!("/cases/{}", known.id)),
            "an exact match is not repeated as similar"
        );
        for never in [not_similar.id, theirs.id] {
            assert!(!page.contains(&never.to_string()), "{never}: {page}");
        }

        // Refused on the form, nothing saved: anonymously, to the closed case, to
        // another agency's case.
        let anonymous = attaching(
            signal_form(&csrf, &once, "anonymous"),
            &known.id.to_string(),
        );
        let (status, _, page) = post!(app, session, "/signals/new", &anonymous);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("An anonymous signal is not attached to a case"));
        let to_closed = attaching(form.clone(), &closed.id.to_string());
        let (status, _, page) = post!(app, session, "/signals/new", &to_closed);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("This case is closed and takes no new signals."));
        assert!(
            page.contains("Weer gezien bij het station</textarea>"),
            "as typed"
        );
        let to_theirs = attaching(form.clone(), &theirs.id.to_string());
        let (status, _, page) = post!(app, session, "/signals/new", &to_theirs);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("This case cannot take the signal"), "{page}");
        let rows = "<td><a href=\"/signals/";
        let (_, signals) = get!(app, session, "/signals");
        assert_eq!(signals.matches(rows).count(), 0, "nothing saved: {signals}");

        // Attached: the signal's page leads to the case, whose timeline shows it.
        let attach = attaching(form.clone(), &known.id.to_string());
        let (status, to, _) = post!(app, session, "/signals/new", &attach);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert!(to.starts_with("/signals/"), "{to}");
        let (status, signal) = get!(app, session, &to);
        assert_eq!(status, StatusCode::OK);
        assert!(
            signal.contains(&format!("href=\"/cases/{}\"", known.id)),
            "{signal}"
        );
        let (_, signals) = get!(app, session, "/signals");
        assert_eq!(signals.matches(rows).count(), 1, "{signals}");
        assert!(signals.contains(&format!("href=\"/cases/{}\"", known.id)));
        let (_, case) = get!(app, session, &format!("/cases/{}", known.id));
        assert!(case.contains("signal attached"), "{case}");
        let (_, other_case) = get!(app, session, &format!("/cases/{}", similar.id));
        assert!(!other_case.contains("signal attached"));
    }
}
