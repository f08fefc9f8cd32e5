//! The taxes tax rates put on one invoice line, in exact integer arithmetic.
//!
//! Percentages have at most four decimal places, so a percentage is an integer number of millionths of the
//! whole (19.5 % is 195 000 / 1 000 000) and every tax is a ratio of integers, computed in `i128` (an `i64`
//! amount times a million cannot overflow it) and rounded once, half away from zero, to the minor unit.
//! Money never passes through `f64`.

use serde::{Deserialize, Serialize};

use super::TaxRate;

/// 100 %, in millionths.
const WHOLE: i128 = 1_000_000;

/// Whether the tax is contained in the line's amount (`inclusive`) or added on top of it (`exclusive`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxBehavior {
    Exclusive,
    Inclusive,
}

/// Which tax rate produced a [`LineTax`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRateDetails {
    pub tax_rate: String,
}

/// One tax on one invoice line, in Stripe's 2025+ `taxes` shape:
/// `{"amount", "tax_behavior": "exclusive"|"inclusive", "tax_rate_details": {"tax_rate": "txr_…"},
///  "taxability_reason": "standard_rated", "taxable_amount", "type": "tax_rate_details"}`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineTax {
    pub amount: i64,
    pub tax_behavior: TaxBehavior,
    pub tax_rate_details: TaxRateDetails,
    pub taxability_reason: String,
    pub taxable_amount: i64,
    #[serde(rename = "type")]
    pub kind: String,
}

/// Taxes on a line whose (already discounted) amount is `amount` minor units, one per rate, in the rates'
/// order.
///
/// Without inclusive rates, the taxable amount is `amount` and each tax is `round(amount × p / 100)`.
/// Inclusive rates are all contained in `amount` together: the taxable amount is the net
/// `amount / (1 + Σp_inclusive / 100)`, each inclusive tax is `net × p / 100` of the exact (unrounded) net,
/// and each exclusive tax is `round(taxable_amount × p / 100)`, on the net as the line shows it. Every result is
/// rounded half away from zero, so a negative (credit) line gets exactly the negated taxes of its positive
/// twin. The inclusive taxes and the taxable amount add up to `amount` within one minor unit per inclusive
/// rate (each is rounded on its own; nothing is adjusted to absorb the difference).
pub fn line_taxes(amount: i64, rates: &[&TaxRate]) -> Vec<LineTax> {
    let amount = i128::from(amount);
    let inclusive: i128 = rates.iter().filter(|rate| rate.inclusive).map(|rate| millionths(rate.percentage)).sum();
    // amount = net × (WHOLE + inclusive) / WHOLE exactly.
    let gross = WHOLE + inclusive;
    let taxable = round_div(amount * WHOLE, gross);
    rates
        .iter()
        .map(|rate| {
            let share = millionths(rate.percentage);
            let (tax, tax_behavior) = if rate.inclusive {
                (round_div(amount * share, gross), TaxBehavior::Inclusive)
            } else {
                (round_div(taxable * share, WHOLE), TaxBehavior::Exclusive)
            };
            LineTax {
                amount: minor_units(tax),
                tax_behavior,
                tax_rate_details: TaxRateDetails { tax_rate: rate.id.clone() },
                taxability_reason: "standard_rated".into(),
                taxable_amount: minor_units(taxable),
                kind: "tax_rate_details".into(),
            }
        })
        .collect()
}

/// What the taxes add to a total: the sum of the exclusive ones (inclusive ones are already in the amount).
pub fn exclusive_total(taxes: &[LineTax]) -> i64 {
    taxes.iter().filter(|tax| tax.tax_behavior == TaxBehavior::Exclusive).map(|tax| tax.amount).sum()
}

/// A percentage (0 to 100, at most four decimals) as millionths of the whole. The one place a float is read:
/// a four-decimal percentage times 10 000 is within rounding noise of its integer, so rounding recovers it.
pub(crate) fn millionths(percentage: f64) -> i128 {
    // Saturating conversion; a validated percentage is at most 1 000 000.
    (percentage * 10_000.0).round() as i128
}

/// `numerator / denominator` rounded to the nearest integer, halves away from zero; `denominator` > 0.
fn round_div(numerator: i128, denominator: i128) -> i128 {
    let magnitude = (2 * numerator.abs() + denominator) / (2 * denominator);
    if numerator < 0 { -magnitude } else { magnitude }
}

fn minor_units(value: i128) -> i64 {
    // Percentages are at most 100 % and the net is at most the amount, so no tax exceeds the line's `i64`.
    i64::try_from(value).expect("a tax never exceeds its line's amount")
}

#[cfg(test)]
mod tests;
