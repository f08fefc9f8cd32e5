//! Amounts as invoice line descriptions show them ("$20.00", "¥1,000", "12.50 CHF").

use crate::currency;

pub fn format(amount: i64, currency_code: &str) -> String {
    let decimals = currency::decimals(currency_code);
    let negative = amount < 0;
    let magnitude = amount.unsigned_abs();
    let scale = 10u64.pow(decimals);
    let (major, minor) = (magnitude / scale, magnitude % scale);
    let mut digits = major.to_string();
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!(",{tail}{grouped}");
    }
    let mut number = format!("{digits}{grouped}");
    if decimals > 0 {
        number = format!("{number}.{minor:0width$}", width = decimals as usize);
    }
    let sign = if negative { "-" } else { "" };
    match currency_code {
        "usd" => format!("{sign}${number}"),
        "eur" => format!("{sign}€{number}"),
        "gbp" => format!("{sign}£{number}"),
        "jpy" => format!("{sign}¥{number}"),
        other => format!("{sign}{number} {}", other.to_uppercase()),
    }
}

/// A rate that may hold fractions of a minor unit, with every decimal it has: 3.6 cents is "$0.036".
pub fn format_rate(rate: super::pricing::Rate, currency_code: &str) -> String {
    rate_shown(&rate.text(), currency_code, |whole| format(whole, currency_code))
}

/// A rate given as decimal text of minor units (`"3.6"`), shown by `format` (which rounds to the currency's
/// digits) for its whole minor units, the further digits following the last digit `format` printed (after a
/// "." for a currency without minor digits). Shared with the portal's localized formatter.
pub fn rate_shown(minor: &str, currency_code: &str, format: impl FnOnce(i64) -> String) -> String {
    let (whole, fraction) = minor.split_once('.').unwrap_or((minor, ""));
    let mut shown = format(whole.parse().unwrap_or(0));
    if !fraction.is_empty() {
        let at = shown.rfind(|c: char| c.is_ascii_digit()).map_or(shown.len(), |at| at + 1);
        let point = if currency::decimals(&currency_code.to_ascii_lowercase()) == 0 { "." } else { "" };
        shown.insert_str(at, &std::format!("{point}{fraction}"));
    }
    shown
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_minor_units_per_currency() {
        assert_eq!(super::format(2000, "usd"), "$20.00");
        assert_eq!(super::format(123456789, "eur"), "€1,234,567.89");
        assert_eq!(super::format(1000, "jpy"), "¥1,000");
        assert_eq!(super::format(-550, "chf"), "-5.50 CHF");
    }

    #[test]
    fn rates_keep_their_fractions_of_a_minor_unit() {
        use crate::billing::pricing::Rate;
        assert_eq!(super::format_rate(Rate::parse("3.6"), "usd"), "$0.036");
        assert_eq!(super::format_rate(Rate::parse("1250"), "usd"), "$12.50");
        assert_eq!(super::format_rate(Rate::parse("0.25"), "jpy"), "¥0.25");
        assert_eq!(super::format_rate(Rate::parse("550.5"), "chf"), "5.505 CHF");
    }
}
