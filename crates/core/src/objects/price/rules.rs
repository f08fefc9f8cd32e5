//! The pure rules behind a price's amounts: integer and decimal unit amounts, billing intervals, tiers, and
//! currency-keyed maps (shared with coupons and promotion codes).

use super::params::{RecurringParams, TierParams, UpTo};
use super::{Interval, Recurring, Tier, UsageType};
use crate::currency::{self, parse_currency};
use crate::error::{ParamCode, ParamError};

/// Stripe's wording for a number outside its bounds.
pub(crate) fn at_least(param: &str, min: impl std::fmt::Display, value: impl std::fmt::Display) -> ParamError {
    ParamError::invalid(
        param,
        format!("This value must be greater than or equal to {min} (it currently is '{value}')."),
    )
}

pub(crate) fn at_most(param: &str, max: impl std::fmt::Display, value: impl std::fmt::Display) -> ParamError {
    ParamError::invalid(param, format!("This value must be less than or equal to {max} (it currently is '{value}')."))
}

/// `You may only specify one of these parameters: a, b.`, naming the first.
pub(crate) fn exclusive(first: &str, second: &str) -> ParamError {
    ParamError::new(
        ParamCode::ParametersExclusive,
        first,
        format!("You may only specify one of these parameters: {first}, {second}."),
    )
}

/// An amount in the currency's minor unit: zero or more, and at most the currency's technical maximum.
pub(crate) fn amount(param: &str, value: i64, currency: &str, min: i64) -> Result<i64, ParamError> {
    let max = currency::max_amount(currency);
    if value < min {
        Err(at_least(param, min, value))
    } else if value > max {
        Err(at_most(param, max, value))
    } else {
        Ok(value)
    }
}

/// A non-negative decimal amount in minor units with at most 12 decimal places, normalised (`"012.50"` is
/// `"12.5"`). Returns the canonical text and, when it is a whole number, the integer amount.
pub fn decimal_amount(param: &str, text: &str, currency: &str) -> Result<(String, Option<i64>), ParamError> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let well_formed = !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && (!text.contains('.') || !fraction.is_empty());
    if !well_formed {
        return Err(ParamError::invalid(param, format!("Invalid decimal: {text}")));
    }
    if fraction.len() > 12 {
        return Err(ParamError::invalid(
            param,
            format!("Invalid {param}: a decimal amount can have at most 12 decimal places."),
        ));
    }
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let fraction = fraction.trim_end_matches('0');
    let max = currency::max_amount(currency);
    let integer: Option<i64> = whole.parse().ok().filter(|w| *w <= max);
    let Some(integer) = integer else {
        return Err(at_most(param, max, text));
    };
    if fraction.is_empty() { Ok((whole.to_owned(), Some(integer))) } else { Ok((format!("{whole}.{fraction}"), None)) }
}

/// Either `unit_amount` or `unit_amount_decimal` (never both), as the pair Stripe always shows together.
pub(crate) fn unit_amount_pair(
    prefix: &str,
    integer: Option<i64>,
    decimal: Option<&str>,
    currency: &str,
) -> Result<Option<(Option<i64>, String)>, ParamError> {
    let name = |field: &str| if prefix.is_empty() { field.to_owned() } else { format!("{prefix}[{field}]") };
    match (integer, decimal) {
        (Some(_), Some(_)) => Err(exclusive(&name("unit_amount"), &name("unit_amount_decimal"))),
        (Some(value), None) => {
            let value = amount(&name("unit_amount"), value, currency, 0)?;
            Ok(Some((Some(value), value.to_string())))
        }
        (None, Some(text)) => {
            let (text, integer) = decimal_amount(&name("unit_amount_decimal"), text, currency)?;
            Ok(Some((integer, text)))
        }
        (None, None) => Ok(None),
    }
}

impl Interval {
    /// The longest interval Stripe allows is three years: 1095 days, 156 weeks, 36 months or 3 years.
    pub fn max_count(self) -> i64 {
        match self {
            Interval::Day => 1095,
            Interval::Week => 156,
            Interval::Month => 36,
            Interval::Year => 3,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Day => "day",
            Interval::Week => "week",
            Interval::Month => "month",
            Interval::Year => "year",
        }
    }
}

/// Validates `recurring[…]`: the interval count within three years, metered prices backed by a meter.
pub fn recurring(param: &str, params: RecurringParams) -> Result<Recurring, ParamError> {
    let field = |name: &str| format!("{param}[{name}]");
    let count = params.interval_count.unwrap_or(1);
    let max = params.interval.max_count();
    if count < 1 {
        return Err(at_least(&field("interval_count"), 1, count));
    }
    if count > max {
        return Err(ParamError::invalid(
            &field("interval_count"),
            format!(
                "The maximum billing interval is three years: an interval of `{}` allows an `interval_count` of at most {max}.",
                params.interval.as_str()
            ),
        ));
    }
    let usage_type = params.usage_type.unwrap_or_default();
    match (usage_type, &params.meter) {
        (UsageType::Metered, None) => {
            return Err(ParamError::invalid(
                &field("meter"),
                "Starting with Stripe version `2025-03-31.basil`, metered prices must be backed by meters.",
            ));
        }
        (UsageType::Licensed, Some(_)) => {
            return Err(ParamError::invalid(
                &field("meter"),
                "A `meter` can only be set on prices with `recurring[usage_type]=metered`.",
            ));
        }
        _ => {}
    }
    if let Some(days) = params.trial_period_days {
        if days < 0 {
            return Err(at_least(&field("trial_period_days"), 0, days));
        }
        if days > 730 {
            return Err(at_most(&field("trial_period_days"), 730, days));
        }
    }
    Ok(Recurring {
        interval: params.interval,
        interval_count: count,
        meter: params.meter,
        trial_period_days: params.trial_period_days,
        usage_type,
    })
}

/// Validates tiers: ascending whole-number `up_to` bounds ending in `inf`, and an amount on every tier.
pub fn tiers(prefix: &str, params: Vec<TierParams>, currency: &str) -> Result<Vec<Tier>, ParamError> {
    if params.is_empty() {
        return Err(ParamError::missing(prefix));
    }
    let last = params.len() - 1;
    let mut previous = 0;
    let mut tiers = Vec::with_capacity(params.len());
    for (index, tier) in params.into_iter().enumerate() {
        let at = |field: &str| format!("{prefix}[{index}][{field}]");
        let up_to = match tier.up_to {
            UpTo::Inf if index == last => None,
            UpTo::Inf => {
                return Err(ParamError::invalid(&at("up_to"), "Only the last tier can have `up_to=inf`."));
            }
            UpTo::Count(_) if index == last => {
                return Err(ParamError::invalid(&at("up_to"), "The last tier must have `up_to=inf`."));
            }
            UpTo::Count(count) if count < 1 => return Err(at_least(&at("up_to"), 1, count)),
            UpTo::Count(count) if count <= previous => {
                return Err(ParamError::invalid(
                    &at("up_to"),
                    format!("Tiers must be in ascending order of `up_to`: {count} does not follow {previous}."),
                ));
            }
            UpTo::Count(count) => {
                previous = count;
                Some(count)
            }
        };
        let prefix = format!("{prefix}[{index}]");
        let unit = unit_amount_pair(&prefix, tier.unit_amount, tier.unit_amount_decimal.as_deref(), currency)?;
        let flat = match (tier.flat_amount, tier.flat_amount_decimal.as_deref()) {
            (Some(_), Some(_)) => return Err(exclusive(&at("flat_amount"), &at("flat_amount_decimal"))),
            (Some(value), None) => {
                let value = amount(&at("flat_amount"), value, currency, 0)?;
                Some((Some(value), value.to_string()))
            }
            (None, Some(text)) => {
                let (text, integer) = decimal_amount(&at("flat_amount_decimal"), text, currency)?;
                Some((integer, text))
            }
            (None, None) => None,
        };
        if unit.is_none() && flat.is_none() {
            return Err(ParamError::invalid(
                &prefix,
                "Each tier needs a `unit_amount`, `unit_amount_decimal`, `flat_amount` or `flat_amount_decimal`.",
            ));
        }
        let (unit_amount, unit_amount_decimal) = split(unit);
        let (flat_amount, flat_amount_decimal) = split(flat);
        tiers.push(Tier { flat_amount, flat_amount_decimal, unit_amount, unit_amount_decimal, up_to });
    }
    Ok(tiers)
}

fn split(pair: Option<(Option<i64>, String)>) -> (Option<i64>, Option<String>) {
    match pair {
        Some((integer, text)) => (integer, Some(text)),
        None => (None, None),
    }
}

/// A key of a currency-keyed map (`currency_options[eur]`): lowercase and supported, as Stripe insists.
pub(crate) fn currency_key(param: &str, key: &str) -> Result<String, ParamError> {
    let lower = key.to_ascii_lowercase();
    if lower != key && currency::is_supported(&lower) {
        return Err(ParamError::invalid(
            param,
            format!("Currencies must be lowercase when used as keys in a map. Use `{lower}` instead of `{key}`."),
        ));
    }
    parse_currency(&format!("{param}[{key}]"), key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recurring_params(interval: Interval, count: i64) -> RecurringParams {
        RecurringParams {
            interval,
            interval_count: Some(count),
            meter: None,
            trial_period_days: None,
            usage_type: None,
        }
    }

    #[test]
    fn intervals_may_span_at_most_three_years() {
        for (interval, max) in
            [(Interval::Day, 1095), (Interval::Week, 156), (Interval::Month, 36), (Interval::Year, 3)]
        {
            assert_eq!(recurring("recurring", recurring_params(interval, max)).unwrap().interval_count, max);
            let err = recurring("recurring", recurring_params(interval, max + 1)).unwrap_err();
            assert_eq!(err.param.as_deref(), Some("recurring[interval_count]"));
        }
        assert!(recurring("recurring", recurring_params(Interval::Month, 0)).is_err());
    }

    #[test]
    fn metered_prices_need_a_meter_and_only_they_may_have_one() {
        let mut params = recurring_params(Interval::Month, 1);
        params.usage_type = Some(UsageType::Metered);
        assert!(recurring("recurring", params).unwrap_err().message.contains("must be backed by meters"));
        let mut params = recurring_params(Interval::Month, 1);
        params.meter = Some("mtr_1".into());
        assert!(recurring("recurring", params).is_err());
        let mut params = recurring_params(Interval::Month, 1);
        params.usage_type = Some(UsageType::Metered);
        params.meter = Some("mtr_1".into());
        assert_eq!(recurring("recurring", params).unwrap().usage_type, UsageType::Metered);
    }

    #[test]
    fn decimal_amounts_are_normalised_and_whole_ones_fill_the_integer() {
        assert_eq!(decimal_amount("d", "012.50", "usd").unwrap(), ("12.5".into(), None));
        assert_eq!(decimal_amount("d", "1000.000", "usd").unwrap(), ("1000".into(), Some(1000)));
        assert_eq!(decimal_amount("d", "0.000000000001", "usd").unwrap().1, None);
        assert!(decimal_amount("d", "0.0000000000001", "usd").is_err());
        for bad in ["", "abc", "-1", "1.", ".5", "1.2.3", "1e3"] {
            assert!(decimal_amount("d", bad, "usd").is_err(), "{bad}");
        }
        assert!(decimal_amount("d", "100000000", "usd").is_err());
        assert!(decimal_amount("d", "100000000", "idr").is_ok());
    }

    #[test]
    fn integer_and_decimal_unit_amounts_are_exclusive_and_bounded() {
        assert_eq!(unit_amount_pair("", Some(2000), None, "usd").unwrap(), Some((Some(2000), "2000".into())));
        assert_eq!(unit_amount_pair("", Some(1), Some("1"), "usd").unwrap_err().code, ParamCode::ParametersExclusive);
        assert_eq!(unit_amount_pair("", Some(-1), None, "usd").unwrap_err().param.as_deref(), Some("unit_amount"));
        assert!(unit_amount_pair("", Some(100_000_000), None, "jpy").is_err());
        assert!(unit_amount_pair("", Some(99_999_999), None, "jpy").is_ok());
    }

    fn tier(up_to: UpTo, unit_amount: Option<i64>) -> TierParams {
        TierParams { flat_amount: None, flat_amount_decimal: None, unit_amount, unit_amount_decimal: None, up_to }
    }

    #[test]
    fn tiers_ascend_and_end_in_inf() {
        let ok = tiers("tiers", vec![tier(UpTo::Count(5), Some(500)), tier(UpTo::Inf, Some(400))], "usd").unwrap();
        assert_eq!(ok[0].up_to, Some(5));
        assert_eq!(ok[1].up_to, None);
        assert_eq!(ok[1].unit_amount_decimal.as_deref(), Some("400"));
        let no_inf = tiers("tiers", vec![tier(UpTo::Count(5), Some(1)), tier(UpTo::Count(9), Some(1))], "usd");
        assert_eq!(no_inf.unwrap_err().param.as_deref(), Some("tiers[1][up_to]"));
        let early_inf = tiers("tiers", vec![tier(UpTo::Inf, Some(1)), tier(UpTo::Inf, Some(1))], "usd");
        assert_eq!(early_inf.unwrap_err().param.as_deref(), Some("tiers[0][up_to]"));
        let descending = tiers(
            "tiers",
            vec![tier(UpTo::Count(5), Some(1)), tier(UpTo::Count(5), Some(1)), tier(UpTo::Inf, Some(1))],
            "usd",
        );
        assert_eq!(descending.unwrap_err().param.as_deref(), Some("tiers[1][up_to]"));
        let no_amount = tiers("tiers", vec![tier(UpTo::Inf, None)], "usd");
        assert_eq!(no_amount.unwrap_err().param.as_deref(), Some("tiers[0]"));
        assert_eq!(tiers("tiers", vec![], "usd").unwrap_err().code, ParamCode::ParameterMissing);
    }

    #[test]
    fn currency_keys_must_be_lowercase_supported_codes() {
        assert_eq!(currency_key("currency_options", "eur").unwrap(), "eur");
        assert!(currency_key("currency_options", "EUR").unwrap_err().message.contains("Use `eur` instead of `EUR`"));
        assert!(currency_key("currency_options", "xyz").unwrap_err().message.starts_with("Invalid currency: xyz."));
    }
}
