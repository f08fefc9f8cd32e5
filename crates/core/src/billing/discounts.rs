//! Discounts (spec 4.10–4.11): redeeming coupons and promotion codes into discounts, how long a discount lasts,
//! and what it takes off an invoice.
//!
//! Applying (see [`apply`]): a line's own discounts (an invoice item's) come first, then the invoice's
//! (a subscription's, or a manual invoice's), each in the order given, and each takes its share of what the
//! previous ones left, so 25 % then 10 % is 32.5 % off. Only lines marked `discountable` with a positive amount are
//! discounted (prorations are not: their amounts already reflect the discounts in force), and a coupon limited to
//! `applies_to.products` only touches lines of those products. Nothing is ever discounted below zero.
//!
//! Rounding: a `percent_off` discount is computed per line, rounded half away from zero to the minor unit. An
//! `amount_off` discount (in the invoice's currency, or from the coupon's `currency_options`) is capped at what
//! the eligible lines still have, then split over them in proportion to it by the largest-remainder method, so
//! the shares add up to exactly the amount taken off. Taxes are then recomputed on each line's discounted
//! amount: exclusive taxes on the discounted net, inclusive ones as the part of the discounted amount they are.

mod allocate;
mod redeem;
#[cfg(test)]
mod tests;

use serde_json::Value;

pub use allocate::{percent_of, split};
pub use redeem::{RedeemError, Redemption, check_coupon, check_minimum, check_promotion_code};

use super::invoicing;
use super::period::add_months;
use crate::objects::TaxRate;
use crate::objects::coupon::{Coupon, Duration};
use crate::objects::discount::{CouponTerms, Discount, DiscountEngine, Source, SourceType};
use crate::objects::invoice::{DiscountAmount, Invoice, LineItem};
use crate::objects::subscription::Subscription;
use crate::objects::tax_rate::line_taxes;
use crate::{Timestamp, ids};

/// Where a new discount is attached. Exactly the fields Stripe fills for that attachment.
#[derive(Debug, Clone, Default)]
pub struct Attachment {
    pub customer: Option<String>,
    pub subscription: Option<String>,
    pub invoice: Option<String>,
    pub invoice_item: Option<String>,
    pub test_clock: Option<String>,
}

/// A new discount from `coupon` (through `promotion_code`, when one was used), starting `now`. The caller has
/// checked that the coupon may be redeemed and records the redemption.
pub fn redeem(coupon: &Coupon, promotion_code: Option<&str>, attachment: Attachment, now: Timestamp) -> Discount {
    let terms = CouponTerms::of(coupon);
    Discount {
        id: ids::new_id("di"),
        object: "discount".into(),
        checkout_session: None,
        customer: attachment.customer,
        customer_account: None,
        end: end(&terms, now),
        invoice: attachment.invoice,
        invoice_item: attachment.invoice_item,
        promotion_code: promotion_code.map(str::to_owned),
        source: Source { coupon: Some(coupon.id.clone()), kind: SourceType::Coupon },
        start: now,
        subscription: attachment.subscription,
        subscription_item: None,
        engine: DiscountEngine { terms, test_clock: attachment.test_clock },
    }
}

/// When a discount starting at `start` ends: `duration_in_months` calendar months later for a `repeating` coupon
/// (clamped to the month's end, as billing periods are: Jan 31 + 1 month is Feb 28/29), never otherwise (`once`
/// ends by being used).
pub fn end(terms: &CouponTerms, start: Timestamp) -> Option<Timestamp> {
    match terms.duration {
        Duration::Repeating => Some(add_months(start, terms.duration_in_months.unwrap_or(1))),
        Duration::Once | Duration::Forever => None,
    }
}

/// Whether the discount applies to an invoice dated `at`: from its start until (excluding) its end.
pub fn in_force_at(discount: &Discount, at: Timestamp) -> bool {
    discount.start <= at && discount.end.is_none_or(|end| at < end)
}

/// Applies the subscription's discounts to one of its invoices: those in force at the invoice's date become the
/// invoice's discounts, then the invoice is discounted ([`apply`], `all` holds every discount it names, its lines'
/// too). Discounts that are used up leave the subscription: a `once` discount after the invoice it applied to,
/// a repeating one whose end has come.
pub fn apply_to_subscription_invoice(
    sub: &mut Subscription,
    invoice: &mut Invoice,
    all: &[Discount],
    rates: &[TaxRate],
) {
    let at = invoice.created;
    let find = |id: &String| all.iter().find(|d| &d.id == id);
    invoice.discounts =
        sub.discounts.iter().filter(|id| find(id).is_some_and(|d| in_force_at(d, at))).cloned().collect();
    apply(invoice, all, rates);
    sub.discounts.retain(|id| match find(id) {
        Some(discount) => {
            let used = discount.engine.terms.duration == Duration::Once && invoice.discounts.contains(id);
            let ended = discount.end.is_some_and(|end| end <= at);
            !used && !ended
        }
        None => true,
    });
}

/// Discounts `invoice`: clears every line's `discount_amounts`, applies each line's `discounts` and then the
/// invoice's `discounts` (looked up in `all`; unknown ids are skipped), recomputes the lines' taxes on their
/// discounted amounts (`rates` holds the tax rates the lines use) and the invoice's totals. See the module
/// documentation for the order and the rounding. Applying twice gives the same result.
pub fn apply(invoice: &mut Invoice, all: &[Discount], rates: &[TaxRate]) {
    let currency = invoice.currency.clone();
    let find = |id: &String| all.iter().find(|d| &d.id == id);
    let lines = &mut invoice.lines.data;
    let mut left: Vec<i64> = lines.iter().map(|l| if l.discountable { l.amount.max(0) } else { 0 }).collect();
    for line in lines.iter_mut() {
        line.discount_amounts.clear();
    }
    for (index, line) in lines.iter_mut().enumerate() {
        for discount in line.discounts.clone().iter().filter_map(find) {
            if !line.discountable || !covers(discount, line) {
                continue;
            }
            let off = match discount.engine.terms.percent_off {
                Some(percent) => percent_of(left[index], percent),
                None => discount.engine.terms.amount_off_in(&currency).unwrap_or(0).min(left[index]),
            };
            left[index] -= off;
            line.discount_amounts.push(DiscountAmount { amount: off, discount: discount.id.clone() });
        }
    }
    for discount in invoice.discounts.iter().filter_map(find) {
        let eligible: Vec<usize> =
            (0..lines.len()).filter(|i| lines[*i].discountable && covers(discount, &lines[*i])).collect();
        let offs: Vec<i64> = match discount.engine.terms.percent_off {
            Some(percent) => eligible.iter().map(|i| percent_of(left[*i], percent)).collect(),
            None => {
                let amount = discount.engine.terms.amount_off_in(&currency).unwrap_or(0);
                split(amount, &eligible.iter().map(|i| left[*i]).collect::<Vec<_>>())
            }
        };
        for (index, off) in eligible.into_iter().zip(offs) {
            left[index] -= off;
            lines[index].discount_amounts.push(DiscountAmount { amount: off, discount: discount.id.clone() });
        }
    }
    for line in lines.iter_mut() {
        retax(line, rates);
    }
    invoicing::recompute(invoice);
}

/// Whether the discount's coupon covers the line's product (`applies_to.products`).
fn covers(discount: &Discount, line: &LineItem) -> bool {
    match &discount.engine.terms.products {
        None => true,
        Some(products) => product_of(line).is_some_and(|product| products.iter().any(|p| p == product)),
    }
}

/// The product a line bills, from its `pricing`.
pub fn product_of(line: &LineItem) -> Option<&str> {
    line.pricing.pointer("/price_details/product").and_then(Value::as_str)
}

/// Recomputes the line's taxes on its discounted amount, with the rates its taxes name. A line whose rates are
/// not all in `rates` keeps its taxes (callers pass every rate their lines use).
fn retax(line: &mut LineItem, rates: &[TaxRate]) {
    if line.taxes.is_empty() {
        return;
    }
    let used: Option<Vec<&TaxRate>> =
        line.taxes.iter().map(|tax| rates.iter().find(|rate| rate.id == tax.tax_rate_details.tax_rate)).collect();
    if let Some(used) = used {
        let discounted = line.amount - line.discount_amounts.iter().map(|d| d.amount).sum::<i64>();
        line.taxes = line_taxes(discounted, &used);
    }
}
