//! `POST /v1/invoices/create_preview`: https://docs.stripe.com/api/invoices/create_preview
//!
//! The invoice a subscription (or a proposed change to it) would produce, computed by the same engine
//! functions that bill it for real, on copies: nothing is written. A change that bills at once
//! (`always_invoice`, a new anchor, a trial ending) previews that invoice; otherwise the preview is the next
//! renewal with the change's prorations on it. Passing the same `proration_date` to the update makes the real
//! invoice equal the preview.

use portico_core::Timestamp;
use portico_core::billing::change::{self, Change, TrialChange};
use portico_core::billing::invoicing;
use portico_core::billing::lifecycle::{self, NewItem, Progress, Start};
use portico_core::objects::invoice::Invoice;
use portico_core::objects::subscription::{
    AnchorChange, BillingMode, ItemParams, ProrationBehavior, Subscription, TimeOrNow, TrialSettings,
};
use portico_core::{ParamError, Patch, ids};
use portico_store::{Tx, TxExt};
use serde::Deserialize;

use super::missing_reference;
use super::subscriptions::{item_changes, proration_date};
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::Params;
use crate::respond;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewParams {
    pub customer: Option<String>,
    pub subscription: Option<String>,
    pub subscription_details: Option<SubscriptionDetails>,
    /// `next` (default): the next invoice with prorations; `recurring`: the recurring lines only.
    pub preview_mode: Option<String>,
    pub currency: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionDetails {
    pub items: Option<Vec<ItemParams>>,
    pub proration_behavior: Option<ProrationBehavior>,
    pub proration_date: Option<Timestamp>,
    pub billing_cycle_anchor: Option<AnchorChange>,
    pub trial_end: Option<TimeOrNow>,
    pub cancel_now: Option<bool>,
    pub cancel_at_period_end: Option<bool>,
    #[serde(default)]
    pub default_tax_rates: Patch<Vec<String>>,
}

/// https://docs.stripe.com/api/invoices/create_preview
pub async fn create_preview(ctx: Ctx, Params { params, expand }: Params<PreviewParams>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let invoice = preview(&ctx, tx, params).await?;
    respond::object(&ctx, tx, &invoice, &expand).await
}

/// The preview's logic in the caller's transaction, writing nothing (the customer portal shares it).
pub async fn preview(ctx: &Ctx, tx: &mut dyn Tx, params: PreviewParams) -> Result<Invoice, ApiError> {
    let recurring_only = match params.preview_mode.as_deref() {
        None | Some("next") => false,
        Some("recurring") => true,
        Some(_) => {
            return Err(ApiError::invalid_request("Invalid preview_mode: must be one of next or recurring")
                .with_param("preview_mode"));
        }
    };
    let _ = params.currency; // A subscription's currency is its prices'.
    let sub = match &params.subscription {
        Some(id) => Some(
            tx.load::<Subscription>(ctx.scope(), id)
                .await?
                .ok_or_else(|| missing_reference("subscription", id, "subscription"))?,
        ),
        None => None,
    };
    let customer_id = match (&params.customer, &sub) {
        (Some(customer), Some(sub)) if customer != &sub.customer => {
            return Err(ApiError::invalid_request(format!(
                "The subscription `{}` does not belong to the customer `{customer}`.",
                sub.id
            ))
            .with_param("subscription"));
        }
        (Some(customer), _) => customer.clone(),
        (None, Some(sub)) => sub.customer.clone(),
        (None, None) => return Err(ParamError::missing("customer").into()),
    };
    let customer = super::customers::load(ctx, tx, &customer_id, "customer")
        .await
        .map_err(|_| missing_reference("customer", &customer_id, "customer"))?;
    crate::billing::customer_now(ctx, tx, &customer).await?;
    let details = params.subscription_details.unwrap_or_default();
    let mut invoice = match sub {
        Some(sub) => preview_change(ctx, tx, sub, &customer, details, recurring_only).await?,
        None => preview_new(ctx, tx, &customer, details).await?,
    };
    // What the customer's balance would do to it, as finalization will.
    invoice.starting_balance = customer.balance;
    invoicing::recompute(&mut invoice);
    let id = format!("upcoming_{}", ids::new_id("in"));
    for line in &mut invoice.lines.data {
        line.invoice = Some(id.clone());
    }
    invoice.lines.url = format!("/v1/invoices/{id}/lines");
    invoice.id = id;
    Ok(invoice)
}

async fn preview_change(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    mut sub: Subscription,
    customer: &portico_core::objects::Customer,
    details: SubscriptionDetails,
    recurring_only: bool,
) -> Result<Invoice, ApiError> {
    if sub.status.is_terminal() {
        return Err(
            ApiError::invalid_request("A canceled subscription has no upcoming invoice.").with_param("subscription")
        );
    }
    let now = ctx.now();
    let mut pending = if sub.engine.has_pending_items && !recurring_only {
        crate::billing::due::pending_items(ctx, tx, customer, &sub.id).await?
    } else {
        Vec::new()
    };
    let names_for = |sub: &Subscription| sub.items.data.iter().map(|i| i.price.clone()).collect::<Vec<_>>();
    if details.cancel_now == Some(true) {
        let prices = names_for(&sub);
        let names = crate::billing::product_names(ctx, tx, prices.iter()).await?;
        let prorate = details.proration_behavior != Some(ProrationBehavior::None);
        let discounts = crate::billing::change::discount_terms(ctx, tx, &sub).await?;
        let how = change::CancelNow { prorate, invoice_now: true, now };
        let cancellation = change::cancel(&mut sub, customer, &names, pending, how, &discounts);
        let mut invoice = cancellation
            .invoice
            .ok_or_else(|| ApiError::invalid_request("Cancelling this subscription now would bill nothing."))?;
        let billed: Vec<_> = cancellation.credits.iter().chain(&cancellation.swept).cloned().collect();
        crate::billing::discounts::apply_to_subscription_invoice(ctx, tx, &mut sub, &mut invoice, &billed).await?;
        return Ok(invoice);
    }
    if let Some(at_period_end) = details.cancel_at_period_end {
        sub.cancel_at_period_end = at_period_end;
    }
    let changes = details.items.is_some()
        || details.billing_cycle_anchor == Some(AnchorChange::Now)
        || details.trial_end.is_some();
    if changes {
        let change = Change {
            items: item_changes(ctx, tx, &sub, details.items.unwrap_or_default()).await?,
            proration: details.proration_behavior.unwrap_or_default(),
            proration_date: proration_date(&sub, details.proration_date, details.proration_behavior)?,
            anchor_now: details.billing_cycle_anchor == Some(AnchorChange::Now),
            trial: match details.trial_end {
                Some(TimeOrNow::Now) => Some(TrialChange::EndNow),
                Some(TimeOrNow::At(end)) if end > now => Some(TrialChange::Until(end)),
                _ => None,
            },
            now,
        };
        let mut prices = names_for(&sub);
        for entry in &change.items {
            match entry {
                change::ItemChange::Update { price: Some(price), .. } => prices.push(price.clone()),
                change::ItemChange::Add(NewItem { price, .. }) => prices.push(price.clone()),
                _ => {}
            }
        }
        let names = crate::billing::product_names(ctx, tx, prices.iter()).await?;
        let discounts = crate::billing::change::discount_terms(ctx, tx, &sub).await?;
        let changed = change::apply(&mut sub, customer, change, &names, pending.clone(), &discounts).map_err(|e| {
            ApiError::invalid_request(e.message).with_param(format!("subscription_details[{}]", e.param))
        })?;
        if let Some(mut invoice) = changed.invoice {
            let billed: Vec<_> = changed.prorations.iter().chain(&changed.swept).cloned().collect();
            crate::billing::discounts::apply_to_subscription_invoice(ctx, tx, &mut sub, &mut invoice, &billed).await?;
            return Ok(invoice);
        }
        if !recurring_only {
            pending.extend(changed.prorations);
        }
    }
    let Some(period_end) = sub.current_period_end() else {
        return Err(ApiError::invalid_request("This subscription has no upcoming invoice."));
    };
    let names = crate::billing::product_names(ctx, tx, names_for(&sub).iter()).await?;
    match lifecycle::process_due(&mut sub, customer, pending, &names, true, period_end.max(now)) {
        Progress::Renewed { mut invoice, swept } => {
            crate::billing::discounts::apply_to_subscription_invoice(ctx, tx, &mut sub, &mut invoice, &swept).await?;
            Ok(*invoice)
        }
        _ => Err(ApiError::invalid_request(
            "This subscription will not be invoiced again (it ends or pauses at the end of its period).",
        )
        .with_param("subscription")),
    }
}

/// The first invoice of a subscription `subscription_details[items]` would start now.
async fn preview_new(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    customer: &portico_core::objects::Customer,
    details: SubscriptionDetails,
) -> Result<Invoice, ApiError> {
    let items = details.items.unwrap_or_default();
    if items.is_empty() {
        return Err(ParamError::missing("subscription_details[items]").into());
    }
    let mut new_items = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let param = format!("subscription_details[items][{index}][price]");
        let id = item.price.ok_or_else(|| ParamError::missing(&param))?;
        let price = super::subscriptions::recurring_price(ctx, tx, &id, &param).await?;
        new_items.push(NewItem {
            price,
            quantity: item.quantity.unwrap_or(1),
            metadata: Default::default(),
            tax_rates: Vec::new(),
        });
    }
    let _ = details.default_tax_rates;
    let names = crate::billing::product_names(ctx, tx, new_items.iter().map(|i| &i.price)).await?;
    let now = ctx.now();
    let trial_end = match details.trial_end {
        Some(TimeOrNow::At(end)) if end > now => Some(end),
        _ => None,
    };
    let (_, invoice) = lifecycle::start(
        Start {
            customer,
            items: new_items,
            trial_end,
            billing_cycle_anchor: None,
            collection_method: Default::default(),
            days_until_due: None,
            default_payment_method: None,
            default_tax_rates: Vec::new(),
            billing_mode: BillingMode::new(Default::default()),
            cancel_at: None,
            cancel_at_period_end: false,
            description: None,
            metadata: Default::default(),
            trial_settings: TrialSettings::default(),
            livemode: ctx.scope().livemode,
            now,
        },
        &names,
    );
    Ok(invoice)
}
