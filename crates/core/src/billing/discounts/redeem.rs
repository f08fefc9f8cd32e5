//! Whether a coupon or a promotion code may be redeemed into a new discount, and why not, in Stripe's words.

use crate::Timestamp;
use crate::objects::coupon::Coupon;
use crate::objects::discount::CouponTerms;
use crate::objects::promotion_code::PromotionCode;

/// Why a redemption is refused. The messages are Stripe's; the API layer adds the parameter and the code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedeemError {
    /// Past `redeem_by`, used up, or deleted (Stripe answers all three alike, with `coupon_expired`).
    #[error("Coupon expired: {0}")]
    CouponExpired(String),
    #[error("This promotion code cannot be redeemed because it is inactive.")]
    PromotionCodeInactive,
    #[error("This promotion code cannot be redeemed because it has expired.")]
    PromotionCodeExpired,
    #[error("This promotion code cannot be redeemed because it has been used the maximum number of times.")]
    PromotionCodeExhausted,
    #[error("This promotion code cannot be redeemed because it is restricted to a different customer.")]
    OtherCustomer,
    #[error("This promotion code cannot be redeemed because the associated customer has prior transactions.")]
    PriorTransactions,
    #[error(
        "This promotion code cannot be redeemed because the associated purchase does not meet the minimum amount \
         requirement."
    )]
    BelowMinimum,
    #[error(
        "This promotion code cannot be redeemed on a subscription update because it uses the `minimum_amount` \
         restriction and the amount may change."
    )]
    MinimumOnUpdate,
    /// An `amount_off` coupon with no amount in the currency being billed.
    #[error("The coupon `{coupon}` has no `amount_off` in `{currency}`, the currency of this {target}.")]
    Currency { coupon: String, currency: String, target: &'static str },
}

/// Who redeems, into what, and when.
#[derive(Debug, Clone, Copy)]
pub struct Redemption<'a> {
    pub customer: &'a str,
    /// Whether the customer already paid something: a succeeded charge or a finalized invoice with a positive
    /// total (Stripe's `first_time_transaction` looks for "successful payments or invoices").
    pub has_prior_transactions: bool,
    /// The currency of the subscription or invoice the discount is for.
    pub currency: &'a str,
    /// `subscription` or `invoice`, for messages.
    pub target: &'static str,
    /// A subscription update, where an amount minimum cannot be checked.
    pub updating: bool,
    pub now: Timestamp,
}

/// A coupon takes new redemptions while it is valid (not past `redeem_by`, under `max_redemptions`) and not
/// deleted; an `amount_off` coupon also needs an amount in the currency billed.
pub fn check_coupon(coupon: &Coupon, deleted: bool, redemption: &Redemption) -> Result<(), RedeemError> {
    if deleted || !coupon.valid_at(redemption.now) {
        return Err(RedeemError::CouponExpired(coupon.id.clone()));
    }
    if coupon.amount_off.is_some() && CouponTerms::of(coupon).amount_off_in(redemption.currency).is_none() {
        return Err(RedeemError::Currency {
            coupon: coupon.id.clone(),
            currency: redemption.currency.to_owned(),
            target: redemption.target,
        });
    }
    Ok(())
}

/// A promotion code: its own limits first (the most specific reason wins), then its coupon's, then its
/// restrictions. The minimum amount is checked later against the first invoice ([`check_minimum`]), except on
/// an update, where Stripe refuses such codes outright.
pub fn check_promotion_code(
    code: &PromotionCode,
    coupon: &Coupon,
    coupon_deleted: bool,
    redemption: &Redemption,
) -> Result<(), RedeemError> {
    if code.expires_at.is_some_and(|at| redemption.now >= at) {
        return Err(RedeemError::PromotionCodeExpired);
    }
    if code.max_redemptions.is_some_and(|max| code.times_redeemed >= max) {
        return Err(RedeemError::PromotionCodeExhausted);
    }
    let coupon_valid = !coupon_deleted && coupon.valid_at(redemption.now);
    if !code.active_at(redemption.now, coupon_valid) {
        return Err(RedeemError::PromotionCodeInactive);
    }
    check_coupon(coupon, coupon_deleted, redemption)?;
    if code.customer.as_deref().is_some_and(|only| only != redemption.customer) {
        return Err(RedeemError::OtherCustomer);
    }
    if code.restrictions.first_time_transaction && redemption.has_prior_transactions {
        return Err(RedeemError::PriorTransactions);
    }
    if redemption.updating && has_minimum(code) {
        return Err(RedeemError::MinimumOnUpdate);
    }
    Ok(())
}

fn has_minimum(code: &PromotionCode) -> bool {
    code.restrictions.minimum_amount.is_some()
        || code.restrictions.currency_options.as_ref().is_some_and(|options| !options.is_empty())
}

/// The promotion code's minimum against the amount of the first invoice it discounts (before discounts and
/// taxes). The minimum is the one set for the invoice's currency; a code with minimums only in other currencies
/// cannot be met.
pub fn check_minimum(code: &PromotionCode, currency: &str, amount: i64) -> Result<(), RedeemError> {
    if !has_minimum(code) {
        return Ok(());
    }
    let restrictions = &code.restrictions;
    let minimum = if restrictions.minimum_amount_currency.as_deref() == Some(currency) {
        restrictions.minimum_amount
    } else {
        restrictions.currency_options.as_ref().and_then(|options| options.get(currency)).map(|m| m.minimum_amount)
    };
    match minimum {
        Some(minimum) if amount >= minimum => Ok(()),
        _ => Err(RedeemError::BelowMinimum),
    }
}
