//! Subscription schedules: https://docs.stripe.com/api/subscription_schedules
//!
//! Phase transitions happen in `crate::billing::schedules` when they fall due (the due queue), or at once when
//! a schedule starts now.

use axum::extract::Path;
use portico_core::billing::period::Cadence;
use portico_core::billing::schedule::{self, PhaseDraft, PhaseEnd};
use portico_core::objects::Object;
use portico_core::objects::subscription::{BillingMode, Subscription};
use portico_core::objects::subscription_schedule::{
    Phase, PhaseItem, PhaseParams, ScheduleCancel, ScheduleCreate, ScheduleRelease, ScheduleUpdate, Status,
    SubscriptionSchedule, default_settings,
};
use portico_core::{ParamError, Timestamp, ids};
use portico_store::{Tx, TxExt};
use serde::Deserialize;

use super::missing_reference;
use crate::billing::due::save_subscription;
use crate::billing::schedules;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::respond;

const MAX_PHASES: usize = 10;

async fn load(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<SubscriptionSchedule, ApiError> {
    tx.load_for_update::<SubscriptionSchedule>(ctx.scope(), id)
        .await?
        .ok_or_else(|| ApiError::no_such("subscription_schedule", id, "id"))
}

/// `phases[]` as drafts: prices checked (recurring, active, one currency), ends as given.
async fn drafts(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    params: Vec<PhaseParams>,
    now: Timestamp,
) -> Result<Vec<PhaseDraft>, ApiError> {
    if params.is_empty() {
        return Err(ParamError::missing("phases").into());
    }
    if params.len() > MAX_PHASES {
        return Err(
            ApiError::invalid_request(format!("A schedule can have at most {MAX_PHASES} phases.")).with_param("phases")
        );
    }
    let mut currency: Option<String> = None;
    let mut drafts = Vec::new();
    for (index, phase) in params.into_iter().enumerate() {
        let param = |field: &str| format!("phases[{index}][{field}]");
        let items = phase.items.unwrap_or_default();
        if items.is_empty() {
            return Err(ParamError::missing(&param("items")).into());
        }
        let mut phase_items = Vec::new();
        let mut cadence = None;
        for (i, item) in items.into_iter().enumerate() {
            let price_param = format!("phases[{index}][items][{i}][price]");
            let id = item.price.ok_or_else(|| ParamError::missing(&price_param))?;
            let price = super::subscriptions::recurring_price(ctx, tx, &id, &price_param).await?;
            if currency.get_or_insert_with(|| price.currency.clone()) != &price.currency {
                return Err(ApiError::invalid_request("All prices of a schedule must have the same currency.")
                    .with_param(price_param));
            }
            let quantity = item.quantity.unwrap_or(1);
            if quantity < 0 {
                return Err(ApiError::invalid_request("Invalid integer: must be at least 0.")
                    .with_param(format!("phases[{index}][items][{i}][quantity]")));
            }
            cadence.get_or_insert(price.recurring.as_ref().map(Cadence::of).expect("a recurring price"));
            let mut phase_item = PhaseItem::new(&price.id, quantity);
            phase_item.metadata = item.metadata.unwrap_or_default();
            phase_items.push(phase_item);
        }
        let ends = [phase.end_date.is_some(), phase.duration.is_some(), phase.iterations.is_some()];
        if ends.iter().filter(|e| **e).count() > 1 {
            return Err(ApiError::invalid_request(
                "You may only specify one of these parameters: end_date, duration, iterations.",
            )
            .with_param(param("end_date")));
        }
        let end = match (phase.end_date, phase.duration, phase.iterations) {
            (Some(end), _, _) => PhaseEnd::At(end.resolve(now)),
            (_, Some(duration), _) => {
                let interval = duration.interval.ok_or_else(|| ParamError::missing(&param("duration][interval")))?;
                PhaseEnd::After(schedule::duration(interval, duration.interval_count.unwrap_or(1)))
            }
            (_, _, Some(n)) if n > 0 => PhaseEnd::Iterations(n),
            (_, _, Some(_)) => {
                return Err(
                    ApiError::invalid_request("Invalid integer: must be at least 1.").with_param(param("iterations"))
                );
            }
            _ => PhaseEnd::Open,
        };
        drafts.push(PhaseDraft {
            phase: Phase {
                add_invoice_items: Vec::new(),
                application_fee_percent: None,
                billing_cycle_anchor: phase.billing_cycle_anchor,
                billing_thresholds: None,
                collection_method: phase.collection_method,
                currency: currency.clone().unwrap_or_default(),
                default_payment_method: phase.default_payment_method,
                default_tax_rates: Vec::new(),
                description: phase.description,
                discounts: Vec::new(),
                end_date: None,
                invoice_settings: None,
                items: phase_items,
                metadata: phase.metadata.unwrap_or_default(),
                on_behalf_of: None,
                proration_behavior: phase.proration_behavior.unwrap_or_default(),
                start_date: phase.start_date.map_or(0, |s| s.resolve(now)),
                transfer_data: None,
                trial_end: phase.trial_end.map(|t| t.resolve(now)),
            },
            cadence: cadence.expect("at least one item"),
            end,
        });
    }
    Ok(drafts)
}

fn laid_out(start: Timestamp, drafts: Vec<PhaseDraft>) -> Result<Vec<Phase>, ApiError> {
    schedule::lay_out(start, drafts).map_err(|e| ApiError::invalid_request(e.message).with_param(e.param))
}

/// https://docs.stripe.com/api/subscription_schedules/create
pub async fn create(ctx: Ctx, Params { params, expand }: Params<ScheduleCreate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let schedule = match params.from_subscription.clone() {
        Some(id) => from_subscription(&ctx, tx, &id, params).await?,
        None => fresh(&ctx, tx, params).await?,
    };
    respond::object(&ctx, tx, &schedule, &expand).await
}

/// A schedule of one phase, the subscription as it is until its period ends (the customer portal starts its
/// period-end changes with it).
pub async fn from_subscription(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    id: &str,
    params: ScheduleCreate,
) -> Result<SubscriptionSchedule, ApiError> {
    if params.customer.is_some()
        || params.phases.is_some()
        || params.start_date.is_some()
        || params.end_behavior.is_some()
    {
        return Err(ApiError::invalid_request(
            "You cannot set `customer`, `phases`, `start_date` or `end_behavior` when `from_subscription` is set.",
        )
        .with_param("from_subscription"));
    }
    let mut sub = tx
        .load_for_update::<Subscription>(ctx.scope(), id)
        .await?
        .ok_or_else(|| missing_reference("subscription", id, "from_subscription"))?;
    let customer = super::customers::load(ctx, tx, &sub.customer.clone(), "customer").await?;
    crate::billing::customer_now(ctx, tx, &customer).await?;
    if let Some(existing) = &sub.schedule {
        return Err(ApiError::invalid_request(format!(
            "You cannot migrate a subscription that is already attached to a schedule: `{existing}`."
        ))
        .with_param("from_subscription"));
    }
    if sub.status.is_terminal() {
        return Err(ApiError::invalid_request("A canceled subscription cannot be attached to a schedule.")
            .with_param("from_subscription"));
    }
    let phase = Phase {
        add_invoice_items: Vec::new(),
        application_fee_percent: None,
        billing_cycle_anchor: None,
        billing_thresholds: None,
        collection_method: Some(sub.collection_method),
        currency: sub.currency.clone(),
        default_payment_method: sub.default_payment_method.clone(),
        default_tax_rates: Vec::new(),
        description: sub.description.clone(),
        discounts: Vec::new(),
        end_date: sub.current_period_end(),
        invoice_settings: None,
        items: sub.items.data.iter().map(|i| PhaseItem::new(&i.price.id, i.quantity)).collect(),
        metadata: Default::default(),
        on_behalf_of: None,
        proration_behavior: Default::default(),
        start_date: sub.current_period_start().unwrap_or(sub.start_date),
        transfer_data: None,
        trial_end: sub.trial_end.filter(|end| *end > ctx.now()),
    };
    let mut schedule = new_schedule(ctx, &customer, sub.billing_mode.clone(), params.metadata, vec![phase]);
    schedule.default_settings = default_settings(sub.collection_method, sub.default_payment_method.as_deref());
    schedule.status = Status::Active;
    schedule.current_phase = schedule.phases.first().map(|p| {
        portico_core::objects::subscription_schedule::CurrentPhase { start_date: p.start_date, end_date: p.end_date }
    });
    schedule.subscription = Some(sub.id.clone());
    let before = respond::wire_json(&sub)?;
    sub.schedule = Some(schedule.id.clone());
    tx.create(ctx.scope(), &schedule).await?;
    respond::emit(ctx, tx, "subscription_schedule.created", &schedule, None).await?;
    save_subscription(ctx, tx, &sub, &before).await?;
    Ok(schedule)
}

fn new_schedule(
    ctx: &Ctx,
    customer: &portico_core::objects::Customer,
    billing_mode: BillingMode,
    metadata: Option<portico_core::metadata::Metadata>,
    phases: Vec<Phase>,
) -> SubscriptionSchedule {
    SubscriptionSchedule {
        id: ids::new_id(SubscriptionSchedule::PREFIX),
        object: SubscriptionSchedule::KIND.into(),
        application: None,
        billing_mode,
        canceled_at: None,
        completed_at: None,
        created: ctx.now(),
        current_phase: None,
        customer: customer.id.clone(),
        customer_account: None,
        default_settings: default_settings(Default::default(), None),
        end_behavior: Default::default(),
        livemode: ctx.scope().livemode,
        metadata: metadata.unwrap_or_default(),
        phases,
        released_at: None,
        released_subscription: None,
        status: Status::NotStarted,
        subscription: None,
        test_clock: customer.test_clock.clone(),
    }
}

/// A schedule for a customer, starting now (the subscription is created at once) or later.
async fn fresh(ctx: &Ctx, tx: &mut dyn Tx, params: ScheduleCreate) -> Result<SubscriptionSchedule, ApiError> {
    let customer_id = params.customer.clone().ok_or_else(|| ParamError::missing("customer"))?;
    let mut customer = super::customers::load(ctx, tx, &customer_id, "customer")
        .await
        .map_err(|_| missing_reference("customer", &customer_id, "customer"))?;
    crate::billing::customer_now(ctx, tx, &customer).await?;
    let now = ctx.now();
    let start = params.start_date.map_or(now, |s| s.resolve(now));
    let drafts = drafts(ctx, tx, params.phases.unwrap_or_default(), now).await?;
    let phases = laid_out(start, drafts)?;
    let kind = params.billing_mode.and_then(|m| m.kind).unwrap_or_default();
    let mut schedule = new_schedule(ctx, &customer, BillingMode::new(kind), params.metadata, phases);
    schedule.end_behavior = params.end_behavior.unwrap_or_default();
    if let Some(settings) = params.default_settings {
        merge(&mut schedule.default_settings, settings);
    }
    tx.create(ctx.scope(), &schedule).await?;
    respond::emit(ctx, tx, "subscription_schedule.created", &schedule, None).await?;
    if start <= now {
        schedules::advance(ctx, tx, &mut schedule, None, &mut customer).await?;
    }
    Ok(schedule)
}

fn merge(target: &mut serde_json::Value, update: serde_json::Value) {
    if let (Some(target), serde_json::Value::Object(update)) = (target.as_object_mut(), update) {
        for (key, value) in update {
            target.insert(key, value);
        }
    }
}

/// https://docs.stripe.com/api/subscription_schedules/retrieve
pub async fn retrieve(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    match tx.load::<SubscriptionSchedule>(ctx.scope(), &id).await? {
        Some(schedule) => respond::object(&ctx, &mut **tx, &schedule, &expand).await,
        None => Err(ApiError::no_such("subscription_schedule", &id, "id")),
    }
}

/// https://docs.stripe.com/api/subscription_schedules/update: `phases` restate the schedule from the current
/// phase on; a change to the current phase's items applies at once, prorated per `proration_behavior`.
pub async fn update(ctx: Ctx, Path(id): Path<String>, Params { params, expand }: Params<ScheduleUpdate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let schedule = update_schedule(&ctx, tx, &id, params).await?;
    respond::object(&ctx, tx, &schedule, &expand).await
}

/// The update's logic in the caller's transaction (the API's handler and the customer portal share it).
pub async fn update_schedule(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    id: &str,
    params: ScheduleUpdate,
) -> Result<SubscriptionSchedule, ApiError> {
    let mut schedule = load(ctx, tx, id).await?;
    let mut customer = super::customers::load(ctx, tx, &schedule.customer.clone(), "customer").await?;
    crate::billing::customer_now(ctx, tx, &customer).await?;
    if schedule.status.is_over() {
        return Err(ApiError::invalid_request(format!(
            "You cannot update a subscription schedule that is currently in the `{}` status.",
            schedule.status.as_str()
        )));
    }
    let now = ctx.now();
    let before = respond::wire(&schedule)?;
    portico_core::metadata::apply(&mut schedule.metadata, params.metadata)?;
    if let Some(behavior) = params.end_behavior {
        schedule.end_behavior = behavior;
    }
    if let Some(settings) = params.default_settings {
        merge(&mut schedule.default_settings, settings);
    }
    let mut sub = match &schedule.subscription {
        Some(sub) => tx.load_for_update::<Subscription>(ctx.scope(), sub).await?,
        None => None,
    };
    let sub_before = sub.as_ref().map(respond::wire_json).transpose()?;
    if let Some(phases) = params.phases {
        let first_start = phases.first().and_then(|p| p.start_date).map(|s| s.resolve(now));
        let start = match schedule.current_phase {
            Some(current) => {
                if first_start.is_some_and(|s| s != current.start_date) {
                    return Err(ApiError::invalid_request("You can not modify the start date of the current phase.")
                        .with_param("phases[0][start_date]"));
                }
                current.start_date
            }
            None => first_start.unwrap_or(schedule.phases[0].start_date),
        };
        let drafts = drafts(ctx, tx, phases, now).await?;
        let mut laid = laid_out(start, drafts)?;
        if let Some(proration) = params.proration_behavior {
            laid[0].proration_behavior = proration;
        }
        let current_items_changed = schedule.status == portico_core::objects::subscription_schedule::Status::Active
            && serde_json::to_value(&laid[0].items).ok() != serde_json::to_value(&schedule.phases[0].items).ok();
        schedule.phases = laid;
        if let Some(current) = schedule.current_phase.as_mut() {
            current.end_date = schedule.phases[0].end_date;
        }
        if current_items_changed && let Some(sub) = sub.as_mut() {
            let phase = schedule.phases[0].clone();
            schedules::enter(ctx, tx, sub, &mut customer, &phase).await?;
        }
    }
    if respond::wire(&schedule)? != before {
        tx.save(ctx.scope(), &schedule).await?;
        respond::emit(ctx, tx, "subscription_schedule.updated", &schedule, Some(&before)).await?;
    }
    if let (Some(sub), Some(sub_before)) = (sub, sub_before) {
        save_subscription(ctx, tx, &sub, &sub_before).await?;
    }
    Ok(schedule)
}

/// https://docs.stripe.com/api/subscription_schedules/cancel: the subscription is canceled now.
pub async fn cancel(ctx: Ctx, Path(id): Path<String>, Params { params, expand }: Params<ScheduleCancel>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let mut schedule = load(&ctx, tx, &id).await?;
    let mut customer = super::customers::load(&ctx, tx, &schedule.customer.clone(), "customer").await?;
    crate::billing::customer_now(&ctx, tx, &customer).await?;
    ensure_live(&schedule)?;
    let before = respond::wire(&schedule)?;
    schedule.status = Status::Canceled;
    schedule.canceled_at = Some(ctx.now());
    schedule.current_phase = None;
    if let Some(sub_id) = schedule.subscription.clone()
        && let Some(mut sub) = tx.load_for_update::<Subscription>(ctx.scope(), &sub_id).await?
        && !sub.status.is_terminal()
    {
        let sub_before = respond::wire_json(&sub)?;
        let (prorate, invoice_now) = (params.prorate.unwrap_or(true), params.invoice_now.unwrap_or(true));
        crate::billing::change::cancel(&ctx, tx, &mut sub, &mut customer, prorate, invoice_now).await?;
        portico_core::billing::lifecycle::cancel_now(&mut sub, ctx.now());
        save_subscription(&ctx, tx, &sub, &sub_before).await?;
    }
    tx.save(ctx.scope(), &schedule).await?;
    respond::emit(&ctx, tx, "subscription_schedule.canceled", &schedule, Some(&before)).await?;
    respond::object(&ctx, tx, &schedule, &expand).await
}

fn ensure_live(schedule: &SubscriptionSchedule) -> Result<(), ApiError> {
    if schedule.status.is_over() {
        return Err(ApiError::invalid_request(format!(
            "You cannot cancel or release a subscription schedule that is currently in the `{}` status. It must be \
             in one of the following statuses: `not_started`, `active`.",
            schedule.status.as_str()
        )));
    }
    Ok(())
}

/// https://docs.stripe.com/api/subscription_schedules/release: the subscription stays as it is, unscheduled.
pub async fn release(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<ScheduleRelease>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let mut schedule = load(&ctx, tx, &id).await?;
    let customer = super::customers::load(&ctx, tx, &schedule.customer.clone(), "customer").await?;
    crate::billing::customer_now(&ctx, tx, &customer).await?;
    ensure_live(&schedule)?;
    let _ = params.preserve_cancel_date; // Portico's schedules never set a cancel date of their own.
    let before = respond::wire(&schedule)?;
    schedule.status = Status::Released;
    schedule.released_at = Some(ctx.now());
    schedule.released_subscription = schedule.subscription.clone();
    schedule.current_phase = None;
    if let Some(sub_id) = schedule.subscription.clone()
        && let Some(mut sub) = tx.load_for_update::<Subscription>(ctx.scope(), &sub_id).await?
    {
        let sub_before = respond::wire_json(&sub)?;
        sub.schedule = None;
        save_subscription(&ctx, tx, &sub, &sub_before).await?;
    }
    tx.save(ctx.scope(), &schedule).await?;
    respond::emit(&ctx, tx, "subscription_schedule.released", &schedule, Some(&before)).await?;
    respond::object(&ctx, tx, &schedule, &expand).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {
    customer: Option<String>,
    scheduled: Option<bool>,
}

/// https://docs.stripe.com/api/subscription_schedules/list
pub async fn list(ctx: Ctx, ListParams { mut page, filters, expand }: ListParams<ListFilters>) -> ApiResult {
    page.customer = filters.customer;
    // `scheduled=true`: only schedules that have not started yet.
    if filters.scheduled == Some(true) {
        page.filters.push(portico_store::FieldFilter::eq("status", portico_store::Scalar::Str("not_started".into())));
    }
    let mut tx = ctx.tx().await;
    let (schedules, has_more) = tx.list_typed::<SubscriptionSchedule>(ctx.scope(), &page).await?;
    let url = "/v1/subscription_schedules";
    respond::list(&ctx, &mut **tx, SubscriptionSchedule::KIND, url, &schedules, has_more, &expand).await
}
