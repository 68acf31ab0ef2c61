//! The four panels of the analyst's dashboard from the tables read: for each its
//! heading, figures (chart image, alt text, the table beside it), definitions in the
//! viewer's language and CSV links. Pure: no database, no HTTP.

use super::Period;
use super::panels::{self, Chart, Source};
use super::view::{self, Grid};
use crate::i18n::Texts;
use schakel_monitor::Table;

/// A chart and the table beside it.
#[derive(Debug)]
pub(crate) struct Figure {
    /// The chart, drawn inline (an SVG of presentation attributes only, no script).
    pub(crate) svg: String,
    /// Its address alone, for opening it in its own tab.
    pub(crate) src: String,
    pub(crate) alt: String,
    pub(crate) grid: Grid,
}

/// A download.
#[derive(Debug)]
pub(crate) struct Link {
    pub(crate) href: String,
    pub(crate) label: String,
}

/// How to read a panel.
#[derive(Debug)]
pub(crate) struct Definitions {
    pub(crate) unit: String,
    pub(crate) period: String,
    pub(crate) threshold: String,
    pub(crate) rounding: String,
    pub(crate) notes: Vec<String>,
    pub(crate) version: String,
    /// For a table of persons: the share of unlinkable records, in words.
    pub(crate) unlinkable: Option<String>,
}

/// One panel of the dashboard.
#[derive(Debug)]
pub(crate) struct Panel {
    pub(crate) id: &'static str,
    pub(crate) title: String,
    pub(crate) figures: Vec<Figure>,
    pub(crate) definitions: Definitions,
    pub(crate) downloads: Vec<Link>,
}

fn figure(t: &Texts, chart: Chart, table: &Table, p: Period, grid: Grid) -> Figure {
    Figure {
        // A chart that cannot be drawn shows its table and text alternative only.
        svg: panels::draw(t, chart, table).unwrap_or_default(),
        src: format!("/analyst/charts/{}.svg?{}", chart.name(), p.query()),
        alt: panels::alt(t, chart, table, p),
        grid,
    }
}

fn download(t: &Texts, source: Source, p: Period) -> Link {
    Link {
        href: format!("/analyst/{}.csv?{}", source.name(), p.query()),
        label: t.get(&format!("analyst.csv.{}", source.name())).to_owned(),
    }
}

fn definitions(t: &Texts, table: &Table, p: Period, unit: &str, extra: &[&str]) -> Definitions {
    let d = &table.definitions;
    let period_key = if d.table == "flows" {
        "analyst.def.period_whole"
    } else {
        "analyst.def.period_quarters"
    };
    let mut notes: Vec<String> = [
        "analyst.note.primary",
        "analyst.note.secondary",
        "analyst.note.rounding",
        "analyst.note.totals",
    ]
    .iter()
    .chain(extra)
    .map(|k| {
        t.get(k)
            .replace("{n}", &d.threshold.to_string())
            .replace("{r}", &d.rounding.to_string())
    })
    .collect();
    notes.push(t.get("analyst.note.csv").to_owned());
    Definitions {
        unit: t.get(unit).to_owned(),
        period: t
            .get(period_key)
            .replace("{from}", &p.from.to_string())
            .replace("{to}", &p.to.to_string()),
        threshold: t
            .get("analyst.def.threshold_text")
            .replace("{n}", &d.threshold.to_string()),
        rounding: t
            .get("analyst.def.rounding_text")
            .replace("{r}", &d.rounding.to_string()),
        notes,
        version: d.version.to_owned(),
        unlinkable: (unit == "analyst.unit.persons").then(|| match d.unlinkable_percent {
            Some(n) => t
                .get("analyst.def.unlinkable_text")
                .replace("{n}", &n.to_string()),
            None => t.get("analyst.def.unlinkable_hidden").to_owned(),
        }),
    }
}

/// The panels from the tables of [`Source::ALL`], in that order.
pub(crate) fn panels(t: &Texts, p: Period, tables: &[Table]) -> Vec<Panel> {
    let [by_quarter, flows, age, gender] = tables else {
        return Vec::new();
    };
    vec![
        by_quarter_panel(t, p, by_quarter),
        flows_panel(t, p, flows),
        age_and_gender_panel(t, p, age, gender),
        answer_times_panel(t, p, flows),
    ]
}

/// A figure of persons: `chart` beside the cross table of `table` under `caption`.
fn persons_figure(t: &Texts, chart: Chart, table: &Table, p: Period, caption: &str) -> Figure {
    let grid = view::cross(
        t,
        table,
        t.get(caption).to_owned(),
        "analyst.measure.persons",
    );
    figure(t, chart, table, p, grid)
}

/// Persons by quarter: how many people were referred, quarter by quarter.
fn by_quarter_panel(t: &Texts, p: Period, by_quarter: &Table) -> Panel {
    Panel {
        id: "persons-by-quarter",
        title: t.get("analyst.panel.by_quarter").to_owned(),
        figures: vec![persons_figure(
            t,
            Chart::ByQuarter,
            by_quarter,
            p,
            "analyst.caption.by_quarter",
        )],
        definitions: definitions(
            t,
            by_quarter,
            p,
            "analyst.unit.persons",
            &["analyst.note.forms"],
        ),
        downloads: vec![download(t, Source::ByQuarter, p)],
    }
}

/// Flows between agencies: referrals sent, accepted and declined per pair.
fn flows_panel(t: &Texts, p: Period, flows: &Table) -> Panel {
    let grid = view::flow_lines(
        t,
        flows,
        t.get("analyst.caption.flows").to_owned(),
        &[
            ("sent", "analyst.measure.sent"),
            ("accepted", "analyst.measure.accepted"),
            ("declined", "analyst.measure.declined"),
        ],
    );
    Panel {
        id: "flows",
        title: t.get("analyst.panel.flows").to_owned(),
        figures: vec![figure(t, Chart::Flows, flows, p, grid)],
        definitions: definitions(t, flows, p, "analyst.unit.flows", &["analyst.note.pairs"]),
        downloads: vec![download(t, Source::Flows, p)],
    }
}

/// Persons by age band and by gender: two figures, one panel.
fn age_and_gender_panel(t: &Texts, p: Period, age: &Table, gender: &Table) -> Panel {
    Panel {
        id: "persons-by-age-and-gender",
        title: t.get("analyst.panel.age_gender").to_owned(),
        figures: vec![
            persons_figure(t, Chart::AgeBand, age, p, "analyst.caption.age_band"),
            persons_figure(t, Chart::Gender, gender, p, "analyst.caption.gender"),
        ],
        definitions: definitions(t, age, p, "analyst.unit.persons", &[]),
        downloads: vec![
            download(t, Source::AgeBand, p),
            download(t, Source::Gender, p),
        ],
    }
}

/// Answer times: the median hours from sending to an answer, per pair of agencies.
fn answer_times_panel(t: &Texts, p: Period, flows: &Table) -> Panel {
    let grid = view::flow_lines(
        t,
        flows,
        t.get("analyst.caption.answer_times").to_owned(),
        &[("median_hours_to_answer", "analyst.measure.median_hours")],
    );
    Panel {
        id: "answer-times",
        title: t.get("analyst.panel.answer_times").to_owned(),
        figures: vec![figure(t, Chart::AnswerTimes, flows, p, grid)],
        definitions: definitions(
            t,
            flows,
            p,
            "analyst.unit.answer_times",
            &["analyst.note.median", "analyst.note.pairs"],
        ),
        downloads: vec![download(t, Source::Flows, p)],
    }
}
