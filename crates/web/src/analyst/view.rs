//! The analyst's published tables as the dashboard lays them out: rows and columns with
//! every category in words, and every suppressed cell named as suppressed (never a
//! number). Pure: no database, no HTTP; the charts read the same values.

use crate::i18n::Texts;
use schakel_monitor::Table;
use schakel_monitor::disclosure::{ALL, Suppression};
use schakel_monitor::table::Cell;
use std::collections::HashMap;

/// What one cell of a chart or table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Value {
    /// A published value.
    Shown(i64),
    /// Not published: too few persons, or it would reveal another cell.
    Suppressed(Suppression),
    /// Nothing to show (a median without answers).
    Empty,
}

impl Value {
    pub(crate) fn of(cell: Option<&Cell>) -> Value {
        match cell {
            Some(Cell {
                suppressed: Some(s),
                ..
            }) => Value::Suppressed(*s),
            Some(Cell { value: Some(v), .. }) => Value::Shown(*v),
            _ => Value::Empty,
        }
    }

    /// Whether it is worth a line: a non-zero value or a suppressed one.
    pub(crate) fn present(self) -> bool {
        !matches!(self, Value::Shown(0) | Value::Empty)
    }
}

/// One cell of a shown table.
#[derive(Debug)]
pub(crate) struct Shown {
    pub(crate) text: String,
    pub(crate) suppressed: bool,
    /// For a suppressed cell, the short symbol shown (its words go to screen readers,
    /// and the page's legend explains it).
    pub(crate) symbol: String,
}

/// The symbol of a cell suppressed because it counts fewer than `threshold` persons.
pub(crate) fn primary_symbol(threshold: i64) -> String {
    format!("<{threshold}")
}

/// The symbol of a cell suppressed to protect another.
pub(crate) const SECONDARY_SYMBOL: &str = "×";

/// The one legend of the suppressed cells of a page, in words.
pub(crate) fn legend(t: &Texts, threshold: i64) -> String {
    t.get("analyst.legend")
        .replace("{primary}", &primary_symbol(threshold))
        .replace("{secondary}", SECONDARY_SYMBOL)
        .replace("{n}", &threshold.to_string())
}

/// One row: its header cells, then its values.
#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) heads: Vec<String>,
    pub(crate) cells: Vec<Shown>,
}

/// A table as a page shows it.
#[derive(Debug)]
pub(crate) struct Grid {
    pub(crate) caption: String,
    /// The headers of the row-header columns.
    pub(crate) row_heads: Vec<String>,
    /// The headers of the value columns.
    pub(crate) columns: Vec<String>,
    pub(crate) rows: Vec<Row>,
}

/// The cells of a table by their keys and measure.
pub(crate) struct Lookup<'a> {
    cells: HashMap<(Vec<String>, String), &'a Cell>,
    /// The categories of each dimension in the table's order, `all` last.
    pub(crate) categories: Vec<Vec<String>>,
}

impl<'a> Lookup<'a> {
    pub(crate) fn of(table: &'a Table) -> Lookup<'a> {
        let mut categories: Vec<Vec<String>> = vec![Vec::new(); table.dimensions.len()];
        let mut cells = HashMap::new();
        for c in &table.cells {
            for (d, k) in c.keys.iter().enumerate() {
                if let Some(list) = categories.get_mut(d)
                    && !list.contains(k)
                {
                    list.push(k.clone());
                }
            }
            cells.insert((c.keys.clone(), c.measure.clone()), c);
        }
        Lookup { cells, categories }
    }

    pub(crate) fn value<S: AsRef<str>>(&self, keys: &[S], measure: &str) -> Value {
        let keys: Vec<String> = keys.iter().map(|k| k.as_ref().to_owned()).collect();
        Value::of(self.cells.get(&(keys, measure.to_owned())).copied())
    }

    /// The categories of dimension `d` without the total.
    pub(crate) fn proper(&self, d: usize) -> Vec<String> {
        self.categories
            .get(d)
            .map(|c| c.iter().filter(|k| *k != ALL).cloned().collect())
            .unwrap_or_default()
    }
}

/// A category in words: `dimension` is the table's name for it.
pub(crate) fn label(t: &Texts, dimension: &str, key: &str) -> String {
    if key == ALL {
        return t.get("analyst.total").to_owned();
    }
    match dimension {
        "exploitation_form" => t.code("form", key),
        "gender" => t.code("gender", key),
        "age_band" => t.code("age", key),
        "agency_kind" | "sender_kind" | "receiver_kind" => t.code("analyst.kind", key),
        _ => key.to_owned(),
    }
}

/// A value in words, as a table cell.
pub(crate) fn shown(t: &Texts, threshold: i64, v: Value) -> Shown {
    match v {
        Value::Shown(n) => Shown {
            text: n.to_string(),
            suppressed: false,
            symbol: String::new(),
        },
        Value::Suppressed(s) => Shown {
            text: suppressed_text(t, threshold, s),
            suppressed: true,
            symbol: match s {
                Suppression::Primary => primary_symbol(threshold),
                Suppression::Secondary => SECONDARY_SYMBOL.to_owned(),
            },
        },
        Value::Empty => Shown {
            text: t.get("analyst.no_answers").to_owned(),
            suppressed: false,
            symbol: String::new(),
        },
    }
}

/// Why a cell is not shown, in words.
pub(crate) fn suppressed_text(t: &Texts, threshold: i64, s: Suppression) -> String {
    match s {
        Suppression::Primary => t
            .get("analyst.suppressed_primary")
            .replace("{n}", &threshold.to_string()),
        Suppression::Secondary => t.get("analyst.suppressed_secondary").to_owned(),
    }
}

/// A two-dimensional counts table with the second dimension down the rows and the
/// first across (periods across, categories down); a one-dimensional one as one column.
pub(crate) fn cross(t: &Texts, table: &Table, caption: String, measure_key: &str) -> Grid {
    let l = Lookup::of(table);
    let threshold = table.definitions.threshold;
    let measure = table
        .cells
        .first()
        .map(|c| c.measure.clone())
        .unwrap_or_default();
    let dim = |d: usize| table.dimensions.get(d).cloned().unwrap_or_default();
    match table.dimensions.len() {
        2 => {
            let across = l.categories.first().cloned().unwrap_or_default();
            let down = l.categories.get(1).cloned().unwrap_or_default();
            Grid {
                caption,
                row_heads: vec![t.get(&format!("analyst.dim.{}", dim(1))).to_owned()],
                columns: across.iter().map(|k| label(t, &dim(0), k)).collect(),
                rows: down
                    .iter()
                    .map(|r| Row {
                        heads: vec![label(t, &dim(1), r)],
                        cells: across
                            .iter()
                            .map(|c| shown(t, threshold, l.value(&[c, r], &measure)))
                            .collect(),
                    })
                    .collect(),
            }
        }
        _ => {
            let down = l.categories.first().cloned().unwrap_or_default();
            Grid {
                caption,
                row_heads: vec![t.get(&format!("analyst.dim.{}", dim(0))).to_owned()],
                columns: vec![t.get(measure_key).to_owned()],
                rows: down
                    .iter()
                    .map(|r| Row {
                        heads: vec![label(t, &dim(0), r)],
                        cells: vec![shown(t, threshold, l.value(&[r], &measure))],
                    })
                    .collect(),
            }
        }
    }
}

/// The pairs of agency kinds of the flow matrix worth a line for `measures` (any value
/// not zero, or suppressed), then the total over all kinds.
pub(crate) fn flow_pairs(l: &Lookup<'_>, measures: &[&str]) -> Vec<(String, String)> {
    let (senders, receivers) = (l.proper(0), l.proper(1));
    let mut pairs = Vec::new();
    for s in &senders {
        for r in &receivers {
            if measures.iter().any(|m| l.value(&[s, r], m).present()) {
                pairs.push((s.clone(), r.clone()));
            }
        }
    }
    pairs.push((ALL.to_owned(), ALL.to_owned()));
    pairs
}

/// The flow matrix as lines: sending kind, receiving kind, then one column per measure.
pub(crate) fn flow_lines(
    t: &Texts,
    table: &Table,
    caption: String,
    measures: &[(&str, &str)],
) -> Grid {
    let l = Lookup::of(table);
    let threshold = table.definitions.threshold;
    let codes: Vec<&str> = measures.iter().map(|(m, _)| *m).collect();
    Grid {
        caption,
        row_heads: vec![
            t.get("analyst.from_kind").to_owned(),
            t.get("analyst.to_kind").to_owned(),
        ],
        columns: measures.iter().map(|(_, k)| t.get(k).to_owned()).collect(),
        rows: flow_pairs(&l, &codes)
            .iter()
            .map(|(s, r)| Row {
                heads: vec![label(t, "sender_kind", s), label(t, "receiver_kind", r)],
                cells: codes
                    .iter()
                    .map(|m| shown(t, threshold, l.value(&[s, r], m)))
                    .collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use schakel_monitor::table::{DEFINITIONS_VERSION, Definitions};

    fn cell(keys: &[&str], value: Option<i64>, suppressed: Option<Suppression>) -> Cell {
        Cell {
            keys: keys.iter().map(|k| (*k).to_owned()).collect(),
            measure: "persons".into(),
            value,
            suppressed,
        }
    }

    fn table(dimensions: &[&str], cells: Vec<Cell>) -> Table {
        Table {
            definitions: Definitions {
                version: DEFINITIONS_VERSION,
                table: "counts",
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
    fn a_suppressed_cell_is_shown_in_words_and_never_as_a_number() {
        let t = Texts { lang: Lang::En };
        let tb = table(
            &["gender"],
            vec![
                cell(&["female"], Some(15), None),
                cell(&["male"], None, Some(Suppression::Primary)),
                cell(&["all"], None, Some(Suppression::Secondary)),
            ],
        );
        let g = cross(&t, &tb, "c".into(), "analyst.measure.persons");
        let texts: Vec<_> = g.rows.iter().map(|r| r.cells[0].text.clone()).collect();
        assert_eq!(texts[0], "15");
        assert_eq!(texts[1], "suppressed (fewer than 10 persons)");
        assert!(g.rows[1].cells[0].suppressed && g.rows[2].cells[0].suppressed);
        assert_eq!(g.rows[0].heads, vec!["female".to_owned()]);
        assert_eq!(g.rows[2].heads, vec!["Total".to_owned()]);
    }

    #[test]
    fn a_two_dimensional_table_has_periods_across_and_categories_down() {
        let t = Texts { lang: Lang::Nl };
        let tb = table(
            &["period", "exploitation_form"],
            vec![
                cell(&["2026-Q1", "labour"], Some(10), None),
                cell(&["2026-Q1", "all"], Some(10), None),
                cell(&["all", "labour"], Some(10), None),
                cell(&["all", "all"], Some(10), None),
            ],
        );
        let g = cross(&t, &tb, "c".into(), "analyst.measure.persons");
        assert_eq!(g.columns, vec!["2026-Q1".to_owned(), "Totaal".to_owned()]);
        assert_eq!(g.rows.len(), 2);
        assert_eq!(g.rows[0].heads[0], "arbeidsuitbuiting");
    }
}
