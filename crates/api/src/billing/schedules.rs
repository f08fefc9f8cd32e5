//! Carrying out a subscription schedule's transitions (`portico_core::billing::schedule::step`) on its
//! subscription, in the caller's transaction: creating it when the first phase starts, giving it each phase's
//! items, releasing or cancelling it at the end.

use portico_core::billing::change::{Change, TrialChange};
use portico_core::billing::lifecycle::{self, NewItem, Start};
use portico_core::billing::schedule::{self, Step};
use portico_core::objects::customer::Customer;
use portico_core::objects::price::Price;
use portico_core::objects::subscription::{PaymentBehavior, Subscription, TrialSettings};
use portico_core::objects::subscription_schedule::{EndBehavior, Phase, PhaseAnchor, SubscriptionSchedule};
use portico_store::{Tx, TxExt};

use crate::context::Ctx;
use crate::error::ApiError;
use crate::respond;

/// Runs every transition due by `ctx.now()`. `sub` is the schedule's subscription (loaded for update) once it
/// exists; a schedule that starts creates it and returns it. `customer` is loaded for update.
pub async fn advance(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    schedule: &mut SubscriptionSchedule,
    mut sub: Option<&mut Subscription>,
    customer: &mut Customer,
) -> Result<Option<Subscription>, ApiError> {
    let mut started = None;
    let before = respond::wire(&*schedule)?;
    while let Some(step) = schedule::step(schedule, ctx.now()) {
        match step {
            Step::Start => {
                let new = start(ctx, tx, schedule, customer).await?;
                schedule.subscription = Some(new.id.clone());
                started = Some(new);
            }
            Step::Enter(index) => {
                let phase = schedule.phases[index].clone();
                let target = started.as_mut().or(sub.as_deref_mut());
                if let Some(target) = target {
                    enter(ctx, tx, target, customer, &phase).await?;
                }
            }
            Step::End(behavior) => {
                let target = started.as_mut().or(sub.as_deref_mut());
                if let Some(target) = target {
                    match behavior {
                        EndBehavior::Cancel => lifecycle::cancel_now(target, ctx.now()),
                        _ => target.schedule = None,
                    }
                }
            }
        }
    }
    if respond::wire(&*schedule)? != before {
        tx.save(ctx.scope(), &*schedule).await?;
        let event = match schedule.status.as_str() {
            "released" => "subscription_schedule.released",
            "completed" => "subscription_schedule.completed",
            _ => "subscription_schedule.updated",
        };
        respond::emit(ctx, tx, event, &*schedule, Some(&before)).await?;
    }
    Ok(started)
}

/// The prices of a phase's items, with their quantities.
pub async fn phase_prices(ctx: &Ctx, tx: &mut dyn Tx, phase: &Phase) -> Result<Vec<(Price, i64)>, ApiError> {
    let mut prices = Vec::new();
    for item in &phase.items {
        let price = tx
            .load::<Price>(ctx.scope(), &item.price)
            .await?
            .ok_or_else(|| ApiError::no_such("price", &item.price, "price"))?;
        prices.push((price, item.quantity));
    }
    Ok(prices)
}

async fn start(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    schedule: &SubscriptionSchedule,
    customer: &mut Customer,
) -> Result<Subscription, ApiError> {
    let phase = &schedule.phases[0];
    let items: Vec<NewItem> = phase_prices(ctx, tx, phase)
        .await?
        .into_iter()
        .map(|(price, quantity)| NewItem { price, quantity, metadata: Default::default(), tax_rates: Vec::new() })
        .collect();
    let names = super::product_names(ctx, tx, items.iter().map(|i| &i.price)).await?;
    let settings = &schedule.default_settings;
    let collection_method = phase
        .collection_method
        .or_else(|| serde_json::from_value(settings["collection_method"].clone()).ok())
        .unwrap_or_default();
    let default_payment_method =
        phase.default_payment_method.clone().or_else(|| settings["default_payment_method"].as_str().map(str::to_owned));
    let (mut sub, invoice) = lifecycle::start(
        Start {
            customer,
            items,
            trial_end: phase.trial_end,
            billing_cycle_anchor: None,
            collection_method,
            days_until_due: settings["invoice_settings"]["days_until_due"].as_i64(),
            default_payment_method,
            default_tax_rates: Vec::new(),
            billing_mode: schedule.billing_mode.clone(),
            cancel_at: None,
            cancel_at_period_end: false,
            description: phase.description.clone(),
            metadata: phase.metadata.clone(),
            trial_settings: TrialSettings::default(),
            livemode: schedule.livemode,
            now: ctx.now(),
        },
        &names,
    );
    sub.schedule = Some(schedule.id.clone());
    super::subscribe::begin(ctx, tx, customer, sub, invoice, PaymentBehavior::AllowIncomplete, true).await
}

/// Gives `sub` the phase's items (and trial, anchor, metadata), prorated as the phase says.
pub async fn enter(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    sub: &mut Subscription,
    customer: &mut Customer,
    phase: &Phase,
) -> Result<(), ApiError> {
    let target = phase_prices(ctx, tx, phase).await?;
    let change = Change {
        items: schedule::item_changes(&sub.items.data, target),
        proration: phase.proration_behavior,
        proration_date: None,
        anchor_now: phase.billing_cycle_anchor == Some(PhaseAnchor::PhaseStart),
        trial: phase.trial_end.filter(|end| *end > ctx.now()).map(TrialChange::Until),
        now: ctx.now(),
    };
    if !phase.metadata.is_empty() {
        sub.metadata = phase.metadata.clone();
    }
    if let Some(method) = &phase.default_payment_method {
        sub.default_payment_method = Some(method.clone());
    }
    super::change::apply(ctx, tx, sub, customer, change, PaymentBehavior::AllowIncomplete, true).await
}
