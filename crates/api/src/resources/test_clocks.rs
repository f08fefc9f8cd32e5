//! Test clocks: https://docs.stripe.com/api/test_clocks
//!
//! `advance` only marks the clock `advancing`; the scheduler (`crate::billing::due`) then runs every due
//! transition of the clock's objects in time order and marks it `ready`. No limit on customers per clock.

use axum::extract::Path;
use portico_core::billing::period::Cadence;
use portico_core::objects::Discount;
use portico_core::objects::subscription_schedule::SubscriptionSchedule;
use portico_core::objects::price::{Interval, Price};
use portico_core::objects::subscription::Subscription;
use portico_core::objects::test_clock::{
    MAX_ADVANCE_WITHOUT_SUBSCRIPTIONS, TestClock, TestClockAdvance, TestClockCreate,
};
use portico_core::objects::{Customer, Deleted, Invoice, InvoiceItem, Object};
use portico_store::{FieldFilter, ListQuery, Scalar, Tx, TxExt};
use serde::Deserialize;

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::respond;

async fn load(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<TestClock, ApiError> {
    tx.load_for_update::<TestClock>(ctx.scope(), id)
        .await?
        .ok_or_else(|| ApiError::no_such("test_clock", id, "test_clock"))
}

/// https://docs.stripe.com/api/test_clocks/create
pub async fn create(ctx: Ctx, Params { params, expand }: Params<TestClockCreate>) -> ApiResult {
    let clock = TestClock::create(params, ctx.scope().livemode, ctx.now())?;
    let mut tx = ctx.tx().await;
    tx.create(ctx.scope(), &clock).await?;
    respond::emit(&ctx, &mut **tx, "test_helpers.test_clock.created", &clock, None).await?;
    respond::object(&ctx, &mut **tx, &clock, &expand).await
}

/// https://docs.stripe.com/api/test_clocks/retrieve
pub async fn retrieve(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    match tx.load::<TestClock>(ctx.scope(), &id).await? {
        Some(clock) => respond::object(&ctx, &mut **tx, &clock, &expand).await,
        None => Err(ApiError::no_such("test_clock", &id, "test_clock")),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {}

/// https://docs.stripe.com/api/test_clocks/list
pub async fn list(ctx: Ctx, ListParams { page, expand, .. }: ListParams<ListFilters>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let (clocks, has_more) = tx.list_typed::<TestClock>(ctx.scope(), &page).await?;
    respond::list(&ctx, &mut **tx, TestClock::KIND, "/v1/test_helpers/test_clocks", &clocks, has_more, &expand).await
}

/// Everything of kind `T` on the clock, page by page.
async fn on_clock<T: Object>(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    clock: &str,
    after: Option<String>,
) -> Result<(Vec<T>, bool), ApiError> {
    // Discounts keep their clock with Portico's bookkeeping; everything else shows it as `test_clock`.
    let path = if T::KIND == Discount::KIND { "portico.test_clock" } else { "test_clock" };
    let query = ListQuery {
        limit: 100,
        starting_after: after,
        filters: vec![FieldFilter::eq(path, Scalar::Str(clock.to_owned()))],
        ..ListQuery::default()
    };
    Ok(tx.list_typed::<T>(ctx.scope(), &query).await?)
}

async fn remove_all<T: Object>(ctx: &Ctx, tx: &mut dyn Tx, clock: &str) -> Result<(), ApiError> {
    loop {
        let (objects, has_more) = on_clock::<T>(ctx, tx, clock, None).await?;
        for object in &objects {
            tx.remove(ctx.scope(), object).await?;
        }
        if !has_more || objects.is_empty() {
            return Ok(());
        }
    }
}

/// https://docs.stripe.com/api/test_clocks/delete: the clock goes with everything that lives on it.
pub async fn delete(ctx: Ctx, Path(id): Path<String>, _: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let clock = load(&ctx, &mut **tx, &id).await?;
    remove_all::<SubscriptionSchedule>(&ctx, &mut **tx, &id).await?;
    remove_all::<Discount>(&ctx, &mut **tx, &id).await?;
    remove_all::<InvoiceItem>(&ctx, &mut **tx, &id).await?;
    remove_all::<Invoice>(&ctx, &mut **tx, &id).await?;
    remove_all::<Subscription>(&ctx, &mut **tx, &id).await?;
    remove_all::<Customer>(&ctx, &mut **tx, &id).await?;
    tx.remove(ctx.scope(), &clock).await?;
    respond::emit(&ctx, &mut **tx, "test_helpers.test_clock.deleted", &clock, None).await?;
    Ok(respond::json_response(&serde_json::to_value(Deleted::of(&clock)).map_err(ApiError::internal)?))
}

/// https://docs.stripe.com/api/test_clocks/advance
pub async fn advance(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<TestClockAdvance>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let mut clock = load(&ctx, &mut **tx, &id).await?;
    // Reading every subscription on the clock takes seconds with 100,000 of them; the account's prices bound
    // the answer from below and settle every advance that stays within that bound.
    let floor = shortest_possible_step(&ctx, &mut **tx).await?;
    let within_floor = params.frozen_time.is_some_and(|target| target - clock.frozen_time <= floor);
    let max_step = if within_floor { floor } else { longest_step(&ctx, &mut **tx, &id).await? };
    let before = respond::wire(&clock)?;
    clock.begin_advance(params.frozen_time, max_step)?;
    tx.save(ctx.scope(), &clock).await?;
    respond::emit(&ctx, &mut **tx, "test_helpers.test_clock.advancing", &clock, Some(&before)).await?;
    ctx.state().scheduler.notify_one();
    respond::object(&ctx, &mut **tx, &clock, &expand).await
}

/// A lower bound of [`longest_step`] read from the account's recurring prices (every subscription bills one
/// of them): two of the shortest interval, counting every month as 28 days and every year as 365, and never
/// more than the limit of a clock without subscriptions.
async fn shortest_possible_step(ctx: &Ctx, tx: &mut dyn Tx) -> Result<i64, ApiError> {
    const DAY: i64 = 86_400;
    let mut floor = MAX_ADVANCE_WITHOUT_SUBSCRIPTIONS;
    let mut query = ListQuery { limit: 100, ..ListQuery::default() };
    loop {
        let (prices, has_more) = tx.list_typed::<Price>(ctx.scope(), &query).await?;
        for recurring in prices.iter().filter_map(|price| price.recurring.as_ref()) {
            let days = match recurring.interval {
                Interval::Day => 1,
                Interval::Week => 7,
                Interval::Month => 28,
                Interval::Year => 365,
            };
            floor = floor.min(2 * recurring.interval_count * days * DAY);
        }
        match prices.last() {
            Some(last) if has_more => query.starting_after = Some(last.id.clone()),
            _ => return Ok(floor),
        }
    }
}

/// Two intervals of the shortest live subscription on the clock, or two years without one.
async fn longest_step(ctx: &Ctx, tx: &mut dyn Tx, clock: &str) -> Result<i64, ApiError> {
    let mut shortest: Option<i64> = None;
    let mut after = None;
    loop {
        let (subs, has_more) = on_clock::<Subscription>(ctx, tx, clock, after.take()).await?;
        for sub in subs.iter().filter(|s| !s.status.is_terminal()) {
            for item in &sub.items.data {
                let recurring = item.price.recurring.as_ref();
                let cadence = recurring.map(Cadence::of).unwrap_or(Cadence::new(Interval::Month, 1));
                // Two intervals from the item's period start, so month lengths are the real ones.
                let step = cadence.boundary(item.current_period_start, 2) - item.current_period_start;
                shortest = Some(shortest.map_or(step, |s| s.min(step)));
            }
        }
        if !has_more || subs.is_empty() {
            break;
        }
        after = subs.last().map(|s| s.id.clone());
    }
    Ok(shortest.unwrap_or(MAX_ADVANCE_WITHOUT_SUBSCRIPTIONS))
}
