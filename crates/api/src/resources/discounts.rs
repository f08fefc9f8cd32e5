//! Discounts: https://docs.stripe.com/api/discounts
//!
//! Discounts are made by the objects they are on (`discounts[]` of subscriptions, invoices and invoice items) and
//! read through `expand[]`; the one endpoint of their own removes a subscription's.

use axum::extract::Path;
use portico_core::objects::customer::Customer;
use portico_core::objects::subscription::Subscription;
use portico_store::{Tx, TxExt};

use crate::billing::due::save_subscription;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{NoParams, Params};
use crate::respond;

/// https://docs.stripe.com/api/discounts/subscription_delete: "removes the currently applied discount". The
/// endpoint predates stacked discounts; it removes all of the subscription's and answers with the first one,
/// deleted. Invoices already discounted keep their amounts.
pub async fn subscription_delete(ctx: Ctx, Path(id): Path<String>, _: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let mut sub = tx
        .load_for_update::<Subscription>(ctx.scope(), &id)
        .await?
        .ok_or_else(|| ApiError::no_such("subscription", &id, "subscription"))?;
    if let Some(customer) = tx.load::<Customer>(ctx.scope(), &sub.customer).await? {
        crate::billing::customer_now(&ctx, tx, &customer).await?;
    }
    let Some(first) = sub.discounts.first().cloned() else {
        let mut error = ApiError::no_such("discount", &id, "subscription");
        error.message = format!("No active discount for subscription: '{id}'");
        return Err(error);
    };
    let before = respond::wire_json(&sub)?;
    let gone = std::mem::take(&mut sub.discounts);
    save_subscription(&ctx, tx, &sub, &before).await?;
    let removed = crate::billing::discounts::removed(&ctx, tx, &gone).await?;
    let first = removed.iter().find(|d| d.id == first).ok_or_else(|| ApiError::no_such("discount", &first, "id"))?;
    Ok(respond::json_response(&first.deleted()))
}
