//! Correcting a case, on every selected backend: the owning agency changes the person
//! and the case from the version it read; the earlier values go to the rectification
//! record (the owner's only), the audit entry names the fields and never the values,
//! search finds the person by the corrected name, and a change of the identifiers that
//! make the pseudonym tells the monitor to relink the person (and only then).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{World, conn, date, new_rows, outbox_rows};
use diesel::prelude::*;
use schakel_domain::{ExploitationForm, Gender, ReferralAction, Region};
use schakel_referral_workflow::cases::{self, CaseListFilter, CorrectCaseInput};
use schakel_referral_workflow::views::CaseView;
use schakel_referral_workflow::{Conflict, IfMatch, UseCaseError, WorkflowConfig};
use schakel_store::DbConn;
use schakel_store::schema::audit_entries;
use schakel_store::testing::each_backend;

fn correct(
    w: &World,
    c: &mut DbConn,
    case: &CaseView,
    input: &CorrectCaseInput,
) -> Result<CaseView, UseCaseError> {
    cases::correct_case(
        c,
        &w.env(w.tick()),
        &w.sender_caseworker,
        case.id,
        IfMatch::Version(case.version),
        input,
    )
}

fn found(w: &World, c: &mut DbConn, family_name: &str, dob: &str) -> usize {
    let filter = CaseListFilter {
        family_name: Some(family_name.into()),
        date_of_birth: Some(date(dob)),
        ..CaseListFilter::default()
    };
    cases::list_cases(
        c,
        &w.env(w.tick()),
        &w.sender_caseworker,
        filter,
        None,
        None,
    )
    .unwrap()
    .items
    .len()
}

#[test]
fn a_misspelt_name_and_wrong_birth_date_are_corrected_and_the_earlier_values_kept() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w
            .case()
            .person(World::person("Vermuelen", date("1990-06-15")))
            .open(c);
        let mut identity = case.person.identity.clone().unwrap();
        identity.family_name = Some("Vermeulen".into());
        identity.date_of_birth = Some(date("1990-06-16"));
        let before = outbox_rows(c);
        let fixed = correct(
            &w,
            c,
            &case,
            &CorrectCaseInput {
                identity: Some(identity),
                region: Some(Region::Rotterdam),
                ..CorrectCaseInput::default()
            },
        )
        .unwrap();
        assert_eq!(fixed.version, case.version + 1);
        let now = fixed.person.identity.as_ref().unwrap();
        assert_eq!(now.family_name.as_deref(), Some("Vermeulen"));
        assert_eq!(now.date_of_birth, Some(date("1990-06-16")));
        assert_eq!(now.given_names.as_deref(), Some("Ana Maria"), "kept");
        assert_eq!(fixed.region, Region::Rotterdam);

        // Found by the corrected name and date, no longer by the earlier ones.
        assert_eq!(found(&w, c, "vermeulen", "1990-06-16"), 1);
        assert_eq!(found(&w, c, "Vermuelen", "1990-06-15"), 0);

        // The rectification record holds what was there before.
        let history =
            cases::case_history(c, &w.env(w.tick()), &w.sender_coordinator, case.id).unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(
            history[0].fields,
            ["identity.date_of_birth", "identity.family_name", "region"]
        );
        let earlier = history[0].earlier.as_ref().unwrap();
        assert_eq!(earlier["identity.family_name"], "Vermuelen");
        assert_eq!(earlier["identity.date_of_birth"], "1990-06-15");
        assert_eq!(earlier["region"], case.region.as_str());

        // The monitor is told to count the person under the new key.
        let told = new_rows(&before, &outbox_rows(c));
        let relinks: Vec<_> = told
            .iter()
            .filter(|r| r.topic == "person_relinked")
            .collect();
        assert_eq!(relinks.len(), 1, "{told:?}");
        assert_eq!(relinks[0].channel, "monitor");
        assert_ne!(relinks[0].payload["from"], relinks[0].payload["to"]);
        assert!(told.iter().all(|r| r.channel == "monitor"), "no email");

        // The audit entry names the fields, never the values.
        let entries: Vec<(String, Option<String>)> = audit_entries::table
            .filter(audit_entries::action.eq("case.correct"))
            .select((audit_entries::details, audit_entries::subject_pseudonym))
            .load(c)
            .unwrap();
        assert_eq!(entries.len(), 1);
        let (details, subject) = &entries[0];
        assert!(details.contains("identity.family_name"), "{details}");
        assert!(
            !details.contains("Verm") && !details.contains("1990-06"),
            "{details}"
        );
        assert_eq!(
            subject.as_deref(),
            relinks[0].payload["to"].as_str(),
            "filed under the person's new key"
        );
        assert!(details.contains(relinks[0].payload["from"].as_str().unwrap()));
    });
}

#[test]
fn a_correction_that_keeps_the_identifiers_keeps_the_key_and_one_that_changes_nothing_is_no_change()
{
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w.case().open(c);
        let before = outbox_rows(c);
        let mut identity = case.person.identity.clone().unwrap();
        identity.languages = vec!["ro".into(), "en".into()];
        identity.contact = Some("06 12345678".into());
        let fixed = correct(
            &w,
            c,
            &case,
            &CorrectCaseInput {
                identity: Some(identity),
                exploitation_forms: Some(vec![ExploitationForm::Sexual]),
                notes: Some(String::new()),
                ..CorrectCaseInput::default()
            },
        )
        .unwrap();
        assert_eq!(fixed.notes, None, "an empty text removes the notes");
        assert_eq!(fixed.exploitation_forms, [ExploitationForm::Sexual]);
        assert!(
            new_rows(&before, &outbox_rows(c)).is_empty(),
            "same name, date of birth and gender: no relink"
        );
        let history =
            cases::case_history(c, &w.env(w.tick()), &w.sender_caseworker, case.id).unwrap();
        assert_eq!(
            history[0].fields,
            [
                "exploitation_forms",
                "identity.contact",
                "identity.languages",
                "notes"
            ]
        );

        // The same values again: nothing changes, no new version, no new record.
        let same = CorrectCaseInput {
            exploitation_forms: Some(vec![ExploitationForm::Sexual]),
            ..CorrectCaseInput::default()
        };
        let again = correct(&w, c, &fixed, &same).unwrap();
        assert_eq!(again.version, fixed.version);
        let history =
            cases::case_history(c, &w.env(w.tick()), &w.sender_caseworker, case.id).unwrap();
        assert_eq!(history.len(), 1);

        // A gender correction changes the key.
        let gender = CorrectCaseInput {
            gender: Some(Gender::Male),
            ..CorrectCaseInput::default()
        };
        let before = outbox_rows(c);
        correct(&w, c, &again, &gender).unwrap();
        let told = new_rows(&before, &outbox_rows(c));
        assert_eq!(told.len(), 1);
        assert_eq!(told[0].topic, "person_relinked");
    });
}

#[test]
fn only_the_owner_corrects_from_the_current_version_with_valid_values() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w.case().open(c);
        let r = w.referral().of_case(case.id).send(c);
        w.step(c, crate::support::Who::Receiver, &r, ReferralAction::Accept);
        let case = cases::get_case(c, &w.env(w.tick()), &w.sender_caseworker, case.id).unwrap();
        let region = CorrectCaseInput {
            region: Some(Region::Rotterdam),
            ..CorrectCaseInput::default()
        };
        // The receiver reads the case but neither corrects it nor reads its record.
        for who in [&w.receiver_coordinator, &w.unrelated_coordinator] {
            let r = cases::correct_case(
                c,
                &w.env(w.tick()),
                who,
                case.id,
                IfMatch::Version(case.version),
                &region,
            );
            assert!(matches!(r, Err(ref e) if e.hides()), "{r:?}");
            let h = cases::case_history(c, &w.env(w.tick()), who, case.id);
            assert!(matches!(h, Err(ref e) if e.hides()), "{h:?}");
        }
        let stale = cases::correct_case(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            case.id,
            IfMatch::Version(case.version - 1),
            &region,
        );
        assert!(matches!(stale, Err(UseCaseError::VersionMismatch)));
        let missing = cases::correct_case(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            case.id,
            IfMatch::Missing,
            &region,
        );
        assert!(matches!(missing, Err(UseCaseError::VersionRequired)));
        let mut future = case.person.identity.clone().unwrap();
        future.date_of_birth = Some(w.now().date_naive() + chrono::Duration::days(3));
        let bad = correct(
            &w,
            c,
            &case,
            &CorrectCaseInput {
                identity: Some(future),
                ..CorrectCaseInput::default()
            },
        );
        assert!(
            matches!(bad, Err(UseCaseError::Invalid("date_of_birth"))),
            "{bad:?}"
        );
        let none = correct(
            &w,
            c,
            &case,
            &CorrectCaseInput {
                exploitation_forms: Some(vec![]),
                ..CorrectCaseInput::default()
            },
        );
        assert!(matches!(none, Err(UseCaseError::Invalid(_))), "{none:?}");
        let after = cases::get_case(c, &w.env(w.tick()), &w.sender_caseworker, case.id).unwrap();
        assert_eq!(after.version, case.version, "nothing changed");
        assert_eq!(after.region, case.region);
    });
}

#[test]
fn an_erased_person_has_nothing_left_to_correct() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w.case().open(c);
        schakel_store::casework::persons::erase(c, case.person.id, w.now()).unwrap();
        let r = correct(
            &w,
            c,
            &case,
            &CorrectCaseInput {
                region: Some(Region::Rotterdam),
                ..CorrectCaseInput::default()
            },
        );
        assert!(
            matches!(r, Err(UseCaseError::Conflict(Conflict::PersonErased))),
            "{r:?}"
        );
    });
}
