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
        assert_eq!(from.referral_id, Some(r.id));
        assert_eq!(from.agency.as_ref().map(|a| a.id), Some(w.sender.id));
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

        // The referral now names the case the shelter opened from it (for the shelter).
        let read = |c: &mut schakel_store::DbConn, who| {
            schakel_referral_workflow::referrals::get_referral(c, &w.env(w.tick()), who, r.id)
                .unwrap()
                .own_case_id
        };
        assert_eq!(read(c, &w.receiver_coordinator), Some(own.id));
        assert_eq!(read(c, &w.sender_coordinator), None, "the sender's view");

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

#[test]
fn each_party_sees_the_chain_as_far_as_it_may() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        // The municipality refers to the shelter, which opens its own case and refers on
        // to a third agency, which accepts; the municipality also tried an agency that
        // declined.
        let origin = w.case().consent(ConsentBuilder::new()).open(c);
        let r1 = w.referral().of_case(origin.id).send(c);
        let r1 = w.step(c, Who::Receiver, &r1, ReferralAction::Accept);
        let own =
            cases::open_case_from_referral(c, &w.env(w.tick()), &w.receiver_coordinator, r1.id)
                .unwrap();
        let r2 = w
            .referral()
            .by(w.receiver_coordinator)
            .of_case(own.id)
            .to(w.third.id)
            .send(c);
        let r2 = w.act_as(
            c,
            &w.third_coordinator,
            r2.id,
            schakel_referral_workflow::IfMatch::Version(r2.version),
            ReferralAction::Accept,
        );
        assert!(r2.is_ok(), "{r2:?}");
        let r3 = w
            .referral()
            .of_case(own.id)
            .by(w.receiver_coordinator)
            .to(w.unrelated.id)
            .send(c);
        let r3 = w.act_as(
            c,
            &w.unrelated_coordinator,
            r3.id,
            schakel_referral_workflow::IfMatch::Version(r3.version),
            ReferralAction::Decline,
        );
        assert!(r3.is_ok(), "{r3:?}");

        // The municipality: its own hop in full, the shelter named (it dealt with it),
        // the third agency by kind only, the shelter's declined try not at all.
        let seen = cases::case_chain(c, &w.env(w.tick()), &w.sender_caseworker, origin.id).unwrap();
        assert_eq!(seen.hops.len(), 2, "{seen:#?}");
        let first = &seen.hops[0];
        assert_eq!(first.referral_id, Some(r1.id));
        assert!(first.from_this_case);
        assert_eq!(
            first.from.case_reference.as_deref(),
            Some(origin.reference.as_str())
        );
        assert_eq!(first.to.agency.as_ref().map(|a| a.id), Some(w.receiver.id));
        assert_eq!(first.to.case_id, None, "not its case");
        let second = &seen.hops[1];
        assert_eq!((second.referral_id, second.state), (None, None));
        assert_eq!(
            second.from.agency.as_ref().map(|a| a.id),
            Some(w.receiver.id)
        );
        assert_eq!(second.to.agency, None, "kind only");
        assert_eq!(second.to.kind, w.third.kind);

        // The shelter, from its own case: both its hops named, its declined one too,
        // the municipality's case reference withheld.
        let seen = cases::case_chain(c, &w.env(w.tick()), &w.receiver_caseworker, own.id).unwrap();
        assert_eq!(seen.hops.len(), 3, "{seen:#?}");
        assert_eq!(seen.hops[0].from.case_reference, None);
        assert_eq!(seen.hops[0].to.case_id, Some(own.id));
        assert!(!seen.hops[0].from_this_case && seen.hops[1].from_this_case);
        assert!(seen.hops.iter().all(|h| h.referral_id.is_some()));

        // The third agency reads the shelter's case: the municipality by kind only, in
        // where the case came from as in the chain.
        let read = cases::get_case(c, &w.env(w.tick()), &w.third_coordinator, own.id).unwrap();
        let came = read.origin.unwrap();
        assert_eq!((came.agency, came.referral_id), (None, None));
        assert_eq!(came.kind, w.sender.kind);
        assert_eq!(came.case_reference, None);
        let seen = cases::case_chain(c, &w.env(w.tick()), &w.third_coordinator, own.id).unwrap();
        assert_eq!(seen.hops.len(), 2, "{seen:#?}");
        assert_eq!(seen.hops[0].from.agency, None);
        assert_eq!(seen.hops[0].referral_id, None);
        assert_eq!(seen.hops[1].referral_id, Some(r2.unwrap().id));
        assert!(seen.hops.iter().all(|h| h.from.case_reference.is_none()));

        // An agency that declined never reads the case, nor its chain.
        let hidden = cases::case_chain(c, &w.env(w.tick()), &w.unrelated_coordinator, own.id);
        assert!(matches!(hidden, Err(ref e) if e.hides()), "{hidden:?}");
    });
}
