//! The offender tables' charts, drawn as SVG on the server with plotters as the
//! dashboard's are (`charts`): horizontal bars, each labelled, its value written after
//! it as the viewer's language writes numbers. The funnel: its stages over the whole
//! period and all forms; the durations: the two medians per year; the sentences: the
//! convicted suspects per band over the period; the victims: the four measures over
//! the period. A suppressed value is never drawn as a length: the word stands in its
//! place, and the chart's words (its `aria-label`) name every value. Presentation
//! attributes only (no `style`, no script). Pure: no database, no HTTP.

use super::charts::{ACCENT, ChartError, INK, Legend, MUTED, failed, svg, text, width_of};
use super::numbers;
use super::offenders_view::{self as words, CONVICTED, MEDIANS, STAGES, VICTIMS};
use super::offenders_years::Years;
use super::view::{Lookup, Value};
use crate::i18n::{Lang, Texts};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use schakel_domain::SentenceBand;
use schakel_monitor::Table;
use schakel_monitor::disclosure::ALL;
use schakel_monitor::offenders::OffenderTable;

/// One bar: its label, its value, and the group it stands in (a year of the
/// durations) and its series (which median), for the gaps and the colours.
#[derive(Debug)]
pub(crate) struct Bar {
    pub(crate) label: String,
    pub(crate) value: Value,
    group: usize,
    series: usize,
}

fn bar(label: String, value: Value) -> Bar {
    Bar {
        label,
        value,
        group: 0,
        series: 0,
    }
}

const WIDTH: i32 = 680;
const ROW: i32 = 26;
const TOP: i32 = 40;
const GAP: i32 = 10;
/// The second series' colour (the first is the accent): dark enough on white.
const SECOND: RGBColor = RGBColor(150, 64, 0);

/// What the chart of `kind` draws from `table`, labelled in the viewer's words.
pub(crate) fn bars(t: &Texts, kind: OffenderTable, table: &Table, years: Years) -> Vec<Bar> {
    let l = Lookup::of(table);
    match kind {
        OffenderTable::Funnel => STAGES
            .iter()
            .map(|s| bar(words::measure(t, "stage", s), l.value(&[ALL, ALL], s)))
            .collect(),
        OffenderTable::Durations => {
            let mut out = Vec::new();
            for (group, year) in years.each().iter().enumerate() {
                for (series, m) in MEDIANS.iter().enumerate() {
                    out.push(Bar {
                        label: format!("{year}, {}", words::measure(t, "median_short", m)),
                        value: l.value(&[year.as_str(), ALL], m),
                        group,
                        series,
                    });
                }
            }
            out
        }
        OffenderTable::Sentences => SentenceBand::ALL
            .iter()
            .map(|b| {
                let value = l.value(&[ALL, b.as_str()], CONVICTED);
                bar(words::band_label(t, b.as_str()), value)
            })
            .collect(),
        OffenderTable::Victims => VICTIMS
            .iter()
            .map(|m| bar(words::measure(t, "victim", m), l.value(&[ALL], m)))
            .collect(),
    }
}

/// The chart's legend in the viewer's words.
fn legend(t: &Texts, kind: OffenderTable, threshold: i64) -> Legend {
    let k = kind.as_str();
    Legend {
        title: t.get(&format!("offenders_tables.chart.{k}")).to_owned(),
        suppressed: t.get("analyst.suppressed").to_owned(),
        suppressed_note: t
            .get("offenders_tables.legend_note")
            .replace("{n}", &threshold.to_string()),
        empty: t.get("offenders_tables.none").to_owned(),
        scale: t.get(&format!("offenders_tables.scale.{k}")).to_owned(),
    }
}

/// A value in the chart's words.
fn value_words(lang: Lang, legend: &Legend, v: Value) -> String {
    match v {
        Value::Shown(n) => numbers::count(lang, n),
        Value::Suppressed(_) => legend.suppressed.clone(),
        Value::Empty => legend.empty.clone(),
    }
}

/// The chart of `kind` as SVG.
pub(crate) fn draw(
    t: &Texts,
    kind: OffenderTable,
    table: &Table,
    years: Years,
) -> Result<String, ChartError> {
    let legend = legend(t, kind, table.definitions.threshold);
    draw_bars(t.lang, &legend, &bars(t, kind, table, years))
}

/// What the chart of `kind` shows, in words: what it is, then every bar's value.
pub(crate) fn alt(t: &Texts, kind: OffenderTable, table: &Table, years: Years) -> String {
    let legend = legend(t, kind, table.definitions.threshold);
    let items: Vec<String> = bars(t, kind, table, years)
        .iter()
        .map(|b| format!("{}: {}", b.label, value_words(t.lang, &legend, b.value)))
        .collect();
    format!(
        "{} {}. {}",
        t.get(&format!("offenders_tables.alt.{}", kind.as_str()))
            .replace("{from}", &years.from.to_string())
            .replace("{to}", &years.to.to_string()),
        items.join("; "),
        t.get("analyst.alt.table")
    )
}

/// Horizontal bars, one per line, the value after each; a gap between groups.
fn draw_bars(lang: Lang, legend: &Legend, bars: &[Bar]) -> Result<String, ChartError> {
    let left = bars
        .iter()
        .map(|b| width_of(b.label.chars().count(), 12))
        .max()
        .unwrap_or(40)
        .clamp(40, 340)
        + 16;
    let gaps = bars.windows(2).filter(|w| w[0].group != w[1].group).count();
    let lines = i32::try_from(bars.len().max(1)).unwrap_or(1);
    let height = TOP + lines * ROW + i32::try_from(gaps).unwrap_or(0) * GAP + 56;
    let max = bars
        .iter()
        .filter_map(|b| match b.value {
            Value::Shown(n) => Some(n),
            _ => None,
        })
        .max()
        .unwrap_or(0)
        .max(1);
    // Room for the figure after the longest bar.
    let room = i64::from(WIDTH - left - 80);
    let size = (
        u32::try_from(WIDTH).unwrap_or(680),
        u32::try_from(height).unwrap_or(200),
    );
    svg(size, |root| {
        root.draw(&Text::new(
            legend.title.clone(),
            (10, 8),
            text(15, INK, HPos::Left, VPos::Top),
        ))
        .map_err(failed)?;
        let mut y = TOP;
        for (i, b) in bars.iter().enumerate() {
            if i > 0 && bars[i - 1].group != b.group {
                y += GAP;
            }
            let length = match b.value {
                Value::Shown(n) => i32::try_from(n.max(0).saturating_mul(room) / max).unwrap_or(0),
                _ => 0,
            };
            draw_line(root, lang, legend, b, (left, y), length)?;
            y += ROW;
        }
        root.draw(&PathElement::new(
            vec![(left, TOP - 4), (left, y + 4)],
            MUTED,
        ))
        .map_err(failed)?;
        for (dy, words, color) in [
            (22, &legend.scale, MUTED),
            (42, &legend.suppressed_note, INK),
        ] {
            root.draw(&Text::new(
                words.clone(),
                (10, y + dy),
                text(12, color, HPos::Left, VPos::Center),
            ))
            .map_err(failed)?;
        }
        Ok(())
    })
}

/// One line at `(left, y)`: the label before the axis, then the bar of `length` with
/// its figure, or the word for a suppressed or missing value.
fn draw_line(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    lang: Lang,
    legend: &Legend,
    b: &Bar,
    (left, y): (i32, i32),
    length: i32,
) -> Result<(), ChartError> {
    let mid = y + ROW / 2;
    root.draw(&Text::new(
        b.label.clone(),
        (left - 8, mid),
        text(12, INK, HPos::Right, VPos::Center),
    ))
    .map_err(failed)?;
    if let Value::Shown(_) = b.value
        && length > 0
    {
        let color = if b.series == 0 { ACCENT } else { SECOND };
        root.draw(&Rectangle::new(
            [(left, y + 5), (left + length, y + ROW - 5)],
            color.filled(),
        ))
        .map_err(failed)?;
    }
    let (words, color) = match b.value {
        Value::Shown(_) => (value_words(lang, legend, b.value), INK),
        _ => (value_words(lang, legend, b.value), MUTED),
    };
    root.draw(&Text::new(
        words,
        (left + length + 6, mid),
        text(12, color, HPos::Left, VPos::Center),
    ))
    .map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use schakel_monitor::disclosure::Suppression;

    fn legend() -> Legend {
        Legend {
            title: "Suspects at each stage".into(),
            suppressed: "suppressed".into(),
            suppressed_note: "'suppressed': fewer than 10 persons".into(),
            empty: "none".into(),
            scale: "distinct suspects".into(),
        }
    }

    #[test]
    fn a_suppressed_bar_is_a_word_and_figures_are_in_the_viewers_language() {
        let bars = [
            bar("registered".into(), Value::Shown(1_230)),
            bar("referred".into(), Value::Suppressed(Suppression::Primary)),
            bar("decided".into(), Value::Shown(0)),
        ];
        let svg = draw_bars(Lang::Nl, &legend(), &bars).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("registered"));
        assert!(svg.contains("\n1.230\n"), "{svg}");
        assert!(svg.contains("\nsuppressed\n") && svg.contains("\n0\n"));
        assert_eq!(
            svg.matches("<rect").count(),
            2,
            "the ground and one bar: {svg}"
        );
        assert!(!svg.contains("style=") && !svg.contains("<script"));
    }

    #[test]
    fn the_durations_are_two_bars_per_year_in_two_colours() {
        let bars: Vec<Bar> = (0..2)
            .flat_map(|group| {
                (0..2).map(move |series| Bar {
                    label: format!("{group}-{series}"),
                    value: Value::Shown(100),
                    group,
                    series,
                })
            })
            .collect();
        let svg = draw_bars(Lang::En, &legend(), &bars).unwrap();
        assert_eq!(svg.matches("<rect").count(), 5);
        assert!(
            svg.contains("#964000") || svg.contains("rgb(150,64,0)"),
            "{svg}"
        );
    }
}
