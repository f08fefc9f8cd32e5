//! Parameters of `POST /v1/subscriptions`, `POST /v1/subscriptions/{id}` and `DELETE /v1/subscriptions/{id}`.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use super::{BillingModeType, CollectionMethod};
use crate::Timestamp;
use crate::metadata::Metadata;
use crate::patch::Patch;

/// A timestamp, or `now` (`trial_end`, `billing_cycle_anchor` on some endpoints).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TimeOrNow {
    Now,
    At(Timestamp),
}

impl TimeOrNow {
    pub fn resolve(self, now: Timestamp) -> Timestamp {
        match self {
            Self::Now => now,
            Self::At(t) => t,
        }
    }
}

impl<'de> Deserialize<'de> for TimeOrNow {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = TimeOrNow;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a Unix timestamp or `now`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TimeOrNow, E> {
                if v == "now" {
                    return Ok(TimeOrNow::Now);
                }
                v.parse().map(TimeOrNow::At).map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TimeOrNow, E> {
                Ok(TimeOrNow::At(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TimeOrNow, E> {
                Ok(TimeOrNow::At(v as i64))
            }
        }
        deserializer.deserialize_any(V)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentBehavior {
    #[default]
    AllowIncomplete,
    DefaultIncomplete,
    ErrorIfIncomplete,
    PendingIfIncomplete,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProrationBehavior {
    #[default]
    CreateProrations,
    None,
    AlwaysInvoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnchorChange {
    Now,
    Unchanged,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemParams {
    pub id: Option<String>,
    pub price: Option<String>,
    pub quantity: Option<i64>,
    pub metadata: Option<Metadata>,
    #[serde(default)]
    pub tax_rates: Patch<Vec<String>>,
    pub deleted: Option<bool>,
    pub clear_usage: Option<bool>,
    #[serde(default)]
    pub discounts: Patch<Vec<DiscountParams>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscountParams {
    pub coupon: Option<String>,
    pub promotion_code: Option<String>,
    pub discount: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BillingModeParams {
    #[serde(rename = "type")]
    pub kind: Option<BillingModeType>,
    pub flexible: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrialSettingsParams {
    pub end_behavior: Option<TrialEndBehaviorParams>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrialEndBehaviorParams {
    pub missing_payment_method: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancellationDetailsParams {
    #[serde(default)]
    pub comment: Patch<String>,
    #[serde(default)]
    pub feedback: Patch<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PauseCollectionParams {
    pub behavior: Option<String>,
    pub resumes_at: Option<Timestamp>,
}

/// `POST /v1/subscriptions`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionCreate {
    pub customer: Option<String>,
    pub items: Option<Vec<ItemParams>>,
    pub billing_cycle_anchor: Option<Timestamp>,
    pub billing_mode: Option<BillingModeParams>,
    pub cancel_at: Option<Timestamp>,
    pub cancel_at_period_end: Option<bool>,
    pub collection_method: Option<CollectionMethod>,
    pub currency: Option<String>,
    pub days_until_due: Option<i64>,
    pub default_payment_method: Option<String>,
    #[serde(default)]
    pub default_tax_rates: Patch<Vec<String>>,
    pub description: Option<String>,
    #[serde(default)]
    pub discounts: Patch<Vec<DiscountParams>>,
    pub metadata: Option<Metadata>,
    pub off_session: Option<bool>,
    pub payment_behavior: Option<PaymentBehavior>,
    pub proration_behavior: Option<ProrationBehavior>,
    pub trial_end: Option<TimeOrNow>,
    pub trial_from_plan: Option<bool>,
    pub trial_period_days: Option<i64>,
    pub trial_settings: Option<TrialSettingsParams>,
}

/// `POST /v1/subscriptions/{id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionUpdate {
    pub items: Option<Vec<ItemParams>>,
    pub billing_cycle_anchor: Option<AnchorChange>,
    #[serde(default)]
    pub cancel_at: Patch<Timestamp>,
    pub cancel_at_period_end: Option<bool>,
    pub cancellation_details: Option<CancellationDetailsParams>,
    pub collection_method: Option<CollectionMethod>,
    pub days_until_due: Option<i64>,
    #[serde(default)]
    pub default_payment_method: Patch<String>,
    #[serde(default)]
    pub default_tax_rates: Patch<Vec<String>>,
    #[serde(default)]
    pub description: Patch<String>,
    #[serde(default)]
    pub discounts: Patch<Vec<DiscountParams>>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    pub off_session: Option<bool>,
    #[serde(default)]
    pub pause_collection: Patch<PauseCollectionParams>,
    pub payment_behavior: Option<PaymentBehavior>,
    pub proration_behavior: Option<ProrationBehavior>,
    pub proration_date: Option<Timestamp>,
    pub trial_end: Option<TimeOrNow>,
    pub trial_from_plan: Option<bool>,
    pub trial_settings: Option<TrialSettingsParams>,
}

/// `DELETE /v1/subscriptions/{id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionCancel {
    pub cancellation_details: Option<CancellationDetailsParams>,
    pub invoice_now: Option<bool>,
    pub prorate: Option<bool>,
}

/// `POST /v1/subscriptions/{id}/pause`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionPause {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub bill_for: Option<serde_json::Value>,
    pub invoicing_behavior: Option<String>,
}

/// `POST /v1/subscriptions/{id}/resume`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionResume {
    pub billing_cycle_anchor: Option<AnchorChange>,
    pub proration_behavior: Option<ProrationBehavior>,
    pub proration_date: Option<Timestamp>,
    pub payment_behavior: Option<String>,
}
