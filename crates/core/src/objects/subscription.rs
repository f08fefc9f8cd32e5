//! Subscriptions (`sub_`) and their items (`si_`): https://docs.stripe.com/api/subscriptions/object
//!
//! Items live inside their subscription's document (Stripe returns them as the embedded `items` list), so a
//! renewal rewrites one row. What a subscription *does* over time is in [`crate::billing`]; this module is its
//! shape and its parameters.

mod params;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::TaxRate;
use super::price::{Interval, Price};
use super::{EmbeddedList, Object};
use crate::Timestamp;
use crate::metadata::Metadata;

pub use params::*;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Subscription {
    pub id: String,
    pub object: String,
    pub application: Option<String>,
    pub application_fee_percent: Option<f64>,
    pub automatic_tax: Value,
    pub billing_cycle_anchor: Timestamp,
    pub billing_cycle_anchor_config: Option<Value>,
    pub billing_mode: BillingMode,
    pub billing_schedules: Vec<Value>,
    pub billing_thresholds: Option<Value>,
    pub cancel_at: Option<Timestamp>,
    pub cancel_at_period_end: bool,
    pub canceled_at: Option<Timestamp>,
    pub cancellation_details: CancellationDetails,
    pub collection_method: CollectionMethod,
    pub created: Timestamp,
    pub currency: String,
    pub customer: String,
    pub customer_account: Option<String>,
    pub days_until_due: Option<i64>,
    pub default_payment_method: Option<String>,
    pub default_source: Option<String>,
    pub default_tax_rates: Vec<TaxRate>,
    pub description: Option<String>,
    /// `di_…` ids of the discounts in force, oldest first.
    pub discounts: Vec<String>,
    pub ended_at: Option<Timestamp>,
    pub invoice_settings: Value,
    pub items: Items,
    pub latest_invoice: Option<String>,
    pub livemode: bool,
    pub metadata: Metadata,
    pub next_pending_invoice_item_invoice: Option<Timestamp>,
    pub on_behalf_of: Option<String>,
    pub pause_collection: Option<PauseCollection>,
    pub payment_settings: Value,
    pub pending_invoice_item_interval: Option<Value>,
    pub pending_setup_intent: Option<String>,
    pub pending_update: Option<Value>,
    pub schedule: Option<String>,
    pub start_date: Timestamp,
    pub status: Status,
    pub test_clock: Option<String>,
    pub transfer_data: Option<Value>,
    pub trial_end: Option<Timestamp>,
    pub trial_settings: TrialSettings,
    pub trial_start: Option<Timestamp>,
    /// Portico's bookkeeping, stored but never shown (see [`super::HIDDEN`]).
    #[serde(rename = "portico", default)]
    pub engine: SubscriptionEngine,
}

/// What the billing engine remembers about a subscription beyond Stripe's fields.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SubscriptionEngine {
    /// Pending invoice items (prorations) wait for the next invoice; renewals look for them only when set.
    pub has_pending_items: bool,
    /// `customer.subscription.trial_will_end` was sent for the current trial.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub trial_will_end_sent: bool,
    /// An update held until its invoice is paid (`payment_behavior=pending_if_incomplete`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Box<PendingChange>>,
    /// When a paused subscription resumes by itself: a pause for a set time, chosen in the portal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resumes_at: Option<Timestamp>,
}

/// The state an update held by `pending_if_incomplete` will give the subscription once `invoice` is paid.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingChange {
    pub items: Vec<SubscriptionItem>,
    pub billing_cycle_anchor: Timestamp,
    pub status: Status,
    pub trial_start: Option<Timestamp>,
    pub trial_end: Option<Timestamp>,
    pub invoice: String,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Incomplete,
    IncompleteExpired,
    Trialing,
    Active,
    PastDue,
    Unpaid,
    Canceled,
    Paused,
}

impl Status {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Incomplete => "incomplete",
            Self::IncompleteExpired => "incomplete_expired",
            Self::Trialing => "trialing",
            Self::Active => "active",
            Self::PastDue => "past_due",
            Self::Unpaid => "unpaid",
            Self::Canceled => "canceled",
            Self::Paused => "paused",
        }
    }

    /// Canceled and expired subscriptions never change again.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Canceled | Self::IncompleteExpired)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollectionMethod {
    #[default]
    ChargeAutomatically,
    SendInvoice,
}

impl CollectionMethod {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::ChargeAutomatically => "charge_automatically",
            Self::SendInvoice => "send_invoice",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BillingModeType {
    Classic,
    #[default]
    Flexible,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingMode {
    #[serde(rename = "type")]
    pub kind: BillingModeType,
    pub flexible: Option<Value>,
    pub updated_at: Option<Timestamp>,
}

impl BillingMode {
    pub fn new(kind: BillingModeType) -> Self {
        let flexible = (kind == BillingModeType::Flexible).then(|| json!({ "proration_discounts": "included" }));
        Self { kind, flexible, updated_at: None }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancellationDetails {
    pub comment: Option<String>,
    pub feedback: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PauseCollection {
    pub behavior: String,
    pub resumes_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialSettings {
    pub end_behavior: TrialEndBehavior,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialEndBehavior {
    pub missing_payment_method: String,
}

impl Default for TrialSettings {
    fn default() -> Self {
        Self { end_behavior: TrialEndBehavior { missing_payment_method: "create_invoice".into() } }
    }
}

/// The embedded `items` list.
pub type Items = EmbeddedList<SubscriptionItem>;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubscriptionItem {
    pub id: String,
    pub object: String,
    pub billing_thresholds: Option<Value>,
    pub created: Timestamp,
    pub current_period_end: Timestamp,
    pub current_period_start: Timestamp,
    pub discounts: Vec<String>,
    pub metadata: Metadata,
    pub plan: Value,
    pub price: Price,
    pub quantity: i64,
    pub subscription: String,
    pub tax_rates: Vec<TaxRate>,
}

impl SubscriptionItem {
    /// A full period's amount before discounts and taxes, by the price's billing scheme.
    pub fn amount(&self) -> i64 {
        crate::billing::pricing::amount(&self.price, self.quantity)
    }
}

/// The legacy `plan` Stripe still shows beside a recurring price (async-stripe requires it on items).
pub fn plan_of(price: &Price) -> Value {
    let recurring = price.recurring.as_ref();
    json!({
        "id": price.id,
        "object": "plan",
        "active": price.active,
        "amount": price.unit_amount,
        "amount_decimal": price.unit_amount_decimal,
        "billing_scheme": price.billing_scheme,
        "created": price.created,
        "currency": price.currency,
        "interval": recurring.map(|r| r.interval).unwrap_or(Interval::Month),
        "interval_count": recurring.map(|r| r.interval_count).unwrap_or(1),
        "livemode": price.livemode,
        "metadata": price.metadata,
        "meter": recurring.and_then(|r| r.meter.clone()),
        "nickname": price.nickname,
        "product": price.product,
        "tiers_mode": price.tiers_mode,
        "transform_usage": price.transform_quantity,
        "trial_period_days": recurring.and_then(|r| r.trial_period_days),
        "usage_type": recurring.map(|r| r.usage_type),
    })
}

impl Object for Subscription {
    const KIND: &'static str = "subscription";
    const PREFIX: &'static str = "sub";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
    fn customer(&self) -> Option<&str> {
        Some(&self.customer)
    }
    fn test_clock(&self) -> Option<&str> {
        self.test_clock.as_deref()
    }
    fn due_at(&self) -> Option<Timestamp> {
        crate::billing::lifecycle::next_action(self)
    }
}

impl Object for SubscriptionItem {
    const KIND: &'static str = "subscription_item";
    const PREFIX: &'static str = "si";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
}

/// Which subscription holds an item. Items live inside their subscription's document; this small row is how
/// `/v1/subscription_items/{id}` finds that document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemOwner {
    pub id: String,
    pub subscription: String,
    pub created: Timestamp,
}

impl Object for ItemOwner {
    const KIND: &'static str = "subscription_item_owner";
    const PREFIX: &'static str = "si";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
}

impl Subscription {
    /// The end of the earliest item period: when the subscription next renews.
    pub fn current_period_end(&self) -> Option<Timestamp> {
        self.items.data.iter().map(|i| i.current_period_end).min()
    }

    pub fn current_period_start(&self) -> Option<Timestamp> {
        self.items.data.iter().map(|i| i.current_period_start).min()
    }
}
