//! The customer's choice as API parameters: the preview (the engine's `create_preview` logic at a pinned
//! proration time `T`) and the update itself (`POST /v1/subscriptions/{id}` logic with the same `T`), so the
//! amounts charged are the amounts shown. The confirm form carries the choice and `T` signed with the
//! installation's secret and the session, so a customer can neither pick their own `T` nor swap the choice.

use hmac::{Hmac, KeyInit, Mac};
use portico_api::context::Ctx;
use portico_api::error::ApiError;
use portico_api::resources::invoice_preview::{self, PreviewParams, SubscriptionDetails};
use portico_api::resources::{subscription_schedules, subscriptions};
use portico_core::objects::billing_portal::configuration::features::{
    BillingCycleAnchor, ProrationBehavior as PortalProration, SubscriptionUpdate as Features,
};
use portico_core::objects::invoice::Invoice;
use portico_core::objects::subscription::{
    AnchorChange, DiscountParams, ItemParams, PaymentBehavior, ProrationBehavior, Subscription, SubscriptionUpdate,
    TimeOrNow,
};
use portico_core::objects::subscription_schedule::{
    EndBehavior, PhaseItemParams, PhaseParams, ScheduleCreate, ScheduleUpdate,
};
use portico_core::{Patch, Timestamp};
use portico_store::Tx;
use sha2::Sha256;

/// How long a preview's proration time stays good for confirming.
pub const PREVIEW_TTL_SECS: i64 = 30 * 60;

/// A discount the change adds: a coupon (deep links may name one) or a promotion code, by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discount {
    Coupon(String),
    PromotionCode(String),
}

impl Discount {
    /// `coupon:ID` / `promotion_code:ID`, as the confirm form carries it.
    pub fn field(&self) -> String {
        match self {
            Discount::Coupon(id) => format!("coupon:{id}"),
            Discount::PromotionCode(id) => format!("promotion_code:{id}"),
        }
    }

    pub fn parse(field: &str) -> Option<Discount> {
        match field.split_once(':')? {
            ("coupon", id) if !id.is_empty() => Some(Discount::Coupon(id.to_owned())),
            ("promotion_code", id) if !id.is_empty() => Some(Discount::PromotionCode(id.to_owned())),
            _ => None,
        }
    }
}

/// What the customer chose for the subscription's one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub price: String,
    pub quantity: i64,
    pub discount: Option<Discount>,
}

/// How the change applies, from the configuration and the subscription.
#[derive(Debug, Clone, Copy)]
pub struct Terms {
    pub proration: ProrationBehavior,
    pub anchor_now: bool,
    pub ends_trial: bool,
    /// The change waits for the period end (a subscription schedule).
    pub at_period_end: bool,
}

impl Terms {
    pub fn of(features: &Features, ends_trial: bool, at_period_end: bool) -> Terms {
        let proration = match features.proration_behavior {
            PortalProration::AlwaysInvoice => ProrationBehavior::AlwaysInvoice,
            PortalProration::CreateProrations => ProrationBehavior::CreateProrations,
            PortalProration::None => ProrationBehavior::None,
        };
        Terms {
            proration,
            anchor_now: features.billing_cycle_anchor == Some(BillingCycleAnchor::Now),
            ends_trial,
            at_period_end,
        }
    }
}

type Signer = Hmac<Sha256>;

fn signer(secret: &str, session: &str, sub: &str, choice: &Choice, at: Timestamp) -> Signer {
    let mut mac = Signer::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    let discount = choice.discount.as_ref().map(Discount::field).unwrap_or_default();
    let text = format!(
        "portico portal subscription update\0{session}\0{sub}\0{}\0{}\0{discount}\0{at}",
        choice.price, choice.quantity
    );
    mac.update(text.as_bytes());
    mac
}

/// The signature of `choice` at proration time `at`, for `session` and subscription `sub`.
pub fn sign(secret: &str, session: &str, sub: &str, choice: &Choice, at: Timestamp) -> String {
    hex::encode(signer(secret, session, sub, choice, at).finalize().into_bytes())
}

/// Whether `signature` is the one [`sign`] gives, compared in constant time.
pub fn verify(secret: &str, session: &str, sub: &str, choice: &Choice, at: Timestamp, signature: &str) -> bool {
    hex::decode(signature).is_ok_and(|bytes| signer(secret, session, sub, choice, at).verify_slice(&bytes).is_ok())
}

fn item(sub: &Subscription, choice: &Choice) -> ItemParams {
    let current = sub.items.data.first();
    ItemParams {
        id: current.map(|i| i.id.clone()),
        price: current.is_none_or(|i| i.price.id != choice.price).then(|| choice.price.clone()),
        quantity: current.is_none_or(|i| i.quantity != choice.quantity).then_some(choice.quantity),
        ..ItemParams::default()
    }
}

/// The subscription's discounts kept, and the chosen one added.
fn discounts(sub: &Subscription, discount: &Discount) -> Patch<Vec<DiscountParams>> {
    let mut all: Vec<DiscountParams> =
        sub.discounts.iter().map(|id| DiscountParams { discount: Some(id.clone()), ..Default::default() }).collect();
    all.push(match discount {
        Discount::Coupon(id) => DiscountParams { coupon: Some(id.clone()), ..Default::default() },
        Discount::PromotionCode(id) => DiscountParams { promotion_code: Some(id.clone()), ..Default::default() },
    });
    Patch::Set(all)
}

/// Adds the chosen discount (a separate update, as Stripe applies promotion codes apart from price changes).
pub async fn add_discount(ctx: &Ctx, tx: &mut dyn Tx, sub: &Subscription, choice: &Choice) -> Result<(), ApiError> {
    let Some(discount) = &choice.discount else { return Ok(()) };
    let params = SubscriptionUpdate { discounts: discounts(sub, discount), ..SubscriptionUpdate::default() };
    subscriptions::update_subscription(ctx, tx, &sub.id, params).await?;
    Ok(())
}

fn details(sub: &Subscription, choice: &Choice, terms: Terms, at: Timestamp) -> SubscriptionDetails {
    let prorates = terms.proration != ProrationBehavior::None;
    SubscriptionDetails {
        items: Some(vec![item(sub, choice)]),
        proration_behavior: Some(terms.proration),
        proration_date: prorates.then_some(at),
        billing_cycle_anchor: terms.anchor_now.then_some(AnchorChange::Now),
        trial_end: terms.ends_trial.then_some(TimeOrNow::Now),
        ..SubscriptionDetails::default()
    }
}

/// The invoice the change would produce, at proration time `at`: an immediate one (its `billing_reason` is
/// `subscription_update`) or the next renewal carrying the change's prorations. Call it with the chosen
/// discount already added, in a transaction that is rolled back.
pub async fn preview(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    sub: &Subscription,
    choice: &Choice,
    terms: Terms,
    at: Timestamp,
) -> Result<Invoice, ApiError> {
    let mut details = details(sub, choice, terms, at);
    if terms.at_period_end {
        // What the new price bills once the schedule switches to it: no prorations.
        details.proration_behavior = Some(ProrationBehavior::None);
        details.proration_date = None;
        details.billing_cycle_anchor = None;
    }
    let params = PreviewParams {
        subscription: Some(sub.id.clone()),
        subscription_details: Some(details),
        ..PreviewParams::default()
    };
    invoice_preview::preview(ctx, tx, params).await
}

/// The next renewal's invoice, as the subscription now stands.
pub async fn upcoming(ctx: &Ctx, tx: &mut dyn Tx, sub: &str) -> Result<Invoice, ApiError> {
    let params = PreviewParams { subscription: Some(sub.to_owned()), ..PreviewParams::default() };
    invoice_preview::preview(ctx, tx, params).await
}

/// Applies the change now at proration time `at` (with the chosen discount already added). A charge that fails
/// leaves the subscription as it was (`pending_if_incomplete`), its invoice open.
pub async fn apply(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    sub: &Subscription,
    choice: &Choice,
    terms: Terms,
    at: Timestamp,
    payment_behavior: PaymentBehavior,
) -> Result<Subscription, ApiError> {
    let details = details(sub, choice, terms, at);
    let params = SubscriptionUpdate {
        items: details.items,
        proration_behavior: details.proration_behavior,
        proration_date: details.proration_date,
        billing_cycle_anchor: details.billing_cycle_anchor,
        trial_end: details.trial_end,
        payment_behavior: Some(payment_behavior),
        ..SubscriptionUpdate::default()
    };
    subscriptions::update_subscription(ctx, tx, &sub.id, params).await
}

/// Schedules the change for the end of the current period: a schedule from the subscription, whose current
/// phase runs to the period end and whose next phase holds the new price and quantity; then it releases.
pub async fn schedule(ctx: &Ctx, tx: &mut dyn Tx, sub: &Subscription, choice: &Choice) -> Result<(), ApiError> {
    let create = ScheduleCreate { from_subscription: Some(sub.id.clone()), ..ScheduleCreate::default() };
    let schedule = subscription_schedules::from_subscription(ctx, tx, &sub.id, create).await?;
    let current = schedule.phases.first().cloned().ok_or_else(|| ApiError::invalid_request("no current phase"))?;
    let phase = |price: &str, quantity: i64| PhaseItemParams {
        price: Some(price.to_owned()),
        quantity: Some(quantity),
        ..PhaseItemParams::default()
    };
    let phases = vec![
        PhaseParams {
            items: Some(current.items.iter().map(|i| phase(&i.price, i.quantity)).collect()),
            start_date: Some(TimeOrNow::At(current.start_date)),
            end_date: current.end_date.map(TimeOrNow::At),
            ..PhaseParams::default()
        },
        PhaseParams {
            items: Some(vec![phase(&choice.price, choice.quantity)]),
            iterations: Some(1),
            ..PhaseParams::default()
        },
    ];
    let update = ScheduleUpdate {
        end_behavior: Some(EndBehavior::Release),
        phases: Some(phases),
        proration_behavior: Some(ProrationBehavior::None),
        ..ScheduleUpdate::default()
    };
    subscription_schedules::update_schedule(ctx, tx, &schedule.id, update).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice() -> Choice {
        Choice { price: "price_b".into(), quantity: 2, discount: Some(Discount::PromotionCode("promo_1".into())) }
    }

    #[test]
    fn a_signature_holds_only_for_its_choice_time_session_and_subscription() {
        let signature = sign("secret", "bps_1", "sub_1", &choice(), 1_000);
        assert!(verify("secret", "bps_1", "sub_1", &choice(), 1_000, &signature));
        assert!(!verify("secret", "bps_1", "sub_1", &choice(), 999, &signature));
        assert!(!verify("secret", "bps_2", "sub_1", &choice(), 1_000, &signature));
        assert!(!verify("secret", "bps_1", "sub_2", &choice(), 1_000, &signature));
        assert!(!verify("other", "bps_1", "sub_1", &choice(), 1_000, &signature));
        let more = Choice { quantity: 3, ..choice() };
        assert!(!verify("secret", "bps_1", "sub_1", &more, 1_000, &signature));
        assert!(!verify("secret", "bps_1", "sub_1", &choice(), 1_000, "zz"));
    }

    #[test]
    fn discounts_travel_as_one_field() {
        for discount in [Discount::Coupon("SAVE".into()), Discount::PromotionCode("promo_1".into())] {
            assert_eq!(Discount::parse(&discount.field()), Some(discount));
        }
        assert_eq!(Discount::parse("coupon:"), None);
        assert_eq!(Discount::parse("other:x"), None);
    }
}
