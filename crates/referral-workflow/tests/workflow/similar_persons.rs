//! The "similar person" match, on every selected backend: the agency finds its own
//! cases of persons whose family name sounds the same and who were born in the same
//! year (Jansen finds Janssen), not those born in another year and never another
//! agency's; a correction moves the person to their new sound; the search is audited
//! with the persons it found; and persons stored before the index existed get it from
//! the backfill.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{Who, World, conn, date};
use diesel::prelude::*;
use schakel_domain::{Actor, CaseId, ReferralAction};
use schakel_referral_workflow::cases::{self, CorrectCaseInput, SimilarTo};
use schakel_referral_workflow::identity::Identity;
use schakel_referral_workflow::{IfMatch, UseCaseError, WorkflowConfig, jobs};
use schakel_store::DbConn;
use schakel_store::casework::persons;
use schakel_store::schema::{audit_entries, persons as person_rows};
use schakel_store::testing::each_backend;

/// The ids of the cases `who` finds as similar to `family_name` born in `year`, sorted.
fn similar(w: &World, c: &mut DbConn, who: &Actor, family_name: &str, year: i32) -> Vec<CaseId> {
    let like = SimilarTo {
        family_name: family_name.into(),
        birth_year: year,
    };
    let mut ids: Vec<CaseId> = cases::similar_cases(c, &w.env(w.tick()), who, &like, None)
        .unwrap()
        .items
        .into_iter()
        .map(|i| i.id)
        .collect();
    ids.sort();
    ids
}

fn sorted(mut ids: Vec<CaseId>) -> Vec<CaseId> {
    ids.sort();
    ids
}

#[test]
fn a_name_that_sounds_the_same_born_the_same_year_is_found_in_the_own_agency_only() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let mut open = |family: &str, born: &str, by: Actor| {
            let person = World::person(family, date(born));
            w.case().by(by).person(person).open(c).id
        };
        let janssen = open("Janssen", "1990-06-15", w.sender_caseworker);
        let jansen = open("Jansen", "1990-01-01", w.sender_caseworker);
        let next_year = open("Jansen", "1991-06-15", w.sender_caseworker);
        let other_name = open("Pietersen", "1990-06-15", w.sender_caseworker);
        let theirs = open("Jansen", "1990-06-15", w.receiver_coordinator);

        let found = similar(&w, c, &w.sender_caseworker, "JANSEN", 1990);
        assert_eq!(found, sorted(vec![janssen, jansen]));
        for not in [next_year, other_name, theirs] {
            assert!(!found.contains(&not));
        }
        assert_eq!(
            similar(&w, c, &w.receiver_coordinator, "Janssen", 1990),
            [theirs]
        );

        // Not even a case the other agency works on through a referral it accepted.
        let r = w.referral().of_case(janssen).send(c);
        w.step(c, Who::Receiver, &r, ReferralAction::Accept);
        assert_eq!(
            similar(&w, c, &w.receiver_coordinator, "Janssen", 1990),
            [theirs],
            "never another agency's case"
        );

        // Audited as a search, with the persons found.
        let (details,): (String,) = audit_entries::table
            .filter(audit_entries::action.eq("case.search"))
            .filter(audit_entries::actor_user_id.eq(w.sender_caseworker.user_id.to_string()))
            .select((audit_entries::details,))
            .order(audit_entries::seq.asc())
            .first(c)
            .unwrap();
        let details: serde_json::Value = serde_json::from_str(&details).unwrap();
        assert_eq!(details["by_similar"], true);
        assert_eq!(details["count"], 2);
        assert_eq!(details["subjects"].as_array().unwrap().len(), 2);

        // A name without a sound is refused when empty, and finds nobody otherwise.
        let like = |name: &str| SimilarTo {
            family_name: name.into(),
            birth_year: 1990,
        };
        let empty =
            cases::similar_cases(c, &w.env(w.tick()), &w.sender_caseworker, &like(" "), None);
        assert!(matches!(empty, Err(UseCaseError::Invalid("family_name"))));
        assert!(similar(&w, c, &w.sender_caseworker, "--", 1990).is_empty());
    });
}

#[test]
fn a_corrected_family_name_is_found_by_its_new_sound() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w
            .case()
            .person(World::person("Jansen", date("1990-06-15")))
            .open(c);
        assert_eq!(
            similar(&w, c, &w.sender_caseworker, "Janssen", 1990),
            [case.id]
        );
        let identity = Identity {
            family_name: Some("Peters".into()),
            ..case.person.identity.clone().unwrap()
        };
        let input = CorrectCaseInput {
            identity: Some(identity),
            ..CorrectCaseInput::default()
        };
        cases::correct_case(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            case.id,
            IfMatch::Version(case.version),
            &input,
        )
        .unwrap();
        assert!(similar(&w, c, &w.sender_caseworker, "Janssen", 1990).is_empty());
        assert_eq!(
            similar(&w, c, &w.sender_caseworker, "Peeters", 1990),
            [case.id]
        );
    });
}

#[test]
fn persons_stored_before_the_index_existed_get_it_from_the_backfill() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let old = w
            .case()
            .person(World::person("de Vries", date("1985-03-03")))
            .open(c);
        let no_birth_day = {
            let mut p = World::person("de Vries", date("1985-03-03"));
            p.identity.date_of_birth = None;
            w.case().person(p).open(c)
        };
        // As stored before the migration: no similar index.
        diesel::update(person_rows::table)
            .set(person_rows::similar_index.eq(None::<String>))
            .execute(c)
            .unwrap();
        assert!(similar(&w, c, &w.sender_caseworker, "De Fries", 1985).is_empty());

        let filled = jobs::backfill_similar_index(c, &w.cfg, w.tick()).unwrap();
        assert_eq!(
            filled, 1,
            "the person with a family name and a date of birth"
        );
        assert!(
            persons::find(c, old.person.id)
                .unwrap()
                .similar_index
                .is_some()
        );
        assert!(
            persons::find(c, no_birth_day.person.id)
                .unwrap()
                .similar_index
                .is_none()
        );
        assert_eq!(
            similar(&w, c, &w.sender_caseworker, "De Fries", 1985),
            [old.id]
        );
        let audited: i64 = audit_entries::table
            .filter(audit_entries::action.eq("system.similar_backfill"))
            .count()
            .get_result(c)
            .unwrap();
        assert_eq!(audited, 1);

        // Run again: nothing left to fill, and nothing audited.
        assert_eq!(
            jobs::backfill_similar_index(c, &w.cfg, w.tick()).unwrap(),
            0
        );
        let audited: i64 = audit_entries::table
            .filter(audit_entries::action.eq("system.similar_backfill"))
            .count()
            .get_result(c)
            .unwrap();
        assert_eq!(audited, 1);
    });
}
