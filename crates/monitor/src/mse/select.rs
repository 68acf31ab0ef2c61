//! Stepwise choice of the two-list interactions, as SparseMSE's `stepwisefit` makes it
//! (Chan, Silverman & Vincent 2021, section 3.2): start from independence; in each
//! round, for every interaction not yet in the model, compare the persons actually seen
//! on both of its lists with the number the current model expects there, by the smaller
//! of the two one-sided Poisson tail probabilities; an interaction whose model would fail the existence or identifiability check is not a
//! candidate. Add the candidate with the smallest probability while it is below the
//! threshold; stop when none is. Also the downhill search by BIC.

use super::MseError;
use super::design::{Design, Model};
use super::exists::Checks;
use super::glm::{self, Fit};
use super::histories::Histories;
use serde::Serialize;
use statrs::distribution::{DiscreteCDF, Poisson};

/// The threshold SparseMSE uses by default.
pub const DEFAULT_THRESHOLD: f64 = 0.02;

/// One interaction added, with the probability that earned it its place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// The interaction, `A:B`.
    pub term: String,
    /// Persons seen on both lists.
    pub seen: u64,
    /// Persons the model before this step expected on both lists.
    pub expected: f64,
    /// The smaller Poisson tail probability of `seen` at `expected`.
    pub p_value: f64,
}

/// A fitted model and how it was reached.
#[derive(Debug, Clone)]
pub struct Selected {
    pub model: Model,
    pub design: Design,
    pub fit: Fit,
    pub steps: Vec<Step>,
}

/// Fits `model` without checking it first.
pub fn fitted(h: &Histories, model: Model) -> Result<Selected, MseError> {
    let design = Design::of(h, &model);
    let fit = glm::fit(&design, None)?;
    Ok(Selected {
        model,
        design,
        fit,
        steps: Vec::new(),
    })
}

/// The smaller of `P(X ≤ seen)` and `P(X ≥ seen)` for `X` Poisson with mean `expected`.
fn tail(seen: u64, expected: f64) -> f64 {
    let Ok(p) = Poisson::new(expected.max(f64::MIN_POSITIVE)) else {
        return 1.0;
    };
    let below = p.cdf(seen);
    let above = if seen == 0 { 1.0 } else { p.sf(seen - 1) };
    below.min(above)
}

/// The stepwise model at `threshold` (0: independence; 1: every interaction if that
/// model passes the checks, otherwise every one the steps can add).
pub fn stepwise(h: &Histories, threshold: f64, checks: &mut Checks) -> Result<Selected, MseError> {
    let k = h.lists();
    if threshold >= 1.0 {
        let all = Model::all_pairs(k);
        if checks.check(h, &all).ok() {
            return fitted(h, all);
        }
    }
    let mut current = fitted(h, Model::independence())?;
    if threshold <= 0.0 {
        return Ok(current);
    }
    let candidates = Model::all_pairs(k).pairs().to_vec();
    loop {
        // Every candidate's probability first (cheap), then the checks in order of
        // probability until one passes: the same choice as checking every candidate,
        // since a failing one counts as probability 1, which never wins below the
        // threshold (ties go to the first pair, as in SparseMSE).
        let mut ranked: Vec<(f64, (usize, usize), f64)> = candidates
            .iter()
            .copied()
            .filter(|p| !current.model.has(*p))
            .map(|pair| {
                let both = (1usize << pair.0) | (1usize << pair.1);
                let expected: f64 = current
                    .design
                    .cells
                    .iter()
                    .zip(current.fit.mu.iter())
                    .filter(|(c, _)| *c & both == both)
                    .map(|(_, m)| m)
                    .sum();
                (tail(h.overlap(pair.0, pair.1), expected), pair, expected)
            })
            .collect();
        ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let chosen = ranked
            .into_iter()
            .take_while(|(p, _, _)| *p < threshold)
            .find(|(_, pair, _)| checks.check(h, &current.model.and(*pair)).ok());
        let Some((p, pair, expected)) = chosen else {
            return Ok(current);
        };
        let model = current.model.and(pair);
        let design = Design::of(h, &model);
        let fit = glm::fit(&design, None)?;
        let mut steps = std::mem::take(&mut current.steps);
        steps.push(Step {
            term: super::design::pair_name(h.names(), pair),
            seen: h.overlap(pair.0, pair.1),
            expected,
            p_value: p,
        });
        current = Selected {
            model,
            design,
            fit,
            steps,
        };
    }
}

/// The information criteria of a fit: `−2 log L` plus 2 (AIC) or the log of the persons
/// seen (BIC, as Rcapture counts it) per parameter, an interaction of lists that never
/// overlap counting as one (SparseMSE's convention).
pub fn criteria(s: &Selected, observed: f64) -> (f64, f64) {
    #[allow(clippy::cast_precision_loss)]
    let k = (s.design.parameters() + s.design.empty.len()) as f64;
    let base = -2.0 * s.fit.loglik;
    (base + 2.0 * k, base + k * observed.ln())
}

/// The two-list model with the smallest BIC a downhill search reaches from independence:
/// in each round, every model one interaction away (added or removed) that passes the
/// checks is fitted, and the best is taken while it lowers the BIC (the search of
/// Silverman, Chan & Vincent 2024, restricted to two-list interactions).
pub fn downhill_bic(h: &Histories, checks: &mut Checks) -> Result<Selected, MseError> {
    #[allow(clippy::cast_precision_loss)]
    let observed = h.observed() as f64;
    let mut current = fitted(h, Model::independence())?;
    let mut score = criteria(&current, observed).1;
    let pairs = Model::all_pairs(h.lists()).pairs().to_vec();
    loop {
        // Fit every neighbour, then check them in order of BIC until one passes.
        let mut near: Vec<(f64, Selected)> = pairs
            .iter()
            .map(|pair| {
                if current.model.has(*pair) {
                    current.model.without(*pair)
                } else {
                    current.model.and(*pair)
                }
            })
            .filter_map(|model| fitted(h, model).ok())
            .map(|s| (criteria(&s, observed).1, s))
            .filter(|(bic, _)| bic.is_finite() && *bic < score)
            .collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0));
        let Some((bic, s)) = near
            .into_iter()
            .find(|(_, s)| checks.check(h, &s.model).ok())
        else {
            return Ok(current);
        };
        score = bic;
        current = s;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_is_the_smaller_one_sided_probability() {
        // P(X ≤ 0) at mean 3 is e^-3; P(X ≥ 0) is 1.
        assert!((tail(0, 3.0) - (-3.0f64).exp()).abs() < 1e-12);
        // Far above the mean: the upper tail.
        assert!(tail(30, 3.0) < 1e-15);
        // At the mean both tails are large.
        assert!(tail(3, 3.0) > 0.4);
    }
}
