//! Subscription items: https://docs.stripe.com/api/subscription_items
//!
//! Each call is a subscription update of one item (same prorations, invoices and events as
//! `POST /v1/subscriptions/{id}` with `items[]`); the answer is the item.

use axum::extract::Path;
use portico_core::billing::change::Change;
use portico_core::objects::subscription::{
    ItemOwner, ItemParams, PaymentBehavior, ProrationBehavior, Subscription, SubscriptionItem,
};
use portico_core::objects::{Deleted, Object};
use portico_core::{ParamError, Patch, Timestamp};
use portico_store::{Tx, TxExt};
use serde::Deserialize;

use super::subscriptions::{item_changes, proration_date};
use crate::billing::due::save_subscription;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::respond;

/// The subscription holding item `id`, loaded for update.
async fn owner(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<Subscription, ApiError> {
    let missing = || ApiError::no_such("subscription_item", id, "id");
    let owner = tx.load::<ItemOwner>(ctx.scope(), id).await?.ok_or_else(missing)?;
    let sub = tx.load_for_update::<Subscription>(ctx.scope(), &owner.subscription).await?.ok_or_else(missing)?;
    if sub.items.data.iter().all(|i| i.id != id) {
        return Err(missing());
    }
    Ok(sub)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemCreate {
    subscription: Option<String>,
    price: Option<String>,
    quantity: Option<i64>,
    metadata: Option<portico_core::metadata::Metadata>,
    #[serde(default)]
    tax_rates: Patch<Vec<String>>,
    #[serde(default)]
    discounts: Patch<Vec<portico_core::objects::subscription::DiscountParams>>,
    proration_behavior: Option<ProrationBehavior>,
    proration_date: Option<Timestamp>,
    payment_behavior: Option<PaymentBehavior>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemUpdate {
    price: Option<String>,
    quantity: Option<i64>,
    #[serde(default)]
    metadata: Patch<portico_core::metadata::Metadata>,
    #[serde(default)]
    tax_rates: Patch<Vec<String>>,
    #[serde(default)]
    discounts: Patch<Vec<portico_core::objects::subscription::DiscountParams>>,
    proration_behavior: Option<ProrationBehavior>,
    proration_date: Option<Timestamp>,
    payment_behavior: Option<PaymentBehavior>,
    off_session: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemDelete {
    proration_behavior: Option<ProrationBehavior>,
    proration_date: Option<Timestamp>,
    clear_usage: Option<bool>,
}

/// How an item change is billed: the parameters every item endpoint shares.
#[derive(Default)]
struct Billing {
    proration: Option<ProrationBehavior>,
    date: Option<Timestamp>,
    payment_behavior: Option<PaymentBehavior>,
    off_session: bool,
}

/// Runs one item change on `sub` and saves it with its event.
async fn change(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    sub: &mut Subscription,
    entry: ItemParams,
    billing: Billing,
) -> Result<(), ApiError> {
    let Billing { proration, date, payment_behavior, off_session } = billing;
    if sub.status.is_terminal() {
        return Err(ApiError::invalid_request("A canceled subscription's items cannot be changed."));
    }
    let mut customer = super::customers::load(ctx, tx, &sub.customer.clone(), "customer").await?;
    crate::billing::customer_now(ctx, tx, &customer).await?;
    let before = respond::wire_json(&*sub)?;
    let change = Change {
        items: unprefix(item_changes(ctx, tx, sub, vec![entry]).await)?,
        proration: proration.unwrap_or_default(),
        proration_date: proration_date(sub, date, proration)?,
        anchor_now: false,
        trial: None,
        now: ctx.now(),
    };
    let behavior = payment_behavior.unwrap_or_default();
    crate::billing::change::apply(ctx, tx, sub, &mut customer, change, behavior, off_session).await?;
    save_subscription(ctx, tx, sub, &before).await
}

/// `item_changes` names parameters `items[0][…]`; here they are top-level.
fn unprefix<T>(result: Result<T, ApiError>) -> Result<T, ApiError> {
    result.map_err(|mut error| {
        if let Some(param) = error.param.take() {
            error.param =
                Some(param.strip_prefix("items[0][").map_or(param.clone(), |p| p.trim_end_matches(']').to_owned()));
        }
        error
    })
}

/// https://docs.stripe.com/api/subscription_items/create
pub async fn create(ctx: Ctx, Params { params, expand }: Params<ItemCreate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let id = params.subscription.ok_or_else(|| ParamError::missing("subscription"))?;
    let mut sub = tx
        .load_for_update::<Subscription>(ctx.scope(), &id)
        .await?
        .ok_or_else(|| super::missing_reference("subscription", &id, "subscription"))?;
    let price = params.price.ok_or_else(|| ParamError::missing("price"))?;
    let entry = ItemParams {
        price: Some(price.clone()),
        quantity: params.quantity,
        metadata: params.metadata,
        tax_rates: params.tax_rates,
        discounts: params.discounts,
        ..Default::default()
    };
    let known: Vec<String> = sub.items.data.iter().map(|i| i.id.clone()).collect();
    let billing = Billing {
        proration: params.proration_behavior,
        date: params.proration_date,
        payment_behavior: params.payment_behavior,
        off_session: false,
    };
    change(&ctx, tx, &mut sub, entry, billing).await?;
    let item = sub.items.data.iter().find(|i| !known.contains(&i.id)).cloned();
    let item = item.ok_or_else(|| ApiError::internal("the new item is missing from its subscription"))?;
    respond::object(&ctx, tx, &item, &expand).await
}

/// https://docs.stripe.com/api/subscription_items/retrieve
pub async fn retrieve(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let sub = owner(&ctx, &mut **tx, &id).await?;
    let item = find(&sub, &id)?;
    respond::object(&ctx, &mut **tx, &item, &expand).await
}

fn find(sub: &Subscription, id: &str) -> Result<SubscriptionItem, ApiError> {
    sub.items.data.iter().find(|i| i.id == id).cloned().ok_or_else(|| ApiError::no_such("subscription_item", id, "id"))
}

/// https://docs.stripe.com/api/subscription_items/update
pub async fn update(ctx: Ctx, Path(id): Path<String>, Params { params, expand }: Params<ItemUpdate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let mut sub = owner(&ctx, tx, &id).await?;
    let entry = ItemParams {
        id: Some(id.clone()),
        price: params.price,
        quantity: params.quantity,
        tax_rates: params.tax_rates,
        discounts: params.discounts,
        ..Default::default()
    };
    let index = sub.items.data.iter().position(|i| i.id == id).expect("owner() found the item");
    portico_core::metadata::apply(&mut sub.items.data[index].metadata, params.metadata)?;
    let off_session = params.off_session.unwrap_or(false);
    let billing = Billing {
        proration: params.proration_behavior,
        date: params.proration_date,
        payment_behavior: params.payment_behavior,
        off_session,
    };
    change(&ctx, tx, &mut sub, entry, billing).await?;
    // A held update (`pending_if_incomplete`) leaves the item as it was.
    let item = find(&sub, &id)?;
    respond::object(&ctx, tx, &item, &expand).await
}

/// https://docs.stripe.com/api/subscription_items/delete
pub async fn delete(ctx: Ctx, Path(id): Path<String>, Params { params, .. }: Params<ItemDelete>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let mut sub = owner(&ctx, tx, &id).await?;
    let _ = params.clear_usage; // Portico has no metered usage to clear.
    let entry = ItemParams { id: Some(id.clone()), deleted: Some(true), ..Default::default() };
    let billing = Billing { proration: params.proration_behavior, date: params.proration_date, ..Default::default() };
    change(&ctx, tx, &mut sub, entry, billing).await?;
    let item = ItemOwner { id: id.clone(), subscription: sub.id.clone(), created: 0 };
    tx.remove(ctx.scope(), &item).await?;
    Ok(respond::json_response(
        &serde_json::to_value(Deleted { id, object: SubscriptionItem::KIND, deleted: true })
            .map_err(ApiError::internal)?,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {
    subscription: Option<String>,
}

/// https://docs.stripe.com/api/subscription_items/list: the items of one subscription, oldest first as
/// Stripe lists them.
pub async fn list(ctx: Ctx, ListParams { page, filters, expand }: ListParams<ListFilters>) -> ApiResult {
    let id = filters.subscription.ok_or_else(|| ParamError::missing("subscription"))?;
    let mut tx = ctx.tx().await;
    let sub = tx
        .load::<Subscription>(ctx.scope(), &id)
        .await?
        .ok_or_else(|| super::missing_reference("subscription", &id, "subscription"))?;
    let mut items: &[SubscriptionItem] = &sub.items.data;
    if let Some(after) = &page.starting_after {
        let at = items
            .iter()
            .position(|i| &i.id == after)
            .ok_or_else(|| ApiError::no_such("subscription_item", after, "starting_after"))?;
        items = &items[at + 1..];
    }
    if let Some(before) = &page.ending_before {
        let at = items
            .iter()
            .position(|i| &i.id == before)
            .ok_or_else(|| ApiError::no_such("subscription_item", before, "ending_before"))?;
        items = &items[..at];
        items = &items[items.len().saturating_sub(page.limit as usize)..];
    }
    let has_more = items.len() > page.limit as usize;
    let shown = &items[..items.len().min(page.limit as usize)];
    let url = format!("/v1/subscription_items?subscription={id}");
    respond::list(&ctx, &mut **tx, SubscriptionItem::KIND, &url, shown, has_more, &expand).await
}
