//! Subscriptions: https://docs.stripe.com/api/subscriptions
//!
//! Create bills the first period at once (finalize + collect per `payment_behavior`); renewals, trial ends,
//! retries and `cancel_at` happen in `crate::billing::due` when they fall due.

use axum::extract::Path;
use portico_core::Timestamp;
use portico_core::billing::change::{Change, ItemChange, TrialChange};
use portico_core::billing::lifecycle::{self, NewItem, Start};
use portico_core::objects::price::{Price, PriceType};
use portico_core::objects::subscription::{
    AnchorChange, BillingMode, BillingModeType, CollectionMethod, ItemParams, PauseCollection, PauseCollectionParams,
    ProrationBehavior, Status, Subscription, SubscriptionCancel, SubscriptionCreate, SubscriptionUpdate, TimeOrNow,
    TrialSettings,
};
use portico_core::objects::{Object, TaxRate};
use portico_core::{ParamCode, ParamError, Patch};
use portico_store::{FieldFilter, Scalar, Tx, TxExt};
use serde::Deserialize;

use super::missing_reference;
use crate::billing::discounts;
use crate::billing::due::save_subscription;
use crate::billing::{collect, subscribe};
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, NoParams, Params};
use crate::respond;

const MAX_ITEMS: usize = 20;

async fn load(ctx: &Ctx, tx: &mut dyn Tx, id: &str) -> Result<Subscription, ApiError> {
    tx.load_for_update::<Subscription>(ctx.scope(), id)
        .await?
        .ok_or_else(|| ApiError::no_such("subscription", id, "id"))
}

/// A subscription loaded for update with its customer, the request's time moved to the customer's clock.
pub(crate) async fn load_for_change(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    id: &str,
) -> Result<(Subscription, portico_core::objects::Customer), ApiError> {
    let sub = load(ctx, tx, id).await?;
    let customer = super::customers::load(ctx, tx, &sub.customer, "customer").await?;
    crate::billing::customer_now(ctx, tx, &customer).await?;
    Ok((sub, customer))
}

async fn tax_rates(ctx: &Ctx, tx: &mut dyn Tx, ids: Patch<Vec<String>>, param: &str) -> Result<Vec<TaxRate>, ApiError> {
    let mut rates = Vec::new();
    if let Patch::Set(ids) = ids {
        for (index, id) in ids.iter().enumerate() {
            rates.push(super::tax_rates::load_active(ctx, tx, id, &format!("{param}[{index}]")).await?);
        }
    }
    Ok(rates)
}

/// A recurring, active price of the subscription's currency.
pub(crate) async fn recurring_price(ctx: &Ctx, tx: &mut dyn Tx, id: &str, param: &str) -> Result<Price, ApiError> {
    let price = tx.load::<Price>(ctx.scope(), id).await?.ok_or_else(|| missing_reference("price", id, param))?;
    if !price.active {
        return Err(ApiError::invalid_request(format!(
            "The price specified ({id}) is inactive. This field only accepts active prices."
        ))
        .with_param(param));
    }
    if price.kind != PriceType::Recurring {
        return Err(ApiError::invalid_request(format!(
            "The price specified ({id}) is not a recurring price. Subscription items only accept recurring prices; \
             use `add_invoice_items` for one-time prices."
        ))
        .with_param(param));
    }
    Ok(price)
}

/// https://docs.stripe.com/api/subscriptions/create
pub async fn create(ctx: Ctx, Params { params, expand }: Params<SubscriptionCreate>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let customer_id = params.customer.clone().ok_or_else(|| ParamError::missing("customer"))?;
    let mut customer = super::customers::load(&ctx, tx, &customer_id, "customer")
        .await
        .map_err(|_| missing_reference("customer", &customer_id, "customer"))?;
    crate::billing::customer_now(&ctx, tx, &customer).await?;
    let now = ctx.now();
    let item_params = params.items.unwrap_or_default();
    if item_params.is_empty() {
        return Err(ParamError::missing("items").into());
    }
    if item_params.len() > MAX_ITEMS {
        return Err(ApiError::invalid_request(format!("A subscription can have at most {MAX_ITEMS} items."))
            .with_param("items"));
    }
    let mut items = Vec::new();
    for (index, item) in item_params.into_iter().enumerate() {
        let param = format!("items[{index}][price]");
        let price_id = item.price.clone().ok_or_else(|| ParamError::missing(&param))?;
        let price = recurring_price(&ctx, tx, &price_id, &param).await?;
        if let Some(first) = items.first().map(|i: &NewItem| &i.price)
            && first.currency != price.currency
        {
            return Err(ApiError::invalid_request("All prices on a subscription must have the same currency.")
                .with_param(param));
        }
        let quantity = item.quantity.unwrap_or(1);
        if quantity < 0 {
            return Err(ParamError::new(
                ParamCode::InvalidRequest,
                format!("items[{index}][quantity]"),
                "Invalid integer: must be at least 0.",
            )
            .into());
        }
        let rates = tax_rates(&ctx, tx, item.tax_rates, &format!("items[{index}][tax_rates]")).await?;
        items.push(NewItem { price, quantity, metadata: item.metadata.unwrap_or_default(), tax_rates: rates });
    }
    let collection_method = params.collection_method.unwrap_or_default();
    if collection_method == CollectionMethod::SendInvoice && params.days_until_due.is_none() {
        return Err(ApiError::invalid_request("Missing required param: days_until_due.").with_param("days_until_due"));
    }
    if collection_method == CollectionMethod::ChargeAutomatically && params.days_until_due.is_some() {
        return Err(ApiError::invalid_request(
            "`days_until_due` can only be set when `collection_method` is `send_invoice`.",
        )
        .with_param("days_until_due"));
    }
    if let Some(pm) = &params.default_payment_method {
        super::customers::check_payment_method_owner(&ctx, tx, &customer.id, pm, "default_payment_method").await?;
    }
    if params.trial_end.is_some() && params.trial_period_days.is_some() {
        return Err(ApiError::invalid_request(
            "You may only specify one of these parameters: trial_end, trial_period_days.",
        )
        .with_param("trial_end"));
    }
    let trial_end = match (params.trial_end, params.trial_period_days) {
        (Some(end), _) => {
            let end = end.resolve(now);
            if end < now {
                return Err(
                    ApiError::invalid_request("Invalid timestamp: must be in the future.").with_param("trial_end")
                );
            }
            Some(end)
        }
        (None, Some(days)) if days > 0 => Some(now + days * 86_400),
        (None, Some(0)) => None,
        (None, Some(_)) => {
            return Err(
                ApiError::invalid_request("Invalid integer: must be at least 0.").with_param("trial_period_days")
            );
        }
        (None, None) if params.trial_from_plan == Some(true) => items
            .iter()
            .filter_map(|i| i.price.recurring.as_ref().and_then(|r| r.trial_period_days))
            .max()
            .map(|days| now + days * 86_400),
        _ => None,
    };
    if let Some(anchor) = params.billing_cycle_anchor
        && anchor < now
    {
        return Err(ApiError::invalid_request("`billing_cycle_anchor` cannot be in the past.")
            .with_param("billing_cycle_anchor"));
    }
    let default_tax_rates = tax_rates(&ctx, tx, params.default_tax_rates, "default_tax_rates").await?;
    let mut metadata = Default::default();
    portico_core::metadata::apply(&mut metadata, params.metadata.map_or(Patch::Absent, Patch::Set))?;
    let mut trial_settings = TrialSettings::default();
    if let Some(behavior) = params.trial_settings.and_then(|s| s.end_behavior).and_then(|b| b.missing_payment_method) {
        if !matches!(behavior.as_str(), "cancel" | "create_invoice" | "pause") {
            return Err(ApiError::invalid_request("Invalid trial_settings[end_behavior][missing_payment_method]: must be one of cancel, create_invoice, or pause").with_param("trial_settings[end_behavior][missing_payment_method]"));
        }
        trial_settings.end_behavior.missing_payment_method = behavior;
    }
    let billing_mode = BillingMode::new(params.billing_mode.and_then(|m| m.kind).unwrap_or_default());
    let payment_behavior = params.payment_behavior.unwrap_or_default();
    let names = crate::billing::product_names(&ctx, tx, items.iter().map(|i| &i.price)).await?;
    let currency = items.first().map(|i| i.price.currency.clone()).unwrap_or_default();
    let discounts = discounts::for_new_subscription(&ctx, tx, params.discounts, &customer, &currency).await?;
    let (mut sub, mut invoice) = lifecycle::start(
        Start {
            customer: &customer,
            items,
            trial_end,
            billing_cycle_anchor: params.billing_cycle_anchor,
            collection_method,
            days_until_due: params.days_until_due,
            default_payment_method: params.default_payment_method,
            default_tax_rates,
            billing_mode,
            cancel_at: params.cancel_at,
            cancel_at_period_end: params.cancel_at_period_end.unwrap_or(false),
            description: params.description,
            metadata,
            trial_settings,
            livemode: ctx.scope().livemode,
            now,
        },
        &names,
    );
    discounts::attach_to_new_subscription(&ctx, tx, discounts, &mut sub, &mut invoice).await?;
    let off_session = params.off_session.unwrap_or(false);
    let sub = subscribe::begin(&ctx, tx, &mut customer, sub, invoice, payment_behavior, off_session).await?;
    respond::object(&ctx, tx, &sub, &expand).await
}

/// https://docs.stripe.com/api/subscriptions/retrieve
pub async fn retrieve(ctx: Ctx, Path(id): Path<String>, Params { expand, .. }: Params<NoParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    match tx.load::<Subscription>(ctx.scope(), &id).await? {
        Some(sub) => respond::object(&ctx, &mut **tx, &sub, &expand).await,
        None => Err(ApiError::no_such("subscription", &id, "id")),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListFilters {
    customer: Option<String>,
    price: Option<String>,
    status: Option<String>,
    collection_method: Option<CollectionMethod>,
    test_clock: Option<String>,
}

const STATUSES: &[&str] = &[
    "active",
    "all",
    "canceled",
    "ended",
    "incomplete",
    "incomplete_expired",
    "past_due",
    "paused",
    "trialing",
    "unpaid",
];

/// https://docs.stripe.com/api/subscriptions/list: without `status`, canceled subscriptions are left out.
pub async fn list(ctx: Ctx, ListParams { mut page, filters, expand }: ListParams<ListFilters>) -> ApiResult {
    page.customer = filters.customer;
    let status = filters.status.unwrap_or_default();
    if !status.is_empty() && !STATUSES.contains(&status.as_str()) {
        return Err(ApiError::invalid_request(format!("Invalid status: must be one of {}", STATUSES.join(", ")))
            .with_param("status"));
    }
    match status.as_str() {
        "" | "all" | "ended" => {}
        status => page.filters.push(FieldFilter::eq("status", Scalar::Str(status.to_owned()))),
    }
    if let Some(method) = filters.collection_method {
        page.filters.push(FieldFilter::eq("collection_method", Scalar::Str(method.as_str().into())));
    }
    if let Some(clock) = filters.test_clock {
        page.filters.push(FieldFilter::eq("test_clock", Scalar::Str(clock)));
    }
    let keep = |sub: &Subscription| -> bool {
        let by_status = match status.as_str() {
            "" => sub.status != Status::Canceled && sub.status != Status::IncompleteExpired,
            "ended" => sub.status.is_terminal(),
            _ => true,
        };
        by_status && filters.price.as_ref().is_none_or(|p| sub.items.data.iter().any(|i| &i.price.id == p))
    };
    let mut tx = ctx.tx().await;
    // Status and price filters that JSON containment cannot express are applied page by page.
    let limit = page.limit as usize;
    let mut found = Vec::new();
    let mut has_more;
    loop {
        let (subs, more) = tx.list_typed::<Subscription>(ctx.scope(), &page).await?;
        has_more = more;
        let last = subs.last().map(|s| s.id.clone());
        for sub in subs {
            if found.len() == limit {
                has_more = true;
                break;
            }
            if keep(&sub) {
                found.push(sub);
            }
        }
        if found.len() >= limit || !more {
            break;
        }
        page.starting_after = last;
        page.ending_before = None;
    }
    respond::list(&ctx, &mut **tx, Subscription::KIND, "/v1/subscriptions", &found, has_more, &expand).await
}

/// https://docs.stripe.com/api/subscriptions/update
pub async fn update(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<SubscriptionUpdate>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let sub = update_subscription(&ctx, tx, &id, params).await?;
    respond::object(&ctx, tx, &sub, &expand).await
}

/// The update's logic in the caller's transaction (the API's handler and the customer portal share it).
pub async fn update_subscription(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    id: &str,
    params: SubscriptionUpdate,
) -> Result<Subscription, ApiError> {
    let (mut sub, mut customer) = load_for_change(ctx, tx, id).await?;
    let now = ctx.now();
    if sub.status.is_terminal() {
        return Err(ApiError::invalid_request(
            "A canceled subscription can only update its cancellation_details and metadata.",
        ));
    }
    let changes_items =
        params.items.is_some() || params.billing_cycle_anchor == Some(AnchorChange::Now) || params.trial_end.is_some();
    if sub.status == Status::Incomplete && changes_items {
        return Err(ApiError::invalid_request(
            "An incomplete subscription can only update its metadata and default payment method until its first \
             invoice is paid.",
        ));
    }
    if sub.engine.pending.is_some() && changes_items {
        return Err(ApiError::invalid_request(
            "This subscription has a pending update; pay or let expire its latest invoice before updating it again.",
        ));
    }
    let before = respond::wire_json(&sub)?;
    portico_core::metadata::apply(&mut sub.metadata, params.metadata)?;
    params.description.apply_to(&mut sub.description);
    if let Patch::Set(pm) = &params.default_payment_method {
        super::customers::check_payment_method_owner(ctx, tx, &sub.customer, pm, "default_payment_method").await?;
    }
    params.default_payment_method.apply_to(&mut sub.default_payment_method);
    if let Some(method) = params.collection_method {
        sub.collection_method = method;
    }
    if let Some(days) = params.days_until_due {
        sub.days_until_due = Some(days);
    }
    if let Some(at_period_end) = params.cancel_at_period_end {
        sub.cancel_at_period_end = at_period_end;
        sub.cancel_at = if at_period_end { sub.current_period_end() } else { None };
        sub.canceled_at = at_period_end.then_some(now);
        if !at_period_end {
            sub.cancellation_details = Default::default();
        }
    }
    match params.cancel_at {
        Patch::Set(at) => {
            if at <= now {
                return Err(ApiError::invalid_request("`cancel_at` must be in the future.").with_param("cancel_at"));
            }
            sub.cancel_at = Some(at);
            sub.canceled_at = Some(now);
            // Flexible billing mode keeps `cancel_at` where it was set and says nothing of the period (spec 3.4).
            sub.cancel_at_period_end =
                sub.billing_mode.kind == BillingModeType::Classic && sub.current_period_end() == Some(at);
            lifecycle::trial_before_cancel_at(&mut sub);
        }
        Patch::Clear => {
            sub.cancel_at = None;
            sub.canceled_at = None;
            sub.cancel_at_period_end = false;
        }
        Patch::Absent => {}
    }
    if let Some(details) = params.cancellation_details {
        details.comment.apply_to(&mut sub.cancellation_details.comment);
        details.feedback.apply_to(&mut sub.cancellation_details.feedback);
    }
    match params.pause_collection {
        Patch::Set(pause) => sub.pause_collection = Some(pause_collection(pause, now)?),
        Patch::Clear => sub.pause_collection = None,
        Patch::Absent => {}
    }
    discounts::replace_on_subscription(ctx, tx, params.discounts, &mut sub, &customer).await?;
    if changes_items {
        let change = Change {
            items: item_changes(ctx, tx, &sub, params.items.unwrap_or_default()).await?,
            proration: params.proration_behavior.unwrap_or_default(),
            proration_date: proration_date(&sub, params.proration_date, params.proration_behavior)?,
            anchor_now: params.billing_cycle_anchor == Some(AnchorChange::Now),
            trial: match params.trial_end {
                Some(TimeOrNow::Now) => Some(TrialChange::EndNow),
                Some(TimeOrNow::At(end)) if end > now => Some(TrialChange::Until(end)),
                Some(TimeOrNow::At(_)) => {
                    return Err(
                        ApiError::invalid_request("Invalid timestamp: must be in the future.").with_param("trial_end")
                    );
                }
                None => None,
            },
            now,
        };
        let behavior = params.payment_behavior.unwrap_or_default();
        let off_session = params.off_session.unwrap_or(false);
        crate::billing::change::apply(ctx, tx, &mut sub, &mut customer, change, behavior, off_session).await?;
    }
    save_subscription(ctx, tx, &sub, &before).await?;
    Ok(sub)
}

/// `pause_collection`: renewals keep coming but are not collected until `resumes_at` (or until cleared).
fn pause_collection(params: PauseCollectionParams, now: Timestamp) -> Result<PauseCollection, ApiError> {
    let behavior = params.behavior.ok_or_else(|| ParamError::missing("pause_collection[behavior]"))?;
    if !matches!(behavior.as_str(), "keep_as_draft" | "mark_uncollectible" | "void") {
        return Err(ApiError::invalid_request(
            "Invalid pause_collection[behavior]: must be one of keep_as_draft, mark_uncollectible, or void",
        )
        .with_param("pause_collection[behavior]"));
    }
    if params.resumes_at.is_some_and(|at| at <= now) {
        return Err(ApiError::invalid_request("`pause_collection[resumes_at]` must be in the future.")
            .with_param("pause_collection[resumes_at]"));
    }
    Ok(PauseCollection { behavior, resumes_at: params.resumes_at })
}

/// `items[]` of an update as engine changes: prices loaded and checked, quantities checked.
pub(crate) async fn item_changes(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    sub: &Subscription,
    params: Vec<ItemParams>,
) -> Result<Vec<ItemChange>, ApiError> {
    if sub.items.data.len() + params.iter().filter(|i| i.id.is_none()).count() > MAX_ITEMS {
        return Err(ApiError::invalid_request(format!("A subscription can have at most {MAX_ITEMS} items."))
            .with_param("items"));
    }
    let mut changes = Vec::new();
    for (index, item) in params.into_iter().enumerate() {
        let param = |field: &str| format!("items[{index}][{field}]");
        if let Some(quantity) = item.quantity
            && quantity < 0
        {
            return Err(ParamError::new(
                ParamCode::InvalidRequest,
                param("quantity"),
                "Invalid integer: must be at least 0.",
            )
            .into());
        }
        let price = match &item.price {
            Some(id) => Some(recurring_price(ctx, tx, id, &param("price")).await?),
            None => None,
        };
        let tax_rates = match item.tax_rates {
            Patch::Absent => None,
            rates => Some(tax_rates(ctx, tx, rates, &param("tax_rates")).await?),
        };
        changes.push(match (item.id, item.deleted.unwrap_or(false)) {
            (Some(id), true) => ItemChange::Delete { id },
            (Some(id), false) => ItemChange::Update { id, price, quantity: item.quantity, tax_rates },
            (None, true) => return Err(ParamError::missing(&param("id")).into()),
            (None, false) => {
                let price = price.ok_or_else(|| ParamError::missing(&param("price")))?;
                ItemChange::Add(NewItem {
                    price,
                    quantity: item.quantity.unwrap_or(1),
                    metadata: item.metadata.unwrap_or_default(),
                    tax_rates: tax_rates.unwrap_or_default(),
                })
            }
        });
    }
    Ok(changes)
}

/// `proration_date` must fall inside the current period (spec 4.9) and means nothing without prorations.
pub(crate) fn proration_date(
    sub: &Subscription,
    date: Option<Timestamp>,
    behavior: Option<ProrationBehavior>,
) -> Result<Option<Timestamp>, ApiError> {
    let Some(date) = date else { return Ok(None) };
    if behavior == Some(ProrationBehavior::None) {
        return Err(ApiError::invalid_request("`proration_date` cannot be used when `proration_behavior` is `none`.")
            .with_param("proration_date"));
    }
    let (start, end) = (sub.current_period_start().unwrap_or(0), sub.current_period_end().unwrap_or(0));
    if date < start || date > end {
        return Err(ApiError::invalid_request(format!(
            "`proration_date` must be within the current period of the subscription ({start} to {end})."
        ))
        .with_param("proration_date"));
    }
    Ok(Some(date))
}

/// https://docs.stripe.com/api/subscriptions/cancel
pub async fn cancel(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<SubscriptionCancel>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let sub = cancel_subscription(&ctx, tx, &id, params).await?;
    respond::object(&ctx, tx, &sub, &expand).await
}

/// The cancellation's logic in the caller's transaction (the API's handler and the customer portal share it).
pub async fn cancel_subscription(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    id: &str,
    params: SubscriptionCancel,
) -> Result<Subscription, ApiError> {
    let (mut sub, mut customer) = load_for_change(ctx, tx, id).await?;
    if sub.status.is_terminal() {
        return Err(ApiError::invalid_request(format!("No such subscription: '{id}'")).with_param("id"));
    }
    let before = respond::wire_json(&sub)?;
    if let Some(details) = params.cancellation_details {
        details.comment.apply_to(&mut sub.cancellation_details.comment);
        details.feedback.apply_to(&mut sub.cancellation_details.feedback);
    }
    let was_incomplete = sub.status == Status::Incomplete;
    crate::billing::change::cancel(
        ctx,
        tx,
        &mut sub,
        &mut customer,
        params.prorate.unwrap_or(false),
        params.invoice_now.unwrap_or(false),
    )
    .await?;
    lifecycle::cancel_now(&mut sub, ctx.now());
    // An incomplete subscription's open first invoice goes with it.
    if was_incomplete {
        collect::void_latest_invoice(ctx, tx, &sub).await?;
    }
    save_subscription(ctx, tx, &sub, &before).await?;
    Ok(sub)
}
