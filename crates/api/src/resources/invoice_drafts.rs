//! Manual invoices: https://docs.stripe.com/api/invoices (create, update, delete a draft, send). A draft with
//! `auto_advance` finalizes itself an hour after it was made; finalizing, paying and voiding are in `invoices`,
//! adding and removing lines in `invoice_lines`.

use axum::extract::Path;
use portico_core::billing::invoicing::{self, NewInvoice};
use portico_core::objects::customer::Customer;
use portico_core::objects::invoice::{Invoice, InvoiceCreate, InvoiceUpdate, PendingItemsBehavior, Period, Status};
use portico_core::objects::invoice_item::InvoiceItem;
use portico_core::objects::subscription::{CollectionMethod, DiscountParams, Subscription};
use portico_core::objects::{Deleted, TaxRate};
use portico_core::{ParamError, Patch};
use portico_store::{FieldFilter, ListQuery, Scalar, Tx, TxExt};

use super::invoice_items::not_editable;
use super::missing_reference;
use crate::billing::discounts::{self, Target};
use crate::billing::{collect, drafts};
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{NoParams, Params};
use crate::respond;

/// Stripe's default payment term for `send_invoice` invoices without `days_until_due`.
const DEFAULT_DAYS_UNTIL_DUE: i64 = 30;
/// Stripe's default currency for accounts that set none.
const ACCOUNT_CURRENCY: &str = "usd";

pub(crate) async fn load(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<Invoice, ApiError> {
    tx.load_for_update::<Invoice>(ctx.scope(), id).await?.ok_or_else(|| ApiError::no_such("invoice", id, "invoice"))
}

/// The invoice's customer, with the command moved to the customer's time.
pub(crate) async fn customer_of(ctx: &Ctx, tx: &mut dyn Tx, invoice: &Invoice) -> Result<Customer, ApiError> {
    let customer = super::customers::load(ctx, tx, &invoice.customer, "customer").await?;
    crate::billing::customer_now(ctx, tx, &customer).await?;
    Ok(customer)
}

async fn tax_rates(ctx: &Ctx, tx: &mut dyn Tx, ids: &[String], param: &str) -> Result<Vec<TaxRate>, ApiError> {
    let mut rates = Vec::new();
    for (index, id) in ids.iter().enumerate() {
        rates.push(super::tax_rates::load_active(ctx, tx, id, &format!("{param}[{index}]")).await?);
    }
    Ok(rates)
}

/// `days_until_due` goes with `send_invoice` only.
fn check_terms(method: CollectionMethod, days: Option<i64>) -> Result<(), ApiError> {
    if method == CollectionMethod::ChargeAutomatically && days.is_some() {
        return Err(ApiError::invalid_request(
            "`days_until_due` can only be set when `collection_method` is `send_invoice`.",
        )
        .with_param("days_until_due"));
    }
    if days.is_some_and(|d| d < 0) {
        return Err(ApiError::invalid_request("Invalid integer: must be at least 0.").with_param("days_until_due"));
    }
    Ok(())
}

/// The customer's pending invoice items that no subscription waits for, in `currency`, oldest first.
async fn pending_items(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    customer: &Customer,
    currency: Option<&str>,
) -> Result<Vec<InvoiceItem>, ApiError> {
    let mut query = ListQuery {
        limit: 100,
        customer: Some(customer.id.clone()),
        filters: vec![FieldFilter::eq("invoice", Scalar::Null)],
        ..ListQuery::default()
    };
    let mut items = Vec::new();
    loop {
        let (page, more) = tx.list_typed::<InvoiceItem>(ctx.scope(), &query).await?;
        query.starting_after = page.last().map(|item| item.id.clone());
        items.extend(page.into_iter().filter(|item| item.subscription().is_none()));
        if !more {
            break;
        }
    }
    items.reverse();
    if let Some(currency) = currency.or_else(|| items.first().map(|item| item.currency.as_str())).map(str::to_owned) {
        items.retain(|item| item.currency == currency);
    }
    Ok(items)
}

/// The invoice's own `discounts`, made and counted; `{discount}` may keep one it has.
async fn invoice_discounts(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    entries: Vec<DiscountParams>,
    invoice: &Invoice,
    customer: &Customer,
) -> Result<Vec<String>, ApiError> {
    let existing = invoice.discounts.clone();
    let target = Target {
        customer,
        currency: &invoice.currency,
        noun: "invoice",
        updating: false,
        existing: &existing,
        param: "discounts",
    };
    let mut resolved = discounts::resolve(ctx, tx, entries, &target, &discounts::attachment(customer)).await?;
    discounts::check_minimums(&resolved, invoice)?;
    let id = invoice.id.clone();
    discounts::save(ctx, tx, &mut resolved, |d| d.invoice = Some(id.clone())).await?;
    Ok(discounts::ids(&resolved))
}

/// https://docs.stripe.com/api/invoices/create: a draft (`billing_reason: manual`), with the customer's pending
/// items when `pending_invoice_items_behavior=include`.
pub async fn create(ctx: Ctx, Params { params, expand }: Params<InvoiceCreate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let customer_id = params.customer.clone().ok_or_else(|| ParamError::missing("customer"))?;
    let customer = tx
        .load::<Customer>(ctx.scope(), &customer_id)
        .await?
        .ok_or_else(|| missing_reference("customer", &customer_id, "customer"))?;
    crate::billing::customer_now(&ctx, tx, &customer).await?;
    let now = ctx.now();
    let method = params.collection_method.unwrap_or_default();
    check_terms(method, params.days_until_due)?;
    if let Some(pm) = &params.default_payment_method {
        super::customers::check_payment_method_owner(&ctx, tx, &customer.id, pm, "default_payment_method").await?;
    }
    let currency = params
        .currency
        .as_deref()
        .map(|c| portico_core::currency::parse_currency("currency", c))
        .transpose()?
        .or_else(|| customer.currency.clone());
    let items = match params.pending_invoice_items_behavior.unwrap_or_default() {
        PendingItemsBehavior::Include => pending_items(&ctx, tx, &customer, currency.as_deref()).await?,
        PendingItemsBehavior::Exclude => Vec::new(),
    };
    let currency = currency
        .or_else(|| items.first().map(|item| item.currency.clone()))
        .unwrap_or_else(|| ACCOUNT_CURRENCY.to_owned());
    let default_tax_rates = match &params.default_tax_rates {
        Patch::Set(ids) => tax_rates(&ctx, tx, ids, "default_tax_rates").await?,
        _ => Vec::new(),
    };
    let mut invoice = invoicing::draft(
        NewInvoice {
            customer: &customer,
            currency: &currency,
            billing_reason: "manual",
            collection_method: method,
            subscription: None,
            period: Period { start: now, end: now },
            default_payment_method: params.default_payment_method,
            default_tax_rates,
            days_until_due: Some(params.days_until_due.unwrap_or(DEFAULT_DAYS_UNTIL_DUE)),
            description: params.description,
            livemode: ctx.scope().livemode,
            now,
        },
        Vec::new(),
    );
    invoice.footer = params.footer;
    portico_core::metadata::apply(&mut invoice.metadata, params.metadata)?;
    invoicing::set_auto_advance(&mut invoice, params.auto_advance.unwrap_or(false), now);
    let items: Vec<InvoiceItem> = items
        .into_iter()
        .map(|mut item| {
            item.invoice = Some(invoice.id.clone());
            item
        })
        .collect();
    drafts::refresh(&ctx, tx, &mut invoice, &items).await?;
    if let Patch::Set(entries) = params.discounts {
        // After the lines: a promotion code's minimum is met by what the invoice bills.
        invoice.discounts = invoice_discounts(&ctx, tx, entries, &invoice, &customer).await?;
        drafts::refresh(&ctx, tx, &mut invoice, &items).await?;
    }
    tx.create(ctx.scope(), &invoice).await?;
    for item in &items {
        tx.save(ctx.scope(), item).await?;
    }
    respond::emit(&ctx, tx, "invoice.created", &invoice, None).await?;
    respond::object(&ctx, tx, &invoice, &expand).await
}

/// https://docs.stripe.com/api/invoices/update: a draft may change anything; a finalized invoice only what does
/// not change what it bills.
pub async fn update(ctx: Ctx, Path(id): Path<String>, Params { params, expand }: Params<InvoiceUpdate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let mut invoice = load(&ctx, tx, &id).await?;
    let customer = customer_of(&ctx, tx, &invoice).await?;
    let now = ctx.now();
    let draft = invoice.status == Status::Draft;
    if !draft && let Some(param) = params.monetary() {
        return Err(not_editable("Finalized invoices can't be updated in this way").with_param(param));
    }
    let before = respond::wire(&invoice)?;
    if let Some(method) = params.collection_method {
        invoice.collection_method = method;
    }
    check_terms(invoice.collection_method, params.days_until_due)?;
    if let Some(days) = params.days_until_due {
        invoice.engine.days_until_due = Some(days);
    }
    match invoice.collection_method {
        CollectionMethod::SendInvoice => drop(invoice.engine.days_until_due.get_or_insert(DEFAULT_DAYS_UNTIL_DUE)),
        CollectionMethod::ChargeAutomatically => invoice.engine.days_until_due = None,
    }
    if let Patch::Set(pm) = &params.default_payment_method {
        super::customers::check_payment_method_owner(&ctx, tx, &customer.id, pm, "default_payment_method").await?;
    }
    params.default_payment_method.apply_to(&mut invoice.default_payment_method);
    params.description.apply_to(&mut invoice.description);
    params.footer.apply_to(&mut invoice.footer);
    portico_core::metadata::apply(&mut invoice.metadata, params.metadata)?;
    if let Some(auto) = params.auto_advance {
        invoicing::set_auto_advance(&mut invoice, auto, now);
    }
    let mut reprice = false;
    match params.default_tax_rates {
        Patch::Set(ids) => {
            invoice.default_tax_rates = tax_rates(&ctx, tx, &ids, "default_tax_rates").await?;
            reprice = true;
        }
        Patch::Clear => {
            invoice.default_tax_rates.clear();
            reprice = true;
        }
        Patch::Absent => {}
    }
    match params.discounts {
        Patch::Set(entries) => {
            invoice.discounts = invoice_discounts(&ctx, tx, entries, &invoice, &customer).await?;
            reprice = true;
        }
        Patch::Clear => {
            invoice.discounts.clear();
            reprice = true;
        }
        Patch::Absent => {}
    }
    if reprice {
        let items = drafts::items_on(&ctx, tx, &invoice).await?;
        drafts::refresh(&ctx, tx, &mut invoice, &items).await?;
    }
    if respond::wire(&invoice)? != before {
        tx.save(ctx.scope(), &invoice).await?;
        respond::emit(&ctx, tx, "invoice.updated", &invoice, Some(&before)).await?;
    }
    respond::object(&ctx, tx, &invoice, &expand).await
}

/// https://docs.stripe.com/api/invoices/delete: only a manual draft; its items go back to pending.
pub async fn delete(ctx: Ctx, Path(id): Path<String>, _: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let invoice = load(&ctx, tx, &id).await?;
    customer_of(&ctx, tx, &invoice).await?;
    if invoice.status != Status::Draft {
        return Err(ApiError::invalid_request(format!(
            "You can only delete draft invoices. This invoice is `{}`; void it instead.",
            invoice.status.as_str()
        )));
    }
    if invoice.subscription().is_some() {
        return Err(ApiError::invalid_request(
            "You can't delete invoices created by subscriptions; they are finalized and can be voided instead.",
        ));
    }
    for mut item in drafts::items_on(&ctx, tx, &invoice).await? {
        item.invoice = None;
        tx.save(ctx.scope(), &item).await?;
    }
    tx.remove(ctx.scope(), &invoice).await?;
    respond::emit(&ctx, tx, "invoice.deleted", &invoice, None).await?;
    Ok(respond::json_response(&serde_json::to_value(Deleted::of(&invoice)).map_err(ApiError::internal)?))
}

/// https://docs.stripe.com/api/invoices/send: a `send_invoice` invoice is finalized if still a draft, then sent
/// (`invoice.sent`; Portico sends no e-mail).
pub async fn send(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let mut invoice = load(&ctx, tx, &id).await?;
    let mut customer = customer_of(&ctx, tx, &invoice).await?;
    if invoice.collection_method != CollectionMethod::SendInvoice {
        return Err(ApiError::invalid_request(
            "You can only manually send an invoice if its collection method is 'send_invoice'.",
        ));
    }
    if matches!(invoice.status, Status::Void | Status::Uncollectible) {
        return Err(ApiError::invalid_request(format!(
            "You can't send an invoice with status `{}`.",
            invoice.status.as_str()
        )));
    }
    if invoice.status == Status::Draft {
        let mut sub = match invoice.subscription() {
            Some(sub) => tx.load_for_update::<Subscription>(ctx.scope(), sub).await?,
            None => None,
        };
        let sub_before = sub.as_ref().map(respond::wire_json).transpose()?;
        collect::finalize(&ctx, tx, &mut invoice, &mut customer, sub.as_mut()).await?;
        tx.save(ctx.scope(), &invoice).await?;
        if let (Some(sub), Some(before)) = (sub, sub_before) {
            crate::billing::due::save_subscription(&ctx, tx, &sub, &before).await?;
        }
    }
    respond::emit(&ctx, tx, "invoice.sent", &invoice, None).await?;
    respond::object(&ctx, tx, &invoice, &expand).await
}
