//! Months, quarters and years: the only time the monitor knows.

use std::fmt;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// The year (1900–2999).
    pub year: u16,
    /// The month (1–12).
    pub month: u8,
}

impl Month {
    /// Reads `YYYY-MM`; `None` for anything else.
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !(y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let year: u16 = y.parse().ok()?;
        let month: u8 = m.parse().ok()?;
        ((1900..=2999).contains(&year) && (1..=12).contains(&month))
            .then_some(Month { year, month })
    }

    /// Its quarter, `YYYY-Qn`.
    pub fn quarter(self) -> String {
        format!("{}-Q{}", self.year, (self.month - 1) / 3 + 1)
    }

    /// Its year, `YYYY`.
    pub fn year(self) -> String {
        format!("{:04}", self.year)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The grain of the period dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grain {
    /// `YYYY-MM`.
    Month,
    /// `YYYY-Qn`.
    Quarter,
    /// `YYYY`.
    Year,
}

impl Grain {
    /// The column holding the period at this grain.
    pub(crate) fn column(self) -> &'static str {
        match self {
            Grain::Month => "month",
            Grain::Quarter => "quarter",
            Grain::Year => "year",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_read_strictly_and_know_their_quarter() {
        let m = Month::parse("2026-11").unwrap();
        assert_eq!(
            (m.to_string(), m.quarter(), m.year()),
            ("2026-11".into(), "2026-Q4".into(), "2026".into())
        );
        assert_eq!(Month::parse("2026-01").unwrap().quarter(), "2026-Q1");
        for bad in [
            "2026-13", "2026-00", "26-01", "2026-1", "2026/01", "2026-01'", "abcd-ef", "",
        ] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }
}
