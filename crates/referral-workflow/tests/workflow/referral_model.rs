//! A property test of the referral life cycle against a reference model, on every
//! selected backend: random sequences of (sending, receiving or unrelated coordinator;
//! action; current or stale version) and runs of the deadline job are applied to one
//! referral. A small state machine written here (not the domain's transition table)
//! predicts each answer and the new state; after every step the stored state, the
//! version and the redirect link agree with it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{ACTIONS, Who, World, conn};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use schakel_domain::{ReferralAction, ReferralState, Urgency};
use schakel_referral_workflow::{IfMatch, UseCaseError, WorkflowConfig, jobs};
use schakel_store::casework::referrals as stored;
use schakel_store::testing::each_backend;

/// One step of a scenario.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// `who` takes `action`, naming the current version or (`stale`) an older one.
    Act {
        who: Who,
        action: ReferralAction,
        stale: bool,
    },
    /// The clock reaches the deadline and the deadline job runs.
    DeadlineJob,
}

/// What the model expects of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Done(ReferralState),
    NotFound,
    Conflict,
    VersionMismatch,
}

/// The reference model: which party may move a referral from which state, and where to.
fn model(state: ReferralState, who: Who, action: ReferralAction) -> Option<ReferralState> {
    use ReferralAction as A;
    use ReferralState as S;
    let open_after_accept = matches!(state, S::Accepted | S::InProgress);
    match (who, action) {
        (Who::Receiver, A::Accept) if state == S::Sent => Some(S::Accepted),
        (Who::Receiver, A::Decline) if state == S::Sent => Some(S::Declined),
        (Who::Receiver, A::Redirect) if state == S::Sent => Some(S::Redirected),
        (Who::Receiver, A::Start) if state == S::Accepted => Some(S::InProgress),
        (Who::Receiver, A::Complete) if open_after_accept => Some(S::Completed),
        (Who::Sender, A::Withdraw) if state == S::Sent || open_after_accept => Some(S::Withdrawn),
        _ => None,
    }
}

/// The answer the model predicts for an action (the check order: visibility, version,
/// transition).
fn predict(state: ReferralState, who: Who, action: ReferralAction, stale: bool) -> Answer {
    if who == Who::Unrelated {
        return Answer::NotFound;
    }
    if stale {
        return Answer::VersionMismatch;
    }
    model(state, who, action).map_or(Answer::Conflict, Answer::Done)
}

fn answer_of(result: &Result<ReferralState, UseCaseError>) -> Option<Answer> {
    match result {
        Ok(s) => Some(Answer::Done(*s)),
        Err(UseCaseError::NotFound) => Some(Answer::NotFound),
        Err(UseCaseError::Conflict(_)) => Some(Answer::Conflict),
        Err(UseCaseError::VersionMismatch) => Some(Answer::VersionMismatch),
        Err(_) => None,
    }
}

fn step() -> impl Strategy<Value = Step> {
    let who = prop_oneof![Just(Who::Sender), Just(Who::Receiver), Just(Who::Unrelated)];
    let action = proptest::sample::select(ACTIONS.to_vec());
    prop_oneof![
        12 => (who, action, proptest::bool::weighted(0.1))
            .prop_map(|(who, action, stale)| Step::Act { who, action, stale }),
        1 => Just(Step::DeadlineJob),
    ]
}

#[test]
fn the_stored_referral_follows_the_reference_model() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut runner = TestRunner::new(Config {
            cases: 48,
            failure_persistence: None,
            ..Config::default()
        });
        let scenarios = proptest::collection::vec(step(), 1..10);
        let outcome = runner.run(&scenarios, |steps| {
            let mut conn = conn(&db);
            let c = &mut *conn;
            // Urgent, so the deadline job has something to do within hours.
            let sent = w.referral().urgency(Urgency::Urgent).send(c);
            let (mut state, mut version, mut redirected) =
                (ReferralState::Sent, sent.version, false);
            for s in &steps {
                match *s {
                    Step::Act { who, action, stale } => {
                        let expected = predict(state, who, action, stale);
                        let if_match = IfMatch::Version(if stale { version - 1 } else { version });
                        let result = w
                            .act_as(c, &w.actor(who), sent.id, if_match, action)
                            .map(|v| v.state);
                        prop_assert_eq!(
                            answer_of(&result),
                            Some(expected),
                            "{:?} {} in {} gave {:?}",
                            who,
                            action,
                            state,
                            result
                        );
                        if let Answer::Done(to) = expected {
                            state = to;
                            version += 1;
                            redirected |= action == ReferralAction::Redirect;
                        }
                    }
                    Step::DeadlineJob => {
                        let at = w
                            .cfg
                            .deadlines
                            .expires_at(Urgency::Urgent, sent.deadline_at)
                            .max(w.now());
                        w.set_now(at);
                        jobs::expire_overdue(c, &w.cfg, at)
                            .map_err(|e| TestCaseError::fail(format!("job: {e}")))?;
                        if state == ReferralState::Sent {
                            state = ReferralState::Expired;
                            version += 1;
                        }
                    }
                }
                let seen = w.get(c, sent.id);
                prop_assert_eq!(seen.state, state, "as the sender sees it after {:?}", s);
                prop_assert_eq!(seen.version, version);
                prop_assert_eq!(seen.redirected_to.is_some(), redirected);
                let row = stored::find(c, sent.id).unwrap();
                prop_assert_eq!(row.state, state, "as stored after {:?}", s);
                prop_assert_eq!(row.version, version);
                let open = matches!(
                    state,
                    ReferralState::Sent | ReferralState::Accepted | ReferralState::InProgress
                );
                prop_assert_eq!(row.ended_at.is_some(), !open, "ended exactly when closed");
            }
            Ok(())
        });
        if let Err(e) = outcome {
            panic!("{:?}: {e}", db.backend);
        }
    });
}
