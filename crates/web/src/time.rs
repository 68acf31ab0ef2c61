//! Moments as the pages show them: in Netherlands time (Europe/Amsterdam, with summer
//! and winter time as the IANA database has them), whatever the server's own zone. The
//! use cases keep and compare instants in UTC; only here do they become a local day and
//! clock time. Each page names the zone once (the footer, `time.zone`), never a cell.
//! A date that has no time of day (a date of birth, the day a note happened or consent
//! was given) is a date as typed: it is never passed through here.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::{Europe::Amsterdam, Tz};

/// An instant in Netherlands time.
pub(crate) fn local(at: DateTime<Utc>) -> DateTime<Tz> {
    at.with_timezone(&Amsterdam)
}

/// The day of an instant in the Netherlands ("2026-03-02").
pub(crate) fn day(at: DateTime<Utc>) -> String {
    local(at).format("%Y-%m-%d").to_string()
}

/// An instant to the minute, in Netherlands time ("2026-03-02 00:30").
pub(crate) fn day_time(at: DateTime<Utc>) -> String {
    local(at).format("%Y-%m-%d %H:%M").to_string()
}

/// An instant to the second, in Netherlands time ("2026-03-02 00:30:15"), for the
/// audit trail, where the order of entries within a minute matters.
pub(crate) fn day_time_seconds(at: DateTime<Utc>) -> String {
    local(at).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// How many days in the Netherlands lie between `at` and `now` (0: the same day).
pub(crate) fn days_ago(at: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (local(now).date_naive() - local(at).date_naive()).num_days()
}

/// The clock time of an instant in the Netherlands ("00:30").
pub(crate) fn clock(at: DateTime<Utc>) -> String {
    local(at).format("%H:%M").to_string()
}

/// The instant a day in the Netherlands begins (its local midnight, as UTC), for a filter
/// given as days. Midnight always exists in Amsterdam (the clocks change at 02:00 and
/// 03:00); were it ever skipped, the first instant of the day after the gap is taken.
pub(crate) fn start_of(d: NaiveDate) -> DateTime<Utc> {
    let midnight = d.and_time(NaiveTime::MIN);
    let local = midnight
        .and_local_timezone(Amsterdam)
        .earliest()
        .or_else(|| {
            (1..=3)
                .map(|h| midnight + chrono::Duration::hours(h))
                .find_map(|t| t.and_local_timezone(Amsterdam).earliest())
        });
    local.map_or_else(|| midnight.and_utc(), |l| l.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn days_ago_counts_dutch_calendar_days() {
        let now = utc(2026, 3, 2, 8, 0);
        assert_eq!(
            days_ago(utc(2026, 3, 1, 23, 30), now),
            0,
            "00:30 on 2 March"
        );
        assert_eq!(days_ago(utc(2026, 3, 1, 22, 30), now), 1);
        assert_eq!(days_ago(utc(2026, 2, 20, 8, 0), now), 10);
    }

    #[test]
    fn winter_time_is_an_hour_ahead_of_utc_and_summer_time_two() {
        assert_eq!(day_time(utc(2026, 1, 15, 10, 5)), "2026-01-15 11:05");
        assert_eq!(day_time(utc(2026, 7, 15, 10, 5)), "2026-07-15 12:05");
        assert_eq!(clock(utc(2026, 7, 15, 10, 5)), "12:05");
        assert_eq!(local(utc(2026, 7, 15, 10, 5)).offset().to_string(), "CEST");
        assert_eq!(local(utc(2026, 1, 15, 10, 5)).offset().to_string(), "CET");
    }

    #[test]
    fn half_past_eleven_utc_is_already_the_next_day_in_amsterdam() {
        let late = utc(2026, 3, 1, 23, 30);
        assert_eq!(day(late), "2026-03-02");
        assert_eq!(day_time(late), "2026-03-02 00:30");
        assert_eq!(day_time_seconds(late), "2026-03-02 00:30:00");
        // In summer already from 22:00 UTC.
        assert_eq!(day(utc(2026, 6, 30, 22, 0)), "2026-07-01");
        assert_eq!(day(utc(2026, 6, 30, 21, 59)), "2026-06-30");
    }

    #[test]
    fn the_clocks_change_on_the_last_sundays_of_march_and_october() {
        // 2026-03-29 01:00 UTC: 02:00 CET becomes 03:00 CEST.
        assert_eq!(day_time(utc(2026, 3, 29, 0, 59)), "2026-03-29 01:59");
        assert_eq!(day_time(utc(2026, 3, 29, 1, 0)), "2026-03-29 03:00");
        // 2026-10-25 01:00 UTC: 03:00 CEST becomes 02:00 CET.
        assert_eq!(day_time(utc(2026, 10, 25, 0, 59)), "2026-10-25 02:59");
        assert_eq!(day_time(utc(2026, 10, 25, 1, 0)), "2026-10-25 02:00");
    }

    #[test]
    fn a_day_begins_at_local_midnight() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(start_of(d(2026, 1, 15)), utc(2026, 1, 14, 23, 0));
        assert_eq!(start_of(d(2026, 7, 15)), utc(2026, 7, 14, 22, 0));
        assert_eq!(start_of(d(2026, 3, 29)), utc(2026, 3, 28, 23, 0));
        assert_eq!(start_of(d(2026, 3, 30)), utc(2026, 3, 29, 22, 0));
    }
}
