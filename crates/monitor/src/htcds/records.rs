//! A person as an HTCDS record: what the monitor holds of them ([`PersonFacts`]) written
//! in the CTDC global dataset's fields, at one step of the fixed generalisation ladder
//! ([`LADDER`], [`generalise`]). Values CTDC has are written as CTDC writes them
//! (`Female`, `Male`, `Adult`, `Minor`, `Case Management`, `NL`, 1 and 0); values it
//! has no category for are Schakel's codes (the age bands, the citizenship groups,
//! `foreign`, `non_binary_or_other`); what is not known, or coarsened away, is empty.
//! Pure: no database, no clock.

use schakel_domain::{AgeBand, ExploitationForm, Gender, NationalityGroup};
use serde::Serialize;
use std::collections::BTreeSet;

/// What the monitor holds of one person over the years of an export, from their events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFacts {
    /// The calendar year of the person's first event in the years.
    pub year: u16,
    /// The age band at the first event that knows it (the age at registration).
    pub age_band: AgeBand,
    /// The gender at the latest event that knows it.
    pub gender: Gender,
    /// The nationality group at the latest event that knows it.
    pub nationality: NationalityGroup,
    /// Every form of exploitation of the person's events; `unknown` only when no other.
    pub forms: BTreeSet<ExploitationForm>,
}

/// CTDC's `Datasource` of records from case management (not a hotline): every record.
pub const CASE_MANAGEMENT: &str = "Case Management";

/// One step of the generalisation ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Its code.
    pub code: &'static str,
    /// What it coarsens (besides everything the steps before it did), in words.
    pub description: &'static str,
}

/// The ladder, in order: each step coarsens what the one before it left. A record is
/// published at the first step at which its class holds k records.
pub const LADDER: [Step; 9] = [
    Step {
        code: "as_held",
        description: "the values as held: age band, citizenship group, gender as recorded, each form of exploitation",
    },
    Step {
        code: "age_to_majority",
        description: "ageBroad left out; majorityStatus (Minor, Adult) kept",
    },
    Step {
        code: "exploitation_folded",
        description: "forced marriage and organ removal counted as isOtherExploit (isForcedMarriage, isOrganRemoval left out); the kinds of forced labour (typeOfLabourIllicitActivities, typeOfLabourNotSpecified) left out",
    },
    Step {
        code: "citizenship_nl_or_foreign",
        description: "citizenship NL or foreign",
    },
    Step {
        code: "gender_female_or_male",
        description: "gender non_binary_or_other left out (as unknown)",
    },
    Step {
        code: "majority_left_out",
        description: "majorityStatus left out",
    },
    Step {
        code: "citizenship_left_out",
        description: "citizenship left out",
    },
    Step {
        code: "gender_left_out",
        description: "gender left out",
    },
    Step {
        code: "exploitation_left_out",
        description: "the forms of exploitation left out: only yearOfRegistration (and Datasource) remain",
    },
];

/// The columns whose values together make a record's equivalence class: every column
/// an export fills but `Datasource`, which is the same in every record.
pub const QUASI_IDENTIFIERS: &[&str] = &[
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "majorityStatus",
    "citizenship",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "isSexAndLabour",
    "isForcedMarriage",
    "isOrganRemoval",
    "typeOfLabourIllicitActivities",
    "typeOfLabourNotSpecified",
];

/// One published record, in the CTDC columns an export fills (`None`: empty). Two
/// records are in one equivalence class when they are equal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Record {
    /// The year of the person's first event in the years asked for.
    #[serde(rename = "yearOfRegistration")]
    pub year_of_registration: u16,
    /// Always [`CASE_MANAGEMENT`].
    #[serde(rename = "Datasource")]
    pub datasource: &'static str,
    /// `Female`, `Male` or `non_binary_or_other`.
    pub gender: Option<&'static str>,
    /// Schakel's age band at registration (`0-11` … `50+`).
    #[serde(rename = "ageBroad")]
    pub age_broad: Option<&'static str>,
    /// `Minor` or `Adult` at registration.
    #[serde(rename = "majorityStatus")]
    pub majority_status: Option<&'static str>,
    /// `NL`, `eu_eea_ch`, `non_eu`, `stateless`, or coarsened `foreign`.
    pub citizenship: Option<&'static str>,
    /// Labour or criminal exploitation (1 or 0).
    #[serde(rename = "isForcedLabour")]
    pub is_forced_labour: Option<u8>,
    /// Sexual exploitation.
    #[serde(rename = "isSexualExploit")]
    pub is_sexual_exploit: Option<u8>,
    /// Illegal adoption, surrogacy or another form (and, once folded, forced marriage
    /// and organ removal).
    #[serde(rename = "isOtherExploit")]
    pub is_other_exploit: Option<u8>,
    /// Both sexual exploitation and forced labour.
    #[serde(rename = "isSexAndLabour")]
    pub is_sex_and_labour: Option<u8>,
    /// Forced marriage.
    #[serde(rename = "isForcedMarriage")]
    pub is_forced_marriage: Option<u8>,
    /// Removal of organs.
    #[serde(rename = "isOrganRemoval")]
    pub is_organ_removal: Option<u8>,
    /// Of forced labour: criminal exploitation (forced criminality).
    #[serde(rename = "typeOfLabourIllicitActivities")]
    pub type_of_labour_illicit_activities: Option<u8>,
    /// Of forced labour: labour exploitation without a recorded sector.
    #[serde(rename = "typeOfLabourNotSpecified")]
    pub type_of_labour_not_specified: Option<u8>,
}

impl Record {
    /// The value of CTDC column `column` ("" when empty or not filled).
    pub fn cell(&self, column: &str) -> String {
        let text = |v: Option<&str>| v.unwrap_or_default().to_owned();
        let flag = |v: Option<u8>| v.map(|b| b.to_string()).unwrap_or_default();
        match column {
            "yearOfRegistration" => format!("{:04}", self.year_of_registration),
            "Datasource" => self.datasource.to_owned(),
            "gender" => text(self.gender),
            "ageBroad" => text(self.age_broad),
            "majorityStatus" => text(self.majority_status),
            "citizenship" => text(self.citizenship),
            "isForcedLabour" => flag(self.is_forced_labour),
            "isSexualExploit" => flag(self.is_sexual_exploit),
            "isOtherExploit" => flag(self.is_other_exploit),
            "isSexAndLabour" => flag(self.is_sex_and_labour),
            "isForcedMarriage" => flag(self.is_forced_marriage),
            "isOrganRemoval" => flag(self.is_organ_removal),
            "typeOfLabourIllicitActivities" => flag(self.type_of_labour_illicit_activities),
            "typeOfLabourNotSpecified" => flag(self.type_of_labour_not_specified),
            _ => String::new(),
        }
    }
}

fn gender(g: Gender, step: usize) -> Option<&'static str> {
    match g {
        Gender::Female if step < 7 => Some("Female"),
        Gender::Male if step < 7 => Some("Male"),
        Gender::NonBinaryOrOther if step < 4 => Some("non_binary_or_other"),
        _ => None,
    }
}

fn majority(band: AgeBand, step: usize) -> Option<&'static str> {
    match band.is_minor() {
        Some(true) if step < 5 => Some("Minor"),
        Some(false) if step < 5 => Some("Adult"),
        _ => None,
    }
}

fn citizenship(n: NationalityGroup, step: usize) -> Option<&'static str> {
    match n {
        NationalityGroup::Unknown => None,
        _ if step >= 6 => None,
        NationalityGroup::Dutch => Some("NL"),
        _ if step >= 3 => Some("foreign"),
        other => Some(other.as_str()),
    }
}

/// `p` as a record at step `step` of the [`LADDER`] (a step past its end: its last).
pub fn generalise(p: &PersonFacts, step: usize) -> Record {
    use ExploitationForm as F;
    let has = |f: F| p.forms.contains(&f);
    let known = p.forms.iter().any(|f| *f != F::Unknown);
    // Each flag is 1 or 0 while the forms are shown and one is known; else empty.
    let shown = known && step < 8;
    let flag = |b: bool| shown.then_some(u8::from(b));
    let detailed = step < 2;
    let (sexual, labour) = (has(F::Sexual), has(F::Labour) || has(F::Criminal));
    let other = has(F::IllegalAdoption) || has(F::Surrogacy) || has(F::Other);
    let folded = has(F::ForcedMarriage) || has(F::OrganRemoval);
    let kind_of_labour = |b: bool| if detailed && labour { flag(b) } else { None };
    Record {
        year_of_registration: p.year,
        datasource: CASE_MANAGEMENT,
        gender: gender(p.gender, step),
        age_broad: (step < 1 && p.age_band != AgeBand::Unknown).then(|| p.age_band.as_str()),
        majority_status: majority(p.age_band, step),
        citizenship: citizenship(p.nationality, step),
        is_forced_labour: flag(labour),
        is_sexual_exploit: flag(sexual),
        is_other_exploit: flag(other || (!detailed && folded)),
        is_sex_and_labour: flag(sexual && labour),
        is_forced_marriage: if detailed {
            flag(has(F::ForcedMarriage))
        } else {
            None
        },
        is_organ_removal: if detailed {
            flag(has(F::OrganRemoval))
        } else {
            None
        },
        type_of_labour_illicit_activities: kind_of_labour(has(F::Criminal)),
        type_of_labour_not_specified: kind_of_labour(has(F::Labour)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(forms: &[ExploitationForm]) -> PersonFacts {
        PersonFacts {
            year: 2026,
            age_band: AgeBand::From12To17,
            gender: Gender::NonBinaryOrOther,
            nationality: NationalityGroup::Stateless,
            forms: forms.iter().copied().collect(),
        }
    }

    #[test]
    fn the_values_as_held_are_written_in_ctdc_fields() {
        use ExploitationForm as F;
        let r = generalise(&person(&[F::Sexual, F::Criminal, F::ForcedMarriage]), 0);
        assert_eq!(r.cell("yearOfRegistration"), "2026");
        assert_eq!(r.cell("Datasource"), "Case Management");
        assert_eq!(r.cell("gender"), "non_binary_or_other");
        assert_eq!(r.cell("ageBroad"), "12-17");
        assert_eq!(r.cell("majorityStatus"), "Minor");
        assert_eq!(r.cell("citizenship"), "stateless");
        for (column, value) in [
            ("isForcedLabour", "1"),
            ("isSexualExploit", "1"),
            ("isOtherExploit", "0"),
            ("isSexAndLabour", "1"),
            ("isForcedMarriage", "1"),
            ("isOrganRemoval", "0"),
            ("typeOfLabourIllicitActivities", "1"),
            ("typeOfLabourNotSpecified", "0"),
            ("isForcedMilitary", ""),
            ("CountryOfExploitation", ""),
        ] {
            assert_eq!(r.cell(column), value, "{column}");
        }
        let labour = generalise(&person(&[F::Labour]), 0);
        assert_eq!(labour.cell("typeOfLabourNotSpecified"), "1");
        assert_eq!(labour.cell("isSexAndLabour"), "0");
        let sexual = generalise(&person(&[F::Sexual]), 0);
        assert_eq!(
            sexual.cell("typeOfLabourNotSpecified"),
            "",
            "not forced labour"
        );
    }

    #[test]
    fn unknown_values_are_empty_never_zero() {
        let p = PersonFacts {
            year: 2025,
            age_band: AgeBand::Unknown,
            gender: Gender::Unknown,
            nationality: NationalityGroup::Unknown,
            forms: [ExploitationForm::Unknown].into(),
        };
        let r = generalise(&p, 0);
        for column in QUASI_IDENTIFIERS.iter().skip(1) {
            assert_eq!(r.cell(column), "", "{column}");
        }
    }

    #[test]
    fn each_step_coarsens_what_the_one_before_left_and_the_last_keeps_only_the_year() {
        use ExploitationForm as F;
        let p = PersonFacts {
            nationality: NationalityGroup::Dutch,
            ..person(&[F::OrganRemoval, F::Labour])
        };
        let steps: Vec<Record> = (0..LADDER.len()).map(|s| generalise(&p, s)).collect();
        assert_eq!(steps[1].age_broad, None);
        assert_eq!(steps[1].majority_status, Some("Minor"));
        assert_eq!(steps[1].is_organ_removal, Some(1));
        assert_eq!(steps[2].is_organ_removal, None);
        assert_eq!(steps[2].is_other_exploit, Some(1), "folded into other");
        assert_eq!(steps[2].type_of_labour_not_specified, None);
        assert_eq!(steps[3].citizenship, Some("NL"), "Dutch stays NL");
        assert_eq!(steps[4].gender, None, "non-binary coarsened away");
        assert_eq!(steps[5].majority_status, None);
        assert_eq!(steps[6].citizenship, None);
        assert_eq!(steps[8].is_forced_labour, None);
        let only_year = Record {
            year_of_registration: 2026,
            datasource: CASE_MANAGEMENT,
            gender: None,
            age_broad: None,
            majority_status: None,
            citizenship: None,
            is_forced_labour: None,
            is_sexual_exploit: None,
            is_other_exploit: None,
            is_sex_and_labour: None,
            is_forced_marriage: None,
            is_organ_removal: None,
            type_of_labour_illicit_activities: None,
            type_of_labour_not_specified: None,
        };
        assert_eq!(steps[8], only_year);
        assert_eq!(generalise(&p, 99), only_year, "past the end: the last step");
        let foreign = PersonFacts {
            nationality: NationalityGroup::NonEu,
            gender: Gender::Female,
            ..p
        };
        assert_eq!(generalise(&foreign, 3).citizenship, Some("foreign"));
        assert_eq!(generalise(&foreign, 6).gender, Some("Female"));
        assert_eq!(generalise(&foreign, 7).gender, None);
    }

    #[test]
    fn a_step_never_makes_two_records_of_one_class_differ() {
        // Coarsening is a function of the record before it: equal at step s, equal
        // at every later step.
        use ExploitationForm as F;
        let a = person(&[F::ForcedMarriage]);
        let b = person(&[F::OrganRemoval]);
        assert_ne!(generalise(&a, 1), generalise(&b, 1));
        for s in 2..LADDER.len() {
            assert_eq!(generalise(&a, s), generalise(&b, s), "step {s}");
        }
    }
}
