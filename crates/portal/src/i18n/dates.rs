//! Dates in the request's locale, medium length, from CLDR (ICU4X): `Nov 25, 2026` in `en`, `25 Nov 2026` in
//! `en-GB`, `2026/11/25` in `ja`.

use std::cell::RefCell;
use std::collections::HashMap;

use icu_calendar::types::RataDie;
use icu_calendar::{Date, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::YMD;
use icu_locale_core::LanguageIdentifier;

type Formatter = FixedCalendarDateTimeFormatter<Gregorian, YMD>;

/// The Rata Die day number (day 1 = 0001-01-01, proleptic Gregorian) of 1970-01-01.
const UNIX_EPOCH_RATA_DIE: i64 = 719_163;
const SECONDS_PER_DAY: i64 = 86_400;

thread_local! {
    static FORMATTERS: RefCell<HashMap<String, Option<Formatter>>> = RefCell::new(HashMap::new());
}

/// The UTC calendar day of `unix` seconds. Always Gregorian, as Stripe's dates are, also where CLDR's default
/// calendar is another (Thai's is Buddhist); years beyond ICU4X's range (about ±9999) are clamped to it.
pub(super) fn format(locale: &LanguageIdentifier, tag: &str, unix: i64) -> String {
    let day = Date::from_rata_die(RataDie::new(UNIX_EPOCH_RATA_DIE + unix.div_euclid(SECONDS_PER_DAY)), Gregorian);
    super::cached(
        &FORMATTERS,
        tag,
        || Formatter::try_new(locale.into(), YMD::medium()).ok(),
        |formatter| match formatter {
            Some(formatter) => formatter.format(&day).to_string(),
            None => {
                tracing::warn!(locale = tag, "portal cannot format dates in this locale");
                format!("{:04}-{:02}-{:02}", day.year().extended_year(), day.month().ordinal, day.day_of_month().0)
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::i18n::Lang;

    /// 2026-11-25 00:00:00 UTC.
    const NOV_25_2026: i64 = 1_795_564_800;

    fn date(tag: &str, unix: i64) -> String {
        Lang::negotiate(Some(tag), &[], None).date(unix)
    }

    #[test]
    fn medium_dates_follow_the_locale() {
        assert_eq!(date("en", NOV_25_2026), "Nov 25, 2026");
        assert_eq!(date("en-GB", NOV_25_2026), "25 Nov 2026");
        assert_eq!(date("ja", NOV_25_2026), "2026/11/25");
    }

    #[test]
    fn dates_are_the_utc_day_from_its_first_to_its_last_second() {
        assert_eq!(date("en", NOV_25_2026 + 86_399), "Nov 25, 2026");
        assert_eq!(date("en", NOV_25_2026 - 1), "Nov 24, 2026");
    }

    #[test]
    fn dates_around_and_before_the_epoch_and_leap_days_are_right() {
        assert_eq!(date("en", 0), "Jan 1, 1970");
        assert_eq!(date("en", -1), "Dec 31, 1969");
        assert_eq!(date("en", 951_782_400), "Feb 29, 2000");
        assert_eq!(date("en", -2_208_988_800), "Jan 1, 1900");
        assert_eq!(date("en", 253_402_300_799), "Dec 31, 9999");
    }

    #[test]
    fn absurd_timestamps_do_not_panic() {
        assert!(!date("en", i64::MAX).is_empty());
        assert!(!date("ja", i64::MIN).is_empty());
    }
}
