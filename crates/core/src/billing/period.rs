//! Billing periods: the boundaries `anchor + k × (interval × interval_count)` for every integer `k`, in UTC.
//!
//! Months and years are counted on the calendar from the anchor, never from the previous boundary, so a
//! period that had to be clamped to a short month springs back: an anchor on Jan 31 gives Feb 28 (29 in leap
//! years), then Mar 31. Days and weeks are fixed lengths of seconds (UTC has no daylight saving time).

use crate::Timestamp;
use crate::objects::price::{Interval, Recurring};

const DAY: i64 = 86_400;

/// How a subscription item recurs: its price's `interval` and `interval_count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cadence {
    pub interval: Interval,
    pub count: i64,
}

impl Cadence {
    pub fn new(interval: Interval, count: i64) -> Self {
        Self { interval, count: count.max(1) }
    }

    pub fn of(recurring: &Recurring) -> Self {
        Self::new(recurring.interval, recurring.interval_count)
    }

    /// The `k`-th boundary from `anchor` (negative `k` lies before it).
    pub fn boundary(&self, anchor: Timestamp, k: i64) -> Timestamp {
        let steps = k * self.count;
        match self.interval {
            Interval::Day => anchor + steps * DAY,
            Interval::Week => anchor + steps * 7 * DAY,
            Interval::Month => add_months(anchor, steps),
            Interval::Year => add_months(anchor, steps * 12),
        }
    }

    /// The period `[start, end)` that contains `t`.
    pub fn period_containing(&self, anchor: Timestamp, t: Timestamp) -> (Timestamp, Timestamp) {
        let mut k = self.estimate(anchor, t);
        while self.boundary(anchor, k) > t {
            k -= 1;
        }
        while self.boundary(anchor, k + 1) <= t {
            k += 1;
        }
        (self.boundary(anchor, k), self.boundary(anchor, k + 1))
    }

    /// The first boundary strictly after `t`.
    pub fn next_after(&self, anchor: Timestamp, t: Timestamp) -> Timestamp {
        self.period_containing(anchor, t).1
    }

    /// The boundary after `t` plus `n − 1` more, i.e. the end of `n` periods counted from the one holding `t`.
    pub fn end_after_periods(&self, anchor: Timestamp, t: Timestamp, n: i64) -> Timestamp {
        let (start, _) = self.period_containing(anchor, t);
        let k = self.index_of(anchor, start);
        self.boundary(anchor, k + n)
    }

    /// A rough step count from `anchor` to `t`, corrected by the callers' loops.
    fn estimate(&self, anchor: Timestamp, t: Timestamp) -> i64 {
        let span = (t - anchor) as f64;
        let unit = match self.interval {
            Interval::Day => DAY as f64,
            Interval::Week => (7 * DAY) as f64,
            Interval::Month => 30.436_875 * DAY as f64,
            Interval::Year => 365.2425 * DAY as f64,
        } * self.count as f64;
        (span / unit).floor() as i64
    }

    fn index_of(&self, anchor: Timestamp, boundary: Timestamp) -> i64 {
        let mut k = self.estimate(anchor, boundary);
        while self.boundary(anchor, k) > boundary {
            k -= 1;
        }
        while self.boundary(anchor, k) < boundary {
            k += 1;
        }
        k
    }
}

/// `t` moved by `months` calendar months, keeping the time of day and clamping the day to the month's length.
pub fn add_months(t: Timestamp, months: i64) -> Timestamp {
    let days = t.div_euclid(DAY);
    let seconds = t.rem_euclid(DAY);
    let (year, month, day) = civil_from_days(days);
    let index = year * 12 + (month as i64 - 1) + months;
    let (year, month) = (index.div_euclid(12), (index.rem_euclid(12) + 1) as u32);
    let day = day.min(days_in_month(year, month));
    days_from_civil(year, month, day) * DAY + seconds
}

pub fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap_year(year) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = month as i64;
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day as i64 - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day count since 1970-01-01: `(year, month 1–12, day 1–31)`.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
#[path = "period_tests.rs"]
mod tests;
