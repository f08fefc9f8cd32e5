//! Stripe's currency rules: which ISO codes it accepts, how many decimals an amount's minor unit has, and the
//! smallest and largest amounts it will charge (<https://docs.stripe.com/currencies>).

use crate::error::{ParamCode, ParamError};

/// Every currency Stripe accepts, in the order its "Invalid currency" message lists them: `usd` first, then
/// alphabetical.
pub const SUPPORTED: &[&str] = &[
    "usd", "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd", "bdt", "bgn", "bhd",
    "bif", "bmd", "bnd", "bob", "brl", "bsd", "bwp", "byn", "bzd", "cad", "cdf", "chf", "clp", "cny", "cop", "crc",
    "cve", "czk", "djf", "dkk", "dop", "dzd", "egp", "etb", "eur", "fjd", "fkp", "gbp", "gel", "gip", "gmd", "gnf",
    "gtq", "gyd", "hkd", "hnl", "htg", "huf", "idr", "ils", "inr", "isk", "jmd", "jod", "jpy", "kes", "kgs", "khr",
    "kmf", "krw", "kwd", "kyd", "kzt", "lak", "lbp", "lkr", "lrd", "lsl", "mad", "mdl", "mga", "mkd", "mmk", "mnt",
    "mop", "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok", "npr", "nzd", "omr", "pab", "pen",
    "pgk", "php", "pkr", "pln", "pyg", "qar", "ron", "rsd", "rub", "rwf", "sar", "sbd", "scr", "sek", "sgd", "shp",
    "sle", "sos", "srd", "std", "szl", "thb", "tjs", "tnd", "top", "try", "ttd", "twd", "tzs", "uah", "ugx", "uyu",
    "uzs", "vnd", "vuv", "wst", "xaf", "xcd", "xcg", "xof", "xpf", "yer", "zar", "zmw",
];

const ZERO_DECIMAL: &[&str] =
    &["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"];

const THREE_DECIMAL: &[&str] = &["bhd", "jod", "kwd", "omr", "tnd"];

/// Stripe's published minimum charge per settlement currency, in minor units.
const MINIMUM_CHARGE: &[(&str, i64)] = &[
    ("usd", 50),
    ("aed", 200),
    ("aud", 50),
    ("bgn", 100),
    ("brl", 50),
    ("cad", 50),
    ("chf", 50),
    ("czk", 1500),
    ("dkk", 250),
    ("eur", 50),
    ("gbp", 30),
    ("hkd", 400),
    ("huf", 17500),
    ("inr", 50),
    ("jpy", 50),
    ("mxn", 1000),
    ("myr", 200),
    ("nok", 300),
    ("nzd", 50),
    ("pln", 200),
    ("ron", 200),
    ("sek", 300),
    ("sgd", 50),
    ("thb", 1000),
];

/// Reads a `currency` parameter the way Stripe does: case-insensitive, answered in lowercase, and refused with
/// Stripe's own message (which lists every supported code) when unknown.
pub fn parse_currency(param: &str, value: &str) -> Result<String, ParamError> {
    if value.is_empty() {
        return Err(empty_value(param));
    }
    let lower = value.to_ascii_lowercase();
    if is_supported(&lower) {
        Ok(lower)
    } else {
        Err(ParamError::invalid(
            param,
            format!("Invalid currency: {lower}. Stripe currently supports these currencies: {}", SUPPORTED.join(", ")),
        ))
    }
}

/// Whether Stripe accepts this (lowercase) ISO code.
pub fn is_supported(currency: &str) -> bool {
    SUPPORTED.contains(&currency)
}

/// How many decimals the minor unit has, so amounts can be shown (`1000` JPY is ¥1,000, `1000` USD is $10.00).
/// ISK, HUF, TWD and UGX keep two decimals in the API for backwards compatibility, as Stripe does.
pub fn decimals(currency: &str) -> u32 {
    if ZERO_DECIMAL.contains(&currency) {
        0
    } else if THREE_DECIMAL.contains(&currency) {
        3
    } else {
        2
    }
}

/// The largest amount Stripe accepts, a technical limit: twelve digits for IDR, eight for every other currency.
pub fn max_amount(currency: &str) -> i64 {
    if currency == "idr" { 999_999_999_999 } else { 99_999_999 }
}

/// The smallest amount Stripe will charge in this currency, in minor units, from its published table; `None`
/// where Stripe only says "the equivalent of 0.50 USD", which needs exchange rates the core does not have.
pub fn min_charge_amount(currency: &str) -> Option<i64> {
    MINIMUM_CHARGE.iter().find(|(code, _)| *code == currency).map(|(_, amount)| *amount)
}

/// The step charge amounts must move in: ISK and UGX are whole units written with two decimals (multiples of
/// 100), three-decimal currencies must end in 0 for Stripe's partners (multiples of 10); 1 elsewhere.
pub fn charge_granularity(currency: &str) -> i64 {
    match currency {
        "isk" | "ugx" => 100,
        c if THREE_DECIMAL.contains(&c) => 10,
        _ => 1,
    }
}

/// Stripe's answer to `param=` with nothing after it.
pub(crate) fn empty_value(param: &str) -> ParamError {
    ParamError::new(
        ParamCode::ParameterInvalidEmpty,
        param,
        format!(
            "You passed an empty string for '{param}'. We assume empty values are an attempt to unset a parameter; \
             however '{param}' cannot be unset. You should remove '{param}' from your request or supply a non-empty \
             value."
        ),
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn currencies_are_accepted_in_any_case_and_answered_in_lowercase() {
        assert_eq!(parse_currency("currency", "USD").unwrap(), "usd");
        assert_eq!(parse_currency("currency", "eur").unwrap(), "eur");
        assert_eq!(parse_currency("currency", "Kwd").unwrap(), "kwd");
    }

    #[test]
    fn unknown_currencies_are_refused_with_stripes_message_listing_usd_first() {
        let err = parse_currency("currency", "XYZ").unwrap_err();
        assert_eq!(err.code, ParamCode::InvalidRequest);
        assert_eq!(err.param.as_deref(), Some("currency"));
        assert!(
            err.message
                .starts_with("Invalid currency: xyz. Stripe currently supports these currencies: usd, aed, afn,")
        );
        assert!(err.message.ends_with("zar, zmw"));
    }

    #[test]
    fn an_empty_currency_is_an_empty_parameter() {
        let err = parse_currency("price_data[currency]", "").unwrap_err();
        assert_eq!(err.code, ParamCode::ParameterInvalidEmpty);
        assert_eq!(err.param.as_deref(), Some("price_data[currency]"));
    }

    #[test]
    fn the_supported_list_has_no_duplicates_and_is_alphabetical_after_usd() {
        let rest = &SUPPORTED[1..];
        assert_eq!(SUPPORTED[0], "usd");
        assert!(rest.windows(2).all(|w| w[0] < w[1]), "not sorted or duplicated");
        assert!(!rest.contains(&"usd"));
        assert!(ZERO_DECIMAL.iter().chain(THREE_DECIMAL).all(|c| is_supported(c)));
        assert!(MINIMUM_CHARGE.iter().all(|(c, _)| is_supported(c)));
    }

    #[test]
    fn zero_and_three_decimal_currencies_follow_stripes_lists() {
        for c in ["jpy", "krw", "vnd", "xof", "ugx", "clp"] {
            assert_eq!(decimals(c), 0, "{c}");
        }
        for c in ["bhd", "jod", "kwd", "omr", "tnd"] {
            assert_eq!(decimals(c), 3, "{c}");
        }
        for c in ["usd", "eur", "gbp", "isk", "huf", "twd"] {
            assert_eq!(decimals(c), 2, "{c}");
        }
    }

    #[test]
    fn amounts_above_eight_digits_are_too_large_except_in_idr() {
        assert_eq!(max_amount("usd"), 99_999_999);
        assert_eq!(max_amount("jpy"), 99_999_999);
        assert_eq!(max_amount("idr"), 999_999_999_999);
    }

    #[test]
    fn minimum_charges_come_from_stripes_table() {
        assert_eq!(min_charge_amount("usd"), Some(50));
        assert_eq!(min_charge_amount("eur"), Some(50));
        assert_eq!(min_charge_amount("gbp"), Some(30));
        assert_eq!(min_charge_amount("jpy"), Some(50));
        assert_eq!(min_charge_amount("huf"), Some(17500));
        assert_eq!(min_charge_amount("mxn"), Some(1000));
        assert_eq!(min_charge_amount("idr"), None);
    }

    #[test]
    fn whole_unit_currencies_charge_in_hundreds_and_three_decimal_ones_in_tens() {
        assert_eq!(charge_granularity("isk"), 100);
        assert_eq!(charge_granularity("ugx"), 100);
        assert_eq!(charge_granularity("kwd"), 10);
        assert_eq!(charge_granularity("usd"), 1);
    }

    proptest! {
        #[test]
        fn every_supported_code_parses_in_upper_case(index in 0..SUPPORTED.len()) {
            let code = SUPPORTED[index];
            prop_assert_eq!(parse_currency("currency", &code.to_ascii_uppercase()).unwrap(), code);
        }

        #[test]
        fn parsing_accepts_exactly_the_supported_list(value in "[a-zA-Z]{1,4}") {
            let lower = value.to_ascii_lowercase();
            prop_assert_eq!(parse_currency("currency", &value).is_ok(), SUPPORTED.contains(&lower.as_str()));
        }

        #[test]
        fn minimums_never_exceed_maximums_and_decimals_are_at_most_three(index in 0..SUPPORTED.len()) {
            let code = SUPPORTED[index];
            prop_assert!(decimals(code) <= 3);
            prop_assert!(min_charge_amount(code).unwrap_or(1) < max_amount(code));
        }
    }
}
