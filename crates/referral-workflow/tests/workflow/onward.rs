//! The receiving agency carries the work on, on every selected backend: from a referral
//! it accepted it opens its own case in one step (the identity carried over only where
//! consent covers it), linked to where it came from; from there it refers onward; the
//! person keeps the key the monitor counts them under.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{ConsentBuilder, Who, World, conn};
use schakel_domain::ReferralAction;
use schakel_referral_workflow::cases;
use schakel_referral_workflow::{Conflict, UseCaseError, WorkflowConfig};
use schakel_store::casework::persons;
use schakel_store::testing::each_backend;

#[test]
fn the_receiver_opens_its_own_case_from_the_referral_and_refers_onward() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let origin = w.case().consent(ConsentBuilder::new()).open(c);
        let r = w.referral().of_case(origin.id).send(c);
        let early =
            cases::open_case_from_referral(c, &w.env(w.tick()), &w.receiver_coordinator, r.id);
        assert!(
            matches!(early, Err(UseCaseError::Conflict(Conflict::NotAccepted))),
            "{early:?}"
        );
        let r = w.step(c, Who::Receiver, &r, ReferralAction::Accept);
        let own = cases::open_case_from_referral(c, &w.env(w.tick()), &w.receiver_caseworker, r.id)
            .unwrap();
        assert_eq!(own.agency_id, w.receiver.id);
        assert_ne!(own.id, origin.id);
        assert_eq!(own.exploitation_forms, origin.exploitation_forms);
        let carried = own
            .person
            .identity
            .as_ref()
            .expect("consent covers the shelter");
        assert_eq!(
            carried,
            origin.person.identity.as_ref().unwrap(),
            "nothing retyped"
        );
        let from = own.origin.as_ref().unwrap();
        assert_eq!(from.referral_id, r.id);
        assert_eq!(from.agency.id, w.sender.id);
        assert_eq!(
            from.case_reference.as_deref(),
            Some(origin.reference.as_str())
        );
        let key = |c: &mut schakel_store::DbConn, id| persons::find(c, id).unwrap().pseudonym;
        assert_eq!(
            key(c, own.person.id),
            key(c, origin.person.id),
            "one person for the monitor"
        );

        // Once per referral; never for another agency.
        let again =
            cases::open_case_from_referral(c, &w.env(w.tick()), &w.receiver_coordinator, r.id);
        assert!(
            matches!(again, Err(UseCaseError::Conflict(Conflict::CaseExists))),
            "{again:?}"
        );
        for who in [w.unrelated_coordinator, w.sender_coordinator] {
            let other = cases::open_case_from_referral(c, &w.env(w.tick()), &who, r.id);
            assert!(matches!(other, Err(ref e) if e.hides()), "{other:?}");
        }
        let timeline =
            cases::case_timeline(c, &w.env(w.tick()), &w.sender_caseworker, origin.id).unwrap();
        assert!(timeline.iter().any(|e| e.kind == "onward_case_opened"));

        // From its own case the shelter refers onward, as an owner.
        let onward = w
            .referral()
            .by(w.receiver_coordinator)
            .of_case(own.id)
            .to(w.third.id)
            .send(c);
        assert_eq!(onward.from_agency.id, w.receiver.id);
        let received = schakel_referral_workflow::referrals::get_referral(
            c,
            &w.env(w.tick()),
            &w.third_coordinator,
            onward.id,
        )
        .unwrap();
        assert_eq!(received.from_agency.id, w.receiver.id, "the next hop");
    });
}

#[test]
fn without_consent_the_receivers_case_holds_the_coarse_facts_only() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let origin = w.case().open(c);
        let r = w.referral().of_case(origin.id).send(c);
        let r = w.step(c, Who::Receiver, &r, ReferralAction::Accept);
        let own =
            cases::open_case_from_referral(c, &w.env(w.tick()), &w.receiver_coordinator, r.id)
                .unwrap();
        let identity = own.person.identity.clone().unwrap_or_default();
        assert_eq!(identity.family_name, None, "no consent: no name");
        assert_eq!(identity.date_of_birth, None);
        assert_eq!(own.person.gender, origin.person.gender);
        assert_eq!(
            own.person.nationality_group,
            origin.person.nationality_group
        );
        let key = |c: &mut schakel_store::DbConn, id| persons::find(c, id).unwrap().pseudonym;
        assert_eq!(key(c, own.person.id), key(c, origin.person.id));
    });
}
