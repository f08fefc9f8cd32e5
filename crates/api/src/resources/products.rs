//! Products: https://docs.stripe.com/api/products

use axum::extract::Path;
use portico_core::objects::price::Price;
use portico_core::objects::product::{Product, ProductCreate, ProductType, ProductUpdate};
use portico_core::objects::{Deleted, Object};
use portico_core::{ParamCode, ParamError, Patch};
use portico_store::{FieldFilter, ListQuery, Scalar, Tx, TxExt};
use serde::Deserialize;

use super::missing_reference;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::respond;
use crate::search;

/// Loads a product of the acting account for a change, or answers Stripe's 404.
async fn load(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<Product, ApiError> {
    tx.load_for_update::<Product>(ctx.scope(), id).await?.ok_or_else(|| ApiError::no_such("product", id, "id"))
}

/// `Product already exists.` for a caller-chosen id that is taken.
pub(crate) async fn check_id_free(ctx: &Ctx, tx: &mut dyn Tx, id: Option<&str>, param: &str) -> Result<(), ApiError> {
    if let Some(id) = id
        && tx.get(ctx.scope(), Product::KIND, id).await?.is_some()
    {
        return Err(ParamError::new(ParamCode::ResourceAlreadyExists, param, "Product already exists.").into());
    }
    Ok(())
}

/// Stripe's product tax codes are `txcd_` followed by digits; anything else names no tax code.
pub(crate) fn check_tax_code(code: Option<&str>, param: &str) -> Result<(), ApiError> {
    match code {
        Some(code)
            if !code.strip_prefix("txcd_").is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) =>
        {
            Err(missing_reference("tax_code", code, param))
        }
        _ => Ok(()),
    }
}

/// A product's new default price must be an active price of that product.
async fn check_default_price(ctx: &Ctx, tx: &mut dyn Tx, product: &str, price: &str) -> Result<(), ApiError> {
    let param = "default_price";
    let Some(found) = tx.load::<Price>(ctx.scope(), price).await? else {
        return Err(missing_reference("price", price, param));
    };
    if found.product != product {
        return Err(ApiError::invalid_request(format!(
            "The price `{price}` belongs to product `{}`; a default price must be a price of this product.",
            found.product
        ))
        .with_param(param));
    }
    if !found.active {
        return Err(ApiError::invalid_request(format!(
            "The price `{price}` is archived; a default price must be active."
        ))
        .with_param(param));
    }
    Ok(())
}

/// https://docs.stripe.com/api/products/create
pub async fn create(ctx: Ctx, Params { mut params, expand }: Params<ProductCreate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let price_data = params.default_price_data.take();
    check_id_free(&ctx, &mut **tx, params.id.as_deref(), "id").await?;
    check_tax_code(params.tax_code.as_deref(), "tax_code")?;
    let (livemode, now) = (ctx.scope().livemode, ctx.now());
    let mut product = Product::create(params, livemode, now)?;
    let price = price_data
        .map(|data| Price::create(data.into_create(), product.id.clone(), "default_price_data", livemode, now))
        .transpose()?;
    product.default_price = price.as_ref().map(|price| price.id.clone());
    tx.create(ctx.scope(), &product).await?;
    // Stripe's order: the product (already naming its default price), then the price.
    respond::emit(&ctx, &mut **tx, "product.created", &product, None).await?;
    if let Some(price) = &price {
        tx.create(ctx.scope(), price).await?;
        respond::emit(&ctx, &mut **tx, "price.created", &price.shown(false, false), None).await?;
    }
    respond::object(&ctx, &mut **tx, &product, &expand).await
}

/// https://docs.stripe.com/api/products/retrieve
pub async fn retrieve(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    // Unlike a customer, a deleted product is simply gone: Stripe answers 404.
    let product = tx.load::<Product>(ctx.scope(), &id).await?.ok_or_else(|| ApiError::no_such("product", &id, "id"))?;
    respond::object(&ctx, &mut **tx, &product, &expand).await
}

/// https://docs.stripe.com/api/products/update
pub async fn update(ctx: Ctx, Path(id): Path<String>, Params { params, expand }: Params<ProductUpdate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let mut product = load(&ctx, &mut **tx, &id).await?;
    if let Some(price) = &params.default_price {
        check_default_price(&ctx, &mut **tx, &id, price).await?;
    }
    if let Patch::Set(code) = &params.tax_code {
        check_tax_code(Some(code), "tax_code")?;
    }
    let before = serde_json::to_value(&product).map_err(ApiError::internal)?;
    product.update(params, ctx.now())?;
    tx.save(ctx.scope(), &product).await?;
    respond::emit(&ctx, &mut **tx, "product.updated", &product, Some(&before)).await?;
    respond::object(&ctx, &mut **tx, &product, &expand).await
}

/// https://docs.stripe.com/api/products/delete
pub async fn delete(ctx: Ctx, Path(id): Path<String>, _: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let mut product = load(&ctx, &mut **tx, &id).await?;
    let any_price = ListQuery {
        limit: 1,
        filters: vec![FieldFilter::eq("product", Scalar::Str(id.clone()))],
        ..ListQuery::default()
    };
    let (prices, _) = tx.list_typed::<Price>(ctx.scope(), &any_price).await?;
    if !prices.is_empty() {
        return Err(ApiError::invalid_request(
            "This product cannot be deleted because it has one or more user-created prices.",
        ));
    }
    tx.remove(ctx.scope(), &product).await?;
    // The `product.deleted` snapshot shows the product switched off, as Stripe's does.
    product.active = false;
    respond::emit(&ctx, &mut **tx, "product.deleted", &product, None).await?;
    Ok(respond::json_response(&serde_json::to_value(Deleted::of(&product)).map_err(ApiError::internal)?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {
    active: Option<bool>,
    ids: Option<Vec<String>>,
    shippable: Option<bool>,
    #[serde(rename = "type")]
    kind: Option<ProductType>,
    url: Option<String>,
}

/// https://docs.stripe.com/api/products/list
pub async fn list(ctx: Ctx, ListParams { mut page, filters, expand }: ListParams<ListFilters>) -> ApiResult {
    if let Some(active) = filters.active {
        page.filters.push(FieldFilter::eq("active", Scalar::Bool(active)));
    }
    if let Some(ids) = filters.ids {
        page.filters.push(FieldFilter::one_of("id", ids));
    }
    if let Some(shippable) = filters.shippable {
        page.filters.push(FieldFilter::eq("shippable", Scalar::Bool(shippable)));
    }
    if let Some(kind) = filters.kind {
        let kind = if kind == ProductType::Good { "good" } else { "service" };
        page.filters.push(FieldFilter::eq("type", Scalar::Str(kind.into())));
    }
    if let Some(url) = filters.url {
        page.filters.push(FieldFilter::eq("url", Scalar::Str(url)));
    }
    let mut tx = ctx.tx().await;
    let (products, has_more) = tx.list_typed::<Product>(ctx.scope(), &page).await?;
    respond::list(&ctx, &mut **tx, Product::KIND, "/v1/products", &products, has_more, &expand).await
}

/// https://docs.stripe.com/api/products/search
pub async fn search(ctx: Ctx, Params { params, expand }: Params<search::SearchParams>) -> ApiResult {
    search::run::<Product>(&ctx, params, &expand, "/v1/products/search", search::PRODUCT_FIELDS, |p| p).await
}
