//! The offender facts read into typed rows (every code checked against its list), and
//! a table's cells published through disclosure control.

use crate::disclosure::{self, RawCell, Rules};
use crate::table::Cell;
use schakel_domain::{
    CourtInstance, ExploitationForm, JudgmentOutcome, OffenderEventKind, ProsecutionDecision,
    SentenceBand,
};
use schakel_store::StoreError;
use schakel_store::monitor::OffenderFact;

/// One offender fact, read.
pub(super) struct Fact {
    pub(super) kind: OffenderEventKind,
    pub(super) year: u16,
    pub(super) quarter: String,
    pub(super) forms: Vec<String>,
    pub(super) decision: Option<ProsecutionDecision>,
    pub(super) judgment: Option<JudgmentOutcome>,
    pub(super) instance: Option<CourtInstance>,
    pub(super) sentence: Vec<SentenceBand>,
    pub(super) days: Option<i64>,
    pub(super) suspect: String,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("monitor offender fact: {what}"))
}

fn parse<T: std::str::FromStr>(s: &str, what: &str) -> Result<T, StoreError> {
    s.parse().map_err(|_| corrupt(what))
}

pub(super) fn read(f: OffenderFact) -> Result<Fact, StoreError> {
    let forms: Vec<String> =
        serde_json::from_str(&f.exploitation_forms).map_err(|_| corrupt("forms"))?;
    for form in &forms {
        parse::<ExploitationForm>(form, "form")?;
    }
    let bands: Vec<String> = serde_json::from_str(&f.sentence).map_err(|_| corrupt("sentence"))?;
    Ok(Fact {
        kind: parse(&f.kind, "kind")?,
        year: parse(&f.year, "year")?,
        quarter: f.quarter,
        forms,
        decision: f
            .decision
            .as_deref()
            .map(|d| parse(d, "decision"))
            .transpose()?,
        judgment: f
            .judgment
            .as_deref()
            .map(|j| parse(j, "judgment"))
            .transpose()?,
        instance: f
            .instance
            .as_deref()
            .map(|i| parse(i, "instance"))
            .transpose()?,
        sentence: bands
            .iter()
            .map(|b| parse(b, "band"))
            .collect::<Result<_, _>>()?,
        days: f.days_since_registration,
        suspect: f.suspect_key,
    })
}

/// The stages of the funnel: a name and which facts count a suspect in it.
/// The cells of one measure after disclosure control.
pub(super) fn publish(
    categories: &[Vec<String>],
    raw: &[RawCell],
    rules: Rules,
    measure: &str,
) -> Vec<Cell> {
    disclosure::protect(categories, raw, rules)
        .into_iter()
        .map(|p| Cell {
            keys: p.keys,
            measure: measure.to_owned(),
            value: p.value,
            suppressed: p.suppressed,
        })
        .collect()
}
