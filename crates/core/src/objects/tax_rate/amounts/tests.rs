use proptest::prelude::*;

use super::*;
use crate::objects::tax_rate::{TaxRate, TaxRateCreate};

/// A rate of `ten_thousandths` / 10 000 percent, which is also its millionths of the whole.
fn rate(ten_thousandths: u32, inclusive: bool) -> TaxRate {
    let percentage = f64::from(ten_thousandths) / 10_000.0;
    let create = TaxRateCreate { display_name: "Tax".into(), inclusive, percentage, ..Default::default() };
    TaxRate::create(create, false, 0).unwrap()
}

fn amounts(taxes: &[LineTax]) -> Vec<(i64, i64)> {
    taxes.iter().map(|tax| (tax.amount, tax.taxable_amount)).collect()
}

/// Rounds `numerator / denominator` half away from zero the long way, as the reference for the property tests:
/// floor division, then a look at twice the remainder.
fn reference_round(numerator: i128, denominator: i128) -> i128 {
    let (quotient, remainder) = (numerator.div_euclid(denominator), numerator.rem_euclid(denominator));
    match (2 * remainder).cmp(&denominator) {
        std::cmp::Ordering::Less => quotient,
        std::cmp::Ordering::Greater => quotient + 1,
        std::cmp::Ordering::Equal if numerator >= 0 => quotient + 1,
        std::cmp::Ordering::Equal => quotient,
    }
}

#[test]
fn an_exclusive_rate_taxes_the_whole_amount() {
    let vat = rate(190_000, false);
    let taxes = line_taxes(1000, &[&vat]);
    assert_eq!(amounts(&taxes), [(190, 1000)]);
    assert_eq!(taxes[0].tax_behavior, TaxBehavior::Exclusive);
    assert_eq!(exclusive_total(&taxes), 190);
}

#[test]
fn an_inclusive_rate_is_taken_out_of_the_amount() {
    let vat = rate(190_000, true);
    let taxes = line_taxes(1190, &[&vat]);
    assert_eq!(amounts(&taxes), [(190, 1000)]);
    assert_eq!(exclusive_total(&taxes), 0);
    // 999 / 1.2 = 832.5: net and tax both round up, one cent more than the amount in all.
    assert_eq!(amounts(&line_taxes(999, &[&rate(200_000, true)])), [(167, 833)]);
}

#[test]
fn several_inclusive_rates_share_one_net_and_exclusive_rates_apply_to_it() {
    let (gst, pst, levy) = (rate(50_000, true), rate(70_000, true), rate(25_000, false));
    let taxes = line_taxes(11_200, &[&gst, &pst, &levy]);
    assert_eq!(amounts(&taxes), [(500, 10_000), (700, 10_000), (250, 10_000)]);
    assert_eq!(
        taxes.iter().map(|t| t.tax_behavior).collect::<Vec<_>>(),
        [TaxBehavior::Inclusive, TaxBehavior::Inclusive, TaxBehavior::Exclusive]
    );
    assert_eq!(exclusive_total(&taxes), 250);
}

#[test]
fn halves_round_away_from_zero() {
    let one_percent = rate(10_000, false);
    assert_eq!(amounts(&line_taxes(50, &[&one_percent])), [(1, 50)]);
    assert_eq!(amounts(&line_taxes(-50, &[&one_percent])), [(-1, -50)]);
    assert_eq!(amounts(&line_taxes(49, &[&one_percent])), [(0, 49)]);
    assert_eq!(amounts(&line_taxes(0, &[&one_percent])), [(0, 0)]);
    // 8.875 % of 1000 is 88.75.
    assert_eq!(amounts(&line_taxes(1000, &[&rate(88_750, false)])), [(89, 1000)]);
}

#[test]
fn no_rates_no_taxes() {
    assert!(line_taxes(1000, &[]).is_empty());
    assert_eq!(exclusive_total(&[]), 0);
}

#[test]
fn a_line_tax_serializes_in_stripes_taxes_shape() {
    let vat = rate(190_000, true);
    let json = serde_json::to_value(&line_taxes(1190, &[&vat])[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "amount": 190,
            "tax_behavior": "inclusive",
            "tax_rate_details": {"tax_rate": vat.id},
            "taxability_reason": "standard_rated",
            "taxable_amount": 1000,
            "type": "tax_rate_details",
        })
    );
    let back: LineTax = serde_json::from_value(json).unwrap();
    assert_eq!(back.taxable_amount, 1000);
}

#[test]
fn extreme_amounts_do_not_overflow() {
    let full = rate(1_000_000, false);
    assert_eq!(amounts(&line_taxes(i64::MAX, &[&full])), [(i64::MAX, i64::MAX)]);
    assert_eq!(amounts(&line_taxes(i64::MIN, &[&full])), [(i64::MIN, i64::MIN)]);
    let inclusive = rate(1_000_000, true);
    assert_eq!(amounts(&line_taxes(i64::MAX, &[&inclusive]))[0].0, i64::MAX / 2 + 1);
}

fn rates() -> impl Strategy<Value = Vec<(u32, bool)>> {
    prop::collection::vec((0u32..=1_000_000, any::<bool>()), 0..5)
}

fn built(specs: &[(u32, bool)]) -> Vec<TaxRate> {
    specs.iter().map(|&(p, inclusive)| rate(p, inclusive)).collect()
}

proptest! {
    #[test]
    fn every_four_decimal_percentage_reads_back_as_its_exact_millionths(p in 0u32..=1_000_000) {
        prop_assert_eq!(millionths(f64::from(p) / 10_000.0), i128::from(p));
    }

    #[test]
    fn a_credit_line_gets_exactly_the_negated_taxes(amount in 0i64..1_000_000_000_000, specs in rates()) {
        let rates = built(&specs);
        let refs: Vec<&TaxRate> = rates.iter().collect();
        let positive = line_taxes(amount, &refs);
        let negative = line_taxes(-amount, &refs);
        let negated: Vec<(i64, i64)> = amounts(&positive).into_iter().map(|(a, t)| (-a, -t)).collect();
        prop_assert_eq!(amounts(&negative), negated);
        prop_assert_eq!(exclusive_total(&negative), -exclusive_total(&positive));
    }

    #[test]
    fn inclusive_taxes_and_the_taxable_amount_add_up_to_the_amount_within_a_unit_per_rate(
        amount in -1_000_000_000_000i64..1_000_000_000_000,
        specs in rates(),
    ) {
        let rates = built(&specs);
        let refs: Vec<&TaxRate> = rates.iter().collect();
        let taxes = line_taxes(amount, &refs);
        let inclusive: Vec<&LineTax> = taxes.iter().filter(|t| t.tax_behavior == TaxBehavior::Inclusive).collect();
        prop_assume!(!inclusive.is_empty());
        let total = inclusive[0].taxable_amount + inclusive.iter().map(|t| t.amount).sum::<i64>();
        prop_assert!((total - amount).abs() <= inclusive.len() as i64, "{total} vs {amount}");
    }

    #[test]
    fn exclusive_taxes_match_the_rational_reference_on_the_taxable_amount(
        amount in -1_000_000_000_000i64..1_000_000_000_000,
        specs in rates(),
    ) {
        let rates = built(&specs);
        let refs: Vec<&TaxRate> = rates.iter().collect();
        let taxes = line_taxes(amount, &refs);
        let inclusive: i128 = specs.iter().filter(|s| s.1).map(|s| i128::from(s.0)).sum();
        let taxable = reference_round(i128::from(amount) * 1_000_000, 1_000_000 + inclusive);
        for (tax, &(p, is_inclusive)) in taxes.iter().zip(&specs) {
            prop_assert_eq!(i128::from(tax.taxable_amount), taxable);
            let expected = if is_inclusive {
                reference_round(i128::from(amount) * i128::from(p), 1_000_000 + inclusive)
            } else {
                reference_round(taxable * i128::from(p), 1_000_000)
            };
            prop_assert_eq!(i128::from(tax.amount), expected);
        }
        if inclusive == 0 {
            prop_assert!(taxes.iter().all(|t| t.taxable_amount == amount));
        }
    }
}
