//! Who at the receiving agency is responsible for a referral, on every selected
//! backend: accepting makes the accepting coordinator responsible (or the worker they
//! chose); a coordinator of the receiving agency reassigns, a caseworker may not, and
//! the sender and other agencies learn nothing; "my referrals" lists exactly a worker's
//! own; a case opened from the referral starts with the same worker; the withdrawal
//! email reaches the responsible worker.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{Who, World, conn, new_rows, outbox_rows};
use schakel_domain::{Actor, ReferralAction, UserId};
use schakel_referral_workflow::cases::{self, Assignee};
use schakel_referral_workflow::referrals::{
    self, ActionInput, AssignReferralInput, ReferralBox, ReferralFilter, StateSet,
};
use schakel_referral_workflow::views::ReferralView;
use schakel_referral_workflow::{Conflict, IfMatch, UseCaseError, WorkflowConfig};
use schakel_store::DbConn;
use schakel_store::testing::each_backend;

fn assign(
    w: &World,
    c: &mut DbConn,
    who: &Actor,
    r: &ReferralView,
    user: Option<UserId>,
) -> Result<ReferralView, UseCaseError> {
    referrals::assign_referral(
        c,
        &w.env(w.tick()),
        who,
        r.id,
        IfMatch::Version(r.version),
        &AssignReferralInput { user_id: user },
    )
}

fn mine(w: &World, c: &mut DbConn, who: &Actor, a: Assignee) -> Vec<ReferralView> {
    let filter = ReferralFilter {
        states: StateSet::Open,
        assigned_to: Some(a),
    };
    referrals::list_referrals(
        c,
        &w.env(w.tick()),
        who,
        ReferralBox::Incoming,
        filter,
        None,
        None,
    )
    .unwrap()
    .items
}

#[test]
fn accepting_makes_a_worker_responsible_and_coordinators_reassign() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let (co, cw) = (w.receiver_coordinator, w.receiver_caseworker);

        // Not before acceptance.
        let sent = w.referral().send(c);
        let early = assign(&w, c, &co, &sent, Some(cw.user_id));
        assert!(
            matches!(early, Err(UseCaseError::Conflict(Conflict::NotAccepted))),
            "{early:?}"
        );

        // Accepting: the accepting coordinator unless a worker is chosen.
        let first = w.step(c, Who::Receiver, &sent, ReferralAction::Accept);
        assert_eq!(first.assigned_to.as_ref().map(|a| a.id), Some(co.user_id));
        let second = w.referral().send(c);
        let chosen = ActionInput {
            assign_to: Some(cw.user_id),
            ..ActionInput::default()
        };
        w.act_as(
            c,
            &co,
            second.id,
            IfMatch::Version(second.version),
            ReferralAction::Accept,
        )
        .unwrap();
        let third = w.referral().send(c);
        let third = referrals::act(
            c,
            &w.env(w.tick()),
            &co,
            third.id,
            IfMatch::Version(third.version),
            ReferralAction::Accept,
            &chosen,
        )
        .unwrap();
        assert_eq!(third.assigned_to.as_ref().map(|a| a.id), Some(cw.user_id));
        let fourth = w.referral().send(c);
        let foreign_worker = ActionInput {
            assign_to: Some(w.sender_caseworker.user_id),
            ..ActionInput::default()
        };
        let refused = referrals::act(
            c,
            &w.env(w.tick()),
            &co,
            fourth.id,
            IfMatch::Version(fourth.version),
            ReferralAction::Accept,
            &foreign_worker,
        );
        assert!(
            matches!(refused, Err(UseCaseError::Invalid("assign_to"))),
            "{refused:?}"
        );
        let with_decline = ActionInput {
            assign_to: Some(cw.user_id),
            reason: Some(schakel_domain::DeclineReason::NoCapacity),
            ..ActionInput::default()
        };
        let refused = referrals::act(
            c,
            &w.env(w.tick()),
            &co,
            fourth.id,
            IfMatch::Version(fourth.version),
            ReferralAction::Decline,
            &with_decline,
        );
        assert!(
            matches!(refused, Err(UseCaseError::Invalid("assign_to"))),
            "only accepting names a worker: {refused:?}"
        );

        // "My referrals".
        let ids = |l: Vec<ReferralView>| l.into_iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(ids(mine(&w, c, &cw, Assignee::Me)), [third.id]);
        assert_eq!(mine(&w, c, &co, Assignee::Me).len(), 2);
        assert_eq!(ids(mine(&w, c, &cw, Assignee::Nobody)), [fourth.id]);
        let outgoing = referrals::list_referrals(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            ReferralBox::Outgoing,
            ReferralFilter {
                states: StateSet::Open,
                assigned_to: Some(Assignee::Me),
            },
            None,
            None,
        );
        assert!(matches!(
            outgoing,
            Err(UseCaseError::Invalid("assigned_to"))
        ));

        // Reassigning: coordinators of the receiving agency only; the sender never
        // learns who.
        let by_worker = assign(&w, c, &cw, &first, Some(cw.user_id));
        assert!(
            matches!(by_worker, Err(ref e) if !e.hides()),
            "{by_worker:?}"
        );
        for who in [w.sender_coordinator, w.unrelated_coordinator] {
            let r = assign(&w, c, &who, &first, Some(who.user_id));
            assert!(matches!(r, Err(ref e) if e.hides()), "{r:?}");
        }
        let bad = assign(&w, c, &co, &first, Some(w.sender_caseworker.user_id));
        assert!(
            matches!(bad, Err(UseCaseError::Invalid("user_id"))),
            "{bad:?}"
        );
        let moved = assign(&w, c, &co, &first, Some(cw.user_id)).unwrap();
        assert_eq!(moved.assigned_to.as_ref().map(|a| a.id), Some(cw.user_id));
        assert!(moved.version > first.version);
        let stale = assign(&w, c, &co, &first, None);
        assert!(
            matches!(stale, Err(UseCaseError::VersionMismatch)),
            "{stale:?}"
        );
        let seen = w.get(c, first.id);
        assert_eq!(seen.assigned_to, None, "the sender is not told who");

        // The case opened from it starts with the same worker.
        let own = cases::open_case_from_referral(c, &w.env(w.tick()), &co, first.id).unwrap();
        assert_eq!(own.assigned_to.map(|a| a.id), Some(cw.user_id));
    });
}

#[test]
fn the_withdrawal_reaches_the_responsible_worker() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let r = w.referral().send(c);
        let r = w.step(c, Who::Receiver, &r, ReferralAction::Accept);
        let r = assign(
            &w,
            c,
            &w.receiver_coordinator,
            &r,
            Some(w.receiver_caseworker.user_id),
        )
        .unwrap();
        let before = outbox_rows(c);
        let sender_view = w.get(c, r.id);
        w.step(c, Who::Sender, &sender_view, ReferralAction::Withdraw);
        let told = new_rows(&before, &outbox_rows(c));
        let emails: Vec<_> = told.iter().filter(|m| m.channel == "email").collect();
        assert_eq!(emails.len(), 1, "{told:?}");
        assert_eq!(
            emails[0].payload["user_id"],
            w.receiver_caseworker.user_id.to_string()
        );
        assert_eq!(emails[0].payload["agency_id"], w.receiver.id.to_string());
    });
}
