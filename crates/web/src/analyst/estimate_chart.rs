//! The estimate page's chart, drawn as SVG on the server with plotters: for each year of
//! the period a pale bar of the persons registered and, over it, the estimate as a point
//! with its interval as a bar; a year without an estimate says so in words instead. The
//! axis and the figures are written in the page's language. Presentation attributes
//! only (no `style` attribute, no script), as the dashboard's charts. Pure: no database,
//! no HTTP.

use super::charts::{ACCENT, ChartError, FONT, INK, LINE, MUTED, PALE, failed, svg, text};
use super::numbers;
use crate::i18n::Lang;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// One year of the chart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct YearPoint {
    pub(crate) year: u16,
    /// Persons registered (rounded as published).
    pub(crate) registered: i64,
    /// The estimate and its interval: total, lower, upper.
    pub(crate) estimate: Option<(f64, f64, f64)>,
}

/// The words of the chart, in the page's language.
#[derive(Debug)]
pub(crate) struct Words {
    pub(crate) lang: Lang,
    pub(crate) title: String,
    pub(crate) registered: String,
    pub(crate) estimate: String,
    pub(crate) none: String,
    pub(crate) scale: String,
}

const WIDTH: u32 = 640;
const HEIGHT: u32 = 380;
/// Beyond this many years the figures are not written beside the points.
const LABELLED_YEARS: usize = 8;

/// The top of the value axis: a tenth above the highest bound or count.
fn top(points: &[YearPoint]) -> f64 {
    let highest = points
        .iter()
        .flat_map(|p| {
            let e = p.estimate.map_or(0.0, |(t, _, u)| t.max(u));
            #[allow(clippy::cast_precision_loss)]
            let r = p.registered as f64;
            [e, r]
        })
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    (highest * 1.1).max(10.0)
}

/// The chart as SVG: year `i` of the period takes the stretch from `i` to `i + 1` of the
/// horizontal axis, its bar the middle half, its estimate the middle.
pub(crate) fn draw(words: &Words, points: &[YearPoint]) -> Result<String, ChartError> {
    let n = points.len().max(1);
    let lang = words.lang;
    #[allow(clippy::cast_precision_loss)]
    let middles: Vec<f64> = (0..n).map(|i| i as f64 + 0.5).collect();
    svg((WIDTH, HEIGHT), |root| {
        let (plot, foot) = root.split_vertically(HEIGHT - 34);
        #[allow(clippy::cast_precision_loss)]
        let across = 0f64..n as f64;
        let mut chart = ChartBuilder::on(&plot)
            .caption(words.title.clone(), (FONT, 15).into_font().color(&INK))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(72)
            .build_cartesian_2d(across, 0f64..top(points))
            .map_err(failed)?;
        let value_of = |v: &f64| numbers::whole(lang, *v);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .bold_line_style(LINE)
            .axis_style(MUTED)
            // The years are written below their bars (the axis would pick its own points).
            .x_labels(0)
            .y_labels(6)
            .y_label_formatter(&value_of)
            .y_desc(words.scale.clone())
            .label_style((FONT, 12).into_font().color(&INK))
            .draw()
            .map_err(failed)?;
        for (p, mid) in points.iter().zip(&middles) {
            let (x, y) = chart.backend_coord(&(*mid, 0.0));
            root.draw(&Text::new(
                p.year.to_string(),
                (x, y + 8),
                text(12, INK, HPos::Center, VPos::Top),
            ))
            .map_err(failed)?;
            #[allow(clippy::cast_precision_loss)]
            let registered = p.registered as f64;
            // A pale bar with a darker edge, so that it stands out from the white.
            let corners = [(mid - 0.25, 0.0), (mid + 0.25, registered)];
            chart
                .draw_series([
                    Rectangle::new(corners, PALE.filled()),
                    Rectangle::new(corners, MUTED.stroke_width(1)),
                ])
                .map_err(failed)?;
            match p.estimate {
                Some((total, lower, upper)) => {
                    let style = ACCENT.stroke_width(2);
                    chart
                        .draw_series([ErrorBar::new_vertical(*mid, lower, total, upper, style, 14)])
                        .map_err(failed)?;
                    chart
                        .draw_series([Circle::new((*mid, total), 5, ACCENT.filled())])
                        .map_err(failed)?;
                    if points.len() <= LABELLED_YEARS {
                        chart
                            .draw_series([Text::new(
                                format!("  {}", numbers::whole(lang, total)),
                                (*mid, total),
                                text(12, INK, HPos::Left, VPos::Center),
                            )])
                            .map_err(failed)?;
                    }
                }
                None => {
                    chart
                        .draw_series([Text::new(
                            words.none.clone(),
                            (*mid, registered),
                            text(12, MUTED, HPos::Center, VPos::Bottom),
                        )])
                        .map_err(failed)?;
                }
            }
        }
        draw_legend(&foot, words)
    })
}

/// The legend below the plot: a pale square for the registered persons, a point with a
/// bar for the estimate and its interval.
fn draw_legend(
    foot: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    words: &Words,
) -> Result<(), ChartError> {
    foot.draw(&Rectangle::new([(14, 8), (30, 22)], PALE.filled()))
        .map_err(failed)?;
    foot.draw(&Rectangle::new([(14, 8), (30, 22)], MUTED))
        .map_err(failed)?;
    foot.draw(&Text::new(
        words.registered.clone(),
        (38, 15),
        text(12, INK, HPos::Left, VPos::Center),
    ))
    .map_err(failed)?;
    let x = 60 + super::charts::width_of(words.registered.chars().count(), 12);
    foot.draw(&PathElement::new(
        vec![(x, 6), (x, 24)],
        ACCENT.stroke_width(2),
    ))
    .map_err(failed)?;
    foot.draw(&Circle::new((x, 15), 5, ACCENT.filled()))
        .map_err(failed)?;
    foot.draw(&Text::new(
        words.estimate.clone(),
        (x + 12, 15),
        text(12, INK, HPos::Left, VPos::Center),
    ))
    .map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(lang: Lang) -> Words {
        Words {
            lang,
            title: "Estimate per year".into(),
            registered: "registered".into(),
            estimate: "estimate with its 95% interval".into(),
            none: "no estimate".into(),
            scale: "persons".into(),
        }
    }

    #[test]
    fn each_year_has_its_bar_and_its_estimate_or_says_there_is_none() {
        let svg = draw(
            &words(Lang::Nl),
            &[
                YearPoint {
                    year: 2013,
                    registered: 2740,
                    estimate: Some((11_418.0, 10_003.0, 13_010.0)),
                },
                YearPoint {
                    year: 2014,
                    registered: 15,
                    estimate: None,
                },
            ],
        )
        .unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(
            svg.contains("\n2013\n") && svg.contains("\n2014\n"),
            "{svg}"
        );
        assert!(
            svg.contains("11.418"),
            "the figure as the page's language writes it"
        );
        assert!(svg.contains("\nno estimate\n"));
        assert!(svg.contains("<circle"));
        assert!(!svg.contains("style=") && !svg.contains("<script"));
    }

    #[test]
    fn an_empty_period_is_still_drawn() {
        let svg = draw(&words(Lang::En), &[]).unwrap();
        assert!(svg.contains("Estimate per year"));
    }
}
