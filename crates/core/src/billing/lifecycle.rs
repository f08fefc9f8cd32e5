//! The subscription state machine (spec 4.6–4.8): start, renewals, trial ends, cancellation, expiry of
//! incomplete subscriptions, and the effect of its invoices' outcomes. Every function takes `now`; the API,
//! the wall-clock scheduler and test clocks call the same ones.

use std::collections::BTreeMap;

use serde_json::json;

use super::invoicing::{self, DRAFT_WINDOW, DunningOutcome, NewInvoice};
use super::period::{Cadence, civil_from_days};
use super::{money, pricing};
use crate::Timestamp;
use crate::objects::customer::Customer;
use crate::objects::invoice::{Invoice, LineItem, Period};
use crate::objects::price::{BillingScheme, Price};
use crate::objects::subscription::{
    BillingMode, BillingModeType, CancellationDetails, CollectionMethod, Items, Status, Subscription, SubscriptionItem,
    TrialSettings, plan_of,
};
use crate::objects::{InvoiceItem, TaxRate};
use crate::{ids, metadata::Metadata};

/// `customer.subscription.trial_will_end` comes this long before a trial ends.
pub const TRIAL_WILL_END_NOTICE: Timestamp = 3 * 86_400;

/// An `incomplete` subscription whose first invoice is unpaid this long after creation expires.
pub const INCOMPLETE_EXPIRY: Timestamp = 23 * 3600;

/// Product names by id, for line descriptions.
pub type ProductNames = BTreeMap<String, String>;

pub struct NewItem {
    pub price: Price,
    pub quantity: i64,
    pub metadata: Metadata,
    pub tax_rates: Vec<TaxRate>,
}

/// A validated `POST /v1/subscriptions`.
pub struct Start<'a> {
    pub customer: &'a Customer,
    pub items: Vec<NewItem>,
    pub trial_end: Option<Timestamp>,
    pub billing_cycle_anchor: Option<Timestamp>,
    pub collection_method: CollectionMethod,
    pub days_until_due: Option<i64>,
    pub default_payment_method: Option<String>,
    pub default_tax_rates: Vec<TaxRate>,
    pub billing_mode: BillingMode,
    pub cancel_at: Option<Timestamp>,
    pub cancel_at_period_end: bool,
    pub description: Option<String>,
    pub metadata: Metadata,
    pub trial_settings: TrialSettings,
    pub livemode: bool,
    pub now: Timestamp,
}

/// The new subscription and its first invoice (a draft: the caller finalizes and collects it at once).
pub fn start(start: Start, names: &ProductNames) -> (Subscription, Invoice) {
    let now = start.now;
    let id = ids::new_id("sub");
    let trial_end = start.trial_end.filter(|t| *t > now);
    let anchor = start.billing_cycle_anchor.or(trial_end).unwrap_or(now);
    let currency = start.items.first().map(|i| i.price.currency.clone()).unwrap_or_default();
    let items: Vec<SubscriptionItem> = start
        .items
        .into_iter()
        .map(|item| {
            let end = match trial_end {
                Some(end) => end,
                None => cadence(&item.price).next_after(anchor, now),
            };
            new_item(&id, item, Period { start: now, end }, now)
        })
        .collect();
    let mut subscription = Subscription {
        items: Items::new(format!("/v1/subscription_items?subscription={id}"), items),
        id,
        object: "subscription".into(),
        application: None,
        application_fee_percent: None,
        automatic_tax: json!({ "disabled_reason": null, "enabled": false, "liability": null }),
        billing_cycle_anchor: anchor,
        billing_cycle_anchor_config: None,
        billing_mode: start.billing_mode,
        billing_schedules: Vec::new(),
        billing_thresholds: None,
        cancel_at: start.cancel_at,
        cancel_at_period_end: start.cancel_at_period_end,
        canceled_at: None,
        cancellation_details: CancellationDetails::default(),
        collection_method: start.collection_method,
        created: now,
        currency,
        customer: start.customer.id.clone(),
        customer_account: None,
        days_until_due: start.days_until_due,
        default_payment_method: start.default_payment_method,
        default_source: None,
        default_tax_rates: start.default_tax_rates,
        description: start.description,
        discounts: Vec::new(),
        ended_at: None,
        invoice_settings: json!({ "account_tax_ids": null, "issuer": { "type": "self" } }),
        latest_invoice: None,
        livemode: start.livemode,
        metadata: start.metadata,
        next_pending_invoice_item_invoice: None,
        on_behalf_of: None,
        pause_collection: None,
        payment_settings: json!({ "payment_method_options": null, "payment_method_types": null, "save_default_payment_method": "off" }),
        pending_invoice_item_interval: None,
        pending_setup_intent: None,
        pending_update: None,
        schedule: None,
        start_date: now,
        status: if trial_end.is_some() { Status::Trialing } else { Status::Incomplete },
        test_clock: start.customer.test_clock.clone(),
        transfer_data: None,
        trial_end,
        trial_settings: start.trial_settings,
        trial_start: trial_end.map(|_| now),
        engine: Default::default(),
    };
    if start.cancel_at_period_end {
        subscription.canceled_at = Some(now);
    }
    let lines = period_lines(&subscription, names, trial_end.is_some(), Some(anchor));
    let at_start = Period { start: now, end: now };
    let invoice = new_invoice(&subscription, start.customer, "subscription_create", at_start, lines, now);
    subscription.latest_invoice = Some(invoice.id.clone());
    (subscription, invoice)
}

/// A subscription item billing `period` from `now`.
pub(super) fn new_item(subscription: &str, item: NewItem, period: Period, now: Timestamp) -> SubscriptionItem {
    SubscriptionItem {
        id: ids::new_id("si"),
        object: "subscription_item".into(),
        billing_thresholds: None,
        created: now,
        current_period_end: period.end,
        current_period_start: period.start,
        discounts: Vec::new(),
        metadata: item.metadata,
        plan: plan_of(&item.price),
        price: item.price,
        quantity: item.quantity,
        subscription: subscription.to_owned(),
        tax_rates: item.tax_rates,
    }
}

pub(super) fn cadence(price: &Price) -> Cadence {
    price.recurring.as_ref().map(Cadence::of).unwrap_or(Cadence::new(crate::objects::price::Interval::Month, 1))
}

/// The lines billing every item for its current period. With a `billing_cycle_anchor` ahead of the start,
/// the first period is a stub and is charged in proportion (Stripe's default `create_prorations`).
pub(super) fn period_lines(
    sub: &Subscription,
    names: &ProductNames,
    trial: bool,
    anchor: Option<Timestamp>,
) -> Vec<LineItem> {
    sub.items
        .data
        .iter()
        .flat_map(|item| {
            let period = Period { start: item.current_period_start, end: item.current_period_end };
            let name = names.get(&item.price.product).map(String::as_str).unwrap_or("Subscription");
            if trial {
                let description = format!("Trial period for {name}");
                return vec![invoicing::subscription_line(
                    &sub.id,
                    item,
                    0,
                    description,
                    period,
                    false,
                    &sub.default_tax_rates,
                    sub.livemode,
                )];
            }
            let full = item.amount();
            let cadence = cadence(&item.price);
            let (amount, proration) = match anchor {
                Some(anchor) if anchor > period.start => {
                    let (start, end) = cadence.period_containing(anchor, period.start);
                    (super::proration::remaining_share(full, start, end, period.start), true)
                }
                _ => (full, false),
            };
            let line = |amount, description| {
                invoicing::subscription_line(
                    &sub.id,
                    item,
                    amount,
                    description,
                    period,
                    proration,
                    &sub.default_tax_rates,
                    sub.livemode,
                )
            };
            if proration {
                return vec![line(
                    amount,
                    format!("Remaining time on {} × {name} after {}", item.quantity, date(period.start)),
                )];
            }
            if item.price.billing_scheme != BillingScheme::Tiered {
                return vec![line(amount, describe(item, name))];
            }
            // A tiered price bills each tier's units and flat fee as lines of their own, as Stripe's invoices do.
            pricing::charges(&item.price, item.quantity)
                .into_iter()
                .map(|charge| {
                    let mut tier_line = line(charge.amount, describe_tier(item, name, &charge));
                    tier_line.quantity = Some(charge.quantity);
                    tier_line.quantity_decimal = Some(charge.quantity.to_string());
                    tier_line.pricing["unit_amount_decimal"] = charge.rate.text().into();
                    tier_line
                })
                .collect()
        })
        .collect()
}

/// "1 × Pro (at $20.00 / month)", "250 × Pro (at $5.00 per 100 / month)", as Stripe words a subscription line.
fn describe(item: &SubscriptionItem, name: &str) -> String {
    let rate = money::format_rate(pricing::unit_rate(&item.price), &item.price.currency);
    let per = item.price.transform_quantity.as_ref().map(|t| format!(" per {}", t.divide_by)).unwrap_or_default();
    format!("{} × {name} (at {rate}{per} / {})", item.quantity, every(&item.price))
}

/// "31 × Usage (Tier 2 at $0.036 / month)" for a tier's units, "Usage (Tier 1 at $9.00 / month)" for its flat fee.
fn describe_tier(item: &SubscriptionItem, name: &str, charge: &pricing::Charge) -> String {
    let rate = money::format_rate(charge.rate, &item.price.currency);
    let tier = charge.tier.unwrap_or(1);
    let what = format!("{name} (Tier {tier} at {rate} / {})", every(&item.price));
    match charge.kind {
        pricing::Kind::Units => format!("{} × {what}", charge.quantity),
        pricing::Kind::Flat => what,
    }
}

/// "month", "every 3 months", as line descriptions name a price's interval.
fn every(price: &Price) -> String {
    match &price.recurring {
        Some(r) if r.interval_count > 1 => format!("every {} {}s", r.interval_count, interval_word(r)),
        Some(r) => interval_word(r).to_owned(),
        None => "once".into(),
    }
}

fn interval_word(recurring: &crate::objects::price::Recurring) -> &'static str {
    use crate::objects::price::Interval::*;
    match recurring.interval {
        Day => "day",
        Week => "week",
        Month => "month",
        Year => "year",
    }
}

/// "25 Nov 2026", as proration descriptions show dates.
pub fn date(t: Timestamp) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (year, month, day) = civil_from_days(t.div_euclid(86_400));
    format!("{day} {} {year}", MONTHS[month as usize - 1])
}

/// A subscription invoice. Its `period` is what Stripe shows: the creation instant for the first invoice, the
/// period that just ended for a renewal (the lines carry the period they bill).
pub(super) fn new_invoice(
    sub: &Subscription,
    customer: &Customer,
    reason: &str,
    period: Period,
    lines: Vec<LineItem>,
    now: Timestamp,
) -> Invoice {
    invoicing::draft(
        NewInvoice {
            customer,
            currency: &sub.currency,
            billing_reason: reason,
            collection_method: sub.collection_method,
            subscription: Some(&sub.id),
            period,
            default_payment_method: sub.default_payment_method.clone(),
            default_tax_rates: sub.default_tax_rates.clone(),
            days_until_due: sub.days_until_due,
            description: None,
            livemode: sub.livemode,
            now,
        },
        lines,
    )
}

/// What processing a subscription's due work did.
#[derive(Debug)]
pub enum Progress {
    /// A new period began; its invoice is a draft that finalizes itself after [`DRAFT_WINDOW`]. `swept` are the
    /// pending invoice items it billed.
    Renewed {
        invoice: Box<Invoice>,
        swept: Vec<InvoiceItem>,
    },
    /// The subscription ended (`cancel_at`, `cancel_at_period_end`, or a trial without a payment method).
    Canceled,
    /// The trial ended without a payment method and the subscription paused.
    Paused,
    /// An `incomplete` subscription's first invoice went unpaid for 23 hours.
    Expired,
    /// An update held until its invoice was paid expired; that invoice, the latest, is to be voided.
    PendingExpired,
    /// The trial ends in three days: `customer.subscription.trial_will_end`.
    TrialWillEnd,
    Nothing,
}

/// Does what is due at `now`. `pending` are the customer's pending invoice items for this subscription;
/// `has_payment_method` whether a trial's end can be charged.
pub fn process_due(
    sub: &mut Subscription,
    customer: &Customer,
    pending: Vec<InvoiceItem>,
    names: &ProductNames,
    has_payment_method: bool,
    now: Timestamp,
) -> Progress {
    if sub.status == Status::Incomplete {
        if now >= sub.created + INCOMPLETE_EXPIRY {
            sub.status = Status::IncompleteExpired;
            sub.ended_at = Some(now);
            return Progress::Expired;
        }
        return Progress::Nothing;
    }
    if super::change::expire_pending(sub, now) {
        return Progress::PendingExpired;
    }
    if sub.status.is_terminal() || sub.status == Status::Paused {
        return Progress::Nothing;
    }
    if sub.pause_collection.as_ref().and_then(|p| p.resumes_at).is_some_and(|at| at <= now) {
        sub.pause_collection = None;
    }
    if let Some(notice) = trial_notice(sub)
        && notice <= now
    {
        sub.engine.trial_will_end_sent = true;
        if sub.trial_end.is_some_and(|end| now < end) {
            return Progress::TrialWillEnd;
        }
    }
    let Some(period_end) = sub.current_period_end() else { return Progress::Nothing };
    if let Some(cancel_at) = sub.cancel_at
        && cancel_at <= now
        && cancel_at <= period_end
    {
        end(sub, cancel_at);
        return Progress::Canceled;
    }
    if period_end > now {
        return Progress::Nothing;
    }
    if sub.cancel_at_period_end {
        end(sub, period_end);
        return Progress::Canceled;
    }
    if sub.status == Status::Trialing {
        let amount: i64 = sub.items.data.iter().map(SubscriptionItem::amount).sum();
        if !has_payment_method && amount > 0 && sub.collection_method == CollectionMethod::ChargeAutomatically {
            match sub.trial_settings.end_behavior.missing_payment_method.as_str() {
                "cancel" => {
                    end(sub, period_end);
                    return Progress::Canceled;
                }
                "pause" => {
                    sub.status = Status::Paused;
                    return Progress::Paused;
                }
                _ => {}
            }
        }
        sub.status = Status::Active;
    }
    let previous_start = sub.current_period_start().unwrap_or(period_end);
    for item in &mut sub.items.data {
        let cadence = cadence(&item.price);
        item.current_period_start = item.current_period_end;
        item.current_period_end = cadence.next_after(sub.billing_cycle_anchor, item.current_period_start);
    }
    let mut lines: Vec<LineItem> =
        pending.iter().map(|item| invoicing::invoice_item_line(item, sub.livemode)).collect();
    lines.extend(period_lines(sub, names, false, None));
    let ended = Period { start: previous_start, end: period_end };
    let mut invoice = new_invoice(sub, customer, "subscription_cycle", ended, lines, period_end);
    // An unpaid subscription keeps invoicing but stops collecting: its invoices stay drafts. So do those of a
    // subscription whose collection is paused (the caller voids or writes off the others at once).
    if sub.status == Status::Unpaid || sub.pause_collection.is_some() {
        invoice.auto_advance = false;
    } else {
        invoice.automatically_finalizes_at = Some(period_end + DRAFT_WINDOW);
    }
    let swept = pending
        .into_iter()
        .map(|mut item| {
            item.invoice = Some(invoice.id.clone());
            item
        })
        .collect();
    sub.latest_invoice = Some(invoice.id.clone());
    sub.engine.has_pending_items = false;
    Progress::Renewed { invoice: Box::new(invoice), swept }
}

fn end(sub: &mut Subscription, at: Timestamp) {
    sub.status = Status::Canceled;
    sub.ended_at = Some(at);
    sub.canceled_at.get_or_insert(at);
    if sub.cancellation_details.reason.is_none() {
        sub.cancellation_details.reason = Some("cancellation_requested".into());
    }
}

/// A `cancel_at` set before a trial's end: classic billing mode pulls the trial's end back to it, flexible
/// mode keeps the trial as it is (spec 4.8).
pub fn trial_before_cancel_at(sub: &mut Subscription) {
    let (Some(cancel_at), Some(trial_end)) = (sub.cancel_at, sub.trial_end) else { return };
    if sub.billing_mode.kind == BillingModeType::Classic && sub.status == Status::Trialing && cancel_at < trial_end {
        sub.trial_end = Some(cancel_at);
        for item in &mut sub.items.data {
            item.current_period_end = item.current_period_end.min(cancel_at);
        }
    }
}

/// Cancels now (`DELETE /v1/subscriptions/{id}`).
pub fn cancel_now(sub: &mut Subscription, now: Timestamp) {
    sub.canceled_at = Some(now);
    end(sub, now);
}

/// The subscription's invoice was paid: an update held for it takes effect.
pub fn invoice_paid(sub: &mut Subscription, invoice: &Invoice) {
    super::change::release_pending(sub, &invoice.id);
    let latest = sub.latest_invoice.as_deref() == Some(invoice.id.as_str());
    if latest && matches!(sub.status, Status::Incomplete | Status::PastDue | Status::Unpaid) {
        sub.status = Status::Active;
    }
}

/// A collection attempt on the subscription's invoice failed (or needs the customer's action);
/// `retries_left` is whether the retry schedule has more attempts.
pub fn invoice_payment_failed(
    sub: &mut Subscription,
    invoice: &Invoice,
    retries_left: bool,
    outcome: DunningOutcome,
    now: Timestamp,
) {
    if sub.status == Status::Incomplete || sub.status.is_terminal() {
        return;
    }
    if invoice.billing_reason.as_deref() == Some("subscription_create") && sub.status != Status::Trialing {
        return;
    }
    if sub.status == Status::Active || sub.status == Status::Trialing {
        sub.status = Status::PastDue;
    }
    if !retries_left {
        match outcome {
            DunningOutcome::Cancel => {
                sub.cancellation_details.reason = Some("payment_failed".into());
                cancel_now(sub, now);
            }
            DunningOutcome::Unpaid => sub.status = Status::Unpaid,
            DunningOutcome::LeavePastDue => {}
        }
    }
}

/// A `send_invoice` invoice passed its due date unpaid.
pub fn invoice_overdue(sub: &mut Subscription) {
    if sub.status == Status::Active {
        sub.status = Status::PastDue;
    }
}

/// When `customer.subscription.trial_will_end` is due, if it still is.
fn trial_notice(sub: &Subscription) -> Option<Timestamp> {
    if sub.status != Status::Trialing || sub.engine.trial_will_end_sent {
        return None;
    }
    sub.trial_end.map(|end| (end - TRIAL_WILL_END_NOTICE).max(sub.trial_start.unwrap_or(sub.created)))
}

/// When the engine must next look at the subscription.
pub fn next_action(sub: &Subscription) -> Option<Timestamp> {
    match sub.status {
        Status::Incomplete => Some(sub.created + INCOMPLETE_EXPIRY),
        Status::Canceled | Status::IncompleteExpired => None,
        Status::Paused => {
            let expiry = sub.engine.pending.as_ref().map(|p| p.expires_at);
            [expiry, sub.engine.resumes_at].into_iter().flatten().min()
        }
        _ => {
            let end = sub.current_period_end()?;
            let end = sub.engine.pending.as_ref().map_or(end, |p| p.expires_at.min(end));
            let end = sub.pause_collection.as_ref().and_then(|p| p.resumes_at).map_or(end, |at| at.min(end));
            let end = trial_notice(sub).map_or(end, |at| at.min(end));
            Some(sub.cancel_at.map_or(end, |at| at.min(end)))
        }
    }
}
