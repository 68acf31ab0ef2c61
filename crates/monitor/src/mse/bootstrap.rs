//! The bootstrap interval that accounts for the choice of model (Chan, Silverman &
//! Vincent 2021, section 3.3; SparseMSE's `estimatepopulation`): resample the persons
//! seen (multinomially over their capture histories), choose and fit the model again on
//! every resample, and correct the percentiles for bias and skewness (BCa, the
//! acceleration from a delete-one jackknife over the persons seen).
//!
//! The resamples come from a ChaCha generator seeded by the caller, drawn one after the
//! other before any is fitted, so a seed gives the same interval however many threads
//! fit them.

use super::histories::Histories;
use super::interval::Interval;
use super::{Method, MseError, exists::Checks, point};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rand_distr::{Binomial, Distribution};
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

/// How many resamples, from which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resampling {
    pub replicates: usize,
    pub seed: u64,
}

impl Default for Resampling {
    /// SparseMSE's defaults: 1,000 replicates, seed 1234.
    fn default() -> Self {
        Resampling {
            replicates: 1000,
            seed: 1234,
        }
    }
}

/// The bootstrap's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bootstrap {
    pub replicates: usize,
    pub seed: u64,
    /// Resamples on which no model could be fitted (left out of the percentiles).
    pub failed: usize,
    /// The bias correction `z₀`: the normal quantile of the share of resampled totals
    /// below the estimate.
    pub bias: f64,
    /// The acceleration `a` from the jackknife.
    pub acceleration: f64,
    /// The BCa interval.
    pub interval: Interval,
}

/// A multinomial resample of `h`'s persons over their histories.
fn resample(h: &Histories, rng: &mut ChaCha20Rng) -> Result<Histories, MseError> {
    let counts = h.counts();
    let mut left = h.observed();
    let mut mass = left;
    let mut out = vec![0u64; counts.len()];
    for (slot, c) in out.iter_mut().zip(counts.iter()) {
        if *c == 0 || left == 0 {
            continue;
        }
        #[allow(clippy::cast_precision_loss)]
        let p = (*c as f64 / mass as f64).min(1.0);
        let draw = Binomial::new(left, p)
            .map_err(|e| MseError::Input(e.to_string()))?
            .sample(rng);
        *slot = draw;
        left -= draw;
        mass -= c;
    }
    Ok(h.with_counts(out))
}

/// Estimates the total of every table in `tables` by `method`, on all cores (the order
/// of the results is the order of the tables).
fn totals(tables: &[Histories], method: &Method) -> Vec<Option<f64>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, 16);
    let chunk = tables.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = tables
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut checks = Checks::default();
                    part.iter()
                        .map(|t| point(t, method, &mut checks).ok())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// R's quantile of type 8 (median-unbiased) of the sorted `x` at `p`.
fn quantile8(x: &[f64], p: f64) -> f64 {
    let n = x.len();
    if n == 0 {
        return f64::NAN;
    }
    #[allow(clippy::cast_precision_loss)]
    let pos = 1.0 / 3.0 + p * (n as f64 + 1.0 / 3.0);
    let j = pos.floor();
    let g = pos - j;
    let at = |i: f64| {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let i = (i.max(1.0) as usize).min(n);
        x.get(i - 1).copied().unwrap_or(f64::NAN)
    };
    (1.0 - g) * at(j) + g * at(j + 1.0)
}

/// The BCa interval at `level` for the total `estimate` that `method` gave on `h`.
pub fn bca(
    h: &Histories,
    method: &Method,
    estimate: f64,
    level: f64,
    how: Resampling,
) -> Result<Bootstrap, MseError> {
    let mut rng = ChaCha20Rng::seed_from_u64(how.seed);
    let samples = (0..how.replicates)
        .map(|_| resample(h, &mut rng))
        .collect::<Result<Vec<_>, _>>()?;
    let all = totals(&samples, method);
    let failed = all.iter().filter(|t| t.is_none()).count();
    let mut reps: Vec<f64> = all
        .into_iter()
        .flatten()
        .filter(|t| t.is_finite())
        .collect();
    if reps.len() < 2 {
        return Err(MseError::BootstrapFailed);
    }
    reps.sort_by(f64::total_cmp);
    // The jackknife: one person fewer in each observed history.
    let observed: Vec<(usize, u64)> = h.all().filter(|(_, n)| *n > 0).collect();
    let deleted: Vec<Histories> = observed
        .iter()
        .map(|(c, _)| {
            let mut counts = h.counts().to_vec();
            if let Some(v) = counts.get_mut(*c) {
                *v -= 1;
            }
            h.with_counts(counts)
        })
        .collect();
    let jack = totals(&deleted, method);
    #[allow(clippy::cast_precision_loss)]
    let weights: Vec<f64> = observed.iter().map(|(_, n)| *n as f64).collect();
    let values: Vec<f64> = jack.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
    let total_w: f64 = weights.iter().sum();
    let mean = weights.iter().zip(&values).map(|(w, v)| w * v).sum::<f64>() / total_w;
    let (mut num, mut den) = (0.0, 0.0);
    for (w, v) in weights.iter().zip(&values) {
        let r = mean - v;
        num += w * r.powi(3);
        den += w * r.powi(2);
    }
    let acceleration = if den > 0.0 {
        num / (6.0 * den.powf(1.5))
    } else {
        0.0
    };
    if !acceleration.is_finite() {
        return Err(MseError::BootstrapFailed);
    }
    #[allow(clippy::cast_precision_loss)]
    let below = reps.iter().filter(|r| **r < estimate).count() as f64 / reps.len() as f64;
    let normal = Normal::standard();
    let bias = normal.inverse_cdf(below);
    if !bias.is_finite() {
        return Err(MseError::BootstrapFailed);
    }
    let bound = |alpha: f64| {
        let za = normal.inverse_cdf(alpha) + bias;
        quantile8(&reps, normal.cdf(bias + za / (1.0 - acceleration * za)))
    };
    let tail = (1.0 - level) / 2.0;
    Ok(Bootstrap {
        replicates: how.replicates,
        seed: how.seed,
        failed,
        bias,
        acceleration,
        interval: Interval {
            lower: bound(tail),
            upper: bound(1.0 - tail),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_8_quantile_matches_r() {
        // Hyndman & Fan's definition 8 (R's `type = 8`): position p(n + 1/3) + 1/3,
        // interpolated between order statistics, held at the ends.
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert!((quantile8(&x, 0.1) - 1.0).abs() < 1e-12);
        assert!((quantile8(&x, 0.5) - 3.0).abs() < 1e-12);
        assert!(
            (quantile8(&x, 0.7) - 4.4).abs() < 1e-9,
            "{}",
            quantile8(&x, 0.7)
        );
        assert!((quantile8(&x, 0.9) - 10.0).abs() < 1e-12);
    }

    #[test]
    fn a_resample_keeps_the_persons_and_the_seed_fixes_it() {
        let h = Histories::new(
            vec!["A".into(), "B".into()],
            [(0b01, 60), (0b10, 30), (0b11, 10)],
        )
        .unwrap();
        let a = resample(&h, &mut ChaCha20Rng::seed_from_u64(7)).unwrap();
        let b = resample(&h, &mut ChaCha20Rng::seed_from_u64(7)).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.observed(), 100);
        assert_eq!(a.count(0), 0);
    }
}
