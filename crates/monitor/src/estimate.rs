//! The monitor's multiple systems estimate: lists as groups of agency kinds, a period of
//! whole years, optionally one stratum, the capture histories counted exactly from the
//! in-memory copy, and [`crate::mse`] run on them — for the whole period and for each of
//! its years. What leaves is the estimate, its intervals and model, and the overlap table
//! after disclosure control; the exact table never does.

use crate::disclosure::{self, ALL, RawCell, Rules};
use crate::mse::{self, Estimate, Histories, MseError};
use schakel_domain::{AgeBand, AgencyKind, ExploitationForm, Gender};
use serde::Serialize;
use std::collections::BTreeMap;

/// Lists: named groups of agency kinds. A kind is in at most one list; a person seen
/// only by kinds in no list is not counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lists {
    groups: Vec<(String, Vec<AgencyKind>)>,
}

/// Why lists, a period or a stratum cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListsError {
    #[error("list `{0}` has no agency kinds")]
    Empty(String),
    #[error("agency kind `{0}` is in more than one list")]
    Twice(String),
    #[error("list name `{0}` must be 1 to 40 letters, digits, `_` or `-`, and not repeated")]
    Name(String),
    #[error("`{0}` is not an agency kind")]
    Kind(String),
    #[error("`{0}` is not `name=kind+kind;…`")]
    Syntax(String),
}

impl Lists {
    /// The default grouping: police and inspectorates, care coordination, shelters,
    /// municipalities, NGOs, other (every kind in one of them).
    pub fn defaults() -> Lists {
        use AgencyKind as K;
        let group = |name: &str, kinds: &[AgencyKind]| (name.to_owned(), kinds.to_vec());
        Lists {
            groups: vec![
                group(
                    "police_inspectorates",
                    &[
                        K::Police,
                        K::RoyalMarechaussee,
                        K::LabourInspectorate,
                        K::Prosecution,
                        K::Immigration,
                    ],
                ),
                group(
                    "care_coordination",
                    &[K::CareCoordination, K::CoordinationCentre],
                ),
                group("shelters", &[K::ShelterCategorical, K::ShelterOther]),
                group("municipalities", &[K::Municipality]),
                group("ngos", &[K::Ngo, K::LegalAid]),
                group(
                    "other",
                    &[
                        K::YouthCare,
                        K::AsylumReception,
                        K::Guardianship,
                        K::HealthCare,
                        K::Education,
                        K::Rapporteur,
                        K::Other,
                    ],
                ),
            ],
        }
    }

    /// Lists from `name=kind+kind;name=kind…` (the form the page and the API send).
    pub fn parse(spec: &str) -> Result<Lists, ListsError> {
        let mut groups = Vec::new();
        for part in spec.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, kinds) = part
                .split_once('=')
                .ok_or_else(|| ListsError::Syntax(part.to_owned()))?;
            let kinds = kinds
                .split('+')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(|k| {
                    k.parse::<AgencyKind>()
                        .map_err(|_| ListsError::Kind(k.to_owned()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            groups.push((name.trim().to_owned(), kinds));
        }
        Lists::new(groups)
    }

    /// Checked lists.
    pub fn new(groups: Vec<(String, Vec<AgencyKind>)>) -> Result<Lists, ListsError> {
        let mut seen = Vec::new();
        for (i, (name, kinds)) in groups.iter().enumerate() {
            let ok = (1..=40).contains(&name.len())
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                && groups.iter().take(i).all(|(n, _)| n != name);
            if !ok {
                return Err(ListsError::Name(name.clone()));
            }
            if kinds.is_empty() {
                return Err(ListsError::Empty(name.clone()));
            }
            for k in kinds {
                if seen.contains(k) {
                    return Err(ListsError::Twice(k.as_str().to_owned()));
                }
                seen.push(*k);
            }
        }
        Ok(Lists { groups })
    }

    /// The lists' names.
    pub fn names(&self) -> Vec<String> {
        self.groups.iter().map(|(n, _)| n.clone()).collect()
    }

    /// The groups.
    pub fn groups(&self) -> &[(String, Vec<AgencyKind>)] {
        &self.groups
    }

    /// The lists as `parse` reads them.
    pub fn spec(&self) -> String {
        self.groups
            .iter()
            .map(|(n, ks)| {
                let kinds: Vec<&str> = ks.iter().map(|k| k.as_str()).collect();
                format!("{n}={}", kinds.join("+"))
            })
            .collect::<Vec<_>>()
            .join(";")
    }

    /// For every agency kind (by its position in `AgencyKind::ALL`), the bit of its list.
    pub(crate) fn bit_of_kind(&self) -> Vec<u32> {
        AgencyKind::ALL
            .iter()
            .map(|k| {
                self.groups
                    .iter()
                    .position(|(_, ks)| ks.contains(k))
                    .map_or(0, |i| 1u32 << i)
            })
            .collect()
    }
}

/// One stratum: the persons of one age band, gender or exploitation form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stratum {
    /// The age band at the person's first capture in the period.
    AgeBand(AgeBand),
    /// The gender at the person's first capture in the period.
    Gender(Gender),
    /// Any capture of the person in the period names this form (a person can be in
    /// more than one form's stratum).
    Form(ExploitationForm),
}

impl Stratum {
    /// `age_band:<code>`, `gender:<code>` or `exploitation_form:<code>`.
    pub fn parse(s: &str) -> Option<Stratum> {
        let (dim, code) = s.split_once(':')?;
        match dim {
            "age_band" => code.parse().ok().map(Stratum::AgeBand),
            "gender" => code.parse().ok().map(Stratum::Gender),
            "exploitation_form" => code.parse().ok().map(Stratum::Form),
            _ => None,
        }
    }

    /// The stratum as `parse` reads it.
    pub fn as_string(self) -> String {
        match self {
            Stratum::AgeBand(a) => format!("age_band:{}", a.as_str()),
            Stratum::Gender(g) => format!("gender:{}", g.as_str()),
            Stratum::Form(f) => format!("exploitation_form:{}", f.as_str()),
        }
    }

    /// Which code of which field the stratum keeps (position in its `ALL`).
    pub(crate) fn position(self) -> (StratumField, usize) {
        fn at<T: PartialEq>(all: &[T], v: &T) -> usize {
            all.iter().position(|x| x == v).unwrap_or(usize::MAX)
        }
        match self {
            Stratum::AgeBand(a) => (StratumField::Age, at(AgeBand::ALL, &a)),
            Stratum::Gender(g) => (StratumField::Gender, at(Gender::ALL, &g)),
            Stratum::Form(f) => (StratumField::Form, at(ExploitationForm::ALL, &f)),
        }
    }
}

/// The field a stratum reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StratumField {
    Age,
    Gender,
    Form,
}

/// What the analyst asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub lists: Lists,
    pub from_year: u16,
    pub to_year: u16,
    pub stratum: Option<Stratum>,
    pub options: mse::Options,
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
