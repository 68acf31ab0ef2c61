//! Drafts in the pages, over HTTP, on every backend, as a user meets them: a signal
//! form typed halfway is saved as a draft (as the page's script does), listed under "My
//! drafts", resumed with everything typed, and finished when the form is saved; a note
//! typed on a case is resumed on the case page; a draft is discarded from the list. A
//! colleague who opens the author's draft gets an empty form and nothing of what was
//! typed; a save without the session's token changes nothing. A session that ends while
//! the form is typed sends its submit to the sign-in, which leads back to the form with
//! its draft.

use crate::case_close_pages::{account, agencies, app, get, hidden, login, named, open_case, post};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::Role;
use schakel_store::testing::{TestDb, selected_backends};

/// The id in a save's JSON answer.
fn saved_id(answer: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(answer).expect(answer);
    v["id"].as_str().expect(answer).to_owned()
}

#[actix_web::test]
async fn a_signal_typed_halfway_is_resumed_from_my_drafts_and_finished_when_saved() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        account(&db, home, "co@amsterdam.example", Role::Coordinator);
        let cw = login!(app, "cw@amsterdam.example");
        // The form's page may load this site's own script, and nothing else may.
        let res = test::call_service(
            &app,
            TestRequest::get()
                .uri("/signals/new")
                .cookie(cw.clone())
                .to_request(),
        )
        .await;
        let csp = header(&res, "content-security-policy");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe"),
            "{csp}"
        );
        let res = test::call_service(
            &app,
            TestRequest::get()
                .uri("/drafts")
                .cookie(cw.clone())
                .to_request(),
        )
        .await;
        assert!(!header(&res, "content-security-policy").contains("script"));
        let (_, page) = get!(app, cw, "/signals/new");
        assert!(page.contains("data-draft-form=\"signal\""), "{page}");
        assert!(page.contains("src=\"/static/draft.js\""));
        let csrf = hidden(&page, "csrf");

        // Forged: nothing saved.
        let typed = |token: &str| {
            vec![
                ("csrf".to_owned(), token.to_owned()),
                ("draft_id".to_owned(), String::new()),
                ("draft_form".to_owned(), "signal".to_owned()),
                ("region".to_owned(), "amsterdam".to_owned()),
                ("indicator".to_owned(), "ilo_deception".to_owned()),
                ("family_name".to_owned(), "Kwartelkade".to_owned()),
                ("summary".to_owned(), "Gezien bij de loods".to_owned()),
            ]
        };
        let (status, _, _) = post!(app, cw, "/drafts/save", &typed("vervalst"));
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");
        let (_, list) = get!(app, cw, "/drafts");
        assert!(list.contains("You have no drafts."), "{list}");

        // Saved, listed, resumed with everything typed.
        let (status, _, answer) = post!(app, cw, "/drafts/save", &typed(&csrf));
        assert_eq!(status, StatusCode::OK, "{answer}");
        let id = saved_id(&answer);
        let (_, list) = get!(app, cw, "/drafts");
        let resume = format!("/signals/new?draft={id}");
        assert!(
            list.contains(&format!("href=\"{resume}\">Signal: Kwartelkade</a>")),
            "{list}"
        );
        let (status, page) = get!(app, cw, resume);
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("value=\"Kwartelkade\""), "{page}");
        assert!(page.contains("Gezien bij de loods</textarea>"), "{page}");
        assert!(page.contains("value=\"ilo_deception\" checked"));
        assert!(page.contains(&format!("name=\"draft_id\" value=\"{id}\"")));

        // Saving again keeps one draft.
        let mut again = typed(&csrf);
        again[1].1 = id.clone();
        again.push(("given_names".to_owned(), "Ioana".to_owned()));
        let (_, _, answer) = post!(app, cw, "/drafts/save", &again);
        assert_eq!(saved_id(&answer), id);

        // A colleague opening it gets an empty form.
        let co = login!(app, "co@amsterdam.example");
        let (status, page) = get!(app, co, format!("/signals/new?draft={id}"));
        assert_eq!(status, StatusCode::OK);
        assert!(!page.contains("Kwartelkade"), "{page}");
        let (_, list) = get!(app, co, "/drafts");
        assert!(list.contains("You have no drafts."));

        // A refused form is kept as its draft, what was typed last included.
        let (_, page) = get!(app, cw, "/signals/new");
        let once = hidden(&page, "once");
        let refused = [
            ("csrf", csrf.as_str()),
            ("once", once.as_str()),
            ("draft_id", ""),
            ("family_name", "Zwaluwstaart"),
            ("summary", "Net getypt"),
        ];
        let (status, _, page) = post!(app, cw, "/signals/new", refused);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        let kept = hidden(&page, "draft_id");
        assert!(!kept.is_empty(), "the refused form names its draft: {page}");
        let (_, page) = get!(app, cw, format!("/signals/new?draft={kept}"));
        assert!(page.contains("Net getypt</textarea>"), "{page}");
        let (status, _) = {
            let discard = format!("/drafts/{kept}/discard");
            let (s, _, b) = post!(app, cw, discard, [("csrf", csrf.as_str())]);
            (s, b)
        };
        assert_eq!(status, StatusCode::SEE_OTHER);

        // Saved as a signal: the draft is finished.
        let (_, page) = get!(app, cw, format!("/signals/new?draft={id}"));
        let once = hidden(&page, "once");
        let form = [
            ("csrf", csrf.as_str()),
            ("once", once.as_str()),
            ("draft_id", id.as_str()),
            ("observed_on", "2026-01-05"),
            ("region", "amsterdam"),
            ("form", "labour"),
            ("reporting_basis", "consent"),
            ("given_names", "Ioana"),
            ("family_name", "Kwartelkade"),
            ("gender", "female"),
        ];
        let (status, to, _) = post!(app, cw, "/signals/new", form);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert!(to.starts_with("/cases/"));
        let (_, list) = get!(app, cw, "/drafts");
        assert!(list.contains("You have no drafts."), "finished: {list}");
    }
}

#[actix_web::test]
async fn a_note_draft_is_resumed_on_its_case_and_a_draft_is_discarded_from_the_list() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        let who = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let case = open_case(
            &db,
            &st,
            &who,
            named("Ioana", "Popescu", None),
            "amsterdam",
            "labour",
        );
        let cw = login!(app, "cw@amsterdam.example");
        let uri = format!("/cases/{}", case.id);
        let (_, page) = get!(app, cw, uri);
        assert!(page.contains("data-draft-form=\"note\""), "{page}");
        let csrf = hidden(&page, "csrf");
        let kase = case.id.to_string();
        let note = [
            ("csrf", csrf.as_str()),
            ("draft_id", ""),
            ("draft_form", "note"),
            ("draft_case", kase.as_str()),
            ("kind", "phone_call"),
            ("text", "Gebeld met de opvang over een plek"),
        ];
        let (status, _, answer) = post!(app, cw, "/drafts/save", note);
        assert_eq!(status, StatusCode::OK, "{answer}");
        let id = saved_id(&answer);
        let (_, list) = get!(app, cw, "/drafts");
        let resume = format!("{uri}?draft={id}#notes");
        let named = format!("href=\"{resume}\">Note: {}</a>", case.reference);
        assert!(
            list.contains(&named),
            "the note's case by its reference: {list}"
        );
        let (_, page) = get!(app, cw, format!("{uri}?draft={id}"));
        assert!(
            page.contains("Gebeld met de opvang over een plek</textarea>"),
            "{page}"
        );
        assert!(page.contains("value=\"phone_call\" selected"));

        // A note form without a case is refused, nothing saved.
        let lost = [
            ("csrf", csrf.as_str()),
            ("draft_id", ""),
            ("draft_form", "note"),
            ("text", "x"),
        ];
        let (status, _, _) = post!(app, cw, "/drafts/save", lost);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // Discarded.
        let (status, to, _) = post!(
            app,
            cw,
            format!("/drafts/{id}/discard"),
            [("csrf", csrf.as_str())]
        );
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let (_, list) = get!(app, cw, to);
        assert!(list.contains("The draft was discarded."), "{list}");
        assert!(list.contains("You have no drafts."));
    }
}

#[actix_web::test]
async fn a_session_that_ends_while_a_form_is_typed_leads_back_to_the_draft_after_signing_in() {
    use schakel_domain::{Clock, ManualClock};
    use std::sync::Arc;
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let clock = ManualClock::new(chrono::Utc::now());
        let mut st = state(&db);
        let mut auth = (*st.auth).clone();
        auth.idle_timeout_secs = 15 * 60;
        st.auth = Arc::new(auth);
        st.clock = Arc::new(clock.clone());
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        let cw = login!(app, "cw@amsterdam.example");
        let (_, page) = get!(app, cw, "/signals/new");
        let (csrf, once) = (hidden(&page, "csrf"), hidden(&page, "once"));
        let typed = [
            ("csrf", csrf.as_str()),
            ("draft_id", ""),
            ("draft_form", "signal"),
            ("family_name", "Kwartelkade"),
            ("summary", "Gezien bij de loods"),
        ];
        let (_, _, answer) = post!(app, cw, "/drafts/save", typed);
        let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
        assert_eq!(v["idle_secs"], 900, "the page learns when to warn");
        assert_eq!(v["session_secs"], 900 - 60, "less how far activity may lag");
        let id = saved_id(&answer);

        // Past the idle timeout, a background save is told so, and changes no page.
        clock.advance(chrono::Duration::minutes(16));
        assert!(clock.now() > chrono::Utc::now());
        let (status, to, answer) = post!(app, cw, "/drafts/save", typed);
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{backend:?}");
        assert_eq!(to, "", "no redirect to the sign-in");
        assert!(answer.contains("signed_out"), "{answer}");
        // The form is submitted: the sign-in, with the draft.
        let late = [
            ("csrf", csrf.as_str()),
            ("once", once.as_str()),
            ("draft_id", id.as_str()),
            ("family_name", "Kwartelkade"),
        ];
        let (status, to, _) = post!(app, cw, "/signals/new", late);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, format!("/login?draft={id}"));
        let res = test::call_service(&app, TestRequest::get().uri(&to).to_request()).await;
        let login_cookie = res
            .response()
            .cookies()
            .find(|c| c.name() == "__Host-schakel_login")
            .unwrap()
            .into_owned();
        let page = body(res).await;
        assert!(
            page.contains("Uw concept bevat wat het laatst werd bewaard"),
            "{page}"
        );
        assert!(page.contains(&format!("name=\"draft\" value=\"{id}\"")));

        // Signed in again: back to the form, everything typed there.
        let res = test::call_service(
            &app,
            TestRequest::post()
                .uri("/login")
                .cookie(Cookie::new(
                    "__Host-schakel_login",
                    login_cookie.value().to_owned(),
                ))
                .set_form([
                    ("csrf", hidden(&page, "csrf").as_str()),
                    ("email", "cw@amsterdam.example"),
                    ("password", PASSWORD),
                    ("draft", id.as_str()),
                ])
                .to_request(),
        )
        .await;
        assert_eq!(header(&res, "location"), format!("/drafts/{id}/resume"));
        let session = res
            .response()
            .cookies()
            .find(|c| c.name() == "__Host-schakel_session")
            .unwrap()
            .into_owned();
        let again = Cookie::new("__Host-schakel_session", session.value().to_owned());
        let res = test::call_service(
            &app,
            TestRequest::get()
                .uri(&format!("/drafts/{id}/resume"))
                .cookie(again.clone())
                .to_request(),
        )
        .await;
        let form_uri = header(&res, "location");
        assert_eq!(form_uri, format!("/signals/new?draft={id}"));
        let (_, page) = get!(app, again, form_uri);
        assert!(page.contains("value=\"Kwartelkade\""), "{page}");
        assert!(page.contains("Gezien bij de loods</textarea>"));

        // Someone else's draft id in the address leads to their own list.
        let stranger = schakel_domain::DraftId::new_random();
        let res = test::call_service(
            &app,
            TestRequest::get()
                .uri(&format!("/drafts/{stranger}/resume"))
                .cookie(again.clone())
                .to_request(),
        )
        .await;
        assert_eq!(header(&res, "location"), "/drafts");
    }
}
