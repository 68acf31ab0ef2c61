//! The person's own rights over what an agency stores about them (GDPR articles 15 to
//! 18): access, rectification, restriction and erasure, answered by the owning agency.
//!
//! Owns the grounds a restriction and an erasure are recorded with, and the policy of
//! which agencies keep a retention duty that erasure on request may not override (the
//! law-enforcement kinds by default: their data falls under the police and judicial
//! data acts, not the GDPR's right to erasure). Storing, auditing and rendering the
//! export belong elsewhere.

use crate::{AgencyKind, code_enum};

code_enum! {
    /// Why a person's record is restricted (GDPR article 18(1)).
    pub enum RestrictionGround as "restriction ground" {
        /// The person contests the accuracy of the data, while it is checked.
        AccuracyContested = "accuracy_contested",
        /// The processing is unlawful and the person asks restriction, not erasure.
        UnlawfulProcessing = "unlawful_processing",
        /// The agency no longer needs the data, but the person needs it kept for a
        /// legal claim.
        LegalClaims = "legal_claims",
        /// The person objected, while the agency weighs the objection.
        ObjectionPending = "objection_pending",
    }
}

code_enum! {
    /// Why a person's record is erased on their request (GDPR article 17(1)).
    pub enum ErasureGround as "erasure ground" {
        /// The data is no longer needed for the purpose it was collected for.
        NoLongerNecessary = "no_longer_necessary",
        /// The person withdrew the consent the processing rested on.
        ConsentWithdrawn = "consent_withdrawn",
        /// The person objected and no overriding ground remains.
        Objection = "objection",
        /// The data was processed unlawfully.
        UnlawfulProcessing = "unlawful_processing",
        /// A legal obligation requires the erasure.
        LegalObligation = "legal_obligation",
    }
}

/// Which agencies keep a retention duty that an erasure request does not override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RightsPolicy {
    /// The kinds of agency whose records are kept for their retention period whatever
    /// the person asks.
    pub retention_duty_kinds: Vec<AgencyKind>,
}

impl Default for RightsPolicy {
    fn default() -> Self {
        Self {
            retention_duty_kinds: vec![
                AgencyKind::Police,
                AgencyKind::RoyalMarechaussee,
                AgencyKind::LabourInspectorate,
                AgencyKind::Prosecution,
            ],
        }
    }
}

impl RightsPolicy {
    /// Whether an agency of `kind` may erase a person's record on their request.
    pub fn may_erase(&self, kind: AgencyKind) -> bool {
        !self.retention_duty_kinds.contains(&kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn law_enforcement_keeps_its_records_and_care_may_erase() {
        let policy = RightsPolicy::default();
        for kind in [
            AgencyKind::Police,
            AgencyKind::RoyalMarechaussee,
            AgencyKind::LabourInspectorate,
            AgencyKind::Prosecution,
        ] {
            assert!(!policy.may_erase(kind), "{kind:?}");
        }
        for kind in [
            AgencyKind::CareCoordination,
            AgencyKind::ShelterCategorical,
            AgencyKind::Municipality,
            AgencyKind::Ngo,
        ] {
            assert!(policy.may_erase(kind), "{kind:?}");
        }
        let none = RightsPolicy {
            retention_duty_kinds: Vec::new(),
        };
        assert!(none.may_erase(AgencyKind::Police));
    }

    #[test]
    fn grounds_read_their_codes_and_refuse_others() {
        for g in RestrictionGround::ALL {
            assert_eq!(g.as_str().parse::<RestrictionGround>(), Ok(*g));
        }
        for g in ErasureGround::ALL {
            assert_eq!(g.as_str().parse::<ErasureGround>(), Ok(*g));
        }
        assert!("retention".parse::<ErasureGround>().is_err());
    }
}
