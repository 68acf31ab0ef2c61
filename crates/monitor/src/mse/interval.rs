//! Intervals for the total from one fitted model, the model taken as given: the
//! conditional interval (normal on the log of the unseen, as SparseMSE's
//! `estimatepopulation.0` gives it) and the profile-likelihood interval (the multinomial
//! likelihood of the total, the other parameters maximised out, as Rcapture's
//! `closedpCI.t` gives it and the Home Office's 2014 estimate used).

use super::MseError;
use super::design::Design;
use super::glm::{self, Fit};
use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};
use statrs::function::gamma::ln_gamma;

/// A two-sided interval for the total number of persons.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub lower: f64,
    pub upper: f64,
}

fn normal_quantile(p: f64) -> f64 {
    Normal::standard().inverse_cdf(p)
}

/// `observed + exp(N(β₀, se²))` at the two tails of `level`.
pub fn conditional(fit: &Fit, observed: f64, level: f64) -> Interval {
    let z = normal_quantile(0.5 + level / 2.0);
    let (b, se) = (fit.intercept(), fit.intercept_se());
    Interval {
        lower: observed + (b - z * se).exp(),
        upper: observed + (b + z * se).exp(),
    }
}

/// The profile log-likelihood of `n0` unseen persons (up to a constant): the Poisson
/// deviance of the completed table and the multinomial's correction
/// `n0 log n0 − log n0! + log N! − N log N`, `N = observed + n0`.
struct Profile<'a> {
    design: &'a Design,
    observed: f64,
    start: nalgebra::DVector<f64>,
}

impl Profile<'_> {
    fn at(&mut self, n0: f64) -> Result<f64, MseError> {
        let full = self.design.completed(n0);
        // From the last point's coefficients, or, when that start is too far off for
        // Newton's steps, from the counts as R starts.
        let fit = match glm::fit(&full, Some(&self.start)) {
            Ok(f) => f,
            Err(_) => glm::fit(&full, None)?,
        };
        self.start.clone_from(&fit.beta);
        let total = self.observed + n0;
        let own = if n0 > 0.0 { n0 * n0.ln() } else { 0.0 };
        let correction = own - ln_gamma(n0 + 1.0) + ln_gamma(total + 1.0) - total * total.ln();
        Ok(-fit.deviance / 2.0 + correction)
    }
}

/// The profile-likelihood estimate of the total and its interval at `level`: the totals
/// whose profile log-likelihood lies within `χ²₁(level)/2` of its maximum. The lower
/// bound is the observed count when even no unseen person is that likely.
pub fn profile(design: &Design, fit: &Fit, level: f64) -> Result<(f64, Interval), MseError> {
    let observed = design.total();
    let mut p = Profile {
        design,
        observed,
        start: fit.beta.clone(),
    };
    let guess = fit.intercept().exp().max(1e-6);
    // The maximum, by golden-section search on a bracket around the conditional estimate.
    let (mut lo, mut hi) = (0.0, guess * 4.0 + 10.0);
    while p.at(hi)? > p.at(hi / 2.0)? && hi < 1e12 {
        hi *= 2.0;
    }
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (hi - ratio * (hi - lo), lo + ratio * (hi - lo));
    let (mut fa, mut fb) = (p.at(a)?, p.at(b)?);
    while hi - lo > 1e-7 * hi.max(1.0) {
        if fa < fb {
            lo = a;
            a = b;
            fa = fb;
            b = lo + ratio * (hi - lo);
            fb = p.at(b)?;
        } else {
            hi = b;
            b = a;
            fb = fa;
            a = hi - ratio * (hi - lo);
            fa = p.at(a)?;
        }
    }
    let best = (lo + hi) / 2.0;
    let top = p.at(best)?;
    let drop = ChiSquared::new(1.0)
        .map_err(|_| MseError::Diverged)?
        .inverse_cdf(level)
        / 2.0;
    let cut = top - drop;
    let lower = if p.at(0.0)? >= cut {
        0.0
    } else {
        bisect(&mut p, 0.0, best, cut)?
    };
    let mut far = best * 2.0 + 10.0;
    while p.at(far)? > cut {
        far *= 2.0;
        if far > 1e12 {
            return Err(MseError::Unbounded);
        }
    }
    let upper = bisect(&mut p, best, far, cut)?;
    Ok((
        observed + best,
        Interval {
            lower: observed + lower,
            upper: observed + upper,
        },
    ))
}

/// The point between `a` and `b` where the profile crosses `cut` (it lies above `cut` at
/// exactly one of them).
fn bisect(p: &mut Profile<'_>, mut a: f64, mut b: f64, cut: f64) -> Result<f64, MseError> {
    let above_at_a = p.at(a)? > cut;
    for _ in 0..200 {
        let m = (a + b) / 2.0;
        if (p.at(m)? > cut) == above_at_a {
            a = m;
        } else {
            b = m;
        }
        if b - a < 1e-7 * b.abs().max(1.0) {
            break;
        }
    }
    Ok((a + b) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::super::{design::Model, histories::Histories};
    use super::*;

    #[test]
    fn the_profile_bounds_lie_where_the_likelihood_has_fallen_by_half_the_chi_squared_quantile() {
        let h = Histories::new(
            vec!["A".into(), "B".into(), "C".into()],
            [
                (0b001, 50),
                (0b010, 40),
                (0b100, 30),
                (0b011, 12),
                (0b101, 9),
                (0b110, 7),
                (0b111, 3),
            ],
        )
        .unwrap();
        let d = Design::of(&h, &Model::with_pairs([(0, 1)]));
        let f = glm::fit(&d, None).unwrap();
        let (best, i) = profile(&d, &f, 0.95).unwrap();
        let mut p = Profile {
            design: &d,
            observed: d.total(),
            start: f.beta.clone(),
        };
        let top = p.at(best - d.total()).unwrap();
        for bound in [i.lower, i.upper] {
            let fall = top - p.at(bound - d.total()).unwrap();
            assert!((fall - 3.841_458_820_694_124 / 2.0).abs() < 1e-4, "{fall}");
        }
        // The maximum: no neighbour is higher.
        for step in [-1.0, 1.0] {
            assert!(p.at(best - d.total() + step).unwrap() <= top + 1e-9);
        }
        assert!(i.lower < best && best < i.upper);
        // Close to the conditional estimate on a table this size.
        assert!((best - (d.total() + f.intercept().exp())).abs() < 0.05 * best);
    }
}
