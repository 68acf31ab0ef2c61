//! Statistical disclosure control for the monitor's published tables.
//!
//! The National Rapporteur's analysts see counts of trafficking victims. A published
//! number must never reveal one person, so every table passes through [`protect`]
//! before it leaves the monitor.
//!
//! The input is a complete *extended* table: one to three dimensions, each with its
//! categories plus the margin category [`ALL`] ("total over this dimension"). The caller
//! gives the raw value and the number of distinct persons of every non-zero cell,
//! margins included: distinct persons are not additive, so only the caller can count
//! them. Cells the caller leaves out are zero.
//!
//! The rules, applied in this order:
//!
//! 1. **Primary suppression.** A cell standing for at least one but fewer than
//!    [`Rules::threshold`] persons is suppressed. A cell of anonymous events only
//!    (no persons, value above zero) is suppressed too when its value is under the
//!    threshold: without persons we cannot show it is safe. A true zero is published.
//! 2. **Secondary suppression.** A *line* is the set of cells that differ only in one
//!    dimension: its categories plus its total (the [`ALL`] cell of that dimension).
//!    If exactly one member of a line is suppressed, it can be recovered by subtraction
//!    (total minus the others, or the sum of the cells for a suppressed total). So one
//!    more member is suppressed: the published one with the fewest persons among those
//!    with a value above zero (ties: smaller value, then first in order), or else the
//!    first published zero. This repeats over all lines until nothing changes; then no
//!    line has exactly one suppressed member.
//! 3. **Rounding.** Published values are rounded down to a multiple of
//!    [`Rules::rounding`], which blurs the difference between two publications.
//!
//! [`protect`] never panics: a rounding of zero or less means exact values, a threshold
//! of zero or less means nothing is primary, a dimension without categories has only its
//! [`ALL`] cell, and zero dimensions give a single cell (the grand total).

use std::collections::HashMap;

use serde::Serialize;

/// The rules of disclosure control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// The fewest distinct persons a published cell may stand for; a cell with fewer
    /// (but at least one) is suppressed. Zero or less: nothing is suppressed as primary.
    pub threshold: i64,
    /// Published values are rounded down to a multiple of this. One (or zero or less):
    /// exact values.
    pub rounding: i64,
}

impl Default for Rules {
    /// A threshold of 10 persons and rounding down to multiples of 5.
    fn default() -> Self {
        Self {
            threshold: 10,
            rounding: 5,
        }
    }
}

/// The margin category of every dimension: the total over that dimension.
pub const ALL: &str = "all";

/// One cell of the extended table as the caller counted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCell {
    /// One category (or [`ALL`]) per dimension, in the order of the dimensions.
    pub keys: Vec<String>,
    /// The raw count (events, referrals, ...).
    pub value: i64,
    /// The number of distinct persons behind `value`.
    pub persons: i64,
}

/// Why a cell is not published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Suppression {
    /// The cell itself stands for too few persons.
    Primary,
    /// The cell is safe, but publishing it would let a total reveal a suppressed cell.
    Secondary,
}

/// One cell of the extended table as it may be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedCell {
    /// One category (or [`ALL`]) per dimension, in the order of the dimensions.
    pub keys: Vec<String>,
    /// The rounded value; `None` when the cell is suppressed.
    pub value: Option<i64>,
    /// Why the cell is suppressed; `None` when it is published.
    pub suppressed: Option<Suppression>,
}

/// Applies the disclosure-control rules (see the module documentation) to a table.
///
/// `categories[d]` holds the categories of dimension `d` without [`ALL`]; their order is
/// kept (a repeated category, or one named [`ALL`], is ignored). `cells` gives the
/// non-zero cells of the extended table; cells whose keys are not in the grid are
/// ignored, and of cells with the same keys the first one counts.
///
/// The result has one cell for every position of the extended grid, in row-major
/// order over the dimensions (the last dimension varies fastest), with the categories
/// in the given order and [`ALL`] last. Should the grid be too large to address, the
/// result is empty: nothing is published rather than something unprotected.
pub fn protect(categories: &[Vec<String>], cells: &[RawCell], rules: Rules) -> Vec<PublishedCell> {
    let Some(mut grid) = Grid::new(categories) else {
        return Vec::new();
    };
    grid.fill(cells);
    grid.suppress_primary(rules.threshold);
    grid.suppress_secondary();
    grid.publish(rules.rounding)
}

/// The extended table as a flat row-major array.
#[derive(Debug)]
struct Grid {
    /// `labels[d]`: the categories of dimension `d`, followed by [`ALL`].
    labels: Vec<Vec<String>>,
    /// `strides[d]`: the distance in `cells` between neighbours along dimension `d`.
    strides: Vec<usize>,
    cells: Vec<Cell>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    value: i64,
    persons: i64,
    /// Whether the caller gave this cell (the first given one counts).
    given: bool,
    suppressed: Option<Suppression>,
}

impl Grid {
    /// An all-zero grid; `None` when its size does not fit in a `usize`.
    fn new(categories: &[Vec<String>]) -> Option<Self> {
        let labels: Vec<Vec<String>> = categories.iter().map(|c| dimension_labels(c)).collect();
        let mut strides = Vec::with_capacity(labels.len());
        let mut len: usize = 1;
        for dimension in labels.iter().rev() {
            strides.push(len);
            len = len.checked_mul(dimension.len())?;
        }
        strides.reverse();
        Some(Self {
            labels,
            strides,
            cells: vec![Cell::default(); len],
        })
    }

    /// Puts the caller's cells at their positions; the rest stays zero.
    fn fill(&mut self, raw: &[RawCell]) {
        let lookup: Vec<HashMap<&str, usize>> = self
            .labels
            .iter()
            .map(|labels| {
                labels
                    .iter()
                    .enumerate()
                    .map(|(index, label)| (label.as_str(), index))
                    .collect()
            })
            .collect();
        for given in raw {
            let Some(position) = position(&lookup, &self.strides, &given.keys) else {
                continue;
            };
            if let Some(cell) = self.cells.get_mut(position)
                && !cell.given
            {
                cell.value = given.value;
                cell.persons = given.persons;
                cell.given = true;
            }
        }
    }

    fn suppress_primary(&mut self, threshold: i64) {
        for cell in &mut self.cells {
            if is_primary(cell.value, cell.persons, threshold) {
                cell.suppressed = Some(Suppression::Primary);
            }
        }
    }

    fn suppress_secondary(&mut self) {
        let lines = self.lines();
        // Every round that changes something suppresses at least one more cell, and
        // nothing is ever published again, so this ends after at most `cells.len()`
        // rounds.
        while self.complete_lines(&lines) {}
    }

    /// Every line of the grid, as the positions of its members (categories, then total).
    fn lines(&self) -> Vec<Vec<usize>> {
        let mut lines = Vec::new();
        for (labels, &stride) in self.labels.iter().zip(&self.strides) {
            let size = labels.len();
            // A dimension without categories has lines of one member, its total with
            // nothing to add up to it: there is no sum to undo, and no partner to pick.
            if size < 2 {
                continue;
            }
            for start in 0..self.cells.len() {
                if coordinate(start, stride, size) == 0 {
                    lines.push((0..size).map(|k| start + k * stride).collect());
                }
            }
        }
        lines
    }

    /// One round over all lines: gives every line with exactly one suppressed member a
    /// second one. Returns whether anything changed.
    fn complete_lines(&mut self, lines: &[Vec<usize>]) -> bool {
        let mut changed = false;
        for line in lines {
            if self.suppressed_in(line) != 1 {
                continue;
            }
            let partner = self.partner(line);
            if let Some(cell) = partner.and_then(|p| self.cells.get_mut(p)) {
                cell.suppressed = Some(Suppression::Secondary);
                changed = true;
            }
        }
        changed
    }

    fn suppressed_in(&self, line: &[usize]) -> usize {
        line.iter()
            .filter_map(|&p| self.cells.get(p))
            .filter(|cell| cell.suppressed.is_some())
            .count()
    }

    /// The published member of a line to suppress as well: the one that gives away the
    /// least (fewest persons, then smallest value, then first), preferring non-zero
    /// cells because suppressing a zero hides nothing a reader could not guess.
    fn partner(&self, line: &[usize]) -> Option<usize> {
        let published: Vec<(usize, &Cell)> = line
            .iter()
            .filter_map(|&p| self.cells.get(p).map(|cell| (p, cell)))
            .filter(|(_, cell)| cell.suppressed.is_none())
            .collect();
        published
            .iter()
            .filter(|(_, cell)| cell.value > 0)
            // `min_by_key` returns the first of equal minima: "then first in order".
            .min_by_key(|(_, cell)| (cell.persons, cell.value))
            .or_else(|| published.first())
            .map(|&(p, _)| p)
    }

    fn publish(&self, rounding: i64) -> Vec<PublishedCell> {
        self.cells
            .iter()
            .enumerate()
            .map(|(p, cell)| PublishedCell {
                keys: self.keys(p),
                value: match cell.suppressed {
                    Some(_) => None,
                    None => Some(round_down(cell.value, rounding)),
                },
                suppressed: cell.suppressed,
            })
            .collect()
    }

    fn keys(&self, position: usize) -> Vec<String> {
        self.labels
            .iter()
            .zip(&self.strides)
            .filter_map(|(labels, &stride)| {
                labels
                    .get(coordinate(position, stride, labels.len()))
                    .cloned()
            })
            .collect()
    }
}

/// The labels of one dimension: its distinct categories in the given order, then
/// [`ALL`]. A category named [`ALL`] would make the margin ambiguous, so it is dropped.
fn dimension_labels(categories: &[String]) -> Vec<String> {
    let mut labels: Vec<String> = Vec::with_capacity(categories.len() + 1);
    for category in categories {
        if category != ALL && !labels.contains(category) {
            labels.push(category.clone());
        }
    }
    labels.push(ALL.to_owned());
    labels
}

/// The flat position of a cell, or `None` when its keys are not in the grid.
fn position(lookup: &[HashMap<&str, usize>], strides: &[usize], keys: &[String]) -> Option<usize> {
    if keys.len() != lookup.len() {
        return None;
    }
    keys.iter()
        .zip(lookup)
        .zip(strides)
        .try_fold(0, |position, ((key, labels), stride)| {
            labels
                .get(key.as_str())
                .map(|index| position + index * stride)
        })
}

/// The index along one dimension of a flat position. `stride` and `size` are at least
/// one by construction (every dimension has its [`ALL`] label), so this cannot divide
/// by zero.
fn coordinate(position: usize, stride: usize, size: usize) -> usize {
    (position / stride.max(1)) % size.max(1)
}

/// Rule 1. Persons decide when there are any; anonymous events are judged by their
/// value, conservatively, since we cannot show they stand for enough people.
fn is_primary(value: i64, persons: i64, threshold: i64) -> bool {
    if persons > 0 {
        persons < threshold
    } else {
        value > 0 && value < threshold
    }
}

/// Rule 3: rounds down to a multiple of `rounding` (at least one).
fn round_down(value: i64, rounding: i64) -> i64 {
    let step = rounding.max(1);
    // Only a value within `step` of `i64::MIN` cannot be rounded down; round it
    // towards zero instead (meaningless input, but no panic).
    value
        .checked_sub(value.rem_euclid(step))
        .unwrap_or(value - value % step)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    fn categories(dimensions: &[&[&str]]) -> Vec<Vec<String>> {
        dimensions.iter().map(|d| strings(d)).collect()
    }

    fn raw(keys: &[&str], value: i64, persons: i64) -> RawCell {
        RawCell {
            keys: strings(keys),
            value,
            persons,
        }
    }

    fn exact(threshold: i64) -> Rules {
        Rules {
            threshold,
            rounding: 1,
        }
    }

    fn cell<'a>(published: &'a [PublishedCell], keys: &[&str]) -> &'a PublishedCell {
        let keys = strings(keys);
        published
            .iter()
            .find(|c| c.keys == keys)
            .unwrap_or_else(|| panic!("no cell {keys:?}"))
    }

    fn shown(value: i64) -> (Option<i64>, Option<Suppression>) {
        (Some(value), None)
    }

    fn hidden(why: Suppression) -> (Option<i64>, Option<Suppression>) {
        (None, Some(why))
    }

    fn outcome(published: &[PublishedCell], keys: &[&str]) -> (Option<i64>, Option<Suppression>) {
        let c = cell(published, keys);
        (c.value, c.suppressed)
    }

    #[test]
    fn the_default_rules_are_a_threshold_of_ten_and_rounding_to_five() {
        assert_eq!(
            Rules::default(),
            Rules {
                threshold: 10,
                rounding: 5
            }
        );
    }

    #[test]
    fn a_small_category_is_suppressed_with_the_next_smallest_one_in_a_single_dimension() {
        // Sexual 25, labour 3, criminal 12: total 40. Labour is under 10 persons, so it
        // goes (primary); with only labour hidden, 40 - 25 - 12 would give it away, so
        // the smallest other category, criminal (12), goes too (secondary).
        let published = protect(
            &categories(&[&["sexual", "labour", "criminal"]]),
            &[
                raw(&["sexual"], 25, 25),
                raw(&["labour"], 3, 3),
                raw(&["criminal"], 12, 12),
                raw(&["all"], 40, 40),
            ],
            exact(10),
        );
        assert_eq!(outcome(&published, &["sexual"]), shown(25));
        assert_eq!(
            outcome(&published, &["labour"]),
            hidden(Suppression::Primary)
        );
        assert_eq!(
            outcome(&published, &["criminal"]),
            hidden(Suppression::Secondary)
        );
        assert_eq!(outcome(&published, &["all"]), shown(40));
    }

    #[test]
    fn a_small_cell_is_suppressed_with_a_second_one_in_its_row_and_column() {
        //            sexual  labour  criminal |  all
        //   north        20       4        15 |   39
        //   south        30      12        25 |   67
        //   all          50      16        40 |  106
        //
        // north/labour (4) is primary. Its column then needs a second cell: south/labour.
        // Its row needs one: north/criminal (15 < 20). Now the south row has only
        // south/labour hidden, so its smallest other cell south/criminal goes as well,
        // which completes the criminal column. Totals stay published.
        let published = protect(
            &categories(&[&["north", "south"], &["sexual", "labour", "criminal"]]),
            &[
                raw(&["north", "sexual"], 20, 20),
                raw(&["north", "labour"], 4, 4),
                raw(&["north", "criminal"], 15, 15),
                raw(&["north", "all"], 39, 39),
                raw(&["south", "sexual"], 30, 30),
                raw(&["south", "labour"], 12, 12),
                raw(&["south", "criminal"], 25, 25),
                raw(&["south", "all"], 67, 67),
                raw(&["all", "sexual"], 50, 50),
                raw(&["all", "labour"], 16, 16),
                raw(&["all", "criminal"], 40, 40),
                raw(&["all", "all"], 106, 106),
            ],
            exact(10),
        );
        let primary = hidden(Suppression::Primary);
        let secondary = hidden(Suppression::Secondary);
        assert_eq!(outcome(&published, &["north", "labour"]), primary);
        assert_eq!(outcome(&published, &["south", "labour"]), secondary);
        assert_eq!(outcome(&published, &["north", "criminal"]), secondary);
        assert_eq!(outcome(&published, &["south", "criminal"]), secondary);
        assert_eq!(outcome(&published, &["north", "sexual"]), shown(20));
        assert_eq!(outcome(&published, &["south", "sexual"]), shown(30));
        assert_eq!(outcome(&published, &["north", "all"]), shown(39));
        assert_eq!(outcome(&published, &["south", "all"]), shown(67));
        assert_eq!(outcome(&published, &["all", "sexual"]), shown(50));
        assert_eq!(outcome(&published, &["all", "labour"]), shown(16));
        assert_eq!(outcome(&published, &["all", "criminal"]), shown(40));
        assert_eq!(outcome(&published, &["all", "all"]), shown(106));
    }

    #[test]
    fn the_cells_come_out_row_major_with_all_last_in_each_dimension() {
        let published = protect(
            &categories(&[&["north", "south"], &["sexual", "labour"]]),
            &[],
            Rules::default(),
        );
        let keys: Vec<Vec<String>> = published.into_iter().map(|c| c.keys).collect();
        let expected: Vec<Vec<String>> = [
            ["north", "sexual"],
            ["north", "labour"],
            ["north", "all"],
            ["south", "sexual"],
            ["south", "labour"],
            ["south", "all"],
            ["all", "sexual"],
            ["all", "labour"],
            ["all", "all"],
        ]
        .iter()
        .map(|k| strings(k))
        .collect();
        assert_eq!(keys, expected);
    }

    #[test]
    fn published_values_are_rounded_down_to_the_rounding_base() {
        // 37 -> 35, 10 stays 10, 14 -> 10, total 61 -> 60.
        let published = protect(
            &categories(&[&["a", "b", "c"]]),
            &[
                raw(&["a"], 37, 37),
                raw(&["b"], 10, 10),
                raw(&["c"], 14, 14),
                raw(&["all"], 61, 61),
            ],
            Rules {
                threshold: 10,
                rounding: 5,
            },
        );
        assert_eq!(outcome(&published, &["a"]), shown(35));
        assert_eq!(outcome(&published, &["b"]), shown(10));
        assert_eq!(outcome(&published, &["c"]), shown(10));
        assert_eq!(outcome(&published, &["all"]), shown(60));
    }

    #[test]
    fn a_cell_the_caller_leaves_out_is_published_as_zero() {
        let published = protect(
            &categories(&[&["a", "b", "c"]]),
            &[
                raw(&["a"], 20, 20),
                raw(&["c"], 15, 15),
                raw(&["all"], 35, 35),
            ],
            exact(10),
        );
        assert_eq!(outcome(&published, &["b"]), shown(0));
        assert_eq!(outcome(&published, &["a"]), shown(20));
        assert_eq!(outcome(&published, &["c"]), shown(15));
        assert_eq!(outcome(&published, &["all"]), shown(35));
    }

    #[test]
    fn when_every_member_of_a_line_is_small_all_are_primary_and_nothing_more_is_hidden() {
        // a: 5, b: 3, total 8: all three under 10, so the line already has three
        // suppressed members and nothing is added.
        let published = protect(
            &categories(&[&["a", "b"]]),
            &[raw(&["a"], 5, 5), raw(&["b"], 3, 3), raw(&["all"], 8, 8)],
            exact(10),
        );
        assert!(
            published
                .iter()
                .all(|c| c.suppressed == Some(Suppression::Primary))
        );
    }

    #[test]
    fn a_small_total_is_suppressed_together_with_a_category_that_would_give_it_away() {
        // Distinct persons are not additive: 12 and 11 persons, but only 9 in total
        // (people counted in both). The total is primary; publishing both categories
        // would give it away as their sum, so the smaller one goes too.
        let published = protect(
            &categories(&[&["a", "b"]]),
            &[
                raw(&["a"], 12, 12),
                raw(&["b"], 11, 11),
                raw(&["all"], 23, 9),
            ],
            exact(10),
        );
        assert_eq!(outcome(&published, &["all"]), hidden(Suppression::Primary));
        assert_eq!(outcome(&published, &["b"]), hidden(Suppression::Secondary));
        assert_eq!(outcome(&published, &["a"]), shown(12));
    }

    #[test]
    fn anonymous_events_under_the_threshold_are_suppressed_as_primary() {
        let published = protect(
            &categories(&[&["a", "b"]]),
            &[
                raw(&["a"], 3, 0),
                raw(&["b"], 30, 30),
                raw(&["all"], 33, 30),
            ],
            exact(10),
        );
        assert_eq!(outcome(&published, &["a"]), hidden(Suppression::Primary));
        // The only other category with a value is b; the total (30 persons) ties with
        // it on persons, and b has the smaller value.
        assert_eq!(outcome(&published, &["b"]), hidden(Suppression::Secondary));
        assert_eq!(outcome(&published, &["all"]), shown(33));
    }

    #[test]
    fn a_zero_is_suppressed_only_when_no_published_member_has_a_value() {
        // Deliberately inconsistent input (the total left out) to reach the last resort.
        let published = protect(
            &categories(&[&["a", "b", "c"]]),
            &[raw(&["a"], 3, 3)],
            exact(10),
        );
        assert_eq!(outcome(&published, &["a"]), hidden(Suppression::Primary));
        assert_eq!(outcome(&published, &["b"]), hidden(Suppression::Secondary));
        assert_eq!(outcome(&published, &["c"]), shown(0));
        assert_eq!(outcome(&published, &["all"]), shown(0));
    }

    #[test]
    fn without_dimensions_the_grand_total_is_the_only_cell() {
        let small = protect(&[], &[raw(&[], 4, 4)], Rules::default());
        assert_eq!(
            small,
            vec![PublishedCell {
                keys: vec![],
                value: None,
                suppressed: Some(Suppression::Primary)
            }]
        );
        let large = protect(&[], &[raw(&[], 42, 40)], Rules::default());
        assert_eq!(outcome(&large, &[]), shown(40));
    }

    #[test]
    fn a_dimension_without_categories_has_only_its_total() {
        let published = protect(
            &categories(&[&["a", "b"], &[]]),
            &[
                raw(&["a", "all"], 20, 20),
                raw(&["b", "all"], 4, 4),
                raw(&["all", "all"], 24, 24),
            ],
            exact(10),
        );
        assert_eq!(published.len(), 3);
        assert_eq!(
            outcome(&published, &["a", "all"]),
            hidden(Suppression::Secondary)
        );
        assert_eq!(
            outcome(&published, &["b", "all"]),
            hidden(Suppression::Primary)
        );
        assert_eq!(outcome(&published, &["all", "all"]), shown(24));
    }

    #[test]
    fn rounding_of_zero_or_less_publishes_exact_values() {
        for rounding in [0, -5] {
            let published = protect(
                &categories(&[&["a"]]),
                &[raw(&["a"], 37, 37), raw(&["all"], 37, 37)],
                Rules {
                    threshold: 10,
                    rounding,
                },
            );
            assert_eq!(outcome(&published, &["a"]), shown(37));
        }
    }

    #[test]
    fn a_threshold_of_zero_or_less_suppresses_nothing() {
        for threshold in [0, -1] {
            let published = protect(
                &categories(&[&["a", "b"]]),
                &[raw(&["a"], 1, 1), raw(&["b"], 2, 0), raw(&["all"], 3, 1)],
                exact(threshold),
            );
            assert!(published.iter().all(|c| c.suppressed.is_none()));
        }
    }

    #[test]
    fn cells_with_keys_outside_the_grid_are_ignored() {
        let published = protect(
            &categories(&[&["a"]]),
            &[
                raw(&["a"], 20, 20),
                raw(&["all"], 20, 20),
                raw(&["z"], 3, 3),
                raw(&["a", "all"], 3, 3),
                raw(&[], 3, 3),
            ],
            exact(10),
        );
        assert_eq!(published.len(), 2);
        assert!(published.iter().all(|c| c.value == Some(20)));
    }

    #[test]
    fn repeated_categories_and_a_category_named_all_are_ignored() {
        let published = protect(
            &categories(&[&["a", "all", "a", "b"]]),
            &[],
            Rules::default(),
        );
        let keys: Vec<Vec<String>> = published.into_iter().map(|c| c.keys).collect();
        assert_eq!(
            keys,
            vec![strings(&["a"]), strings(&["b"]), strings(&["all"])]
        );
    }

    // ---- property test over random tables ----

    /// A random base table: the number of categories per dimension, and per base cell
    /// (row-major) its persons, extra value and whether a cell without persons is zero.
    type Table = (Vec<usize>, Vec<(i64, i64, bool)>, i64, i64);

    fn tables() -> impl Strategy<Value = Table> {
        (
            proptest::collection::vec(1usize..=5, 1..=3),
            5i64..=15,
            prop_oneof![Just(1i64), Just(5i64)],
        )
            .prop_flat_map(|(counts, threshold, rounding)| {
                let cells = counts.iter().product::<usize>();
                (
                    Just(counts),
                    proptest::collection::vec((0i64..40, 0i64..20, any::<bool>()), cells),
                    Just(threshold),
                    Just(rounding),
                )
            })
    }

    /// Every combination of one label per dimension, row-major.
    fn product(labels: &[Vec<String>]) -> Vec<Vec<String>> {
        labels.iter().fold(vec![vec![]], |prefixes, dimension| {
            prefixes
                .iter()
                .flat_map(|prefix| {
                    dimension.iter().map(move |label| {
                        let mut keys = prefix.clone();
                        keys.push(label.clone());
                        keys
                    })
                })
                .collect()
        })
    }

    /// The raw (value, persons) of every extended cell: margins summed from base cells.
    fn extended(
        categories: &[Vec<String>],
        base: &[(i64, i64, bool)],
    ) -> HashMap<Vec<String>, (i64, i64)> {
        let base: Vec<(Vec<String>, i64, i64)> = product(categories)
            .into_iter()
            .zip(base)
            .map(|(keys, &(persons, extra, zero))| {
                let value = if persons == 0 && zero {
                    0
                } else {
                    persons + extra
                };
                (keys, value, persons)
            })
            .collect();
        let with_all: Vec<Vec<String>> = categories
            .iter()
            .map(|c| c.iter().cloned().chain([ALL.to_owned()]).collect())
            .collect();
        product(&with_all)
            .into_iter()
            .map(|keys| {
                let (value, persons) = base
                    .iter()
                    .filter(|(base_keys, _, _)| {
                        keys.iter().zip(base_keys).all(|(k, b)| k == ALL || k == b)
                    })
                    .fold((0, 0), |(v, p), (_, value, persons)| {
                        (v + value, p + persons)
                    });
                (keys, (value, persons))
            })
            .collect()
    }

    proptest! {
        #[test]
        fn random_tables_never_reveal_a_small_cell(
            (counts, base, threshold, rounding) in tables()
        ) {
            let categories: Vec<Vec<String>> = counts
                .iter()
                .enumerate()
                .map(|(d, &n)| (0..n).map(|c| format!("d{d}c{c}")).collect())
                .collect();
            let raw_cells = extended(&categories, &base);
            // The caller leaves zero cells out.
            let input: Vec<RawCell> = raw_cells
                .iter()
                .filter(|(_, raw)| **raw != (0, 0))
                .map(|(keys, &(value, persons))| RawCell { keys: keys.clone(), value, persons })
                .collect();
            let published = protect(&categories, &input, Rules { threshold, rounding });

            // (d) exactly one cell per grid position, in row-major order.
            let labels: Vec<Vec<String>> = categories
                .iter()
                .map(|c| c.iter().cloned().chain([ALL.to_owned()]).collect())
                .collect();
            let grid = product(&labels);
            let keys: Vec<&Vec<String>> = published.iter().map(|c| &c.keys).collect();
            prop_assert_eq!(keys, grid.iter().collect::<Vec<_>>());

            let by_keys: HashMap<&Vec<String>, &PublishedCell> =
                published.iter().map(|c| (&c.keys, c)).collect();
            for cell in &published {
                let &(value, persons) = raw_cells.get(&cell.keys).unwrap();
                // Suppressed cells carry no value, published ones do.
                prop_assert_eq!(cell.value.is_none(), cell.suppressed.is_some());
                if let Some(shown) = cell.value {
                    // (a) no published cell stands for too few persons (or, without
                    // persons, too small a value).
                    prop_assert!(!(persons > 0 && persons < threshold), "{:?}", cell);
                    prop_assert!(!(persons == 0 && value > 0 && value < threshold), "{:?}", cell);
                    // (c) rounded down to a multiple of the rounding.
                    prop_assert_eq!(shown % rounding, 0);
                    prop_assert!(shown <= value && shown > value - rounding, "{:?}", cell);
                }
            }

            // (b) every line has none or at least two suppressed members. A line is
            // identified by its total: a cell with `all` in dimension d.
            for (d, dimension) in labels.iter().enumerate() {
                for total in grid.iter().filter(|k| k.get(d).map(String::as_str) == Some(ALL)) {
                    let suppressed = dimension
                        .iter()
                        .filter(|label| {
                            let mut member = total.clone();
                            member[d] = (*label).clone();
                            by_keys.get(&member).unwrap().suppressed.is_some()
                        })
                        .count();
                    prop_assert!(suppressed != 1, "line {:?} along {}", total, d);
                }
            }
        }
    }
}
