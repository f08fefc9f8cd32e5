//! Money in the request's locale, from CLDR (ICU4X's currency formatter): `$1,234.50` in `en`, `€1,234.50` in
//! `en-GB`, `￥1,234` in `ja`.

use std::cell::RefCell;
use std::collections::HashMap;

use fixed_decimal::Decimal;
use icu_decimal::DecimalFormatter;
use icu_experimental::dimension::currency::CurrencyType;
use icu_experimental::dimension::currency::formatter::CurrencyFormatter;
use icu_locale_core::LanguageIdentifier;
use portico_core::currency;

type Formatter = CurrencyFormatter<DecimalFormatter>;

thread_local! {
    static FORMATTERS: RefCell<HashMap<String, Option<Formatter>>> = RefCell::new(HashMap::new());
}

/// `amount` in minor units of `currency` (any case). Stripe's table says where the decimal point goes (JPY
/// has none, KWD three); CLDR says how many digits to show, which only differs where Stripe keeps two decimals
/// for a currency written without them (ISK), whose amounts Stripe requires to be whole units anyway.
pub(super) fn format(locale: &LanguageIdentifier, tag: &str, amount: i64, currency: &str) -> String {
    let code = currency.to_ascii_uppercase();
    let decimals = currency::decimals(&currency.to_ascii_lowercase());
    let mut value = Decimal::from(amount);
    // Through `DerefMut` to the magnitude: the sign stays.
    value.multiply_pow10(-(decimals as i16));
    let key = format!("{tag} {code}");
    let formatted = CurrencyType::try_from_str(&code).ok().and_then(|iso| {
        super::cached(
            &FORMATTERS,
            &key,
            || CurrencyFormatter::try_new_symbol(locale.into(), iso, Default::default()).ok(),
            |formatter| formatter.as_ref().map(|f| f.format_fixed_decimal(&value).to_string()),
        )
    });
    formatted.unwrap_or_else(|| {
        // Not a currency code ICU4X can parse: never fail the page over it.
        tracing::warn!(currency, "portal cannot format this currency");
        format!("{value} {code}")
    })
}

/// A price's rate in minor units, which may hold fractions of one (`"3.6"`: 3.6 cents, shown "$0.036").
pub(super) fn format_rate(locale: &LanguageIdentifier, tag: &str, minor: &str, currency: &str) -> String {
    portico_core::billing::money::rate_shown(minor, currency, |whole| format(locale, tag, whole, currency))
}

#[cfg(test)]
mod tests {
    use crate::i18n::Lang;

    fn money(tag: &str, amount: i64, currency: &str) -> String {
        Lang::negotiate(Some(tag), &[], None).money(amount, currency)
    }

    #[test]
    fn dollars_euros_and_yen_in_english() {
        assert_eq!(money("en", 123_450, "usd"), "$1,234.50");
        assert_eq!(money("en", 123_450, "eur"), "€1,234.50");
        assert_eq!(money("en", 1234, "jpy"), "¥1,234");
        assert_eq!(money("en", 5, "usd"), "$0.05");
        assert_eq!(money("en", 0, "usd"), "$0.00");
    }

    #[test]
    fn british_english_marks_us_dollars_and_writes_euros_plainly() {
        assert_eq!(money("en-GB", 123_450, "eur"), "€1,234.50");
        assert_eq!(money("en-GB", 123_450, "usd"), "US$1,234.50");
        assert_eq!(money("en-GB", 123_450, "gbp"), "£1,234.50");
        assert_eq!(money("en-GB", 1234, "jpy"), "JP¥1,234");
    }

    #[test]
    fn japanese_uses_the_full_width_yen_sign_and_no_decimals_for_yen() {
        assert_eq!(money("ja", 1234, "jpy"), "￥1,234");
        assert_eq!(money("ja", 1_000_000, "JPY"), "￥1,000,000");
        assert_eq!(money("ja", 123_450, "usd"), "$1,234.50");
        assert_eq!(money("ja", 123_450, "eur"), "€1,234.50");
    }

    #[test]
    fn negative_amounts_carry_a_minus_before_the_symbol() {
        assert_eq!(money("en", -123_450, "usd"), "-$1,234.50");
        assert_eq!(money("ja", -1234, "jpy"), "-￥1,234");
        assert_eq!(money("en-GB", -50, "eur"), "-€0.50");
    }

    #[test]
    fn zero_and_three_decimal_currencies_follow_stripes_table() {
        assert_eq!(money("en", 5000, "krw"), "₩5,000");
        assert_eq!(money("en", 1_234_567, "kwd"), "KWD\u{a0}1,234.567");
    }

    #[test]
    fn the_region_changes_digit_grouping() {
        assert_eq!(money("en-IN", 123_456_789, "inr"), "₹12,34,567.89");
    }

    #[test]
    fn rates_keep_their_fractions_of_a_minor_unit() {
        let rate = |tag, minor, currency| Lang::negotiate(Some(tag), &[], None).money_rate(minor, currency);
        assert_eq!(rate("en", "3.6", "usd"), "$0.036");
        assert_eq!(rate("en", "500", "usd"), "$5.00");
        assert_eq!(rate("ja", "0.5", "jpy"), "￥0.5");
    }

    #[test]
    fn a_currency_icu_cannot_read_is_shown_with_its_code() {
        assert_eq!(money("en", 1234, "x"), "12.34 X");
    }
}
