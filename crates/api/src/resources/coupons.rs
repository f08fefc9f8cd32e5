//! Coupons: https://docs.stripe.com/api/coupons
//!
//! A deleted coupon answers 404, but discounts made from it keep working: its last state is kept under the
//! `deleted_coupon` kind, where [`load_any`] finds it.

use axum::extract::Path;
use portico_core::objects::coupon::{Coupon, CouponCreate, CouponUpdate};
use portico_core::objects::product::Product;
use portico_core::objects::{Deleted, Object};
use portico_core::{ParamCode, ParamError};
use portico_store::{Row, Tx, TxExt};
use serde::Deserialize;

use super::{missing_reference, wants};
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::respond;

/// Where a deleted coupon's last state is kept.
const DELETED_KIND: &str = "deleted_coupon";

/// Loads a coupon of the acting account for a change, or answers Stripe's 404 (which names `coupon`).
async fn load(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<Coupon, ApiError> {
    tx.load_for_update::<Coupon>(ctx.scope(), id).await?.ok_or_else(|| ApiError::no_such("coupon", id, "coupon"))
}

/// A coupon by id, deleted or not, for billing code that applies existing discounts: the coupon and whether it
/// was deleted (a deleted coupon takes no new redemptions, whatever [`Coupon::valid_at`] says).
pub async fn load_any(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<Option<(Coupon, bool)>, ApiError> {
    if let Some(coupon) = tx.load::<Coupon>(ctx.scope(), id).await? {
        return Ok(Some((coupon, false)));
    }
    match tx.get(ctx.scope(), DELETED_KIND, id).await? {
        Some(data) => Ok(Some((serde_json::from_value(data).map_err(ApiError::internal)?, true))),
        None => Ok(None),
    }
}

/// The coupon as this response shows it: `valid` as of now, includable fields only when asked for.
fn shown(ctx: &Ctx, coupon: &Coupon, expand: &[String]) -> Coupon {
    coupon.shown(ctx.now(), wants(expand, "applies_to"), wants(expand, "currency_options"))
}

/// The coupon as events carry it: no includable fields.
fn for_event(ctx: &Ctx, coupon: &Coupon) -> Coupon {
    coupon.shown(ctx.now(), false, false)
}

/// https://docs.stripe.com/api/coupons/create
pub async fn create(ctx: Ctx, Params { params, expand }: Params<CouponCreate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    if let Some(id) = &params.id
        && tx.get(ctx.scope(), Coupon::KIND, id).await?.is_some()
    {
        return Err(ParamError::new(ParamCode::ResourceAlreadyExists, "id", "Coupon already exists.").into());
    }
    let products = params.applies_to.as_ref().and_then(|a| a.products.as_deref()).unwrap_or_default();
    for (index, product) in products.iter().enumerate() {
        if tx.get(ctx.scope(), Product::KIND, product).await?.is_none() {
            return Err(missing_reference("product", product, &format!("applies_to[products][{index}]")));
        }
    }
    let coupon = Coupon::create(params, ctx.scope().livemode, ctx.now())?;
    tx.create(ctx.scope(), &coupon).await?;
    respond::emit(&ctx, &mut **tx, "coupon.created", &for_event(&ctx, &coupon), None).await?;
    respond::object(&ctx, &mut **tx, &shown(&ctx, &coupon, &expand), &expand).await
}

/// https://docs.stripe.com/api/coupons/retrieve
pub async fn retrieve(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let coupon =
        tx.load::<Coupon>(ctx.scope(), &id).await?.ok_or_else(|| ApiError::no_such("coupon", &id, "coupon"))?;
    respond::object(&ctx, &mut **tx, &shown(&ctx, &coupon, &expand), &expand).await
}

/// https://docs.stripe.com/api/coupons/update
pub async fn update(ctx: Ctx, Path(id): Path<String>, Params { params, expand }: Params<CouponUpdate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let mut coupon = load(&ctx, &mut **tx, &id).await?;
    let before = serde_json::to_value(for_event(&ctx, &coupon)).map_err(ApiError::internal)?;
    coupon.update(params, ctx.now())?;
    tx.save(ctx.scope(), &coupon).await?;
    respond::emit(&ctx, &mut **tx, "coupon.updated", &for_event(&ctx, &coupon), Some(&before)).await?;
    respond::object(&ctx, &mut **tx, &shown(&ctx, &coupon, &expand), &expand).await
}

/// https://docs.stripe.com/api/coupons/delete
pub async fn delete(ctx: Ctx, Path(id): Path<String>, _: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let mut coupon = load(&ctx, &mut **tx, &id).await?;
    tx.remove(ctx.scope(), &coupon).await?;
    // No new redemptions, ever: the kept state and the `coupon.deleted` snapshot both say `valid: false`.
    coupon.valid = false;
    tx.delete(ctx.scope(), DELETED_KIND, &id).await?;
    let data = serde_json::to_value(&coupon).map_err(ApiError::internal)?;
    tx.insert(
        ctx.scope(),
        Row {
            kind: DELETED_KIND,
            id: id.clone(),
            customer: None,
            created: coupon.created,
            clock: None,
            due_at: None,
            data,
        },
    )
    .await?;
    let mut snapshot = for_event(&ctx, &coupon);
    snapshot.valid = false;
    respond::emit(&ctx, &mut **tx, "coupon.deleted", &snapshot, None).await?;
    Ok(respond::json_response(&serde_json::to_value(Deleted::of(&coupon)).map_err(ApiError::internal)?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {}

/// https://docs.stripe.com/api/coupons/list
pub async fn list(ctx: Ctx, ListParams { page, expand, .. }: ListParams<ListFilters>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let (coupons, has_more) = tx.list_typed::<Coupon>(ctx.scope(), &page).await?;
    let coupons: Vec<Coupon> = coupons.iter().map(|coupon| shown(&ctx, coupon, &expand)).collect();
    respond::list(&ctx, &mut **tx, Coupon::KIND, "/v1/coupons", &coupons, has_more, &expand).await
}
