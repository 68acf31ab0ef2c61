//! The monitor's record-level export in the field layout of the Human Trafficking Case
//! Data Standard as the Counter-Trafficking Data Collaborative (CTDC) publishes its
//! global dataset: one record per distinct person with an event in a span of whole
//! years (a pseudonym's person once, an unlinkable record once), with the fields the
//! monitor holds, coarsened, under k-anonymity.
//!
//! Its parts: `facts` (what the monitor's copy holds of each person over the years),
//! `records` (a person as an HTCDS record at each step of the generalisation ladder),
//! `anonymise` (which step each record is published at, or whether it is suppressed:
//! pure, no database, no clock) and `columns` (the CTDC column list and the CSV).
//!
//! Must not: put a pseudonym, a key, a person's number, an agency, a region or a date
//! finer than the year into a record, or order the records in any way that follows the
//! persons (they are sorted by their published values).

mod anonymise;
mod columns;
pub(crate) mod facts;
mod records;

pub use anonymise::anonymise;
pub use columns::{COLUMNS, EMPTY_COLUMNS, FILLED_COLUMNS};
pub use records::{
    CASE_MANAGEMENT, LADDER, PersonFacts, QUASI_IDENTIFIERS, Record, Step, generalise,
};

use serde::Serialize;

/// The k of k-anonymity: every combination of quasi-identifier values in an export
/// appears in at least k records. At least [`ExportK::MIN`]; by default 11, as CTDC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ExportK(u32);

/// A k below [`ExportK::MIN`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("k must be at least 2, not {0}")]
pub struct KTooSmall(pub u32);

impl ExportK {
    /// The smallest k: with 1 every record would be its own class.
    pub const MIN: u32 = 2;
    /// CTDC's k for its k-anonymised global dataset.
    pub const DEFAULT: ExportK = ExportK(11);

    /// A k of at least [`ExportK::MIN`].
    pub fn new(k: u32) -> Result<ExportK, KTooSmall> {
        if k < Self::MIN {
            return Err(KTooSmall(k));
        }
        Ok(ExportK(k))
    }

    /// Its value.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for ExportK {
    fn default() -> Self {
        ExportK::DEFAULT
    }
}

/// The most years one export spans.
pub const MAX_YEARS: u16 = 20;

/// A span of whole calendar years: 1900 to 2999, `from` ≤ `to`, at most
/// [`MAX_YEARS`] of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Years {
    /// The first year.
    pub from: u16,
    /// The last year.
    pub to: u16,
}

/// Why two years make no span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum YearsError {
    /// The first year is not 1900 to 2999.
    #[error("the first year is not 1900 to 2999")]
    From,
    /// The last year is not 1900 to 2999, before the first or more than 20 after it.
    #[error("the last year is not from the first to 20 years after it")]
    To,
}

impl Years {
    /// The span `from` to `to`, if it is one.
    pub fn new(from: u16, to: u16) -> Result<Years, YearsError> {
        let valid = |y: u16| (1900..=2999).contains(&y);
        if !valid(from) {
            return Err(YearsError::From);
        }
        if !valid(to) || to < from || to - from >= MAX_YEARS {
            return Err(YearsError::To);
        }
        Ok(Years { from, to })
    }
}

/// Which standard the export follows, and where its field list is published.
#[derive(Debug, Clone, Serialize)]
pub struct Standard {
    /// The standard.
    pub name: &'static str,
    /// The published field list followed: names and order of the columns.
    pub field_list: &'static str,
    /// Where that list is published.
    pub url: &'static str,
}

/// The standard and the field list every export names.
pub const STANDARD: Standard = Standard {
    name: "Human Trafficking Case Data Standard (HTCDS), as the Counter-Trafficking Data Collaborative (CTDC: IOM, Polaris, Liberty Shared) publishes its global dataset",
    field_list: "CTDC Global Dataset, k-anonymised release (k = 11): the columns of its CSV, defined in the CTDC Data Codebook, version 6, November 2017 (isSlaveryAndPractices added in later releases)",
    url: "https://www.ctdatacollaborative.org/global-dataset",
};

/// What the records are, in words.
pub const SOURCE: &str = "Schakel's monitor: one record per distinct person (by pseudonym; a person recorded without a name or a full date of birth once per record) with at least one event in the years asked for; anonymous signals are not in it";

/// How many records were published at one step of the ladder.
#[derive(Debug, Clone, Serialize)]
pub struct StepCount {
    /// The step's position, 0 for the values as held.
    pub step: usize,
    /// Its code.
    pub code: &'static str,
    /// What it coarsens, in words.
    pub description: &'static str,
    /// The records published at this step.
    pub records: usize,
}

/// An export: its definitions and its records, sorted by their values.
#[derive(Debug, Clone, Serialize)]
pub struct Export {
    /// The standard followed.
    pub standard: Standard,
    /// What the records are.
    pub source: &'static str,
    /// The k the records are anonymous under.
    pub k: ExportK,
    /// The years asked for.
    pub period: Years,
    /// The persons of the period: the records before suppression.
    pub records_total: usize,
    /// The records left out because no step of the ladder put them in a class of k.
    pub records_suppressed: usize,
    /// The ladder, with the records published at each step.
    pub generalisation: Vec<StepCount>,
    /// The columns whose combination of values is the equivalence class.
    pub quasi_identifiers: &'static [&'static str],
    /// The columns of the layout that are always empty.
    pub empty_fields: &'static [&'static str],
    /// The records.
    pub records: Vec<Record>,
}

/// The export of `persons` (one each) over `period` under `k`: each generalised up the
/// ladder until its class holds k records, the rest suppressed.
pub fn export(persons: &[PersonFacts], period: Years, k: ExportK) -> Export {
    let k_size = usize::try_from(k.get()).unwrap_or(usize::MAX);
    let steps = anonymise(persons, k_size, LADDER.len(), generalise);
    let mut counts = vec![0usize; LADDER.len()];
    let mut records: Vec<Record> = Vec::with_capacity(persons.len());
    for (p, step) in persons.iter().zip(&steps) {
        if let Some(s) = *step {
            if let Some(c) = counts.get_mut(s) {
                *c += 1;
            }
            records.push(generalise(p, s));
        }
    }
    records.sort_unstable();
    Export {
        standard: STANDARD,
        source: SOURCE,
        k,
        period,
        records_total: persons.len(),
        records_suppressed: persons.len() - records.len(),
        generalisation: LADDER
            .iter()
            .zip(counts)
            .enumerate()
            .map(|(step, (s, records))| StepCount {
                step,
                code: s.code,
                description: s.description,
                records,
            })
            .collect(),
        quasi_identifiers: QUASI_IDENTIFIERS,
        empty_fields: EMPTY_COLUMNS,
        records,
    }
}

impl Export {
    /// The records as CSV: the CTDC columns as the header, one row per record, the
    /// columns Schakel does not hold empty.
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        columns::to_csv(&self.records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schakel_domain::{AgeBand, ExploitationForm, Gender, NationalityGroup};

    #[test]
    fn k_is_at_least_two_and_eleven_by_default() {
        assert_eq!(ExportK::new(1), Err(KTooSmall(1)));
        assert_eq!(ExportK::new(0), Err(KTooSmall(0)));
        assert_eq!(ExportK::new(2).map(ExportK::get), Ok(2));
        assert_eq!(ExportK::default().get(), 11);
    }

    #[test]
    fn years_are_whole_spans_of_at_most_twenty() {
        assert!(Years::new(2026, 2026).is_ok());
        assert!(Years::new(2000, 2019).is_ok());
        assert_eq!(Years::new(2000, 2020), Err(YearsError::To));
        assert_eq!(Years::new(2026, 2025), Err(YearsError::To));
        assert_eq!(Years::new(1899, 1900), Err(YearsError::From));
        assert_eq!(Years::new(2026, 3000), Err(YearsError::To));
    }

    fn person(age: AgeBand, forms: &[ExploitationForm]) -> PersonFacts {
        PersonFacts {
            year: 2026,
            age_band: age,
            gender: Gender::Female,
            nationality: NationalityGroup::EuEeaCh,
            forms: forms.iter().copied().collect(),
        }
    }

    #[test]
    fn an_export_counts_each_step_and_the_records_left_out() {
        let mut persons = vec![person(AgeBand::From18To22, &[ExploitationForm::Sexual]); 11];
        persons.extend(vec![
            person(AgeBand::From30To39, &[ExploitationForm::Sexual]);
            4
        ]);
        let years = Years::new(2026, 2026).unwrap();
        let e = export(&persons, years, ExportK::default());
        assert_eq!((e.records_total, e.records_suppressed), (15, 4));
        assert_eq!(e.records.len(), 11);
        assert_eq!(e.generalisation[0].records, 11);
        assert_eq!(
            e.generalisation.iter().map(|s| s.records).sum::<usize>(),
            11
        );
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["k"], 11);
        assert_eq!(json["period"]["from"], 2026);
        assert_eq!(json["records"][0]["yearOfRegistration"], 2026);
        assert_eq!(json["records"][0]["ageBroad"], "18-22");
        assert!(json["records"][0].get("pseudonym").is_none());

        let e = export(&persons, years, ExportK::new(4).unwrap());
        assert_eq!((e.records_suppressed, e.records.len()), (0, 15));
    }
}
