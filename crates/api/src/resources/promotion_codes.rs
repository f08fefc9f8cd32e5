//! Promotion codes: https://docs.stripe.com/api/promotion_codes
//!
//! Whether a code is active depends on the clock and on its coupon, and codes compare case-insensitively, so
//! lists are filtered here rather than in the store: an account has few promotion codes.

use std::collections::HashMap;

use axum::extract::Path;
use portico_core::objects::Object;
use portico_core::objects::coupon::Coupon;
use portico_core::objects::customer::Customer;
use portico_core::objects::promotion_code::{PromotionCode, PromotionCodeCreate, PromotionCodeUpdate, generate_code};
use portico_store::{ListQuery, StoreError, Tx, TxExt};
use serde::Deserialize;

use super::{missing_reference, wants};
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::respond;

const INCLUDABLE: &str = "restrictions.currency_options";
/// How often a generated code is redrawn when it happens to clash with an existing one.
const GENERATION_ATTEMPTS: usize = 10;

/// Loads a promotion code of the acting account for a change, or answers Stripe's 404.
async fn load(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<PromotionCode, ApiError> {
    tx.load_for_update::<PromotionCode>(ctx.scope(), id)
        .await?
        .ok_or_else(|| ApiError::no_such("promotion code", id, "promotion_code"))
}

/// Whether the code's coupon still exists and takes redemptions now.
async fn coupon_valid(ctx: &Ctx, tx: &mut dyn Tx, code: &PromotionCode) -> Result<bool, ApiError> {
    let Some(id) = &code.promotion.coupon else { return Ok(false) };
    Ok(tx.load::<Coupon>(ctx.scope(), id).await?.is_some_and(|coupon| coupon.valid_at(ctx.now())))
}

/// Every promotion code of the account, newest first, each with whether its coupon is valid now.
async fn all_codes(ctx: &Ctx, tx: &mut dyn Tx) -> Result<Vec<(PromotionCode, bool)>, ApiError> {
    let mut query = ListQuery { limit: 100, ..ListQuery::default() };
    let mut codes = Vec::new();
    loop {
        let (page, has_more) = tx.list_typed::<PromotionCode>(ctx.scope(), &query).await?;
        query.starting_after = page.last().map(|code| code.id.clone());
        codes.extend(page);
        if !has_more {
            break;
        }
    }
    let mut validity: HashMap<String, bool> = HashMap::new();
    let mut out = Vec::with_capacity(codes.len());
    for code in codes {
        let coupon = code.promotion.coupon.clone().unwrap_or_default();
        let valid = match validity.get(&coupon) {
            Some(valid) => *valid,
            None => {
                let valid = coupon_valid(ctx, tx, &code).await?;
                validity.insert(coupon, valid);
                valid
            }
        };
        out.push((code, valid));
    }
    Ok(out)
}

/// Refuses a code that would clash with another active one (see [`PromotionCode::clashes_with`]).
fn check_unique(code: &PromotionCode, others: &[(PromotionCode, bool)], now: i64) -> Result<(), ApiError> {
    let clash = others.iter().any(|(other, coupon_valid)| {
        other.id != code.id
            && other.active_at(now, *coupon_valid)
            && other.clashes_with(&code.code, code.customer.as_deref())
    });
    if clash {
        // Stripe sends neither a code nor a param with this refusal.
        return Err(ApiError::invalid_request(format!(
            "An active promotion code with `code: {}` already exists.",
            code.code
        )));
    }
    Ok(())
}

/// https://docs.stripe.com/api/promotion_codes/create
pub async fn create(ctx: Ctx, Params { params, expand }: Params<PromotionCodeCreate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let coupon_id = params.coupon()?.to_owned();
    let coupon = tx
        .load::<Coupon>(ctx.scope(), &coupon_id)
        .await?
        .ok_or_else(|| missing_reference("coupon", &coupon_id, "promotion[coupon]"))?;
    if let Some(customer) = &params.customer
        && tx.get(ctx.scope(), Customer::KIND, customer).await?.is_none()
    {
        return Err(missing_reference("customer", customer, "customer"));
    }
    let generated = params.code.is_none();
    let mut code = PromotionCode::create(params, &coupon, ctx.scope().livemode, ctx.now())?;
    if code.active {
        let others = all_codes(&ctx, &mut **tx).await?;
        let mut attempts = 0;
        while let Err(clash) = check_unique(&code, &others, ctx.now()) {
            if !generated || attempts == GENERATION_ATTEMPTS {
                return Err(clash);
            }
            code.code = generate_code();
            attempts += 1;
        }
    }
    tx.create(ctx.scope(), &code).await?;
    respond::emit(&ctx, &mut **tx, "promotion_code.created", &code.shown(ctx.now(), true, false), None).await?;
    respond::object(&ctx, &mut **tx, &code.shown(ctx.now(), true, wants(&expand, INCLUDABLE)), &expand).await
}

/// https://docs.stripe.com/api/promotion_codes/retrieve
pub async fn retrieve(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let code = tx
        .load::<PromotionCode>(ctx.scope(), &id)
        .await?
        .ok_or_else(|| ApiError::no_such("promotion code", &id, "promotion_code"))?;
    let valid = coupon_valid(&ctx, &mut **tx, &code).await?;
    respond::object(&ctx, &mut **tx, &code.shown(ctx.now(), valid, wants(&expand, INCLUDABLE)), &expand).await
}

/// https://docs.stripe.com/api/promotion_codes/update
pub async fn update(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<PromotionCodeUpdate>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let mut code = load(&ctx, &mut **tx, &id).await?;
    let valid = coupon_valid(&ctx, &mut **tx, &code).await?;
    let now = ctx.now();
    let reactivating = params.active == Some(true) && !code.active_at(now, valid);
    let before = serde_json::to_value(code.shown(now, valid, false)).map_err(ApiError::internal)?;
    code.update(params, valid, now)?;
    if reactivating {
        check_unique(&code, &all_codes(&ctx, &mut **tx).await?, now)?;
    }
    tx.save(ctx.scope(), &code).await?;
    respond::emit(&ctx, &mut **tx, "promotion_code.updated", &code.shown(now, valid, false), Some(&before)).await?;
    respond::object(&ctx, &mut **tx, &code.shown(now, valid, wants(&expand, INCLUDABLE)), &expand).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {
    active: Option<bool>,
    code: Option<String>,
    coupon: Option<String>,
    customer: Option<String>,
}

/// Applies Stripe's cursor semantics to `items`, a newest-first subset of `all_ids` (every id, newest first).
fn page_of<T: Object>(items: Vec<T>, all_ids: &[String], page: &ListQuery) -> Result<(Vec<T>, bool), ApiError> {
    let position = |id: &str| all_ids.iter().position(|candidate| candidate == id);
    let rank = |item: &T| position(item.id()).unwrap_or(usize::MAX);
    let limit = page.limit as usize;
    if let Some(after) = &page.starting_after {
        let cursor = position(after).ok_or_else(|| StoreError::CursorNotFound(after.clone()))?;
        let mut rest: Vec<T> = items.into_iter().filter(|item| rank(item) > cursor).collect();
        let has_more = rest.len() > limit;
        rest.truncate(limit);
        return Ok((rest, has_more));
    }
    if let Some(before) = &page.ending_before {
        let cursor = position(before).ok_or_else(|| StoreError::CursorNotFound(before.clone()))?;
        let mut newer: Vec<T> = items.into_iter().filter(|item| rank(item) < cursor).collect();
        let has_more = newer.len() > limit;
        let skip = newer.len().saturating_sub(limit);
        return Ok((newer.drain(skip..).collect(), has_more));
    }
    let has_more = items.len() > limit;
    Ok((items.into_iter().take(limit).collect(), has_more))
}

/// https://docs.stripe.com/api/promotion_codes/list
pub async fn list(ctx: Ctx, ListParams { page, filters, expand }: ListParams<ListFilters>) -> ApiResult {
    let mut tx = ctx.tx().await;
    if let Some(coupon) = &filters.coupon
        && tx.get(ctx.scope(), Coupon::KIND, coupon).await?.is_none()
    {
        return Err(missing_reference("coupon", coupon, "coupon"));
    }
    let all = all_codes(&ctx, &mut **tx).await?;
    let all_ids: Vec<String> = all.iter().map(|(code, _)| code.id.clone()).collect();
    let created = &page.created;
    let matching: Vec<PromotionCode> = all
        .into_iter()
        .filter(|(code, coupon_valid)| {
            filters.active.is_none_or(|wanted| wanted == code.active_at(ctx.now(), *coupon_valid))
                && filters.code.as_deref().is_none_or(|wanted| code.code.eq_ignore_ascii_case(wanted))
                && filters.coupon.as_deref().is_none_or(|wanted| code.promotion.coupon.as_deref() == Some(wanted))
                && filters.customer.as_deref().is_none_or(|wanted| code.customer.as_deref() == Some(wanted))
                && created.gt.is_none_or(|bound| code.created > bound)
                && created.gte.is_none_or(|bound| code.created >= bound)
                && created.lt.is_none_or(|bound| code.created < bound)
                && created.lte.is_none_or(|bound| code.created <= bound)
        })
        .map(|(code, coupon_valid)| code.shown(ctx.now(), coupon_valid, wants(&expand, INCLUDABLE)))
        .collect();
    let (codes, has_more) = page_of(matching, &all_ids, &page)?;
    respond::list(&ctx, &mut **tx, PromotionCode::KIND, "/v1/promotion_codes", &codes, has_more, &expand).await
}
