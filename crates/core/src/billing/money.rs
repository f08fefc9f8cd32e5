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

#[cfg(test)]
mod tests {
    #[test]
    fn formats_minor_units_per_currency() {
        assert_eq!(super::format(2000, "usd"), "$20.00");
        assert_eq!(super::format(123456789, "eur"), "€1,234,567.89");
        assert_eq!(super::format(1000, "jpy"), "¥1,000");
        assert_eq!(super::format(-550, "chf"), "-5.50 CHF");
    }
}
