//! Customer tax ids: https://docs.stripe.com/api/tax_ids

use axum::extract::Path;
use portico_core::objects::tax_id::{TaxId, TaxIdCreate};
use portico_core::objects::{Deleted, Object};
use portico_store::{ListQuery, Tx, TxExt};

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::resources::customers;
use crate::respond;

/// Creates a tax id for a customer inside another request too (customer create's `tax_id_data[]`);
/// `param` prefixes the error's param so it points at the right array entry.
pub async fn create_for(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    customer: &str,
    kind: &str,
    value: &str,
    param: &str,
) -> Result<TaxId, ApiError> {
    let params = TaxIdCreate { kind: kind.to_owned(), value: value.to_owned() };
    let tax_id = TaxId::create(params, customer, ctx.scope().livemode, ctx.now()).map_err(|mut error| {
        if !param.is_empty() {
            error.param = error.param.map(|p| format!("{param}[{p}]"));
        }
        ApiError::from(error)
    })?;
    tx.create(ctx.scope(), &tax_id).await?;
    respond::emit(ctx, tx, "customer.tax_id.created", &tax_id, None).await?;
    Ok(tax_id)
}

async fn load(ctx: &Ctx, tx: &mut dyn Tx, customer: &str, id: &str) -> Result<TaxId, ApiError> {
    tx.load::<TaxId>(ctx.scope(), id)
        .await?
        .filter(|tax_id| tax_id.customer.as_deref() == Some(customer))
        .ok_or_else(|| ApiError::no_such("tax_id", id, "id"))
}

/// https://docs.stripe.com/api/tax_ids/customer_create
pub async fn create(
    ctx: Ctx,
    Path(customer): Path<String>,
    Params { params, expand }: Params<TaxIdCreate>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    customers::load(&ctx, &mut **tx, &customer, "customer").await?;
    let tax_id = create_for(&ctx, &mut **tx, &customer, &params.kind, &params.value, "").await?;
    respond::object(&ctx, &mut **tx, &tax_id, &expand).await
}

/// https://docs.stripe.com/api/tax_ids/customer_retrieve
pub async fn retrieve(
    ctx: Ctx,
    Path((customer, id)): Path<(String, String)>,
    Params { expand, .. }: Params<NoParams>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tax_id = load(&ctx, &mut **tx, &customer, &id).await?;
    respond::object(&ctx, &mut **tx, &tax_id, &expand).await
}

/// https://docs.stripe.com/api/tax_ids/customer_delete
pub async fn delete(ctx: Ctx, Path((customer, id)): Path<(String, String)>, _: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tax_id = delete_for(&ctx, &mut **tx, &customer, &id).await?;
    Ok(respond::json_response(&serde_json::to_value(Deleted::of(&tax_id)).map_err(ApiError::internal)?))
}

/// Deletes `customer`'s tax id `id` (another customer's id is `resource_missing`, as a nonexistent one) and
/// emits `customer.tax_id.deleted`; the customer portal removes tax ids through here too.
pub async fn delete_for(ctx: &Ctx, tx: &mut dyn Tx, customer: &str, id: &str) -> Result<TaxId, ApiError> {
    let tax_id = load(ctx, tx, customer, id).await?;
    tx.remove(ctx.scope(), &tax_id).await?;
    respond::emit(ctx, tx, "customer.tax_id.deleted", &tax_id, None).await?;
    Ok(tax_id)
}

/// https://docs.stripe.com/api/tax_ids/customer_list
pub async fn list(
    ctx: Ctx,
    Path(customer): Path<String>,
    ListParams { page, expand, .. }: ListParams<NoParams>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    customers::load(&ctx, &mut **tx, &customer, "customer").await?;
    let page = ListQuery { customer: Some(customer.clone()), ..page };
    let (tax_ids, has_more) = tx.list_typed::<TaxId>(ctx.scope(), &page).await?;
    let url = format!("/v1/customers/{customer}/tax_ids");
    respond::list(&ctx, &mut **tx, TaxId::KIND, &url, &tax_ids, has_more, &expand).await
}
