//! Building invoices and moving them through Stripe's status machine: draft → open (finalize) → paid | void |
//! uncollectible; `uncollectible` → paid | void. Amounts are integers in minor units throughout.

use serde_json::{Value, json};

use crate::objects::TaxRate;
use crate::objects::billing_portal::session::secret;
use crate::objects::customer::Customer;
use crate::objects::invoice::{
    DiscountAmount, Invoice, InvoiceEngine, LineItem, Lines, Period, Status, StatusTransitions,
};
use crate::objects::subscription::CollectionMethod;
use crate::objects::tax_rate::{LineTax, exclusive_total};
use crate::{Scope, Timestamp, ids};

/// Stripe leaves a renewal invoice in draft for about an hour before finalizing it (spec 4.6).
pub const DRAFT_WINDOW: Timestamp = 3600;
const DAY: Timestamp = 86_400;

/// When failed automatic collections are retried, counted from the first attempt: four attempts over three
/// weeks by default (issue 3), then [`DunningOutcome`] decides the subscription's fate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule {
    pub offsets: Vec<Timestamp>,
}

impl Default for RetrySchedule {
    fn default() -> Self {
        Self { offsets: vec![0, 3 * DAY, 10 * DAY, 21 * DAY] }
    }
}

impl RetrySchedule {
    /// The time of the attempt after `attempts_made` attempts, if any remain.
    pub fn next_attempt(&self, first_attempt: Timestamp, attempts_made: i64) -> Option<Timestamp> {
        self.offsets.get(attempts_made as usize).map(|offset| first_attempt + offset)
    }
}

/// What happens to a subscription when its invoice's last retry fails.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DunningOutcome {
    #[default]
    Cancel,
    Unpaid,
    LeavePastDue,
}

/// Who the invoice is for and why; the lines come separately.
pub struct NewInvoice<'a> {
    pub customer: &'a Customer,
    pub currency: &'a str,
    pub billing_reason: &'a str,
    pub collection_method: CollectionMethod,
    pub subscription: Option<&'a str>,
    pub period: Period,
    pub default_payment_method: Option<String>,
    pub default_tax_rates: Vec<TaxRate>,
    pub days_until_due: Option<i64>,
    pub description: Option<String>,
    pub livemode: bool,
    pub now: Timestamp,
}

/// A draft invoice with its totals computed.
pub fn draft(new: NewInvoice, mut lines: Vec<LineItem>) -> Invoice {
    let id = ids::new_id("in");
    for line in &mut lines {
        line.invoice = Some(id.clone());
    }
    let customer = new.customer;
    let parent = new.subscription.map(|sub| {
        json!({
            "quote_details": null,
            "subscription_details": { "metadata": null, "subscription": sub },
            "type": "subscription_details",
        })
    });
    let mut invoice = Invoice {
        lines: Lines::new(format!("/v1/invoices/{id}/lines"), lines),
        id,
        object: "invoice".into(),
        account_country: None,
        account_name: None,
        account_tax_ids: None,
        amount_due: 0,
        amount_overpaid: 0,
        amount_paid: 0,
        amount_remaining: 0,
        amount_shipping: 0,
        application: None,
        attempt_count: 0,
        attempted: false,
        auto_advance: true,
        automatic_tax: json!({ "disabled_reason": null, "enabled": false, "liability": null, "provider": null, "status": null }),
        automatically_finalizes_at: None,
        billing_reason: Some(new.billing_reason.to_owned()),
        collection_method: new.collection_method,
        confirmation_secret: None,
        created: new.now,
        currency: new.currency.to_owned(),
        custom_fields: None,
        customer: customer.id.clone(),
        customer_account: None,
        customer_address: customer.address.as_ref().and_then(|a| serde_json::to_value(a).ok()),
        customer_email: customer.email.clone(),
        customer_name: customer.name.clone(),
        customer_phone: customer.phone.clone(),
        customer_shipping: customer.shipping.as_ref().and_then(|s| serde_json::to_value(s).ok()),
        customer_tax_exempt: serde_json::to_value(customer.tax_exempt).ok().and_then(|v| v.as_str().map(str::to_owned)),
        customer_tax_ids: Vec::new(),
        default_payment_method: new.default_payment_method,
        default_source: None,
        default_tax_rates: new.default_tax_rates,
        description: new.description,
        discounts: Vec::new(),
        due_date: None,
        effective_at: None,
        ending_balance: None,
        footer: None,
        from_invoice: None,
        hosted_invoice_url: None,
        invoice_pdf: None,
        issuer: json!({ "type": "self" }),
        last_finalization_error: None,
        latest_revision: None,
        livemode: new.livemode,
        metadata: Default::default(),
        next_payment_attempt: None,
        number: None,
        on_behalf_of: None,
        parent,
        payment_settings: json!({ "default_mandate": null, "payment_method_options": null, "payment_method_types": null }),
        period_end: new.period.end,
        period_start: new.period.start,
        post_payment_credit_notes_amount: 0,
        pre_payment_credit_notes_amount: 0,
        receipt_number: None,
        rendering: None,
        shipping_cost: None,
        shipping_details: None,
        starting_balance: 0,
        statement_descriptor: None,
        status: Status::Draft,
        status_transitions: StatusTransitions::default(),
        subtotal: 0,
        subtotal_excluding_tax: None,
        test_clock: customer.test_clock.clone(),
        total: 0,
        total_discount_amounts: Vec::new(),
        total_excluding_tax: None,
        total_pretax_credit_amounts: Vec::new(),
        total_taxes: Vec::new(),
        webhooks_delivered_at: None,
        engine: InvoiceEngine::default(),
    };
    if new.collection_method == CollectionMethod::SendInvoice {
        invoice.engine.days_until_due = new.days_until_due;
    }
    recompute(&mut invoice);
    invoice
}

/// Totals from the lines: `subtotal` (line amounts, inclusive taxes included), discounts, taxes, `total`.
pub fn recompute(invoice: &mut Invoice) {
    let subtotal: i64 = invoice.lines.data.iter().map(|l| l.amount).sum();
    let discounts: i64 = invoice.lines.data.iter().flat_map(|l| &l.discount_amounts).map(|d| d.amount).sum();
    let mut totals: Vec<DiscountAmount> = Vec::new();
    for amount in invoice.lines.data.iter().flat_map(|l| &l.discount_amounts) {
        match totals.iter_mut().find(|t| t.discount == amount.discount) {
            Some(total) => total.amount += amount.amount,
            None => totals.push(amount.clone()),
        }
    }
    let taxes: Vec<LineTax> = merge_taxes(invoice.lines.data.iter().flat_map(|l| l.taxes.iter()));
    let exclusive = exclusive_total(&taxes);
    let inclusive: i64 = taxes.iter().map(|t| t.amount).sum::<i64>() - exclusive;
    invoice.subtotal = subtotal;
    invoice.subtotal_excluding_tax = Some(subtotal - inclusive);
    invoice.total_discount_amounts = totals;
    invoice.total = subtotal - discounts + exclusive;
    invoice.total_excluding_tax = Some(invoice.total - exclusive - inclusive);
    invoice.total_taxes = taxes;
    invoice.amount_due = (invoice.total + invoice.starting_balance).max(0);
    invoice.amount_remaining = invoice.amount_due - invoice.amount_paid;
}

/// One entry per tax rate and behaviour, summed over the lines.
fn merge_taxes<'a>(taxes: impl Iterator<Item = &'a LineTax>) -> Vec<LineTax> {
    let mut merged: Vec<LineTax> = Vec::new();
    for tax in taxes {
        match merged
            .iter_mut()
            .find(|m| m.tax_rate_details == tax.tax_rate_details && m.tax_behavior == tax.tax_behavior)
        {
            Some(m) => {
                m.amount += tax.amount;
                m.taxable_amount += tax.taxable_amount;
            }
            None => merged.push(tax.clone()),
        }
    }
    merged
}

/// Switches a draft's automatic advancement: an advancing draft finalizes itself an hour after it was created, or
/// at once when that hour has passed (Stripe's `automatically_finalizes_at`).
pub fn set_auto_advance(invoice: &mut Invoice, auto_advance: bool, now: Timestamp) {
    invoice.auto_advance = auto_advance;
    if invoice.status == Status::Draft {
        invoice.automatically_finalizes_at = auto_advance.then(|| (invoice.created + DRAFT_WINDOW).max(now));
    }
}

/// Errors of the status machine, in Stripe's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionError(pub String);

/// Draft → open. Numbers the invoice from the customer's sequence, applies the customer's balance, sets the
/// hosted URLs and the collection schedule. A zero-amount invoice is paid on the spot (returns true).
///
/// The hosted URLs' token names `scope` (as portal session secrets do): ids do not carry their account, and the
/// hosted page is reached without a session, so the token is what says where to look for the invoice.
pub fn finalize(
    invoice: &mut Invoice,
    customer: &mut Customer,
    scope: &Scope,
    public_url: &str,
    now: Timestamp,
) -> Result<bool, TransitionError> {
    if invoice.status != Status::Draft {
        return Err(TransitionError(
            "This invoice is already finalized, you can't re-finalize a non-draft invoice.".into(),
        ));
    }
    invoice.number = Some(format!("{}-{:04}", customer.invoice_prefix, customer.next_invoice_sequence));
    customer.next_invoice_sequence += 1;
    // The customer's balance: negative is credit the invoice consumes (up to its total), positive is debt it
    // collects on top of it; a negative total (a credit for unused time) adds to the credit.
    invoice.starting_balance = customer.balance;
    customer.balance = (invoice.total + invoice.starting_balance).min(0);
    invoice.ending_balance = Some(customer.balance);
    invoice.status = Status::Open;
    invoice.status_transitions.finalized_at = Some(now);
    invoice.effective_at = Some(now);
    invoice.automatically_finalizes_at = None;
    let token = secret::mint(scope);
    invoice.hosted_invoice_url = Some(format!("{public_url}/i/{}/{token}", invoice.id));
    invoice.invoice_pdf = Some(format!("{public_url}/i/{}/{token}/pdf", invoice.id));
    invoice.engine.access_token = Some(token);
    recompute(invoice);
    if invoice.collection_method == CollectionMethod::SendInvoice {
        let due = now + invoice.engine.days_until_due.unwrap_or(30) * DAY;
        invoice.due_date = Some(due);
        invoice.engine.overdue_at = Some(due);
    } else if invoice.auto_advance {
        invoice.next_payment_attempt = Some(now);
    }
    if invoice.amount_due == 0 {
        mark_paid(invoice, now);
        return Ok(true);
    }
    Ok(false)
}

pub fn mark_paid(invoice: &mut Invoice, now: Timestamp) {
    invoice.amount_paid = invoice.amount_due;
    invoice.amount_remaining = 0;
    invoice.status = Status::Paid;
    invoice.status_transitions.paid_at = Some(now);
    invoice.next_payment_attempt = None;
    invoice.engine.overdue_at = None;
}

/// Records a collection attempt that did not succeed; returns whether retries remain.
pub fn record_failed_attempt(invoice: &mut Invoice, schedule: &RetrySchedule, first_attempt: Timestamp) -> bool {
    invoice.attempt_count += 1;
    invoice.attempted = true;
    invoice.next_payment_attempt = schedule.next_attempt(first_attempt, invoice.attempt_count);
    invoice.next_payment_attempt.is_some()
}

pub fn record_successful_attempt(invoice: &mut Invoice, now: Timestamp) {
    invoice.attempt_count += 1;
    invoice.attempted = true;
    mark_paid(invoice, now);
}

pub fn void(invoice: &mut Invoice, now: Timestamp) -> Result<(), TransitionError> {
    match invoice.status {
        Status::Open | Status::Uncollectible => {
            invoice.status = Status::Void;
            invoice.status_transitions.voided_at = Some(now);
            invoice.next_payment_attempt = None;
            invoice.engine.overdue_at = None;
            invoice.amount_remaining = 0;
            Ok(())
        }
        Status::Draft => Err(TransitionError(
            "You can only void an open or uncollectible invoice; delete a draft invoice instead.".into(),
        )),
        status => Err(TransitionError(format!("You cannot void an invoice with status `{}`.", status.as_str()))),
    }
}

pub fn mark_uncollectible(invoice: &mut Invoice, now: Timestamp) -> Result<(), TransitionError> {
    if invoice.status != Status::Open {
        return Err(TransitionError(format!(
            "You can only mark an open invoice as uncollectible; this invoice is `{}`.",
            invoice.status.as_str()
        )));
    }
    invoice.status = Status::Uncollectible;
    invoice.status_transitions.marked_uncollectible_at = Some(now);
    invoice.next_payment_attempt = None;
    Ok(())
}

/// When the engine must next look at the invoice: its automatic finalization, its next collection attempt, or
/// the moment it becomes overdue.
pub fn next_action(invoice: &Invoice) -> Option<Timestamp> {
    match invoice.status {
        Status::Draft if invoice.auto_advance => invoice.automatically_finalizes_at,
        Status::Open if invoice.collection_method == CollectionMethod::SendInvoice => invoice.engine.overdue_at,
        Status::Open if invoice.auto_advance => invoice.next_payment_attempt,
        _ => None,
    }
}

/// A line billing `quantity` of a subscription item's price for `period`.
#[allow(clippy::too_many_arguments)]
pub fn subscription_line(
    subscription: &str,
    item: &crate::objects::subscription::SubscriptionItem,
    amount: i64,
    description: String,
    period: Period,
    proration: bool,
    taxes_from: &[TaxRate],
    livemode: bool,
) -> LineItem {
    let rates: Vec<&TaxRate> =
        if item.tax_rates.is_empty() { taxes_from.iter().collect() } else { item.tax_rates.iter().collect() };
    let taxes = crate::objects::tax_rate::line_taxes(amount, &rates);
    LineItem {
        id: ids::new_id("il"),
        object: "line_item".into(),
        amount,
        currency: item.price.currency.clone(),
        description: Some(description),
        discount_amounts: Vec::new(),
        discountable: !proration,
        discounts: Vec::new(),
        invoice: None,
        livemode,
        metadata: Default::default(),
        parent: json!({
            "invoice_item_details": null,
            "subscription_item_details": {
                "invoice_item": null,
                "proration": proration,
                "proration_details": { "credited_items": null },
                "subscription": subscription,
                "subscription_item": item.id,
            },
            "type": "subscription_item_details",
        }),
        period,
        pretax_credit_amounts: Vec::new(),
        pricing: crate::objects::invoice::price_pricing(
            &item.price.id,
            &item.price.product,
            item.price.unit_amount_decimal.as_deref(),
        ),
        quantity: Some(item.quantity),
        quantity_decimal: Some(item.quantity.to_string()),
        subscription: Some(subscription.to_owned()),
        subtotal: amount,
        taxes,
    }
}

/// A line for a pending invoice item swept into an invoice, taxed by the item's own tax rates.
pub fn invoice_item_line(item: &crate::objects::InvoiceItem, livemode: bool) -> LineItem {
    item_line(item, &[], livemode)
}

/// A line for an invoice item, taxed by its own tax rates or, when it has none, by the invoice's
/// `default_tax_rates`; it carries the item's own discounts.
pub fn item_line(item: &crate::objects::InvoiceItem, default_rates: &[TaxRate], livemode: bool) -> LineItem {
    let own = item.rates();
    let rates: Vec<&TaxRate> = if own.is_empty() { default_rates.iter().collect() } else { own.iter().collect() };
    let subscription = item.subscription().map(str::to_owned);
    let details: Value = json!({
        "invoice_item": item.id,
        "proration": item.proration,
        "proration_details": { "credited_items": null },
        "subscription": subscription,
    });
    LineItem {
        id: ids::new_id("il"),
        object: "line_item".into(),
        amount: item.amount,
        currency: item.currency.clone(),
        description: item.description.clone(),
        discount_amounts: Vec::new(),
        discountable: item.discountable,
        discounts: item.discounts.clone(),
        invoice: None,
        livemode,
        metadata: item.metadata.clone(),
        parent: json!({ "invoice_item_details": details, "subscription_item_details": null, "type": "invoice_item_details" }),
        period: item.period,
        pretax_credit_amounts: Vec::new(),
        pricing: item.pricing.clone().unwrap_or(Value::Null),
        quantity: Some(item.quantity),
        quantity_decimal: Some(item.quantity_decimal.clone()),
        subscription,
        subtotal: item.amount,
        taxes: crate::objects::tax_rate::line_taxes(item.amount, &rates),
    }
}
