//! `features`: what customers may do in the portal, in Stripe's shape. Every sub-object is always present
//! (async-stripe requires them), disabled by default.

use serde::{Deserialize, Serialize};

use crate::objects::price::Interval;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Features {
    pub customer_update: CustomerUpdate,
    pub invoice_history: InvoiceHistory,
    pub payment_method_update: PaymentMethodUpdate,
    pub subscription_cancel: SubscriptionCancel,
    pub subscription_pause: SubscriptionPause,
    pub subscription_update: SubscriptionUpdate,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerUpdate {
    pub allowed_updates: Vec<CustomerField>,
    pub enabled: bool,
}

/// The customer details a customer may edit (`address` is the billing address, `shipping` the shipping one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerField {
    Address,
    Email,
    Name,
    Phone,
    Shipping,
    TaxId,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceHistory {
    pub enabled: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethodUpdate {
    pub enabled: bool,
    /// A `pmc_…` id; null leaves the choice of payment-method types to the account's defaults.
    pub payment_method_configuration: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionCancel {
    pub cancellation_reason: CancellationReason,
    pub enabled: bool,
    pub mode: CancelMode,
    pub proration_behavior: ProrationBehavior,
}

impl Default for SubscriptionCancel {
    fn default() -> Self {
        Self {
            cancellation_reason: CancellationReason::default(),
            enabled: false,
            mode: CancelMode::AtPeriodEnd,
            proration_behavior: ProrationBehavior::None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancellationReason {
    pub enabled: bool,
    /// `billing.feedback_option` ids (expandable at Stripe; kept as given here).
    pub feedback_options: Option<Vec<String>>,
    pub options: Vec<CancellationOption>,
}

impl Default for CancellationReason {
    /// Stripe's API example: the survey off, with these five answers ready.
    fn default() -> Self {
        use CancellationOption::*;
        Self {
            enabled: false,
            feedback_options: None,
            options: vec![TooExpensive, MissingFeatures, SwitchedService, Unused, Other],
        }
    }
}

/// The answers a customer may give when asked why they cancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancellationOption {
    CustomerService,
    LowQuality,
    MissingFeatures,
    Other,
    SwitchedService,
    TooComplex,
    TooExpensive,
    Unused,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelMode {
    AtPeriodEnd,
    Immediately,
}

/// Stripe's `proration_behavior` values. Cancellations refuse `always_invoice`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProrationBehavior {
    AlwaysInvoice,
    CreateProrations,
    None,
}

impl ProrationBehavior {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AlwaysInvoice => "always_invoice",
            Self::CreateProrations => "create_prorations",
            Self::None => "none",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionPause {
    pub duration: PauseDuration,
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PauseDuration {
    /// The durations offered when `type` is `interval_options`; empty for `indefinite`.
    pub interval_options: Vec<PauseInterval>,
    #[serde(rename = "type")]
    pub kind: PauseDurationType,
}

impl Default for PauseDuration {
    /// One option, a month.
    fn default() -> Self {
        Self {
            interval_options: vec![PauseInterval { interval: Interval::Month, interval_count: 1 }],
            kind: PauseDurationType::IntervalOptions,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseDurationType {
    Indefinite,
    IntervalOptions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PauseInterval {
    pub interval: Interval,
    pub interval_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionUpdate {
    /// Null means `unchanged`, as Stripe shows a configuration that never set it.
    pub billing_cycle_anchor: Option<BillingCycleAnchor>,
    pub default_allowed_updates: Vec<AllowedUpdate>,
    pub enabled: bool,
    pub products: Option<Vec<UpdateProduct>>,
    pub proration_behavior: ProrationBehavior,
    pub schedule_at_period_end: ScheduleAtPeriodEnd,
    pub trial_update_behavior: TrialUpdateBehavior,
}

impl Default for SubscriptionUpdate {
    fn default() -> Self {
        Self {
            billing_cycle_anchor: None,
            default_allowed_updates: Vec::new(),
            enabled: false,
            products: None,
            proration_behavior: ProrationBehavior::None,
            schedule_at_period_end: ScheduleAtPeriodEnd::default(),
            trial_update_behavior: TrialUpdateBehavior::EndTrial,
        }
    }
}

impl SubscriptionUpdate {
    /// Whether `price` is one the configuration offers to switch to.
    pub fn offers_price(&self, price: &str) -> bool {
        self.products.iter().flatten().any(|product| product.prices.iter().any(|p| p == price))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BillingCycleAnchor {
    Now,
    Unchanged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllowedUpdate {
    Price,
    PromotionCode,
    Quantity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateProduct {
    pub adjustable_quantity: AdjustableQuantity,
    pub prices: Vec<String>,
    pub product: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdjustableQuantity {
    pub enabled: bool,
    pub maximum: Option<i64>,
    pub minimum: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleAtPeriodEnd {
    pub conditions: Vec<ScheduleCondition>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleCondition {
    #[serde(rename = "type")]
    pub kind: ScheduleConditionType,
}

/// When a change waits for the period end instead of applying at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleConditionType {
    DecreasingItemAmount,
    ShorteningInterval,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrialUpdateBehavior {
    ContinueTrial,
    EndTrial,
}
