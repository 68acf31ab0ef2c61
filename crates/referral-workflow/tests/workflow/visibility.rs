//! What a receiving agency sees of a referred case, on every selected backend: only the
//! referral's summary before accepting; the case after accepting, with the person's
//! identity withheld unless a consent that holds now covers the receiver's recipient
//! kind and the referral's purpose; the identity gone again on the next request after
//! the consent is withdrawn or expires; the case gone once the referral is completed or
//! withdrawn. An unrelated agency never finds the case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{ConsentBuilder, Who, World, conn, emails, new_rows, outbox_rows};
use chrono::{DateTime, Duration, Utc};
use schakel_domain::{AgencyKind, CaseId, RecipientKind, ReferralAction, ReferralPurpose};
use schakel_referral_workflow::cases::{self, CaseListFilter};
use schakel_referral_workflow::consents;
use schakel_referral_workflow::referrals::{self, ReferralBox, ReferralFilter, StateSet};
use schakel_referral_workflow::views::{AccessKind, CaseListItem, CaseView};
use schakel_referral_workflow::{IfMatch, UseCaseError, WorkflowConfig};
use schakel_store::DbConn;
use schakel_store::testing::each_backend;

/// The case as `who` reads it at `now`.
fn read(
    w: &World,
    c: &mut DbConn,
    who: &schakel_domain::Actor,
    id: CaseId,
    now: DateTime<Utc>,
) -> Result<CaseView, UseCaseError> {
    cases::get_case(c, &w.env(now), who, id)
}

/// The case in `who`'s case list at `now`, if listed.
fn listed(
    w: &World,
    c: &mut DbConn,
    who: &schakel_domain::Actor,
    id: CaseId,
    now: DateTime<Utc>,
) -> Option<CaseListItem> {
    cases::list_cases(
        c,
        &w.env(now),
        who,
        CaseListFilter::default(),
        None,
        Some(100),
    )
    .unwrap()
    .items
    .into_iter()
    .find(|i| i.id == id)
}

/// The unrelated agency neither reads nor lists the case.
fn unrelated_sees_nothing(w: &World, c: &mut DbConn, id: CaseId, stage: &str) {
    let now = w.tick();
    let err = read(w, c, &w.unrelated_coordinator, id, now).expect_err(stage);
    assert!(matches!(err, UseCaseError::NotFound), "{stage}: {err:?}");
    assert!(
        listed(w, c, &w.unrelated_coordinator, id, now).is_none(),
        "{stage}: an unrelated agency never lists the case"
    );
}

/// The receiver (coordinator and caseworker) may not read the case, nor list it.
fn receiver_sees_no_case(w: &World, c: &mut DbConn, id: CaseId, stage: &str) {
    let now = w.tick();
    for who in [w.receiver_coordinator, w.receiver_caseworker] {
        let err = read(w, c, &who, id, now).expect_err(stage);
        assert!(matches!(err, UseCaseError::NotFound), "{stage}: {err:?}");
        assert!(listed(w, c, &who, id, now).is_none(), "{stage}: not listed");
        let err = cases::case_timeline(c, &w.env(now), &who, id).expect_err(stage);
        assert!(matches!(err, UseCaseError::NotFound), "{stage}: timeline");
    }
}

/// Asserts that the receiver reads the case with the identity withheld, or shown.
fn receiver_reads(w: &World, c: &mut DbConn, id: CaseId, identity: bool, stage: &str) {
    let now = w.tick();
    for who in [w.receiver_coordinator, w.receiver_caseworker] {
        let view = read(w, c, &who, id, now).unwrap_or_else(|e| panic!("{stage}: {e:?}"));
        assert_eq!(view.access, AccessKind::Receiver, "{stage}");
        assert_eq!(
            view.notes, None,
            "{stage}: the owner's notes stay the owner's"
        );
        assert!(
            view.consents.is_empty(),
            "{stage}: consent records are the owner's"
        );
        assert_eq!(view.signal_id, None, "{stage}");
        let family = view
            .person
            .identity
            .as_ref()
            .and_then(|i| i.family_name.clone());
        if identity {
            assert_eq!(family.as_deref(), Some("Vermeulen"), "{stage}: shown");
            assert!(!view.person.identity_withheld, "{stage}");
        } else {
            assert!(view.person.identity.is_none(), "{stage}: withheld");
            assert!(view.person.identity_withheld, "{stage}: and said to be");
        }
        let item = listed(w, c, &who, id, now).expect("a case with access is listed");
        assert_eq!(item.access, AccessKind::Receiver);
        assert_eq!(
            item.display_name.as_deref(),
            identity.then_some("Ana Maria Vermeulen"),
            "{stage}: the list shows the name exactly when the case does"
        );
    }
}

/// Whether the sender's outgoing list says the receiver of `id` sees the identity.
fn shared_in_outgoing(w: &World, c: &mut DbConn, id: schakel_domain::ReferralId) -> Option<bool> {
    let page = referrals::list_referrals(
        c,
        &w.env(w.tick()),
        &w.sender_caseworker,
        ReferralBox::Outgoing,
        ReferralFilter::states(StateSet::All),
        None,
        None,
    )
    .expect("the sender lists its referrals");
    page.items
        .into_iter()
        .find(|v| v.id == id)
        .expect("listed")
        .identity_shared
}

#[test]
fn the_receiver_sees_the_case_only_while_accepted_and_the_person_only_with_consent() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        assert_eq!(
            RecipientKind::of(w.receiver.kind),
            RecipientKind::Shelter,
            "the fixture's receiver is a shelter"
        );
        assert_eq!(w.receiver.kind, AgencyKind::ShelterCategorical);
        let mut conn = conn(&db);
        let c = &mut *conn;
        let r = w.referral().send(c);
        let case = r.case_id.expect("the sender sees its case id");
        assert_eq!(r.identity_shared, Some(false), "no consent yet");

        // Before accepting: the summary only.
        let summary = referrals::get_referral(c, &w.env(w.tick()), &w.receiver_coordinator, r.id)
            .expect("the receiver reads the referral");
        assert_eq!(summary.case_id, None, "no case id before accepting");
        assert_eq!(summary.identity_shared, None, "a sender's fact only");
        assert_eq!(summary.message.as_deref(), Some("Graag opvang regelen."));
        assert_eq!(summary.summary.gender, schakel_domain::Gender::Female);
        receiver_sees_no_case(&w, c, case, "sent");
        unrelated_sees_nothing(&w, c, case, "sent");

        // Consents that miss the receiver: the wrong recipient kind, the wrong purpose.
        let mut version = read(&w, c, &w.sender_caseworker, case, w.tick())
            .unwrap()
            .version;
        for input in [
            ConsentBuilder::new()
                .recipients(&[RecipientKind::LawEnforcement])
                .purposes(&[ReferralPurpose::Shelter])
                .build(),
            ConsentBuilder::new()
                .recipients(&[RecipientKind::Shelter])
                .purposes(&[ReferralPurpose::LegalAid])
                .build(),
        ] {
            version = consents::record_consent(
                c,
                &w.env(w.tick()),
                &w.sender_caseworker,
                case,
                IfMatch::Version(version),
                &input,
            )
            .unwrap()
            .version;
        }
        receiver_sees_no_case(&w, c, case, "consent before accepting");

        // Accepted: the case, without the person's identity.
        let accepted = w.step(c, Who::Receiver, &r, ReferralAction::Accept);
        assert_eq!(
            accepted.case_id,
            Some(case),
            "the receiver now has the case id"
        );
        receiver_reads(&w, c, case, false, "accepted, no covering consent");
        unrelated_sees_nothing(&w, c, case, "accepted");

        // A covering consent: the identity, on the next request.
        let view = consents::record_consent(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            case,
            IfMatch::Version(version),
            &ConsentBuilder::new()
                .recipients(&[RecipientKind::Shelter, RecipientKind::Care])
                .purposes(&[ReferralPurpose::Shelter])
                .build(),
        )
        .unwrap();
        version = view.version;
        let covering = view.consents.last().unwrap().id;
        receiver_reads(&w, c, case, true, "covering consent");
        assert_eq!(w.get(c, r.id).identity_shared, Some(true));
        assert_eq!(
            shared_in_outgoing(&w, c, r.id),
            Some(true),
            "the list agrees"
        );

        // Withdrawn: gone on the receiver's next request, and the receiver is told.
        let out_before = outbox_rows(c);
        consents::withdraw_consent(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            case,
            covering,
            IfMatch::Version(version),
        )
        .unwrap();
        let told = new_rows(&out_before, &outbox_rows(c));
        assert_eq!(
            emails(&told),
            [("consent_withdrawn".to_owned(), w.receiver.id.to_string())],
            "the receiver is told its view of the person ended"
        );
        receiver_reads(&w, c, case, false, "consent withdrawn");
        assert_eq!(w.get(c, r.id).identity_shared, Some(false));
        assert_eq!(
            shared_in_outgoing(&w, c, r.id),
            Some(false),
            "the list agrees"
        );

        // Completed: the case is gone again; the referral's summary stays.
        let started = w.step(c, Who::Receiver, &accepted, ReferralAction::Start);
        receiver_reads(&w, c, case, false, "in progress");
        w.step(c, Who::Receiver, &started, ReferralAction::Complete);
        receiver_sees_no_case(&w, c, case, "completed");
        let after = referrals::get_referral(c, &w.env(w.tick()), &w.receiver_coordinator, r.id)
            .expect("the receiver still reads its referral");
        assert_eq!(after.case_id, None, "but no longer the case id");
        assert_eq!(after.message, None, "nor the message of an ended referral");
        unrelated_sees_nothing(&w, c, case, "completed");

        // A second referral of the same case, accepted, then withdrawn by the sender.
        let second = w.referral().of_case(case).without_message().send(c);
        receiver_sees_no_case(&w, c, case, "second referral sent");
        let second = w.step(c, Who::Receiver, &second, ReferralAction::Accept);
        receiver_reads(&w, c, case, false, "second referral accepted");
        w.step(c, Who::Sender, &second, ReferralAction::Withdraw);
        receiver_sees_no_case(&w, c, case, "withdrawn");
        unrelated_sees_nothing(&w, c, case, "withdrawn");
    });
}

#[test]
fn a_consent_that_expires_stops_showing_the_identity_at_its_end() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let r = w.referral().send(c);
        let case = r.case_id.unwrap();
        let version = read(&w, c, &w.sender_caseworker, case, w.tick())
            .unwrap()
            .version;
        let ends = w.now() + Duration::hours(2);
        let input = ConsentBuilder::new()
            .recipients(&[RecipientKind::Shelter])
            .purposes(&[ReferralPurpose::Shelter])
            .expires_at(ends)
            .build();
        consents::record_consent(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            case,
            IfMatch::Version(version),
            &input,
        )
        .unwrap();
        w.step(c, Who::Receiver, &r, ReferralAction::Accept);
        receiver_reads(&w, c, case, true, "before the consent ends");
        w.set_now(ends - Duration::minutes(2));
        receiver_reads(&w, c, case, true, "a minute before it ends");
        w.set_now(ends - Duration::minutes(1));
        receiver_reads(&w, c, case, false, "at its end");
    });
}
