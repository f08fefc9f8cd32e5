//! Applying a subscription change (items, anchor, trial) in the caller's transaction: the engine's prorations
//! become invoice items, an immediate invoice is finalized and collected per `payment_behavior`. Used by
//! `POST /v1/subscriptions/{id}`, the subscription-item endpoints and schedule phases.

use portico_core::billing::change::{self, Change};
use portico_core::billing::discounts;
use portico_core::objects::customer::Customer;
use portico_core::objects::discount::CouponTerms;
use portico_core::objects::subscription::{ItemOwner, PaymentBehavior, Subscription};
use portico_store::{Tx, TxExt};

use crate::context::Ctx;
use crate::error::ApiError;
use crate::respond;

/// Changes `sub` (loaded for update; the caller saves it and emits its event) and writes what the change
/// produced. `customer` is the subscription's, loaded for update.
pub async fn apply(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    sub: &mut Subscription,
    customer: &mut Customer,
    change: Change,
    payment_behavior: PaymentBehavior,
    off_session: bool,
) -> Result<(), ApiError> {
    let names = {
        let prices = sub.items.data.iter().map(|i| &i.price).chain(change.items.iter().filter_map(|c| match c {
            change::ItemChange::Update { price, .. } => price.as_ref(),
            change::ItemChange::Add(new) => Some(&new.price),
            change::ItemChange::Delete { .. } => None,
        }));
        super::product_names(ctx, tx, prices).await?
    };
    let pending = if sub.engine.has_pending_items {
        super::due::pending_items(ctx, tx, customer, &sub.id).await?
    } else {
        Vec::new()
    };
    let unchanged = sub.clone();
    let discounts = discount_terms(ctx, tx, sub).await?;
    let changed = change::apply(sub, customer, change, &names, pending, &discounts)
        .map_err(|e| ApiError::invalid_request(e.message).with_param(e.param))?;
    let known: Vec<&str> = unchanged.items.data.iter().map(|i| i.id.as_str()).collect();
    register_items(ctx, tx, sub, &known).await?;
    for item in &changed.prorations {
        respond::create(ctx, tx, item, "invoiceitem.created").await?;
    }
    for item in &changed.swept {
        tx.save(ctx.scope(), item).await?;
    }
    let Some(mut invoice) = changed.invoice else {
        sub.engine.has_pending_items |= !changed.prorations.is_empty();
        return Ok(());
    };
    sub.engine.has_pending_items = false;
    let billed: Vec<_> = changed.prorations.iter().chain(&changed.swept).cloned().collect();
    super::discounts::apply_to_subscription_invoice(ctx, tx, sub, &mut invoice, &billed).await?;
    super::subscribe::bill(ctx, tx, sub, customer, &mut invoice, payment_behavior, off_session).await?;
    if payment_behavior == PaymentBehavior::PendingIfIncomplete
        && invoice.status != portico_core::objects::invoice::Status::Paid
    {
        let attempted = std::mem::replace(sub, unchanged);
        change::hold_pending(sub, attempted, &invoice, ctx.now());
    }
    tx.save(ctx.scope(), &invoice).await?;
    Ok(())
}

/// Cancelling now with `prorate` / `invoice_now`: the credits, the final invoice (finalized; a credit goes to
/// the customer's balance, a debt is collected), pending prorations dropped when neither is asked.
pub async fn cancel(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    sub: &mut Subscription,
    customer: &mut Customer,
    prorate: bool,
    invoice_now: bool,
) -> Result<(), ApiError> {
    if !sub.engine.has_pending_items && !prorate && !invoice_now {
        return Ok(());
    }
    let names = super::product_names(ctx, tx, sub.items.data.iter().map(|i| &i.price)).await?;
    let pending = if sub.engine.has_pending_items {
        super::due::pending_items(ctx, tx, customer, &sub.id).await?
    } else {
        Vec::new()
    };
    let discounts = discount_terms(ctx, tx, sub).await?;
    let how = change::CancelNow { prorate, invoice_now, now: ctx.now() };
    let cancellation = change::cancel(sub, customer, &names, pending, how, &discounts);
    for item in &cancellation.credits {
        respond::create(ctx, tx, item, "invoiceitem.created").await?;
    }
    for item in &cancellation.swept {
        tx.save(ctx.scope(), item).await?;
    }
    for item in &cancellation.dropped {
        tx.remove(ctx.scope(), item).await?;
        respond::emit(ctx, tx, "invoiceitem.deleted", item, None).await?;
    }
    sub.engine.has_pending_items = cancellation.invoice.is_none() && !cancellation.credits.is_empty();
    if let Some(mut invoice) = cancellation.invoice {
        let billed: Vec<_> = cancellation.credits.iter().chain(&cancellation.swept).cloned().collect();
        super::discounts::apply_to_subscription_invoice(ctx, tx, sub, &mut invoice, &billed).await?;
        super::subscribe::bill(ctx, tx, sub, customer, &mut invoice, PaymentBehavior::AllowIncomplete, true).await?;
        tx.save(ctx.scope(), &invoice).await?;
    }
    Ok(())
}

/// Records which subscription holds each item of `sub` that `known` does not list (see [`ItemOwner`]).
pub async fn register_items(ctx: &Ctx, tx: &mut dyn Tx, sub: &Subscription, known: &[&str]) -> Result<(), ApiError> {
    for item in sub.items.data.iter().filter(|i| !known.contains(&i.id.as_str())) {
        let owner = ItemOwner { id: item.id.clone(), subscription: sub.id.clone(), created: item.created };
        tx.create(ctx.scope(), &owner).await?;
    }
    Ok(())
}

/// What the subscription's discounts in force now take off, for prorations.
pub async fn discount_terms(ctx: &Ctx, tx: &mut dyn Tx, sub: &Subscription) -> Result<Vec<CouponTerms>, ApiError> {
    let all = super::discounts::load_all(ctx, tx, &sub.discounts).await?;
    let now = ctx.now();
    Ok(all.into_iter().filter(|d| discounts::in_force_at(d, now)).map(|d| d.engine.terms).collect())
}
