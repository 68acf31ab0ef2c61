//! The coded vocabulary of signals, persons and referrals (DESIGN §5).
//!
//! Codes are stable wire values; the database guards the same lists with `CHECK`
//! constraints.

use crate::code_enum;

code_enum! {
    /// A form of exploitation; signals and cases carry a set of them.
    pub enum ExploitationForm as "exploitation form" {
        Sexual = "sexual",
        Labour = "labour",
        Criminal = "criminal",
        OrganRemoval = "organ_removal",
        ForcedMarriage = "forced_marriage",
        IllegalAdoption = "illegal_adoption",
        Surrogacy = "surrogacy",
        Other = "other",
        Unknown = "unknown",
    }
}

code_enum! {
    /// Gender as recorded.
    pub enum Gender as "gender" {
        Female = "female",
        Male = "male",
        NonBinaryOrOther = "non_binary_or_other",
        Unknown = "unknown",
    }
}

code_enum! {
    /// Nationality as the monitor counts it (cases keep ISO 3166 codes).
    pub enum NationalityGroup as "nationality group" {
        Dutch = "dutch",
        EuEeaCh = "eu_eea_ch",
        NonEu = "non_eu",
        Stateless = "stateless",
        Unknown = "unknown",
    }
}

code_enum! {
    /// The ground on which personal data is recorded and shared.
    pub enum ReportingBasis as "reporting basis" {
        LegalDuty = "legal_duty",
        Consent = "consent",
        PublicTask = "public_task",
        LegitimateInterest = "legitimate_interest",
        Anonymous = "anonymous",
    }
}

code_enum! {
    /// What a referral asks the receiving agency to do.
    pub enum ReferralPurpose as "referral purpose" {
        Shelter = "shelter",
        CareCoordination = "care_coordination",
        LawEnforcement = "law_enforcement",
        ResidenceProcedure = "residence_procedure",
        LegalAid = "legal_aid",
        HealthCare = "health_care",
        YouthProtection = "youth_protection",
        Registration = "registration",
        Other = "other",
    }
}

code_enum! {
    /// Why a receiving agency declined a referral.
    pub enum DeclineReason as "decline reason" {
        NoCapacity = "no_capacity",
        NotEligible = "not_eligible",
        WrongRegion = "wrong_region",
        PersonUnreachable = "person_unreachable",
        Other = "other",
    }
}

code_enum! {
    /// How fast a referral must be answered; the deadline follows from it.
    pub enum Urgency as "urgency" {
        Urgent = "urgent",
        Normal = "normal",
    }
}

/// Whether `code` is an ISO 3166-1 alpha-2 country code (in either case), as the
/// `celes` crate lists them: the officially assigned codes and `XK` (Kosovo), which the
/// EU and the Dutch authorities use.
pub fn is_country_code(code: &str) -> bool {
    code.len() == 2
        && code.bytes().all(|b| b.is_ascii_alphabetic())
        && celes::Country::from_alpha2(code.to_ascii_uppercase()).is_ok()
}

/// Nationality group of an ISO 3166-1 alpha-2 code (`None`: stateless or unknown; a
/// code that names no country is unknown too, never non-EU).
pub fn nationality_group(iso: Option<&str>, stateless: bool) -> NationalityGroup {
    // EU member states, the other EEA states, and Switzerland.
    const EU_EEA_CH: &[&str] = &[
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
        "LV", "LT", "LU", "MT", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "CH",
    ];
    if stateless {
        return NationalityGroup::Stateless;
    }
    match iso.map(str::to_ascii_uppercase).as_deref() {
        None => NationalityGroup::Unknown,
        Some("NL") => NationalityGroup::Dutch,
        Some(code) if EU_EEA_CH.contains(&code) => NationalityGroup::EuEeaCh,
        Some(code) if is_country_code(code) => NationalityGroup::NonEu,
        Some(_) => NationalityGroup::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_assigned_country_codes_are_country_codes() {
        for code in ["NL", "nl", "RO", "NG", "XK", "GB", "UA", "SY"] {
            assert!(is_country_code(code), "{code}");
        }
        for code in ["ZZ", "QQ", "UK", "EU", "AA", "N1", "NLD", "", "é"] {
            assert!(!is_country_code(code), "{code}");
        }
    }

    #[test]
    fn nationalities_fall_into_the_monitors_groups() {
        assert_eq!(
            nationality_group(Some("nl"), false),
            NationalityGroup::Dutch
        );
        assert_eq!(
            nationality_group(Some("PL"), false),
            NationalityGroup::EuEeaCh
        );
        assert_eq!(
            nationality_group(Some("NO"), false),
            NationalityGroup::EuEeaCh
        );
        assert_eq!(
            nationality_group(Some("CH"), false),
            NationalityGroup::EuEeaCh
        );
        assert_eq!(
            nationality_group(Some("NG"), false),
            NationalityGroup::NonEu
        );
        assert_eq!(
            nationality_group(Some("GB"), false),
            NationalityGroup::NonEu
        );
        assert_eq!(
            nationality_group(Some("ZZ"), false),
            NationalityGroup::Unknown
        );
        assert_eq!(
            nationality_group(Some("QQ"), false),
            NationalityGroup::Unknown
        );
        assert_eq!(nationality_group(None, true), NationalityGroup::Stateless);
        assert_eq!(nationality_group(None, false), NationalityGroup::Unknown);
        assert_eq!(
            nationality_group(Some("X1"), false),
            NationalityGroup::Unknown
        );
    }

    #[test]
    fn the_vocabularies_have_the_designed_sizes() {
        assert_eq!(ExploitationForm::ALL.len(), 9);
        assert_eq!(Gender::ALL.len(), 4);
        assert_eq!(NationalityGroup::ALL.len(), 5);
        assert_eq!(ReportingBasis::ALL.len(), 5);
        assert_eq!(ReferralPurpose::ALL.len(), 9);
        assert_eq!(DeclineReason::ALL.len(), 5);
    }
}
