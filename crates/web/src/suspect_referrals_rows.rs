//! A suspect referral as the pages show it: its parties, state and message, the coarse
//! summary of the suspect (all the prosecution sees before it accepts), and which of
//! its steps the viewer's side and role may try now — as the referral state machine and
//! the policy say; the use case decides again when a form is sent.

use crate::i18n::Texts;
use schakel_domain::{Action, Actor, AgencyId, Party, ReferralAction, ReferralState, Relationship};
use schakel_referral_workflow::offenders::SuspectReferralView;
use std::collections::HashMap;

/// The names of the active agencies, to name a referral's sender and receiver.
#[derive(Debug, Default)]
pub(crate) struct Agencies(pub(crate) HashMap<AgencyId, String>);

impl Agencies {
    /// The name of `id`; the catalog's words for an agency no longer active.
    pub(crate) fn name(&self, t: Texts, id: AgencyId) -> String {
        self.0
            .get(&id)
            .cloned()
            .unwrap_or_else(|| t.get("investigations.agency_gone").to_owned())
    }
}

/// The steps of a referral the viewer may try now.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Acts {
    pub(crate) accept: bool,
    pub(crate) decline: bool,
    pub(crate) start: bool,
    pub(crate) complete: bool,
    pub(crate) withdraw: bool,
}

impl Acts {
    /// Whether there is any.
    pub(crate) fn any(&self) -> bool {
        self.accept || self.decline || self.start || self.complete || self.withdraw
    }
}

/// What `who` may try on a referral in `state` sent from `from` to `to`: the receiving
/// agency's coordinators decide and carry the work, the sending agency withdraws.
pub(crate) fn acts(
    who: &Actor,
    state: ReferralState,
    from: schakel_domain::AgencyId,
    to: schakel_domain::AgencyId,
) -> Acts {
    let receiver =
        to == who.agency_id && who.may(Action::DecideReferral, Relationship::ReceivingAgency);
    let sender =
        from == who.agency_id && who.may(Action::WithdrawReferral, Relationship::OwnAgency);
    let can = |a: ReferralAction, p: Party| state.apply(a, p).is_ok();
    Acts {
        accept: receiver && can(ReferralAction::Accept, Party::Receiver),
        decline: receiver && can(ReferralAction::Decline, Party::Receiver),
        start: receiver && can(ReferralAction::Start, Party::Receiver),
        complete: receiver && can(ReferralAction::Complete, Party::Receiver),
        withdraw: sender && can(ReferralAction::Withdraw, Party::Sender),
    }
}

/// The coarse facts about the suspect.
pub(crate) struct Summary {
    pub(crate) role: String,
    pub(crate) gender: String,
    pub(crate) age_band: String,
    pub(crate) birth: String,
    pub(crate) region: String,
    pub(crate) forms: String,
    pub(crate) linked_victims: usize,
}

/// A referral in the viewer's words.
pub(crate) struct ReferralRow {
    pub(crate) id: String,
    pub(crate) suspect_id: String,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) state: String,
    pub(crate) sent: String,
    pub(crate) decided: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) decline_reason: Option<String>,
    pub(crate) version: i64,
    /// Whether the viewer may open the suspect's page (the sender always; the
    /// prosecution once it accepted).
    pub(crate) readable: bool,
    pub(crate) acts: Acts,
    pub(crate) summary: Summary,
}

/// The row of `r` for `who`.
pub(crate) fn referral_row(
    t: Texts,
    who: &Actor,
    r: &SuspectReferralView,
    names: &Agencies,
) -> ReferralRow {
    let s = &r.summary;
    let readable = r.from_agency_id == who.agency_id
        || matches!(
            r.state,
            ReferralState::Accepted | ReferralState::InProgress | ReferralState::Completed
        );
    ReferralRow {
        id: r.id.to_string(),
        suspect_id: r.suspect_id.to_string(),
        from: names.name(t, r.from_agency_id),
        to: names.name(t, r.to_agency_id),
        state: t.code("state", r.state.as_str()),
        sent: crate::time::day_time(r.created_at),
        decided: r.decided_at.map(crate::time::day_time),
        message: r.message.clone(),
        decline_reason: r.decline_reason.map(|c| t.code("reason", c.as_str())),
        version: r.version,
        readable,
        acts: acts(who, r.state, r.from_agency_id, r.to_agency_id),
        summary: Summary {
            role: t.code("investigations.role", s.role.as_str()),
            gender: t.code("gender", s.gender.as_str()),
            age_band: t.code("age", s.age_band.as_str()),
            birth: t.code("investigations.birth", s.birth_country_group.as_str()),
            region: t.code("region", s.region.as_str()),
            forms: crate::investigations::forms_words(t, &s.exploitation_forms),
            linked_victims: s.linked_victims,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schakel_domain::{AgencyId, Role, SessionId, UserId};

    fn actor(role: Role, agency: AgencyId) -> Actor {
        Actor {
            user_id: UserId::new_random(),
            agency_id: agency,
            role,
            session_id: SessionId::new_random(),
        }
    }

    #[test]
    fn each_side_may_try_only_its_own_steps() {
        let (police, om) = (AgencyId::new_random(), AgencyId::new_random());
        let coordinator = actor(Role::Coordinator, om);
        let sent = acts(&coordinator, ReferralState::Sent, police, om);
        assert!(sent.accept && sent.decline && !sent.start && !sent.withdraw);
        let accepted = acts(&coordinator, ReferralState::Accepted, police, om);
        assert!(accepted.start && !accepted.accept);
        let worker = actor(Role::Caseworker, om);
        assert!(
            !acts(&worker, ReferralState::Sent, police, om).any(),
            "coordinators decide"
        );
        let investigator = actor(Role::Caseworker, police);
        let theirs = acts(&investigator, ReferralState::Sent, police, om);
        assert!(theirs.withdraw && !theirs.accept);
        assert!(!acts(&investigator, ReferralState::Completed, police, om).any());
    }
}
