//! Tax rates: https://docs.stripe.com/api/tax_rates

use axum::extract::Path;
use portico_core::objects::Object;
use portico_core::objects::tax_rate::{TaxRate, TaxRateCreate, TaxRateUpdate};
use portico_store::{FieldFilter, Scalar, Tx, TxExt};
use serde::Deserialize;

use super::missing_reference;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::respond;

/// Stripe's noun in `No such taxrate: 'txr_…'`.
const NOUN: &str = "taxrate";

/// A tax rate named by a parameter (`tax_rates[0]`, `default_tax_rates[1]`, …) of another request, which must
/// exist and be active: an archived rate keeps working where it is already set but cannot be applied anew.
pub async fn load_active(ctx: &Ctx, tx: &mut dyn Tx, id: &str, param: &str) -> Result<TaxRate, ApiError> {
    let rate = tx.load::<TaxRate>(ctx.scope(), id).await?.ok_or_else(|| missing_reference(NOUN, id, param))?;
    rate.usable(param)?;
    Ok(rate)
}

/// https://docs.stripe.com/api/tax_rates/create
pub async fn create(ctx: Ctx, Params { params, expand }: Params<TaxRateCreate>) -> ApiResult {
    let rate = TaxRate::create(params, ctx.scope().livemode, ctx.now())?;
    let mut tx = ctx.tx().await;
    tx.create(ctx.scope(), &rate).await?;
    respond::emit(&ctx, &mut **tx, "tax_rate.created", &rate, None).await?;
    respond::object(&ctx, &mut **tx, &rate, &expand).await
}

/// https://docs.stripe.com/api/tax_rates/retrieve
pub async fn retrieve(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let rate = tx.load::<TaxRate>(ctx.scope(), &id).await?.ok_or_else(|| ApiError::no_such(NOUN, &id, "tax_rate"))?;
    respond::object(&ctx, &mut **tx, &rate, &expand).await
}

/// https://docs.stripe.com/api/tax_rates/update
pub async fn update(ctx: Ctx, Path(id): Path<String>, Params { params, expand }: Params<TaxRateUpdate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let mut rate = tx
        .load_for_update::<TaxRate>(ctx.scope(), &id)
        .await?
        .ok_or_else(|| ApiError::no_such(NOUN, &id, "tax_rate"))?;
    let before = serde_json::to_value(&rate).map_err(ApiError::internal)?;
    rate.update(params)?;
    tx.save(ctx.scope(), &rate).await?;
    respond::emit(&ctx, &mut **tx, "tax_rate.updated", &rate, Some(&before)).await?;
    respond::object(&ctx, &mut **tx, &rate, &expand).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {
    active: Option<bool>,
    inclusive: Option<bool>,
}

/// https://docs.stripe.com/api/tax_rates/list
pub async fn list(ctx: Ctx, ListParams { mut page, filters, expand }: ListParams<ListFilters>) -> ApiResult {
    if let Some(active) = filters.active {
        page.filters.push(FieldFilter::eq("active", Scalar::Bool(active)));
    }
    if let Some(inclusive) = filters.inclusive {
        page.filters.push(FieldFilter::eq("inclusive", Scalar::Bool(inclusive)));
    }
    let mut tx = ctx.tx().await;
    let (rates, has_more) = tx.list_typed::<TaxRate>(ctx.scope(), &page).await?;
    respond::list(&ctx, &mut **tx, TaxRate::KIND, "/v1/tax_rates", &rates, has_more, &expand).await
}
