//! A log-linear model over capture histories and its design: the main effect of every
//! list and a chosen set of two-list interactions; the histories a model leaves out
//! because two of its interacting lists never overlap.

use super::histories::Histories;
use nalgebra::{DMatrix, DVector};

/// The terms of a model beyond the main effects: two-list interactions `(i, j)`, `i < j`,
/// in the order they were chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Model {
    pairs: Vec<(usize, usize)>,
}

impl Model {
    /// Main effects only: the lists are independent given the model.
    pub fn independence() -> Model {
        Model::default()
    }

    /// Main effects and every two-list interaction among `lists` lists.
    pub fn all_pairs(lists: usize) -> Model {
        let mut m = Model::default();
        for i in 0..lists {
            for j in i + 1..lists {
                m.pairs.push((i, j));
            }
        }
        m
    }

    /// Main effects and the interactions `pairs` (each ordered, repeats dropped).
    pub fn with_pairs(pairs: impl IntoIterator<Item = (usize, usize)>) -> Model {
        let mut m = Model::default();
        for p in pairs {
            m = m.and(p);
        }
        m
    }

    /// This model with the interaction `(i, j)` added.
    pub fn and(&self, (i, j): (usize, usize)) -> Model {
        let p = (i.min(j), i.max(j));
        let mut m = self.clone();
        if !m.pairs.contains(&p) && p.0 != p.1 {
            m.pairs.push(p);
        }
        m
    }

    /// This model without the interaction `pair`.
    pub fn without(&self, pair: (usize, usize)) -> Model {
        Model {
            pairs: self.pairs.iter().copied().filter(|p| *p != pair).collect(),
        }
    }

    /// The interactions, in the order chosen.
    pub fn pairs(&self) -> &[(usize, usize)] {
        &self.pairs
    }

    /// Whether `(i, j)` is in the model.
    pub fn has(&self, pair: (usize, usize)) -> bool {
        self.pairs.contains(&pair)
    }

    /// The model a list of interactions names: `A:B` terms by the lists' names,
    /// separated by `+` or `,`; empty or `independence` for none.
    pub fn parse(spec: &str, names: &[String]) -> Result<Model, String> {
        let spec = spec.trim();
        if spec.is_empty() || spec == "independence" {
            return Ok(Model::independence());
        }
        let index = |n: &str| {
            names
                .iter()
                .position(|m| m == n.trim())
                .ok_or_else(|| format!("`{}` is not one of the lists", n.trim()))
        };
        let mut model = Model::independence();
        for term in spec.split(['+', ',']) {
            let (a, b) = term
                .split_once(':')
                .ok_or_else(|| format!("`{}` is not an interaction `A:B`", term.trim()))?;
            let (i, j) = (index(a)?, index(b)?);
            if i == j {
                return Err(format!("`{}` pairs a list with itself", term.trim()));
            }
            model = model.and((i, j));
        }
        Ok(model)
    }

    /// The terms in words, `A:B + C:D` (or `independence`), with the lists' names.
    pub fn describe(&self, names: &[String]) -> String {
        if self.pairs.is_empty() {
            return "independence".into();
        }
        self.pairs
            .iter()
            .map(|p| pair_name(names, *p))
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

/// `A:B` for the pair of lists `(i, j)`.
pub fn pair_name(names: &[String], (i, j): (usize, usize)) -> String {
    let name = |k: usize| names.get(k).map_or("?", String::as_str);
    format!("{}:{}", name(i), name(j))
}

/// The Poisson regression a model makes of a table: one row per capture history it keeps
/// (every observed or unobserved combination except those holding both lists of an
/// interaction whose lists never overlap: those cells are structurally empty), one
/// column for the intercept (the log of the persons on no list), one per list and one
/// per interaction whose lists do overlap.
#[derive(Debug, Clone)]
pub struct Design {
    /// The kept histories, in increasing bit order.
    pub(crate) cells: Vec<usize>,
    /// The interactions with a column.
    pub(crate) fitted: Vec<(usize, usize)>,
    /// The interactions of the model whose lists never overlap.
    pub(crate) empty: Vec<(usize, usize)>,
    pub(crate) x: DMatrix<f64>,
    pub(crate) y: DVector<f64>,
}

impl Design {
    /// The design of `model` over `h`.
    pub fn of(h: &Histories, model: &Model) -> Design {
        let k = h.lists();
        let (fitted, empty): (Vec<_>, Vec<_>) = model
            .pairs()
            .iter()
            .partition(|(i, j)| h.overlap(*i, *j) > 0);
        let banned: Vec<usize> = empty.iter().map(|(i, j)| (1 << i) | (1 << j)).collect();
        let cells: Vec<usize> = (1..(1usize << k))
            .filter(|c| banned.iter().all(|b| c & b != *b))
            .collect();
        let cols = 1 + k + fitted.len();
        let x = DMatrix::from_fn(cells.len(), cols, |r, col| {
            let c = cells.get(r).copied().unwrap_or(0);
            let on = if col == 0 {
                true
            } else if col <= k {
                c & (1 << (col - 1)) != 0
            } else {
                fitted
                    .get(col - 1 - k)
                    .is_some_and(|(i, j)| c & (1 << i) != 0 && c & (1 << j) != 0)
            };
            if on { 1.0 } else { 0.0 }
        });
        // Persons are counted in whole numbers far below 2^53: exact as f64.
        #[allow(clippy::cast_precision_loss)]
        let y = DVector::from_iterator(cells.len(), cells.iter().map(|c| h.count(*c) as f64));
        Design {
            cells,
            fitted,
            empty,
            x,
            y,
        }
    }

    /// The same design with the unobserved history added as a row of its own (the
    /// intercept alone) holding `n0` persons: the complete table at a supposed number
    /// of unseen persons, as the profile likelihood fits it.
    pub(crate) fn completed(&self, n0: f64) -> Design {
        let (rows, cols) = self.x.shape();
        let mut x = self.x.clone().insert_row(rows, 0.0);
        if cols > 0 {
            x[(rows, 0)] = 1.0;
        }
        let y = self.y.clone().push(n0);
        let mut cells = self.cells.clone();
        cells.push(0);
        Design {
            cells,
            fitted: self.fitted.clone(),
            empty: self.empty.clone(),
            x,
            y,
        }
    }

    /// The number of parameters fitted.
    pub fn parameters(&self) -> usize {
        self.x.ncols()
    }

    /// The persons in the kept cells.
    pub(crate) fn total(&self) -> f64 {
        self.y.sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interaction_of_lists_that_never_overlap_removes_their_cells_not_a_column() {
        // A and B overlap; B and C never do.
        let h = Histories::new(
            vec!["A".into(), "B".into(), "C".into()],
            [(0b001, 10), (0b010, 8), (0b100, 6), (0b011, 3), (0b101, 2)],
        )
        .unwrap();
        let d = Design::of(&h, &Model::with_pairs([(0, 1), (1, 2)]));
        assert_eq!(d.fitted, vec![(0, 1)]);
        assert_eq!(d.empty, vec![(1, 2)]);
        assert_eq!(d.cells, vec![0b001, 0b010, 0b011, 0b100, 0b101]);
        assert_eq!(d.parameters(), 5);
        assert_eq!(d.total(), 29.0);
        let full = d.completed(7.0);
        assert_eq!(
            full.x.row(5).iter().copied().collect::<Vec<_>>(),
            [1.0, 0.0, 0.0, 0.0, 0.0]
        );
        assert_eq!(full.y[5], 7.0);
    }

    #[test]
    fn a_model_is_described_by_its_interactions() {
        let names: Vec<String> = ["LA", "NG", "PF"].map(String::from).to_vec();
        assert_eq!(Model::independence().describe(&names), "independence");
        assert_eq!(
            Model::with_pairs([(2, 0), (1, 2), (0, 2)]).describe(&names),
            "LA:PF + NG:PF"
        );
        assert_eq!(Model::all_pairs(3).pairs().len(), 3);
    }

    #[test]
    fn a_model_is_read_from_its_terms_by_name() {
        let names: Vec<String> = ["LA", "NG", "PF"].map(String::from).to_vec();
        let m = Model::parse("PF:LA + NG:PF", &names).unwrap();
        assert_eq!(m.pairs(), [(0, 2), (1, 2)]);
        assert_eq!(Model::parse("", &names).unwrap(), Model::independence());
        assert_eq!(
            Model::parse("LA:NG,LA:NG", &names).unwrap().pairs().len(),
            1
        );
        for bad in ["LA", "LA:XX", "LA:LA", "LA:NG:PF"] {
            assert!(Model::parse(bad, &names).is_err(), "{bad}");
        }
    }
}
