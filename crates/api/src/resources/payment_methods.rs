//! Payment methods: https://docs.stripe.com/api/payment_methods
//!
//! Only cards so far. Wherever a payment method id is accepted, one of Stripe's test tokens (`pm_card_visa`)
//! may stand in for it: each use makes a new payment method, as in Stripe's test mode.

use axum::extract::Path;
use portico_core::cards::CardError;
use portico_core::objects::Object;
use portico_core::objects::customer::Customer;
use portico_core::objects::payment_method::{
    AllowRedisplay, CardRecord, NewPaymentMethod, PaymentMethod, PaymentMethodCreate, PaymentMethodError,
    PaymentMethodUpdate,
};
use portico_store::{FieldFilter, Scalar, Tx, TxExt};
use serde::Deserialize;

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::respond;

impl From<PaymentMethodError> for ApiError {
    fn from(error: PaymentMethodError) -> Self {
        match error {
            PaymentMethodError::Param(error) => error.into(),
            PaymentMethodError::Card(error) => error.into(),
        }
    }
}

/// Loads a stored payment method of the acting account or answers Stripe's 404.
pub async fn load(ctx: &Ctx, tx: &mut dyn Tx, id: &str, param: &str) -> Result<PaymentMethod, ApiError> {
    tx.load_for_update::<PaymentMethod>(ctx.scope(), id)
        .await?
        .ok_or_else(|| ApiError::no_such("PaymentMethod", id, param))
}

/// The payment method a request names: a stored one, or a new one made from a `pm_card_…` test token.
pub async fn resolve(ctx: &Ctx, tx: &mut dyn Tx, id: &str, param: &str) -> Result<PaymentMethod, ApiError> {
    match PaymentMethod::from_test_token(id, &fingerprint_salt(ctx), ctx.scope().livemode, ctx.now()) {
        Some(new) => store_new(ctx, tx, new).await,
        None => load(ctx, tx, id, param).await,
    }
}

/// Card fingerprints are per account, as Stripe's are, and keyed with the installation's secret.
fn fingerprint_salt(ctx: &Ctx) -> String {
    format!("{}:{}", ctx.state().card_fingerprint_key, ctx.scope().account)
}

/// Creates and stores a payment method from parameters (`POST /v1/payment_methods`, `payment_method_data`).
pub async fn create_from(ctx: &Ctx, tx: &mut dyn Tx, params: PaymentMethodCreate) -> Result<PaymentMethod, ApiError> {
    let new = PaymentMethod::create(params, &fingerprint_salt(ctx), ctx.scope().livemode, ctx.now())?;
    store_new(ctx, tx, new).await
}

/// Stripe sends no event when a payment method is created, only when it is attached.
async fn store_new(ctx: &Ctx, tx: &mut dyn Tx, new: NewPaymentMethod) -> Result<PaymentMethod, ApiError> {
    tx.create(ctx.scope(), &new.payment_method).await?;
    tx.create(ctx.scope(), &new.record).await?;
    Ok(new.payment_method)
}

/// The processor's private facts about a stored card.
pub async fn record(ctx: &Ctx, tx: &mut dyn Tx, payment_method: &str) -> Result<CardRecord, ApiError> {
    tx.load_for_update::<CardRecord>(ctx.scope(), payment_method)
        .await?
        .ok_or_else(|| ApiError::internal(format!("payment method {payment_method} has no card record")))
}

/// Attaches a payment method to a customer as part of another request (customer create's `payment_method`).
pub async fn attach_to_customer(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    pm: &str,
    customer: &str,
    param: &str,
) -> Result<(), ApiError> {
    let payment_method = resolve(ctx, tx, pm, param).await?;
    attach_checked(ctx, tx, payment_method, customer, true).await?;
    Ok(())
}

/// Attaches `payment_method` to `customer` and emits `payment_method.attached`; a repeat attach to the same
/// customer changes nothing. With `verify`, the issuer checks the card first and the declining test cards
/// fail with their card error; a successful SetupIntent has verified the card already.
pub(crate) async fn attach_checked(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    mut payment_method: PaymentMethod,
    customer: &str,
    verify: bool,
) -> Result<PaymentMethod, ApiError> {
    let record = record(ctx, tx, &payment_method.id).await?;
    if !payment_method.check_attach(customer, &record)? {
        return Ok(payment_method);
    }
    if verify {
        if payment_method.is_expired(ctx.now()) {
            return Err(CardError::expired_card().into());
        }
        ctx.state().processor.attach(&record.facts)?;
    }
    payment_method.attach(customer, &record);
    tx.save(ctx.scope(), &payment_method).await?;
    respond::emit(ctx, tx, "payment_method.attached", &payment_method, None).await?;
    Ok(payment_method)
}

/// https://docs.stripe.com/api/payment_methods/create
pub async fn create(ctx: Ctx, Params { params, expand }: Params<PaymentMethodCreate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let payment_method = create_from(&ctx, &mut **tx, params).await?;
    respond::object(&ctx, &mut **tx, &payment_method, &expand).await
}

/// https://docs.stripe.com/api/payment_methods/retrieve
pub async fn retrieve(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let payment_method = tx
        .load::<PaymentMethod>(ctx.scope(), &id)
        .await?
        .ok_or_else(|| ApiError::no_such("PaymentMethod", &id, "payment_method"))?;
    respond::object(&ctx, &mut **tx, &payment_method, &expand).await
}

/// https://docs.stripe.com/api/payment_methods/update
pub async fn update(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<PaymentMethodUpdate>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let mut payment_method = load(&ctx, &mut **tx, &id, "payment_method").await?;
    let before = serde_json::to_value(&payment_method).map_err(ApiError::internal)?;
    payment_method.update(params, ctx.now())?;
    tx.save(ctx.scope(), &payment_method).await?;
    respond::emit(&ctx, &mut **tx, "payment_method.updated", &payment_method, Some(&before)).await?;
    respond::object(&ctx, &mut **tx, &payment_method, &expand).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {
    customer: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// https://docs.stripe.com/api/payment_methods/list — Stripe lists a customer's payment methods; without
/// `customer` the list is empty.
pub async fn list(ctx: Ctx, ListParams { mut page, filters, expand }: ListParams<ListFilters>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let Some(customer) = filters.customer else {
        return respond::list::<PaymentMethod>(
            &ctx,
            &mut **tx,
            PaymentMethod::KIND,
            "/v1/payment_methods",
            &[],
            false,
            &expand,
        )
        .await;
    };
    existing_customer(&ctx, &mut **tx, &customer, "customer").await?;
    page.customer = Some(customer);
    if let Some(kind) = filters.kind {
        page.filters.push(FieldFilter::eq("type", Scalar::Str(kind)));
    }
    let (payment_methods, has_more) = tx.list_typed::<PaymentMethod>(ctx.scope(), &page).await?;
    respond::list(&ctx, &mut **tx, PaymentMethod::KIND, "/v1/payment_methods", &payment_methods, has_more, &expand)
        .await
}

/// A customer of the acting account, read without locking it (list and retrieve run read-only).
async fn existing_customer(ctx: &Ctx, tx: &mut dyn Tx, id: &str, param: &str) -> Result<Customer, ApiError> {
    tx.load::<Customer>(ctx.scope(), id).await?.ok_or_else(|| ApiError::no_such("customer", id, param))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachParams {
    customer: Option<String>,
}

/// https://docs.stripe.com/api/payment_methods/attach
pub async fn attach(ctx: Ctx, Path(id): Path<String>, Params { params, expand }: Params<AttachParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let Some(customer) = params.customer else {
        let mut error = ApiError::invalid_request("Must provide customer or customer_account.");
        error.code = Some("parameter_missing");
        return Err(error);
    };
    let payment_method = resolve(&ctx, &mut **tx, &id, "payment_method").await?;
    crate::resources::customers::load(&ctx, &mut **tx, &customer, "customer").await?;
    let payment_method = attach_checked(&ctx, &mut **tx, payment_method, &customer, true).await?;
    respond::object(&ctx, &mut **tx, &payment_method, &expand).await
}

/// https://docs.stripe.com/api/payment_methods/detach — also clears the customer's default payment method
/// when it was this one.
pub async fn detach(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let payment_method = detach_payment_method(&ctx, &mut **tx, &id).await?;
    respond::object(&ctx, &mut **tx, &payment_method, &expand).await
}

/// Detach's logic in `tx`, shared with the portal's remove button.
pub async fn detach_payment_method(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<PaymentMethod, ApiError> {
    let mut payment_method = load(ctx, tx, id, "payment_method").await?;
    let customer_id = detach_from_customer(ctx, tx, &mut payment_method).await?;
    if let Some(mut customer) = tx.load_for_update::<Customer>(ctx.scope(), &customer_id).await?
        && customer.invoice_settings.default_payment_method.as_deref() == Some(id)
    {
        let before = serde_json::to_value(&customer).map_err(ApiError::internal)?;
        customer.invoice_settings.default_payment_method = None;
        tx.save(ctx.scope(), &customer).await?;
        respond::emit(ctx, tx, "customer.updated", &customer, Some(&before)).await?;
    }
    Ok(payment_method)
}

/// Detaches a payment method for good (a detached card cannot be attached again) and records the event;
/// returns the customer it belonged to.
pub async fn detach_from_customer(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    payment_method: &mut PaymentMethod,
) -> Result<String, ApiError> {
    let before = serde_json::to_value(&*payment_method).map_err(ApiError::internal)?;
    let customer_id = payment_method.detach()?;
    let mut record = record(ctx, tx, &payment_method.id).await?;
    record.detached = true;
    tx.save(ctx.scope(), &record).await?;
    tx.save(ctx.scope(), &*payment_method).await?;
    respond::emit(ctx, tx, "payment_method.detached", &*payment_method, Some(&before)).await?;
    Ok(customer_id)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerListFilters {
    allow_redisplay: Option<AllowRedisplay>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// https://docs.stripe.com/api/payment_methods/customer_list
pub async fn list_for_customer(
    ctx: Ctx,
    Path(customer): Path<String>,
    ListParams { mut page, filters, expand }: ListParams<CustomerListFilters>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    existing_customer(&ctx, &mut **tx, &customer, "id").await?;
    if let Some(kind) = filters.kind {
        page.filters.push(FieldFilter::eq("type", Scalar::Str(kind)));
    }
    if let Some(redisplay) = filters.allow_redisplay {
        let value = serde_json::to_value(redisplay).map_err(ApiError::internal)?;
        page.filters
            .push(FieldFilter::eq("allow_redisplay", Scalar::Str(value.as_str().unwrap_or_default().to_owned())));
    }
    let url = format!("/v1/customers/{customer}/payment_methods");
    page.customer = Some(customer);
    let (payment_methods, has_more) = tx.list_typed::<PaymentMethod>(ctx.scope(), &page).await?;
    respond::list(&ctx, &mut **tx, PaymentMethod::KIND, &url, &payment_methods, has_more, &expand).await
}

/// https://docs.stripe.com/api/payment_methods/customer — only a payment method attached to this customer.
pub async fn retrieve_for_customer(
    ctx: Ctx,
    Path((customer, id)): Path<(String, String)>,
    Params { expand, .. }: Params<NoParams>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    existing_customer(&ctx, &mut **tx, &customer, "id").await?;
    let payment_method = tx
        .load::<PaymentMethod>(ctx.scope(), &id)
        .await?
        .filter(|pm| pm.customer.as_deref() == Some(customer.as_str()))
        .ok_or_else(|| ApiError::no_such("PaymentMethod", &id, "payment_method"))?;
    respond::object(&ctx, &mut **tx, &payment_method, &expand).await
}
