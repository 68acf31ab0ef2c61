//! The offender tables page's four sections from the tables read: for each its
//! heading and lead, the chart with its words, the table beside it, how to read it
//! (unit, period, threshold, rounding, notes, version, in the viewer's language) and
//! its CSV download. Pure: no database, no HTTP.

use super::layout::{Definitions, Link};
use super::offenders_chart;
use super::offenders_view;
use super::offenders_years::Years;
use super::view::Grid;
use crate::i18n::Texts;
use schakel_monitor::Table;
use schakel_monitor::offenders::OffenderTable;

/// One table of the page.
#[derive(Debug)]
pub(crate) struct Section {
    /// Its anchor (the table's code).
    pub(crate) id: &'static str,
    pub(crate) title: String,
    pub(crate) lead: String,
    /// The chart, drawn inline (presentation attributes only, no script); empty when it
    /// could not be drawn (the words and the table stand in).
    pub(crate) svg: String,
    pub(crate) alt: String,
    pub(crate) grid: Grid,
    pub(crate) definitions: Definitions,
    pub(crate) csv: Link,
}

/// The notes every table has, then those of `kind`.
fn note_keys(kind: OffenderTable) -> Vec<&'static str> {
    let mut keys = vec![
        "offenders_tables.note.primary",
        "analyst.note.secondary",
        "analyst.note.rounding",
        "offenders_tables.note.totals",
        "offenders_tables.note.forms",
    ];
    keys.extend(match kind {
        OffenderTable::Funnel => &["offenders_tables.note.lines"][..],
        OffenderTable::Durations => &[
            "offenders_tables.note.durations",
            "offenders_tables.note.lines",
        ][..],
        OffenderTable::Sentences => &["offenders_tables.note.sentences"][..],
        OffenderTable::Victims => &["offenders_tables.note.victims"][..],
    });
    keys.push("analyst.note.csv");
    keys
}

/// How to read the table of `kind`, in the viewer's words.
fn definitions(t: &Texts, kind: OffenderTable, table: &Table, years: Years) -> Definitions {
    let d = &table.definitions;
    let (n, r) = (d.threshold.to_string(), d.rounding.to_string());
    Definitions {
        unit: t
            .get(&format!("offenders_tables.unit.{}", kind.as_str()))
            .to_owned(),
        period: t
            .get("offenders_tables.period_text")
            .replace("{from}", &years.from.to_string())
            .replace("{to}", &years.to.to_string()),
        threshold: t.get("analyst.def.threshold_text").replace("{n}", &n),
        rounding: t.get("analyst.def.rounding_text").replace("{r}", &r),
        notes: note_keys(kind)
            .iter()
            .map(|k| t.get(k).replace("{n}", &n).replace("{r}", &r))
            .collect(),
        version: d.version.to_owned(),
        unlinkable: None,
    }
}

/// The section of `kind` from its `table`.
fn section(t: &Texts, kind: OffenderTable, table: &Table, years: Years) -> Section {
    let code = kind.as_str();
    Section {
        id: code,
        title: t
            .get(&format!("offenders_tables.section.{code}"))
            .to_owned(),
        lead: t.get(&format!("offenders_tables.lead.{code}")).to_owned(),
        // A chart that cannot be drawn leaves its words and the table.
        svg: offenders_chart::draw(t, kind, table, years).unwrap_or_default(),
        alt: offenders_chart::alt(t, kind, table, years),
        grid: offenders_view::grid(t, kind, table, years),
        definitions: definitions(t, kind, table, years),
        csv: Link {
            href: format!("/analyst/offenders/{code}.csv?{}", years.query()),
            label: t.get(&format!("offenders_tables.csv.{code}")).to_owned(),
        },
    }
}

/// The sections of the tables read, each with its kind, in the page's order.
pub(crate) fn sections(t: &Texts, years: Years, tables: &[(OffenderTable, Table)]) -> Vec<Section> {
    tables
        .iter()
        .map(|(kind, table)| section(t, *kind, table, years))
        .collect()
}
