//! Expiry dates and security codes, checked the way Stripe checks them when a card is created.

use super::{Brand, CardError};

/// Checks `exp_month`/`exp_year` against `now` and returns them normalised, the year with four digits (Stripe
/// reads `26` as 2026). A month outside 1–12 is `invalid_expiry_month`; a date already past (last year, or an
/// earlier month this year) is `invalid_expiry_year`, as Stripe reports both.
pub fn validate_expiry(exp_month: i64, exp_year: i64, now: i64) -> Result<(u32, i32), CardError> {
    let month =
        u32::try_from(exp_month).ok().filter(|m| (1..=12).contains(m)).ok_or_else(CardError::invalid_expiry_month)?;
    let year = match exp_year {
        0..=99 => 2000 + exp_year,
        100..=9999 => exp_year,
        _ => return Err(CardError::invalid_expiry_year()),
    };
    let year = i32::try_from(year).map_err(|_| CardError::invalid_expiry_year())?;
    if is_expired(month, year, now) {
        return Err(CardError::invalid_expiry_year());
    }
    Ok((month, year))
}

/// Whether a card valid through `month`/`year` no longer works at `now` (UTC). A card stays valid until the
/// end of its expiry month; charging one after that fails with `expired_card`.
pub fn is_expired(month: u32, year: i32, now: i64) -> bool {
    let (current_year, current_month) = year_month(now);
    (year, month) < (current_year, current_month)
}

/// Checks a CVC: 4 digits for American Express, 3 for everything else, else `invalid_cvc`.
pub fn validate_cvc(cvc: &str, brand: Brand) -> Result<(), CardError> {
    let expected = if brand == Brand::Amex { 4 } else { 3 };
    if cvc.len() == expected && cvc.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(CardError::invalid_cvc())
    }
}

/// The UTC calendar year and month (1–12) of a Unix timestamp (Howard Hinnant's `civil_from_days`).
pub(super) fn year_month(now: i64) -> (i32, u32) {
    let z = now.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Timestamps are seconds since 1970, so the year fits an i32 for every date a card can carry.
    (year as i32, month as u32)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// 2026-03-15T12:00:00Z
    const MID_MARCH_2026: i64 = 1_773_576_000;

    #[test]
    fn timestamps_fall_in_the_right_month() {
        assert_eq!(year_month(0), (1970, 1));
        assert_eq!(year_month(MID_MARCH_2026), (2026, 3));
        assert_eq!(year_month(951_782_400), (2000, 2)); // 2000-02-29T00:00:00Z
        assert_eq!(year_month(951_868_799), (2000, 2)); // 2000-02-29T23:59:59Z
        assert_eq!(year_month(951_868_800), (2000, 3));
        assert_eq!(year_month(-1), (1969, 12));
    }

    #[test]
    fn a_month_outside_one_to_twelve_is_an_invalid_expiry_month() {
        for month in [0, 13, -1] {
            let err = validate_expiry(month, 2030, MID_MARCH_2026).unwrap_err();
            assert_eq!(err.code.as_str(), "invalid_expiry_month");
            assert_eq!(err.param.as_deref(), Some("exp_month"));
            assert_eq!(err.message, "Your card's expiration month is invalid.");
        }
    }

    #[test]
    fn a_past_year_or_an_earlier_month_this_year_is_an_invalid_expiry_year() {
        for (month, year) in [(12, 2025), (2, 2026), (1, 26)] {
            let err = validate_expiry(month, year, MID_MARCH_2026).unwrap_err();
            assert_eq!(err.code.as_str(), "invalid_expiry_year", "{month}/{year}");
            assert_eq!(err.param.as_deref(), Some("exp_year"));
        }
        assert!(validate_expiry(1, 100_000, MID_MARCH_2026).is_err());
        assert!(validate_expiry(1, -5, MID_MARCH_2026).is_err());
    }

    #[test]
    fn the_current_month_is_still_valid_and_two_digit_years_mean_this_century() {
        assert_eq!(validate_expiry(3, 2026, MID_MARCH_2026), Ok((3, 2026)));
        assert_eq!(validate_expiry(12, 34, MID_MARCH_2026), Ok((12, 2034)));
    }

    #[test]
    fn amex_needs_four_cvc_digits_and_other_brands_three() {
        assert!(validate_cvc("123", Brand::Visa).is_ok());
        assert!(validate_cvc("1234", Brand::Amex).is_ok());
        for (cvc, brand) in [("12", Brand::Visa), ("1234", Brand::Visa), ("123", Brand::Amex), ("12a", Brand::Jcb)] {
            let err = validate_cvc(cvc, brand).unwrap_err();
            assert_eq!(err.code.as_str(), "invalid_cvc");
            assert_eq!(err.param.as_deref(), Some("cvc"));
            assert_eq!(err.message, "Your card's security code is invalid.");
        }
    }

    proptest! {
        #[test]
        fn month_boundaries_agree_with_day_arithmetic(days in -20_000i64..200_000) {
            let (year, month) = year_month(days * 86_400);
            let (next_year, next_month) = year_month((days + 1) * 86_400);
            prop_assert!((1..=12).contains(&month));
            let same = (year, month) == (next_year, next_month);
            let rolled = (next_year, next_month) == if month == 12 { (year + 1, 1) } else { (year, month + 1) };
            prop_assert!(same || rolled);
        }

        #[test]
        fn a_card_expires_exactly_when_its_month_ends(days in 0i64..40_000, ahead in 0u32..600) {
            let now = days * 86_400;
            let (year, month) = year_month(now);
            let total = year * 12 + (month as i32 - 1) + ahead as i32;
            let (exp_year, exp_month) = (total / 12, total as u32 % 12 + 1);
            prop_assert!(!is_expired(exp_month, exp_year, now));
            prop_assert!(validate_expiry(i64::from(exp_month), i64::from(exp_year), now).is_ok());
            let before = total - 1 - ahead as i32;
            prop_assert!(is_expired(before as u32 % 12 + 1, before / 12, now));
        }
    }
}
