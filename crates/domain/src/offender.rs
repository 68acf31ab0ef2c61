//! The offenders side: the vocabulary of investigations, suspects, prosecution decisions
//! and judgments, and the rules that hold between them.
//!
//! Only law-enforcement agencies (police, the Royal Marechaussee, the labour
//! inspectorate, the Public Prosecution Service) keep or read these records
//! ([`AgencyKind::is_law_enforcement`]); only the prosecution decides and records
//! judgments. A judgment follows a summons; a sentence belongs to a conviction and
//! holds at most one band of unconditional prison.

use crate::{AgencyKind, code_enum};

code_enum! {
    /// What a suspect did in the network, as the investigation sees it.
    pub enum SuspectRole as "suspect role" {
        /// Leads or organises the exploitation.
        Organiser = "organiser",
        /// Recruits victims.
        Recruiter = "recruiter",
        /// Exploits victims directly.
        Exploiter = "exploiter",
        /// Facilitates: transport, housing, documents, money.
        Facilitator = "facilitator",
        /// Another role.
        Other = "other",
    }
}

code_enum! {
    /// The prosecution's decision on a suspect.
    pub enum ProsecutionDecision as "prosecution decision" {
        /// Summoned to appear in court.
        Summons = "summons",
        /// Not prosecuted for lack of evidence (technical dismissal).
        DismissalEvidence = "dismissal_evidence",
        /// Not prosecuted on policy grounds.
        DismissalPolicy = "dismissal_policy",
        /// Settled out of court (a prosecutor's penalty order or transaction).
        OutOfCourt = "out_of_court",
        /// Joined to another case.
        Joined = "joined",
    }
}

code_enum! {
    /// A court's judgment on a suspect.
    pub enum JudgmentOutcome as "judgment outcome" {
        /// Convicted of trafficking in human beings.
        ConvictedTrafficking = "convicted_trafficking",
        /// Convicted of another offence only.
        ConvictedOther = "convicted_other",
        /// Acquitted.
        Acquitted = "acquitted",
        /// Another outcome (discharge, inadmissibility of the prosecution).
        Other = "other",
    }
}

code_enum! {
    /// The court that judged: first instance, or an appeal.
    pub enum CourtInstance as "court instance" {
        /// The district court.
        FirstInstance = "first_instance",
        /// The court of appeal.
        Appeal = "appeal",
        /// The Supreme Court.
        Cassation = "cassation",
    }
}

code_enum! {
    /// One part of a sentence, in coded bands.
    pub enum SentenceBand as "sentence band" {
        /// Unconditional prison, under six months.
        PrisonUnder6Months = "prison_under_6_months",
        /// Unconditional prison, six months to under a year.
        Prison6To12Months = "prison_6_to_12_months",
        /// Unconditional prison, one to under two years.
        Prison1To2Years = "prison_1_to_2_years",
        /// Unconditional prison, two to under four years.
        Prison2To4Years = "prison_2_to_4_years",
        /// Unconditional prison, four years or more.
        Prison4YearsOrMore = "prison_4_years_or_more",
        /// A conditional (suspended) sentence.
        Conditional = "conditional",
        /// Community service.
        CommunityService = "community_service",
        /// A fine.
        Fine = "fine",
        /// A measure (detention under a hospital order, confiscation, ...).
        Measure = "measure",
    }
}

code_enum! {
    /// The monitor's group of a country of birth.
    pub enum BirthCountryGroup as "birth country group" {
        /// Born in the Netherlands.
        Netherlands = "netherlands",
        /// Born in another EU or EEA state or Switzerland.
        EuEeaCh = "eu_eea_ch",
        /// Born elsewhere.
        NonEu = "non_eu",
        /// Not known.
        Unknown = "unknown",
    }
}

impl AgencyKind {
    /// Whether agencies of this kind belong to the law-enforcement compartment: they
    /// keep investigations and suspects and read the offenders' records.
    pub fn is_law_enforcement(self) -> bool {
        matches!(
            self,
            AgencyKind::Police
                | AgencyKind::RoyalMarechaussee
                | AgencyKind::LabourInspectorate
                | AgencyKind::Prosecution
        )
    }
}

impl BirthCountryGroup {
    /// The group of an ISO 3166-1 alpha-2 country of birth (`None`: unknown).
    pub fn of_country(iso: Option<&str>) -> Self {
        match crate::vocabulary::nationality_group(iso, false) {
            crate::NationalityGroup::Dutch => BirthCountryGroup::Netherlands,
            crate::NationalityGroup::EuEeaCh => BirthCountryGroup::EuEeaCh,
            crate::NationalityGroup::NonEu => BirthCountryGroup::NonEu,
            _ => BirthCountryGroup::Unknown,
        }
    }
}

impl ProsecutionDecision {
    /// Whether the decision brings the suspect before a court.
    pub fn prosecutes(self) -> bool {
        self == ProsecutionDecision::Summons
    }
}

impl JudgmentOutcome {
    /// Whether the judgment convicts (of trafficking or of another offence).
    pub fn convicts(self) -> bool {
        matches!(
            self,
            JudgmentOutcome::ConvictedTrafficking | JudgmentOutcome::ConvictedOther
        )
    }
}

impl SentenceBand {
    /// Whether the band is one of unconditional prison.
    pub fn is_prison(self) -> bool {
        matches!(
            self,
            SentenceBand::PrisonUnder6Months
                | SentenceBand::Prison6To12Months
                | SentenceBand::Prison1To2Years
                | SentenceBand::Prison2To4Years
                | SentenceBand::Prison4YearsOrMore
        )
    }
}

/// Why a sentence does not fit its judgment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SentenceMisfit {
    /// A conviction without any sentence.
    #[error("a conviction needs a sentence")]
    Missing,
    /// A sentence with a judgment that does not convict.
    #[error("only a conviction carries a sentence")]
    NotConvicted,
    /// Two bands of unconditional prison.
    #[error("at most one band of unconditional prison")]
    TwoPrisonBands,
}

/// Checks a sentence against its judgment's outcome, and returns its bands in their
/// order of declaration without repeats.
pub fn check_sentence(
    outcome: JudgmentOutcome,
    sentence: &[SentenceBand],
) -> Result<Vec<SentenceBand>, SentenceMisfit> {
    let mut bands: Vec<SentenceBand> = sentence.to_vec();
    bands.sort_unstable();
    bands.dedup();
    match (outcome.convicts(), bands.is_empty()) {
        (true, true) => return Err(SentenceMisfit::Missing),
        (false, false) => return Err(SentenceMisfit::NotConvicted),
        _ => {}
    }
    if bands.iter().filter(|b| b.is_prison()).count() > 1 {
        return Err(SentenceMisfit::TwoPrisonBands);
    }
    Ok(bands)
}

#[cfg(test)]
mod tests {
    use super::*;
    use JudgmentOutcome as J;
    use SentenceBand as B;

    #[test]
    fn only_the_four_law_enforcement_kinds_are_in_the_compartment() {
        let inside: Vec<AgencyKind> = AgencyKind::ALL
            .iter()
            .copied()
            .filter(|k| k.is_law_enforcement())
            .collect();
        assert_eq!(
            inside,
            [
                AgencyKind::Police,
                AgencyKind::RoyalMarechaussee,
                AgencyKind::LabourInspectorate,
                AgencyKind::Prosecution
            ]
        );
    }

    #[test]
    fn sentences_fit_convictions_only_and_hold_one_prison_band() {
        assert_eq!(
            check_sentence(
                J::ConvictedTrafficking,
                &[B::Fine, B::Prison1To2Years, B::Fine]
            ),
            Ok(vec![B::Prison1To2Years, B::Fine])
        );
        assert_eq!(
            check_sentence(J::ConvictedOther, &[]),
            Err(SentenceMisfit::Missing)
        );
        assert_eq!(
            check_sentence(J::Acquitted, &[B::Fine]),
            Err(SentenceMisfit::NotConvicted)
        );
        assert_eq!(check_sentence(J::Acquitted, &[]), Ok(vec![]));
        assert_eq!(
            check_sentence(
                J::ConvictedTrafficking,
                &[B::PrisonUnder6Months, B::Prison4YearsOrMore]
            ),
            Err(SentenceMisfit::TwoPrisonBands)
        );
    }

    #[test]
    fn countries_of_birth_fall_into_groups() {
        assert_eq!(
            BirthCountryGroup::of_country(Some("NL")),
            BirthCountryGroup::Netherlands
        );
        assert_eq!(
            BirthCountryGroup::of_country(Some("bg")),
            BirthCountryGroup::EuEeaCh
        );
        assert_eq!(
            BirthCountryGroup::of_country(Some("NG")),
            BirthCountryGroup::NonEu
        );
        assert_eq!(
            BirthCountryGroup::of_country(None),
            BirthCountryGroup::Unknown
        );
        assert_eq!(
            BirthCountryGroup::of_country(Some("ZZ")),
            BirthCountryGroup::Unknown
        );
    }
}
