//! The analyst's charts, drawn as SVG on the server with plotters: a heat map (rows ×
//! columns, the value written in each cell) and horizontal bars. A suppressed value is
//! never drawn as a number or a length: a heat-map cell is hatched, a bar is left out
//! and the word "suppressed" stands in its place; the legend says so.
//!
//! The SVG has presentation attributes only (no `style` attribute, no script), so it
//! passes the page policy as an image. Pure: no database, no HTTP.

use crate::analyst_view::Value;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::fmt;

/// A chart could not be drawn.
#[derive(Debug)]
pub(crate) struct ChartError(String);

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "chart not drawn: {}", self.0)
    }
}

fn failed<E: fmt::Debug>(e: E) -> ChartError {
    ChartError(format!("{e:?}"))
}

/// The words a chart needs, in the viewer's language.
#[derive(Debug)]
pub(crate) struct Legend {
    pub(crate) title: String,
    /// Shown in place of a suppressed value.
    pub(crate) suppressed: String,
    /// The legend line about suppressed values.
    pub(crate) suppressed_note: String,
    /// Said when there is nothing to draw.
    pub(crate) empty: String,
    /// The axis of the values (bars) or the colour scale (heat map).
    pub(crate) scale: String,
}

const INK: RGBColor = RGBColor(27, 27, 31);
const MUTED: RGBColor = RGBColor(74, 74, 85);
const LINE: RGBColor = RGBColor(201, 204, 211);
const ACCENT: RGBColor = RGBColor(11, 79, 138);
const PALE: RGBColor = RGBColor(238, 243, 249);
const FONT: &str = "sans-serif";

fn text(size: u32, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    (FONT, size).into_font().color(&color).pos(Pos::new(h, v))
}

/// The width in pixels a label of `chars` characters needs (a generous estimate).
fn width_of(chars: usize, size: u32) -> i32 {
    i32::try_from(chars).unwrap_or(60).min(60) * i32::try_from(size).unwrap_or(12) * 6 / 10
}

fn svg(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), ChartError>,
) -> Result<String, ChartError> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        draw(&root)?;
        root.present().map_err(failed)?;
    }
    Ok(out)
}

fn hatch(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    (x0, y0): (i32, i32),
    (w, h): (i32, i32),
) -> Result<(), ChartError> {
    root.draw(&Rectangle::new(
        [(x0, y0), (x0 + w, y0 + h)],
        WHITE.filled(),
    ))
    .map_err(failed)?;
    // Diagonal lines every 6 px, cut to the cell.
    let mut k = 6;
    while k < w + h {
        let (ax, ay) = (x0 + k.min(w), y0 + (k - w).max(0));
        let (bx, by) = (x0 + (k - h).max(0), y0 + k.min(h));
        root.draw(&PathElement::new(vec![(ax, ay), (bx, by)], MUTED))
            .map_err(failed)?;
        k += 6;
    }
    root.draw(&Rectangle::new([(x0, y0), (x0 + w, y0 + h)], MUTED))
        .map_err(failed)
}

/// A heat map: `values[r][c]`, darker for more, the value written in each cell.
pub(crate) fn heat_map(
    legend: &Legend,
    rows: &[String],
    columns: &[String],
    values: &[Vec<Value>],
) -> Result<String, ChartError> {
    let cell = (62i32, 26i32);
    let left = rows
        .iter()
        .map(|r| width_of(r.chars().count(), 12))
        .max()
        .unwrap_or(40)
        + 16;
    let top = 44
        + columns
            .iter()
            .map(|c| width_of(c.chars().count(), 11))
            .max()
            .unwrap_or(20)
            .min(150);
    let cols = i32::try_from(columns.len()).unwrap_or(0);
    let n = i32::try_from(rows.len()).unwrap_or(0);
    let width = (left + cols * cell.0 + 20).max(420);
    let height = top + n.max(1) * cell.1 + 64;
    let max = values
        .iter()
        .flatten()
        .filter_map(|v| match v {
            Value::Shown(n) => Some(*n),
            _ => None,
        })
        .max()
        .unwrap_or(0)
        .max(1);
    let size = (
        u32::try_from(width).unwrap_or(420),
        u32::try_from(height).unwrap_or(200),
    );
    svg(size, |root| {
        root.draw(&Text::new(
            legend.title.clone(),
            (10, 8),
            text(15, INK, HPos::Left, VPos::Top),
        ))
        .map_err(failed)?;
        if rows.is_empty() || columns.is_empty() {
            return root
                .draw(&Text::new(
                    legend.empty.clone(),
                    (10, 40),
                    text(13, MUTED, HPos::Left, VPos::Top),
                ))
                .map_err(failed);
        }
        for (c, name) in columns.iter().enumerate() {
            let x = left + i32::try_from(c).unwrap_or(0) * cell.0 + cell.0 / 2;
            let style = text(11, INK, HPos::Left, VPos::Center).transform(FontTransform::Rotate270);
            root.draw(&Text::new(name.clone(), (x, top - 6), style))
                .map_err(failed)?;
        }
        for (r, name) in rows.iter().enumerate() {
            let y = top + i32::try_from(r).unwrap_or(0) * cell.1;
            root.draw(&Text::new(
                name.clone(),
                (left - 8, y + cell.1 / 2),
                text(12, INK, HPos::Right, VPos::Center),
            ))
            .map_err(failed)?;
            for (c, v) in values.get(r).into_iter().flatten().enumerate() {
                let x = left + i32::try_from(c).unwrap_or(0) * cell.0;
                match v {
                    Value::Suppressed(_) => hatch(root, (x, y), cell)?,
                    Value::Shown(n) => {
                        let share = (*n as f64 / max as f64).clamp(0.0, 1.0);
                        let mix = |a: u8, b: u8| {
                            (f64::from(a) + (f64::from(b) - f64::from(a)) * share).round() as u8
                        };
                        let fill = RGBColor(
                            mix(PALE.0, ACCENT.0),
                            mix(PALE.1, ACCENT.1),
                            mix(PALE.2, ACCENT.2),
                        );
                        root.draw(&Rectangle::new(
                            [(x, y), (x + cell.0, y + cell.1)],
                            fill.filled(),
                        ))
                        .map_err(failed)?;
                        let ink = if share > 0.5 { WHITE } else { INK };
                        root.draw(&Text::new(
                            n.to_string(),
                            (x + cell.0 / 2, y + cell.1 / 2),
                            text(12, ink, HPos::Center, VPos::Center),
                        ))
                        .map_err(failed)?;
                    }
                    Value::Empty => {}
                }
                root.draw(&Rectangle::new([(x, y), (x + cell.0, y + cell.1)], LINE))
                    .map_err(failed)?;
            }
        }
        let y = top + n * cell.1 + 14;
        hatch(root, (10, y), (22, 14))?;
        root.draw(&Text::new(
            legend.suppressed_note.clone(),
            (40, y + 7),
            text(12, INK, HPos::Left, VPos::Center),
        ))
        .map_err(failed)?;
        root.draw(&Text::new(
            legend.scale.clone(),
            (10, y + 30),
            text(12, MUTED, HPos::Left, VPos::Center),
        ))
        .map_err(failed)
    })
}

/// Horizontal bars, one per label, the value written after each bar.
pub(crate) fn bars(
    legend: &Legend,
    labels: &[String],
    values: &[Value],
) -> Result<String, ChartError> {
    let n = labels.len();
    let left = labels
        .iter()
        .map(|r| width_of(r.chars().count(), 12))
        .max()
        .unwrap_or(40)
        + 20;
    let height = 110 + u32::try_from(n.max(1)).unwrap_or(1) * 28;
    let max = values
        .iter()
        .filter_map(|v| match v {
            Value::Shown(n) => Some(*n),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let top_of_axis = max + max / 5 + 1;
    svg((640, height), |root| {
        if n == 0 {
            root.draw(&Text::new(
                legend.title.clone(),
                (10, 8),
                text(15, INK, HPos::Left, VPos::Top),
            ))
            .map_err(failed)?;
            return root
                .draw(&Text::new(
                    legend.empty.clone(),
                    (10, 40),
                    text(13, MUTED, HPos::Left, VPos::Top),
                ))
                .map_err(failed);
        }
        let (plot, foot) = root.split_vertically(height - 30);
        let mut chart = ChartBuilder::on(&plot)
            .caption(legend.title.clone(), (FONT, 15).into_font().color(&INK))
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(u32::try_from(left).unwrap_or(120))
            .build_cartesian_2d(0i64..top_of_axis, (0..n).into_segmented())
            .map_err(failed)?;
        let name_of = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) => n
                .checked_sub(1 + *i)
                .and_then(|j| labels.get(j).cloned())
                .unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .bold_line_style(LINE)
            .axis_style(MUTED)
            .y_labels(n)
            .y_label_formatter(&name_of)
            .x_labels(6)
            .x_desc(legend.scale.clone())
            .label_style((FONT, 12).into_font().color(&INK))
            .draw()
            .map_err(failed)?;
        for (i, v) in values.iter().enumerate() {
            let at = n - 1 - i;
            let mid = SegmentValue::CenterOf(at);
            match v {
                Value::Shown(x) => {
                    let mut bar = Rectangle::new(
                        [
                            (0, SegmentValue::Exact(at)),
                            (*x, SegmentValue::Exact(at + 1)),
                        ],
                        ACCENT.filled(),
                    );
                    bar.set_margin(5, 5, 0, 0);
                    chart.draw_series(std::iter::once(bar)).map_err(failed)?;
                    chart
                        .draw_series(std::iter::once(Text::new(
                            format!(" {x}"),
                            (*x, mid),
                            text(12, INK, HPos::Left, VPos::Center),
                        )))
                        .map_err(failed)?;
                }
                Value::Suppressed(_) => {
                    chart
                        .draw_series(std::iter::once(Text::new(
                            legend.suppressed.clone(),
                            (0, mid),
                            text(12, MUTED, HPos::Left, VPos::Center),
                        )))
                        .map_err(failed)?;
                }
                Value::Empty => {}
            }
        }
        foot.draw(&Text::new(
            legend.suppressed_note.clone(),
            (10, 12),
            text(12, INK, HPos::Left, VPos::Center),
        ))
        .map_err(failed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use schakel_monitor::disclosure::Suppression;

    fn legend() -> Legend {
        Legend {
            title: "Persons".into(),
            suppressed: "suppressed".into(),
            suppressed_note: "hatched or 'suppressed': fewer than 10 persons".into(),
            empty: "nothing".into(),
            scale: "persons".into(),
        }
    }

    #[test]
    fn a_suppressed_bar_is_not_drawn_and_the_svg_has_no_style_attribute() {
        let svg = bars(
            &legend(),
            &["female".into(), "male".into()],
            &[Value::Shown(35), Value::Suppressed(Suppression::Primary)],
        )
        .unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("female") && svg.contains(" 35"));
        assert!(svg.contains("\nsuppressed\n"), "{svg}");
        assert!(!svg.contains("style=") && !svg.contains("<script"));
    }

    #[test]
    fn a_heat_map_hatches_suppressed_cells_and_writes_the_others() {
        let svg = heat_map(
            &legend(),
            &["police".into()],
            &["shelter".into(), "ngo".into()],
            &[vec![
                Value::Shown(20),
                Value::Suppressed(Suppression::Secondary),
            ]],
        )
        .unwrap();
        assert!(svg.contains("\n20\n") && svg.contains("<polyline"), "{svg}");
        assert!(!svg.contains("style="));
        let empty = heat_map(&legend(), &[], &[], &[]).unwrap();
        assert!(empty.contains("nothing"));
    }
}
