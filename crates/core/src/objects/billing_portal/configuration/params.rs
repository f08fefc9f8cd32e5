//! The parameters of `POST /v1/billing_portal/configurations` and `…/{id}`. Both share one tree; the fields that
//! are required on create but optional on update are `Option`s checked by [`FeaturesParams::require_for_create`].
//! Lists are `Patch`es so that `""` (an empty list) can be told apart from an absent parameter.

use serde::Deserialize;

use super::features::{
    AllowedUpdate, BillingCycleAnchor, CancelMode, CancellationOption, CustomerField, PauseDurationType,
    ProrationBehavior, ScheduleConditionType, TrialUpdateBehavior,
};
use crate::error::ParamError;
use crate::metadata::Metadata;
use crate::objects::price::Interval;
use crate::patch::Patch;

/// `POST /v1/billing_portal/configurations`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigurationCreate {
    pub features: FeaturesParams,
    pub business_profile: Option<BusinessProfileParams>,
    #[serde(default)]
    pub default_return_url: Patch<String>,
    pub login_page: Option<LoginPageParams>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    #[serde(default)]
    pub name: Patch<String>,
    /// Portico extension: see [`super::Configuration::portico_retention_coupon`].
    #[serde(default)]
    pub portico_retention_coupon: Patch<String>,
}

/// `POST /v1/billing_portal/configurations/{id}`: every field optional, only sent leaves change.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigurationUpdate {
    pub active: Option<bool>,
    pub features: Option<FeaturesParams>,
    pub business_profile: Option<BusinessProfileParams>,
    #[serde(default)]
    pub default_return_url: Patch<String>,
    pub login_page: Option<LoginPageParams>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    #[serde(default)]
    pub name: Patch<String>,
    /// Portico extension: see [`super::Configuration::portico_retention_coupon`].
    #[serde(default)]
    pub portico_retention_coupon: Patch<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessProfileParams {
    #[serde(default)]
    pub headline: Patch<String>,
    #[serde(default)]
    pub privacy_policy_url: Patch<String>,
    #[serde(default)]
    pub terms_of_service_url: Patch<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginPageParams {
    pub enabled: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeaturesParams {
    pub customer_update: Option<CustomerUpdateParams>,
    pub invoice_history: Option<InvoiceHistoryParams>,
    pub payment_method_update: Option<PaymentMethodUpdateParams>,
    pub subscription_cancel: Option<SubscriptionCancelParams>,
    pub subscription_pause: Option<SubscriptionPauseParams>,
    pub subscription_update: Option<SubscriptionUpdateParams>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerUpdateParams {
    pub enabled: Option<bool>,
    #[serde(default)]
    pub allowed_updates: Patch<Vec<CustomerField>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceHistoryParams {
    pub enabled: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentMethodUpdateParams {
    pub enabled: bool,
    #[serde(default)]
    pub payment_method_configuration: Patch<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionCancelParams {
    pub enabled: Option<bool>,
    pub mode: Option<CancelMode>,
    pub proration_behavior: Option<ProrationBehavior>,
    pub cancellation_reason: Option<CancellationReasonParams>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancellationReasonParams {
    pub enabled: bool,
    #[serde(default)]
    pub options: Patch<Vec<CancellationOption>>,
    #[serde(default)]
    pub feedback_options: Patch<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionPauseParams {
    pub enabled: Option<bool>,
    pub duration: Option<PauseDurationParams>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PauseDurationParams {
    #[serde(rename = "type")]
    pub kind: PauseDurationType,
    #[serde(default)]
    pub interval_options: Patch<Vec<PauseIntervalParams>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PauseIntervalParams {
    pub interval: Interval,
    pub interval_count: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionUpdateParams {
    pub enabled: Option<bool>,
    pub billing_cycle_anchor: Option<BillingCycleAnchor>,
    #[serde(default)]
    pub default_allowed_updates: Patch<Vec<AllowedUpdate>>,
    #[serde(default)]
    pub products: Patch<Vec<UpdateProductParams>>,
    pub proration_behavior: Option<ProrationBehavior>,
    pub schedule_at_period_end: Option<ScheduleAtPeriodEndParams>,
    pub trial_update_behavior: Option<TrialUpdateBehavior>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateProductParams {
    pub product: String,
    pub prices: Vec<String>,
    pub adjustable_quantity: Option<AdjustableQuantityParams>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdjustableQuantityParams {
    pub enabled: bool,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleAtPeriodEndParams {
    #[serde(default)]
    pub conditions: Patch<Vec<ScheduleConditionParams>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleConditionParams {
    #[serde(rename = "type")]
    pub kind: ScheduleConditionType,
}

impl FeaturesParams {
    /// The products offered for switching, when this request sets them: what the API loads from the catalog
    /// before asking the core to check them.
    pub fn offered_products(&self) -> &[UpdateProductParams] {
        match self.subscription_update.as_ref().map(|update| &update.products) {
            Some(Patch::Set(products)) => products,
            _ => &[],
        }
    }

    /// The parameters a create needs that an update may leave out: each sent feature's `enabled`, the
    /// cancellation survey's `options`, and an enabled subscription update's `default_allowed_updates` and
    /// `products` (Stripe made those two optional only for a disabled feature, 2024-09-30).
    pub fn require_for_create(&self) -> Result<(), ParamError> {
        let missing = |param: &str| Err(ParamError::missing(param));
        if self.customer_update.as_ref().is_some_and(|p| p.enabled.is_none()) {
            return missing("features[customer_update][enabled]");
        }
        if let Some(cancel) = &self.subscription_cancel {
            if cancel.enabled.is_none() {
                return missing("features[subscription_cancel][enabled]");
            }
            if cancel.cancellation_reason.as_ref().is_some_and(|reason| reason.options.is_absent()) {
                return missing("features[subscription_cancel][cancellation_reason][options]");
            }
        }
        if let Some(update) = &self.subscription_update {
            match update.enabled {
                None => return missing("features[subscription_update][enabled]"),
                Some(true) if update.default_allowed_updates.is_absent() => {
                    return missing("features[subscription_update][default_allowed_updates]");
                }
                Some(true) if update.products.is_absent() => return missing("features[subscription_update][products]"),
                Some(_) => {}
            }
        }
        Ok(())
    }
}

/// A list parameter's new value: `""` empties it.
pub(super) fn list<T>(patch: Patch<Vec<T>>) -> Option<Vec<T>> {
    match patch {
        Patch::Absent => None,
        Patch::Clear => Some(Vec::new()),
        Patch::Set(items) => Some(items),
    }
}
