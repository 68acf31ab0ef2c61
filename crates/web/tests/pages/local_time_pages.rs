//! Times and names as a person in the Netherlands reads them, over HTTP on every
//! backend: the case page shows its moments in Netherlands time (a winter evening in UTC
//! that is already the next day in Amsterdam, a summer morning two hours ahead), names
//! the zone once and never says "UTC"; the audit trail likewise, its day filter taking
//! days as they are in the Netherlands; the person's nationalities and languages read as
//! names, in English and in Dutch.

use crate::case_close_pages::{account, agencies, app, get, login};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use chrono::{DateTime, Duration, TimeZone, Utc};
use schakel_domain::{Actor, AgencyId, Role};
use schakel_referral_workflow::Env;
use schakel_referral_workflow::views::{CaseView, ReferralView};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users::{self, NewUser};
use schakel_web::WebState;
use secrecy::SecretString;

/// A Dutch-speaking account of `agency` that logs in with [`PASSWORD`].
fn dutch_account(db: &TestDb, agency: AgencyId, email: &str) {
    let hash = schakel_auth::password::hash(&SecretString::from(PASSWORD)).unwrap();
    let mut conn = db.pool.get().unwrap();
    let new = NewUser {
        agency_id: agency,
        email,
        display_name: "Fleur de Wit",
        role: Role::Caseworker,
        locale: "nl",
        password_hash: Some(&hash),
    };
    users::insert(&mut conn, &new, Utc::now()).unwrap();
}

/// Runs a use case of `st` as if the time were `at`.
fn at<T>(
    db: &TestDb,
    st: &WebState,
    at: DateTime<Utc>,
    f: impl FnOnce(&mut schakel_store::DbConn, &Env<'_>) -> T,
) -> T {
    let mut conn = db.pool.get().unwrap();
    let ctx = schakel_auth::RequestContext::default();
    let env = Env {
        cfg: &st.workflow,
        ctx: &ctx,
        now: at,
    };
    f(&mut conn, &env)
}

/// A case about a Romanian and Bulgarian woman, opened at `when`.
fn open_case(db: &TestDb, st: &WebState, who: &Actor, when: DateTime<Utc>) -> CaseView {
    let input = serde_json::from_value(serde_json::json!({
        "person": {
            "identity": {
                "given_names": "Ioana", "family_name": "Popescu",
                "nationalities": ["RO", "BG"], "languages": ["ro", "bg"]
            },
            "gender": "female"
        },
        "region": "amsterdam", "exploitation_forms": ["labour"]
    }))
    .unwrap();
    at(db, st, when, |conn, env| {
        schakel_referral_workflow::cases::open_case(conn, env, who, &input, None)
            .unwrap()
            .into_new()
            .unwrap()
    })
}

/// A referral of `case` to `to`, sent at `when`.
fn refer(
    db: &TestDb,
    st: &WebState,
    who: &Actor,
    case: &CaseView,
    to: AgencyId,
    when: DateTime<Utc>,
) -> ReferralView {
    let input = serde_json::from_value(serde_json::json!({
        "to_agency_id": to, "purpose": "shelter", "urgency": "normal"
    }))
    .unwrap();
    at(db, st, when, |conn, env| {
        schakel_referral_workflow::referrals::create_referral(conn, env, who, case.id, &input, None)
            .unwrap()
            .into_new()
            .unwrap()
    })
}

/// Says the zone once, and never "UTC".
fn names_the_zone_once(page: &str, zone: &str) {
    assert_eq!(page.matches("Europe/Amsterdam").count(), 1, "{page}");
    assert!(page.contains(zone), "{page}");
    assert!(!page.contains("UTC"), "{page}");
}

#[actix_web::test]
async fn the_case_page_shows_netherlands_time_and_names_countries_and_languages() {
    // Winter: 23:30 UTC is 00:30 the next day. Summer: 10:00 UTC is 12:00.
    let winter = Utc.with_ymd_and_hms(2026, 1, 15, 23, 30, 0).unwrap();
    let summer = Utc.with_ymd_and_hms(2026, 7, 1, 10, 0, 0).unwrap();
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, shelter, _) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        dutch_account(&db, home, "nl@amsterdam.example");
        let case = open_case(&db, &st, &cw, winter);
        let r = refer(&db, &st, &cw, &case, shelter, summer);
        let uri = format!("/cases/{}", case.id);

        let en = login!(app, "cw@amsterdam.example");
        let (status, page) = get!(app, en, uri);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        names_the_zone_once(&page, "Times in Netherlands time (Europe/Amsterdam).");
        assert!(page.contains("2026-01-16 00:30"), "opened, local: {page}");
        assert!(!page.contains("2026-01-15 23:30"), "{page}");
        assert!(
            page.contains("2026-07-01 12:00"),
            "sent, summer time: {page}"
        );
        // The deadline falls in summer too: two hours ahead of UTC.
        let deadline = (r.deadline_at + Duration::hours(2)).format("%Y-%m-%d %H:%M");
        assert!(page.contains(&deadline.to_string()), "{deadline}: {page}");
        assert!(page.contains("Romania, Bulgaria"), "{page}");
        assert!(page.contains("Romanian, Bulgarian"), "{page}");

        let nl = login!(app, "nl@amsterdam.example");
        let (_, page) = get!(app, nl, uri);
        names_the_zone_once(&page, "Tijden in Nederlandse tijd (Europe/Amsterdam).");
        assert!(page.contains("2026-01-16 00:30"), "{page}");
        assert!(page.contains("Roemenië, Bulgarije"), "{page}");
        assert!(page.contains("Roemeens, Bulgaars"), "{page}");

        for list in ["/cases", "/outgoing", "/"] {
            let (status, page) = get!(app, en, list);
            assert_eq!(status, StatusCode::OK, "{list}");
            names_the_zone_once(&page, "Times in Netherlands time");
        }
        let (_, page) = get!(app, en, "/outgoing");
        assert!(page.contains(&deadline.to_string()), "{page}");
    }
}

#[actix_web::test]
async fn the_audit_trail_shows_and_filters_by_netherlands_time() {
    let late = Utc.with_ymd_and_hms(2026, 1, 15, 23, 30, 0).unwrap();
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let (home, _, other) = agencies(&db);
        let cw = account(&db, home, "cw@amsterdam.example", Role::Caseworker);
        account(&db, other, "au@utrecht.example", Role::Auditor);
        open_case(&db, &st, &cw, late);

        let au = login!(app, "au@utrecht.example");
        let (status, page) = get!(app, au, "/audit?action=case.create");
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        names_the_zone_once(&page, "Times in Netherlands time");
        assert!(
            page.contains("<td class=\"nowrap\">2026-01-16 00:30:00</td>"),
            "{page}"
        );
        assert!(page.contains(">Time</th>"), "{page}");

        // The 16th in the Netherlands holds it; the 15th does not.
        let day = |d: &str| format!("/audit?action=case.create&from={d}&to={d}");
        let (_, page) = get!(app, au, day("2026-01-16"));
        assert!(page.contains("<code>case.create</code>"), "{page}");
        let (_, page) = get!(app, au, day("2026-01-15"));
        assert!(page.contains("No entries match these filters."), "{page}");
    }
}
