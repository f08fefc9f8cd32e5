//! The integer arithmetic of discounts: a percentage of one amount, and an amount split over several lines.

use crate::billing::proration::divide_rounded;
use crate::objects::tax_rate::amounts::millionths;

/// 100 %, in millionths (percentages have at most four decimals, see [`millionths`]).
const WHOLE: i128 = 1_000_000;

/// `percent` % of `amount`, rounded half away from zero to the minor unit; never more than `amount`.
pub fn percent_of(amount: i64, percent: f64) -> i64 {
    if amount <= 0 {
        return 0;
    }
    let share = millionths(percent).clamp(0, WHOLE);
    divide_rounded(i128::from(amount) * share, WHOLE).min(amount)
}

/// Splits `total` over lines worth `weights` (each ≥ 0) in proportion to their worth, exactly: every line gets
/// `floor(total × weight / Σ weights)`, and the units this leaves over go one each to the lines with the largest
/// fractional remainders, earlier lines first on ties (the largest-remainder method). The shares add up to
/// `total`, which is capped at `Σ weights` first, so no line ever gets more than its worth.
pub fn split(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|w| i128::from((*w).max(0))).sum();
    let total = i128::from(total.max(0)).min(sum);
    if sum == 0 || total == 0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<(i128, i128)> = weights
        .iter()
        .map(|w| {
            let product = total * i128::from((*w).max(0));
            (product / sum, product % sum)
        })
        .collect();
    let mut shares: Vec<i64> = exact.iter().map(|(floor, _)| *floor as i64).collect();
    let given: i128 = exact.iter().map(|(floor, _)| *floor).sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Stable sort: equal remainders keep the lines' order.
    order.sort_by(|a, b| exact[*b].1.cmp(&exact[*a].1));
    for index in order.into_iter().take((total - given) as usize) {
        shares[index] += 1;
    }
    shares
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_quarter_off_rounds_half_away_from_zero() {
        assert_eq!(percent_of(2000, 25.0), 500);
        assert_eq!(percent_of(1001, 25.5), 255);
        assert_eq!(percent_of(1, 50.0), 1);
        assert_eq!(percent_of(999, 100.0), 999);
        assert_eq!(percent_of(-500, 50.0), 0);
    }

    #[test]
    fn ten_dollars_over_three_equal_lines_gives_the_extra_cent_to_the_first() {
        assert_eq!(split(1000, &[500, 500, 500]), [334, 333, 333]);
        assert_eq!(split(1000, &[300, 700]), [300, 700]);
        assert_eq!(split(5000, &[300, 700]), [300, 700], "never more than the lines are worth");
        assert_eq!(split(100, &[0, 0]), [0, 0]);
        assert_eq!(split(7, &[1, 2, 4]), [1, 2, 4]);
        assert_eq!(split(5, &[1, 1, 3]), [1, 1, 3]);
    }

    proptest! {
        #[test]
        fn a_split_adds_up_exactly_and_never_exceeds_a_line(
            total in 0i64..10_000_000,
            weights in prop::collection::vec(0i64..5_000_000, 1..12),
        ) {
            let shares = split(total, &weights);
            let sum: i64 = weights.iter().sum();
            prop_assert_eq!(shares.iter().sum::<i64>(), total.min(sum));
            for (share, weight) in shares.iter().zip(&weights) {
                prop_assert!(*share >= 0 && share <= weight);
                // Within one unit of the exact proportional share.
                let exact = total.min(sum) as f64 * *weight as f64 / sum.max(1) as f64;
                prop_assert!((*share as f64 - exact).abs() < 1.0);
            }
        }

        #[test]
        fn a_percentage_is_within_half_a_unit_of_the_exact_value(amount in 0i64..1_000_000_000, hundredths in 1u32..=10_000) {
            let percent = f64::from(hundredths) / 100.0;
            let off = percent_of(amount, percent);
            let exact = amount as f64 * percent / 100.0;
            prop_assert!((off as f64 - exact).abs() <= 0.5 + 1e-6);
            prop_assert!(off <= amount);
        }
    }
}
