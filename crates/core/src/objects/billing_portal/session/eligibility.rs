//! What the portal may do to a subscription (spec §3.2, Stripe's documented limitations): a deep link to a
//! task the portal would not offer for that subscription is refused when the session is created.

use super::flow::{Flow, FlowType};
use crate::error::ParamError;
use crate::objects::billing_portal::Configuration;
use crate::objects::price::UsageType;
use crate::objects::subscription::{CollectionMethod, Status, Subscription};

/// Why the portal cannot update a subscription (it may still cancel it, except for [`Blocker::Schedule`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Blocker {
    #[error("is {0}; only active or trialing subscriptions can be updated in the customer portal")]
    Status(&'static str),
    #[error("has more than one item; the customer portal can cancel such subscriptions but not update them")]
    SeveralItems,
    #[error("uses a usage-based (metered) price, which the customer portal cannot update")]
    Metered,
    #[error(
        "is collected by sending invoices (collection_method=send_invoice), which the customer portal cannot update"
    )]
    SendInvoice,
    /// A schedule holds the subscription's future changes; the portal leaves it alone entirely.
    #[error("is managed by the subscription schedule {0}, so the customer portal can neither update nor cancel it")]
    Schedule(String),
    #[error("has an update waiting for its invoice to be paid (pending_update)")]
    PendingUpdate,
}

/// Why the portal cannot update `subscription`, if it cannot.
pub fn update_blocker(subscription: &Subscription) -> Option<Blocker> {
    if let Some(schedule) = &subscription.schedule {
        return Some(Blocker::Schedule(schedule.clone()));
    }
    if !matches!(subscription.status, Status::Active | Status::Trialing) {
        return Some(Blocker::Status(subscription.status.as_str()));
    }
    let items = &subscription.items.data;
    if items.len() > 1 {
        return Some(Blocker::SeveralItems);
    }
    let metered = |item: &&crate::objects::subscription::SubscriptionItem| {
        item.price.recurring.as_ref().is_some_and(|r| r.usage_type == UsageType::Metered)
    };
    if items.iter().any(|item| metered(&item)) {
        return Some(Blocker::Metered);
    }
    if subscription.collection_method == CollectionMethod::SendInvoice {
        return Some(Blocker::SendInvoice);
    }
    if subscription.pending_update.is_some() || subscription.engine.pending.is_some() {
        return Some(Blocker::PendingUpdate);
    }
    None
}

/// Checks the flow's subscription (already loaded by the caller) against the flow: it belongs to `customer`
/// (and to the session's `on_behalf_of` account, whose subscriptions alone the portal shows), and is in a
/// state the flow's task allows; for `subscription_update_confirm`, the item is one of its items and the new
/// price one the configuration offers.
pub fn check_subscription(
    flow: &Flow,
    subscription: &Subscription,
    customer: &str,
    on_behalf_of: Option<&str>,
    configuration: &Configuration,
) -> Result<(), ParamError> {
    let Some((id, param)) = flow.subscription() else { return Ok(()) };
    let refuse = |why: String| Err(ParamError::invalid(&param, format!("The subscription {id} {why}.")));
    if subscription.customer != customer {
        return refuse(format!("belongs to another customer, not to {customer}"));
    }
    if let Some(account) = on_behalf_of
        && subscription.on_behalf_of.as_deref() != Some(account)
    {
        return refuse(format!("is not on behalf of {account}, so a session on behalf of it cannot show it"));
    }
    match flow.kind {
        FlowType::SubscriptionCancel => {
            if subscription.status.is_terminal() {
                return refuse(format!("is already {}", subscription.status.as_str()));
            }
            if let Some(schedule) = &subscription.schedule {
                return refuse(Blocker::Schedule(schedule.clone()).to_string());
            }
        }
        FlowType::SubscriptionPause => {
            if !matches!(subscription.status, Status::Active | Status::Trialing | Status::PastDue) {
                return refuse(format!(
                    "is {}; only active, trialing or past_due subscriptions can be paused",
                    subscription.status.as_str()
                ));
            }
        }
        FlowType::SubscriptionUpdate | FlowType::SubscriptionUpdateConfirm => {
            if let Some(blocker) = update_blocker(subscription) {
                return refuse(blocker.to_string());
            }
            if let Some(confirm) = &flow.subscription_update_confirm {
                check_confirm_items(confirm, subscription, configuration)?;
            }
        }
        FlowType::CustomerUpdate | FlowType::PaymentMethodUpdate => {}
    }
    Ok(())
}

fn check_confirm_items(
    confirm: &super::flow::SubscriptionUpdateConfirm,
    subscription: &Subscription,
    configuration: &Configuration,
) -> Result<(), ParamError> {
    for (index, item) in confirm.items.iter().enumerate() {
        let at = format!("flow_data[subscription_update_confirm][items][{index}]");
        if !subscription.items.data.iter().any(|own| own.id == item.id) {
            return Err(ParamError::invalid(
                &format!("{at}[id]"),
                format!("The subscription item {} is not an item of the subscription {}.", item.id, subscription.id),
            ));
        }
        if let Some(price) = &item.price
            && !configuration.features.subscription_update.offers_price(price)
        {
            return Err(ParamError::invalid(
                &format!("{at}[price]"),
                format!(
                    "The price {price} is not offered by the configuration {} \
                     (features.subscription_update.products).",
                    configuration.id
                ),
            ));
        }
    }
    Ok(())
}
