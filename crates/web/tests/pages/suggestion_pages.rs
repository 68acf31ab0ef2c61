//! The directory suggests where to refer, over HTTP, on every backend: on the referral
//! form of a case of an adult man who speaks Romanian, asking for shelter, the shelters
//! that take him and have a place come first, with their free places and when they were
//! reported, then the rest, each with why it does not fit (a women-only shelter: "does
//! not take this gender"); the agencies that do not fit can still be chosen.

use crate::case_close_pages::{account, app, get, login, open_case};
use crate::support::{PASSWORD, body, header, state};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_auth::admin::IfMatch;
use schakel_auth::admin::profiles::{ProfileInput, keep_profile};
use schakel_domain::{Actor, AgencyId, AgencyKind, Gender, Region, Role, Service};
use schakel_store::agencies::{self, NewAgency};
use schakel_store::testing::{TestDb, selected_backends};

fn agency(db: &TestDb, name: &str, kind: AgencyKind) -> AgencyId {
    let mut conn = db.pool.get().unwrap();
    let new = NewAgency {
        name,
        kind,
        region: Region::MiddenNederland,
        contact_email: "balie@org.example",
    };
    agencies::insert(&mut conn, &new, chrono::Utc::now())
        .unwrap()
        .id
}

/// Keeps `who`'s agency's profile: shelter places, `free` of ten, these genders and
/// languages.
fn shelter_profile(db: &TestDb, who: &Actor, free: u32, genders: Vec<Gender>, languages: &[&str]) {
    let mut conn = db.pool.get().unwrap();
    let mut input = ProfileInput {
        services: vec![Service::ShelterPlaces],
        languages: languages.iter().map(|l| (*l).to_owned()).collect(),
        places: Some((10, free)),
        ..ProfileInput::default()
    };
    input.eligibility.genders = genders;
    let ctx = schakel_auth::RequestContext::default();
    keep_profile(
        &mut conn,
        who,
        who.agency_id,
        IfMatch::Version(0),
        &input,
        &ctx,
        chrono::Utc::now(),
    )
    .unwrap();
}

#[actix_web::test]
async fn the_referral_form_puts_the_shelters_that_fit_first_and_says_why_others_do_not() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let st = state(&db);
        let app = app!(st);
        let town = agency(&db, "Gemeente Utrecht", AgencyKind::Municipality);
        let men = agency(&db, "Mannenopvang Noord", AgencyKind::ShelterCategorical);
        let women = agency(&db, "Vrouwenopvang Zuid", AgencyKind::ShelterCategorical);
        let full = agency(&db, "Opvang Vol", AgencyKind::ShelterCategorical);
        agency(&db, "Rechtshulp West", AgencyKind::LegalAid);
        let cw = account(&db, town, "cw@utrecht.example", Role::Caseworker);
        let co = |a, e| account(&db, a, e, Role::Coordinator);
        shelter_profile(
            &db,
            &co(men, "co@men.example"),
            2,
            vec![Gender::Male],
            &["nl", "ro"],
        );
        shelter_profile(
            &db,
            &co(women, "co@women.example"),
            5,
            vec![Gender::Female],
            &["nl"],
        );
        shelter_profile(&db, &co(full, "co@full.example"), 0, vec![], &["ro"]);
        let person = serde_json::json!({
            "identity": { "given_names": "Ion", "family_name": "Popa", "date_of_birth": "1990-03-04", "languages": ["ro"] },
            "gender": "male"
        });
        let case = open_case(&db, &st, &cw, person, "midden_nederland", "labour");

        let session = login!(app, "cw@utrecht.example");
        let uri = format!("/cases/{}/referrals/new?purpose=shelter", case.id);
        let (status, page) = get!(app, session, uri);
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        let table = &page[page
            .find("<table class=\"suggestions\">")
            .expect("suggestions")..];
        let table = &table[..table.find("</table>").unwrap()];
        let order: Vec<&str> = [
            "Mannenopvang Noord",
            "Opvang Vol",
            "Vrouwenopvang Zuid",
            "Rechtshulp West",
        ]
        .into_iter()
        .map(|n| (table.find(n).expect(n), n))
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_values()
        .collect();
        assert_eq!(
            order,
            [
                "Mannenopvang Noord",
                "Opvang Vol",
                "Vrouwenopvang Zuid",
                "Rechtshulp West"
            ],
            "{table}"
        );
        let row = |name: &str| {
            let at = table.find(name).unwrap();
            let end = table[at..].find("</tr>").unwrap();
            table[at..at + end].to_owned()
        };
        assert!(
            row("Mannenopvang Noord").contains("<strong>fits</strong>"),
            "{table}"
        );
        assert!(row("Mannenopvang Noord").contains("2 of 10 free, reported on"));
        assert!(row("Mannenopvang Noord").contains("(today)"), "{table}");
        assert!(row("Mannenopvang Noord").contains("Romanian"));
        assert!(row("Opvang Vol").contains("does not fit: no free place"));
        assert!(
            row("Vrouwenopvang Zuid").contains("does not take this gender"),
            "{table}"
        );
        assert!(row("Rechtshulp West").contains("does not offer this help"));
        assert!(row("Rechtshulp West").contains("not reported"));
        // The ones that do not fit can still be chosen, marked as such, after those that do.
        let select = &page[page.find("id=\"to_agency\"").unwrap()..];
        let (fit, misfit) = (
            select.find("Mannenopvang Noord").unwrap(),
            select.find("Vrouwenopvang Zuid").unwrap(),
        );
        assert!(fit < misfit);
        assert!(select.contains(&format!("value=\"{women}\">Vrouwenopvang Zuid")));
        assert!(
            select.contains(
                "Vrouwenopvang Zuid (categorical shelter, Midden-Nederland) — does not fit"
            ),
            "{select}"
        );
    }
}
