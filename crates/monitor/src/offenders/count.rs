//! Making the offender tables: each table's cells counted as distinct suspects (or
//! victims) per category and total, and published through disclosure control.

use super::facts::{Fact, publish, read};
use crate::disclosure::{self, ALL, RawCell, Rules};
use crate::query::QueryError;
use crate::table::{Cell, DEFINITIONS_VERSION, Definitions, Table};
use schakel_domain::{
    CourtInstance, ExploitationForm, JudgmentOutcome, OffenderEventKind, ProsecutionDecision,
    SentenceBand,
};
use schakel_store::DbConn;
use schakel_store::monitor as store;
use std::collections::{BTreeMap, BTreeSet};

/// The offender tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffenderTable {
    /// Registered, referred, decided, summoned, judged, convicted per year and form.
    Funnel,
    /// Median days from registration to decision and to judgment.
    Durations,
    /// First-instance convictions per year and sentence band.
    Sentences,
    /// Victims identified, and linked to suspects, prosecuted, convicted.
    Victims,
}

impl OffenderTable {
    /// Every table, in order.
    pub const ALL: [OffenderTable; 4] = [
        OffenderTable::Funnel,
        OffenderTable::Durations,
        OffenderTable::Sentences,
        OffenderTable::Victims,
    ];

    /// The table's code, as requests name it.
    pub fn as_str(self) -> &'static str {
        match self {
            OffenderTable::Funnel => "funnel",
            OffenderTable::Durations => "durations",
            OffenderTable::Sentences => "sentences",
            OffenderTable::Victims => "victims",
        }
    }

    /// The table named by `code`.
    pub fn parse(code: &str) -> Option<OffenderTable> {
        Self::ALL.into_iter().find(|t| t.as_str() == code)
    }
}

/// Whether a fact counts its suspect in a stage or cell.
type Counts = fn(&Fact) -> bool;

const STAGES: &[(&str, Counts)] = &[
    ("registered", |f| {
        f.kind == OffenderEventKind::SuspectRegistered
    }),
    ("referred", |f| f.kind == OffenderEventKind::SuspectReferred),
    ("decided", |f| f.decision.is_some()),
    ("summoned", |f| {
        f.decision.is_some_and(ProsecutionDecision::prosecutes)
    }),
    ("judged", first_instance),
    ("convicted", |f| {
        first_instance(f) && f.judgment == Some(JudgmentOutcome::ConvictedTrafficking)
    }),
    ("convicted_other", |f| {
        first_instance(f) && f.judgment == Some(JudgmentOutcome::ConvictedOther)
    }),
];

fn first_instance(f: &Fact) -> bool {
    f.instance == Some(CourtInstance::FirstInstance)
}

/// The offender table `table` over the years `from`..=`to`.
pub fn offender_table(
    conn: &mut DbConn,
    table: OffenderTable,
    from: u16,
    to: u16,
    rules: Rules,
) -> Result<Table, QueryError> {
    let facts: Vec<Fact> = store::offender_facts(conn)?
        .into_iter()
        .map(read)
        .collect::<Result<_, _>>()?;
    let years: Vec<String> = (from..=to).map(|y| format!("{y:04}")).collect();
    let within = |f: &Fact| f.year >= from && f.year <= to;
    let (dims, cells, unit, mut notes) = match table {
        OffenderTable::Funnel => {
            let categories = [years.clone(), form_codes()];
            let mut cells = Vec::new();
            for (name, counts) in STAGES {
                let raw = distinct(facts.iter().filter(|f| within(f) && counts(f)), |f| {
                    cross(&f.year.to_string(), &f.forms)
                });
                cells.extend(publish(&categories, &raw, rules, name));
            }
            let unit = "distinct suspects at each stage, by the year the stage was reached (registered in an investigation, handed to the prosecution, decided on, summoned, judged at first instance, convicted at first instance of trafficking or of another offence only)";
            (vec!["year", "exploitation_form"], cells, unit, Vec::new())
        }
        OffenderTable::Durations => {
            let cells = durations(&facts, &years, within, rules);
            let unit = "median whole days from a suspect's registration to the prosecution's first decision and to the first-instance judgment, by the year of that step";
            let note = "A median is shown only where at least the threshold of distinct suspects stand behind it; it is not rounded.".to_owned();
            (vec!["year", "exploitation_form"], cells, unit, vec![note])
        }
        OffenderTable::Sentences => {
            let bands: Vec<String> = SentenceBand::ALL
                .iter()
                .map(|b| b.as_str().to_owned())
                .collect();
            let convicted = |f: &&Fact| {
                within(f) && first_instance(f) && f.judgment.is_some_and(JudgmentOutcome::convicts)
            };
            let raw = distinct(facts.iter().filter(convicted), |f| {
                let codes: Vec<String> = f.sentence.iter().map(|b| b.as_str().to_owned()).collect();
                cross(&f.year.to_string(), &codes)
            });
            let cells = publish(&[years.clone(), bands], &raw, rules, "convicted_suspects");
            let unit = "distinct suspects convicted at first instance (of trafficking or of another offence), by the year of the judgment and the bands of their sentence";
            let note =
                "A suspect whose sentence has several parts counts under each of them.".to_owned();
            (vec!["year", "sentence_band"], cells, unit, vec![note])
        }
        OffenderTable::Victims => {
            let cells = super::link::victims(conn, &facts, from, to, rules)?;
            let unit = "distinct victims counted by the victims' side in each year, and of them those linked by an investigating agency to at least one suspect, to one summoned, and to one whose latest judgment convicts of trafficking (at any time up to now)";
            let note = "The column `all` counts each victim of the whole period once.".to_owned();
            (vec!["year"], cells, unit, vec![note])
        }
    };
    notes.splice(0..0, rules_notes(rules));
    Ok(Table {
        definitions: Definitions {
            version: DEFINITIONS_VERSION,
            table: match table {
                OffenderTable::Funnel => "offender_funnel",
                OffenderTable::Durations => "offender_durations",
                OffenderTable::Sentences => "offender_sentences",
                OffenderTable::Victims => "offender_victims",
            },
            unit: unit.to_owned(),
            period: format!(
                "the years {from:04} to {to:04} inclusive, by the quarter of each step"
            ),
            threshold: rules.threshold,
            rounding: rules.rounding,
            notes,
            unlinkable_percent: None,
        },
        dimensions: dims.into_iter().map(str::to_owned).collect(),
        cells,
    })
}

fn rules_notes(rules: Rules) -> Vec<String> {
    vec![
        format!("A cell standing for fewer than {} distinct persons is suppressed (primary).", rules.threshold),
        "Wherever a row, column or total would reveal a suppressed cell, another cell of that line is suppressed too (secondary).".into(),
        format!("Published counts are rounded down to a multiple of {}.", rules.rounding),
        "The category `all` is the total over that dimension, counted directly: a suspect counts once in a total even when counted in several of its cells.".into(),
        "An investigation of several exploitation forms counts its suspects under each of them.".into(),
    ]
}

fn form_codes() -> Vec<String> {
    ExploitationForm::ALL
        .iter()
        .map(|f| f.as_str().to_owned())
        .collect()
}

/// Every cell (both keys, each or `all`) a fact of `year` with `codes` counts in.
fn cross(year: &str, codes: &[String]) -> Vec<[String; 2]> {
    let mut out = Vec::new();
    for y in [year, ALL] {
        out.push([y.to_owned(), ALL.to_owned()]);
        for c in codes {
            out.push([y.to_owned(), c.clone()]);
        }
    }
    out
}

/// The raw cells of distinct suspects per cell of `cells_of`.
fn distinct<'a>(
    facts: impl Iterator<Item = &'a Fact>,
    cells_of: impl Fn(&Fact) -> Vec<[String; 2]>,
) -> Vec<RawCell> {
    let mut sets: BTreeMap<[String; 2], BTreeSet<&str>> = BTreeMap::new();
    for f in facts {
        for key in cells_of(f) {
            sets.entry(key).or_default().insert(&f.suspect);
        }
    }
    sets.into_iter()
        .map(|(keys, s)| {
            let n = i64::try_from(s.len()).unwrap_or(i64::MAX);
            RawCell {
                keys: keys.to_vec(),
                value: n,
                persons: n,
            }
        })
        .collect()
}

/// The median days to the first decision and the first-instance judgment.
fn durations(
    facts: &[Fact],
    years: &[String],
    within: impl Fn(&Fact) -> bool,
    rules: Rules,
) -> Vec<Cell> {
    let mut out = Vec::new();
    for (measure, step) in [
        (
            "median_days_to_decision",
            (|f: &Fact| f.decision.is_some()) as fn(&Fact) -> bool,
        ),
        ("median_days_to_judgment", first_instance),
    ] {
        // Each suspect's first such step (fewest days), counted in its year.
        let mut first: BTreeMap<&str, &Fact> = BTreeMap::new();
        for f in facts.iter().filter(|f| step(f) && f.days.is_some()) {
            let e = first.entry(&f.suspect).or_insert(f);
            if f.days < e.days {
                *e = f;
            }
        }
        let mut days: BTreeMap<[String; 2], Vec<i64>> = BTreeMap::new();
        for f in first.values().filter(|f| within(f)) {
            for key in cross(&f.year.to_string(), &f.forms) {
                days.entry(key).or_default().extend(f.days);
            }
        }
        let mut keys: Vec<[String; 2]> = Vec::new();
        for y in years.iter().map(String::as_str).chain([ALL]) {
            for c in form_codes().iter().map(String::as_str).chain([ALL]) {
                keys.push([y.to_owned(), c.to_owned()]);
            }
        }
        for key in keys {
            let mut d = days.remove(&key).unwrap_or_default();
            d.sort_unstable();
            let n = i64::try_from(d.len()).unwrap_or(i64::MAX);
            let shown = n > 0 && n >= rules.threshold;
            out.push(Cell {
                keys: key.to_vec(),
                measure: measure.to_owned(),
                value: shown.then(|| d.get((d.len() - 1) / 2).copied()).flatten(),
                suppressed: (n > 0 && !shown).then_some(disclosure::Suppression::Primary),
            });
        }
    }
    out
}
