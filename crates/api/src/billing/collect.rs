//! Finalizing invoices and collecting them through the processor, and what that does to their subscription.

use portico_core::billing::invoicing;
use portico_core::billing::lifecycle;
use portico_core::cards::CardError;
use portico_core::objects::customer::Customer;
use portico_core::objects::invoice::{Invoice, Status as InvoiceStatus};
use portico_core::objects::subscription::Subscription;
use portico_core::payments::{self, Instrument, Outcome, PaymentRequest};
use portico_store::{Tx, TxExt};
use serde_json::json;

use crate::context::Ctx;
use crate::error::ApiError;
use crate::resources::{payment_intents, payment_methods};
use crate::respond;

/// How a collection attempt ended, for callers that answer differently (`error_if_incomplete`, `pay`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Collected {
    Paid,
    /// Nothing attempted: no payment method, or the invoice is not collected automatically.
    NotAttempted,
    RequiresAction,
    Declined(CardError),
}

/// Draft → open, saving `customer` (the invoice's, loaded for update) with its new invoice sequence and
/// balance. Emits `invoice.finalized`; an invoice with nothing to pay is paid on the spot (`invoice.paid`, and
/// its subscription becomes active). Returns whether it was paid.
pub async fn finalize(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    invoice: &mut Invoice,
    customer: &mut Customer,
    sub: Option<&mut Subscription>,
) -> Result<bool, ApiError> {
    let before_customer = respond::wire(&*customer)?;
    let paid = invoicing::finalize(invoice, customer, ctx.scope(), &ctx.state().public_url, ctx.now())
        .map_err(|e| ApiError::invalid_request(e.0))?;
    tx.save(ctx.scope(), &*customer).await?;
    if customer.balance != before_customer["balance"].as_i64().unwrap_or_default() {
        respond::emit(ctx, tx, "customer.updated", &*customer, Some(&before_customer)).await?;
    }
    respond::emit(ctx, tx, "invoice.finalized", invoice, None).await?;
    if paid {
        respond::emit(ctx, tx, "invoice.paid", invoice, None).await?;
        if let Some(sub) = sub {
            lifecycle::invoice_paid(sub, invoice);
        }
    }
    Ok(paid)
}

/// One automatic collection attempt on an open invoice: a PaymentIntent (created the first time, confirmed
/// again on retries) charged to `payment_method`, then the invoice's and the subscription's new state and
/// their events. The caller saves `invoice` and `sub`.
pub async fn attempt(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    invoice: &mut Invoice,
    sub: Option<&mut Subscription>,
    payment_method: Option<&str>,
    off_session: bool,
) -> Result<Collected, ApiError> {
    if invoice.status != InvoiceStatus::Open || invoice.amount_remaining == 0 {
        return Ok(Collected::NotAttempted);
    }
    let now = ctx.now();
    let method = match payment_method {
        Some(id) => Some((
            payment_methods::load(ctx, tx, id, "payment_method").await?,
            payment_methods::record(ctx, tx, id).await?,
        )),
        None => None,
    };
    let instrument = method.as_ref().map(|(payment_method, record)| Instrument { payment_method, record });
    let existing = match &invoice.engine.payment_intent {
        Some(id) => tx.load_for_update::<portico_core::objects::payment_intent::PaymentIntent>(ctx.scope(), id).await?,
        None => None,
    };
    let processor = ctx.state().processor.clone();
    let new = existing.is_none();
    let attempt = match (&existing, instrument) {
        (Some(pi), Some(card)) => payments::confirm(&*processor, pi, card, off_session, now),
        (Some(_), None) => return Ok(Collected::NotAttempted),
        (None, card) => payments::create_and_confirm(
            &*processor,
            PaymentRequest {
                amount: invoice.amount_remaining,
                currency: &invoice.currency,
                customer: Some(&invoice.customer),
                description: Some(description(invoice)),
                metadata: Default::default(),
                payment_method: card,
                off_session,
                livemode: invoice.livemode,
                now,
            },
        ),
    };
    payment_intents::record(ctx, tx, &attempt, new).await?;
    invoice.engine.payment_intent = Some(attempt.payment_intent.id.clone());
    invoice.confirmation_secret =
        Some(json!({ "client_secret": attempt.payment_intent.client_secret, "type": "payment_intent" }));
    if instrument.is_none() {
        return Ok(Collected::NotAttempted);
    }
    let collected = match attempt.outcome {
        Outcome::Succeeded => {
            invoicing::record_successful_attempt(invoice, now);
            paid(ctx, tx, invoice, sub).await?;
            return Ok(Collected::Paid);
        }
        Outcome::RequiresAction => Collected::RequiresAction,
        Outcome::Failed(error) => Collected::Declined(error),
        Outcome::RequiresPaymentMethod => Collected::NotAttempted,
    };
    let event = match collected {
        Collected::RequiresAction => "invoice.payment_action_required",
        _ => "invoice.payment_failed",
    };
    record_failure(ctx, tx, invoice, sub, event).await?;
    Ok(collected)
}

/// What follows an invoice's successful payment (already marked paid): `invoice.paid`,
/// `invoice.payment_succeeded`, and its subscription moves on.
pub async fn paid(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    invoice: &Invoice,
    sub: Option<&mut Subscription>,
) -> Result<(), ApiError> {
    respond::emit(ctx, tx, "invoice.paid", invoice, None).await?;
    respond::emit(ctx, tx, "invoice.payment_succeeded", invoice, None).await?;
    if let Some(sub) = sub {
        lifecycle::invoice_paid(sub, invoice);
    }
    Ok(())
}

/// Counts an unsuccessful automatic attempt against the retry schedule, emits `event`
/// (`invoice.payment_failed` or `invoice.payment_action_required`) and moves the subscription along dunning.
pub async fn record_failure(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    invoice: &mut Invoice,
    sub: Option<&mut Subscription>,
    event: &str,
) -> Result<(), ApiError> {
    let settings = ctx.state().billing.clone();
    let first_attempt = invoice.status_transitions.finalized_at.unwrap_or(ctx.now());
    let retries_left = invoicing::record_failed_attempt(invoice, &settings.retries, first_attempt);
    respond::emit(ctx, tx, event, invoice, None).await?;
    if let Some(sub) = sub {
        lifecycle::invoice_payment_failed(sub, invoice, retries_left, settings.after_retries, ctx.now());
    }
    Ok(())
}

/// Voids a subscription's latest invoice when it can still be voided (an incomplete subscription that expired
/// or was canceled takes its unpaid first invoice with it).
pub async fn void_latest_invoice(ctx: &Ctx, tx: &mut dyn Tx, sub: &Subscription) -> Result<(), ApiError> {
    if let Some(latest) = &sub.latest_invoice
        && let Some(mut invoice) = tx.load_for_update::<Invoice>(ctx.scope(), latest).await?
        && invoicing::void(&mut invoice, ctx.now()).is_ok()
    {
        tx.save(ctx.scope(), &invoice).await?;
        respond::emit(ctx, tx, "invoice.voided", &invoice, None).await?;
    }
    Ok(())
}

fn description(invoice: &Invoice) -> String {
    match invoice.billing_reason.as_deref() {
        Some("subscription_create") => "Subscription creation".into(),
        Some("subscription_update") => "Subscription update".into(),
        Some("subscription_cycle") => "Subscription update".into(),
        _ => format!("Invoice {}", invoice.number.clone().unwrap_or_default()),
    }
}

/// A renewal invoice of a subscription whose collection is paused: `keep_as_draft` leaves it a draft;
/// `void` and `mark_uncollectible` finalize it and close it that way at once, uncollected.
pub async fn pause_collection(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    invoice: &mut Invoice,
    customer: &mut Customer,
    behavior: &str,
) -> Result<(), ApiError> {
    let event = match behavior {
        "void" => "invoice.voided",
        "mark_uncollectible" => "invoice.marked_uncollectible",
        _ => return Ok(()),
    };
    if !finalize(ctx, tx, invoice, customer, None).await? {
        let closed = match behavior {
            "void" => invoicing::void(invoice, ctx.now()),
            _ => invoicing::mark_uncollectible(invoice, ctx.now()),
        };
        closed.map_err(|e| ApiError::internal(e.0))?;
        respond::emit(ctx, tx, event, invoice, None).await?;
    }
    tx.save(ctx.scope(), &*invoice).await?;
    Ok(())
}
