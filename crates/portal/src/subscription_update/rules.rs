//! What the customer may change on one subscription (spec §3.2–3.3): whether the portal may update it at all,
//! which of the configuration's prices it can switch to (and, in plain words, why the others are missing), the
//! quantity bounds, and whether the change waits for the period end (`schedule_at_period_end`).

use portico_core::Scope;
use portico_core::objects::billing_portal::configuration::Configuration;
use portico_core::objects::billing_portal::configuration::features::{
    AllowedUpdate, ScheduleConditionType, SubscriptionUpdate,
};
use portico_core::objects::billing_portal::session::eligibility::{Blocker, update_blocker};
use portico_core::objects::customer::Customer;
use portico_core::objects::payment_method::{PaymentMethod, PaymentMethodType};
use portico_core::objects::price::{Interval, Price, TaxBehavior, UsageType};
use portico_core::objects::product::Product;
use portico_core::objects::subscription::{Status, Subscription, SubscriptionItem};
use portico_store::{StoreError, Tx, TxExt};

use crate::i18n::Lang;

/// Why the portal will not update this subscription, in the customer's words.
pub fn refusal(
    lang: &Lang,
    features: &SubscriptionUpdate,
    sub: &Subscription,
    payment_method: Option<&PaymentMethod>,
) -> Option<String> {
    if !features.enabled || features.default_allowed_updates.is_empty() {
        return Some(lang.t("update-refused-disabled"));
    }
    if let Some(blocker) = update_blocker(sub) {
        return Some(match blocker {
            Blocker::Status(_) => lang.t("update-refused-status"),
            Blocker::SeveralItems => lang.t("limit-several-items"),
            Blocker::Metered => lang.t("limit-metered"),
            Blocker::SendInvoice => lang.t("limit-send-invoice"),
            Blocker::Schedule(_) => lang.t("limit-schedule"),
            Blocker::PendingUpdate => lang.t("limit-pending-update"),
        });
    }
    // The portal charges cards only (spec §3.6 lists the others, which Portico cannot collect yet).
    if payment_method.is_some_and(|pm| pm.kind != PaymentMethodType::Card) {
        return Some(lang.t("update-refused-payment-method"));
    }
    None
}

/// The payment method the subscription is charged with: its own default, else the customer's.
pub async fn payment_method(
    tx: &mut dyn Tx,
    scope: &Scope,
    sub: &Subscription,
    customer: &Customer,
) -> Result<Option<PaymentMethod>, StoreError> {
    let id = sub.default_payment_method.as_ref().or(customer.invoice_settings.default_payment_method.as_ref());
    match id {
        Some(id) => tx.load::<PaymentMethod>(scope, id).await,
        None => Ok(None),
    }
}

/// One price the customer may choose.
#[derive(Clone)]
pub struct Offer {
    pub price: Price,
    pub product: Product,
    /// `(minimum, maximum)` when the quantity may be changed for this product.
    pub quantity: Option<(i64, Option<i64>)>,
}

/// Everything the choose page offers for one subscription.
pub struct Options {
    pub item: SubscriptionItem,
    pub current_product: Option<Product>,
    /// The current price first when the configuration lists it, then the others in the configuration's order.
    pub offers: Vec<Offer>,
    /// Plain-words reasons why some listed prices are not offered (one sentence per reason).
    pub missing: Vec<String>,
    pub price: bool,
    pub quantity: bool,
    pub promotion_code: bool,
}

impl Options {
    pub fn offer(&self, price: &str) -> Option<&Offer> {
        self.offers.iter().find(|offer| offer.price.id == price)
    }

    /// The quantity bounds for `price`'s product, when the customer may change the quantity there.
    pub fn quantity_bounds(&self, price: &str) -> Option<(i64, Option<i64>)> {
        if !self.quantity {
            return None;
        }
        self.offer(price).and_then(|offer| offer.quantity)
    }

    /// Whether the choose page has anything to change: another price, another quantity, or a promotion code.
    /// When it has not, the portal offers no update (the home page shows no button for it).
    pub fn offers_a_change(&self) -> bool {
        let current = &self.item.price.id;
        let other_price = self.offers.iter().any(|offer| &offer.price.id != current);
        let other_quantity = self
            .quantity_bounds(current)
            .is_some_and(|(min, max)| max.is_none_or(|max| max > min) || self.item.quantity != min);
        other_price || other_quantity || self.promotion_code
    }
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Missing {
    Currency,
    TaxUnspecified,
    TaxMismatch,
    Unavailable,
}

/// The options for `sub` under `configuration`: loads the listed products and prices.
pub async fn options(
    lang: &Lang,
    tx: &mut dyn Tx,
    scope: &Scope,
    configuration: &Configuration,
    sub: &Subscription,
) -> Result<Options, StoreError> {
    let features = &configuration.features.subscription_update;
    let allowed = |what| features.default_allowed_updates.contains(&what);
    let item = sub.items.data.first().cloned().expect("an updatable subscription has exactly one item");
    let current = &item.price;
    let current_product = tx.load::<Product>(scope, &current.product).await?;
    let mut offers = Vec::new();
    let mut missing = Vec::new();
    for listed in features.products.iter().flatten() {
        let Some(product) = tx.load::<Product>(scope, &listed.product).await? else { continue };
        let quantity = listed
            .adjustable_quantity
            .enabled
            .then_some((listed.adjustable_quantity.minimum, listed.adjustable_quantity.maximum));
        for id in &listed.prices {
            let price = if id == &current.id { Some(current.clone()) } else { tx.load::<Price>(scope, id).await? };
            let Some(price) = price else { continue };
            let why = if price.id == current.id {
                None
            } else if !allowed(AllowedUpdate::Price) {
                continue;
            } else {
                why_not(current, &price, product.active)
            };
            match why {
                None => offers.push(Offer { price, product: product.clone(), quantity }),
                Some(reason) if !missing.contains(&reason) => missing.push(reason),
                Some(_) => {}
            }
        }
    }
    // The current price first, so the form opens on "no change".
    offers.sort_by_key(|offer| offer.price.id != current.id);
    let mut options = Options {
        item,
        current_product,
        offers,
        missing: Vec::new(),
        price: allowed(AllowedUpdate::Price),
        quantity: allowed(AllowedUpdate::Quantity),
        promotion_code: allowed(AllowedUpdate::PromotionCode),
    };
    // With nothing to change, these sentences explain a refusal: none may point at a form below.
    let currency = options.item.price.currency.to_uppercase();
    let tax_unspecified = if options.offers_a_change() {
        "update-missing-tax-unspecified"
    } else {
        "update-missing-tax-unspecified-only"
    };
    options.missing = missing
        .into_iter()
        .map(|reason| match reason {
            Missing::Currency => lang.t1("update-missing-currency", "currency", &currency),
            Missing::TaxUnspecified => lang.t(tax_unspecified),
            Missing::TaxMismatch => lang.t("update-missing-tax-mismatch"),
            Missing::Unavailable => lang.t("update-missing-unavailable"),
        })
        .collect();
    Ok(options)
}

/// Why `price` cannot replace `current` (spec §3.2): another currency; a tax behaviour that differs, or a
/// current one left `unspecified` (Stripe's documented rule, even towards another `unspecified` price).
fn why_not(current: &Price, price: &Price, product_active: bool) -> Option<Missing> {
    let metered = price.recurring.as_ref().is_none_or(|r| r.usage_type == UsageType::Metered);
    if !price.active || !product_active || metered {
        return Some(Missing::Unavailable);
    }
    if price.currency != current.currency {
        return Some(Missing::Currency);
    }
    let tax = |p: &Price| p.tax_behavior.unwrap_or(TaxBehavior::Unspecified);
    if tax(current) == TaxBehavior::Unspecified {
        return Some(Missing::TaxUnspecified);
    }
    if tax(price) != tax(current) {
        return Some(Missing::TaxMismatch);
    }
    None
}

/// Whether changing `from` (× `from_quantity`) to `to` (× `to_quantity`) waits for the period end under the
/// configuration's `schedule_at_period_end` conditions. Only changes within one product can wait: a switch to
/// another product always applies at once (Stripe's documented limitation).
pub fn at_period_end(
    features: &SubscriptionUpdate,
    from: &Price,
    from_quantity: i64,
    to: &Price,
    to_quantity: i64,
) -> bool {
    if from.product != to.product {
        return false;
    }
    let (Some(before), Some(after)) = (per_day(from, from_quantity), per_day(to, to_quantity)) else { return false };
    features.schedule_at_period_end.conditions.iter().any(|condition| match condition.kind {
        // Compared per unit of time: 10/month → 100/year is a decrease (120 > 100 a year).
        ScheduleConditionType::DecreasingItemAmount => after.0 * before.1 < before.0 * after.1,
        ScheduleConditionType::ShorteningInterval => after.1 < before.1 && from_quantity == to_quantity,
    })
}

/// The item's amount and its interval in days (a year counted as 365, a month as 30), as a ratio.
fn per_day(price: &Price, quantity: i64) -> Option<(i128, i128)> {
    let recurring = price.recurring.as_ref()?;
    let days = match recurring.interval {
        Interval::Day => 1,
        Interval::Week => 7,
        Interval::Month => 30,
        Interval::Year => 365,
    } * recurring.interval_count;
    Some((i128::from(portico_core::billing::pricing::amount(price, quantity)), i128::from(days.max(1))))
}

/// Whether the change ends a trial now (spec §3.2: unless `trial_update_behavior=continue_trial`).
pub fn ends_trial(features: &SubscriptionUpdate, sub: &Subscription) -> bool {
    use portico_core::objects::billing_portal::configuration::features::TrialUpdateBehavior;
    sub.status == Status::Trialing && features.trial_update_behavior == TrialUpdateBehavior::EndTrial
}
