//! The monitor's estimate inputs counted by hand: persons recorded by agencies of
//! different kinds, in different years, ages, genders and forms, grouped into lists; the
//! overlap the estimate is made from, per period, year and stratum, is what the events
//! say (a person once per period, on every list whose kinds captured them; a kind in no
//! list not counted; unlinkable records and anonymous signals left out), and the
//! published overlap is disclosure-controlled.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use schakel_domain::{
    AgeBand, AgencyKind, ExploitationForm, Gender, MonitorEvent, MonitorEventKind,
    NationalityGroup, Region,
};
use schakel_monitor::estimate::{Lists, Request, Stratum};
use schakel_monitor::mse::{Method, Options};
use schakel_monitor::{Cube, Rules, record};
use schakel_store::testing::{TestDb, selected_backends};

const EXACT: Rules = Rules {
    threshold: 0,
    rounding: 1,
};

/// A capture: who, when, by which kind, with what the event says of them.
struct Capture {
    person: u32,
    month: &'static str,
    kind: AgencyKind,
    age: AgeBand,
    gender: Gender,
    forms: Vec<ExploitationForm>,
    event: MonitorEventKind,
}

fn capture(person: u32, month: &'static str, kind: AgencyKind) -> Capture {
    Capture {
        person,
        month,
        kind,
        age: AgeBand::From18To22,
        gender: Gender::Female,
        forms: vec![ExploitationForm::Sexual],
        event: MonitorEventKind::SignalLogged,
    }
}

fn record_all(db: &TestDb, captures: &[Capture]) {
    let mut conn = db.pool.get().unwrap();
    for (i, c) in captures.iter().enumerate() {
        let pseudonym = if c.person >= 900 {
            format!("u:{:064x}", c.person)
        } else {
            format!("{:064x}", c.person)
        };
        let event = MonitorEvent {
            kind: c.event,
            month: c.month.into(),
            sender_kind: c.kind,
            sender_region: Region::Amsterdam,
            receiver_kind: None,
            receiver_region: None,
            exploitation_forms: c.forms.clone(),
            age_band: c.age,
            gender: c.gender,
            nationality_group: NationalityGroup::Unknown,
            reporting_basis: None,
            hours_to_answer: None,
            pseudonym: Some(pseudonym),
        };
        assert!(record(&mut conn, &format!("e{i}"), &event).unwrap());
    }
}

fn request(lists: &str, from: u16, to: u16, stratum: Option<&str>) -> Request {
    Request {
        lists: Lists::parse(lists).unwrap(),
        from_year: from,
        to_year: to,
        stratum: stratum.map(|s| Stratum::parse(s).unwrap()),
        options: Options {
            method: Method::Independence,
            level: 0.95,
            bootstrap: None,
        },
    }
}

/// The overlap as `(lists joined by +, persons)`, sorted.
fn overlap(db: &TestDb, r: &Request, rules: Rules) -> Vec<(String, Option<i64>)> {
    let mut conn = db.pool.get().unwrap();
    let e = Cube::new().estimate(&mut conn, r, rules).unwrap();
    let mut out: Vec<_> = e
        .overlap
        .iter()
        .map(|c| (c.lists.join("+"), c.persons))
        .collect();
    out.sort();
    out
}

#[test]
fn the_overlap_of_lists_counts_each_person_once_on_the_lists_that_captured_them() {
    use AgencyKind::{
        LabourInspectorate as Inspectorate, Municipality, Ngo, Police,
        ShelterCategorical as Shelter,
    };
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let mut captures = vec![
            // 1: police and the inspectorate (one list) twice, and a shelter.
            capture(1, "2025-02", Police),
            capture(1, "2025-03", Inspectorate),
            capture(1, "2025-04", Shelter),
            // 2: a shelter only; in 2024 also the police.
            capture(2, "2025-05", Shelter),
            capture(2, "2024-05", Police),
            // 3: an NGO (in no list) and the municipality.
            capture(3, "2025-06", Ngo),
            capture(3, "2025-06", Municipality),
            // 4: an NGO only: counted nowhere.
            capture(4, "2025-07", Ngo),
            // 900: an unlinkable record of the police: never in the overlap.
            capture(900, "2025-07", Police),
        ];
        // 5: a man under 18, labour exploitation, first seen by the police in 2025.
        captures.push(Capture {
            age: AgeBand::From12To17,
            gender: Gender::Male,
            forms: vec![ExploitationForm::Labour],
            ..capture(5, "2025-01", Police)
        });
        captures.push(Capture {
            age: AgeBand::From18To22,
            gender: Gender::Male,
            forms: vec![ExploitationForm::Criminal],
            ..capture(5, "2025-09", Municipality)
        });
        // A referral sent is not a capture; an accepted one captures for the receiver.
        captures.push(Capture {
            event: MonitorEventKind::ReferralSent,
            ..capture(6, "2025-02", Municipality)
        });
        record_all(&db, &captures);
        let lists =
            "law=police+labour_inspectorate;shelters=shelter_categorical;towns=municipality";
        let r = request(lists, 2025, 2025, None);
        let all = |v: &[(&str, i64)]| -> Vec<(String, Option<i64>)> {
            v.iter().map(|(k, n)| ((*k).to_owned(), Some(*n))).collect()
        };
        assert_eq!(
            overlap(&db, &r, EXACT),
            all(&[
                ("law+shelters", 1),
                ("law+towns", 1),
                ("shelters", 1),
                ("towns", 1)
            ]),
            "{backend:?}"
        );
        // Two years: person 2 is on the police's list too (in 2024).
        let both = overlap(&db, &request(lists, 2024, 2025, None), EXACT);
        assert!(
            both.contains(&("law+shelters".to_owned(), Some(2))),
            "{both:?}"
        );
        // The stratum of age and gender is the first capture's in the period; a form is
        // any capture's.
        let young = overlap(
            &db,
            &request(lists, 2025, 2025, Some("age_band:12-17")),
            EXACT,
        );
        assert_eq!(young, vec![("law+towns".to_owned(), Some(1))]);
        let adults = overlap(
            &db,
            &request(lists, 2025, 2025, Some("age_band:18-22")),
            EXACT,
        );
        assert!(!adults.iter().any(|(k, _)| k == "law+towns"), "{adults:?}");
        let criminal = overlap(
            &db,
            &request(lists, 2025, 2025, Some("exploitation_form:criminal")),
            EXACT,
        );
        assert_eq!(criminal, vec![("law+towns".to_owned(), Some(1))]);
        let women = overlap(
            &db,
            &request(lists, 2025, 2025, Some("gender:female")),
            EXACT,
        );
        let persons: i64 = women.iter().filter_map(|(_, n)| *n).sum();
        assert_eq!(persons, 3, "{women:?}");
        // Published with the monitor's rules: every cell here is below 10, suppressed.
        let controlled = overlap(
            &db,
            &r,
            Rules {
                threshold: 10,
                rounding: 5,
            },
        );
        assert!(
            controlled.iter().all(|(_, n)| n.is_none()),
            "{controlled:?}"
        );
        // The year's registered count beside it.
        let mut conn = db.pool.get().unwrap();
        let e = Cube::new().estimate(&mut conn, &r, EXACT).unwrap();
        assert_eq!(e.registered, 4);
        assert_eq!(e.years.len(), 1);
        assert_eq!(e.years[0].registered, 4);
    }
}
