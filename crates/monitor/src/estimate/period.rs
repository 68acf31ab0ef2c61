//! A period's estimate: what the analyst asks for, and what is published of it — the
//! estimate for the whole period and for each year, the registered count and the overlap
//! table after disclosure control — with its CSV form.

use super::{Lists, Stratum};
use crate::disclosure::{self, ALL, RawCell, Rules};
use crate::mse::{self, Estimate, Histories, MseError};
use serde::Serialize;
use std::collections::BTreeMap;

/// What the analyst asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub lists: Lists,
    pub from_year: u16,
    pub to_year: u16,
    pub stratum: Option<Stratum>,
    pub options: mse::Options,
}

impl Request {
    /// What the audit trail records of the request before it is estimated, the same for
    /// every edge that asks: the period, the lists, the stratum, the method with its
    /// model or threshold, the bootstrap's resamples, and `view` (the edge's way of
    /// showing it: `api`, `page`, `csv`, `json`).
    pub fn audit_details(&self, view: &str) -> serde_json::Value {
        let method = &self.options.method;
        serde_json::json!({
            "view": view,
            "from": self.from_year,
            "to": self.to_year,
            "lists": self.lists.spec(),
            "stratum": self.stratum.map(Stratum::as_string),
            "method": method.code(),
            "model": match method {
                mse::Method::Fixed(m) => Some(m.describe(&self.lists.names())),
                _ => None,
            },
            "threshold": match method {
                mse::Method::Stepwise { threshold } => Some(*threshold),
                _ => None,
            },
            "bootstrap": self.options.bootstrap.map(|b| b.replicates),
        })
    }
}

/// One published cell of the overlap table: the lists of a capture history and its
/// persons after disclosure control (`None`: suppressed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverlapCell {
    pub lists: Vec<String>,
    pub persons: Option<i64>,
}

/// One year's estimate (for the chart), or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearEstimate {
    pub year: u16,
    /// Persons seen in the year, rounded down as published counts are.
    pub registered: i64,
    pub total: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub refused: Option<String>,
}

/// The estimate of a period, with what is published beside it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodEstimate {
    pub from_year: u16,
    pub to_year: u16,
    pub lists: Vec<(String, Vec<String>)>,
    pub stratum: Option<String>,
    /// Persons seen on at least one list in the period, rounded down as published counts.
    pub registered: i64,
    /// The overlap table after disclosure control.
    pub overlap: Vec<OverlapCell>,
    /// The estimate, or why there is none.
    pub estimate: Option<Estimate>,
    pub refused: Option<String>,
    /// The estimate per year of the period (independent of each other; no bootstrap).
    pub years: Vec<YearEstimate>,
}

/// The histories of `masks` (persons per set of lists).
fn histories(lists: &Lists, masks: &BTreeMap<u32, i64>) -> Result<Histories, MseError> {
    Histories::new(
        lists.names(),
        masks.iter().map(|(m, n)| {
            (
                usize::try_from(*m).unwrap_or(usize::MAX),
                u64::try_from(*n).unwrap_or(0),
            )
        }),
    )
}

/// The overlap table after disclosure control: every history of persons (and, when
/// a cell is suppressed, enough others that the total does not reveal it), rounded.
fn published_overlap(lists: &Lists, masks: &BTreeMap<u32, i64>, rules: Rules) -> Vec<OverlapCell> {
    let names = lists.names();
    let label = |m: u32| {
        names
            .iter()
            .enumerate()
            .filter(|(i, _)| m & (1 << i) != 0)
            .map(|(_, n)| n.clone())
            .collect::<Vec<_>>()
    };
    let keys: Vec<u32> = masks.keys().copied().collect();
    let categories = vec![keys.iter().map(|m| label(*m).join("+")).collect::<Vec<_>>()];
    let mut raw: Vec<RawCell> = masks
        .iter()
        .map(|(m, n)| RawCell {
            keys: vec![label(*m).join("+")],
            value: *n,
            persons: *n,
        })
        .collect();
    let total: i64 = masks.values().sum();
    raw.push(RawCell {
        keys: vec![ALL.to_owned()],
        value: total,
        persons: total,
    });
    disclosure::protect(&categories, &raw, rules)
        .into_iter()
        .filter(|c| c.keys.first().is_some_and(|k| k != ALL))
        .zip(keys)
        .map(|(c, m)| OverlapCell {
            lists: label(m),
            persons: c.value,
        })
        .collect()
}

fn rounded(n: i64, rules: Rules) -> i64 {
    if rules.rounding > 1 {
        n - n.rem_euclid(rules.rounding)
    } else {
        n
    }
}

/// The estimate of `request` from the persons per set of lists of the whole period
/// (`period`) and of each year (`years`).
pub(crate) fn estimate_of(
    request: &Request,
    period: &BTreeMap<u32, i64>,
    years: &[(u16, BTreeMap<u32, i64>)],
    rules: Rules,
) -> PeriodEstimate {
    let result =
        histories(&request.lists, period).and_then(|h| mse::estimate(&h, &request.options));
    let year_options = mse::Options {
        bootstrap: None,
        ..request.options.clone()
    };
    let years = years
        .iter()
        .map(|(year, masks)| {
            let registered = rounded(masks.values().sum(), rules);
            match histories(&request.lists, masks).and_then(|h| mse::estimate(&h, &year_options)) {
                Ok(e) => {
                    let i = e.model.profile.unwrap_or(e.model.conditional);
                    YearEstimate {
                        year: *year,
                        registered,
                        total: Some(e.model.total),
                        lower: Some(i.lower),
                        upper: Some(i.upper),
                        refused: None,
                    }
                }
                Err(err) => YearEstimate {
                    year: *year,
                    registered,
                    total: None,
                    lower: None,
                    upper: None,
                    refused: Some(err.to_string()),
                },
            }
        })
        .collect();
    let (estimate, refused) = match result {
        Ok(e) => (Some(e), None),
        Err(e) => (None, Some(e.to_string())),
    };
    PeriodEstimate {
        from_year: request.from_year,
        to_year: request.to_year,
        lists: request
            .lists
            .groups()
            .iter()
            .map(|(n, ks)| {
                (
                    n.clone(),
                    ks.iter().map(|k| k.as_str().to_owned()).collect(),
                )
            })
            .collect(),
        stratum: request.stratum.map(Stratum::as_string),
        registered: rounded(period.values().sum(), rules),
        overlap: published_overlap(&request.lists, period, rules),
        estimate,
        refused,
        years,
    }
}

impl PeriodEstimate {
    /// The estimate as CSV, in the columns of [`Estimate::to_csv`]: the period, lists and
    /// stratum, the registered count, the published overlap table, the estimate per
    /// year, then the estimate's own rows (or why there is none).
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["model", "quantity", "value", "lower", "upper"])?;
        let period = format!("{}-{}", self.from_year, self.to_year);
        w.write_record(["", "period", &period, "", ""])?;
        for (name, kinds) in &self.lists {
            w.write_record(["", "list", name, &kinds.join("+"), ""])?;
        }
        let stratum = self.stratum.clone().unwrap_or_else(|| "all persons".into());
        w.write_record(["", "stratum", &stratum, "", ""])?;
        w.write_record(["", "registered", &self.registered.to_string(), "", ""])?;
        for c in &self.overlap {
            let persons = c.persons.map_or("suppressed".to_owned(), |n| n.to_string());
            w.write_record(["overlap", &c.lists.join("+"), &persons, "", ""])?;
        }
        let num = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_default();
        for y in &self.years {
            let what = y.refused.clone().unwrap_or_else(|| num(y.total));
            w.write_record([
                "year",
                &y.year.to_string(),
                &what,
                &num(y.lower),
                &num(y.upper),
            ])?;
        }
        if let Some(reason) = &self.refused {
            w.write_record(["", "refused", reason, "", ""])?;
        }
        let mut out =
            String::from_utf8_lossy(&w.into_inner().map_err(|e| e.into_error())?).into_owned();
        if let Some(e) = &self.estimate {
            let rows = e.to_csv()?;
            out.extend(rows.lines().skip(1).map(|l| format!("{l}\n")));
        }
        Ok(out)
    }
}
