//! The Poisson log-linear fit by iteratively reweighted least squares, as R's `glm`
//! makes it (the same start, the same deviance; a tighter convergence criterion), with
//! the covariance of the coefficients and the log-likelihood.

use super::MseError;
use super::design::Design;
use nalgebra::{DMatrix, DVector};
use statrs::function::gamma::ln_gamma;

/// Stop when the deviance changes by less than this, relative (R uses 1e-8).
const TOLERANCE: f64 = 1e-11;
/// Give up after this many iterations.
const MAX_ITERATIONS: usize = 200;

/// A fitted Poisson regression.
#[derive(Debug, Clone)]
pub struct Fit {
    /// The coefficients, the intercept first.
    pub beta: DVector<f64>,
    /// The fitted mean of every row.
    pub mu: DVector<f64>,
    /// The inverse of the Fisher information (the coefficients' covariance).
    pub cov: DMatrix<f64>,
    /// Twice the log-likelihood ratio against the saturated model.
    pub deviance: f64,
    /// The log-likelihood, with the `log y!` terms.
    pub loglik: f64,
}

impl Fit {
    /// The intercept: the log of the expected persons on no list.
    pub fn intercept(&self) -> f64 {
        self.beta.get(0).copied().unwrap_or(f64::NAN)
    }

    /// The standard error of the intercept.
    pub fn intercept_se(&self) -> f64 {
        self.cov.get((0, 0)).copied().unwrap_or(f64::NAN).sqrt()
    }
}

fn deviance(y: &DVector<f64>, mu: &DVector<f64>) -> f64 {
    2.0 * y
        .iter()
        .zip(mu.iter())
        .map(|(y, m)| {
            let r = if *y > 0.0 { y * (y / m).ln() } else { 0.0 };
            r - (y - m)
        })
        .sum::<f64>()
}

/// Fits `d`, starting from `start` (coefficients of an earlier fit of the same columns)
/// or, without, from R's start (the means at the counts plus 0.1). Fails when the normal
/// equations are singular or the fit does not settle.
pub fn fit(d: &Design, start: Option<&DVector<f64>>) -> Result<Fit, MseError> {
    let (x, y) = (&d.x, &d.y);
    let mut eta = match start {
        Some(b) if b.len() == x.ncols() => x * b,
        _ => y.map(|v| (v + 0.1).ln()),
    };
    let mut mu = eta.map(f64::exp);
    let mut dev_old = deviance(y, &mu);
    for _ in 0..MAX_ITERATIONS {
        // Working response and weights of the log link: z = η + (y − μ)/μ, w = μ.
        let z = DVector::from_iterator(
            y.len(),
            (0..y.len()).map(|r| eta[r] + (y[r] - mu[r]) / mu[r]),
        );
        let xw = DMatrix::from_fn(x.nrows(), x.ncols(), |r, c| x[(r, c)] * mu[r]);
        let info = xw.transpose() * x;
        let rhs = xw.transpose() * z;
        let chol = info.cholesky().ok_or(MseError::Singular)?;
        let beta = chol.solve(&rhs);
        eta = x * &beta;
        mu = eta.map(f64::exp);
        if mu.iter().any(|m| !m.is_finite()) {
            return Err(MseError::Diverged);
        }
        let dev = deviance(y, &mu);
        if (dev - dev_old).abs() / (dev.abs() + 0.1) < TOLERANCE {
            dev_old = dev;
            let cov = fisher_inverse(x, &mu).ok_or(MseError::Singular)?;
            let loglik = y
                .iter()
                .zip(mu.iter())
                .map(|(y, m)| {
                    let l = if *y > 0.0 { y * m.ln() } else { 0.0 };
                    l - m - ln_gamma(y + 1.0)
                })
                .sum();
            return Ok(Fit {
                beta,
                mu,
                cov,
                deviance: dev_old,
                loglik,
            });
        }
        dev_old = dev;
    }
    Err(MseError::Diverged)
}

/// The inverse of `X' diag(μ) X` at the final means.
fn fisher_inverse(x: &DMatrix<f64>, mu: &DVector<f64>) -> Option<DMatrix<f64>> {
    let xw = DMatrix::from_fn(x.nrows(), x.ncols(), |r, c| x[(r, c)] * mu[r]);
    let info = xw.transpose() * x;
    let chol = info.cholesky()?;
    Some(chol.inverse())
}

#[cfg(test)]
mod tests {
    use super::super::design::Model;
    use super::super::histories::Histories;
    use super::*;

    #[test]
    fn two_lists_give_the_lincoln_petersen_estimate() {
        // 60 on A only, 30 on B only, 10 on both: unseen = 60 × 30 / 10 = 180.
        let h = Histories::new(
            vec!["A".into(), "B".into()],
            [(0b01, 60), (0b10, 30), (0b11, 10)],
        )
        .unwrap();
        let f = fit(&Design::of(&h, &Model::independence()), None).unwrap();
        assert!(
            (f.intercept().exp() - 180.0).abs() < 1e-6,
            "{}",
            f.intercept().exp()
        );
        // Saturated: the fitted means are the counts.
        assert!(f.deviance.abs() < 1e-8);
        // Var(log m00) = 1/60 + 1/30 + 1/10 for the two-list table.
        let var = 1.0 / 60.0 + 1.0 / 30.0 + 1.0 / 10.0;
        assert!((f.intercept_se().powi(2) - var).abs() < 1e-8);
    }
}
