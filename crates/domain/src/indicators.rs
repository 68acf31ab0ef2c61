//! The versioned list of coded indicators a signal can carry.
//!
//! A signal records *why* someone suspects human trafficking as a set of indicator
//! codes, never as free text, so signals can be compared, counted and shared without
//! personal details leaking through a description. This module owns that list.
//!
//! The list is seeded from two sources:
//!
//! - the eleven ILO indicators of forced labour (ILO, *Hard to see, harder to count*,
//!   2012; ILO Indicators of Forced Labour): abuse of vulnerability, deception,
//!   restriction of movement, isolation, physical and sexual violence, intimidation
//!   and threats, retention of identity documents, withholding of wages, debt bondage,
//!   abusive working and living conditions, and excessive overtime; their codes start
//!   with `ilo_`;
//! - the common trafficking signal lists used in the Netherlands and the EU (such as
//!   CoMensha's signal lists), grouped into general signals and signals of sexual,
//!   labour and criminal exploitation and of the exploitation of minors.
//!
//! Codes are stable snake_case wire values: once published a code keeps its meaning.
//! Adding, retiring or rewording indicators bumps [`INDICATOR_LIST_VERSION`].

use crate::code_enum;
use IndicatorGroup::{Criminal, General, Labour, Minors, Sexual};
use IndicatorSource::{IloForcedLabour as Ilo, SignalList as List};

/// Version of [`INDICATORS`]; bumped whenever an indicator is added, retired or reworded.
pub const INDICATOR_LIST_VERSION: &str = "2026.1";

code_enum! {
    /// The group an indicator belongs to.
    pub enum IndicatorGroup as "indicator group" {
        General = "general",
        Sexual = "sexual",
        Labour = "labour",
        Criminal = "criminal",
        Minors = "minors",
    }
}

code_enum! {
    /// Where an indicator comes from.
    pub enum IndicatorSource as "indicator source" {
        IloForcedLabour = "ilo_forced_labour",
        SignalList = "signal_list",
    }
}

/// One coded indicator a signal can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Indicator {
    /// Stable snake_case code (lowercase ASCII letters, digits and `_`, at most 48 bytes).
    pub code: &'static str,
    /// The group the indicator is listed under.
    pub group: IndicatorGroup,
    /// The list the indicator was taken from.
    pub source: IndicatorSource,
    /// Label in English.
    pub label_en: &'static str,
    /// Label in Dutch.
    pub label_nl: &'static str,
}

const fn ind(
    code: &'static str,
    group: IndicatorGroup,
    source: IndicatorSource,
    label_en: &'static str,
    label_nl: &'static str,
) -> Indicator {
    Indicator {
        code,
        group,
        source,
        label_en,
        label_nl,
    }
}

/// Every indicator of version [`INDICATOR_LIST_VERSION`], grouped, ILO indicators first.
pub const INDICATORS: &[Indicator] = &[
    // The eleven ILO indicators of forced labour.
    ind(
        "ilo_abuse_of_vulnerability",
        General,
        Ilo,
        "Abuse of vulnerability",
        "Misbruik van een kwetsbare positie",
    ),
    ind("ilo_deception", General, Ilo, "Deception", "Misleiding"),
    ind(
        "ilo_restriction_of_movement",
        General,
        Ilo,
        "Restriction of movement",
        "Beperking van de bewegingsvrijheid",
    ),
    ind("ilo_isolation", General, Ilo, "Isolation", "Isolatie"),
    ind(
        "ilo_physical_and_sexual_violence",
        General,
        Ilo,
        "Physical and sexual violence",
        "Lichamelijk en seksueel geweld",
    ),
    ind(
        "ilo_intimidation_and_threats",
        General,
        Ilo,
        "Intimidation and threats",
        "Intimidatie en bedreiging",
    ),
    ind(
        "ilo_retention_of_identity_documents",
        General,
        Ilo,
        "Retention of identity documents",
        "Inhouden van identiteitsdocumenten",
    ),
    ind(
        "ilo_withholding_of_wages",
        Labour,
        Ilo,
        "Withholding of wages",
        "Inhouden van loon",
    ),
    ind(
        "ilo_debt_bondage",
        General,
        Ilo,
        "Debt bondage",
        "Schuldslavernij",
    ),
    ind(
        "ilo_abusive_working_and_living_conditions",
        Labour,
        Ilo,
        "Abusive working and living conditions",
        "Mensonwaardige werk- en leefomstandigheden",
    ),
    ind(
        "ilo_excessive_overtime",
        Labour,
        Ilo,
        "Excessive overtime",
        "Buitensporig overwerk",
    ),
    // General signals.
    ind(
        "does_not_speak_local_language",
        General,
        List,
        "Does not speak the local language",
        "Spreekt de landstaal niet",
    ),
    ind(
        "someone_else_speaks_for_them",
        General,
        List,
        "Someone else speaks for them",
        "Iemand anders voert het woord namens hem of haar",
    ),
    ind(
        "no_access_to_own_earnings",
        General,
        List,
        "No access to own earnings",
        "Heeft geen toegang tot de eigen verdiensten",
    ),
    ind(
        "lives_at_work_address",
        General,
        List,
        "Lives at the work address",
        "Woont op het werkadres",
    ),
    ind(
        "signs_of_injury",
        General,
        List,
        "Visible signs of injury or abuse",
        "Zichtbare tekenen van letsel of mishandeling",
    ),
    ind(
        "recruited_abroad_with_false_job_offer",
        General,
        List,
        "Recruited abroad with a false job offer",
        "In het buitenland geworven met een vals baanaanbod",
    ),
    ind(
        "many_people_at_one_address",
        General,
        List,
        "Many people living or registered at one address",
        "Veel personen wonen of staan ingeschreven op één adres",
    ),
    ind(
        "transported_to_work_by_employer",
        General,
        List,
        "Transported to and from work by the employer",
        "Wordt door de werkgever van en naar het werk vervoerd",
    ),
    ind(
        "does_not_know_own_address",
        General,
        List,
        "Does not know own home or work address",
        "Kent het eigen woon- of werkadres niet",
    ),
    ind(
        "appears_controlled_by_others",
        General,
        List,
        "Appears to be controlled or watched by others",
        "Lijkt onder controle of toezicht van anderen te staan",
    ),
    ind(
        "fear_of_authorities",
        General,
        List,
        "Shows fear or distrust of authorities",
        "Toont angst voor of wantrouwen tegenover instanties",
    ),
    // Sexual exploitation.
    ind(
        "tattoos_or_branding_marking_ownership",
        Sexual,
        List,
        "Tattoos or branding marking ownership",
        "Tatoeages of brandmerken die eigendom aanduiden",
    ),
    ind(
        "advertised_for_sex_work_by_third_party",
        Sexual,
        List,
        "Advertised for sex work by a third party",
        "Wordt door een derde aangeboden voor seksuele dienstverlening",
    ),
    ind(
        "hands_over_sex_work_earnings",
        Sexual,
        List,
        "Hands over most of the earnings from sex work",
        "Draagt het grootste deel van de verdiensten uit sekswerk af",
    ),
    ind(
        "cannot_refuse_clients_or_acts",
        Sexual,
        List,
        "Cannot refuse clients or particular sexual acts",
        "Kan klanten of bepaalde seksuele handelingen niet weigeren",
    ),
    ind(
        "recruited_through_romantic_relationship",
        Sexual,
        List,
        "Recruited through a romantic relationship (lover-boy method)",
        "Geworven via een liefdesrelatie (loverboymethode)",
    ),
    ind(
        "moved_between_cities_or_venues",
        Sexual,
        List,
        "Frequently moved between cities or venues",
        "Wordt regelmatig naar andere steden of werkplekken overgeplaatst",
    ),
    ind(
        "sleeps_where_sex_work_takes_place",
        Sexual,
        List,
        "Sleeps where the sex work takes place",
        "Slaapt op de plek waar het sekswerk plaatsvindt",
    ),
    // Labour exploitation.
    ind(
        "no_written_employment_contract",
        Labour,
        List,
        "No written employment contract, or one in a language not understood",
        "Geen schriftelijke arbeidsovereenkomst, of een in een taal die niet wordt begrepen",
    ),
    ind(
        "paid_far_below_minimum_wage",
        Labour,
        List,
        "Paid far below the statutory minimum wage",
        "Krijgt ver onder het wettelijk minimumloon betaald",
    ),
    ind(
        "excessive_wage_deductions",
        Labour,
        List,
        "Excessive deductions from wages for housing, transport or tools",
        "Buitensporige inhoudingen op het loon voor huisvesting, vervoer of gereedschap",
    ),
    ind(
        "paid_recruitment_fees",
        Labour,
        List,
        "Paid high recruitment or placement fees",
        "Heeft hoge wervings- of bemiddelingskosten betaald",
    ),
    ind(
        "cannot_leave_employer",
        Labour,
        List,
        "Cannot end the employment or change employer",
        "Kan het dienstverband niet beëindigen of niet van werkgever wisselen",
    ),
    ind(
        "no_protective_equipment",
        Labour,
        List,
        "No protective equipment for hazardous work",
        "Geen beschermingsmiddelen bij gevaarlijk werk",
    ),
    ind(
        "employer_controls_bank_account",
        Labour,
        List,
        "The employer controls the bank card or account",
        "De werkgever beheert de bankpas of bankrekening",
    ),
    // Criminal exploitation.
    ind(
        "forced_to_commit_offences",
        Criminal,
        List,
        "Forced to commit offences such as theft or shoplifting",
        "Wordt gedwongen tot het plegen van strafbare feiten, zoals diefstal of winkeldiefstal",
    ),
    ind(
        "drug_cultivation_or_dealing_under_pressure",
        Criminal,
        List,
        "Works under pressure in cannabis cultivation or drug dealing",
        "Werkt onder druk in de hennepteelt of drugshandel",
    ),
    ind(
        "forced_begging",
        Criminal,
        List,
        "Forced begging",
        "Gedwongen bedelarij",
    ),
    ind(
        "used_as_money_mule",
        Criminal,
        List,
        "Used as a money mule or to open accounts or take out contracts",
        "Wordt ingezet als geldezel of om rekeningen te openen of contracten af te sluiten",
    ),
    ind(
        "hands_over_criminal_proceeds",
        Criminal,
        List,
        "Must hand over the proceeds of offences",
        "Moet de opbrengst van strafbare feiten afdragen",
    ),
    ind(
        "used_for_benefit_or_identity_fraud",
        Criminal,
        List,
        "Used for benefit or identity fraud",
        "Wordt ingezet voor uitkerings- of identiteitsfraude",
    ),
    // Minors.
    ind(
        "minor_without_guardian",
        Minors,
        List,
        "Minor without a parent or guardian",
        "Minderjarige zonder ouder of voogd",
    ),
    ind(
        "minor_missing_from_care",
        Minors,
        List,
        "Minor gone missing from youth care or a shelter",
        "Minderjarige die uit de jeugdzorg of opvang is verdwenen",
    ),
    ind(
        "minor_not_attending_school",
        Minors,
        List,
        "Minor not attending school",
        "Minderjarige die niet naar school gaat",
    ),
    ind(
        "minor_with_much_older_partner",
        Minors,
        List,
        "Minor in a relationship with a much older partner",
        "Minderjarige die een relatie heeft met een veel oudere partner",
    ),
    ind(
        "minor_with_unexplained_money_or_goods",
        Minors,
        List,
        "Minor with money, phones or clothing of unexplained origin",
        "Minderjarige met geld, telefoons of kleding van onverklaarbare herkomst",
    ),
    ind(
        "minor_involved_in_paid_sex",
        Minors,
        List,
        "Minor involved in paid sex",
        "Minderjarige betrokken bij betaalde seks",
    ),
];

/// The most indicators one signal can carry: every indicator at most once.
pub const MAX_INDICATORS_PER_SIGNAL: usize = INDICATORS.len();

/// An indicator code that is not on the list.
///
/// Deliberately does not carry the offending text: it came from a client and may hold
/// anything, including personal details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown indicator code")]
pub struct UnknownIndicator {
    /// Index of the first unknown code in the input.
    pub position: usize,
}

/// The indicator with this code, if it is on the list.
pub fn find(code: &str) -> Option<&'static Indicator> {
    INDICATORS.iter().find(|i| i.code == code)
}

/// Checks every code against the list and returns them sorted and de-duplicated.
///
/// The result holds at most [`MAX_INDICATORS_PER_SIGNAL`] codes, all borrowed from
/// [`INDICATORS`] rather than from the input.
pub fn parse_codes(codes: &[String]) -> Result<Vec<&'static str>, UnknownIndicator> {
    let mut parsed = codes
        .iter()
        .enumerate()
        .map(|(position, code)| {
            find(code)
                .map(|i| i.code)
                .ok_or(UnknownIndicator { position })
        })
        .collect::<Result<Vec<_>, _>>()?;
    parsed.sort_unstable();
    parsed.dedup();
    debug_assert!(parsed.len() <= MAX_INDICATORS_PER_SIGNAL);
    Ok(parsed)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const ILO_CODES: [&str; 11] = [
        "ilo_abuse_of_vulnerability",
        "ilo_deception",
        "ilo_restriction_of_movement",
        "ilo_isolation",
        "ilo_physical_and_sexual_violence",
        "ilo_intimidation_and_threats",
        "ilo_retention_of_identity_documents",
        "ilo_withholding_of_wages",
        "ilo_debt_bondage",
        "ilo_abusive_working_and_living_conditions",
        "ilo_excessive_overtime",
    ];

    fn strings(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn the_list_has_a_sensible_size() {
        assert!(
            (35..=50).contains(&INDICATORS.len()),
            "{} indicators",
            INDICATORS.len()
        );
        assert_eq!(MAX_INDICATORS_PER_SIGNAL, INDICATORS.len());
    }

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for i in INDICATORS {
            assert!(seen.insert(i.code), "duplicate code {}", i.code);
            assert!(
                !i.code.is_empty() && i.code.len() <= 48,
                "bad length: {}",
                i.code
            );
            assert!(
                i.code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "bad characters: {}",
                i.code
            );
            assert!(
                i.code.as_bytes()[0].is_ascii_lowercase(),
                "must start with a letter: {}",
                i.code
            );
            assert!(
                !i.code.ends_with('_') && !i.code.contains("__"),
                "bad underscores: {}",
                i.code
            );
        }
    }

    #[test]
    fn every_ilo_indicator_is_present() {
        for code in ILO_CODES {
            let i = find(code).unwrap_or_else(|| panic!("missing {code}"));
            assert_eq!(i.source, IndicatorSource::IloForcedLabour, "{code}");
        }
        let ilo: Vec<_> = INDICATORS
            .iter()
            .filter(|i| i.source == IndicatorSource::IloForcedLabour)
            .collect();
        assert_eq!(ilo.len(), ILO_CODES.len());
    }

    #[test]
    fn ilo_prefix_matches_the_source() {
        for i in INDICATORS {
            assert_eq!(
                i.code.starts_with("ilo_"),
                i.source == IndicatorSource::IloForcedLabour,
                "{}",
                i.code
            );
        }
    }

    #[test]
    fn every_group_has_indicators() {
        for group in IndicatorGroup::ALL {
            assert!(
                INDICATORS.iter().any(|i| i.group == *group),
                "group {group} is empty"
            );
        }
        for source in IndicatorSource::ALL {
            assert!(
                INDICATORS.iter().any(|i| i.source == *source),
                "source {source} is empty"
            );
        }
    }

    #[test]
    fn labels_are_present_and_translated() {
        let mut en = HashSet::new();
        let mut nl = HashSet::new();
        for i in INDICATORS {
            assert!(
                !i.label_en.trim().is_empty(),
                "{}: empty English label",
                i.code
            );
            assert!(
                !i.label_nl.trim().is_empty(),
                "{}: empty Dutch label",
                i.code
            );
            assert_eq!(i.label_en, i.label_en.trim(), "{}", i.code);
            assert_eq!(i.label_nl, i.label_nl.trim(), "{}", i.code);
            assert_ne!(i.label_en, i.label_nl, "{}: Dutch label is a copy", i.code);
            assert!(en.insert(i.label_en), "{}: English label reused", i.code);
            assert!(nl.insert(i.label_nl), "{}: Dutch label reused", i.code);
        }
    }

    #[test]
    fn find_knows_listed_codes_only() {
        assert_eq!(
            find("ilo_debt_bondage").unwrap().label_nl,
            "Schuldslavernij"
        );
        assert_eq!(
            find("ilo_retention_of_identity_documents")
                .unwrap()
                .label_nl,
            "Inhouden van identiteitsdocumenten"
        );
        assert!(find("").is_none());
        assert!(find("ILO_DEBT_BONDAGE").is_none());
        assert!(find("debt_bondage").is_none());
    }

    #[test]
    fn parse_codes_sorts_and_deduplicates() {
        let input = strings(&[
            "ilo_isolation",
            "forced_begging",
            "ilo_isolation",
            "ilo_debt_bondage",
            "forced_begging",
        ]);
        assert_eq!(
            parse_codes(&input),
            Ok(vec!["forced_begging", "ilo_debt_bondage", "ilo_isolation"])
        );
        assert_eq!(parse_codes(&[]), Ok(vec![]));
    }

    #[test]
    fn parse_codes_accepts_the_whole_list_and_caps_repeats() {
        let all: Vec<String> = INDICATORS
            .iter()
            .chain(INDICATORS.iter())
            .map(|i| i.code.to_string())
            .collect();
        let parsed = parse_codes(&all).unwrap();
        assert_eq!(parsed.len(), MAX_INDICATORS_PER_SIGNAL);
        assert!(parsed.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn parse_codes_rejects_unknown_codes_with_their_position() {
        let input = strings(&["ilo_deception", "forced_begging", "Bob de Vries", "nope"]);
        let err = parse_codes(&input).unwrap_err();
        assert_eq!(err, UnknownIndicator { position: 2 });
        assert_eq!(err.to_string(), "unknown indicator code");
        assert!(!format!("{err:?}").contains("Bob"));

        assert_eq!(
            parse_codes(&strings(&["ilo_deception "])),
            Err(UnknownIndicator { position: 0 })
        );
    }

    #[test]
    fn group_and_source_codes_round_trip() {
        for group in IndicatorGroup::ALL {
            assert_eq!(group.as_str().parse::<IndicatorGroup>().unwrap(), *group);
        }
        for source in IndicatorSource::ALL {
            assert_eq!(source.as_str().parse::<IndicatorSource>().unwrap(), *source);
        }
    }
}
