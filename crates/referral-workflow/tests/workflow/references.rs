//! Case references, on every selected backend: each agency numbers its cases per year
//! from 1 (`2026-000001`), a new year starts again, and a reference finds the agency's
//! own case only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{Who, World, conn};
use chrono::{TimeZone, Utc};
use schakel_domain::ReferralAction;
use schakel_referral_workflow::cases::{self, CaseListFilter};
use schakel_referral_workflow::{UseCaseError, WorkflowConfig};
use schakel_store::DbConn;
use schakel_store::testing::each_backend;

fn by_reference(
    w: &World,
    c: &mut DbConn,
    who: &schakel_domain::Actor,
    reference: &str,
) -> Result<Vec<String>, UseCaseError> {
    let filter = CaseListFilter {
        reference: Some(reference.into()),
        status: None,
        ..CaseListFilter::default()
    };
    Ok(
        cases::list_cases(c, &w.env(w.tick()), who, filter, None, None)?
            .items
            .into_iter()
            .map(|i| i.reference)
            .collect(),
    )
}

#[test]
fn each_agency_numbers_its_cases_per_year_and_finds_its_own_by_reference() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let year = w.now().format("%Y").to_string();
        let first = w.case().open(c);
        let second = w.case().open(c);
        let theirs = w.case().by(w.receiver_coordinator).open(c);
        assert_eq!(first.reference, format!("{year}-000001"));
        assert_eq!(second.reference, format!("{year}-000002"));
        assert_eq!(theirs.reference, format!("{year}-000001"), "per agency");

        assert_eq!(
            by_reference(&w, c, &w.sender_caseworker, &second.reference).unwrap(),
            [second.reference.as_str()]
        );
        assert_eq!(
            by_reference(&w, c, &w.sender_caseworker, " 2099-000001 ").unwrap(),
            Vec::<String>::new()
        );
        // The receiver, even once it sees the case, finds only its own case under
        // that number.
        let r = w.referral().of_case(first.id).send(c);
        w.step(c, Who::Receiver, &r, ReferralAction::Accept);
        let seen = cases::get_case(c, &w.env(w.tick()), &w.receiver_coordinator, first.id).unwrap();
        assert_eq!(seen.reference, first.reference, "shown to the receiver");
        let found = by_reference(&w, c, &w.receiver_coordinator, &first.reference).unwrap();
        assert_eq!(found, [theirs.reference.as_str()]);
        let ids = cases::list_cases(
            c,
            &w.env(w.tick()),
            &w.receiver_coordinator,
            CaseListFilter {
                reference: Some(first.reference.clone()),
                ..CaseListFilter::default()
            },
            None,
            None,
        )
        .unwrap();
        assert!(ids.items.iter().all(|i| i.id == theirs.id));

        for bad in ["2026-12", "abc", "2026-00000x", ""] {
            let r = by_reference(&w, c, &w.sender_caseworker, bad);
            assert!(
                matches!(r, Err(UseCaseError::Invalid("reference"))),
                "{bad}: {r:?}"
            );
        }

        // A new year starts at 1 again.
        w.set_now(Utc.with_ymd_and_hms(2031, 1, 1, 0, 0, 1).unwrap());
        let next_year = w.case().open(c);
        assert_eq!(next_year.reference, "2031-000001");
    });
}
