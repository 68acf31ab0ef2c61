//! Emergency access from the pages, on every backend, as a user sees it: the police's
//! coordinator finds the page in the menu, reads what breaking the glass means before
//! sending anything, gets a refused form back as typed with its message (a reason that
//! is no sentence, a case the agency does not have, an access that is not needed), and
//! on success lands on the case page with the banner, the person's name and none of the
//! forms, the agencies' notes hidden; writing a note anyway is refused. A shelter's
//! coordinator has no menu entry, and both the page and the form refuse her. The
//! auditors list the accesses, are refused a forged review and an escalation without a
//! note (the verdict kept as chosen), find one justified and then see it leave the
//! pending list and in the counts per agency and per worker; nobody else reads that
//! page.

use crate::case_close_pages::{
    agencies, app, get, hidden, login, named, open_case, post, with_env,
};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_domain::{
    Actor, AgencyId, AgencyKind, EmergencyGround, NoteKind, NoteVisibility, Region, Role,
};
use schakel_referral_workflow::emergency::{EmergencyInput, open_emergency_access};
use schakel_referral_workflow::notes::{NoteInput, add_note};
use schakel_referral_workflow::views::CaseView;
use schakel_store::agencies::{self, NewAgency};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users::{self, NewUser};
use schakel_web::WebState;
use secrecy::SecretString;

/// A reason that states one.
const REASON: &str = "Meldkamer: de persoon is sinds vannacht vermist en mogelijk in gevaar.";

fn agency(db: &TestDb, name: &str, kind: AgencyKind) -> AgencyId {
    let mut conn = db.pool.get().unwrap();
    agencies::insert(
        &mut conn,
        &NewAgency {
            name,
            kind,
            region: Region::MiddenNederland,
            contact_email: "balie@org.example",
        },
        chrono::Utc::now(),
    )
    .unwrap()
    .id
}

/// An account named `name` that logs in with [`PASSWORD`]; its actor.
fn person(db: &TestDb, agency: AgencyId, email: &str, name: &str, role: Role) -> Actor {
    let hash = schakel_auth::password::hash(&SecretString::from(PASSWORD)).unwrap();
    let mut conn = db.pool.get().unwrap();
    let u = users::insert(
        &mut conn,
        &NewUser {
            agency_id: agency,
            email,
            display_name: name,
            role,
            locale: "en",
            password_hash: Some(&hash),
        },
        chrono::Utc::now(),
    )
    .unwrap();
    Actor {
        user_id: u.id,
        agency_id: u.agency_id,
        role: u.role,
        session_id: schakel_domain::SessionId::new_random(),
    }
}

/// The municipality's case of Ioana Popescu, with a note the municipality shares.
fn the_case(db: &TestDb, st: &WebState, home: AgencyId) -> CaseView {
    let cw = person(
        db,
        home,
        "cw@amsterdam.example",
        "Anna Jansen",
        Role::Caseworker,
    );
    let case = open_case(
        db,
        st,
        &cw,
        named("Ioana", "Popescu", Some("1990-04-12")),
        "amsterdam",
        "labour",
    );
    with_env(db, st, |conn, env| {
        let input = NoteInput {
            kind: NoteKind::PhoneCall,
            occurred_on: chrono::Utc::now().date_naive(),
            visibility: NoteVisibility::Shared,
            text: "Belde haar zus; canary-5b1e".to_owned(),
        };
        add_note(conn, env, &cw, case.id, &input).unwrap();
    });
    case
}

/// The fields of the emergency form.
fn form<'a>(
    csrf: &'a str,
    agency: &'a str,
    reference: &'a str,
    ground: &'a str,
    reason: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("agency_id", agency),
        ("reference", reference),
        ("ground", ground),
        ("reason", reason),
    ]
}

#[actix_web::test]
async fn the_police_break_the_glass_and_read_the_case_with_the_banner_and_no_forms() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        let police = agency(&db, "Politie Midden-Nederland", AgencyKind::Police);
        person(
            &db,
            police,
            "vos@politie.example",
            "Jeroen Vos",
            Role::Coordinator,
        );
        let case = the_case(&db, &st, home);
        let (agency_id, reference) = (home.to_string(), case.reference.clone());

        // In the menu; the page says what follows before anything is sent.
        let session = login!(app, "vos@politie.example");
        let (_, start) = get!(app, session, "/");
        assert!(start.contains("<li><a href=\"/emergency\">Emergency access</a></li>"));
        let (status, page) = get!(app, session, "/emergency");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        for words in [
            "recorded in the audit trail",
            "The agency that owns the case is emailed at once.",
            "An auditor reviews every emergency access",
            "The access lasts 4 hours",
        ] {
            assert!(page.contains(words), "{words}: {page}");
        }
        assert!(page.contains(&format!("<option value=\"{agency_id}\">Gemeente Amsterdam")));
        assert!(
            !page.contains(&format!("<option value=\"{police}\">")),
            "not its own"
        );
        assert!(page.contains("<legend>Ground</legend>"));
        assert!(page.contains("<label for=\"ground-missing_person\">missing person</label>"));
        assert!(page.contains("You do not see who the person is"));
        assert!(page.contains("<label for=\"reason\">Reason</label>"));
        let csrf = hidden(&page, "csrf");

        // Forged: refused, nothing opened.
        let (status, _, _) = post!(
            app,
            session,
            "/emergency",
            form("vervalst", &agency_id, &reference, "missing_person", REASON)
        );
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");

        // A reason that is no sentence: back as typed, with its message.
        let (status, _, page) = post!(
            app,
            session,
            "/emergency",
            form(&csrf, &agency_id, &reference, "missing_person", "spoed nu")
        );
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(page.contains("Write at least a sentence"), "{page}");
        assert!(page.contains(">spoed nu</textarea>"), "the reason as typed");
        assert!(page.contains(&format!("value=\"{reference}\"")));
        assert!(page.contains("id=\"ground-missing_person\" name=\"ground\" value=\"missing_person\" aria-describedby=\"ground-missing_person-hint\" checked"));

        // A case the agency does not have: a message, the form as typed.
        let (status, _, page) = post!(
            app,
            session,
            "/emergency",
            form(&csrf, &agency_id, "2020-999999", "missing_person", REASON)
        );
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}");
        assert!(page.contains("That agency has no case with this reference."));
        assert!(page.contains(REASON), "the reason as typed");
        let (status, _) = get!(app, session, format!("/cases/{}", case.id));
        assert_eq!(status, StatusCode::NOT_FOUND, "no access yet");

        // Opened: the case page, with the banner and the person, without the forms.
        let (status, to, _) = post!(
            app,
            session,
            "/emergency",
            form(&csrf, &agency_id, &reference, "missing_person", REASON)
        );
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, format!("/cases/{}", case.id));
        let (status, page) = get!(app, session, to);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            page.contains(
                "Emergency access: you see this case on the ground of missing person until "
            ),
            "{page}"
        );
        assert!(page.contains("Everything you see is recorded; the agency has been informed and an auditor reviews this access."));
        assert!(page.contains("<h1>Case: Ioana Popescu</h1>"), "{page}");
        assert!(
            !page.contains("canary-5b1e"),
            "the agencies' notes stay hidden"
        );
        for form in [
            "value=\"note\"",
            "value=\"consent\"",
            "value=\"close\"",
            "/referrals/new",
            "/correct",
            "/assignee",
            "/documents\"",
        ] {
            assert!(!page.contains(form), "no {form} for the emergency reader");
        }
        assert!(page.contains("emergency access"), "on the timeline");

        // A note anyway: refused, and nothing written.
        let (status, _, _) = post!(
            app,
            session,
            format!("/cases/{}/notes", case.id),
            [
                ("csrf", csrf.as_str()),
                ("kind", "phone_call"),
                ("occurred_on", "2026-01-02"),
                ("visibility", "shared"),
                ("text", "Gebeld."),
            ]
        );
        assert!(
            status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
            "{backend:?}: {status}"
        );

        // Again: not needed, with the way to the case list.
        let (status, _, page) = post!(
            app,
            session,
            "/emergency",
            form(&csrf, &agency_id, &reference, "danger_to_life", REASON)
        );
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("emergency access is not needed"), "{page}");
        assert!(page.contains(&format!("href=\"/cases?reference={reference}\"")));
        assert!(page.contains(REASON), "the reason as typed");
    }
}

#[actix_web::test]
async fn a_shelter_coordinator_cannot_break_the_glass() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, shelter, _) = agencies(&db);
        person(
            &db,
            shelter,
            "co@amstel.example",
            "Fenna de Wit",
            Role::Coordinator,
        );
        let case = the_case(&db, &st, home);

        let session = login!(app, "co@amstel.example");
        let (_, start) = get!(app, session, "/");
        assert!(!start.contains("href=\"/emergency\""), "no menu entry");
        let (status, page) = get!(app, session, "/emergency");
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");
        assert!(page.contains("Your role cannot do this."), "{page}");
        let csrf = hidden(&start, "csrf");
        let (status, _, page) = post!(
            app,
            session,
            "/emergency",
            form(
                &csrf,
                &home.to_string(),
                &case.reference,
                "danger_to_life",
                REASON
            )
        );
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");
        assert!(page.contains("Your role cannot do this."), "{page}");
        let (status, _) = get!(app, session, format!("/cases/{}", case.id));
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}: nothing opened");
    }
}

/// The part of `page` from `from` to the end of its table.
fn table<'p>(page: &'p str, id: &str) -> &'p str {
    let at = page.find(&format!("<table id=\"{id}\">")).expect(id);
    let end = page[at..].find("</table>").unwrap();
    &page[at..at + end]
}

#[actix_web::test]
async fn auditors_review_emergency_accesses_and_see_them_per_agency_and_worker() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, _) = agencies(&db);
        let police = agency(&db, "Politie Midden-Nederland", AgencyKind::Police);
        let vos = person(
            &db,
            police,
            "vos@politie.example",
            "Jeroen Vos",
            Role::Coordinator,
        );
        person(
            &db,
            home,
            "audit@amsterdam.example",
            "Dana Smit",
            Role::Auditor,
        );
        let case = the_case(&db, &st, home);
        let grant = with_env(&db, &st, |conn, env| {
            let input = EmergencyInput {
                agency_id: home,
                reference: case.reference.clone(),
                ground: EmergencyGround::MissingPerson,
                reason: REASON.to_owned(),
            };
            open_emergency_access(conn, env, &vos, &input).unwrap()
        });

        // Others are refused the page.
        let session = login!(app, "cw@amsterdam.example");
        let (status, _) = get!(app, session, "/audit/emergency");
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");

        // The pending access: who, which case (no link), why, and its form.
        let session = login!(app, "audit@amsterdam.example");
        let (_, start) = get!(app, session, "/");
        assert!(start.contains("<a href=\"/audit/emergency\">Review emergency access</a>"));
        let (status, page) = get!(app, session, "/audit/emergency");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        for words in [
            "Jeroen Vos (Politie Midden-Nederland)",
            &format!("{} · Gemeente Amsterdam", case.reference),
            "<dd>missing person</dd>",
            REASON,
            "waiting for review",
            "running, until",
        ] {
            assert!(page.contains(words), "{words}: {page}");
        }
        assert!(
            !page.contains("href=\"/cases/"),
            "auditors do not read cases"
        );
        let review = format!("/audit/emergency/{}/review", grant.id);
        assert!(page.contains(&format!("action=\"{review}\"")));
        let csrf = hidden(&page, "csrf");

        // Forged: refused, nothing recorded.
        let (status, _, _) = post!(
            app,
            session,
            review,
            [("csrf", "vervalst"), ("verdict", "justified"), ("note", "")]
        );
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");

        // Escalated without a note: refused, with the message; nothing recorded.
        let (status, _, page) = post!(
            app,
            session,
            review,
            [
                ("csrf", csrf.as_str()),
                ("filter", "pending"),
                ("verdict", "escalated"),
                ("note", " ")
            ]
        );
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(
            page.contains("Write a note: an escalation needs one."),
            "{page}"
        );
        assert!(
            page.contains("value=\"escalated\" checked"),
            "the verdict as chosen"
        );
        assert!(page.contains("aria-invalid=\"true\""));

        // Justified with a note: back to the list, which no longer holds it.
        let (status, to, _) = post!(
            app,
            session,
            review,
            [
                ("csrf", csrf.as_str()),
                ("filter", "pending"),
                ("verdict", "justified"),
                ("note", "Vermissing bevestigd door de meldkamer."),
            ]
        );
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(to, "/audit/emergency?review=pending&done=justified");
        let (_, page) = get!(app, session, to);
        assert!(
            page.contains("Recorded: the access was justified."),
            "{page}"
        );
        assert!(page.contains("No emergency accesses here."), "{page}");
        let agencies = table(&page, "by-agency");
        assert!(
            agencies.contains("<th scope=\"row\">Politie Midden-Nederland</th><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">0</td>"),
            "{agencies}"
        );
        let workers = table(&page, "by-user");
        assert!(
            workers.contains("<th scope=\"row\">Jeroen Vos</th><td>Politie Midden-Nederland</td><td class=\"num\">1</td>"),
            "{workers}"
        );
        let (_, page) = get!(app, session, "/audit/emergency?review=justified");
        assert!(page.contains("by Dana Smit at "), "{page}");
        assert!(page.contains("Vermissing bevestigd door de meldkamer."));

        // Twice: refused, nothing changed.
        let (status, _, page) = post!(
            app,
            session,
            review,
            [
                ("csrf", csrf.as_str()),
                ("verdict", "escalated"),
                ("note", "Toch onderzoeken.")
            ]
        );
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(page.contains("already been reviewed"), "{page}");
    }
}
