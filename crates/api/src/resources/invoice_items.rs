//! Invoice items: https://docs.stripe.com/api/invoiceitems
//!
//! An item waits (pending) for the customer's next invoice, or its subscription's when it names one, or goes on
//! a draft invoice at once (`invoice`). It can change or go only while pending or on a draft; the draft's lines
//! and totals follow every change. Stripe's events for items are `invoiceitem.created` and `.deleted` only.

use axum::extract::Path;
use portico_core::objects::customer::Customer;
use portico_core::objects::invoice::{Invoice, Status as InvoiceStatus};
use portico_core::objects::invoice_item::{
    Charge, InvoiceItem, InvoiceItemCreate, InvoiceItemUpdate, ItemPriceData, NewInvoiceItem, PricingParams,
    inline_price,
};
use portico_core::objects::price::Price;
use portico_core::objects::product::Product;
use portico_core::objects::subscription::Subscription;
use portico_core::objects::{Deleted, Object, TaxRate};
use portico_core::{ParamError, Patch};
use portico_store::{FieldFilter, Scalar, Tx, TxExt};
use serde::Deserialize;

use super::missing_reference;
use crate::billing::discounts::{self, Target};
use crate::billing::drafts;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::respond;

async fn load(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<InvoiceItem, ApiError> {
    tx.load_for_update::<InvoiceItem>(ctx.scope(), id).await?.ok_or_else(|| ApiError::no_such("invoiceitem", id, "id"))
}

/// `invoice_not_editable`: the invoice is no longer a draft.
pub(crate) fn not_editable(message: impl Into<String>) -> ApiError {
    let mut error = ApiError::invalid_request(message);
    error.code = Some("invoice_not_editable");
    error
}

/// A draft invoice of `customer` that items may be put on, loaded for update.
pub(crate) async fn draft_of(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    id: &str,
    customer: &Customer,
    param: &str,
) -> Result<Invoice, ApiError> {
    let invoice =
        tx.load_for_update::<Invoice>(ctx.scope(), id).await?.ok_or_else(|| missing_reference("invoice", id, param))?;
    if invoice.customer != customer.id {
        return Err(ApiError::invalid_request(format!(
            "The invoice {id} belongs to another customer than this invoice item's ({}).",
            customer.id
        ))
        .with_param(param));
    }
    if invoice.status != InvoiceStatus::Draft {
        return Err(not_editable(format!(
            "Invoice {id} is no longer a draft: invoice items can only be added to draft invoices."
        )));
    }
    Ok(invoice)
}

/// The price an item bills from `pricing[price]` or `price_data` (the inline price is created here).
async fn price_of(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    pricing: Option<PricingParams>,
    price_data: Option<ItemPriceData>,
) -> Result<Option<Price>, ApiError> {
    match (pricing.and_then(|p| p.price), price_data) {
        (Some(_), Some(_)) => {
            Err(ApiError::invalid_request("You may only specify one of these parameters: price_data, pricing.")
                .with_param("price_data"))
        }
        (Some(id), None) => {
            let price = tx
                .load::<Price>(ctx.scope(), &id)
                .await?
                .ok_or_else(|| missing_reference("price", &id, "pricing[price]"))?;
            Ok(Some(price))
        }
        (None, Some(data)) => {
            if tx.get(ctx.scope(), Product::KIND, &data.product).await?.is_none() {
                return Err(missing_reference("product", &data.product, "price_data[product]"));
            }
            let price = inline_price(data, ctx.scope().livemode, ctx.now())?;
            tx.create(ctx.scope(), &price).await?;
            Ok(Some(price))
        }
        (None, None) => Ok(None),
    }
}

async fn tax_rates(ctx: &Ctx, tx: &mut dyn Tx, ids: Patch<Vec<String>>) -> Result<Patch<Vec<TaxRate>>, ApiError> {
    Ok(match ids {
        Patch::Set(ids) => {
            let mut rates = Vec::new();
            for (index, id) in ids.iter().enumerate() {
                rates.push(super::tax_rates::load_active(ctx, tx, id, &format!("tax_rates[{index}]")).await?);
            }
            Patch::Set(rates)
        }
        Patch::Clear => Patch::Clear,
        Patch::Absent => Patch::Absent,
    })
}

/// Makes a new item for `customer` (not saved), on `invoice` when given, with its discounts made and counted.
pub(crate) async fn build(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    params: InvoiceItemCreate,
    customer: &Customer,
    invoice: Option<&Invoice>,
    subscription: Option<&Subscription>,
) -> Result<InvoiceItem, ApiError> {
    let price = price_of(ctx, tx, params.pricing, params.price_data).await?;
    let charge = match (params.amount, price) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_request("You may only specify one of these parameters: amount, pricing.")
                .with_param("amount"));
        }
        (Some(amount), None) => Charge::Amount { amount, currency: params.currency.clone() },
        (None, Some(price)) => Charge::Price(Box::new(price)),
        (None, None) => return Err(ParamError::missing("amount").into()),
    };
    let rates = match tax_rates(ctx, tx, params.tax_rates).await? {
        Patch::Set(rates) => rates,
        _ => Vec::new(),
    };
    let mut item = InvoiceItem::create(NewInvoiceItem {
        customer: customer.id.clone(),
        test_clock: customer.test_clock.clone(),
        charge,
        currency: params.currency,
        quantity: params.quantity,
        description: params.description,
        discountable: params.discountable,
        period: params.period,
        subscription: subscription.map(|s| s.id.clone()),
        tax_rates: rates,
        metadata: params.metadata,
        livemode: ctx.scope().livemode,
        now: ctx.now(),
    })?;
    if let Some(invoice) = invoice {
        if invoice.currency != item.currency {
            return Err(ApiError::invalid_request(format!(
                "The currency of this invoice item ({}) does not match the currency of invoice {} ({}).",
                item.currency, invoice.id, invoice.currency
            ))
            .with_param("currency"));
        }
        item.invoice = Some(invoice.id.clone());
    }
    if let Patch::Set(entries) = params.discounts {
        let mut existing: Vec<String> = subscription.map(|s| s.discounts.clone()).unwrap_or_default();
        existing.extend(invoice.map(|i| i.discounts.clone()).unwrap_or_default());
        let target = Target {
            customer,
            currency: &item.currency,
            noun: "invoice item",
            updating: false,
            existing: &existing,
            param: "discounts",
        };
        let mut resolved = discounts::resolve(ctx, tx, entries, &target, &discounts::attachment(customer)).await?;
        let id = item.id.clone();
        discounts::save(ctx, tx, &mut resolved, |d| d.invoice_item = Some(id.clone())).await?;
        item.discounts = discounts::ids(&resolved);
    }
    Ok(item)
}

/// Rebuilds the draft `invoice` after its items changed, saves it and emits `invoice.updated`.
pub(crate) async fn refresh_draft(ctx: &Ctx, tx: &mut dyn Tx, invoice: &mut Invoice) -> Result<(), ApiError> {
    let before = respond::wire(&*invoice)?;
    let items = drafts::items_on(ctx, tx, invoice).await?;
    drafts::refresh(ctx, tx, invoice, &items).await?;
    tx.save(ctx.scope(), &*invoice).await?;
    respond::emit(ctx, tx, "invoice.updated", &*invoice, Some(&before)).await
}

/// https://docs.stripe.com/api/invoiceitems/create
pub async fn create(ctx: Ctx, Params { mut params, expand }: Params<InvoiceItemCreate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let customer_id = params.customer.take().ok_or_else(|| ParamError::missing("customer"))?;
    let customer = tx
        .load::<Customer>(ctx.scope(), &customer_id)
        .await?
        .ok_or_else(|| missing_reference("customer", &customer_id, "customer"))?;
    crate::billing::customer_now(&ctx, tx, &customer).await?;
    let mut subscription = match params.subscription.take() {
        Some(id) => {
            let sub = tx
                .load_for_update::<Subscription>(ctx.scope(), &id)
                .await?
                .ok_or_else(|| missing_reference("subscription", &id, "subscription"))?;
            if sub.customer != customer.id {
                return Err(ApiError::invalid_request(format!(
                    "The subscription {id} does not belong to customer {}.",
                    customer.id
                ))
                .with_param("subscription"));
            }
            Some(sub)
        }
        None => None,
    };
    let mut invoice = match params.invoice.take() {
        Some(id) => Some(draft_of(&ctx, tx, &id, &customer, "invoice").await?),
        None => None,
    };
    let item = build(&ctx, tx, params, &customer, invoice.as_ref(), subscription.as_ref()).await?;
    tx.create(ctx.scope(), &item).await?;
    respond::emit(&ctx, tx, "invoiceitem.created", &item, None).await?;
    if let Some(sub) = subscription.as_mut()
        && item.invoice.is_none()
        && !sub.engine.has_pending_items
    {
        // Bookkeeping only: the renewal looks for pending items when this is set. Nothing Stripe shows changes.
        sub.engine.has_pending_items = true;
        tx.save(ctx.scope(), &*sub).await?;
    }
    if let Some(invoice) = invoice.as_mut() {
        refresh_draft(&ctx, tx, invoice).await?;
    }
    respond::object(&ctx, tx, &item, &expand).await
}

/// https://docs.stripe.com/api/invoiceitems/retrieve
pub async fn retrieve(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    match tx.load::<InvoiceItem>(ctx.scope(), &id).await? {
        Some(item) => respond::object(&ctx, &mut **tx, &item, &expand).await,
        None => Err(ApiError::no_such("invoiceitem", &id, "id")),
    }
}

/// The item's draft invoice (loaded for update), or `invoice_not_editable` when the item was billed.
async fn editable_invoice(ctx: &Ctx, tx: &mut dyn Tx, item: &InvoiceItem) -> Result<Option<Invoice>, ApiError> {
    let Some(id) = &item.invoice else { return Ok(None) };
    let invoice = tx.load_for_update::<Invoice>(ctx.scope(), id).await?;
    match invoice {
        Some(invoice) if item.editable(invoice.status == InvoiceStatus::Draft) => Ok(Some(invoice)),
        _ => Err(not_editable(format!(
            "Invoice item {} is on invoice {id}, which is no longer a draft, and cannot be changed.",
            item.id
        ))),
    }
}

/// https://docs.stripe.com/api/invoiceitems/update
pub async fn update(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { mut params, expand }: Params<InvoiceItemUpdate>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let mut item = load(&ctx, tx, &id).await?;
    let customer = super::customers::load(&ctx, tx, &item.customer.clone(), "customer").await?;
    crate::billing::customer_now(&ctx, tx, &customer).await?;
    let mut invoice = editable_invoice(&ctx, tx, &item).await?;
    let mut price = price_of(&ctx, tx, params.pricing.take(), params.price_data.take()).await?;
    if price.is_none()
        && params.amount.is_none()
        && params.quantity.is_some()
        && let Some(own) = item.price()
    {
        price = tx.load::<Price>(ctx.scope(), own).await?;
    }
    let rates = tax_rates(&ctx, tx, std::mem::take(&mut params.tax_rates)).await?;
    let entries = std::mem::take(&mut params.discounts);
    item.update(params, price, rates)?;
    match entries {
        Patch::Set(entries) => {
            let mut existing = item.discounts.clone();
            if let Some(sub) = item.subscription()
                && let Some(sub) = tx.load::<Subscription>(ctx.scope(), sub).await?
            {
                existing.extend(sub.discounts);
            }
            existing.extend(invoice.as_ref().map(|i| i.discounts.clone()).unwrap_or_default());
            let target = Target {
                customer: &customer,
                currency: &item.currency,
                noun: "invoice item",
                updating: false,
                existing: &existing,
                param: "discounts",
            };
            let mut resolved =
                discounts::resolve(&ctx, tx, entries, &target, &discounts::attachment(&customer)).await?;
            let item_id = item.id.clone();
            discounts::save(&ctx, tx, &mut resolved, |d| d.invoice_item = Some(item_id.clone())).await?;
            item.discounts = discounts::ids(&resolved);
        }
        Patch::Clear => item.discounts.clear(),
        Patch::Absent => {}
    }
    // Stripe has no `invoiceitem.updated` event (any more): an update is seen through its invoice's events.
    tx.save(ctx.scope(), &item).await?;
    if let Some(invoice) = invoice.as_mut() {
        refresh_draft(&ctx, tx, invoice).await?;
    }
    respond::object(&ctx, tx, &item, &expand).await
}

/// https://docs.stripe.com/api/invoiceitems/delete
pub async fn delete(ctx: Ctx, Path(id): Path<String>, _: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let item = load(&ctx, tx, &id).await?;
    if let Some(customer) = tx.load::<Customer>(ctx.scope(), &item.customer).await? {
        crate::billing::customer_now(&ctx, tx, &customer).await?;
    }
    let mut invoice = editable_invoice(&ctx, tx, &item).await?;
    tx.remove(ctx.scope(), &item).await?;
    respond::emit(&ctx, tx, "invoiceitem.deleted", &item, None).await?;
    if let Some(invoice) = invoice.as_mut() {
        refresh_draft(&ctx, tx, invoice).await?;
    }
    Ok(respond::json_response(&serde_json::to_value(Deleted::of(&item)).map_err(ApiError::internal)?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {
    customer: Option<String>,
    invoice: Option<String>,
    pending: Option<bool>,
}

/// https://docs.stripe.com/api/invoiceitems/list: `pending=true` lists items no invoice billed yet.
pub async fn list(ctx: Ctx, ListParams { mut page, filters, expand }: ListParams<ListFilters>) -> ApiResult {
    page.customer = filters.customer;
    if let Some(invoice) = filters.invoice {
        page.filters.push(FieldFilter::eq("invoice", Scalar::Str(invoice)));
    }
    if filters.pending == Some(true) {
        page.filters.push(FieldFilter::eq("invoice", Scalar::Null));
    }
    let billed_only = filters.pending == Some(false);
    let mut tx = ctx.tx().await;
    // `pending=false` (billed items) is not an equality, so it is applied page by page.
    let limit = page.limit as usize;
    let mut found = Vec::new();
    let mut has_more;
    loop {
        let (items, more) = tx.list_typed::<InvoiceItem>(ctx.scope(), &page).await?;
        has_more = more;
        let last = items.last().map(|item| item.id.clone());
        for item in items {
            if found.len() == limit {
                has_more = true;
                break;
            }
            if !billed_only || item.invoice.is_some() {
                found.push(item);
            }
        }
        if found.len() >= limit || !more || !billed_only {
            break;
        }
        page.starting_after = last;
        page.ending_before = None;
    }
    respond::list(&ctx, &mut **tx, InvoiceItem::KIND, "/v1/invoiceitems", &found, has_more, &expand).await
}
