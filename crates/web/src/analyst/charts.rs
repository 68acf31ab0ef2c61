//! The analyst's charts, drawn as SVG on the server with plotters: a heat map (rows ×
//! columns, the value written in each cell) and horizontal bars. A suppressed value is
//! never drawn as a number or a length: a heat-map cell is hatched, a bar is left out
//! and the word "suppressed" stands in its place; the legend says so.
//!
//! The SVG has presentation attributes only (no `style` attribute, no script), so it
//! passes the page policy as an image. Pure: no database, no HTTP.

use super::view::Value;
use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::{RangedCoordi64, RangedCoordusize};
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

pub(super) fn failed<E: fmt::Debug>(e: E) -> ChartError {
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

pub(super) const INK: RGBColor = RGBColor(27, 27, 31);
pub(super) const MUTED: RGBColor = RGBColor(74, 74, 85);
pub(super) const LINE: RGBColor = RGBColor(201, 204, 211);
pub(super) const ACCENT: RGBColor = RGBColor(11, 79, 138);
pub(super) const PALE: RGBColor = RGBColor(238, 243, 249);
pub(super) const FONT: &str = "sans-serif";

pub(super) fn text(size: u32, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    (FONT, size).into_font().color(&color).pos(Pos::new(h, v))
}

/// The width in pixels a label of `chars` characters needs (a generous estimate).
pub(super) fn width_of(chars: usize, size: u32) -> i32 {
    i32::try_from(chars).unwrap_or(60).min(60) * i32::try_from(size).unwrap_or(12) * 6 / 10
}

pub(super) fn svg(
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

/// The type of the bar chart's drawing context: values along x, one segment per label
/// along y.
type BarChart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordi64, SegmentedCoord<RangedCoordusize>>>;

/// The largest published value among `values`, or 0 when none is published.
fn largest_shown<'v>(values: impl IntoIterator<Item = &'v Value>) -> i64 {
    values
        .into_iter()
        .filter_map(|v| match v {
            Value::Shown(n) => Some(*n),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

/// Writes a chart's title in its top left corner.
fn draw_title(root: &DrawingArea<SVGBackend<'_>, Shift>, title: &str) -> Result<(), ChartError> {
    root.draw(&Text::new(
        title.to_owned(),
        (10, 8),
        text(15, INK, HPos::Left, VPos::Top),
    ))
    .map_err(failed)
}

/// Writes, below the title, that there is nothing to draw.
fn draw_empty(root: &DrawingArea<SVGBackend<'_>, Shift>, empty: &str) -> Result<(), ChartError> {
    root.draw(&Text::new(
        empty.to_owned(),
        (10, 40),
        text(13, MUTED, HPos::Left, VPos::Top),
    ))
    .map_err(failed)
}

/// Where a heat map's parts go: its cells, the room for the row and column names, and
/// the size of the picture.
struct HeatLayout {
    /// A cell's width and height.
    cell: (i32, i32),
    /// The left edge of the first column (the row names go before it).
    left: i32,
    /// The top edge of the first row (the title and the column names go above it).
    top: i32,
    /// The picture's width and height.
    size: (u32, u32),
}

impl HeatLayout {
    /// Room for the longest row name and the longest column name (written upwards, at
    /// most 150 px), and for at least one row and the legend below.
    fn of(rows: &[String], columns: &[String]) -> HeatLayout {
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
        HeatLayout {
            cell,
            left,
            top,
            size: (
                u32::try_from(width).unwrap_or(420),
                u32::try_from(height).unwrap_or(200),
            ),
        }
    }

    /// The top left corner of the cell in row `r`, column `c`.
    fn corner(&self, r: usize, c: usize) -> (i32, i32) {
        (
            self.left + i32::try_from(c).unwrap_or(0) * self.cell.0,
            self.top + i32::try_from(r).unwrap_or(0) * self.cell.1,
        )
    }
}

/// A heat map: `values[r][c]`, darker for more, the value written in each cell.
pub(crate) fn heat_map(
    legend: &Legend,
    rows: &[String],
    columns: &[String],
    values: &[Vec<Value>],
) -> Result<String, ChartError> {
    let layout = HeatLayout::of(rows, columns);
    let max = largest_shown(values.iter().flatten()).max(1);
    svg(layout.size, |root| {
        draw_title(root, &legend.title)?;
        if rows.is_empty() || columns.is_empty() {
            return draw_empty(root, &legend.empty);
        }
        draw_column_names(root, &layout, columns)?;
        for (r, name) in rows.iter().enumerate() {
            let row = values.get(r).map(Vec::as_slice).unwrap_or_default();
            draw_heat_row(root, &layout, r, name, row, max)?;
        }
        let (_, below) = layout.corner(rows.len(), 0);
        draw_heat_legend(root, legend, below + 14)
    })
}

/// Writes the column names upwards above their columns.
fn draw_column_names(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    layout: &HeatLayout,
    columns: &[String],
) -> Result<(), ChartError> {
    for (c, name) in columns.iter().enumerate() {
        let (x, _) = layout.corner(0, c);
        let style = text(11, INK, HPos::Left, VPos::Center).transform(FontTransform::Rotate270);
        root.draw(&Text::new(
            name.clone(),
            (x + layout.cell.0 / 2, layout.top - 6),
            style,
        ))
        .map_err(failed)?;
    }
    Ok(())
}

/// Draws row `r`: its name, then one cell per value.
fn draw_heat_row(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    layout: &HeatLayout,
    r: usize,
    name: &str,
    values: &[Value],
    max: i64,
) -> Result<(), ChartError> {
    let (_, y) = layout.corner(r, 0);
    root.draw(&Text::new(
        name.to_owned(),
        (layout.left - 8, y + layout.cell.1 / 2),
        text(12, INK, HPos::Right, VPos::Center),
    ))
    .map_err(failed)?;
    for (c, v) in values.iter().enumerate() {
        draw_heat_cell(root, layout.corner(r, c), layout.cell, v, max)?;
    }
    Ok(())
}

/// Draws one cell with its border: shaded with its value written in it, hatched if
/// suppressed, blank if empty.
fn draw_heat_cell(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    (x, y): (i32, i32),
    cell: (i32, i32),
    value: &Value,
    max: i64,
) -> Result<(), ChartError> {
    match value {
        Value::Suppressed(_) => hatch(root, (x, y), cell)?,
        Value::Shown(n) => {
            let share = (*n as f64 / max as f64).clamp(0.0, 1.0);
            root.draw(&Rectangle::new(
                [(x, y), (x + cell.0, y + cell.1)],
                shade(share).filled(),
            ))
            .map_err(failed)?;
            // Dark cells get white figures.
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
        .map_err(failed)
}

/// The colour of a cell holding `share` of the largest value: from pale to the accent.
fn shade(share: f64) -> RGBColor {
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * share).round() as u8;
    RGBColor(
        mix(PALE.0, ACCENT.0),
        mix(PALE.1, ACCENT.1),
        mix(PALE.2, ACCENT.2),
    )
}

/// Writes the legend at height `y`: a hatched sample with what it means, then the scale.
fn draw_heat_legend(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    legend: &Legend,
    y: i32,
) -> Result<(), ChartError> {
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
}

/// Horizontal bars, one per label, the value written after each bar.
pub(crate) fn bars(
    legend: &Legend,
    labels: &[String],
    values: &[Value],
) -> Result<String, ChartError> {
    let n = labels.len();
    let height = 110 + u32::try_from(n.max(1)).unwrap_or(1) * 28;
    let max = largest_shown(values);
    svg((640, height), |root| {
        if n == 0 {
            draw_title(root, &legend.title)?;
            return draw_empty(root, &legend.empty);
        }
        let (plot, foot) = root.split_vertically(height - 30);
        let mut chart = bar_axes(&plot, legend, labels, max)?;
        // The first label at the top.
        for (i, v) in values.iter().enumerate() {
            draw_bar(&mut chart, legend, n - 1 - i, v)?;
        }
        foot.draw(&Text::new(
            legend.suppressed_note.clone(),
            (10, 12),
            text(12, INK, HPos::Left, VPos::Center),
        ))
        .map_err(failed)
    })
}

/// The bar chart's frame: the title, the labels down the left (the first at the top)
/// and the value axis, reaching a fifth past the largest value.
fn bar_axes<'a, 'b>(
    plot: &'a DrawingArea<SVGBackend<'b>, Shift>,
    legend: &Legend,
    labels: &[String],
    max: i64,
) -> Result<BarChart<'a, 'b>, ChartError> {
    let n = labels.len();
    let left = labels
        .iter()
        .map(|r| width_of(r.chars().count(), 12))
        .max()
        .unwrap_or(40)
        + 20;
    let mut chart = ChartBuilder::on(plot)
        .caption(legend.title.clone(), (FONT, 15).into_font().color(&INK))
        .margin(10)
        .x_label_area_size(36)
        .y_label_area_size(u32::try_from(left).unwrap_or(120))
        .build_cartesian_2d(0i64..max + max / 5 + 1, (0..n).into_segmented())
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
    Ok(chart)
}

/// Draws the bar in segment `at`: a published value as a bar with its figure after it,
/// a suppressed one as the word alone, never as a length.
fn draw_bar(
    chart: &mut BarChart<'_, '_>,
    legend: &Legend,
    at: usize,
    value: &Value,
) -> Result<(), ChartError> {
    let mid = SegmentValue::CenterOf(at);
    match value {
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
    Ok(())
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
