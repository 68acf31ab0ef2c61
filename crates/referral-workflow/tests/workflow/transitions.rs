//! Every referral state × every action of `referrals::act` × the sending, receiving and
//! an unrelated agency's coordinator, on every selected backend. The states are reached
//! through the use cases (and the deadline job for `expired`). Exactly the transitions
//! the table allows the party succeed, with their timeline entry, emails and monitor
//! events; every other attempt answers `409` (or `404` for the unrelated agency) and
//! leaves the referral, the timeline, the outbox and the audit trail's successes as
//! they were. Also: a receiving caseworker may not decide, and `If-Match` is enforced.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{
    ACTIONS, Snapshot, Who, World, conn, emails, monitor_topics, new_rows, outbox_rows, snapshot,
};
use schakel_domain::referral::TRANSITIONS;
use schakel_domain::{InvalidTransition, Party, ReferralAction, ReferralState};
use schakel_referral_workflow::referrals;
use schakel_referral_workflow::{Conflict, IfMatch, UseCaseError, WorkflowConfig};
use schakel_store::testing::each_backend;

/// The party `who` is to a referral, if any.
fn party(who: Who) -> Option<Party> {
    match who {
        Who::Sender => Some(Party::Sender),
        Who::Receiver => Some(Party::Receiver),
        Who::Unrelated => None,
    }
}

/// What the transition table says `who` may do with `action` on a `from` referral.
fn allowed(from: ReferralState, action: ReferralAction, who: Who) -> Option<ReferralState> {
    let by = party(who)?;
    TRANSITIONS
        .iter()
        .find(|t| t.0 == from && t.1 == action && t.2 == by)
        .map(|t| t.3)
}

/// Asserts that a refused action changed nothing but (for a hidden referral) the
/// audit trail's denial.
fn assert_untouched(before: &Snapshot, after: &Snapshot, denial_recorded: bool, what: &str) {
    let mut expected = before.clone();
    expected.audit_denied += i64::from(denial_recorded);
    assert_eq!(after, &expected, "{what}: a refused action changes nothing");
}

#[test]
fn exactly_the_table_s_transitions_succeed_for_each_party_and_the_rest_change_nothing() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let (mut tried, mut succeeded) = (0, 0);
        for &state in ReferralState::ALL {
            // Everything refused, tried on one referral in `state`.
            let r = w.reach(c, state);
            for who in Who::ALL {
                for action in ACTIONS {
                    if allowed(state, action, who).is_some() {
                        continue;
                    }
                    tried += 1;
                    let what = format!("{action} by {who:?} on {state}");
                    let before = snapshot(c, r.id);
                    let err = w
                        .act_as(c, &w.actor(who), r.id, IfMatch::Version(r.version), action)
                        .expect_err(&what);
                    let after = snapshot(c, r.id);
                    match party(who) {
                        Some(by) => {
                            assert!(
                                matches!(
                                    err,
                                    UseCaseError::Conflict(Conflict::Transition(
                                        InvalidTransition { from, action: a, by: b }
                                    )) if from == state && a == action && b == by
                                ),
                                "{what}: expected a transition conflict, got {err:?}"
                            );
                            assert_untouched(&before, &after, false, &what);
                        }
                        None => {
                            assert!(
                                matches!(err, UseCaseError::NotFound),
                                "{what}: expected NotFound, got {err:?}"
                            );
                            assert_untouched(&before, &after, true, &what);
                        }
                    }
                }
            }
            // Everything allowed, each on a fresh referral in `state`.
            for who in Who::ALL {
                for action in ACTIONS {
                    let Some(to) = allowed(state, action, who) else {
                        continue;
                    };
                    tried += 1;
                    succeeded += 1;
                    let what = format!("{action} by {who:?} on {state}");
                    let r = w.reach(c, state);
                    let before = snapshot(c, r.id);
                    let out_before = outbox_rows(c);
                    let view = w
                        .act_as(c, &w.actor(who), r.id, IfMatch::Version(r.version), action)
                        .unwrap_or_else(|e| panic!("{what}: {e:?}"));
                    let after = snapshot(c, r.id);
                    let added = new_rows(&out_before, &outbox_rows(c));
                    assert_eq!(view.state, to, "{what}");
                    assert_eq!(view.version, r.version + 1, "{what}");
                    assert_eq!(after.state, to.as_str(), "{what}: stored");
                    assert_eq!(after.version, before.version + 1, "{what}: stored");
                    assert_eq!(after.audit_success, before.audit_success + 1, "{what}");
                    assert_eq!(after.audit_denied, before.audit_denied, "{what}");
                    let redirect = action == ReferralAction::Redirect;
                    assert_eq!(
                        after.referrals,
                        before.referrals + i64::from(redirect),
                        "{what}: only a redirect makes a new referral"
                    );
                    assert_eq!(
                        after.case_events,
                        before.case_events + 1 + i64::from(redirect),
                        "{what}: one timeline entry (and the new referral's)"
                    );
                    let (sender, receiver, third) = (
                        w.sender.id.to_string(),
                        w.receiver.id.to_string(),
                        w.third.id.to_string(),
                    );
                    let mail = |topic: &str, to: &str| (topic.to_owned(), to.to_owned());
                    let (expected_mail, expected_monitor): (Vec<_>, Vec<&str>) = match action {
                        ReferralAction::Accept => (
                            vec![mail("referral_decided", &sender)],
                            vec!["referral_accepted"],
                        ),
                        ReferralAction::Decline => (
                            vec![mail("referral_decided", &sender)],
                            vec!["referral_declined"],
                        ),
                        ReferralAction::Complete => (
                            vec![mail("referral_decided", &sender)],
                            vec!["referral_completed"],
                        ),
                        ReferralAction::Redirect => (
                            vec![
                                mail("referral_decided", &sender),
                                mail("referral_received", &third),
                            ],
                            vec!["referral_redirected", "referral_sent"],
                        ),
                        ReferralAction::Withdraw => (
                            vec![mail("referral_withdrawn", &receiver)],
                            vec!["referral_withdrawn"],
                        ),
                        ReferralAction::Start => (vec![], vec![]),
                        ReferralAction::Expire => unreachable!(),
                    };
                    assert_eq!(emails(&added), expected_mail, "{what}: emails");
                    assert_eq!(monitor_topics(&added), expected_monitor, "{what}: monitor");
                    let decision = matches!(
                        action,
                        ReferralAction::Accept | ReferralAction::Decline | ReferralAction::Redirect
                    );
                    assert_eq!(
                        view.decided_at,
                        if decision {
                            Some(w.now())
                        } else {
                            r.decided_at
                        },
                        "{what}: decided_at is the time of the receiver's decision"
                    );
                    if redirect {
                        // The third agency finds the new referral in its inbox.
                        let next = view.redirected_to.expect("the redirect's new referral");
                        let seen =
                            referrals::get_referral(c, &w.env(w.now()), &w.third_coordinator, next)
                                .unwrap();
                        assert_eq!(seen.state, ReferralState::Sent);
                        assert_eq!(seen.redirected_from, Some(r.id));
                        assert_eq!(seen.from_agency.id, w.sender.id);
                        assert_eq!(seen.message.as_deref(), Some("Graag opvang regelen."));
                    }
                    // The same action again, from the new version, is a conflict.
                    let again = w
                        .act_as(
                            c,
                            &w.actor(who),
                            r.id,
                            IfMatch::Version(view.version),
                            action,
                        )
                        .expect_err(&what);
                    assert!(
                        matches!(err_kind(&again), "conflict"),
                        "{what} twice: {again:?}"
                    );
                }
            }
        }
        assert_eq!(
            tried,
            ReferralState::ALL.len() * ACTIONS.len() * Who::ALL.len(),
            "every combination was tried"
        );
        assert_eq!(
            succeeded, 9,
            "four from sent, three from accepted, two from in progress"
        );
    });
}

fn err_kind(e: &UseCaseError) -> &'static str {
    match e {
        UseCaseError::Conflict(_) => "conflict",
        UseCaseError::NotFound => "not_found",
        UseCaseError::Forbidden => "forbidden",
        UseCaseError::VersionMismatch => "version_mismatch",
        UseCaseError::VersionRequired => "version_required",
        _ => "other",
    }
}

#[test]
fn a_receiving_caseworker_may_read_but_not_decide() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let r = w.referral().send(c);
        let seen = referrals::get_referral(c, &w.env(w.now()), &w.receiver_caseworker, r.id)
            .expect("a receiving caseworker reads the summary");
        assert!(seen.actions.is_empty(), "and is offered no action");
        for action in [
            ReferralAction::Accept,
            ReferralAction::Decline,
            ReferralAction::Redirect,
        ] {
            let before = snapshot(c, r.id);
            let err = w
                .act_as(
                    c,
                    &w.receiver_caseworker,
                    r.id,
                    IfMatch::Version(r.version),
                    action,
                )
                .expect_err("only coordinators decide");
            assert!(matches!(err, UseCaseError::Forbidden), "{action}: {err:?}");
            assert_untouched(&before, &snapshot(c, r.id), true, "caseworker");
        }
        let coordinator =
            referrals::get_referral(c, &w.env(w.now()), &w.receiver_coordinator, r.id).unwrap();
        assert_eq!(
            coordinator.actions,
            [
                ReferralAction::Accept,
                ReferralAction::Decline,
                ReferralAction::Redirect
            ],
            "the coordinator is offered exactly the receiver's moves from sent"
        );
    });
}

#[test]
fn a_change_must_name_the_current_version() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let r = w.referral().send(c);
        let receiver = w.receiver_coordinator;
        for (if_match, expected) in [
            (IfMatch::Version(r.version - 1), "version_mismatch"),
            (IfMatch::Version(r.version + 1), "version_mismatch"),
            (IfMatch::NeverMatches, "version_mismatch"),
            (IfMatch::Missing, "version_required"),
        ] {
            let before = snapshot(c, r.id);
            let err = w
                .act_as(c, &receiver, r.id, if_match, ReferralAction::Accept)
                .expect_err("stale or missing version");
            assert_eq!(err_kind(&err), expected, "{if_match:?}: {err:?}");
            assert_untouched(&before, &snapshot(c, r.id), false, "If-Match");
        }
        // A sender's withdrawal from a stale version after the receiver accepted.
        let accepted = w.step(c, Who::Receiver, &r, ReferralAction::Accept);
        let before = snapshot(c, r.id);
        let err = w
            .act_as(
                c,
                &w.sender_caseworker,
                r.id,
                IfMatch::Version(r.version),
                ReferralAction::Withdraw,
            )
            .expect_err("the sender acts on what it saw before the accept");
        assert_eq!(err_kind(&err), "version_mismatch");
        assert_untouched(&before, &snapshot(c, r.id), false, "stale withdraw");
        // With the current version it goes through.
        let withdrawn = w
            .act_as(
                c,
                &w.sender_caseworker,
                r.id,
                IfMatch::Version(accepted.version),
                ReferralAction::Withdraw,
            )
            .unwrap();
        assert_eq!(withdrawn.state, ReferralState::Withdrawn);
    });
}
