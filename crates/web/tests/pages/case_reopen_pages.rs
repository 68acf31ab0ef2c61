//! Reopening a closed case from its page over HTTP, on every backend, as a user sees it:
//! the owning agency reopens a closed case with a reason and then sees it open, with a
//! confirmation, the reopening on the timeline and the closing it ended in the record of
//! corrections; a forged form, a missing reason, a stale version or a case already open
//! changes nothing; the agency that received the case and an unrelated agency get 404
//! and no form; a case whose person retention erased cannot be reopened.

use crate::case_close_pages::{
    account, act, agencies, app, get, hidden, login, named, open_case, post, refer, with_env,
};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{Actor, CaseId, CloseReason, ReferralAction, Role};
use schakel_referral_workflow::IfMatch;
use schakel_referral_workflow::cases::{CloseCaseInput, close_case, get_case};
use schakel_referral_workflow::views::CaseView;
use schakel_store::testing::{TestDb, selected_backends};
use schakel_web::WebState;

/// Closes case `id` as `who`, with the reason `other` and a note.
fn closed(db: &TestDb, st: &WebState, who: &Actor, id: CaseId) -> CaseView {
    with_env(db, st, |conn, env| {
        let case = get_case(conn, env, who, id).unwrap();
        let input = CloseCaseInput {
            reason: CloseReason::Other,
            note: Some("She moved abroad with her family.".into()),
        };
        close_case(conn, env, who, id, IfMatch::Version(case.version), &input).unwrap()
    })
}

/// The case as its own agency reads it now.
fn now(db: &TestDb, st: &WebState, who: &Actor, id: CaseId) -> CaseView {
    with_env(db, st, |conn, env| get_case(conn, env, who, id).unwrap())
}

/// The case page of a closed case that was not reopened.
fn still_closed(page: &str) {
    assert!(page.contains("<dd>closed</dd>"), "{page}");
    assert!(!page.contains("case reopened"), "nothing on the timeline");
    assert!(page.contains("This case has not been corrected."));
}

#[actix_web::test]
async fn the_owner_reopens_a_closed_case_and_finds_its_closing_in_the_record() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let case = open_case(
            &db,
            &st,
            &cw,
            named("Ioana", "Popescu", None),
            "amsterdam",
            "labour",
        );
        let was = closed(&db, &st, &cw, case.id);
        // The page shows the day in the Netherlands, which near midnight is not UTC's.
        let closed_on = was
            .closed_at
            .unwrap()
            .with_timezone(&chrono_tz::Europe::Amsterdam)
            .format("%Y-%m-%d")
            .to_string();
        let uri = format!("/cases/{}", case.id);
        let reopen = format!("{uri}/reopen");
        let session = login!(app, "cw@amsterdam.example");

        // The form: a labelled reason among the known ones and the version; no close form.
        let (status, page) = get!(app, session, uri);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            page.contains("name=\"form_kind\" value=\"reopen\""),
            "{page}"
        );
        assert!(page.contains("<h2 id=\"reopen\">Reopen the case</h2>"));
        assert!(page.contains("<label for=\"reopen_reason\">Reason</label>"));
        assert!(
            page.contains(
                "<option value=\"person_returned\">the person came back for help</option>"
            )
        );
        assert!(!page.contains("id=\"close_reason\""), "no close form");
        let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));
        assert_eq!(version, was.version.to_string());

        // Forged, incomplete or stale: refused, nothing changes.
        let forged = [("version", version.as_str()), ("reopen_reason", "other")];
        let (status, _, _) = post!(app, session, reopen, &forged);
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}: no CSRF token");
        let wrong = [
            ("csrf", "vervalst"),
            ("version", version.as_str()),
            ("reopen_reason", "other"),
        ];
        let (status, _, _) = post!(app, session, reopen, &wrong);
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");
        // Sent to the page's own address, as the page's form does: refused there, with the
        // problems summarised above the form and focused, each linked to its field.
        let no_reason = [
            ("csrf", csrf.as_str()),
            ("form_kind", "reopen"),
            ("version", version.as_str()),
            ("reopen_reason", ""),
        ];
        let (status, _, page) = post!(app, session, uri, &no_reason);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("id=\"reopen_reason-error\"") && page.contains("Choose one."));
        assert!(
            page.contains("id=\"form-problems\" tabindex=\"-1\" autofocus")
                && page.contains(
                    "<a href=\"#reopen_reason-error\">Reason for reopening: Choose one.</a>"
                ),
            "{page}"
        );
        still_closed(&page);
        let unknown = [("csrf", csrf.as_str()), ("form_kind", "delete")];
        let (status, _, _) = post!(app, session, uri, &unknown);
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "{backend:?}: a form the page has not"
        );
        let (_, page) = get!(app, session, uri);
        still_closed(&page);
        let stale = [
            ("csrf", csrf.as_str()),
            ("version", "1"),
            ("reopen_reason", "closed_in_error"),
        ];
        let (status, _, page) = post!(app, session, reopen, &stale);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("changed this case in the meantime"), "{page}");
        assert!(page.contains("<option value=\"closed_in_error\" selected>"));
        still_closed(&page);
        let (_, page) = get!(app, session, uri);
        still_closed(&page);
        assert_eq!(now(&db, &st, &cw, case.id).version, was.version);

        // Reopened: confirmed, open, on the timeline, the closing kept in the record.
        let fields = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("reopen_reason", "person_returned"),
        ];
        let (status, to, _) = post!(app, session, reopen, &fields);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, format!("{uri}?done=case_reopened"));
        let (status, page) = get!(app, session, to);
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("The case was reopened."), "{page}");
        assert!(page.contains("<dd>open</dd>") && !page.contains("Reason for closing"));
        assert!(page.contains("case reopened: the person came back for help"));
        assert!(page.contains("· Corrected by Sanne Bakker</p>"));
        let earlier = format!(
            "<th scope=\"row\">Closing (ended by reopening the case)</th><td class=\"earlier\">\
             Closed on {closed_on}: other (explained in the note) — She moved abroad with her \
             family.</td>"
        );
        assert!(page.contains(&earlier), "{page}");
        assert!(page.contains("id=\"close_reason\"") && !page.contains("id=\"reopen_reason\""));
        assert!(
            page.contains("<h3 id=\"add-note\">"),
            "notes can be added again"
        );
        let (_, plain) = get!(app, session, uri);
        assert!(!plain.contains("The case was reopened."));

        // Once more, from the version it has now: already open, nothing changed.
        let current = now(&db, &st, &cw, case.id).version.to_string();
        let again = [
            ("csrf", csrf.as_str()),
            ("version", current.as_str()),
            ("reopen_reason", "other"),
        ];
        let (status, _, page) = post!(app, session, reopen, &again);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("The case is already open; nothing was changed."));
        assert_eq!(page.matches("case reopened").count(), 1, "{backend:?}");
        assert_eq!(now(&db, &st, &cw, case.id).version.to_string(), current);
    }
}

#[actix_web::test]
async fn other_agencies_get_no_form_and_cannot_reopen() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, shelter, other) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let co = account(&db, shelter, "co@amstel.example", Role::Coordinator);
        account(&db, other, "co@utrecht.example", Role::Coordinator);
        let case = open_case(
            &db,
            &st,
            &cw,
            named("Ioana", "Popescu", None),
            "amsterdam",
            "labour",
        );
        let r = refer(&db, &st, &cw, case.id, shelter);
        let r = act(&db, &st, &co, &r, ReferralAction::Accept);
        act(&db, &st, &cw, &r, ReferralAction::Withdraw);
        let was = closed(&db, &st, &cw, case.id);
        let uri = format!("/cases/{}", case.id);
        let reopen = format!("{uri}/reopen");
        let version = was.version.to_string();

        for email in ["co@amstel.example", "co@utrecht.example"] {
            let session = login!(app, email);
            let (status, page) = get!(app, session, uri);
            assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?} {email}");
            assert!(!page.contains("reopen_reason") && !page.contains(&reopen));
            let (_, home_page) = get!(app, session, "/");
            let csrf = hidden(&home_page, "csrf");
            let fields = [
                ("csrf", csrf.as_str()),
                ("version", version.as_str()),
                ("reopen_reason", "new_information"),
            ];
            let (status, _, page) = post!(app, session, reopen, &fields);
            assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?} {email}");
            assert!(!page.contains("reopen_reason"));
        }
        let after = now(&db, &st, &cw, case.id);
        assert_eq!(after.version, was.version, "{backend:?}: nothing changed");
        let session = login!(app, "cw@amsterdam.example");
        let (_, page) = get!(app, session, uri);
        still_closed(&page);
    }
}

#[actix_web::test]
async fn a_case_that_retention_erased_cannot_be_reopened() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let case = open_case(
            &db,
            &st,
            &cw,
            named("Ioana", "Popescu", None),
            "amsterdam",
            "labour",
        );
        closed(&db, &st, &cw, case.id);
        let uri = format!("/cases/{}", case.id);
        let session = login!(app, "cw@amsterdam.example");
        let (_, page) = get!(app, session, uri);
        let csrf = hidden(&page, "csrf");
        {
            let mut conn = db.pool.get().unwrap();
            let later = chrono::Utc::now() + st.workflow.retention + chrono::Duration::days(1);
            schakel_referral_workflow::jobs::erase_due(&mut conn, &st.workflow, later, false)
                .unwrap();
        }

        let (status, page) = get!(app, session, uri);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("erased at the end of the retention period"));
        assert!(!page.contains("id=\"reopen_reason\""), "no form");
        let version = now(&db, &st, &cw, case.id).version.to_string();
        let fields = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("reopen_reason", "new_information"),
        ];
        let (status, _, page) = post!(app, session, format!("{uri}/reopen"), &fields);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("can no longer be reopened"), "{page}");
        assert!(page.contains("<dd>closed</dd>"));
        assert_eq!(now(&db, &st, &cw, case.id).version.to_string(), version);
    }
}
