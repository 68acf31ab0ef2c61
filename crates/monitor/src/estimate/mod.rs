//! The monitor's multiple systems estimate: lists as groups of agency kinds, a period of
//! whole years, optionally one stratum, the capture histories counted exactly from the
//! in-memory copy, and [`crate::mse`] run on them — for the whole period and for each of
//! its years. What leaves is the estimate, its intervals and model, and the overlap table
//! after disclosure control; the exact table never does.

use schakel_domain::{AgeBand, AgencyKind, ExploitationForm, Gender};

mod period;

pub(crate) use period::estimate_of;
pub use period::{OverlapCell, PeriodEstimate, Request, YearEstimate};

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
