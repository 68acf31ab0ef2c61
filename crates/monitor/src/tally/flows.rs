//! The flow matrix in one pass: every referral measure (sent, accepted, …) per sending
//! and receiving agency kind and their totals, and the answers with their hours and
//! distinct persons, counted together over the events in as many runs as cores.

use super::*;
use crate::packed::NO_HOURS;

/// What the flow matrix counts of each event kind (indexed by position in [`KINDS`]):
/// the measure it counts in, and whether its hours make a median.
pub(crate) struct FlowKinds {
    pub(crate) measure: Vec<Option<usize>>,
    pub(crate) answers: Vec<bool>,
}

/// The answers per sending and receiving kind ([`ALL`] for a total).
pub(crate) type AnswersByCell = BTreeMap<(String, String), Answers>;

/// The counts of one run, or of all of them added up.
struct Flows {
    measures: Vec<Grid>,
    answered: Grid,
    hours: Vec<Hours>,
}

fn axes() -> [Axis; 2] {
    [Axis::sender_kind(), Axis::receiver_kind()]
}

/// The four cells an event of sender `s` and receiver `r` counts in: its own and the
/// three totals.
fn offsets(grid: &Grid, s: usize, r: usize) -> [usize; 4] {
    let rows = grid.shape.first().copied().unwrap_or(1);
    let cols = grid.shape.get(1).copied().unwrap_or(1);
    let stride = grid.strides.get(1).copied().unwrap_or(1);
    [
        s + r * stride,
        s + (cols - 1) * stride,
        (rows - 1) + r * stride,
        (rows - 1) + (cols - 1) * stride,
    ]
}

fn count_run(
    events: &[Ev],
    kinds: &FlowKinds,
    measures: usize,
    keep: &impl Fn(&Ev) -> bool,
) -> Flows {
    let axes = axes();
    let answered = Grid::new(&axes);
    let mut out = Flows {
        measures: (0..measures).map(|_| Grid::new(&axes)).collect(),
        hours: vec![Hours::default(); answered.cells.len()],
        answered,
    };
    for e in events {
        if e.receiver_kind() == NO_RECEIVER || !keep(e) {
            continue;
        }
        let kind = usize::from(e.kind());
        let at = offsets(
            &out.answered,
            usize::from(e.sender_kind()),
            usize::from(e.receiver_kind()),
        );
        if let Some(grid) = kinds
            .measure
            .get(kind)
            .copied()
            .flatten()
            .and_then(|m| out.measures.get_mut(m))
        {
            for o in at {
                grid.add(o, e.person);
            }
        }
        if e.hours != NO_HOURS && kinds.answers.get(kind).copied().unwrap_or(false) {
            for o in at {
                out.answered.add(o, e.person);
                if let Some(h) = out.hours.get_mut(o) {
                    h.add(i64::from(e.hours));
                }
            }
        }
    }
    out
}

fn add_grid(sum: &mut Grid, g: &Grid) {
    for (s, c) in sum.cells.iter_mut().zip(&g.cells) {
        s.value += c.value;
        s.persons += c.persons;
    }
}

/// The cells of each measure (in the order of `kinds.measure`'s numbers, `measures` of
/// them) and the answers per cell, over the events with a receiver that `keep` accepts.
pub(crate) fn flows(
    events: &[Ev],
    kinds: &FlowKinds,
    measures: usize,
    keep: impl Fn(&Ev) -> bool + Sync,
) -> (Vec<Vec<RawCell>>, AnswersByCell) {
    flows_in(events, kinds, measures, keep, runs_for(events.len()))
}

/// [`flows`] counted in `runs` runs.
fn flows_in(
    events: &[Ev],
    kinds: &FlowKinds,
    measures: usize,
    keep: impl Fn(&Ev) -> bool + Sync,
    runs: usize,
) -> (Vec<Vec<RawCell>>, AnswersByCell) {
    let runs = by_person(events, runs);
    let keep = &keep;
    let mut counted: Vec<Flows> = if let [only] = runs.as_slice() {
        vec![count_run(only, kinds, measures, keep)]
    } else {
        std::thread::scope(|s| {
            let started: Vec<_> = runs
                .iter()
                .map(|run| s.spawn(move || count_run(run, kinds, measures, keep)))
                .collect();
            started
                .into_iter()
                .map(|t| t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        })
    };
    let mut total = counted
        .pop()
        .unwrap_or_else(|| count_run(&[], kinds, measures, keep));
    for run in counted {
        for (sum, g) in total.measures.iter_mut().zip(&run.measures) {
            add_grid(sum, g);
        }
        add_grid(&mut total.answered, &run.answered);
        for (sum, h) in total.hours.iter_mut().zip(run.hours) {
            sum.absorb(h);
        }
    }
    let axes = axes();
    let cells = total
        .measures
        .iter()
        .map(|grid| {
            (0..grid.cells.len())
                .filter(|at| grid.value(*at) > 0)
                .map(|at| RawCell {
                    keys: grid.keys(&axes, at),
                    value: grid.value(at),
                    persons: grid.persons(at),
                })
                .collect()
        })
        .collect();
    let mut answers = BTreeMap::new();
    for (at, h) in total.hours.into_iter().enumerate() {
        if h.count() > 0
            && let [s, r] = total.answered.keys(&axes, at).as_slice()
        {
            let persons = total.answered.persons(at);
            answers.insert((s.clone(), r.clone()), Answers { hours: h, persons });
        }
    }
    (cells, answers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flows_counted_on_several_threads_are_the_flows_counted_on_one() {
        let all = super::super::tests::events(3000, 11);
        // Two measures out of the kinds, answers from a third.
        let kinds = FlowKinds {
            measure: (0..KINDS.len())
                .map(|k| [Some(0), Some(1)].get(k).copied().flatten())
                .collect(),
            answers: (0..KINDS.len()).map(|k| k == 2).collect(),
        };
        let keep = |e: &Ev| e.month.is_multiple_of(2);
        let (cells, answers) = flows_in(&all, &kinds, 2, keep, 1);
        assert!(cells.iter().all(|c| !c.is_empty()) && !answers.is_empty());
        for runs in [2, 3, 8] {
            let (c, a) = flows_in(&all, &kinds, 2, keep, runs);
            assert_eq!(c, cells, "{runs} runs");
            assert_eq!(a.len(), answers.len(), "{runs} runs");
            for (k, v) in &answers {
                let w = &a[k];
                assert_eq!(
                    (w.persons, w.hours.median(), w.hours.count()),
                    (v.persons, v.hours.median(), v.hours.count()),
                    "{runs} runs: {k:?}"
                );
            }
        }
    }
}
