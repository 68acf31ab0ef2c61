//! The analyst's tables from the monitor's facts: counts grouped by up to three
//! dimensions, the flow matrix between agency kinds, and the overlap of agency kinds
//! per person and year.
//!
//! The statements are the store's (`schakel_store::monitor`); the filters and grouping
//! keys handed to it are assembled here only from fixed column expressions
//! ([`Dimension::sql`]) and values checked before (months, event kinds), never from
//! request text.

use crate::dims::{Dimension, Measure, PeriodRange};
use crate::disclosure::{self, ALL, RawCell, Rules};
use crate::period::Month;
use crate::table::{Cell, DEFINITIONS_VERSION, Definitions, Table};
use schakel_domain::AgencyKind;
use schakel_domain::pseudonym::is_unlinkable;
use schakel_store::monitor::{self as store, grouped};
use schakel_store::{DbConn, StoreError};
use std::collections::{BTreeMap, BTreeSet};
use unlinkable::{PersonShare, UNLINKABLE_NOTE, person_share};

/// At most this many dimensions per table.
pub const MAX_DIMENSIONS: usize = 3;

/// Why a table cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// More than [`MAX_DIMENSIONS`] dimensions, or one twice.
    #[error("at most three different dimensions")]
    TooManyDimensions,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The filter of a month range (months are checked values).
fn months(from: Month, to: Month) -> String {
    format!("month >= '{from}' AND month <= '{to}'")
}

/// Runs the groupings of every subset of `dims` (the cells and all their totals) and
/// returns the raw cells with their keys in the order of `dims`.
fn all_groupings(
    conn: &mut DbConn,
    sql_of: &[&str],
    where_: &str,
    value_of: impl Fn(&[usize]) -> String,
) -> Result<Vec<RawCell>, QueryError> {
    let n = sql_of.len();
    let mut out = Vec::new();
    for mask in 0..(1u32 << n) {
        let chosen: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
        let keys: Vec<&str> = chosen
            .iter()
            .filter_map(|i| sql_of.get(*i).copied())
            .collect();
        for row in grouped(conn, &keys, where_, &value_of(&chosen))? {
            let got = [row.k1, row.k2, row.k3];
            let mut cell_keys = vec![ALL.to_owned(); n];
            for (slot, i) in chosen.iter().enumerate() {
                if let (Some(k), Some(dst)) = (got.get(slot), cell_keys.get_mut(*i)) {
                    dst.clone_from(k);
                }
            }
            out.push(RawCell {
                keys: cell_keys,
                value: row.value,
                persons: row.persons,
            });
        }
    }
    Ok(out)
}

fn rules_notes(rules: Rules) -> Vec<String> {
    vec![
        format!(
            "A cell with fewer than {} distinct persons is suppressed (primary); so is a cell with only anonymous events below that number.",
            rules.threshold
        ),
        "Wherever a row, column or total would reveal a suppressed cell, another cell of that line is suppressed too (secondary).".into(),
        format!("Published counts are rounded down to a multiple of {}.", rules.rounding),
        "The category `all` is the total over that dimension; totals are counted directly (a person counts once in a total even when counted in several of its cells), so they need not equal the sum of the cells.".into(),
    ]
}

/// A counts table: `measure` grouped by `dims` (at most three) over `range`.
pub fn counts(
    conn: &mut DbConn,
    measure: Measure,
    dims: &[Dimension],
    range: &PeriodRange,
    rules: Rules,
) -> Result<Table, QueryError> {
    check_dimensions(dims)?;
    let mut where_ = months(range.from, range.to);
    if let Some(kind) = measure.event_kind() {
        where_.push_str(&format!(" AND kind = '{kind}'"));
    }
    let sql_of: Vec<&str> = dims.iter().map(|d| d.sql(range.grain)).collect();
    let form_at = dims.iter().position(|d| *d == Dimension::ExploitationForm);
    let raw = all_groupings(conn, &sql_of, &where_, |chosen| {
        if measure == Measure::Persons {
            "COUNT(DISTINCT pseudonym)".into()
        } else if form_at.is_some_and(|f| chosen.contains(&f)) {
            "COUNT(*)".into()
        } else {
            "COALESCE(SUM(weight), 0)".into()
        }
    })?;
    let share = if measure == Measure::Persons {
        Some(person_share(conn, &where_)?)
    } else {
        None
    };
    Ok(counts_table(measure, dims, range, rules, &raw, share))
}

/// Checks the dimensions of a counts table: at most three, none twice.
pub(crate) fn check_dimensions(dims: &[Dimension]) -> Result<(), QueryError> {
    let distinct: BTreeSet<&str> = dims.iter().map(|d| d.as_str()).collect();
    if dims.len() > MAX_DIMENSIONS || distinct.len() != dims.len() {
        return Err(QueryError::TooManyDimensions);
    }
    Ok(())
}

/// The published counts table from the raw cells of every grouping.
pub(crate) fn counts_table(
    measure: Measure,
    dims: &[Dimension],
    range: &PeriodRange,
    rules: Rules,
    raw: &[RawCell],
    share: Option<PersonShare>,
) -> Table {
    let categories: Vec<Vec<String>> = dims.iter().map(|d| d.categories(range)).collect();
    let cells = publish(&categories, raw, rules, measure.as_str());
    let mut notes = rules_notes(rules);
    if dims.contains(&Dimension::ExploitationForm) {
        notes.push("An event with several exploitation forms counts under each of them.".into());
    }
    if share.is_some() {
        notes.push(UNLINKABLE_NOTE.into());
    }
    Table {
        definitions: Definitions {
            version: DEFINITIONS_VERSION,
            table: "counts",
            unit: measure.unit().into(),
            period: period_text(range),
            threshold: rules.threshold,
            rounding: rules.rounding,
            notes,
            unlinkable_percent: share.and_then(|s| s.percent(rules.threshold)),
        },
        dimensions: dims.iter().map(|d| d.as_str().to_owned()).collect(),
        cells,
    }
}

fn period_text(range: &PeriodRange) -> String {
    let grain = match range.grain {
        crate::period::Grain::Month => "month",
        crate::period::Grain::Quarter => "quarter",
        crate::period::Grain::Year => "year",
    };
    format!(
        "{} to {} inclusive, by {grain}, of the month in which each event happened (UTC)",
        range.from, range.to
    )
}

fn publish(categories: &[Vec<String>], raw: &[RawCell], rules: Rules, measure: &str) -> Vec<Cell> {
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

mod flows;
mod hours;
mod overlap;
pub(crate) mod unlinkable;

pub(crate) use flows::{ANSWER_KINDS, Answers, flows_table};
pub use flows::{FLOW_MEASURES, flows};
pub(crate) use hours::Hours;
pub use overlap::overlap;
pub(crate) use overlap::overlap_table;
