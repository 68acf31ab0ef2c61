//! Age bands, derived from a date of birth or a stated age at the time of an event.

use crate::code_enum;
use chrono::{Datelike, NaiveDate};

code_enum! {
    /// The age band the monitor counts in.
    pub enum AgeBand as "age band" {
        Under12 = "0-11",
        From12To17 = "12-17",
        From18To22 = "18-22",
        From23To29 = "23-29",
        From30To39 = "30-39",
        From40To49 = "40-49",
        From50 = "50+",
        Unknown = "unknown",
    }
}

/// Age in whole years on `on` of someone born on `born` (`None` if born later).
pub fn age_on(born: NaiveDate, on: NaiveDate) -> Option<u32> {
    let mut years = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

impl AgeBand {
    /// The band of an age in years (`None`: unknown).
    pub fn of_age(age: Option<u32>) -> Self {
        match age {
            None => AgeBand::Unknown,
            Some(0..=11) => AgeBand::Under12,
            Some(12..=17) => AgeBand::From12To17,
            Some(18..=22) => AgeBand::From18To22,
            Some(23..=29) => AgeBand::From23To29,
            Some(30..=39) => AgeBand::From30To39,
            Some(40..=49) => AgeBand::From40To49,
            Some(_) => AgeBand::From50,
        }
    }

    /// Whether the band is of a minor (`None` when unknown).
    pub fn is_minor(self) -> Option<bool> {
        match self {
            AgeBand::Under12 | AgeBand::From12To17 => Some(true),
            AgeBand::Unknown => None,
            _ => Some(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_birthday_counts_on_the_day_itself() {
        assert_eq!(age_on(d(2008, 6, 15), d(2026, 6, 14)), Some(17));
        assert_eq!(age_on(d(2008, 6, 15), d(2026, 6, 15)), Some(18));
        assert_eq!(age_on(d(2008, 2, 29), d(2026, 2, 28)), Some(17));
        assert_eq!(age_on(d(2008, 2, 29), d(2026, 3, 1)), Some(18));
        assert_eq!(age_on(d(2030, 1, 1), d(2026, 1, 1)), None);
    }

    #[test]
    fn bands_have_no_gaps_and_no_overlaps() {
        let expected = [
            (0, "0-11"),
            (11, "0-11"),
            (12, "12-17"),
            (17, "12-17"),
            (18, "18-22"),
            (22, "18-22"),
            (23, "23-29"),
            (29, "23-29"),
            (30, "30-39"),
            (39, "30-39"),
            (40, "40-49"),
            (49, "40-49"),
            (50, "50+"),
            (97, "50+"),
        ];
        for (age, band) in expected {
            assert_eq!(AgeBand::of_age(Some(age)).as_str(), band, "{age}");
        }
        assert_eq!(AgeBand::of_age(None), AgeBand::Unknown);
        assert_eq!(AgeBand::of_age(Some(17)).is_minor(), Some(true));
        assert_eq!(AgeBand::of_age(Some(18)).is_minor(), Some(false));
    }
}
