//! Customers: https://docs.stripe.com/api/customers

use axum::extract::Path;
use portico_core::Patch;
use portico_core::objects::customer::{Customer, CustomerCreate, CustomerUpdate};
use portico_core::objects::{Deleted, Object};
use portico_core::objects::{PaymentMethod, TaxId};
use portico_store::{FieldFilter, ListQuery, Scalar, Tx, TxExt};
use serde::Deserialize;

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::respond;
use crate::search;

const DEFAULT_PAYMENT_METHOD: &str = "invoice_settings[default_payment_method]";

/// Loads a customer of the acting account or answers Stripe's 404.
pub async fn load(ctx: &Ctx, tx: &mut dyn Tx, id: &str, param: &str) -> Result<Customer, ApiError> {
    tx.load_for_update::<Customer>(ctx.scope(), id).await?.ok_or_else(|| ApiError::no_such("customer", id, param))
}

/// A payment method may become a default (the customer's, a subscription's) only if it belongs to the customer.
pub(crate) async fn check_payment_method_owner(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    customer: &str,
    pm: &str,
    param: &str,
) -> Result<(), ApiError> {
    let Some(method) = tx.get(ctx.scope(), "payment_method", pm).await? else {
        return Err(ApiError::no_such("PaymentMethod", pm, param));
    };
    if method.get("customer").and_then(|c| c.as_str()) != Some(customer) {
        return Err(ApiError::invalid_request(format!(
            "The customer does not have a payment method with the ID {pm}. The payment method must be attached to the customer."
        ))
        .with_param(param));
    }
    Ok(())
}

/// https://docs.stripe.com/api/customers/create
pub async fn create(ctx: Ctx, Params { params, expand }: Params<CustomerCreate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    if let Some(clock) = &params.test_clock
        && tx.get(ctx.scope(), "test_helpers.test_clock", clock).await?.is_none()
    {
        return Err(ApiError::no_such("test_clock", clock, "test_clock"));
    }
    let payment_method = params.payment_method.clone();
    let tax_id_data = params.tax_id_data.clone();
    let default_pm = params.invoice_settings.as_ref().and_then(|s| match &s.default_payment_method {
        Patch::Set(pm) => Some(pm.clone()),
        _ => None,
    });
    let customer = Customer::create(params, ctx.scope().livemode, ctx.now())?;
    let wire = respond::create(&ctx, &mut **tx, &customer, "customer.created").await?;
    if let Some(pm) = payment_method {
        super::payment_methods::attach_to_customer(&ctx, &mut **tx, &pm, &customer.id, "payment_method").await?;
    }
    for (index, data) in tax_id_data.into_iter().flatten().enumerate() {
        super::tax_ids::create_for(
            &ctx,
            &mut **tx,
            &customer.id,
            &data.kind,
            &data.value,
            &format!("tax_id_data[{index}]"),
        )
        .await?;
    }
    if let Some(pm) = default_pm {
        check_payment_method_owner(&ctx, &mut **tx, &customer.id, &pm, DEFAULT_PAYMENT_METHOD).await?;
    }
    respond::object_text(&ctx, &mut **tx, Customer::KIND, wire, &expand).await
}

/// https://docs.stripe.com/api/customers/retrieve
pub async fn retrieve(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    if let Some(customer) = tx.load::<Customer>(ctx.scope(), &id).await? {
        return respond::object(&ctx, &mut **tx, &customer, &expand).await;
    }
    // Stripe still answers for a deleted customer, with its deleted stub.
    if let Some(stub) = tx.get(ctx.scope(), "deleted", &id).await? {
        return Ok(respond::json_response(&stub));
    }
    Err(ApiError::no_such("customer", &id, "id"))
}

/// https://docs.stripe.com/api/customers/update
pub async fn update(ctx: Ctx, Path(id): Path<String>, Params { params, expand }: Params<CustomerUpdate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let customer = update_customer(&ctx, &mut **tx, &id, params).await?;
    respond::object(&ctx, &mut **tx, &customer, &expand).await
}

/// Update's logic in `tx`, shared with the portal's pages.
pub async fn update_customer(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    id: &str,
    params: CustomerUpdate,
) -> Result<Customer, ApiError> {
    let mut customer = load(ctx, tx, id, "id").await?;
    if let Some(Patch::Set(pm)) = params.invoice_settings.as_ref().map(|s| &s.default_payment_method) {
        check_payment_method_owner(ctx, tx, id, pm, DEFAULT_PAYMENT_METHOD).await?;
    }
    let before = serde_json::to_value(&customer).map_err(ApiError::internal)?;
    customer.update(params)?;
    tx.save(ctx.scope(), &customer).await?;
    respond::emit(ctx, tx, "customer.updated", &customer, Some(&before)).await?;
    Ok(customer)
}

/// https://docs.stripe.com/api/customers/delete
pub async fn delete(ctx: Ctx, Path(id): Path<String>, _: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let customer = load(&ctx, &mut **tx, &id, "id").await?;
    // Deleting a customer detaches its payment methods and removes its tax ids, as Stripe does.
    let mine = ListQuery { limit: 100, customer: Some(id.clone()), ..ListQuery::default() };
    loop {
        let (methods, has_more) = tx.list_typed::<PaymentMethod>(ctx.scope(), &mine).await?;
        for mut method in methods {
            super::payment_methods::detach_from_customer(&ctx, &mut **tx, &mut method).await?;
        }
        if !has_more {
            break;
        }
    }
    loop {
        let (tax_ids, has_more) = tx.list_typed::<TaxId>(ctx.scope(), &mine).await?;
        for tax_id in tax_ids {
            tx.remove(ctx.scope(), &tax_id).await?;
            respond::emit(&ctx, &mut **tx, "customer.tax_id.deleted", &tax_id, None).await?;
        }
        if !has_more {
            break;
        }
    }
    tx.remove(ctx.scope(), &customer).await?;
    let deleted = Deleted::of(&customer);
    super::remember_deleted(&ctx, &mut **tx, &deleted, customer.created()).await?;
    respond::emit(&ctx, &mut **tx, "customer.deleted", &customer, None).await?;
    Ok(respond::json_response(&serde_json::to_value(&deleted).map_err(ApiError::internal)?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {
    email: Option<String>,
    test_clock: Option<String>,
}

/// https://docs.stripe.com/api/customers/list
pub async fn list(ctx: Ctx, ListParams { mut page, filters, expand }: ListParams<ListFilters>) -> ApiResult {
    if let Some(email) = filters.email {
        page.filters.push(FieldFilter::eq("email", Scalar::Str(email)));
    }
    if let Some(clock) = filters.test_clock {
        page.filters.push(FieldFilter::eq("test_clock", Scalar::Str(clock)));
    }
    let mut tx = ctx.tx().await;
    let (customers, has_more) = tx.list_typed::<Customer>(ctx.scope(), &page).await?;
    respond::list(&ctx, &mut **tx, Customer::KIND, "/v1/customers", &customers, has_more, &expand).await
}

/// https://docs.stripe.com/api/customers/search
pub async fn search(ctx: Ctx, Params { params, expand }: Params<search::SearchParams>) -> ApiResult {
    search::run::<Customer>(&ctx, params, &expand, "/v1/customers/search", search::CUSTOMER_FIELDS, |c| c).await
}
