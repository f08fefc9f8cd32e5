//! Subscription schedules (`sub_sched_`): phases a subscription moves through at set dates.
//! https://docs.stripe.com/api/subscription_schedules/object
//!
//! What a schedule *does* over time is in [`crate::billing::schedule`]; this module is its shape and parameters.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Object;
use super::subscription::{BillingMode, CollectionMethod, ProrationBehavior, TimeOrNow};
use crate::Timestamp;
use crate::metadata::Metadata;
use crate::patch::Patch;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubscriptionSchedule {
    pub id: String,
    pub object: String,
    pub application: Option<String>,
    pub billing_mode: BillingMode,
    pub canceled_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub created: Timestamp,
    pub current_phase: Option<CurrentPhase>,
    pub customer: String,
    pub customer_account: Option<String>,
    pub default_settings: Value,
    pub end_behavior: EndBehavior,
    pub livemode: bool,
    pub metadata: Metadata,
    pub phases: Vec<Phase>,
    pub released_at: Option<Timestamp>,
    pub released_subscription: Option<String>,
    pub status: Status,
    pub subscription: Option<String>,
    pub test_clock: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentPhase {
    pub end_date: Option<Timestamp>,
    pub start_date: Timestamp,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndBehavior {
    #[default]
    Release,
    Cancel,
    /// Stripe's legacy values: both keep the subscription going on its last phase's items, as `release` does.
    Renew,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    NotStarted,
    Active,
    Completed,
    Released,
    Canceled,
}

impl Status {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::Active => "active",
            Self::Completed => "completed",
            Self::Released => "released",
            Self::Canceled => "canceled",
        }
    }

    /// A schedule that no longer drives its subscription.
    pub fn is_over(&self) -> bool {
        matches!(self, Self::Completed | Self::Released | Self::Canceled)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Phase {
    pub add_invoice_items: Vec<Value>,
    pub application_fee_percent: Option<f64>,
    pub billing_cycle_anchor: Option<PhaseAnchor>,
    pub billing_thresholds: Option<Value>,
    pub collection_method: Option<CollectionMethod>,
    pub currency: String,
    pub default_payment_method: Option<String>,
    pub default_tax_rates: Vec<Value>,
    pub description: Option<String>,
    pub discounts: Vec<Value>,
    /// `None` only for an open-ended last phase.
    pub end_date: Option<Timestamp>,
    pub invoice_settings: Option<Value>,
    pub items: Vec<PhaseItem>,
    pub metadata: Metadata,
    pub on_behalf_of: Option<String>,
    pub proration_behavior: ProrationBehavior,
    pub start_date: Timestamp,
    pub transfer_data: Option<Value>,
    pub trial_end: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseAnchor {
    Automatic,
    PhaseStart,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PhaseItem {
    pub billing_thresholds: Option<Value>,
    pub discounts: Vec<Value>,
    pub metadata: Metadata,
    pub plan: String,
    pub price: String,
    pub quantity: i64,
    pub tax_rates: Vec<Value>,
}

impl PhaseItem {
    pub fn new(price: &str, quantity: i64) -> Self {
        Self {
            billing_thresholds: None,
            discounts: Vec::new(),
            metadata: Default::default(),
            plan: price.to_owned(),
            price: price.to_owned(),
            quantity,
            tax_rates: Vec::new(),
        }
    }
}

/// The settings Stripe shows when none are given.
pub fn default_settings(collection_method: CollectionMethod, default_payment_method: Option<&str>) -> Value {
    json!({
        "application_fee_percent": null,
        "automatic_tax": { "disabled_reason": null, "enabled": false, "liability": null },
        "billing_cycle_anchor": "automatic",
        "billing_thresholds": null,
        "collection_method": collection_method.as_str(),
        "default_payment_method": default_payment_method,
        "description": null,
        "invoice_settings": { "account_tax_ids": null, "days_until_due": null, "issuer": { "type": "self" } },
        "on_behalf_of": null,
        "transfer_data": null,
    })
}

impl Object for SubscriptionSchedule {
    const KIND: &'static str = "subscription_schedule";
    const PREFIX: &'static str = "sub_sched";

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
        crate::billing::schedule::next_transition(self)
    }
}

// Parameters.

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseItemParams {
    pub price: Option<String>,
    pub quantity: Option<i64>,
    pub metadata: Option<Metadata>,
    pub tax_rates: Option<Vec<String>>,
    pub discounts: Option<Vec<Value>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DurationParams {
    pub interval: Option<crate::objects::price::Interval>,
    pub interval_count: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseParams {
    pub items: Option<Vec<PhaseItemParams>>,
    pub start_date: Option<TimeOrNow>,
    pub end_date: Option<TimeOrNow>,
    pub duration: Option<DurationParams>,
    pub iterations: Option<i64>,
    pub proration_behavior: Option<ProrationBehavior>,
    pub billing_cycle_anchor: Option<PhaseAnchor>,
    pub trial_end: Option<TimeOrNow>,
    pub collection_method: Option<CollectionMethod>,
    pub default_payment_method: Option<String>,
    pub description: Option<String>,
    pub metadata: Option<Metadata>,
    pub currency: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleCreate {
    pub customer: Option<String>,
    pub from_subscription: Option<String>,
    pub start_date: Option<TimeOrNow>,
    pub end_behavior: Option<EndBehavior>,
    pub phases: Option<Vec<PhaseParams>>,
    pub metadata: Option<Metadata>,
    pub default_settings: Option<Value>,
    pub billing_mode: Option<super::subscription::BillingModeParams>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleUpdate {
    pub end_behavior: Option<EndBehavior>,
    pub phases: Option<Vec<PhaseParams>>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    pub default_settings: Option<Value>,
    pub proration_behavior: Option<ProrationBehavior>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleCancel {
    pub invoice_now: Option<bool>,
    pub prorate: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleRelease {
    pub preserve_cancel_date: Option<bool>,
}
