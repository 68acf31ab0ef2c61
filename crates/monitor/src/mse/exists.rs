//! Whether a model's maximum likelihood estimate exists and is identifiable on a table,
//! decided before it is fitted: the linear program of Fienberg and Rinaldo (2012) as
//! SparseMSE's `checkident` sets it (with the typographical error of the paper
//! corrected), and the rank of the design.
//!
//! The estimate exists when some table with only positive cells has the same sufficient
//! statistics (the totals of every list and every fitted pair) as the data: maximise `s`
//! over tables `x ≥ 0` with those totals and every cell `x_c ≥ s`; `s = 0` at the optimum
//! means every such table has an empty cell, the likelihood keeps growing towards it and
//! some fitted mean is 0 (the estimate is infinite or degenerate).

use super::design::{Design, Model};
use super::histories::Histories;
use microlp::{ComparisonOp, OptimizationDirection, Problem};
use std::collections::HashMap;

/// What the check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    /// The maximum likelihood estimate exists (is finite).
    pub exists: bool,
    /// The design has full column rank: every parameter is determined by the data.
    pub identifiable: bool,
}

impl Check {
    /// Both tests passed.
    pub fn ok(self) -> bool {
        self.exists && self.identifiable
    }
}

/// The smallest optimum counted as positive (the optimum is a vertex over whole-number
/// totals: a rational far larger than this when it is not 0).
const POSITIVE: f64 = 1e-7;
/// Singular values below this share of the largest count as zero (R's QR uses 1e-7).
const RANK_TOLERANCE: f64 = 1e-9;

/// Checks `model` on `h`.
pub fn check(h: &Histories, model: &Model) -> Check {
    let d = Design::of(h, model);
    Check {
        exists: exists(&d),
        identifiable: full_rank(&d),
    }
}

/// Checks remembered by the table's zero pattern and the model: whether the estimate
/// exists depends only on which histories are empty (the face of the marginal cone the
/// totals lie in), and the rank only on the histories kept, so the many resamples of a
/// bootstrap that share a zero pattern share their checks.
#[derive(Debug, Default)]
pub struct Checks {
    known: HashMap<Key, Check>,
}

/// The histories with persons (a bit set) and the model's interactions, sorted.
type Key = (Vec<u64>, Vec<(usize, usize)>);

impl Checks {
    /// [`check`], remembered.
    pub fn check(&mut self, h: &Histories, model: &Model) -> Check {
        let mut support = vec![0u64; h.counts().len().div_ceil(64)];
        for (i, n) in h.counts().iter().enumerate() {
            if let Some(word) = support.get_mut(i / 64).filter(|_| *n > 0) {
                *word |= 1 << (i % 64);
            }
        }
        let mut pairs = model.pairs().to_vec();
        pairs.sort_unstable();
        *self
            .known
            .entry((support, pairs))
            .or_insert_with(|| check(h, model))
    }
}

fn exists(d: &Design) -> bool {
    let (rows, cols) = d.x.shape();
    let mut lp = Problem::new(OptimizationDirection::Maximize);
    let x: Vec<_> = (0..rows)
        .map(|_| lp.add_var(0.0, (0.0, f64::INFINITY)))
        .collect();
    let s = lp.add_var(1.0, (0.0, f64::INFINITY));
    for c in 0..cols {
        let t: f64 = (0..rows).map(|r| d.x[(r, c)] * d.y[r]).sum();
        let terms: Vec<_> = x
            .iter()
            .enumerate()
            .filter(|(r, _)| d.x[(*r, c)] != 0.0)
            .map(|(r, v)| (*v, d.x[(r, c)]))
            .collect();
        lp.add_constraint(terms.as_slice(), ComparisonOp::Eq, t);
    }
    for v in &x {
        lp.add_constraint([(*v, 1.0), (s, -1.0)].as_slice(), ComparisonOp::Ge, 0.0);
    }
    match lp.solve() {
        Ok(solution) => solution.objective() > POSITIVE,
        Err(_) => false,
    }
}

fn full_rank(d: &Design) -> bool {
    let (rows, cols) = d.x.shape();
    if rows < cols {
        return false;
    }
    let sv = d.x.clone().svd(false, false).singular_values;
    let largest = sv.iter().copied().fold(0.0, f64::max);
    sv.iter().filter(|v| **v > largest * RANK_TOLERANCE).count() == cols
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three(rows: &[(usize, u64)]) -> Histories {
        Histories::new(
            vec!["A".into(), "B".into(), "C".into()],
            rows.iter().copied(),
        )
        .unwrap()
    }

    // SparseMSE's data set `Artificial_3` (Chan, Silverman & Vincent, Table 2): 40 on
    // A only, 30 on B only, 20 on C only, 6 on A and B; A–C and B–C never overlap.
    fn artificial() -> Histories {
        three(&[(0b001, 40), (0b010, 30), (0b100, 20), (0b011, 6)])
    }

    #[test]
    fn the_artificial_table_fails_and_passes_the_models_its_documentation_names() {
        let h = artificial();
        let (ab, ac, bc) = ((0, 1), (0, 2), (1, 2));
        // All three interactions: the program's optimum is positive, the rank is short.
        let all = check(&h, &Model::all_pairs(3));
        assert_eq!(
            all,
            Check {
                exists: true,
                identifiable: false
            }
        );
        // A:B alone or with one of the others: no finite estimate.
        for m in [vec![ab], vec![ab, ac], vec![ab, bc]] {
            let c = check(&h, &Model::with_pairs(m.clone()));
            assert!(!c.exists, "{m:?}: {c:?}");
        }
        // Main effects, and either or both of A:C and B:C: both tests pass.
        for m in [vec![], vec![ac], vec![bc], vec![ac, bc]] {
            assert!(check(&h, &Model::with_pairs(m.clone())).ok(), "{m:?}");
        }
    }

    #[test]
    fn a_list_that_holds_every_person_has_no_finite_estimate() {
        let h = three(&[(0b001, 20), (0b011, 15), (0b101, 9), (0b111, 4)]);
        assert!(!check(&h, &Model::independence()).exists);
    }
}
