//! Prices: https://docs.stripe.com/api/prices
//!
//! Prices cannot be deleted through the API (Stripe has no such route); they are archived with `active=false`.

use axum::extract::Path;
use portico_core::ParamError;
use portico_core::Patch;
use portico_core::currency::parse_currency;
use portico_core::objects::Object;
use portico_core::objects::price::{Interval, Price, PriceCreate, PriceType, PriceUpdate, ProductSource, UsageType};
use portico_core::objects::product::Product;
use portico_store::{FieldFilter, ListQuery, Scalar, Tx, TxExt};
use serde::{Deserialize, Serialize};

use super::{missing_reference, products, wants};
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::respond;
use crate::search;

/// Loads a price of the acting account for a change, or answers Stripe's 404 (which names `price`).
async fn load(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<Price, ApiError> {
    tx.load_for_update::<Price>(ctx.scope(), id).await?.ok_or_else(|| ApiError::no_such("price", id, "price"))
}

/// The price as this response shows it: `tiers` and `currency_options` only when `expand[]` asks for them.
fn shown(price: &Price, expand: &[String]) -> Price {
    price.shown(wants(expand, "tiers"), wants(expand, "currency_options"))
}

/// Stripe's wire spelling of an enum value, for list filters.
fn wire<T: Serialize>(value: T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Puts `param` (as Stripe spells it at the top level) inside `prefix`: `name` → `product_data[name]`,
/// `metadata[k]` → `product_data[metadata][k]`.
fn nested(prefix: &str, mut error: ParamError) -> ParamError {
    error.param = error.param.map(|param| match param.split_once('[') {
        Some((head, rest)) => format!("{prefix}[{head}][{rest}"),
        None => format!("{prefix}[{param}]"),
    });
    error
}

/// A lookup key belongs to one price of the account, archived or not. With `transfer_lookup_key` it moves to
/// `owner`: the holder loses it (and gets its `price.updated`); otherwise the request is refused.
async fn claim_lookup_key(ctx: &Ctx, tx: &mut dyn Tx, key: &str, owner: &str, transfer: bool) -> Result<(), ApiError> {
    let holders = ListQuery {
        limit: 100,
        filters: vec![FieldFilter::eq("lookup_key", Scalar::Str(key.to_owned()))],
        ..ListQuery::default()
    };
    let (holders, _) = tx.list_typed::<Price>(ctx.scope(), &holders).await?;
    for holder in holders.into_iter().filter(|holder| holder.id != owner) {
        if !transfer {
            return Err(ApiError::invalid_request(format!("A price (`{}`) already uses that lookup key.", holder.id))
                .with_param("lookup_key"));
        }
        let mut holder = load(ctx, tx, &holder.id).await?;
        let before = serde_json::to_value(holder.shown(false, false)).map_err(ApiError::internal)?;
        holder.lookup_key = None;
        tx.save(ctx.scope(), &holder).await?;
        respond::emit(ctx, tx, "price.updated", &holder.shown(false, false), Some(&before)).await?;
    }
    Ok(())
}

/// https://docs.stripe.com/api/prices/create
pub async fn create(ctx: Ctx, Params { mut params, expand }: Params<PriceCreate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let (livemode, now) = (ctx.scope().livemode, ctx.now());
    let transfer = params.transfer_lookup_key.unwrap_or(false);
    let (product_id, new_product) = match params.take_product()? {
        ProductSource::Existing(id) => {
            if tx.get(ctx.scope(), Product::KIND, &id).await?.is_none() {
                return Err(missing_reference("product", &id, "product"));
            }
            (id, None)
        }
        ProductSource::New(data) => {
            products::check_id_free(&ctx, &mut **tx, data.id.as_deref(), "product_data[id]").await?;
            products::check_tax_code(data.tax_code.as_deref(), "product_data[tax_code]")?;
            let product = Product::create((*data).into(), livemode, now).map_err(|e| nested("product_data", e))?;
            (product.id.clone(), Some(product))
        }
    };
    let price = Price::create(params, product_id, "", livemode, now)?;
    if let Some(key) = &price.lookup_key {
        claim_lookup_key(&ctx, &mut **tx, key, &price.id, transfer).await?;
    }
    if let Some(product) = &new_product {
        tx.create(ctx.scope(), product).await?;
        respond::emit(&ctx, &mut **tx, "product.created", product, None).await?;
    }
    tx.create(ctx.scope(), &price).await?;
    respond::emit(&ctx, &mut **tx, "price.created", &price.shown(false, false), None).await?;
    respond::object(&ctx, &mut **tx, &shown(&price, &expand), &expand).await
}

/// https://docs.stripe.com/api/prices/retrieve
pub async fn retrieve(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let price = tx.load::<Price>(ctx.scope(), &id).await?.ok_or_else(|| ApiError::no_such("price", &id, "price"))?;
    respond::object(&ctx, &mut **tx, &shown(&price, &expand), &expand).await
}

/// https://docs.stripe.com/api/prices/update
pub async fn update(ctx: Ctx, Path(id): Path<String>, Params { params, expand }: Params<PriceUpdate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let mut price = load(&ctx, &mut **tx, &id).await?;
    if let Patch::Set(key) = &params.lookup_key
        && price.lookup_key.as_deref() != Some(key.as_str())
    {
        claim_lookup_key(&ctx, &mut **tx, key, &id, params.transfer_lookup_key.unwrap_or(false)).await?;
    }
    let before = serde_json::to_value(price.shown(false, false)).map_err(ApiError::internal)?;
    price.update(params)?;
    tx.save(ctx.scope(), &price).await?;
    respond::emit(&ctx, &mut **tx, "price.updated", &price.shown(false, false), Some(&before)).await?;
    respond::object(&ctx, &mut **tx, &shown(&price, &expand), &expand).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {
    active: Option<bool>,
    currency: Option<String>,
    lookup_keys: Option<Vec<String>>,
    product: Option<String>,
    recurring: Option<RecurringFilter>,
    #[serde(rename = "type")]
    kind: Option<PriceType>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecurringFilter {
    interval: Option<Interval>,
    meter: Option<String>,
    usage_type: Option<UsageType>,
}

/// https://docs.stripe.com/api/prices/list
pub async fn list(ctx: Ctx, ListParams { mut page, filters, expand }: ListParams<ListFilters>) -> ApiResult {
    let mut tx = ctx.tx().await;
    if let Some(active) = filters.active {
        page.filters.push(FieldFilter::eq("active", Scalar::Bool(active)));
    }
    if let Some(currency) = filters.currency {
        page.filters.push(FieldFilter::eq("currency", Scalar::Str(parse_currency("currency", &currency)?)));
    }
    if let Some(keys) = filters.lookup_keys {
        page.filters.push(FieldFilter::one_of("lookup_key", keys));
    }
    if let Some(product) = filters.product {
        if tx.get(ctx.scope(), Product::KIND, &product).await?.is_none() {
            return Err(missing_reference("product", &product, "product"));
        }
        page.filters.push(FieldFilter::eq("product", Scalar::Str(product)));
    }
    if let Some(recurring) = filters.recurring {
        if let Some(interval) = recurring.interval {
            page.filters.push(FieldFilter::eq("recurring.interval", Scalar::Str(wire(interval))));
        }
        if let Some(meter) = recurring.meter {
            page.filters.push(FieldFilter::eq("recurring.meter", Scalar::Str(meter)));
        }
        if let Some(usage_type) = recurring.usage_type {
            page.filters.push(FieldFilter::eq("recurring.usage_type", Scalar::Str(wire(usage_type))));
        }
    }
    if let Some(kind) = filters.kind {
        page.filters.push(FieldFilter::eq("type", Scalar::Str(wire(kind))));
    }
    let (prices, has_more) = tx.list_typed::<Price>(ctx.scope(), &page).await?;
    let prices: Vec<Price> = prices.iter().map(|price| shown(price, &expand)).collect();
    respond::list(&ctx, &mut **tx, Price::KIND, "/v1/prices", &prices, has_more, &expand).await
}

/// https://docs.stripe.com/api/prices/search
pub async fn search(ctx: Ctx, Params { params, expand }: Params<search::SearchParams>) -> ApiResult {
    let shape = {
        let expand = expand.clone();
        move |price: Price| shown(&price, &expand)
    };
    search::run::<Price>(&ctx, params, &expand, "/v1/prices/search", search::PRICE_FIELDS, shape).await
}
