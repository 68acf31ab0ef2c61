//! What the analyst's dashboard reads and draws: which monitor tables it reads (with the
//! same parameters as the API, so a CSV is the API's CSV), which charts there are with
//! their alt text, and the charts drawn from the same tables. The four panels made from
//! them are laid out in `layout`. Pure: no database, no HTTP.

use super::Period;
use super::charts::{self, ChartError, Legend};
use super::view::{self, Lookup, Value};
use crate::i18n::Texts;
use schakel_monitor::disclosure::ALL;
use schakel_monitor::query::QueryError;
use schakel_monitor::{Cube, Dimension, Grain, Measure, PeriodRange, Rules, Table};
use schakel_store::DbConn;

/// A monitor table the dashboard reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// Distinct persons by quarter and exploitation form.
    ByQuarter,
    /// The flow matrix between agency kinds.
    Flows,
    /// Distinct persons by age band.
    AgeBand,
    /// Distinct persons by gender.
    Gender,
}

impl Source {
    /// Every table, in the order of the panels.
    pub(crate) const ALL: [Source; 4] = [
        Source::ByQuarter,
        Source::Flows,
        Source::AgeBand,
        Source::Gender,
    ];

    /// Its name in a link (`/analyst/{name}.csv`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Source::ByQuarter => "persons-by-quarter",
            Source::Flows => "flows",
            Source::AgeBand => "persons-by-age-band",
            Source::Gender => "persons-by-gender",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|x| x.name() == s)
    }

    /// The audit code of its reading, the API's.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Source::Flows => "monitor.flows",
            _ => "monitor.counts",
        }
    }

    fn dims(self) -> &'static [Dimension] {
        match self {
            Source::ByQuarter => &[Dimension::Period, Dimension::ExploitationForm],
            Source::AgeBand => &[Dimension::AgeBand],
            Source::Gender => &[Dimension::Gender],
            Source::Flows => &[],
        }
    }

    /// What was asked, as the audit entry records it (the API's fields and the view).
    pub(crate) fn details(self, p: Period, view: &str) -> serde_json::Value {
        let (from, to) = (p.from.to_string(), p.to.to_string());
        match self {
            Source::Flows => serde_json::json!({ "from": from, "to": to, "view": view }),
            _ => serde_json::json!({
                "measure": Measure::Persons.as_str(),
                "by": self.dims().iter().map(|d| d.as_str()).collect::<Vec<_>>(),
                "from": from, "to": to, "view": view,
            }),
        }
    }

    /// Its table, as the API makes it (counts at the API's default grain, quarters).
    pub(crate) fn make(
        self,
        cube: &Cube,
        conn: &mut DbConn,
        p: Period,
        rules: Rules,
    ) -> Result<Table, QueryError> {
        match self {
            Source::Flows => cube.flows(conn, p.from, p.to, rules),
            _ => {
                let range = PeriodRange {
                    from: p.from,
                    to: p.to,
                    grain: Grain::Quarter,
                };
                cube.counts(conn, Measure::Persons, self.dims(), &range, rules)
            }
        }
    }
}

/// A chart of the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Chart {
    ByQuarter,
    Flows,
    AgeBand,
    Gender,
    AnswerTimes,
}

impl Chart {
    const ALL: [Chart; 5] = [
        Chart::ByQuarter,
        Chart::Flows,
        Chart::AgeBand,
        Chart::Gender,
        Chart::AnswerTimes,
    ];

    /// Its name in a link (`/analyst/charts/{name}.svg`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Chart::AnswerTimes => "answer-times",
            other => other.source().name(),
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Chart> {
        Chart::ALL.into_iter().find(|x| x.name() == s)
    }

    /// The table it is drawn from.
    pub(crate) fn source(self) -> Source {
        match self {
            Chart::ByQuarter => Source::ByQuarter,
            Chart::Flows | Chart::AnswerTimes => Source::Flows,
            Chart::AgeBand => Source::AgeBand,
            Chart::Gender => Source::Gender,
        }
    }
}

/// The data of a chart: a heat map or bars, with what its alt text says.
enum Drawn {
    Heat {
        rows: Vec<String>,
        columns: Vec<String>,
        values: Vec<Vec<Value>>,
    },
    Bars {
        labels: Vec<String>,
        values: Vec<Value>,
    },
}

impl Drawn {
    /// The highest value and where; and how many values are suppressed.
    fn summary(&self) -> (Option<(String, i64)>, usize) {
        let mut best: Option<(String, i64)> = None;
        let mut suppressed = 0;
        let mut see = |what: String, v: &Value| match v {
            Value::Shown(n) if best.as_ref().is_none_or(|b| *n > b.1) => best = Some((what, *n)),
            Value::Suppressed(_) => suppressed += 1,
            _ => {}
        };
        match self {
            Drawn::Heat {
                rows,
                columns,
                values,
            } => {
                for (r, line) in rows.iter().zip(values) {
                    for (c, v) in columns.iter().zip(line) {
                        see(format!("{r}, {c}"), v);
                    }
                }
            }
            Drawn::Bars { labels, values } => {
                for (l, v) in labels.iter().zip(values) {
                    see(l.clone(), v);
                }
            }
        }
        (best, suppressed)
    }
}

/// What `chart` draws from `table`, labelled in the viewer's language.
fn data(t: &Texts, chart: Chart, table: &Table) -> Drawn {
    let l = Lookup::of(table);
    match chart {
        Chart::ByQuarter => persons_by_quarter(t, &l),
        Chart::Flows => referrals_sent(t, &l),
        Chart::AgeBand | Chart::Gender => {
            let dim = table.dimensions.first().cloned().unwrap_or_default();
            persons_by(t, &l, &dim)
        }
        Chart::AnswerTimes => answer_times(t, &l),
    }
}

/// A heat map of persons: a row per exploitation form that has any published figure,
/// a column per quarter.
fn persons_by_quarter(t: &Texts, l: &Lookup<'_>) -> Drawn {
    let (periods, forms) = (l.proper(0), l.proper(1));
    let rows: Vec<String> = forms
        .into_iter()
        .filter(|f| {
            periods
                .iter()
                .any(|p| l.value(&[p, f], "persons").present())
        })
        .collect();
    Drawn::Heat {
        values: rows
            .iter()
            .map(|f| {
                periods
                    .iter()
                    .map(|p| l.value(&[p, f], "persons"))
                    .collect()
            })
            .collect(),
        rows: rows
            .iter()
            .map(|f| view::label(t, "exploitation_form", f))
            .collect(),
        columns: periods,
    }
}

/// A heat map of referrals sent: a row per sending kind of agency, a column per
/// receiving kind, each in the order first met; the totals left out.
fn referrals_sent(t: &Texts, l: &Lookup<'_>) -> Drawn {
    let pairs: Vec<_> = view::flow_pairs(l, &["sent"])
        .into_iter()
        .filter(|(s, _)| s != ALL)
        .collect();
    let mut senders: Vec<String> = Vec::new();
    let mut receivers: Vec<String> = Vec::new();
    for (s, r) in &pairs {
        if !senders.contains(s) {
            senders.push(s.clone());
        }
        if !receivers.contains(r) {
            receivers.push(r.clone());
        }
    }
    Drawn::Heat {
        values: senders
            .iter()
            .map(|s| receivers.iter().map(|r| l.value(&[s, r], "sent")).collect())
            .collect(),
        rows: senders
            .iter()
            .map(|s| view::label(t, "sender_kind", s))
            .collect(),
        columns: receivers
            .iter()
            .map(|r| view::label(t, "receiver_kind", r))
            .collect(),
    }
}

/// Bars of persons, one per category of the table's one dimension `dim`.
fn persons_by(t: &Texts, l: &Lookup<'_>, dim: &str) -> Drawn {
    let keys = l.proper(0);
    Drawn::Bars {
        labels: keys.iter().map(|k| view::label(t, dim, k)).collect(),
        values: keys.iter().map(|k| l.value(&[k], "persons")).collect(),
    }
}

/// Bars of the median hours to an answer, one per pair of agency kinds ("sender →
/// receiver"); the totals left out.
fn answer_times(t: &Texts, l: &Lookup<'_>) -> Drawn {
    let m = "median_hours_to_answer";
    let pairs: Vec<_> = view::flow_pairs(l, &[m])
        .into_iter()
        .filter(|(s, _)| s != ALL)
        .collect();
    Drawn::Bars {
        labels: pairs
            .iter()
            .map(|(s, r)| {
                format!(
                    "{} → {}",
                    view::label(t, "sender_kind", s),
                    view::label(t, "receiver_kind", r)
                )
            })
            .collect(),
        values: pairs.iter().map(|(s, r)| l.value(&[s, r], m)).collect(),
    }
}

fn key(chart: Chart) -> &'static str {
    match chart {
        Chart::ByQuarter => "by_quarter",
        Chart::Flows => "flows",
        Chart::AgeBand => "age_band",
        Chart::Gender => "gender",
        Chart::AnswerTimes => "answer_times",
    }
}

/// The chart as SVG.
pub(crate) fn draw(t: &Texts, chart: Chart, table: &Table) -> Result<String, ChartError> {
    let threshold = table.definitions.threshold.to_string();
    let legend = Legend {
        title: t.get(&format!("analyst.chart.{}", key(chart))).to_owned(),
        suppressed: t.get("analyst.suppressed").to_owned(),
        suppressed_note: t
            .get("analyst.legend.suppressed")
            .replace("{n}", &threshold),
        empty: t.get("analyst.alt.none").to_owned(),
        scale: t.get(&format!("analyst.scale.{}", key(chart))).to_owned(),
    };
    match data(t, chart, table) {
        Drawn::Heat {
            rows,
            columns,
            values,
        } => charts::heat_map(&legend, &rows, &columns, &values),
        Drawn::Bars { labels, values } => charts::bars(&legend, &labels, &values),
    }
}

/// What a chart shows, in words, for its `alt`.
pub(crate) fn alt(t: &Texts, chart: Chart, table: &Table, p: Period) -> String {
    let mut out = t
        .get(&format!("analyst.alt.{}", key(chart)))
        .replace("{from}", &p.from.to_string())
        .replace("{to}", &p.to.to_string());
    let (best, suppressed) = data(t, chart, table).summary();
    match best {
        Some((what, n)) if n > 0 => out.push_str(
            &t.get("analyst.alt.highest")
                .replace("{what}", &what)
                .replace("{n}", &n.to_string()),
        ),
        _ if suppressed == 0 => out.push_str(t.get("analyst.alt.none")),
        _ => {}
    }
    if suppressed > 0 {
        out.push(' ');
        out.push_str(
            &t.get("analyst.alt.suppressed")
                .replace("{k}", &suppressed.to_string()),
        );
    }
    out.push(' ');
    out.push_str(t.get("analyst.alt.table"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_read_back() {
        for s in Source::ALL {
            assert_eq!(Source::parse(s.name()), Some(s));
        }
        for c in Chart::ALL {
            assert_eq!(Chart::parse(c.name()), Some(c));
        }
        assert_eq!(Chart::parse("../etc"), None);
    }
}
