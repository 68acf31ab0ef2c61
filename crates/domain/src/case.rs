//! Cases, consent and the coarse facts of case work (DESIGN §2, §5, §7).
//!
//! Owns the vocabulary of a case's life (status, closing and reopening reasons), of consent (who gave
//! it, which recipient kinds and purposes it covers, the legal bases that may stand in
//! for it), of a referral's outcome, the Palermo elements of a signal, and the rule that
//! decides whether a consent record lets a receiving agency see the person. Storage and
//! the time of day live elsewhere: every rule here takes the time as an argument.

use crate::{AgencyKind, ReferralPurpose, code_enum};
use chrono::{DateTime, Utc};

code_enum! {
    /// Whether a case is still worked on.
    pub enum CaseStatus as "case status" {
        /// Worked on.
        Open = "open",
        /// Closed with a reason; kept until retention erases its identity.
        Closed = "closed",
    }
}

code_enum! {
    /// Why a case was closed.
    pub enum CloseReason as "close reason" {
        /// The support the agency gives has ended.
        SupportCompleted = "support_completed",
        /// The person went on to another agency, which keeps its own case.
        ReferredOn = "referred_on",
        /// Contact with the person was lost.
        PersonUnreachable = "person_unreachable",
        /// On closer look there was no indication of trafficking.
        NoIndication = "no_indication",
        /// The person declined further help.
        PersonDeclined = "person_declined",
        /// The case duplicates another of the agency's cases.
        Duplicate = "duplicate",
        /// Another reason (explained in the note).
        Other = "other",
    }
}

/// The human-readable reference of an agency's case number `n` of `year`:
/// `YYYY-NNNNNN` (more digits from the millionth case of a year on).
pub fn case_reference(year: i32, n: i64) -> String {
    format!("{year:04}-{n:06}")
}

/// Whether `text` has the shape of a case reference: four digits, a hyphen, six to
/// twelve digits.
pub fn is_case_reference(text: &str) -> bool {
    let Some((year, n)) = text.split_once('-') else {
        return false;
    };
    year.len() == 4
        && (6..=12).contains(&n.len())
        && year.bytes().chain(n.bytes()).all(|b| b.is_ascii_digit())
}

code_enum! {
    /// Why a closed case was opened again.
    pub enum ReopenReason as "reopen reason" {
        /// New information about the person or the exploitation came in.
        NewInformation = "new_information",
        /// The person came back for help.
        PersonReturned = "person_returned",
        /// The case was closed in error.
        ClosedInError = "closed_in_error",
        /// Another reason.
        Other = "other",
    }
}

code_enum! {
    /// The kind of recipient a consent covers; every agency kind falls under one.
    pub enum RecipientKind as "recipient kind" {
        /// Care coordination, health care, NGOs and other care providers.
        Care = "care",
        /// Shelters.
        Shelter = "shelter",
        /// Police, marechaussee, labour inspectorate and prosecution.
        LawEnforcement = "law_enforcement",
        /// Legal aid.
        LegalAid = "legal_aid",
        /// Youth care and guardianship.
        YouthCare = "youth_care",
        /// Immigration and asylum reception.
        Immigration = "immigration",
        /// Municipalities and coordination centres.
        Municipality = "municipality",
        /// Schools and other agencies.
        Other = "other",
    }
}

impl RecipientKind {
    /// The recipient kind an agency of `kind` counts as.
    pub fn of(kind: AgencyKind) -> Self {
        use AgencyKind as K;
        match kind {
            K::Police | K::RoyalMarechaussee | K::LabourInspectorate | K::Prosecution => {
                Self::LawEnforcement
            }
            K::ShelterCategorical | K::ShelterOther => Self::Shelter,
            K::CareCoordination | K::HealthCare | K::Ngo => Self::Care,
            K::LegalAid => Self::LegalAid,
            K::YouthCare | K::Guardianship => Self::YouthCare,
            K::Immigration | K::AsylumReception => Self::Immigration,
            K::Municipality | K::CoordinationCentre => Self::Municipality,
            K::Education | K::Rapporteur | K::Other => Self::Other,
        }
    }
}

code_enum! {
    /// Whether a record is the person's consent or a legal basis standing in for it.
    pub enum ConsentKind as "consent kind" {
        /// Consent given by the person or their parent or guardian.
        Consent = "consent",
        /// A legal basis recorded with a written reason; flagged and audited.
        LegalBasis = "legal_basis",
    }
}

code_enum! {
    /// Who gave a consent.
    pub enum ConsentGiver as "consent giver" {
        /// The person, 16 or older.
        Person = "person",
        /// A parent or guardian, for a person under 16.
        ParentOrGuardian = "parent_or_guardian",
    }
}

code_enum! {
    /// A legal basis that may stand in for consent.
    pub enum LegalBasis as "legal basis" {
        /// A statutory duty of the recording or receiving agency (e.g. the police's).
        StatutoryDuty = "statutory_duty",
        /// Protection of a child.
        ChildProtection = "child_protection",
        /// The person's vital interest when consent cannot be asked.
        VitalInterest = "vital_interest",
    }
}

/// The age from which a person gives consent themselves.
pub const AGE_OF_CONSENT: u32 = 16;

/// The age from which a person is an adult (child protection no longer applies).
pub const AGE_OF_MAJORITY: u32 = 18;

/// The agency kinds with a statutory duty that can stand in for consent: the
/// investigating and prosecuting services, immigration and asylum reception, the
/// municipality (social support and youth law), youth care and guardianship, and the
/// national rapporteur (a statutory right to information).
pub const STATUTORY_DUTY_KINDS: &[AgencyKind] = &[
    AgencyKind::Police,
    AgencyKind::RoyalMarechaussee,
    AgencyKind::LabourInspectorate,
    AgencyKind::Prosecution,
    AgencyKind::Immigration,
    AgencyKind::AsylumReception,
    AgencyKind::Municipality,
    AgencyKind::YouthCare,
    AgencyKind::Guardianship,
    AgencyKind::Rapporteur,
];

impl LegalBasis {
    /// Whether this basis can stand in for consent for a person of `age` (on the day it
    /// is given; `None`: unknown), recorded by an agency of kind `recorder`:
    ///
    /// | basis | person | recording agency |
    /// |---|---|---|
    /// | `statutory_duty` | any age | one of [`STATUTORY_DUTY_KINDS`] |
    /// | `child_protection` | under 18, or age unknown (presumed a child) | any |
    /// | `vital_interest` | any age | any |
    pub fn applies(self, age: Option<u32>, recorder: AgencyKind) -> bool {
        match self {
            LegalBasis::StatutoryDuty => STATUTORY_DUTY_KINDS.contains(&recorder),
            LegalBasis::ChildProtection => age.is_none_or(|a| a < AGE_OF_MAJORITY),
            LegalBasis::VitalInterest => true,
        }
    }
}

/// Which giver a consent must have for a person of `age` (unknown age: either).
pub fn giver_allowed(giver: ConsentGiver, age: Option<u32>) -> bool {
    match (giver, age) {
        (_, None) => true,
        (ConsentGiver::Person, Some(a)) => a >= AGE_OF_CONSENT,
        (ConsentGiver::ParentOrGuardian, Some(a)) => a < AGE_OF_CONSENT,
    }
}

/// What a consent or legal-basis record covers and whether it still holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentScope {
    /// Consent or legal basis.
    pub kind: ConsentKind,
    /// The recipient kinds it covers.
    pub recipient_kinds: Vec<RecipientKind>,
    /// The purposes it covers.
    pub purposes: Vec<ReferralPurpose>,
    /// When it ends by itself, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was withdrawn, if it was.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl ConsentScope {
    /// Whether the record holds at `now`: not withdrawn and not expired.
    pub fn holds_at(&self, now: DateTime<Utc>) -> bool {
        self.withdrawn_at.is_none_or(|w| w > now) && self.expires_at.is_none_or(|e| e > now)
    }

    /// Whether it lets an agency of `kind` see the person for `purpose` at `now`.
    pub fn covers(&self, kind: AgencyKind, purpose: ReferralPurpose, now: DateTime<Utc>) -> bool {
        self.holds_at(now)
            && self.recipient_kinds.contains(&RecipientKind::of(kind))
            && self.purposes.contains(&purpose)
    }
}

code_enum! {
    /// How a completed referral ended for the person.
    pub enum ReferralOutcome as "referral outcome" {
        /// The asked support was given.
        SupportProvided = "support_provided",
        /// The person declined the support.
        PersonDeclined = "person_declined",
        /// Contact with the person was lost.
        ContactLost = "contact_lost",
        /// The person moved on to another agency.
        TransferredOn = "transferred_on",
        /// Another outcome (explained in the note).
        Other = "other",
    }
}

/// The elements of trafficking in the Palermo protocol, as observed in a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Palermo {
    /// An act: recruitment, transport, transfer, harbouring or receipt.
    pub act: bool,
    /// A means: threat, force, coercion, deception, abuse of vulnerability, payment.
    pub means: bool,
    /// A purpose of exploitation.
    pub purpose: bool,
}

impl Palermo {
    /// `act ∧ purpose ∧ (means ∨ minor)`: a description of the evidence, never a
    /// decision. For a minor the means are not required; an unknown age counts as adult.
    pub fn elements_met(self, minor: Option<bool>) -> bool {
        self.act && self.purpose && (self.means || minor == Some(true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_references_are_the_year_and_six_digits_at_least() {
        assert_eq!(case_reference(2026, 123), "2026-000123");
        assert_eq!(case_reference(2026, 1_234_567), "2026-1234567");
        assert!(is_case_reference("2026-000123"));
        assert!(!is_case_reference("2026-123"));
        assert!(!is_case_reference("26-000123"));
        assert!(!is_case_reference("2026-00012a"));
        assert!(!is_case_reference("2026000123"));
    }

    #[test]
    fn a_legal_basis_applies_only_to_its_persons_and_agencies() {
        use AgencyKind::*;
        use LegalBasis::*;
        let table = [
            (StatutoryDuty, Some(30), Police, true),
            (StatutoryDuty, None, Municipality, true),
            (StatutoryDuty, Some(30), ShelterCategorical, false),
            (StatutoryDuty, Some(12), Ngo, false),
            (StatutoryDuty, Some(30), HealthCare, false),
            (ChildProtection, Some(17), ShelterOther, true),
            (ChildProtection, None, YouthCare, true),
            (ChildProtection, Some(18), YouthCare, false),
            (ChildProtection, Some(40), Police, false),
            (VitalInterest, Some(40), Ngo, true),
            (VitalInterest, None, Other, true),
        ];
        for (basis, age, kind, expected) in table {
            assert_eq!(
                basis.applies(age, kind),
                expected,
                "{basis:?} {age:?} {kind:?}"
            );
        }
    }
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, h, 0, 0).unwrap()
    }

    #[test]
    fn every_agency_kind_has_a_recipient_kind() {
        let shelters: Vec<_> = AgencyKind::ALL
            .iter()
            .filter(|k| RecipientKind::of(**k) == RecipientKind::Shelter)
            .collect();
        assert_eq!(
            shelters,
            [&AgencyKind::ShelterCategorical, &AgencyKind::ShelterOther]
        );
        assert_eq!(
            RecipientKind::of(AgencyKind::Police),
            RecipientKind::LawEnforcement
        );
    }

    #[test]
    fn a_consent_covers_only_its_kinds_and_purposes_while_it_holds() {
        let scope = ConsentScope {
            kind: ConsentKind::Consent,
            recipient_kinds: vec![RecipientKind::Shelter],
            purposes: vec![ReferralPurpose::Shelter],
            expires_at: Some(at(12)),
            withdrawn_at: None,
        };
        let shelter = AgencyKind::ShelterCategorical;
        assert!(scope.covers(shelter, ReferralPurpose::Shelter, at(11)));
        assert!(!scope.covers(shelter, ReferralPurpose::Shelter, at(12)));
        assert!(!scope.covers(AgencyKind::Police, ReferralPurpose::Shelter, at(11)));
        assert!(!scope.covers(shelter, ReferralPurpose::LegalAid, at(11)));
        let withdrawn = ConsentScope {
            withdrawn_at: Some(at(10)),
            ..scope
        };
        assert!(withdrawn.covers(shelter, ReferralPurpose::Shelter, at(9)));
        assert!(!withdrawn.covers(shelter, ReferralPurpose::Shelter, at(10)));
    }

    #[test]
    fn consent_is_given_by_the_person_from_sixteen_and_by_a_parent_before() {
        assert!(giver_allowed(ConsentGiver::Person, Some(16)));
        assert!(!giver_allowed(ConsentGiver::Person, Some(15)));
        assert!(giver_allowed(ConsentGiver::ParentOrGuardian, Some(15)));
        assert!(!giver_allowed(ConsentGiver::ParentOrGuardian, Some(30)));
        assert!(giver_allowed(ConsentGiver::Person, None));
    }

    #[test]
    fn palermo_elements_need_means_only_for_adults() {
        let no_means = Palermo {
            act: true,
            means: false,
            purpose: true,
        };
        assert!(!no_means.elements_met(Some(false)));
        assert!(!no_means.elements_met(None));
        assert!(no_means.elements_met(Some(true)));
        let all = Palermo {
            means: true,
            ..no_means
        };
        assert!(all.elements_met(None));
        assert!(!Palermo::default().elements_met(Some(true)));
    }
}
