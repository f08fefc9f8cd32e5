//! What a price charges for a quantity, as the lines Stripe bills it:
//!
//! - **per unit**: the quantity (after `transform_quantity`, which bills whole packages of `divide_by` units,
//!   rounded up or down) times `unit_amount`, or `unit_amount_decimal` for fractions of a minor unit;
//! - **tiered, `volume`**: every unit at the rate of the tier the whole quantity falls in, plus that tier's
//!   flat fee;
//! - **tiered, `graduated`**: each tier's units at that tier's rate, plus the flat fee of every tier the
//!   quantity reaches. Stripe bills each tier as its own lines ("31 × Usage (Tier 2 at $0.036 / month)"), the
//!   flat fee on a line of quantity 0 after its tier's units.
//!
//! The first tier is always reached, so its flat fee is a base fee even for a quantity of 0.
//!
//! Rounding: rates are exact to the 12 decimal places Stripe allows; each charge (one invoice line) is rounded
//! on its own to a whole minor unit, half away from zero, as Stripe's lines are (31 × 3.6¢ bills 112¢).

use crate::objects::price::{BillingScheme, Price, Round, Tier, TiersMode};

/// Decimal places a rate keeps (Stripe's limit for `*_decimal` amounts).
const PLACES: u32 = 12;
const SCALE: i128 = 10i128.pow(PLACES);

/// An amount in minor units of a currency, exact to [`PLACES`] decimal places (`3.6` is 3.6 cents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Rate(i128);

impl Rate {
    pub fn whole(minor: i64) -> Self {
        Self(i128::from(minor) * SCALE)
    }

    /// `"3.6"`, `"900"`: the normalised decimal text a price stores (validated when the price was made).
    /// Anything else reads as zero rather than failing a renewal over a stored document.
    pub fn parse(text: &str) -> Self {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = fraction.len().min(PLACES as usize);
        let whole: i128 = whole.parse().unwrap_or(0);
        let fraction: i128 =
            fraction.get(..digits).and_then(|f| f.parse().ok()).unwrap_or(0) * 10i128.pow(PLACES - digits as u32);
        Self(whole * SCALE + fraction)
    }

    fn of(integer: Option<i64>, decimal: Option<&str>) -> Option<Self> {
        match (decimal, integer) {
            (Some(text), _) => Some(Self::parse(text)),
            (None, Some(minor)) => Some(Self::whole(minor)),
            (None, None) => None,
        }
    }

    fn times(self, quantity: i64) -> Self {
        Self(self.0.saturating_mul(i128::from(quantity)))
    }

    /// Whole minor units, half away from zero; beyond `i64` (no currency allows that much) it saturates, so an
    /// absurd quantity is refused by the callers' amount limits instead of wrapping.
    pub fn rounded(self) -> i64 {
        let whole = (self.0 / SCALE).clamp(i128::from(i64::MIN / 2), i128::from(i64::MAX / 2));
        let rest = self.0 % SCALE;
        whole as i64 + super::proration::divide_rounded(rest, SCALE)
    }

    /// The shortest decimal text of the rate in minor units: `"3.6"`, `"900"`.
    pub fn text(self) -> String {
        let (whole, fraction) = (self.0 / SCALE, (self.0 % SCALE).unsigned_abs());
        if fraction == 0 {
            return whole.to_string();
        }
        let digits = format!("{fraction:0width$}", width = PLACES as usize);
        format!("{}{whole}.{}", if self.0 < 0 && whole == 0 { "-" } else { "" }, digits.trim_end_matches('0'))
    }
}

/// What one charge bills for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `quantity` units at `rate` each.
    Units,
    /// A tier's flat fee (`rate`); `quantity` is 0, as on Stripe's line.
    Flat,
}

/// One line's worth of a price's charge for a quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub kind: Kind,
    /// The tier, counted from 1, for tiered prices.
    pub tier: Option<usize>,
    /// Units billed: the packages, for a price with `transform_quantity`.
    pub quantity: i64,
    pub rate: Rate,
    pub amount: i64,
}

/// The charges, in the order Stripe lists their lines, for `quantity` of `price` over one full period.
pub fn charges(price: &Price, quantity: i64) -> Vec<Charge> {
    let quantity = quantity.max(0);
    let tiers = price.tiers.as_deref().unwrap_or_default();
    match (price.billing_scheme, price.tiers_mode) {
        (BillingScheme::Tiered, Some(TiersMode::Volume)) if !tiers.is_empty() => {
            let (number, tier) = tiers
                .iter()
                .enumerate()
                .find(|(_, tier)| tier.up_to.is_none_or(|up_to| quantity <= up_to))
                .unwrap_or((tiers.len() - 1, &tiers[tiers.len() - 1]));
            tier_charges(number + 1, tier, quantity)
        }
        (BillingScheme::Tiered, Some(TiersMode::Graduated)) if !tiers.is_empty() => {
            let mut below = 0;
            let mut charges = Vec::new();
            for (index, tier) in tiers.iter().enumerate() {
                if index > 0 && quantity <= below {
                    break;
                }
                let top = tier.up_to.map_or(quantity, |up_to| quantity.min(up_to));
                charges.extend(tier_charges(index + 1, tier, top - below));
                below = tier.up_to.unwrap_or(i64::MAX);
            }
            charges
        }
        _ => {
            let units = match &price.transform_quantity {
                Some(transform) if transform.divide_by > 0 => {
                    let (packages, rest) = (quantity / transform.divide_by, quantity % transform.divide_by);
                    packages + i64::from(rest > 0 && transform.round == Round::Up)
                }
                _ => quantity,
            };
            let rate = unit_rate(price);
            vec![Charge { kind: Kind::Units, tier: None, quantity: units, rate, amount: rate.times(units).rounded() }]
        }
    }
}

/// A per-unit price's rate (`unit_amount_decimal`, else `unit_amount`); zero for a price without one.
pub fn unit_rate(price: &Price) -> Rate {
    Rate::of(price.unit_amount, price.unit_amount_decimal.as_deref()).unwrap_or_default()
}

/// A tier's lines: its units (when it has a unit rate) and its flat fee (when it has one).
fn tier_charges(number: usize, tier: &Tier, units: i64) -> Vec<Charge> {
    let unit = Rate::of(tier.unit_amount, tier.unit_amount_decimal.as_deref());
    let flat = Rate::of(tier.flat_amount, tier.flat_amount_decimal.as_deref());
    let units_line = (unit.is_some() || flat.is_none()).then(|| {
        let rate = unit.unwrap_or_default();
        Charge { kind: Kind::Units, tier: Some(number), quantity: units, rate, amount: rate.times(units).rounded() }
    });
    let flat_line =
        flat.map(|rate| Charge { kind: Kind::Flat, tier: Some(number), quantity: 0, rate, amount: rate.rounded() });
    units_line.into_iter().chain(flat_line).collect()
}

/// What `quantity` of `price` costs for one full period: the sum of its [`charges`].
pub fn amount(price: &Price, quantity: i64) -> i64 {
    charges(price, quantity).iter().map(|charge| charge.amount).sum()
}

#[cfg(test)]
#[path = "pricing_tests.rs"]
mod tests;
