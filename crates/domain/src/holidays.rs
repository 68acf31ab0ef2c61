//! Working days: Monday to Friday, less the Dutch public holidays, as data.
//!
//! The holidays are those the Algemene termijnenwet (the General Time Limits Act)
//! treats as Sundays for statutory time limits: New Year's Day, Easter Monday, King's
//! Day, Liberation Day, Ascension Day, Whit Monday and both days of Christmas; Easter
//! Sunday and Whit Sunday are listed too for completeness (they are Sundays anyway).
//! Liberation Day (5 May) counts every year, as in that Act, not only in the lustrum
//! years in which many employers give the day off. Good Friday is not a public holiday.
//!
//! Dates are calendar dates as the caller gives them (the deadlines count in UTC). This
//! module only answers questions about dates; it reads no clock.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// How a holiday falls in a given year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolidayRule {
    /// The same month and day every year.
    Fixed { month: u32, day: u32 },
    /// A number of days after Easter Sunday (Gregorian).
    AfterEaster { days: i64 },
    /// King's Day: 27 April, or 26 April when the 27th is a Sunday.
    KingsDay,
}

/// One public holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    /// Its name, in Dutch.
    pub name: &'static str,
    /// When it falls.
    pub rule: HolidayRule,
}

/// The Dutch public holidays on which no working time passes.
pub const DUTCH_HOLIDAYS: &[Holiday] = &[
    Holiday {
        name: "Nieuwjaarsdag",
        rule: HolidayRule::Fixed { month: 1, day: 1 },
    },
    Holiday {
        name: "Eerste Paasdag",
        rule: HolidayRule::AfterEaster { days: 0 },
    },
    Holiday {
        name: "Tweede Paasdag",
        rule: HolidayRule::AfterEaster { days: 1 },
    },
    Holiday {
        name: "Koningsdag",
        rule: HolidayRule::KingsDay,
    },
    Holiday {
        name: "Bevrijdingsdag",
        rule: HolidayRule::Fixed { month: 5, day: 5 },
    },
    Holiday {
        name: "Hemelvaartsdag",
        rule: HolidayRule::AfterEaster { days: 39 },
    },
    Holiday {
        name: "Eerste Pinksterdag",
        rule: HolidayRule::AfterEaster { days: 49 },
    },
    Holiday {
        name: "Tweede Pinksterdag",
        rule: HolidayRule::AfterEaster { days: 50 },
    },
    Holiday {
        name: "Eerste Kerstdag",
        rule: HolidayRule::Fixed { month: 12, day: 25 },
    },
    Holiday {
        name: "Tweede Kerstdag",
        rule: HolidayRule::Fixed { month: 12, day: 26 },
    },
];

/// Easter Sunday of `year` in the Gregorian calendar (the anonymous Gregorian
/// algorithm of Meeus, Jones and Butcher).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

impl HolidayRule {
    /// The date of this holiday in `year`.
    pub fn in_year(self, year: i32) -> Option<NaiveDate> {
        match self {
            HolidayRule::Fixed { month, day } => NaiveDate::from_ymd_opt(year, month, day),
            HolidayRule::AfterEaster { days } => {
                easter_sunday(year).map(|e| e + Duration::days(days))
            }
            HolidayRule::KingsDay => {
                let d = NaiveDate::from_ymd_opt(year, 4, 27)?;
                Some(if d.weekday() == Weekday::Sun {
                    d - Duration::days(1)
                } else {
                    d
                })
            }
        }
    }
}

/// Whether `date` is one of `holidays`.
pub fn is_holiday(date: NaiveDate, holidays: &[Holiday]) -> bool {
    holidays
        .iter()
        .any(|h| h.rule.in_year(date.year()) == Some(date))
}

/// Whether working time passes on `date`: a weekday that is not a Dutch public holiday.
pub fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !is_holiday(date, DUTCH_HOLIDAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_falls_on_the_published_dates() {
        for (year, month, day) in [
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2028, 4, 16),
            (2030, 4, 21),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter_sunday(year), Some(d(year, month, day)), "{year}");
        }
    }

    #[test]
    fn the_dutch_holidays_of_2026_are_not_working_days() {
        for day in [
            d(2026, 1, 1),
            d(2026, 4, 6),   // Easter Monday
            d(2026, 4, 27),  // King's Day (a Monday)
            d(2026, 5, 5),   // Liberation Day
            d(2026, 5, 14),  // Ascension Day
            d(2026, 5, 25),  // Whit Monday
            d(2026, 12, 25), // Christmas (a Friday)
        ] {
            assert!(!is_working_day(day), "{day}");
        }
        // Good Friday, an ordinary Wednesday and the day before King's Day are.
        for day in [d(2026, 4, 3), d(2026, 3, 4), d(2026, 4, 24)] {
            assert!(is_working_day(day), "{day}");
        }
        assert!(!is_working_day(d(2026, 3, 7)), "a Saturday");
    }

    #[test]
    fn kings_day_moves_to_saturday_when_the_27th_is_a_sunday() {
        // 27 April 2025 was a Sunday.
        assert_eq!(HolidayRule::KingsDay.in_year(2025), Some(d(2025, 4, 26)));
        assert_eq!(HolidayRule::KingsDay.in_year(2026), Some(d(2026, 4, 27)));
    }
}
