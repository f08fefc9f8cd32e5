//! Doing what has fallen due: renewals, trial ends, automatic finalization, payment retries, overdue
//! invoices, expiry of incomplete subscriptions, `cancel_at`. One loop serves the wall clock (objects without
//! a test clock, across all accounts) and each test clock's advance; both find their work through the
//! store's due queue (`due_at`), so a restarted or second node picks up exactly where the work stands.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use portico_core::Scope;
use portico_core::Timestamp;
use portico_core::billing::{invoicing, lifecycle};
use portico_core::objects::customer::Customer;
use portico_core::objects::invoice::{Invoice, Status as InvoiceStatus};
use portico_core::objects::subscription::{CollectionMethod, Status, Subscription};
use portico_core::objects::subscription_schedule::SubscriptionSchedule;
use portico_core::objects::test_clock::{Status as ClockStatus, TestClock};
use portico_core::objects::{InvoiceItem, Object};
use portico_store::{FieldFilter, ListQuery, Scalar, Tx, TxExt};
use serde_json::value::RawValue;

use super::collect;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::respond;
use crate::state::AppState;

/// Objects processed per transaction.
pub const BATCH: u32 = 500;
/// The tracing target of the debug event each batch of a test clock's advance logs with its timings: the
/// wait for the writer with the clock's lock and the due queue (`queue_ms`), `prefetch_ms`, `process_ms` and
/// `commit_ms`.
pub const ADVANCE_TARGET: &str = "portico::billing::advance";
/// Work created at time `t` never falls due before `t + MIN_DELAY` (a renewal's draft window is the shortest
/// delay the engine schedules), so everything due within that span of the batch's earliest item can be done
/// together without breaking time order.
const MIN_DELAY: Timestamp = invoicing::DRAFT_WINDOW;

/// Processes one due object at `ctx.now()`, in `ctx`'s transaction.
pub async fn process(ctx: &Ctx, tx: &mut dyn Tx, kind: &str, id: &str) -> Result<(), ApiError> {
    match kind {
        Subscription::KIND => subscription(ctx, tx, id).await,
        Invoice::KIND => invoice(ctx, tx, id).await,
        SubscriptionSchedule::KIND => schedule(ctx, tx, id).await,
        _ => Ok(()),
    }
}

async fn subscription(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<(), ApiError> {
    let now = ctx.now();
    let Some(mut sub) = tx.load_for_update::<Subscription>(ctx.scope(), id).await? else { return Ok(()) };
    if sub.due_at().is_none_or(|due| due > now) {
        return Ok(());
    }
    if sub.status == Status::Paused && sub.engine.resumes_at.is_some_and(|at| at <= now) {
        // A pause for a set time is over: resumed as `POST /v1/subscriptions/{id}/resume` would.
        let params = portico_core::objects::subscription::SubscriptionResume::default();
        return crate::resources::subscription_pause::resume_subscription(ctx, tx, id, params).await.map(drop);
    }
    let before = respond::wire_json(&sub)?;
    let mut customer = crate::resources::customers::load(ctx, tx, &sub.customer.clone(), "customer").await?;
    // A schedule's phase change at the period's end comes before the renewal, which bills the new phase.
    if let Some(id) = sub.schedule.clone()
        && let Some(mut schedule) = tx.load_for_update::<SubscriptionSchedule>(ctx.scope(), &id).await?
    {
        super::schedules::advance(ctx, tx, &mut schedule, Some(&mut sub), &mut customer).await?;
    }
    let pending =
        if sub.engine.has_pending_items { pending_items(ctx, tx, &customer, &sub.id).await? } else { Vec::new() };
    let names = super::product_names(ctx, tx, sub.items.data.iter().map(|i| &i.price)).await?;
    let has_payment_method = super::payment_method_of(Some(&sub), &customer).is_some();
    match lifecycle::process_due(&mut sub, &customer, pending, &names, has_payment_method, now) {
        lifecycle::Progress::Renewed { mut invoice, swept } => {
            super::discounts::apply_to_subscription_invoice(ctx, tx, &mut sub, &mut invoice, &swept).await?;
            respond::create(ctx, tx, &*invoice, "invoice.created").await?;
            for item in &swept {
                tx.save(ctx.scope(), item).await?;
            }
            if let Some(pause) = sub.pause_collection.clone() {
                let mut invoice = *invoice;
                collect::pause_collection(ctx, tx, &mut invoice, &mut customer, &pause.behavior).await?;
            }
        }
        lifecycle::Progress::Expired | lifecycle::Progress::PendingExpired => {
            collect::void_latest_invoice(ctx, tx, &sub).await?
        }
        lifecycle::Progress::TrialWillEnd => {
            // Only Portico's bookkeeping changed: saved here, as `save_subscription` skips unchanged wire shapes.
            tx.save(ctx.scope(), &sub).await?;
            return respond::emit(ctx, tx, "customer.subscription.trial_will_end", &sub, None).await;
        }
        lifecycle::Progress::Canceled | lifecycle::Progress::Paused | lifecycle::Progress::Nothing => {}
    }
    save_subscription(ctx, tx, &sub, &before).await
}

async fn schedule(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<(), ApiError> {
    let Some(mut schedule) = tx.load_for_update::<SubscriptionSchedule>(ctx.scope(), id).await? else {
        return Ok(());
    };
    if schedule.due_at().is_none_or(|due| due > ctx.now()) {
        return Ok(());
    }
    let mut sub = match &schedule.subscription {
        Some(sub) => tx.load_for_update::<Subscription>(ctx.scope(), sub).await?,
        None => None,
    };
    let before = sub.as_ref().map(respond::wire_json).transpose()?;
    let mut customer = crate::resources::customers::load(ctx, tx, &schedule.customer.clone(), "customer").await?;
    super::schedules::advance(ctx, tx, &mut schedule, sub.as_mut(), &mut customer).await?;
    if let (Some(sub), Some(before)) = (sub, before) {
        save_subscription(ctx, tx, &sub, &before).await?;
    }
    Ok(())
}

/// Saves a subscription the engine changed, with `customer.subscription.deleted` when it ended and
/// `customer.subscription.updated` otherwise. `before` is its wire text before the change ([`respond::wire_json`]).
pub async fn save_subscription(ctx: &Ctx, tx: &mut dyn Tx, sub: &Subscription, before: &str) -> Result<(), ApiError> {
    // One serialization for the row, the event and the comparison. The texts are compared, and only the members
    // that changed are read back, never whole `Value` trees: what the subscription was follows from them.
    let (row, wire) = respond::row_and_wire(sub)?;
    if wire == before {
        return Ok(());
    }
    tx.update_json(ctx.scope(), row).await?;
    let previous = portico_core::objects::event::previous_attributes_text(before, &wire);
    let changed: BTreeMap<&str, &RawValue> = match &previous {
        Some(text) => serde_json::from_str(text).map_err(ApiError::internal)?,
        None => BTreeMap::new(),
    };
    let was = match changed.get("status") {
        Some(status) => serde_json::from_str::<Status>(status.get()).map_err(ApiError::internal)?,
        None => sub.status,
    };
    if sub.status == Status::Canceled && was != Status::Canceled {
        return respond::emit(ctx, tx, "customer.subscription.deleted", sub, None).await;
    }
    let pending_ended =
        changed.get("pending_update").is_some_and(|update| update.get() != "null") && sub.pending_update.is_none();
    let applied = changed.contains_key("items") || was != sub.status;
    respond::emit_changed(ctx, tx, "customer.subscription.updated", &wire, previous).await?;
    if pending_ended {
        let kind = if applied { "pending_update_applied" } else { "pending_update_expired" };
        respond::emit(ctx, tx, &format!("customer.subscription.{kind}"), sub, None).await?;
    }
    match (was, sub.status) {
        (Status::Paused, Status::Paused) => Ok(()),
        (_, Status::Paused) => respond::emit(ctx, tx, "customer.subscription.paused", sub, None).await,
        (Status::Paused, _) => respond::emit(ctx, tx, "customer.subscription.resumed", sub, None).await,
        _ => Ok(()),
    }
}

pub(crate) async fn pending_items(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    customer: &Customer,
    sub: &str,
) -> Result<Vec<InvoiceItem>, ApiError> {
    let query = ListQuery {
        limit: 100,
        customer: Some(customer.id.clone()),
        filters: vec![FieldFilter::eq("invoice", Scalar::Null)],
        ..ListQuery::default()
    };
    let (items, _) = tx.list_typed::<InvoiceItem>(ctx.scope(), &query).await?;
    let mut items: Vec<InvoiceItem> = items.into_iter().filter(|i| i.subscription() == Some(sub)).collect();
    items.reverse();
    Ok(items)
}

async fn invoice(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<(), ApiError> {
    let now = ctx.now();
    let Some(mut invoice) = tx.load_for_update::<Invoice>(ctx.scope(), id).await? else { return Ok(()) };
    if invoice.due_at().is_none_or(|due| due > now) {
        return Ok(());
    }
    let mut sub = match invoice.subscription() {
        Some(sub) => tx.load_for_update::<Subscription>(ctx.scope(), sub).await?,
        None => None,
    };
    let sub_before = sub.as_ref().map(respond::wire_json).transpose()?;
    let mut customer = crate::resources::customers::load(ctx, tx, &invoice.customer.clone(), "customer").await?;
    let payment_method =
        invoice.default_payment_method.clone().or_else(|| super::payment_method_of(sub.as_ref(), &customer));
    match invoice.status {
        InvoiceStatus::Draft => {
            let paid = collect::finalize(ctx, tx, &mut invoice, &mut customer, sub.as_mut()).await?;
            if !paid && invoice.collection_method == CollectionMethod::ChargeAutomatically {
                collect_once(ctx, tx, &mut invoice, sub.as_mut(), payment_method.as_deref()).await?;
            }
        }
        InvoiceStatus::Open if invoice.collection_method == CollectionMethod::SendInvoice => {
            invoice.engine.overdue_at = None;
            respond::emit(ctx, tx, "invoice.overdue", &invoice, None).await?;
            if let Some(sub) = sub.as_mut() {
                lifecycle::invoice_overdue(sub);
            }
        }
        InvoiceStatus::Open => {
            collect_once(ctx, tx, &mut invoice, sub.as_mut(), payment_method.as_deref()).await?;
        }
        _ => return Ok(()),
    }
    tx.save(ctx.scope(), &invoice).await?;
    if let (Some(sub), Some(before)) = (sub, sub_before) {
        save_subscription(ctx, tx, &sub, &before).await?;
    }
    Ok(())
}

/// An automatic attempt; without a payment method it counts as a failed attempt, as Stripe's does.
async fn collect_once(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    invoice: &mut Invoice,
    sub: Option<&mut Subscription>,
    payment_method: Option<&str>,
) -> Result<(), ApiError> {
    match payment_method {
        Some(pm) => collect::attempt(ctx, tx, invoice, sub, Some(pm), true).await.map(drop),
        None => collect::record_failure(ctx, tx, invoice, sub, "invoice.payment_failed").await,
    }
}

/// Moves an advancing test clock to its target: every due transition in time order, in batches of one
/// transaction each, then `ready`. Safe to run twice at once (each batch locks the clock first) and to resume
/// after a crash (the work queue is the state).
pub async fn advance_clock(state: &AppState, scope: &Scope, clock_id: &str) -> Result<(), ApiError> {
    loop {
        let started = Instant::now();
        let mut tx = state.store.begin_write().await?;
        let Some(mut clock) = tx.load_for_update::<TestClock>(scope, clock_id).await? else { return Ok(()) };
        let Some(target) = clock.target() else { return Ok(()) };
        if clock.status != ClockStatus::Advancing {
            return Ok(());
        }
        let due = tx.due(Some(clock_id), target, BATCH).await?;
        let ctx = Ctx::background(state.clone(), scope.clone(), tx, target);
        if due.is_empty() {
            let before = respond::wire(&clock)?;
            clock.finish_advance();
            let mut tx = ctx.tx().await;
            tx.save(scope, &clock).await?;
            respond::emit(&ctx, &mut **tx, "test_helpers.test_clock.ready", &clock, Some(&before)).await?;
            drop(tx);
            commit(ctx).await?;
            return Ok(());
        }
        let queued = started.elapsed();
        let horizon = due[0].due_at + MIN_DELAY;
        let batch = due.iter().take_while(|d| d.due_at < horizon).count();
        let prefetched;
        {
            let mut tx = ctx.tx().await;
            super::prefetch::prefetch(&mut **tx, scope, &due[..batch]).await?;
            prefetched = started.elapsed();
            for item in &due[..batch] {
                ctx.set_now(item.due_at);
                process(&ctx, &mut **tx, &item.kind, &item.id).await?;
            }
        }
        let processed = started.elapsed();
        commit(ctx).await?;
        let ms = |span: Duration| span.as_secs_f64() * 1000.0;
        // Where a batch's time goes, for the renewal benchmark and for anyone tracing a slow advance.
        tracing::debug!(
            target: ADVANCE_TARGET,
            clock = clock_id,
            objects = batch as u64,
            queue_ms = ms(queued),
            prefetch_ms = ms(prefetched - queued),
            process_ms = ms(processed - prefetched),
            commit_ms = ms(started.elapsed() - processed),
            "test clock batch done"
        );
    }
}

fn into_tx(ctx: Ctx) -> Result<Box<dyn Tx>, ApiError> {
    ctx.into_tx().ok_or_else(|| ApiError::internal("billing context still shared when its transaction ends"))
}

async fn commit(ctx: Ctx) -> Result<(), ApiError> {
    into_tx(ctx)?.commit().await?;
    Ok(())
}

/// One pass of the wall-clock scheduler: processes what is due by `now` on no test clock, across all
/// accounts, and returns the test clocks that wait for their advance to run.
pub async fn tick(state: &AppState, now: Timestamp) -> Result<(usize, Vec<(Scope, String)>), ApiError> {
    let mut tx = state.store.begin_write().await?;
    let due = tx.due(None, now, BATCH).await?;
    let mut scopes: Vec<&Scope> = Vec::new();
    for item in &due {
        if !scopes.contains(&&item.scope) {
            scopes.push(&item.scope);
        }
    }
    for scope in scopes {
        let mine: Vec<_> = due.iter().filter(|item| &item.scope == scope).cloned().collect();
        super::prefetch::prefetch(&mut *tx, scope, &mine).await?;
    }
    let mut clocks = Vec::new();
    let mut done = 0;
    for item in due {
        if item.kind == TestClock::KIND {
            clocks.push((item.scope, item.id));
            continue;
        }
        let ctx = Ctx::background(state.clone(), item.scope, tx, now);
        {
            let mut guard = ctx.tx().await;
            process(&ctx, &mut **guard, &item.kind, &item.id).await?;
        }
        tx = into_tx(ctx)?;
        done += 1;
    }
    tx.commit().await?;
    Ok((done, clocks))
}
