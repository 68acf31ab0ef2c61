//! Counting held events in one pass: every cell of every grouping of up to three axes
//! (the cells and all their totals), with the distinct persons of each.
//!
//! The events come ordered by person, so a cell counts a person when the person differs
//! from the last one it counted; no set of persons is ever built. The cells live in one
//! dense array per count, each axis with one more place for its total ([`ALL`]).
//!
//! A large table is counted on every core: the events are cut into runs at changes of
//! person, each run is counted apart, and the counts are added. A person's events all
//! fall in one run, so the distinct persons of the runs add up too.

use crate::dims::{Dimension, PeriodRange};
use crate::disclosure::{ALL, RawCell};
use crate::event::KINDS;
use crate::packed::{Ev, NO_PERSON, NO_RECEIVER, is_unlinkable, month_number};
use crate::query::unlinkable::PersonShare;
use crate::query::{Answers, Hours};
use schakel_domain::AgencyKind;
use std::collections::{BTreeMap, BTreeSet};

/// What an axis reads from an event.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reads {
    /// The period of the month: `of_month[month - first]`.
    Period {
        first: u16,
        of_month: Vec<usize>,
    },
    Forms,
    SenderKind,
    Region,
    Age,
    Gender,
    Nationality,
    Basis,
    ReceiverKind,
}

/// One axis of a table: what it reads and the labels of its categories in the order of
/// their positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Axis {
    reads: Reads,
    labels: Vec<String>,
}

fn labels<T: Copy>(all: &[T], code: impl Fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|v| code(*v).to_owned()).collect()
}

impl Axis {
    /// The axis of a dimension over a range; its labels are the dimension's categories.
    pub(crate) fn of(dim: Dimension, range: &PeriodRange) -> Axis {
        let labels = dim.categories(range);
        let reads = match dim {
            Dimension::Period => {
                let first = month_number(range.from);
                let last = month_number(range.to);
                let of_month = (first..=last)
                    .map(|n| {
                        let m = crate::period::Month {
                            year: n / 12,
                            month: u8::try_from(n % 12 + 1).unwrap_or(1),
                        };
                        let p = match range.grain {
                            crate::period::Grain::Month => m.to_string(),
                            crate::period::Grain::Quarter => m.quarter(),
                            crate::period::Grain::Year => m.year(),
                        };
                        labels.iter().position(|l| *l == p).unwrap_or(labels.len())
                    })
                    .collect();
                Reads::Period { first, of_month }
            }
            Dimension::ExploitationForm => Reads::Forms,
            Dimension::AgencyKind => Reads::SenderKind,
            Dimension::Region => Reads::Region,
            Dimension::AgeBand => Reads::Age,
            Dimension::Gender => Reads::Gender,
            Dimension::NationalityGroup => Reads::Nationality,
            Dimension::ReportingBasis => Reads::Basis,
        };
        Axis { reads, labels }
    }

    /// The position of the event's category (not for forms, which are several).
    fn code(&self, e: &Ev) -> usize {
        match &self.reads {
            Reads::Period { first, of_month } => e
                .month
                .checked_sub(*first)
                .and_then(|i| of_month.get(usize::from(i)).copied())
                .unwrap_or(self.labels.len()),
            Reads::Forms => self.labels.len(),
            Reads::SenderKind => usize::from(e.sender_kind()),
            Reads::Region => usize::from(e.region()),
            Reads::Age => usize::from(e.age()),
            Reads::Gender => usize::from(e.gender()),
            Reads::Nationality => usize::from(e.nationality()),
            Reads::Basis => usize::from(e.basis()),
            Reads::ReceiverKind => usize::from(e.receiver_kind()),
        }
    }
}

impl Axis {
    /// The sending agency's kind (the flow matrix's rows).
    pub(crate) fn sender_kind() -> Axis {
        Axis {
            reads: Reads::SenderKind,
            labels: labels(AgencyKind::ALL, AgencyKind::as_str),
        }
    }

    /// The receiving agency's kind (the flow matrix's columns).
    pub(crate) fn receiver_kind() -> Axis {
        Axis {
            reads: Reads::ReceiverKind,
            labels: labels(AgencyKind::ALL, AgencyKind::as_str),
        }
    }
}

/// One cell while counting: its events, its distinct persons and the last person it
/// counted. The three sit together so that counting an event touches one cache line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cell {
    value: u64,
    persons: u32,
    last: u32,
}

const EMPTY: Cell = Cell {
    value: 0,
    persons: 0,
    last: NO_PERSON,
};

/// The dense array of a table's cells: each axis has its categories and one more place
/// for its total.
struct Grid {
    shape: Vec<usize>,
    strides: Vec<usize>,
    cells: Vec<Cell>,
}

impl Grid {
    fn new(axes: &[Axis]) -> Grid {
        let shape: Vec<usize> = axes.iter().map(|a| a.labels.len() + 1).collect();
        let mut strides = Vec::with_capacity(shape.len());
        let mut size = 1usize;
        for s in &shape {
            strides.push(size);
            size = size.saturating_mul(*s);
        }
        Grid {
            shape,
            strides,
            cells: vec![EMPTY; size],
        }
    }

    /// Counts an event of `person` in the cell at `at`. Without a branch on the person:
    /// a run holds each person's events together and the anonymous ones last, so a
    /// cell's last person is only ever followed by itself, a new person or no one.
    #[inline]
    fn add(&mut self, at: usize, person: u32) {
        if let Some(c) = self.cells.get_mut(at) {
            c.value += 1;
            c.persons += u32::from(c.last != person && person != NO_PERSON);
            c.last = person;
        }
    }

    fn value(&self, at: usize) -> i64 {
        self.cells
            .get(at)
            .map_or(0, |c| i64::try_from(c.value).unwrap_or(i64::MAX))
    }

    fn persons(&self, at: usize) -> i64 {
        self.cells.get(at).map_or(0, |c| i64::from(c.persons))
    }

    /// The labels of the cell at `at`.
    fn keys(&self, axes: &[Axis], at: usize) -> Vec<String> {
        axes.iter()
            .zip(self.shape.iter().zip(&self.strides))
            .map(|(axis, (shape, stride))| {
                let i = (at / stride) % shape;
                axis.labels
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| ALL.to_owned())
            })
            .collect()
    }
}

/// Events from which a table is counted on several threads (below, starting them costs
/// more than it saves).
const PARALLEL_FROM: usize = 200_000;

/// How many runs to count `events` in: one per core for a large table.
fn runs_for(events: usize) -> usize {
    if events < PARALLEL_FROM {
        return 1;
    }
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// `events` (ordered by person) cut into at most `runs` runs of about equal length, each
/// cut where the person changes.
fn by_person(events: &[Ev], runs: usize) -> Vec<&[Ev]> {
    let mut out = Vec::with_capacity(runs);
    let mut rest = events;
    let mut left = runs.max(1);
    while left > 1 && !rest.is_empty() {
        let mut cut = (rest.len() / left).max(1);
        while let (Some(before), Some(at)) = (rest.get(cut - 1), rest.get(cut)) {
            if before.person != at.person {
                break;
            }
            cut += 1;
        }
        let Some((run, after)) = rest.split_at_checked(cut) else {
            break;
        };
        out.push(run);
        rest = after;
        left -= 1;
    }
    if !rest.is_empty() || out.is_empty() {
        out.push(rest);
    }
    out
}

/// Every non-empty cell of every grouping of `axes` over the events that `keep`
/// accepts. An event counts once in a cell, or once per exploitation form where the
/// forms are an axis of the grouping. With `persons_as_value`, a cell's value is its
/// number of distinct persons.
pub(crate) fn cells(
    events: &[Ev],
    axes: &[Axis],
    keep: impl Fn(&Ev) -> bool + Sync,
    persons_as_value: bool,
) -> Vec<RawCell> {
    let grid = count(events, axes, &keep, runs_for(events.len()));
    let mut out = Vec::new();
    for at in 0..grid.cells.len() {
        let (value, persons) = (grid.value(at), grid.persons(at));
        if value > 0 {
            out.push(RawCell {
                keys: grid.keys(axes, at),
                value: if persons_as_value { persons } else { value },
                persons,
            });
        }
    }
    out
}

/// The grid of `axes` over `events`, counted in `runs` runs on as many threads.
fn count(events: &[Ev], axes: &[Axis], keep: &(impl Fn(&Ev) -> bool + Sync), runs: usize) -> Grid {
    let runs = by_person(events, runs);
    if let [only] = runs.as_slice() {
        return count_run(only, axes, keep);
    }
    let grids: Vec<Grid> = std::thread::scope(|s| {
        let started: Vec<_> = runs
            .iter()
            .map(|run| s.spawn(move || count_run(run, axes, keep)))
            .collect();
        started
            .into_iter()
            .map(|t| {
                t.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut total = Grid::new(axes);
    for g in grids {
        for (sum, c) in total.cells.iter_mut().zip(&g.cells) {
            sum.value += c.value;
            sum.persons += c.persons;
        }
    }
    total
}

/// The grid of `axes` over one run of events, on this thread.
///
/// Each event is counted in every grouping: for the axes other than the forms, the
/// offsets of its cell and of all their totals are built by doubling (two offsets per
/// axis: the event's category or the total); the forms, where they are an axis, then
/// add the event's every form and the forms' total to each.
fn count_run(events: &[Ev], axes: &[Axis], keep: &impl Fn(&Ev) -> bool) -> Grid {
    let mut grid = Grid::new(axes);
    let mut forms = None;
    let mut others = Vec::with_capacity(axes.len());
    for ((axis, shape), stride) in axes.iter().zip(&grid.shape).zip(&grid.strides) {
        let total = (shape - 1) * stride;
        if axis.reads == Reads::Forms {
            forms = Some((*stride, total));
        } else {
            others.push((axis, *stride, total));
        }
    }
    let mut offsets = vec![0usize; 1 << others.len()];
    for e in events.iter().filter(|e| keep(e)) {
        let mut k = 1;
        offsets[0] = 0;
        for (axis, stride, total) in &others {
            let at = axis.code(e) * stride;
            for j in 0..k {
                offsets[j + k] = offsets[j] + at;
                offsets[j] += total;
            }
            k *= 2;
        }
        match forms {
            None => {
                for o in &offsets[..k] {
                    grid.add(*o, e.person);
                }
            }
            Some((stride, total)) => {
                for o in &offsets[..k] {
                    grid.add(o + total, e.person);
                    let mut bits = e.forms;
                    while bits != 0 {
                        let b = bits.trailing_zeros() as usize;
                        bits &= bits - 1;
                        grid.add(o + b * stride, e.person);
                    }
                }
            }
        }
    }
    grid
}

mod people;

mod flows;

pub(crate) use flows::{FlowKinds, flows};
pub(crate) use people::{captures, list_masks, share};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packed::Fields;
    use crate::period::Month;
    use schakel_domain::{
        AgeBand, ExploitationForm, Gender, NationalityGroup, Region, ReportingBasis,
    };

    /// Events of `persons` persons (some anonymous), ordered by person as the copy holds
    /// them, from a fixed pseudo-random sequence.
    pub(super) fn events(persons: u32, seed: u64) -> Vec<Ev> {
        let mut x = seed;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let mut out = Vec::new();
        for p in 0..persons {
            let person = if next(10) == 0 { NO_PERSON } else { p };
            for _ in 0..=next(6) {
                let fields = Fields {
                    kind: u8::try_from(next(KINDS.len() as u64)).unwrap(),
                    sender_kind: u8::try_from(next(AgencyKind::ALL.len() as u64)).unwrap(),
                    region: u8::try_from(next(Region::ALL.len() as u64)).unwrap(),
                    receiver_kind: u8::try_from(next(AgencyKind::ALL.len() as u64)).unwrap(),
                    age: u8::try_from(next(AgeBand::ALL.len() as u64)).unwrap(),
                    gender: u8::try_from(next(Gender::ALL.len() as u64)).unwrap(),
                    nationality: u8::try_from(next(NationalityGroup::ALL.len() as u64)).unwrap(),
                    basis: u8::try_from(next(ReportingBasis::ALL.len() as u64 + 1)).unwrap(),
                };
                out.push(Ev::new(
                    person,
                    u32::try_from(next(200)).unwrap(),
                    month_number(Month::parse("2026-01").unwrap())
                        + u16::try_from(next(12)).unwrap(),
                    1 << next(ExploitationForm::ALL.len() as u64)
                        | 1 << next(ExploitationForm::ALL.len() as u64),
                    fields,
                ));
            }
        }
        out.sort_by_key(|e| e.person);
        out
    }

    #[test]
    fn runs_cut_only_where_the_person_changes_and_hold_every_event() {
        let all = events(500, 7);
        for runs in [1, 2, 3, 8, 64, 5000] {
            let cut = by_person(&all, runs);
            assert!(cut.len() <= runs.max(1), "{runs}");
            assert_eq!(
                cut.iter().map(|r| r.len()).sum::<usize>(),
                all.len(),
                "{runs}"
            );
            for pair in cut.windows(2) {
                let (a, b) = (pair[0].last().unwrap(), pair[1].first().unwrap());
                assert_ne!(a.person, b.person, "{runs}: a person split across runs");
            }
        }
        assert_eq!(by_person(&[], 4).len(), 1);
    }

    #[test]
    fn counting_in_runs_on_several_threads_gives_the_same_cells_as_one_pass() {
        let all = events(3000, 11);
        let range = PeriodRange::new(
            Month::parse("2026-01").unwrap(),
            Month::parse("2026-12").unwrap(),
            crate::period::Grain::Quarter,
        )
        .unwrap();
        let tables = [
            vec![Axis::sender_kind(), Axis::receiver_kind()],
            vec![
                Axis::of(Dimension::Period, &range),
                Axis::of(Dimension::ExploitationForm, &range),
                Axis::of(Dimension::AgencyKind, &range),
            ],
            vec![Axis::of(Dimension::Gender, &range)],
        ];
        for axes in &tables {
            let keep = |e: &Ev| e.kind().is_multiple_of(2);
            let one = count(&all, axes, &keep, 1);
            assert!(
                one.cells.iter().any(|c| c.persons > 1),
                "persons are counted"
            );
            for runs in [2, 3, 8] {
                let many = count(&all, axes, &keep, runs);
                let sums = |g: &Grid| -> Vec<(u64, u32)> {
                    g.cells.iter().map(|c| (c.value, c.persons)).collect()
                };
                assert_eq!(sums(&one), sums(&many), "{runs} runs");
            }
        }
    }

    #[test]
    fn the_axes_have_room_for_every_code_and_a_total() {
        assert!(ExploitationForm::ALL.len() < 16, "forms are a 16-bit set");
        assert!(
            AgencyKind::ALL.len() < 32,
            "capture histories are a 32-bit set"
        );
        for (len, what) in [
            (Region::ALL.len(), "regions"),
            (AgeBand::ALL.len(), "age bands"),
            (Gender::ALL.len(), "genders"),
            (NationalityGroup::ALL.len(), "nationality groups"),
            (ReportingBasis::ALL.len() + 1, "reporting bases"),
        ] {
            assert!(len < usize::from(u8::MAX), "{what}");
        }
    }
}
