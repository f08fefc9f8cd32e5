//! The checks of a session's `flow_data` that need stored objects: the flow's subscription (its owner and
//! state, through the core's eligibility rules), a retention coupon, and an update confirmation's discount.

use portico_core::billing::discounts::{Attachment, RedeemError, Redemption, check_coupon};
use portico_core::objects::billing_portal::Configuration;
use portico_core::objects::billing_portal::session::{Flow, eligibility};
use portico_core::objects::customer::Customer;
use portico_core::objects::subscription::{DiscountParams, Subscription};
use portico_store::{Tx, TxExt};

use crate::billing::discounts::{self, Target};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::resources::{coupons, missing_reference};

const RETENTION_COUPON: &str = "flow_data[subscription_cancel][retention][coupon_offer][coupon]";
const CONFIRM_DISCOUNTS: &str = "flow_data[subscription_update_confirm][discounts]";

/// Checks everything `flow` names against the store; writes nothing.
pub async fn check(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    flow: &Flow,
    customer: &Customer,
    on_behalf_of: Option<&str>,
    configuration: &Configuration,
) -> Result<(), ApiError> {
    let Some((id, param)) = flow.subscription() else { return Ok(()) };
    let subscription =
        tx.load::<Subscription>(ctx.scope(), id).await?.ok_or_else(|| missing_reference("subscription", id, &param))?;
    eligibility::check_subscription(flow, &subscription, &customer.id, on_behalf_of, configuration)?;
    let redemption = Redemption {
        customer: &customer.id,
        has_prior_transactions: false,
        currency: &subscription.currency,
        target: "subscription",
        updating: true,
        now: ctx.now(),
    };
    if let Some(retention) = flow.subscription_cancel.as_ref().and_then(|cancel| cancel.retention.as_ref()) {
        let coupon = &retention.coupon_offer.coupon;
        let (coupon, deleted) = coupons::load_any(ctx, tx, coupon)
            .await?
            .ok_or_else(|| missing_reference("coupon", coupon, RETENTION_COUPON))?;
        check_coupon(&coupon, deleted, &redemption).map_err(|error| refusal(error, RETENTION_COUPON))?;
    }
    if let Some(entries) = flow.subscription_update_confirm.as_ref().and_then(|confirm| confirm.discounts.as_ref()) {
        // The same checks a subscription update's `discounts` gets; nothing is redeemed until the customer confirms.
        let entries = entries
            .iter()
            .map(|entry| DiscountParams {
                coupon: entry.coupon.clone(),
                promotion_code: entry.promotion_code.clone(),
                discount: None,
            })
            .collect();
        let target = Target {
            customer,
            currency: &subscription.currency,
            noun: "subscription",
            updating: true,
            existing: &[],
            param: CONFIRM_DISCOUNTS,
        };
        let attachment = Attachment {
            customer: Some(customer.id.clone()),
            subscription: Some(subscription.id.clone()),
            ..Attachment::default()
        };
        discounts::resolve(ctx, tx, entries, &target, &attachment).await?;
    }
    Ok(())
}

/// A coupon refusal in Stripe's words, on the parameter that named the coupon.
fn refusal(error: RedeemError, param: &str) -> ApiError {
    let mut api = ApiError::invalid_request(error.to_string()).with_param(param);
    if matches!(error, RedeemError::CouponExpired(_)) {
        api.code = Some("coupon_expired");
    }
    api
}
