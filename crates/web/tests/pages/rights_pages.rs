//! The person's rights from the pages, on every backend, as a user sees it: only the
//! owning agency's coordinators find the link on the case page and reach the rights
//! page (its caseworker is refused, another agency and the agency the case was referred
//! to find nothing); restricting the record needs a ground, freezes the case page behind
//! its banner and withholds its forms until lifted, and a stale form changes nothing;
//! erasure is not offered while the record is restricted or a case of the person is
//! open, needs its confirmation, and then erases the person's name from the case page;
//! an agency with a retention duty is not offered it and a forged form is refused; the
//! copy of the record downloads as a PDF and as JSON for the coordinators only.

use crate::case_close_pages::{
    account, act, agencies, app, get, hidden, login, named, open_case, post, refer, with_env,
};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{
    Actor, AgencyId, AgencyKind, CaseId, CloseReason, ReferralAction, Region, Role,
};
use schakel_referral_workflow::IfMatch;
use schakel_referral_workflow::cases::{CloseCaseInput, close_case, get_case};
use schakel_referral_workflow::views::CaseView;
use schakel_store::agencies::{self, NewAgency};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_web::WebState;

/// The ground `legal_claims` in words, as the pages show it.
const LEGAL_CLAIMS: &str = "the person needs the data kept for a legal claim";

/// The world of most tests: the municipality of Amsterdam (no retention duty) with a
/// caseworker and a coordinator, the shelter with a coordinator, Utrecht with a
/// coordinator; a case of Amsterdam about Ioana Popescu. The caseworker, the shelter's
/// coordinator and the case.
fn world(db: &TestDb, st: &WebState) -> (Actor, Actor, CaseView) {
    let (home, shelter, other) = agencies(db);
    let cw = account(db, home, "cw@amsterdam.example", Role::Caseworker);
    account(db, home, "co@amsterdam.example", Role::Coordinator);
    let co_shelter = account(db, shelter, "co@amstel.example", Role::Coordinator);
    account(db, other, "co@utrecht.example", Role::Coordinator);
    let case = open_case(
        db,
        st,
        &cw,
        named("Ioana", "Popescu", Some("1994-03-02")),
        "amsterdam",
        "labour",
    );
    (cw, co_shelter, case)
}

/// The case as its own agency reads it now.
fn now(db: &TestDb, st: &WebState, who: &Actor, id: CaseId) -> CaseView {
    with_env(db, st, |conn, env| get_case(conn, env, who, id).unwrap())
}

/// Closes case `id` as `who`.
fn close(db: &TestDb, st: &WebState, who: &Actor, id: CaseId) {
    with_env(db, st, |conn, env| {
        let case = get_case(conn, env, who, id).unwrap();
        let input = CloseCaseInput {
            reason: CloseReason::SupportCompleted,
            note: None,
        };
        close_case(conn, env, who, id, IfMatch::Version(case.version), &input).unwrap();
    });
}

/// A case page whose forms are all there (for a coordinator): note, consent, close,
/// correct, refer, assign.
fn writable(page: &str, uri: &str) {
    assert!(page.contains("<h3 id=\"add-note\">"), "note form: {page}");
    assert!(page.contains("id=\"form-consent\""), "consent form");
    assert!(page.contains("id=\"form-close\""), "close form");
    assert!(
        page.contains(&format!("href=\"{uri}/correct\"")),
        "correct link"
    );
    assert!(
        page.contains(&format!("href=\"{uri}/referrals/new\"")),
        "refer link"
    );
    assert!(
        page.contains(&format!("action=\"{uri}/assignee\"")),
        "assign form"
    );
    assert!(!page.contains("class=\"restricted\""), "no banner");
}

/// A case page frozen by a restriction: its banner with the ground, none of the forms.
fn frozen(page: &str, uri: &str) {
    assert!(
        page.contains("<p class=\"restricted\" role=\"status\">This record is restricted since"),
        "{page}"
    );
    assert!(page.contains(&format!("({LEGAL_CLAIMS}): nothing can be added")));
    assert!(!page.contains("<h3 id=\"add-note\">"), "no note form");
    assert!(!page.contains("id=\"form-consent\""), "no consent form");
    assert!(!page.contains("id=\"form-close\""), "no close form");
    assert!(
        !page.contains(&format!("href=\"{uri}/correct\"")),
        "no correct link"
    );
    assert!(
        !page.contains(&format!("href=\"{uri}/referrals/new\"")),
        "no refer link"
    );
    assert!(
        !page.contains(&format!("action=\"{uri}/assignee\"")),
        "no assign form"
    );
}

#[actix_web::test]
async fn only_the_owning_agencys_coordinators_reach_the_rights_page() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (cw, co_shelter, case) = world(&db, &st);
        // The case is referred to the shelter, which accepts it and so reads it.
        let r = refer(&db, &st, &cw, case.id, co_shelter.agency_id);
        act(&db, &st, &co_shelter, &r, ReferralAction::Accept);
        let uri = format!("/cases/{}", case.id);
        let rights = format!("{uri}/rights");
        let link = format!("<a href=\"{rights}\">");

        let session = login!(app, "co@amsterdam.example");
        let (status, page) = get!(app, session, uri);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains(&link), "{backend:?}: {page}");
        let (status, page) = get!(app, session, rights);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            page.contains("<h2 id=\"access\">Access: a copy of their data</h2>"),
            "{page}"
        );
        assert!(page.contains(&format!("{uri}/person-record?format=pdf&amp;lang=nl")));
        assert!(page.contains("id=\"form-restrict\""), "the restrict form");
        assert!(page.contains(&format!("<a class=\"action\" href=\"{uri}/correct\">")));

        let session = login!(app, "cw@amsterdam.example");
        let (status, page) = get!(app, session, uri);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            !page.contains(&link),
            "{backend:?}: no link for the caseworker"
        );
        let (status, page) = get!(app, session, rights);
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");
        assert!(!page.contains("id=\"form-restrict\""));
        let csrf = hidden(&page, "csrf");
        let version = case.version.to_string();
        let fields = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("form_kind", "restrict"),
            ("ground", "legal_claims"),
        ];
        let (status, _, _) = post!(app, session, rights, &fields);
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");

        for email in ["co@amstel.example", "co@utrecht.example"] {
            let session = login!(app, email);
            let (status, page) = get!(app, session, rights);
            assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?} {email}");
            assert!(!page.contains("id=\"form-restrict\"") && !page.contains("Popescu"));
            let (_, home_page) = get!(app, session, "/");
            let csrf = hidden(&home_page, "csrf");
            let fields = [
                ("csrf", csrf.as_str()),
                ("version", version.as_str()),
                ("form_kind", "restrict"),
                ("ground", "legal_claims"),
            ];
            let (status, _, _) = post!(app, session, rights, &fields);
            assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?} {email}");
        }
        // The shelter reads the case it accepted, without the link.
        let session = login!(app, "co@amstel.example");
        let (status, page) = get!(app, session, uri);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            !page.contains(&link),
            "{backend:?}: no link for the receiver"
        );
        assert!(
            now(&db, &st, &cw, case.id).restriction.is_none(),
            "{backend:?}"
        );
    }
}

#[actix_web::test]
async fn restricting_freezes_the_case_until_the_restriction_is_lifted() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (cw, _, case) = world(&db, &st);
        let uri = format!("/cases/{}", case.id);
        let rights = format!("{uri}/rights");
        let session = login!(app, "co@amsterdam.example");
        let (_, page) = get!(app, session, uri);
        writable(&page, &uri);
        let (status, page) = get!(app, session, rights);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(!page.contains("Restricted since") && !page.contains("value=\"lift\""));
        let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));
        assert_eq!(version, case.version.to_string());

        // No ground: the page back with the message at the field; nothing changed.
        let no_ground = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("form_kind", "restrict"),
            ("ground", ""),
        ];
        let (status, _, page) = post!(app, session, rights, &no_ground);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(
            page.contains("<p class=\"field-error\" id=\"ground-error\">Choose one.</p>"),
            "{page}"
        );
        assert!(page.contains("id=\"form-restrict\"") && !page.contains("Restricted since"));
        assert!(
            now(&db, &st, &cw, case.id).restriction.is_none(),
            "{backend:?}"
        );

        // Restricted with a ground: confirmed on the case page, frozen behind its banner.
        let restrict = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("form_kind", "restrict"),
            ("ground", "legal_claims"),
        ];
        let (status, to, _) = post!(app, session, rights, &restrict);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, format!("{uri}?done=record_restricted"));
        let (status, page) = get!(app, session, to);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            page.contains("The record is restricted. The case is frozen and hidden"),
            "{page}"
        );
        frozen(&page, &uri);
        assert!(
            page.contains(&format!("<a href=\"{rights}\">")),
            "the way back"
        );
        let restricted = now(&db, &st, &cw, case.id);
        assert!(restricted.restriction.is_some(), "{backend:?}");
        // The caseworker finds it frozen as well.
        let cw_session = login!(app, "cw@amsterdam.example");
        let (_, page) = get!(app, cw_session, uri);
        frozen(&page, &uri);

        // The rights page: since when and why, the lift form, no restrict form, and
        // erasure not offered while restricted.
        let (status, page) = get!(app, session, rights);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            page.contains("<strong>Restricted since ")
                && page.contains(&format!("· Ground: {LEGAL_CLAIMS}</p>")),
            "{page}"
        );
        assert!(page.contains("name=\"form_kind\" value=\"lift\""));
        assert!(!page.contains("id=\"form-restrict\""));
        assert!(page.contains("While the record is restricted nothing can be corrected."));
        assert!(
            page.contains(
                "Erasure is not possible now. The record is restricted: it is held for the \
                 person. Lift the restriction first."
            ),
            "{page}"
        );
        assert!(!page.contains("id=\"form-erase\""), "no erase form");
        let current = hidden(&page, "version");
        assert_eq!(current, restricted.version.to_string());

        // A forged erasure is refused for the same reason; the person keeps their name.
        let erase = [
            ("csrf", csrf.as_str()),
            ("version", current.as_str()),
            ("form_kind", "erase"),
            ("ground", "objection"),
            ("confirm", "on"),
        ];
        let (status, _, page) = post!(app, session, rights, &erase);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(
            page.contains("<p class=\"error\" role=\"alert\">The record is restricted"),
            "{page}"
        );
        let after = now(&db, &st, &cw, case.id);
        assert!(after.person.identity.is_some() && !after.person.erased);

        // Restricting again from the old page: changed meanwhile, nothing changes.
        let (status, _, page) = post!(app, session, rights, &restrict);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("changed this case in the meantime"), "{page}");
        assert!(page.contains("Restricted since"));
        let after = now(&db, &st, &cw, case.id);
        assert_eq!(after.version, restricted.version, "{backend:?}");
        assert_eq!(after.restriction, restricted.restriction);

        // Lifted: confirmed, the forms back, the banner gone.
        let lift = [
            ("csrf", csrf.as_str()),
            ("version", current.as_str()),
            ("form_kind", "lift"),
            ("confirm", "yes"),
        ];
        let (status, to, _) = post!(app, session, rights, &lift);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, format!("{uri}?done=restriction_lifted"));
        let (_, page) = get!(app, session, to);
        assert!(page.contains("The restriction is lifted."), "{page}");
        writable(&page, &uri);
        assert!(now(&db, &st, &cw, case.id).restriction.is_none());
        let (_, page) = get!(app, session, rights);
        assert!(page.contains("id=\"form-restrict\"") && !page.contains("Restricted since"));
    }
}

#[actix_web::test]
async fn a_stale_or_repeated_lift_changes_nothing() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (cw, _, case) = world(&db, &st);
        let uri = format!("/cases/{}", case.id);
        let rights = format!("{uri}/rights");
        let session = login!(app, "co@amsterdam.example");
        let (_, page) = get!(app, session, rights);
        let (csrf, old) = (hidden(&page, "csrf"), hidden(&page, "version"));
        let restrict = [
            ("csrf", csrf.as_str()),
            ("version", old.as_str()),
            ("form_kind", "restrict"),
            ("ground", "legal_claims"),
        ];
        let (status, _, _) = post!(app, session, rights, &restrict);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let restricted = now(&db, &st, &cw, case.id);

        // Lifting from the version before the restriction: changed meanwhile.
        let stale = [
            ("csrf", csrf.as_str()),
            ("version", old.as_str()),
            ("form_kind", "lift"),
            ("confirm", "yes"),
        ];
        let (status, _, page) = post!(app, session, rights, &stale);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(
            page.contains(
                "<p class=\"error\" role=\"alert\">Someone changed this case in the meantime."
            ),
            "{page}"
        );
        assert!(page.contains("Restricted since") && page.contains("value=\"lift\""));
        let after = now(&db, &st, &cw, case.id);
        assert_eq!(after.version, restricted.version, "{backend:?}");
        assert!(after.restriction.is_some(), "{backend:?}: still restricted");
        let (_, page) = get!(app, session, uri);
        frozen(&page, &uri);

        // Without its confirmation the lift is no form the page knows.
        let current = restricted.version.to_string();
        let unconfirmed = [
            ("csrf", csrf.as_str()),
            ("version", current.as_str()),
            ("form_kind", "lift"),
        ];
        let (status, _, page) = post!(app, session, rights, &unconfirmed);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(
            page.contains("This page did not make that request."),
            "{backend:?}: {page}"
        );
        assert!(now(&db, &st, &cw, case.id).restriction.is_some());

        // Lifted, then lifted once more from the version it has now: already lifted.
        let lift = [
            ("csrf", csrf.as_str()),
            ("version", current.as_str()),
            ("form_kind", "lift"),
            ("confirm", "yes"),
        ];
        let (status, _, _) = post!(app, session, rights, &lift);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let lifted = now(&db, &st, &cw, case.id);
        assert!(lifted.restriction.is_none());
        let (status, _, page) = post!(app, session, rights, &lift);
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "{backend:?}: from the old page"
        );
        assert!(page.contains("changed this case in the meantime"));
        let again = lifted.version.to_string();
        let repeated = [
            ("csrf", csrf.as_str()),
            ("version", again.as_str()),
            ("form_kind", "lift"),
            ("confirm", "yes"),
        ];
        let (status, _, page) = post!(app, session, rights, &repeated);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(
            page.contains("The record was already in that state"),
            "{page}"
        );
        assert_eq!(now(&db, &st, &cw, case.id).version, lifted.version);
    }
}

#[actix_web::test]
async fn erasure_waits_for_the_case_to_be_closed_and_then_erases_the_name() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (cw, _, case) = world(&db, &st);
        let uri = format!("/cases/{}", case.id);
        let rights = format!("{uri}/rights");
        let session = login!(app, "co@amsterdam.example");

        // Open: not offered, says to close first, and a forged form is refused.
        let (status, page) = get!(app, session, rights);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            page.contains(
                "Erasure is not possible now. A case of the person at your agency is still \
                 open. Close it first"
            ),
            "{page}"
        );
        assert!(!page.contains("id=\"form-erase\""), "no erase form");
        let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));
        let erase = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("form_kind", "erase"),
            ("ground", "objection"),
            ("confirm", "on"),
        ];
        let (status, _, page) = post!(app, session, rights, &erase);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("<p class=\"error\" role=\"alert\">A case of the person"));
        assert!(now(&db, &st, &cw, case.id).person.identity.is_some());

        // Closed from the case page's own form.
        let (_, page) = get!(app, session, uri);
        assert!(page.contains("Popescu"), "{page}");
        let close = [
            ("csrf", csrf.as_str()),
            ("form_kind", "close"),
            ("version", version.as_str()),
            ("close_reason", "support_completed"),
            ("close_note", ""),
        ];
        let (status, to, _) = post!(app, session, uri, &close);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, format!("{uri}?done=case_closed"));

        // Now offered; without the tick (or the ground) it comes back with its messages.
        let (_, page) = get!(app, session, rights);
        assert!(page.contains("id=\"form-erase\""), "{page}");
        assert!(!page.contains("Erasure is not possible now."));
        let version = hidden(&page, "version");
        let unticked = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("form_kind", "erase"),
            ("ground", "objection"),
        ];
        let (status, _, page) = post!(app, session, rights, &unticked);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(
            page.contains(
                "<p class=\"field-error\" id=\"confirm-error\">Tick the box to confirm that \
                 the erasure cannot be undone.</p>"
            ),
            "{page}"
        );
        assert!(
            page.contains("<option value=\"objection\" selected>"),
            "kept as chosen"
        );
        assert!(
            !page.contains("id=\"ground-error\""),
            "the ground was chosen"
        );
        let no_ground = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("form_kind", "erase"),
            ("ground", ""),
            ("confirm", "on"),
        ];
        let (status, _, page) = post!(app, session, rights, &no_ground);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("<p class=\"field-error\" id=\"ground-error\">Choose one.</p>"));
        assert!(!page.contains("id=\"confirm-error\""));
        let kept = now(&db, &st, &cw, case.id);
        assert!(
            kept.person.identity.is_some() && !kept.person.erased,
            "{backend:?}"
        );

        // Ticked with a ground: erased, the name gone from the case page.
        let erase = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("form_kind", "erase"),
            ("ground", "objection"),
            ("confirm", "on"),
        ];
        let (status, to, _) = post!(app, session, rights, &erase);
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, format!("{uri}?done=erased_on_request"));
        let (status, page) = get!(app, session, to);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("data is erased, as they asked."), "{page}");
        assert!(
            page.contains("The identity was erased at the person&#39;s request."),
            "{page}"
        );
        assert!(
            !page.contains("Popescu") && !page.contains("Ioana"),
            "{page}"
        );
        let erased = now(&db, &st, &cw, case.id);
        assert!(erased.person.erased && erased.person.identity.is_none());

        // The rights page says so, and the same form again changes nothing.
        let (_, page) = get!(app, session, rights);
        assert!(page.contains("has been erased already"), "{page}");
        assert!(!page.contains("id=\"form-erase\""));
        assert!(page.contains("Nothing can be corrected"));
        let (status, _, _) = post!(app, session, rights, &erase);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert_eq!(now(&db, &st, &cw, case.id).version, erased.version);
    }
}

/// An agency of `kind` in Amsterdam.
fn agency(db: &TestDb, name: &str, kind: AgencyKind) -> AgencyId {
    let mut conn = db.pool.get().unwrap();
    agencies::insert(
        &mut conn,
        &NewAgency {
            name,
            kind,
            region: Region::Amsterdam,
            contact_email: "balie@org.example",
        },
        chrono::Utc::now(),
    )
    .unwrap()
    .id
}

#[actix_web::test]
async fn an_agency_with_a_retention_duty_is_not_offered_erasure() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let police = agency(&db, "Politie Amsterdam", AgencyKind::Police);
        let cw = account(&db, police, "cw@politie.example", Role::Caseworker);
        account(&db, police, "co@politie.example", Role::Coordinator);
        let case = open_case(
            &db,
            &st,
            &cw,
            named("Ioana", "Popescu", None),
            "amsterdam",
            "labour",
        );
        close(&db, &st, &cw, case.id);
        let uri = format!("/cases/{}", case.id);
        let rights = format!("{uri}/rights");
        let session = login!(app, "co@politie.example");

        let (status, page) = get!(app, session, rights);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        let duty = "Your agency keeps its records for their retention period whatever the \
                    person asks (a legal retention duty).";
        assert!(
            page.contains(&format!("Erasure is not possible now. {duty}")),
            "{page}"
        );
        assert!(!page.contains("id=\"form-erase\""), "no erase form");
        assert!(
            page.contains("id=\"form-restrict\""),
            "restriction stays possible"
        );

        let before = now(&db, &st, &cw, case.id);
        let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));
        assert_eq!(version, before.version.to_string());
        let erase = [
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("form_kind", "erase"),
            ("ground", "consent_withdrawn"),
            ("confirm", "on"),
        ];
        let (status, _, page) = post!(app, session, rights, &erase);
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(
            page.contains(&format!("<p class=\"error\" role=\"alert\">{duty}")),
            "{page}"
        );
        let after = now(&db, &st, &cw, case.id);
        assert!(
            after.person.identity.is_some() && !after.person.erased,
            "{backend:?}"
        );
        assert_eq!(after.version, before.version);
        let (_, page) = get!(app, session, uri);
        assert!(page.contains("Popescu"), "{backend:?}: the name is kept");
    }
}

/// A download for the browser of `$session`: the response, unread.
macro_rules! download {
    ($app:expr, $session:expr, $uri:expr) => {{
        test::call_service(
            &$app,
            TestRequest::get()
                .uri(&$uri)
                .cookie($session.clone())
                .to_request(),
        )
        .await
    }};
}

#[actix_web::test]
async fn the_copy_of_the_record_downloads_for_the_coordinators_only() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (cw, co_shelter, case) = world(&db, &st);
        let r = refer(&db, &st, &cw, case.id, co_shelter.agency_id);
        act(&db, &st, &co_shelter, &r, ReferralAction::Accept);
        let record = format!("/cases/{}/person-record", case.id);
        let session = login!(app, "co@amsterdam.example");

        for lang in ["nl", "en"] {
            let res = download!(app, session, format!("{record}?format=pdf&lang={lang}"));
            assert_eq!(res.status(), StatusCode::OK, "{backend:?} {lang}");
            assert_eq!(header(&res, "content-type"), "application/pdf");
            let disposition = header(&res, "content-disposition");
            assert!(
                disposition.starts_with("attachment") && disposition.contains(".pdf"),
                "{disposition}"
            );
            assert_eq!(header(&res, "cache-control"), "no-store");
            assert_eq!(header(&res, "x-content-type-options"), "nosniff");
            assert_eq!(header(&res, "content-security-policy"), "sandbox");
            let bytes = test::read_body(res).await;
            assert!(bytes.starts_with(b"%PDF"), "{backend:?} {lang}");
        }

        let res = download!(app, session, format!("{record}?format=json"));
        assert_eq!(res.status(), StatusCode::OK, "{backend:?}");
        assert_eq!(header(&res, "content-type"), "application/json");
        let disposition = header(&res, "content-disposition");
        assert!(
            disposition.starts_with("attachment") && disposition.contains(".json"),
            "{disposition}"
        );
        assert_eq!(header(&res, "cache-control"), "no-store");
        let json: serde_json::Value = serde_json::from_slice(&test::read_body(res).await).unwrap();
        assert_eq!(
            json["person"]["identity"]["family_name"], "Popescu",
            "{json}"
        );
        assert_eq!(json["cases"][0]["reference"], case.reference.as_str());

        // The caseworker is refused; the receiving and an unrelated agency find nothing.
        let cw_session = login!(app, "cw@amsterdam.example");
        for (email, session, expected) in [
            ("caseworker", cw_session, StatusCode::FORBIDDEN),
            (
                "co@amstel.example",
                login!(app, "co@amstel.example"),
                StatusCode::NOT_FOUND,
            ),
            (
                "co@utrecht.example",
                login!(app, "co@utrecht.example"),
                StatusCode::NOT_FOUND,
            ),
        ] {
            for query in ["format=pdf&lang=nl", "format=json"] {
                let res = download!(app, session, format!("{record}?{query}"));
                assert_eq!(res.status(), expected, "{backend:?} {email} {query}");
                assert_ne!(header(&res, "content-type"), "application/json");
                assert!(!header(&res, "content-disposition").starts_with("attachment"));
                let page = body(res).await;
                assert!(
                    !page.contains("Popescu") && !page.starts_with("%PDF"),
                    "{email}"
                );
            }
        }
    }
}
