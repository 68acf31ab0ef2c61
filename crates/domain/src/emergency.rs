//! Emergency access ("breaking the glass"): a worker of an agency of an allowed kind
//! reads a case they have no access to, for a stated reason on a ground from a fixed
//! list, for a limited time, loudly logged and reviewed afterwards by an auditor.
//!
//! Owns the grounds (and which of them show the person's identity), the review
//! verdicts, the policy of who may break the glass and for how long, and what counts as
//! a stated reason. Storing, auditing and emailing belong elsewhere.

use crate::{AgencyKind, code_enum};
use chrono::Duration;

/// The default time an emergency access lasts: four hours.
pub const DEFAULT_HOURS: i64 = 4;

/// The longest an emergency access may be configured to last: a day.
pub const MAX_HOURS: i64 = 24;

/// The fewest characters of a stated reason.
pub const MIN_REASON_CHARS: usize = 25;

/// The fewest words of a stated reason.
pub const MIN_REASON_WORDS: usize = 4;

/// The most characters of a stated reason or a review note.
pub const MAX_TEXT_CHARS: usize = 2000;

code_enum! {
    /// Why the glass is broken.
    pub enum EmergencyGround as "emergency ground" {
        /// The person's life or health is in acute danger.
        DangerToLife = "danger_to_life",
        /// The person is missing and must be found.
        MissingPerson = "missing_person",
        /// Shelter or care must be arranged now and the owning agency cannot be reached.
        UrgentCare = "urgent_care",
        /// Others (the person's children, staff) are in acute danger.
        SafetyOfOthers = "safety_of_others",
    }
}

impl EmergencyGround {
    /// Whether the ground lets the person's identity be shown: only where finding or
    /// protecting this person depends on knowing who they are.
    pub const fn shows_identity(self) -> bool {
        matches!(
            self,
            EmergencyGround::DangerToLife | EmergencyGround::MissingPerson
        )
    }
}

code_enum! {
    /// Where an emergency access stands in the auditors' review.
    pub enum EmergencyReview as "emergency review" {
        /// Not reviewed yet.
        Pending = "pending",
        /// An auditor found it justified.
        Justified = "justified",
        /// An auditor escalated it for inquiry.
        Escalated = "escalated",
    }
}

code_enum! {
    /// An auditor's verdict on an emergency access.
    pub enum EmergencyVerdict as "emergency verdict" {
        /// The access was justified.
        Justified = "justified",
        /// The access needs inquiry.
        Escalated = "escalated",
    }
}

impl From<EmergencyVerdict> for EmergencyReview {
    fn from(v: EmergencyVerdict) -> Self {
        match v {
            EmergencyVerdict::Justified => EmergencyReview::Justified,
            EmergencyVerdict::Escalated => EmergencyReview::Escalated,
        }
    }
}

/// Who may break the glass, and for how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmergencyPolicy {
    /// The agency kinds whose case workers may.
    pub allowed_kinds: Vec<AgencyKind>,
    /// How long an access lasts.
    pub duration: Duration,
}

impl Default for EmergencyPolicy {
    fn default() -> Self {
        EmergencyPolicy {
            allowed_kinds: vec![
                AgencyKind::Police,
                AgencyKind::CareCoordination,
                AgencyKind::CoordinationCentre,
            ],
            duration: Duration::hours(DEFAULT_HOURS),
        }
    }
}

impl EmergencyPolicy {
    /// Whether workers of an agency of `kind` may break the glass.
    pub fn allows(&self, kind: AgencyKind) -> bool {
        self.allowed_kinds.contains(&kind)
    }
}

/// Whether `reason` states a reason: at least [`MIN_REASON_WORDS`] words and
/// [`MIN_REASON_CHARS`] characters (trimmed), at most [`MAX_TEXT_CHARS`].
pub fn is_stated_reason(reason: &str) -> bool {
    let reason = reason.trim();
    let chars = reason.chars().count();
    let words = reason
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count();
    (MIN_REASON_CHARS..=MAX_TEXT_CHARS).contains(&chars) && words >= MIN_REASON_WORDS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_a_sentence_not_a_word() {
        assert!(!is_stated_reason("spoed"));
        assert!(!is_stated_reason("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        assert!(!is_stated_reason("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15"));
        assert!(is_stated_reason(
            "Melding van de meldkamer: persoon vermist sinds vannacht."
        ));
        assert!(!is_stated_reason(&"woord ".repeat(500)));
    }

    #[test]
    fn only_danger_and_missing_show_identity() {
        let shown: Vec<_> = EmergencyGround::ALL
            .iter()
            .filter(|g| g.shows_identity())
            .collect();
        assert_eq!(
            shown,
            [
                &EmergencyGround::DangerToLife,
                &EmergencyGround::MissingPerson
            ]
        );
    }

    #[test]
    fn police_and_coordination_may_by_default_shelters_not() {
        let p = EmergencyPolicy::default();
        assert!(p.allows(AgencyKind::Police) && p.allows(AgencyKind::CoordinationCentre));
        assert!(!p.allows(AgencyKind::ShelterCategorical) && !p.allows(AgencyKind::Ngo));
        assert_eq!(p.duration, Duration::hours(4));
    }
}
