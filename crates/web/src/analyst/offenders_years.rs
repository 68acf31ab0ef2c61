//! The years the offender tables page asks for: its form's two fields read into a
//! checked span of whole calendar years (the API's bounds: 1900 to 2999, at most 20
//! years), or the problem of each field at fault; both fields empty mean the current
//! year and the four before. Pure: no database, no HTTP.

use crate::forms::Problems;

/// The most years one offender table spans (the API's `MAX_YEARS`).
pub(crate) const MAX_YEARS: u16 = 20;
/// How many years a first visit shows, the current one included.
const DEFAULT_YEARS: u16 = 5;

/// The years as the form sends them.
#[derive(Debug, Default)]
pub(crate) struct YearsQuery {
    from: Option<String>,
    to: Option<String>,
}

impl YearsQuery {
    pub(crate) fn new(from: Option<String>, to: Option<String>) -> YearsQuery {
        YearsQuery { from, to }
    }

    /// The first year as typed ("" when absent), for showing the form again.
    pub(crate) fn first_typed(&self) -> &str {
        self.from.as_deref().map_or("", str::trim)
    }

    /// The last year as typed ("" when absent).
    pub(crate) fn last_typed(&self) -> &str {
        self.to.as_deref().map_or("", str::trim)
    }
}

/// A checked span of whole years: `from` ≤ `to`, at most [`MAX_YEARS`] of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Years {
    pub(crate) from: u16,
    pub(crate) to: u16,
}

impl Years {
    /// The current year and the four before.
    pub(crate) fn default_for(current: u16) -> Years {
        Years {
            from: current.saturating_sub(DEFAULT_YEARS - 1),
            to: current,
        }
    }

    /// The query of links that keep these years.
    pub(crate) fn query(self) -> String {
        format!("from={}&to={}", self.from, self.to)
    }

    /// Each year, first to last, as the tables name them.
    pub(crate) fn each(self) -> Vec<String> {
        (self.from..=self.to).map(|y| format!("{y:04}")).collect()
    }
}

/// A year as typed: four digits, 1900 to 2999.
fn year(text: &str) -> Option<u16> {
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|y| (1900..=2999).contains(y))
}

/// The years `q` asks for (both empty: the default for `current`), or every field at
/// fault with its message key.
pub(crate) fn years_of(q: &YearsQuery, current: u16) -> Result<Years, Problems> {
    let (first, last) = (q.first_typed(), q.last_typed());
    if first.is_empty() && last.is_empty() {
        return Ok(Years::default_for(current));
    }
    let mut e = Problems::default();
    let (from, to) = (year(first), year(last));
    if from.is_none() {
        e.add("from_year", "offenders_tables.error.year");
    }
    match (from, to) {
        (_, None) => e.add("to_year", "offenders_tables.error.year"),
        (Some(f), Some(t)) if t < f => e.add("to_year", "offenders_tables.error.order"),
        (Some(f), Some(t)) if t - f >= MAX_YEARS => {
            e.add("to_year", "offenders_tables.error.span");
        }
        (Some(from), Some(to)) => return Ok(Years { from, to }),
        (None, Some(_)) => {}
    }
    Err(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(from: &str, to: &str) -> YearsQuery {
        YearsQuery::new(Some(from.to_owned()), Some(to.to_owned()))
    }

    #[test]
    fn no_years_mean_the_current_year_and_the_four_before() {
        let y = years_of(&YearsQuery::default(), 2026).unwrap();
        assert_eq!(
            y,
            Years {
                from: 2022,
                to: 2026
            }
        );
        assert_eq!(years_of(&asked(" ", ""), 2026).unwrap(), y);
        assert_eq!(y.query(), "from=2022&to=2026");
        assert_eq!(y.each(), ["2022", "2023", "2024", "2025", "2026"]);
    }

    #[test]
    fn each_bad_field_has_its_message() {
        for (from, to, field, key) in [
            ("2026", "2025", "to_year", "offenders_tables.error.order"),
            ("2000", "2020", "to_year", "offenders_tables.error.span"),
            ("twee", "2025", "from_year", "offenders_tables.error.year"),
            ("2025", "", "to_year", "offenders_tables.error.year"),
            ("1899", "1900", "from_year", "offenders_tables.error.year"),
            ("2025", "3000", "to_year", "offenders_tables.error.year"),
            ("+202", "2025", "from_year", "offenders_tables.error.year"),
            ("20250", "2025", "from_year", "offenders_tables.error.year"),
        ] {
            let e = years_of(&asked(from, to), 2026).unwrap_err();
            assert_eq!(e.of(field), Some(key), "{from}..{to}");
        }
        let both = years_of(&asked("x", "y"), 2026).unwrap_err();
        assert_eq!(both.items().len(), 2);
    }

    #[test]
    fn twenty_years_are_allowed_and_one_year_too() {
        let y = years_of(&asked("2000", "2019"), 2026).unwrap();
        assert_eq!(y.each().len(), 20);
        assert_eq!(
            years_of(&asked("2024", " 2024 "), 2026).unwrap(),
            Years {
                from: 2024,
                to: 2024
            }
        );
    }
}
