//! Multiple systems estimation: how many persons no list saw, from how many each
//! combination of lists saw (the Poisson log-linear model over capture histories).
//!
//! Pure arithmetic over a [`Histories`] table: no database, no clock, no request. The
//! monitor makes the table from its overlap of agency kinds ([`crate::Cube::histories`])
//! and the command line reads it from a CSV file; both call [`estimate`].
//!
//! Its parts: `histories` (the table), `design` (models and their regression), `glm`
//! (the Poisson fit), `exists` (the linear program deciding whether an estimate exists),
//! `select` (stepwise and BIC choice of interactions), `interval` (conditional and
//! profile-likelihood intervals), `bootstrap` (the BCa interval over the choice of
//! model) and `report` (CSV and text).

mod bootstrap;
mod design;
mod exists;
mod glm;
mod histories;
mod interval;
mod report;
mod select;

pub use bootstrap::{Bootstrap, Resampling};
pub use design::{Model, pair_name};
pub use exists::{Check, Checks, check};
pub use histories::{Histories, MAX_LISTS, MIN_LISTS};
pub use interval::Interval;
pub use select::{DEFAULT_THRESHOLD, Step};

use select::Selected;
use serde::Serialize;

/// Why no estimate is given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MseError {
    /// Fewer than two lists.
    #[error("at least {MIN_LISTS} lists are needed; there are {0}")]
    TooFewLists(usize),
    /// More lists than the estimator takes.
    #[error("at most {MAX_LISTS} lists can be estimated over; there are {0}")]
    TooManyLists(usize),
    /// Nobody on any list.
    #[error("no persons on any list")]
    NoPersons,
    /// The table is not a capture-history table.
    #[error("{0}")]
    Input(String),
    /// The model's maximum likelihood estimate does not exist on this table.
    #[error(
        "the estimate does not exist for the model {0}: the table is too sparse for it (some fitted count would be zero)"
    )]
    DoesNotExist(String),
    /// The model's parameters are not determined by this table.
    #[error(
        "the model {0} is not identifiable on this table: it has more parameters than the observed combinations determine"
    )]
    NotIdentifiable(String),
    /// An interaction names a list that is not there, or a list twice.
    #[error("the model names unknown lists: {0}")]
    UnknownTerm(String),
    /// The fit's equations were singular.
    #[error("the model's equations are singular on this table")]
    Singular,
    /// The fit did not settle.
    #[error("the fit did not converge")]
    Diverged,
    /// The profile likelihood does not fall off: no upper bound.
    #[error("the profile likelihood gives no upper bound: the data do not bound the total")]
    Unbounded,
    /// The bootstrap could not give an interval.
    #[error(
        "the bootstrap gave no interval (too few resamples could be estimated, or all on one side of the estimate)"
    )]
    BootstrapFailed,
}

/// How the model is chosen.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// Main effects only.
    Independence,
    /// SparseMSE's stepwise selection at a significance threshold.
    Stepwise { threshold: f64 },
    /// The smallest BIC a downhill search over two-list models reaches.
    Bic,
    /// The analyst's model.
    Fixed(Model),
}

impl Method {
    /// The method's code, as the API and the audit trail name it.
    pub fn code(&self) -> &'static str {
        match self {
            Method::Stepwise { .. } => "stepwise",
            Method::Independence => "independence",
            Method::Bic => "bic",
            Method::Fixed(_) => "fixed",
        }
    }

    /// The method in words.
    pub fn describe(&self, names: &[String]) -> String {
        match self {
            Method::Independence => "independence (main effects only)".into(),
            Method::Stepwise { threshold } => format!("stepwise, threshold p < {threshold}"),
            Method::Bic => "downhill search by BIC".into(),
            Method::Fixed(m) => format!("the chosen model: {}", m.describe(names)),
        }
    }
}

/// What to estimate and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub method: Method,
    /// The intervals' coverage, e.g. 0.95.
    pub level: f64,
    /// The BCa bootstrap, if wanted.
    pub bootstrap: Option<Resampling>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            method: Method::Stepwise {
                threshold: DEFAULT_THRESHOLD,
            },
            level: 0.95,
            bootstrap: Some(Resampling::default()),
        }
    }
}

/// An interaction of lists that never overlap: a structural zero in the model, with the
/// probability that the overlap would be empty under the model without it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmptyOverlap {
    pub term: String,
    pub probability: f64,
}

/// One fitted model and its estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fitted {
    /// The interactions, `A:B`, in the order chosen (empty: independence).
    pub terms: Vec<String>,
    /// Interactions of lists that never overlap (in `terms` too).
    pub empty_overlaps: Vec<EmptyOverlap>,
    /// The persons seen.
    pub observed: u64,
    /// The estimated persons seen by no list.
    pub unobserved: f64,
    /// `observed + unobserved`.
    pub total: f64,
    /// The conditional interval (normal on the log of the unseen).
    pub conditional: Interval,
    /// The profile-likelihood estimate and interval.
    pub profile_total: Option<f64>,
    pub profile: Option<Interval>,
    /// Parameters (intercept, lists, interactions including those of lists that never
    /// overlap).
    pub parameters: usize,
    pub deviance: f64,
    /// Residual degrees of freedom: kept cells minus fitted parameters.
    pub df: i64,
    pub aic: f64,
    pub bic: f64,
}

/// An estimate with everything needed to read and check it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub lists: Vec<String>,
    pub observed: u64,
    /// How the model was chosen, in words.
    pub method: String,
    pub level: f64,
    /// The chosen model.
    pub model: Fitted,
    /// The independence model beside it (absent when its estimate does not exist).
    pub independence: Option<Fitted>,
    /// The interactions the stepwise selection added, in order.
    pub steps: Vec<Step>,
    /// The bootstrap interval over the choice of model.
    pub bootstrap: Option<Bootstrap>,
}

/// Checks `model` on `h` and refuses it with the reason.
fn checked(h: &Histories, model: &Model, checks: &mut Checks) -> Result<(), MseError> {
    let c = checks.check(h, model);
    let name = || model.describe(h.names());
    if !c.identifiable {
        return Err(MseError::NotIdentifiable(name()));
    }
    if !c.exists {
        return Err(MseError::DoesNotExist(name()));
    }
    Ok(())
}

/// Chooses and fits the model of `method`. `strict`: refuse a chosen model that fails the
/// checks (a published estimate); otherwise take the fit as the method leaves it, as the
/// bootstrap's resamples do in SparseMSE.
fn choose(
    h: &Histories,
    method: &Method,
    checks: &mut Checks,
    strict: bool,
) -> Result<Selected, MseError> {
    let s = match method {
        Method::Independence => {
            checked(h, &Model::independence(), checks)?;
            select::fitted(h, Model::independence())?
        }
        Method::Fixed(m) => {
            let k = h.lists();
            if let Some((i, j)) = m.pairs().iter().find(|(i, j)| *j >= k || i == j) {
                return Err(MseError::UnknownTerm(format!("({i}, {j})")));
            }
            checked(h, m, checks)?;
            select::fitted(h, m.clone())?
        }
        Method::Stepwise { threshold } => select::stepwise(h, *threshold, checks)?,
        Method::Bic => {
            checked(h, &Model::independence(), checks)?;
            select::downhill_bic(h, checks)?
        }
    };
    if strict {
        checked(h, &s.model, checks)?;
    }
    Ok(s)
}

/// The total that `method` estimates on `h` (no intervals): a bootstrap's replicate.
pub(crate) fn point(h: &Histories, method: &Method, checks: &mut Checks) -> Result<f64, MseError> {
    let s = choose(h, method, checks, false)?;
    Ok(s.design.total() + s.fit.intercept().exp())
}

/// The probability that each empty overlap of `s`'s model would be empty under the
/// model without its interaction (SparseMSE's `poisspempty`).
fn empty_probabilities(h: &Histories, s: &Selected) -> Vec<EmptyOverlap> {
    s.design
        .empty
        .iter()
        .map(|pair| {
            let without = s.model.without(*pair);
            let both = (1usize << pair.0) | (1usize << pair.1);
            let probability = select::fitted(h, without).map_or(f64::NAN, |f| {
                let lambda: f64 = f
                    .design
                    .cells
                    .iter()
                    .zip(f.fit.mu.iter())
                    .filter(|(c, _)| *c & both == both)
                    .map(|(_, m)| m)
                    .sum();
                (-lambda).exp()
            });
            EmptyOverlap {
                term: pair_name(h.names(), *pair),
                probability,
            }
        })
        .collect()
}

fn report(h: &Histories, s: &Selected, level: f64) -> Fitted {
    let observed = h.observed();
    #[allow(clippy::cast_precision_loss)]
    let seen = observed as f64;
    let unobserved = s.fit.intercept().exp();
    let profile = interval::profile(&s.design, &s.fit, level).ok();
    let (aic, bic) = select::criteria(s, seen);
    let cells = i64::try_from(s.design.cells.len()).unwrap_or(i64::MAX);
    let fitted = i64::try_from(s.design.parameters()).unwrap_or(i64::MAX);
    Fitted {
        terms: s
            .model
            .pairs()
            .iter()
            .map(|p| pair_name(h.names(), *p))
            .collect(),
        empty_overlaps: empty_probabilities(h, s),
        observed,
        unobserved,
        total: seen + unobserved,
        conditional: interval::conditional(&s.fit, seen, level),
        profile_total: profile.map(|p| p.0),
        profile: profile.map(|p| p.1),
        parameters: s.design.parameters() + s.design.empty.len(),
        deviance: s.fit.deviance,
        df: cells - fitted,
        aic,
        bic,
    }
}

/// Estimates the total of `h` as `options` say: the chosen model with its conditional
/// and profile-likelihood intervals, the independence model beside it, and the BCa
/// bootstrap if asked. Refuses, with the reason, a table or model without an estimate.
pub fn estimate(h: &Histories, options: &Options) -> Result<Estimate, MseError> {
    if !(options.level > 0.0 && options.level < 1.0) {
        return Err(MseError::Input("the level must lie between 0 and 1".into()));
    }
    let mut checks = Checks::default();
    let chosen = choose(h, &options.method, &mut checks, true)?;
    let model = report(h, &chosen, options.level);
    let independence = choose(h, &Method::Independence, &mut checks, true)
        .ok()
        .map(|s| report(h, &s, options.level));
    let bootstrap = match options.bootstrap {
        Some(how) if how.replicates > 0 => Some(bootstrap::bca(
            h,
            &options.method,
            model.total,
            options.level,
            how,
        )?),
        _ => None,
    };
    Ok(Estimate {
        lists: h.names().to_vec(),
        observed: h.observed(),
        method: options.method.describe(h.names()),
        level: options.level,
        model,
        independence,
        steps: chosen.steps,
        bootstrap,
    })
}
