//! Changing a live subscription (spec 4.7–4.9): adding, removing and re-pricing items, quantities, resetting the
//! billing cycle anchor, ending or adding a trial; with Stripe's prorations, as pending invoice items or an
//! invoice billed at once.
//!
//! What Portico does where Stripe's modes differ:
//! - A change of interval resets the anchor to now and invoices the new period at once, in both billing modes
//!   (Stripe's flexible mode can keep items on different cycles; Portico keeps one cycle per subscription).
//! - Classic mode also resets the anchor when a free subscription gets a price (spec 4.7).
//! - While trialing nothing is prorated: both the old and the new state cost nothing until the trial ends.

use serde_json::json;

use super::invoicing;
use super::lifecycle::{NewItem, ProductNames, cadence, date, new_invoice, new_item, period_lines};
use super::proration::Proration;
use crate::objects::customer::Customer;
use crate::objects::discount::CouponTerms;
use crate::objects::invoice::{Invoice, LineItem, Period};
use crate::objects::price::Price;
use crate::objects::subscription::{
    BillingModeType, PendingChange, ProrationBehavior, Status, Subscription, SubscriptionItem,
};
use crate::objects::{InvoiceItem, TaxRate};
use crate::{Timestamp, ids};

/// One entry of `items[]`: an existing item (`id`) changed or deleted, or a new item (`new`).
pub enum ItemChange {
    Update { id: String, price: Option<Price>, quantity: Option<i64>, tax_rates: Option<Vec<TaxRate>> },
    Delete { id: String },
    Add(NewItem),
}

pub enum TrialChange {
    /// `trial_end=now`: the trial ends and the first paid period is invoiced at once.
    EndNow,
    /// A (new) trial until then; what is left of the paid period is credited.
    Until(Timestamp),
}

pub struct Change {
    pub items: Vec<ItemChange>,
    pub proration: ProrationBehavior,
    /// `T` of the proration formula; the caller checks it lies in the current period.
    pub proration_date: Option<Timestamp>,
    /// `billing_cycle_anchor=now`.
    pub anchor_now: bool,
    pub trial: Option<TrialChange>,
    pub now: Timestamp,
}

/// What a change produced besides the subscription's new state.
#[derive(Debug, Default)]
pub struct Changed {
    /// The proration invoice items; pending unless `invoice` bills them.
    pub prorations: Vec<InvoiceItem>,
    /// An invoice (`billing_reason=subscription_update`, draft) to finalize and collect now. Sweeps `pending`.
    pub invoice: Option<Invoice>,
    /// The pending invoice items `invoice` billed.
    pub swept: Vec<InvoiceItem>,
}

/// A change Stripe refuses, with the parameter at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeError {
    pub param: String,
    pub message: String,
}

fn refuse(param: impl Into<String>, message: impl Into<String>) -> ChangeError {
    ChangeError { param: param.into(), message: message.into() }
}

/// Applies `change` to `sub`. `pending` are the subscription's pending invoice items, swept into an immediate
/// invoice when there is one; `discounts` the subscription's discounts in force, whose percentages prorations
/// reflect (spec 4.9). Nothing is changed when an error is returned.
pub fn apply(
    sub: &mut Subscription,
    customer: &Customer,
    change: Change,
    names: &ProductNames,
    pending: Vec<InvoiceItem>,
    discounts: &[CouponTerms],
) -> Result<Changed, ChangeError> {
    let now = change.now;
    let at = change.proration_date.unwrap_or(now);
    let old_items = sub.items.data.clone();
    let period_end = sub.current_period_end().unwrap_or(now);
    let mut items = old_items.clone();
    for (index, entry) in change.items.into_iter().enumerate() {
        match entry {
            ItemChange::Update { id, price, quantity, tax_rates } => {
                let item = items.iter_mut().find(|i| i.id == id).ok_or_else(|| {
                    refuse(format!("items[{index}][id]"), format!("No such subscription item: '{id}'"))
                })?;
                if let Some(price) = price {
                    item.plan = crate::objects::subscription::plan_of(&price);
                    item.price = price;
                }
                if let Some(quantity) = quantity {
                    item.quantity = quantity;
                }
                if let Some(rates) = tax_rates {
                    item.tax_rates = rates;
                }
            }
            ItemChange::Delete { id } => {
                let before = items.len();
                items.retain(|i| i.id != id);
                if items.len() == before {
                    return Err(refuse(format!("items[{index}][id]"), format!("No such subscription item: '{id}'")));
                }
            }
            ItemChange::Add(new) => {
                // Aligned on the subscription's period, so that its proration is the share of that period.
                let start = sub.current_period_start().unwrap_or(now);
                items.push(new_item(&sub.id, new, Period { start, end: period_end }, now));
            }
        }
    }
    check_items(sub, &items)?;

    let trialing = sub.status == Status::Trialing;
    if change.anchor_now && trialing && !matches!(change.trial, Some(TrialChange::EndNow)) {
        return Err(refuse(
            "billing_cycle_anchor",
            "A trialing subscription's billing cycle restarts when its trial ends: pass `trial_end=now` with \
             `billing_cycle_anchor=now`.",
        ));
    }
    let interval_changed = cadence(&items[0].price) != cadence(&old_items[0].price);
    let total = |items: &[SubscriptionItem]| items.iter().map(SubscriptionItem::amount).sum::<i64>();
    let priced_from_free =
        sub.billing_mode.kind == BillingModeType::Classic && total(&old_items) == 0 && total(&items) > 0;
    let ends_trial = trialing && matches!(change.trial, Some(TrialChange::EndNow));
    let reset = change.anchor_now || ends_trial || (!trialing && (interval_changed || priced_from_free));
    let new_trial = match change.trial {
        Some(TrialChange::Until(end)) if end > now => Some(end),
        _ => None,
    };
    // The current period stops here: what is left of it is credited, nothing of it charged.
    let restart = reset || new_trial.is_some();
    let prorate = change.proration != ProrationBehavior::None && !trialing;

    let mut prorations = Vec::new();
    if prorate {
        let context = Prorating { sub, customer, names, at, restart, discounts };
        for old in &old_items {
            let new = items.iter().find(|i| i.id == old.id);
            prorations.extend(context.lines(Some(old), new.filter(|_| !restart)));
        }
        if !restart {
            for new in items.iter().filter(|i| old_items.iter().all(|o| o.id != i.id)) {
                prorations.extend(context.lines(None, Some(new)));
            }
        }
    }

    sub.items.data = items;
    if ends_trial {
        sub.trial_end = Some(now);
        sub.status = Status::Active;
    }
    if let Some(end) = new_trial {
        sub.status = Status::Trialing;
        sub.trial_start = Some(now);
        sub.trial_end = Some(end);
        sub.engine.trial_will_end_sent = false;
        sub.billing_cycle_anchor = end;
        for item in &mut sub.items.data {
            item.current_period_start = now;
            item.current_period_end = end;
        }
    } else if reset {
        sub.billing_cycle_anchor = now;
        for item in &mut sub.items.data {
            item.current_period_start = now;
            item.current_period_end = cadence(&item.price).next_after(now, now);
        }
    }

    let invoice_now = new_trial.is_none()
        && (reset || (change.proration == ProrationBehavior::AlwaysInvoice && !prorations.is_empty()));
    if !invoice_now {
        return Ok(Changed { prorations, invoice: None, swept: Vec::new() });
    }
    let mut lines: Vec<LineItem> =
        pending.iter().chain(&prorations).map(|item| invoicing::invoice_item_line(item, sub.livemode)).collect();
    if reset {
        lines.extend(period_lines(sub, names, false, None));
    }
    let invoice = new_invoice(sub, customer, "subscription_update", Period { start: now, end: now }, lines, now);
    let bill = |mut item: InvoiceItem| {
        item.invoice = Some(invoice.id.clone());
        item
    };
    let prorations = prorations.into_iter().map(bill).collect();
    let swept = pending.into_iter().map(bill).collect();
    sub.latest_invoice = Some(invoice.id.clone());
    Ok(Changed { prorations, invoice: Some(invoice), swept })
}

/// What cancelling now does to money (`DELETE /v1/subscriptions/{id}`).
#[derive(Debug, Default)]
pub struct Cancellation {
    /// Credits for the unused rest of the period (`prorate`); billed by `invoice` when there is one.
    pub credits: Vec<InvoiceItem>,
    /// The final invoice (`invoice_now`) of the credits and the pending items.
    pub invoice: Option<Invoice>,
    pub swept: Vec<InvoiceItem>,
    /// Pending prorations Stripe removes when neither `prorate` nor `invoice_now` is asked.
    pub dropped: Vec<InvoiceItem>,
}

/// How a subscription is cancelled now: `DELETE /v1/subscriptions/{id}`'s `prorate` and `invoice_now`.
#[derive(Debug, Clone, Copy)]
pub struct CancelNow {
    pub prorate: bool,
    pub invoice_now: bool,
    pub now: Timestamp,
}

/// Call before [`super::lifecycle::cancel_now`], while the items still hold their current period.
pub fn cancel(
    sub: &mut Subscription,
    customer: &Customer,
    names: &ProductNames,
    pending: Vec<InvoiceItem>,
    how: CancelNow,
    discounts: &[CouponTerms],
) -> Cancellation {
    let CancelNow { prorate, invoice_now, now } = how;
    let mut credits = Vec::new();
    if prorate && sub.status != Status::Trialing {
        let context = Prorating { sub, customer, names, at: now, restart: true, discounts };
        for item in &sub.items.data {
            credits.extend(context.lines(Some(item), None));
        }
    }
    if !invoice_now {
        let dropped = if prorate { Vec::new() } else { pending.into_iter().filter(|i| i.proration).collect() };
        return Cancellation { credits, invoice: None, swept: Vec::new(), dropped };
    }
    if credits.is_empty() && pending.is_empty() {
        return Cancellation::default();
    }
    let lines: Vec<LineItem> =
        pending.iter().chain(&credits).map(|item| invoicing::invoice_item_line(item, sub.livemode)).collect();
    let invoice = new_invoice(sub, customer, "subscription_update", Period { start: now, end: now }, lines, now);
    let bill = |mut item: InvoiceItem| {
        item.invoice = Some(invoice.id.clone());
        item
    };
    let credits = credits.into_iter().map(bill).collect();
    let swept = pending.into_iter().map(bill).collect();
    sub.latest_invoice = Some(invoice.id.clone());
    Cancellation { credits, invoice: Some(invoice), swept, dropped: Vec::new() }
}

/// Resumes a paused subscription (`POST /v1/subscriptions/{id}/resume`) and returns the invoice of the
/// period it resumes into: with `anchor_now` a full new period from now (the default), otherwise the rest of
/// the period, on the old anchor, that contains now.
pub fn resume(
    sub: &mut Subscription,
    customer: &Customer,
    names: &ProductNames,
    anchor_now: bool,
    now: Timestamp,
) -> Invoice {
    sub.status = Status::Active;
    let lines = if anchor_now {
        sub.billing_cycle_anchor = now;
        for item in &mut sub.items.data {
            item.current_period_start = now;
            item.current_period_end = cadence(&item.price).next_after(now, now);
        }
        period_lines(sub, names, false, None)
    } else {
        let anchor = sub.billing_cycle_anchor;
        for item in &mut sub.items.data {
            item.current_period_start = now;
            item.current_period_end = cadence(&item.price).next_after(anchor, now);
        }
        // The period's end as the anchor makes the first period a stub, charged in proportion.
        let end = sub.current_period_end().unwrap_or(now);
        period_lines(sub, names, false, Some(end))
    };
    let invoice = new_invoice(sub, customer, "subscription_update", Period { start: now, end: now }, lines, now);
    sub.latest_invoice = Some(invoice.id.clone());
    invoice
}

/// Stripe's rules on the items a subscription may have.
fn check_items(sub: &Subscription, items: &[SubscriptionItem]) -> Result<(), ChangeError> {
    let Some(first) = items.first() else {
        return Err(refuse("items", "A subscription must have at least one active subscription item."));
    };
    for (index, item) in items.iter().enumerate() {
        if item.quantity < 0 {
            return Err(refuse(format!("items[{index}][quantity]"), "Invalid integer: must be at least 0."));
        }
        if item.price.currency != sub.currency {
            return Err(refuse(
                "items",
                "All prices on a subscription must have the same currency as the subscription.",
            ));
        }
        if cadence(&item.price) != cadence(&first.price) {
            return Err(refuse(
                "items",
                "Currency and interval fields must match across all plans on this subscription.",
            ));
        }
        if items[..index].iter().any(|other| other.price.id == item.price.id) {
            return Err(refuse(
                "items",
                format!("Cannot add multiple subscription items with the same price: {}.", item.price.id),
            ));
        }
    }
    Ok(())
}

struct Prorating<'a> {
    sub: &'a Subscription,
    customer: &'a Customer,
    names: &'a ProductNames,
    at: Timestamp,
    /// The period stops now: old items are credited, new ones billed from the new period on.
    restart: bool,
    discounts: &'a [CouponTerms],
}

impl Prorating<'_> {
    /// The credit for what `old` was paying and the charge for what `new` pays over the rest of the period;
    /// nothing when the amount billed does not change.
    fn lines(&self, old: Option<&SubscriptionItem>, new: Option<&SubscriptionItem>) -> Vec<InvoiceItem> {
        let reference = old.or(new).expect("a proration has an old or a new state");
        let (start, end) = (reference.current_period_start, reference.current_period_end);
        let old_amount = old.map_or(0, |item| self.discounted(item));
        let new_amount = new.map_or(0, |item| self.discounted(item));
        let same = matches!((old, new), (Some(o), Some(n)) if o.price.id == n.price.id && o.quantity == n.quantity);
        if same && !self.restart {
            return Vec::new();
        }
        let proration = Proration::compute(old_amount, new_amount, start, end, self.at);
        let mut lines = Vec::new();
        if let Some(old) = old.filter(|_| proration.credit != 0) {
            lines.push(self.item(old, proration.credit, "Unused time on", end));
        }
        if let Some(new) = new.filter(|_| proration.charge != 0) {
            lines.push(self.item(new, proration.charge, "Remaining time on", end));
        }
        lines
    }

    /// A full period of the item after the percentage discounts that apply to its product, each on what the
    /// previous left (as invoices apply them). Amount-off discounts are not spread over prorations.
    fn discounted(&self, item: &SubscriptionItem) -> i64 {
        self.discounts
            .iter()
            .filter(|terms| terms.products.as_ref().is_none_or(|products| products.contains(&item.price.product)))
            .filter_map(|terms| terms.percent_off)
            .fold(item.amount(), |amount, percent| amount - super::discounts::percent_of(amount, percent))
    }

    fn item(&self, item: &SubscriptionItem, amount: i64, what: &str, end: Timestamp) -> InvoiceItem {
        let name = self.names.get(&item.price.product).map(String::as_str).unwrap_or("Subscription");
        proration_item(
            self.sub,
            self.customer,
            item,
            amount,
            format!("{what} {} × {name} after {}", item.quantity, date(self.at)),
            Period { start: self.at, end },
        )
    }
}

/// A proration as Stripe records it: an invoice item of the subscription, not discountable (its amount
/// already reflects the discounts in force).
pub fn proration_item(
    sub: &Subscription,
    customer: &Customer,
    item: &SubscriptionItem,
    amount: i64,
    description: String,
    period: Period,
) -> InvoiceItem {
    InvoiceItem {
        id: ids::new_id("ii"),
        object: "invoiceitem".into(),
        amount,
        currency: item.price.currency.clone(),
        customer: customer.id.clone(),
        customer_account: None,
        date: period.start,
        description: Some(description),
        discountable: false,
        discounts: Vec::new(),
        invoice: None,
        livemode: sub.livemode,
        metadata: Default::default(),
        net_amount: amount,
        parent: Some(json!({
            "subscription_details": { "subscription": sub.id, "subscription_item": item.id },
            "type": "subscription_details",
        })),
        period,
        pricing: Some(crate::objects::invoice::price_pricing(
            &item.price.id,
            &item.price.product,
            item.price.unit_amount_decimal.as_deref(),
        )),
        proration: true,
        quantity: item.quantity,
        quantity_decimal: item.quantity.to_string(),
        tax_rates: item
            .tax_rates
            .iter()
            .chain(if item.tax_rates.is_empty() { sub.default_tax_rates.iter() } else { [].iter() })
            .filter_map(|rate| serde_json::to_value(rate).ok())
            .collect(),
        test_clock: customer.test_clock.clone(),
    }
}

/// Keeps `sub` as it was and records `changed` as its `pending_update` until `invoice` is paid
/// (`payment_behavior=pending_if_incomplete`); the update expires with the invoice after 23 hours.
pub fn hold_pending(sub: &mut Subscription, changed: Subscription, invoice: &Invoice, now: Timestamp) {
    let expires_at = now + super::lifecycle::INCOMPLETE_EXPIRY;
    sub.pending_update = Some(json!({
        "billing_cycle_anchor": (changed.billing_cycle_anchor != sub.billing_cycle_anchor).then_some(changed.billing_cycle_anchor),
        "discounts": null,
        "expires_at": expires_at,
        "subscription_items": changed.items.data,
        "trial_end": (changed.trial_end != sub.trial_end).then_some(changed.trial_end).flatten(),
        "trial_from_plan": null,
    }));
    sub.latest_invoice = Some(invoice.id.clone());
    sub.engine.pending = Some(Box::new(PendingChange {
        items: changed.items.data,
        billing_cycle_anchor: changed.billing_cycle_anchor,
        status: changed.status,
        trial_start: changed.trial_start,
        trial_end: changed.trial_end,
        invoice: invoice.id.clone(),
        expires_at,
    }));
}

/// The held update's invoice was paid: the update takes effect.
pub fn release_pending(sub: &mut Subscription, invoice: &str) -> bool {
    if sub.engine.pending.as_ref().is_none_or(|p| p.invoice != invoice) {
        return false;
    }
    let pending = sub.engine.pending.take().expect("checked above");
    sub.items.data = pending.items;
    sub.billing_cycle_anchor = pending.billing_cycle_anchor;
    sub.status = pending.status;
    sub.trial_start = pending.trial_start;
    sub.trial_end = pending.trial_end;
    sub.pending_update = None;
    true
}

/// The held update expired unpaid: it is dropped (the caller voids its invoice, the latest).
pub fn expire_pending(sub: &mut Subscription, now: Timestamp) -> bool {
    if sub.engine.pending.as_ref().is_none_or(|p| p.expires_at > now) {
        return false;
    }
    sub.pending_update = None;
    sub.engine.pending = None;
    true
}

#[cfg(test)]
#[path = "change_tests.rs"]
mod tests;
