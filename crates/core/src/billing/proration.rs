//! Proration to the second (spec 4.9). A change at `T` inside an item's period `[S, E)` credits the unused
//! part of what the item was paying and charges the remaining part of what it pays now, both as the fraction
//! `f = (E − T) / (E − S)` of a full period's amount.
//!
//! Rounding: each line is rounded on its own, to the currency's minor unit, half away from zero, from the
//! exact rational value (integer arithmetic in i128; no floating point touches money). A credit is the exact
//! negative of the charge the same amount would give, so a change and its undoing cancel out.

use crate::Timestamp;

/// The share of `amount` (one full period's price) that falls in `[at, end)` of the period `[start, end)`.
/// `at` outside the period is clamped to it: nothing remains after the end, everything before the start.
pub fn remaining_share(amount: i64, start: Timestamp, end: Timestamp, at: Timestamp) -> i64 {
    if end <= start {
        return 0;
    }
    let at = at.clamp(start, end);
    divide_rounded(i128::from(amount) * i128::from(end - at), i128::from(end - start))
}

/// `numerator / denominator` rounded half away from zero; `denominator` > 0.
pub fn divide_rounded(numerator: i128, denominator: i128) -> i64 {
    debug_assert!(denominator > 0);
    let magnitude = (numerator.abs() * 2 + denominator) / (denominator * 2);
    (numerator.signum() * magnitude) as i64
}

/// The two lines one item change produces: a credit for the old state (≤ 0) and a charge for the new (≥ 0
/// for non-negative prices). `old_amount`/`new_amount` are full-period amounts: unit amount × quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proration {
    pub credit: i64,
    pub charge: i64,
}

impl Proration {
    pub fn compute(old_amount: i64, new_amount: i64, start: Timestamp, end: Timestamp, at: Timestamp) -> Self {
        Self {
            credit: -remaining_share(old_amount, start, end, at),
            charge: remaining_share(new_amount, start, end, at),
        }
    }

    pub fn net(&self) -> i64 {
        self.credit + self.charge
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn ten_to_twenty_dollars_halfway_is_five_credit_ten_charge() {
        let p = Proration::compute(1000, 2000, 0, 2_592_000, 1_296_000);
        assert_eq!(p, Proration { credit: -500, charge: 1000 });
        assert_eq!(p.net(), 500);
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(divide_rounded(5, 2), 3);
        assert_eq!(divide_rounded(-5, 2), -3);
        assert_eq!(divide_rounded(4, 3), 1);
        assert_eq!(divide_rounded(-4, 3), -1);
        // $9.99 for one third of a 30-day period: 333.0 exactly, then 333.33… → 333.
        assert_eq!(remaining_share(999, 0, 30, 20), 333);
        assert_eq!(remaining_share(1000, 0, 30, 20), 333);
        assert_eq!(remaining_share(1001, 0, 30, 20), 334);
    }

    #[test]
    fn a_change_at_the_boundaries_prorates_all_or_nothing() {
        assert_eq!(remaining_share(1234, 100, 200, 100), 1234);
        assert_eq!(remaining_share(1234, 100, 200, 200), 0);
        assert_eq!(remaining_share(1234, 100, 200, 50), 1234);
        assert_eq!(remaining_share(1234, 100, 200, 250), 0);
    }

    /// The reference formula, written independently: the exact fraction compared against both neighbours.
    fn reference(amount: i64, start: i64, end: i64, at: i64) -> i64 {
        let (num, den) = (amount as i128 * (end - at) as i128, (end - start) as i128);
        let floor = num.div_euclid(den);
        let remainder2 = 2 * num.rem_euclid(den);
        let rounded = if remainder2 > den || (remainder2 == den && num > 0) { floor + 1 } else { floor };
        rounded as i64
    }

    proptest! {
        #[test]
        fn prorations_match_the_reference_formula(
            unit in -1_000_000i64..100_000_000, quantity in 1i64..10_000,
            start in 0i64..4_000_000_000, length in 1i64..(3 * 366 * 86_400), into in 0.0f64..=1.0,
        ) {
            let amount = unit * quantity;
            let end = start + length;
            let at = start + (length as f64 * into) as i64;
            prop_assert_eq!(remaining_share(amount, start, end, at), reference(amount, start, end, at));
        }

        #[test]
        fn credit_and_charge_of_one_amount_cancel(
            amount in 0i64..1_000_000_000, start in 0i64..4_000_000_000, length in 1i64..100_000_000, into in 0i64..100_000_000,
        ) {
            let end = start + length;
            let at = start + into % length;
            let p = Proration::compute(amount, amount, start, end, at);
            prop_assert_eq!(p.net(), 0);
            prop_assert!(p.charge <= amount && p.charge >= 0);
        }

        #[test]
        fn the_share_never_exceeds_the_amount_and_shrinks_with_time(
            amount in 0i64..1_000_000_000, length in 1i64..100_000_000, a in 0i64..100_000_000, b in 0i64..100_000_000,
        ) {
            let (a, b) = (a % length, b % length);
            let (early, late) = (a.min(b), a.max(b));
            prop_assert!(remaining_share(amount, 0, length, early) >= remaining_share(amount, 0, length, late));
            prop_assert!(remaining_share(amount, 0, length, early) <= amount);
        }
    }
}
