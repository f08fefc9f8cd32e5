//! Invoices: https://docs.stripe.com/api/invoices (retrieve, list, lines, finalize, pay, void,
//! mark_uncollectible). Subscription invoices are made by the engine; manual drafts are made and changed in
//! `invoice_drafts`.

use axum::extract::Path;
use portico_core::billing::{invoicing, lifecycle};
use portico_core::objects::invoice::{Invoice, Status};
use portico_core::objects::setup_intent::AuthenticationOutcome;
use portico_core::objects::subscription::{CollectionMethod, Subscription};
use portico_core::objects::{Customer, Object};
use portico_core::payments::Outcome;
use portico_store::{FieldFilter, Scalar, Tx, TxExt};
use serde::Deserialize;
use serde_json::json;

use crate::billing::collect::{self, Collected};
use crate::billing::due::save_subscription;
use crate::context::{Ctx, error_keeping_changes};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::resources::payment_intents;
use crate::respond;

async fn load(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<Invoice, ApiError> {
    tx.load_for_update::<Invoice>(ctx.scope(), id).await?.ok_or_else(|| ApiError::no_such("invoice", id, "invoice"))
}

/// https://docs.stripe.com/api/invoices/retrieve
pub async fn retrieve(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    match tx.load::<Invoice>(ctx.scope(), &id).await? {
        Some(invoice) => respond::object(&ctx, &mut **tx, &invoice, &expand).await,
        None => Err(ApiError::no_such("invoice", &id, "invoice")),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {
    customer: Option<String>,
    subscription: Option<String>,
    status: Option<Status>,
    collection_method: Option<CollectionMethod>,
}

/// https://docs.stripe.com/api/invoices/list
pub async fn list(ctx: Ctx, ListParams { mut page, filters, expand }: ListParams<ListFilters>) -> ApiResult {
    page.customer = filters.customer;
    if let Some(sub) = filters.subscription {
        page.filters.push(FieldFilter::eq("parent.subscription_details.subscription", Scalar::Str(sub)));
    }
    if let Some(status) = filters.status {
        page.filters.push(FieldFilter::eq("status", Scalar::Str(status.as_str().into())));
    }
    if let Some(method) = filters.collection_method {
        page.filters.push(FieldFilter::eq("collection_method", Scalar::Str(method.as_str().into())));
    }
    let mut tx = ctx.tx().await;
    let (invoices, has_more) = tx.list_typed::<Invoice>(ctx.scope(), &page).await?;
    respond::list(&ctx, &mut **tx, Invoice::KIND, "/v1/invoices", &invoices, has_more, &expand).await
}

/// https://docs.stripe.com/api/invoices/invoice_lines
pub async fn lines(ctx: Ctx, Path(id): Path<String>, ListParams { page, .. }: ListParams<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let invoice = tx.load::<Invoice>(ctx.scope(), &id).await?.ok_or_else(|| ApiError::no_such("invoice", &id, "id"))?;
    let lines = &invoice.lines.data;
    let start = match &page.starting_after {
        Some(after) => lines.iter().position(|l| &l.id == after).map_or(lines.len(), |i| i + 1),
        None => 0,
    };
    let end = (start + page.limit as usize).min(lines.len());
    Ok(respond::json_response(&json!({
        "object": "list",
        "data": respond::wire(&lines[start..end])?,
        "has_more": end < lines.len(),
        "url": format!("/v1/invoices/{id}/lines"),
    })))
}

async fn subscription_of(ctx: &Ctx, tx: &mut dyn Tx, invoice: &Invoice) -> Result<Option<Subscription>, ApiError> {
    match invoice.subscription() {
        Some(id) => Ok(tx.load_for_update::<Subscription>(ctx.scope(), id).await?),
        None => Ok(None),
    }
}

/// The invoice's customer (loaded for update), with the command moved to the customer's time (its test
/// clock's, when it lives on one).
async fn at_customer_time(ctx: &Ctx, tx: &mut dyn Tx, invoice: &Invoice) -> Result<Customer, ApiError> {
    let customer = super::customers::load(ctx, tx, &invoice.customer, "customer").await?;
    crate::billing::customer_now(ctx, tx, &customer).await?;
    Ok(customer)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinalizeParams {
    auto_advance: Option<bool>,
}

/// https://docs.stripe.com/api/invoices/finalize
pub async fn finalize(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<FinalizeParams>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let mut invoice = load(&ctx, tx, &id).await?;
    let mut customer = at_customer_time(&ctx, tx, &invoice).await?;
    if let Some(auto) = params.auto_advance {
        invoice.auto_advance = auto;
    }
    let mut sub = subscription_of(&ctx, tx, &invoice).await?;
    let before = sub.as_ref().map(respond::wire_json).transpose()?;
    collect::finalize(&ctx, tx, &mut invoice, &mut customer, sub.as_mut()).await?;
    tx.save(ctx.scope(), &invoice).await?;
    if let (Some(sub), Some(before)) = (sub, before) {
        save_subscription(&ctx, tx, &sub, &before).await?;
    }
    respond::object(&ctx, tx, &invoice, &expand).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayParams {
    pub payment_method: Option<String>,
    pub paid_out_of_band: Option<bool>,
    pub off_session: Option<bool>,
    pub forgive: Option<bool>,
}

/// https://docs.stripe.com/api/invoices/pay: with the invoice's, the subscription's or the customer's default
/// payment method, an explicit one, or `paid_out_of_band`.
pub async fn pay(ctx: Ctx, Path(id): Path<String>, Params { params, expand }: Params<PayParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let (invoice, collected) = pay_invoice(&ctx, tx, &id, params).await?;
    let declined = match collected {
        Some(Collected::Declined(error)) => Some(ApiError::from(error)),
        Some(Collected::RequiresAction) => Some(ApiError::invalid_request(
            "This invoice's payment requires the customer to authenticate (3-D Secure); confirm its PaymentIntent.",
        )),
        _ => None,
    };
    if let Some(error) = declined {
        // Stripe keeps the failed attempt (the charge, the invoice's attempt count) while answering 402.
        return Ok(error_keeping_changes(error));
    }
    respond::object(&ctx, tx, &invoice, &expand).await
}

/// The body of [`pay`], for the portal and the hosted invoice page too: the invoice afterwards (saved, with its
/// subscription) and how the collection attempt ended, when one was made. A declined or unauthenticated
/// attempt is no error here: its charge, intent and events are kept, as Stripe keeps them.
pub async fn pay_invoice(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    id: &str,
    params: PayParams,
) -> Result<(Invoice, Option<Collected>), ApiError> {
    let mut invoice = load(ctx, tx, id).await?;
    let mut customer = at_customer_time(ctx, tx, &invoice).await?;
    let _ = params.forgive;
    let mut sub = subscription_of(ctx, tx, &invoice).await?;
    let before = sub.as_ref().map(respond::wire_json).transpose()?;
    if invoice.status == Status::Draft {
        collect::finalize(ctx, tx, &mut invoice, &mut customer, sub.as_mut()).await?;
    }
    if !matches!(invoice.status, Status::Open | Status::Uncollectible | Status::Paid) {
        return Err(ApiError::invalid_request(format!(
            "You cannot pay an invoice with status `{}`.",
            invoice.status.as_str()
        )));
    }
    if invoice.status == Status::Paid && invoice.status_transitions.paid_at != Some(ctx.now()) {
        return Err(
            ApiError::invalid_request("Invoice is already paid").with_extra("code", json!("invoice_already_paid"))
        );
    }
    let mut collected = None;
    if invoice.status != Status::Paid {
        if params.paid_out_of_band == Some(true) {
            invoicing::mark_paid(&mut invoice, ctx.now());
            invoice.amount_paid = 0;
            respond::emit(ctx, tx, "invoice.paid", &invoice, None).await?;
            if let Some(sub) = sub.as_mut() {
                lifecycle::invoice_paid(sub, &invoice);
            }
        } else {
            let method = params
                .payment_method
                .clone()
                .or_else(|| invoice.default_payment_method.clone())
                .or_else(|| crate::billing::payment_method_of(sub.as_ref(), &customer));
            let Some(method) = method else {
                return Err(ApiError::invalid_request(
                    "There is no `default_payment_method` set on this Customer or Invoice. It's possible this is \
                     because you have not yet attached a payment method to this Customer.",
                ));
            };
            let reopen = invoice.status == Status::Uncollectible;
            if reopen {
                invoice.status = Status::Open;
            }
            collected = Some(
                collect::attempt(
                    ctx,
                    tx,
                    &mut invoice,
                    sub.as_mut(),
                    Some(&method),
                    params.off_session.unwrap_or(false),
                )
                .await?,
            );
            if reopen && invoice.status == Status::Open {
                invoice.status = Status::Uncollectible;
            }
        }
    }
    tx.save(ctx.scope(), &invoice).await?;
    if let (Some(sub), Some(before)) = (sub, before) {
        save_subscription(ctx, tx, &sub, &before).await?;
    }
    Ok((invoice, collected))
}

/// The customer answered the 3-D Secure challenge of the invoice's PaymentIntent (the hosted invoice page's):
/// passed and charged, the invoice is paid as by [`pay`]; otherwise it stays open, the failure counted and
/// `invoice.payment_failed` sent. Returns the invoice and, when it is not paid, the card error or the
/// authentication failure.
pub async fn complete_authentication(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    id: &str,
    outcome: AuthenticationOutcome,
) -> Result<(Invoice, Option<ApiError>), ApiError> {
    let mut invoice = load(ctx, tx, id).await?;
    at_customer_time(ctx, tx, &invoice).await?;
    let intent = invoice
        .engine
        .payment_intent
        .clone()
        .ok_or_else(|| ApiError::invalid_request("This invoice has no payment awaiting authentication."))?;
    let attempt = payment_intents::authenticate_intent(ctx, tx, &intent, outcome).await?;
    let mut sub = subscription_of(ctx, tx, &invoice).await?;
    let before = sub.as_ref().map(respond::wire_json).transpose()?;
    let failure = match attempt.outcome {
        Outcome::Succeeded => {
            invoicing::mark_paid(&mut invoice, ctx.now());
            collect::paid(ctx, tx, &invoice, sub.as_mut()).await?;
            None
        }
        Outcome::Failed(error) => Some(ApiError::from(error)),
        Outcome::RequiresAction | Outcome::RequiresPaymentMethod => Some(
            ApiError::invalid_request("The customer did not authenticate the payment.")
                .with_extra("code", json!("payment_intent_authentication_failure")),
        ),
    };
    if failure.is_some() {
        collect::record_failure(ctx, tx, &mut invoice, sub.as_mut(), "invoice.payment_failed").await?;
    }
    tx.save(ctx.scope(), &invoice).await?;
    if let (Some(sub), Some(before)) = (sub, before) {
        save_subscription(ctx, tx, &sub, &before).await?;
    }
    Ok((invoice, failure))
}

/// https://docs.stripe.com/api/invoices/void
pub async fn void(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let mut invoice = load(&ctx, tx, &id).await?;
    at_customer_time(&ctx, tx, &invoice).await?;
    invoicing::void(&mut invoice, ctx.now()).map_err(|e| ApiError::invalid_request(e.0))?;
    tx.save(ctx.scope(), &invoice).await?;
    respond::emit(&ctx, tx, "invoice.voided", &invoice, None).await?;
    respond::object(&ctx, tx, &invoice, &expand).await
}

/// https://docs.stripe.com/api/invoices/mark_uncollectible
pub async fn mark_uncollectible(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { expand, .. }: Params<NoParams>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let mut invoice = load(&ctx, tx, &id).await?;
    at_customer_time(&ctx, tx, &invoice).await?;
    invoicing::mark_uncollectible(&mut invoice, ctx.now()).map_err(|e| ApiError::invalid_request(e.0))?;
    tx.save(ctx.scope(), &invoice).await?;
    respond::emit(&ctx, tx, "invoice.marked_uncollectible", &invoice, None).await?;
    respond::object(&ctx, tx, &invoice, &expand).await
}
