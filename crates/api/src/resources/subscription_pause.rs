//! Pausing and resuming subscriptions: `POST /v1/subscriptions/{id}/pause` and `…/resume`
//! (https://docs.stripe.com/api/subscriptions/resume). A paused subscription has no periods and no invoices;
//! resuming bills the period it resumes into. `pause_collection` (invoices made but not collected) is an
//! update parameter, in `subscriptions::update`.

use axum::extract::Path;
use portico_core::billing::change;
use portico_core::objects::subscription::{
    AnchorChange, PaymentBehavior, Status, Subscription, SubscriptionPause, SubscriptionResume,
};
use portico_store::{Tx, TxExt};

use super::subscriptions::load_for_change;

use crate::billing::due::save_subscription;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::Params;
use crate::respond;

/// Pauses an active or trialing subscription.
pub async fn pause(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<SubscriptionPause>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let sub = pause_subscription(&ctx, tx, &id, params).await?;
    respond::object(&ctx, tx, &sub, &expand).await
}

/// The pause's logic in the caller's transaction (the API's handler and the customer portal share it).
pub async fn pause_subscription(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    id: &str,
    params: SubscriptionPause,
) -> Result<Subscription, ApiError> {
    let (mut sub, _) = load_for_change(ctx, tx, id).await?;
    match params.kind.as_deref() {
        Some("subscription") => {}
        Some(_) => return Err(ApiError::invalid_request("Invalid type: must be subscription").with_param("type")),
        None => return Err(portico_core::ParamError::missing("type").into()),
    }
    let _ = (params.bill_for, params.invoicing_behavior); // Nothing metered to bill for; no unused time credited.
    if !matches!(sub.status, Status::Active | Status::Trialing | Status::PastDue) {
        return Err(ApiError::invalid_request(format!(
            "Only active, trialing or past_due subscriptions can be paused; this one is `{}`.",
            sub.status.as_str()
        )));
    }
    let before = respond::wire_json(&sub)?;
    sub.status = Status::Paused;
    save_subscription(ctx, tx, &sub, &before).await?;
    Ok(sub)
}

/// Resumes a paused subscription and bills the period it resumes into.
pub async fn resume(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<SubscriptionResume>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let sub = resume_subscription(&ctx, tx, &id, params).await?;
    respond::object(&ctx, tx, &sub, &expand).await
}

/// The resumption's logic in the caller's transaction (the API's handler and the customer portal share it).
pub async fn resume_subscription(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    id: &str,
    params: SubscriptionResume,
) -> Result<Subscription, ApiError> {
    let (mut sub, mut customer) = load_for_change(ctx, tx, id).await?;
    if sub.status != Status::Paused {
        return Err(ApiError::invalid_request(format!(
            "Only a paused subscription can be resumed; this one is `{}`.",
            sub.status.as_str()
        )));
    }
    let behavior = match params.payment_behavior.as_deref() {
        None | Some("resume_on_payment_attempt") => PaymentBehavior::AllowIncomplete,
        Some("resume_on_payment_success") => PaymentBehavior::PendingIfIncomplete,
        Some(_) => {
            return Err(ApiError::invalid_request(
                "Invalid payment_behavior: must be one of resume_on_payment_attempt or resume_on_payment_success",
            )
            .with_param("payment_behavior"));
        }
    };
    let _ = (params.proration_behavior, params.proration_date); // Nothing of a paused period is prorated.
    let before = respond::wire_json(&sub)?;
    sub.engine.resumes_at = None;
    let unchanged = sub.clone();
    let names = crate::billing::product_names(ctx, tx, sub.items.data.iter().map(|i| &i.price)).await?;
    let anchor_now = params.billing_cycle_anchor != Some(AnchorChange::Unchanged);
    let mut invoice = change::resume(&mut sub, &customer, &names, anchor_now, ctx.now());
    crate::billing::discounts::apply_to_subscription_invoice(ctx, tx, &mut sub, &mut invoice, &[]).await?;
    crate::billing::subscribe::bill(ctx, tx, &mut sub, &mut customer, &mut invoice, behavior, true).await?;
    if behavior == PaymentBehavior::PendingIfIncomplete
        && invoice.status != portico_core::objects::invoice::Status::Paid
    {
        // Still paused until the invoice is paid.
        let resumed = std::mem::replace(&mut sub, unchanged);
        change::hold_pending(&mut sub, resumed, &invoice, ctx.now());
    }
    tx.save(ctx.scope(), &invoice).await?;
    save_subscription(ctx, tx, &sub, &before).await?;
    Ok(sub)
}
