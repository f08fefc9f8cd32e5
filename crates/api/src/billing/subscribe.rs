//! Starting a subscription and billing what a subscription owes now: the invoice of its creation, of a change
//! or of a cancellation, collected as `payment_behavior` says. Used by `POST /v1/subscriptions`, changes and
//! subscription schedules.

use portico_core::objects::customer::Customer;
use portico_core::objects::invoice::Invoice;
use portico_core::objects::subscription::{CollectionMethod, PaymentBehavior, Status, Subscription};
use portico_store::{Tx, TxExt};

use super::collect::{self, Collected};
use crate::context::Ctx;
use crate::error::{ApiError, ErrorType};
use crate::respond;

/// Writes a subscription the engine just started, with its first invoice finalized and collected, and their
/// events. `customer` is the subscription's, loaded for update.
pub async fn begin(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    customer: &mut Customer,
    mut sub: Subscription,
    mut invoice: Invoice,
    payment_behavior: PaymentBehavior,
    off_session: bool,
) -> Result<Subscription, ApiError> {
    respond::emit(ctx, tx, "customer.subscription.created", &sub, None).await?;
    let before = respond::wire(&sub)?;
    bill(ctx, tx, &mut sub, customer, &mut invoice, payment_behavior, off_session).await?;
    tx.save(ctx.scope(), &invoice).await?;
    tx.create(ctx.scope(), &sub).await?;
    super::change::register_items(ctx, tx, &sub, &[]).await?;
    if respond::wire(&sub)? != before {
        respond::emit(ctx, tx, "customer.subscription.updated", &sub, Some(&before)).await?;
    }
    Ok(sub)
}

/// Finalizes a subscription's invoice made now (creation, change, cancellation) and collects it as
/// `payment_behavior` says.
pub async fn bill(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    sub: &mut Subscription,
    customer: &mut Customer,
    invoice: &mut Invoice,
    payment_behavior: PaymentBehavior,
    off_session: bool,
) -> Result<(), ApiError> {
    respond::create(ctx, tx, &*invoice, "invoice.created").await?;
    if collect::finalize(ctx, tx, invoice, customer, Some(sub)).await? {
        return Ok(());
    }
    if sub.collection_method == CollectionMethod::SendInvoice {
        // Sent, not charged: a new subscription is active while the invoice waits for payment.
        if sub.status == Status::Incomplete {
            sub.status = Status::Active;
        }
        return Ok(());
    }
    if payment_behavior == PaymentBehavior::DefaultIncomplete {
        // The invoice waits for the customer to confirm its payment; until then the subscription is past due.
        collect::attempt(ctx, tx, invoice, Some(sub), None, off_session).await?;
        if sub.status == Status::Active {
            sub.status = Status::PastDue;
        }
        return Ok(());
    }
    let payment_method = super::payment_method_of(Some(sub), customer);
    // Stripe refuses a request that would charge nothing it can charge (only `default_incomplete` waits for a
    // payment method). Work the engine does on its own (a schedule's phase) leaves the invoice open instead.
    let requested = ctx.request().id.is_some();
    if payment_method.is_none() && requested {
        return Err(no_payment_method());
    }
    let outcome = collect::attempt(ctx, tx, invoice, Some(sub), payment_method.as_deref(), off_session).await?;
    if payment_behavior == PaymentBehavior::ErrorIfIncomplete {
        match outcome {
            Collected::Declined(error) => return Err(error.into()),
            Collected::RequiresAction => return Err(requires_action()),
            _ => {}
        }
    }
    Ok(())
}

fn no_payment_method() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::BAD_REQUEST,
        ErrorType::InvalidRequestError,
        Some("resource_missing"),
        "This customer has no attached payment source or default payment method. Please consider adding a default \
         payment method. For more information, visit \
         https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority.",
    )
}

/// `error_if_incomplete` and a payment that needs the customer (3-D Secure).
pub fn requires_action() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::PAYMENT_REQUIRED,
        ErrorType::CardError,
        Some("subscription_payment_intent_requires_action"),
        "Payment for this subscription requires additional user action before it can be completed successfully.",
    )
}
