//! The offender tables as the page's tables lay them out, in the viewer's words and
//! numbers: the funnel and the durations as a line per year and form (each year's
//! total first, forms with nothing to show left out), the sentences as bands down and
//! years across, the victims as a line per year. A suppressed cell is named as
//! suppressed (never a number, never zero); a median without suspects says so. Pure:
//! no database, no HTTP; the charts read the same values through `Lookup`.

use super::numbers;
use super::offenders_years::Years;
use super::view::{self, Grid, Lookup, Row, Shown, Value};
use crate::i18n::Texts;
use schakel_domain::{ExploitationForm, SentenceBand};
use schakel_monitor::Table;
use schakel_monitor::disclosure::ALL;
use schakel_monitor::offenders::OffenderTable;

/// The funnel's stages, in order (the table's measures).
pub(crate) const STAGES: [&str; 7] = [
    "registered",
    "referred",
    "decided",
    "summoned",
    "judged",
    "convicted",
    "convicted_other",
];
/// The durations' medians (the table's measures).
pub(crate) const MEDIANS: [&str; 2] = ["median_days_to_decision", "median_days_to_judgment"];
/// The victims' measures.
pub(crate) const VICTIMS: [&str; 4] = ["identified", "linked", "prosecuted", "convicted"];
/// The sentences' one measure.
pub(crate) const CONVICTED: &str = "convicted_suspects";

/// A value as a table cell: a number as the viewer's language writes it, a suppressed
/// value in words with its symbol, nothing behind a median as "none".
pub(crate) fn cell(t: &Texts, threshold: i64, v: Value) -> Shown {
    match v {
        Value::Shown(n) => Shown {
            text: numbers::count(t.lang, n),
            suppressed: false,
            symbol: String::new(),
        },
        Value::Suppressed(_) => view::shown(t, threshold, v),
        Value::Empty => Shown {
            text: t.get("offenders_tables.none").to_owned(),
            suppressed: false,
            symbol: String::new(),
        },
    }
}

/// A measure of `group` in words: a `stage` of the funnel, a `median` of the durations
/// or a `victim` measure.
pub(crate) fn measure(t: &Texts, group: &str, code: &str) -> String {
    t.code(&format!("offenders_tables.{group}"), code)
}

/// A year in words: the total over the years is "All years".
pub(crate) fn year_label(t: &Texts, key: &str) -> String {
    match key {
        ALL => t.get("offenders_tables.all_years").to_owned(),
        year => year.to_owned(),
    }
}

/// A form of exploitation in words: the total over the forms is "All forms".
pub(crate) fn form_label(t: &Texts, key: &str) -> String {
    match key {
        ALL => t.get("offenders_tables.all_forms").to_owned(),
        form => t.code("form", form),
    }
}

/// A sentence band in words: the total over the bands is every convicted suspect once.
pub(crate) fn band_label(t: &Texts, key: &str) -> String {
    match key {
        ALL => t.get("offenders_tables.all_bands").to_owned(),
        band => t.code("sentence_band", band),
    }
}

/// The years of the table and then their total.
fn years_and_all(years: Years) -> Vec<String> {
    let mut keys = years.each();
    keys.push(ALL.to_owned());
    keys
}

/// A line per year (then the whole period): its total over the forms, then each form
/// with anything to show for one of `measures` (a value not zero, or suppressed).
fn year_form_rows(t: &Texts, table: &Table, years: Years, measures: &[&str]) -> Vec<Row> {
    let l = Lookup::of(table);
    let threshold = table.definitions.threshold;
    let mut rows = Vec::new();
    for year in years_and_all(years) {
        let forms = ExploitationForm::ALL
            .iter()
            .map(|f| f.as_str())
            .filter(|f| {
                measures
                    .iter()
                    .any(|m| l.value(&[year.as_str(), *f], m).present())
            });
        for form in std::iter::once(ALL).chain(forms) {
            rows.push(Row {
                heads: vec![year_label(t, &year), form_label(t, form)],
                cells: measures
                    .iter()
                    .map(|m| cell(t, threshold, l.value(&[year.as_str(), form], m)))
                    .collect(),
            });
        }
    }
    rows
}

/// The funnel or the durations: year and form down, the measures (of `group`) across.
fn by_year_and_form(
    t: &Texts,
    (kind, group): (&str, &str),
    table: &Table,
    years: Years,
    measures: &[&str],
) -> Grid {
    Grid {
        caption: t
            .get(&format!("offenders_tables.caption.{kind}"))
            .to_owned(),
        row_heads: vec![
            t.get("offenders_tables.dim.year").to_owned(),
            t.get("analyst.dim.exploitation_form").to_owned(),
        ],
        columns: measures.iter().map(|m| measure(t, group, m)).collect(),
        rows: year_form_rows(t, table, years, measures),
    }
}

/// The sentences: the bands (then every convicted suspect once) down, the years (then
/// all years) across.
fn sentences(t: &Texts, table: &Table, years: Years) -> Grid {
    let l = Lookup::of(table);
    let threshold = table.definitions.threshold;
    let across = years_and_all(years);
    let bands = SentenceBand::ALL
        .iter()
        .map(|b| b.as_str())
        .chain(std::iter::once(ALL));
    Grid {
        caption: t.get("offenders_tables.caption.sentences").to_owned(),
        row_heads: vec![t.get("offenders_tables.dim.sentence_band").to_owned()],
        columns: across.iter().map(|y| year_label(t, y)).collect(),
        rows: bands
            .map(|band| Row {
                heads: vec![band_label(t, band)],
                cells: across
                    .iter()
                    .map(|y| cell(t, threshold, l.value(&[y.as_str(), band], CONVICTED)))
                    .collect(),
            })
            .collect(),
    }
}

/// The victims: the years (then all years) down, the four measures across.
fn victims(t: &Texts, table: &Table, years: Years) -> Grid {
    let l = Lookup::of(table);
    let threshold = table.definitions.threshold;
    Grid {
        caption: t.get("offenders_tables.caption.victims").to_owned(),
        row_heads: vec![t.get("offenders_tables.dim.year").to_owned()],
        columns: VICTIMS.iter().map(|m| measure(t, "victim", m)).collect(),
        rows: years_and_all(years)
            .iter()
            .map(|y| Row {
                heads: vec![year_label(t, y)],
                cells: VICTIMS
                    .iter()
                    .map(|m| cell(t, threshold, l.value(&[y.as_str()], m)))
                    .collect(),
            })
            .collect(),
    }
}

/// The table of `kind` as the page shows it.
pub(crate) fn grid(t: &Texts, kind: OffenderTable, table: &Table, years: Years) -> Grid {
    match kind {
        OffenderTable::Funnel => by_year_and_form(t, ("funnel", "stage"), table, years, &STAGES),
        OffenderTable::Durations => {
            by_year_and_form(t, ("durations", "median"), table, years, &MEDIANS)
        }
        OffenderTable::Sentences => sentences(t, table, years),
        OffenderTable::Victims => victims(t, table, years),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use schakel_monitor::disclosure::Suppression;
    use schakel_monitor::table::{Cell, DEFINITIONS_VERSION, Definitions};

    fn cell_of(keys: &[&str], measure: &str, value: Option<i64>) -> Cell {
        Cell {
            keys: keys.iter().map(|k| (*k).to_owned()).collect(),
            measure: measure.to_owned(),
            value,
            suppressed: value.is_none().then_some(Suppression::Primary),
        }
    }

    fn table(dimensions: &[&str], cells: Vec<Cell>) -> Table {
        Table {
            definitions: Definitions {
                version: DEFINITIONS_VERSION,
                table: "offender_funnel",
                unit: String::new(),
                period: String::new(),
                threshold: 10,
                rounding: 5,
                notes: Vec::new(),
                unlinkable_percent: None,
            },
            dimensions: dimensions.iter().map(|d| (*d).to_owned()).collect(),
            cells,
        }
    }

    #[test]
    fn the_funnel_has_each_years_total_then_the_forms_with_something_to_show() {
        let t = Texts { lang: Lang::Nl };
        let years = Years {
            from: 2025,
            to: 2025,
        };
        let mut cells = Vec::new();
        for y in ["2025", "all"] {
            cells.push(cell_of(&[y, "all"], "registered", Some(1_230)));
            cells.push(cell_of(&[y, "sexual"], "registered", Some(1_225)));
            cells.push(cell_of(&[y, "labour"], "registered", None));
            cells.push(cell_of(&[y, "criminal"], "registered", Some(0)));
        }
        let g = grid(
            &t,
            OffenderTable::Funnel,
            &table(&["year", "exploitation_form"], cells),
            years,
        );
        let heads: Vec<_> = g.rows.iter().map(|r| r.heads.join(" / ")).collect();
        assert_eq!(
            heads,
            [
                "2025 / Alle vormen",
                "2025 / seksuele uitbuiting",
                "2025 / arbeidsuitbuiting",
                "Alle jaren / Alle vormen",
                "Alle jaren / seksuele uitbuiting",
                "Alle jaren / arbeidsuitbuiting",
            ]
        );
        assert_eq!(g.columns.len(), STAGES.len());
        assert_eq!(g.rows[0].cells[0].text, "1.230", "Dutch numbers");
        assert!(g.rows[2].cells[0].suppressed, "suppressed, not zero");
        assert_eq!(g.rows[2].cells[0].symbol, "<10");
        assert_eq!(g.rows[0].cells[1].text, "geen", "a cell the table lacks");
    }

    #[test]
    fn the_sentences_have_bands_down_and_years_across() {
        let t = Texts { lang: Lang::En };
        let years = Years {
            from: 2024,
            to: 2025,
        };
        let cells = vec![
            cell_of(&["2025", "fine"], CONVICTED, Some(15)),
            cell_of(&["all", "all"], CONVICTED, None),
        ];
        let g = grid(
            &t,
            OffenderTable::Sentences,
            &table(&["year", "sentence_band"], cells),
            years,
        );
        assert_eq!(g.columns, ["2024", "2025", "All years"]);
        assert_eq!(g.rows.len(), SentenceBand::ALL.len() + 1);
        let fine = g.rows.iter().find(|r| r.heads[0] == "fine").unwrap();
        assert_eq!(fine.cells[1].text, "15");
        let last = g.rows.last().unwrap();
        assert!(last.cells[2].suppressed);
        assert_eq!(last.cells[2].text, "suppressed (fewer than 10 persons)");
    }
}
