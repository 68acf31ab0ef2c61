//! The referral state machine (DESIGN §6): one transition table, consulted for every
//! change of state. Anything not in the table is refused; the caller answers 409 and
//! changes nothing.
//!
//! ```text
//! sent ──accept──▶ accepted ──start──▶ in_progress ──complete──▶ completed
//!   │                 └───────────────complete───────────────▶ completed
//!   ├──decline──▶ declined
//!   ├──withdraw─▶ withdrawn   (sender, from any open state)
//!   ├──redirect─▶ redirected  (receiver forwards to a third agency: a new referral)
//!   └──expire───▶ expired     (no answer before the deadline)
//! ```

use crate::code_enum;

code_enum! {
    /// Where a referral stands.
    pub enum ReferralState as "referral state" {
        Sent = "sent",
        Accepted = "accepted",
        InProgress = "in_progress",
        Completed = "completed",
        Declined = "declined",
        Withdrawn = "withdrawn",
        Redirected = "redirected",
        Expired = "expired",
    }
}

code_enum! {
    /// What can happen to a referral.
    pub enum ReferralAction as "referral action" {
        Accept = "accept",
        Decline = "decline",
        Withdraw = "withdraw",
        Redirect = "redirect",
        Start = "start",
        Complete = "complete",
        Expire = "expire",
    }
}

impl ReferralAction {
    /// Whether the action only ends the referral (declined, withdrawn, completed,
    /// expired): what a case the person asked to restrict still allows.
    pub fn ends(self) -> bool {
        matches!(
            self,
            ReferralAction::Decline
                | ReferralAction::Withdraw
                | ReferralAction::Complete
                | ReferralAction::Expire
        )
    }
}

/// Who causes a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    /// A coordinator of the receiving agency.
    Receiver,
    /// A caseworker or coordinator of the sending agency.
    Sender,
    /// The platform itself (the deadline job).
    System,
}

use Party::{Receiver, Sender, System};
use ReferralAction as A;
use ReferralState as S;

/// Every allowed transition: (from, action, by) → to.
pub const TRANSITIONS: &[(ReferralState, ReferralAction, Party, ReferralState)] = &[
    (S::Sent, A::Accept, Receiver, S::Accepted),
    (S::Sent, A::Decline, Receiver, S::Declined),
    (S::Sent, A::Redirect, Receiver, S::Redirected),
    (S::Sent, A::Expire, System, S::Expired),
    (S::Accepted, A::Start, Receiver, S::InProgress),
    (S::Accepted, A::Complete, Receiver, S::Completed),
    (S::InProgress, A::Complete, Receiver, S::Completed),
    (S::Sent, A::Withdraw, Sender, S::Withdrawn),
    (S::Accepted, A::Withdraw, Sender, S::Withdrawn),
    (S::InProgress, A::Withdraw, Sender, S::Withdrawn),
];

/// A transition the table does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{action} is not allowed on a {from} referral for the {by:?}")]
pub struct InvalidTransition {
    /// The current state.
    pub from: ReferralState,
    /// The action tried.
    pub action: ReferralAction,
    /// Who tried it.
    pub by: Party,
}

impl ReferralState {
    /// The state after `action` by `by`, or why not.
    pub fn apply(self, action: ReferralAction, by: Party) -> Result<Self, InvalidTransition> {
        TRANSITIONS
            .iter()
            .find(|(from, a, p, _)| *from == self && *a == action && *p == by)
            .map(|(_, _, _, to)| *to)
            .ok_or(InvalidTransition {
                from: self,
                action,
                by,
            })
    }

    /// Whether the referral still awaits an answer or work (sent, accepted, in progress).
    pub fn is_open(self) -> bool {
        matches!(self, S::Sent | S::Accepted | S::InProgress)
    }

    /// Whether the receiving agency may see the case: only once accepted and while open.
    pub fn grants_case_access(self) -> bool {
        matches!(self, S::Accepted | S::InProgress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARTIES: [Party; 3] = [Receiver, Sender, System];

    #[test]
    fn every_state_action_and_party_is_decided_by_the_table() {
        let mut allowed = 0;
        for &from in ReferralState::ALL {
            for &action in ReferralAction::ALL {
                for by in PARTIES {
                    let expected = TRANSITIONS
                        .iter()
                        .find(|t| t.0 == from && t.1 == action && t.2 == by)
                        .map(|t| t.3);
                    assert_eq!(
                        from.apply(action, by).ok(),
                        expected,
                        "{from} {action} {by:?}"
                    );
                    allowed += usize::from(expected.is_some());
                }
            }
        }
        assert_eq!(allowed, TRANSITIONS.len());
        assert_eq!(
            ReferralState::ALL.len() * ReferralAction::ALL.len() * 3,
            168
        );
    }

    #[test]
    fn ended_referrals_accept_no_action_at_all() {
        for from in [
            S::Completed,
            S::Declined,
            S::Withdrawn,
            S::Redirected,
            S::Expired,
        ] {
            assert!(!from.is_open());
            for &action in ReferralAction::ALL {
                for by in PARTIES {
                    assert!(from.apply(action, by).is_err(), "{from} {action} {by:?}");
                }
            }
        }
    }

    #[test]
    fn only_the_sender_withdraws_and_only_the_receiver_decides() {
        for t in TRANSITIONS {
            match t.1 {
                A::Withdraw => assert_eq!(t.2, Sender),
                A::Expire => assert_eq!(t.2, System),
                _ => assert_eq!(t.2, Receiver),
            }
        }
    }

    #[test]
    fn the_receiver_sees_the_case_only_between_accepting_and_ending() {
        let seeing: Vec<_> = ReferralState::ALL
            .iter()
            .filter(|s| s.grants_case_access())
            .collect();
        assert_eq!(seeing, [&S::Accepted, &S::InProgress]);
    }

    #[test]
    fn no_two_rows_disagree() {
        for (i, a) in TRANSITIONS.iter().enumerate() {
            for b in &TRANSITIONS[i + 1..] {
                assert!(!(a.0 == b.0 && a.1 == b.1 && a.2 == b.2), "{a:?} {b:?}");
            }
        }
    }
}
