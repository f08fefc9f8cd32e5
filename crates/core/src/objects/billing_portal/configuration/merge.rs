//! How a `features` parameter tree merges into a configuration's features: only the sent leaves change, and
//! the rules that span several features are checked on the result.

use super::features::{
    AllowedUpdate, CancelMode, CancellationOption, CancellationReason, Features, PauseDurationType, PauseInterval,
    ProrationBehavior, ScheduleAtPeriodEnd, ScheduleCondition,
};
use super::offers::{self, CatalogEntry};
use super::params::{self, FeaturesParams, list};
use crate::error::{ParamCode, ParamError};
use crate::objects::price::rules::{at_least, at_most};
use crate::patch::Patch;

/// Merges `params` into `features`, then checks the result; on a refusal `features` may be half-merged, so
/// callers merge into a copy.
pub(super) fn apply(
    features: &mut Features,
    params: FeaturesParams,
    catalog: &[CatalogEntry],
) -> Result<(), ParamError> {
    let sent = Sent::of(&params);
    apply_features(features, params, catalog)?;
    check_features(features, &sent)
}

/// Which parameters of a `features` tree were sent, for the rules that look at the merged result but name the
/// parameter the caller sent.
#[derive(Debug, Default)]
struct Sent {
    cancel_mode: bool,
    cancel_proration: bool,
}

impl Sent {
    fn of(params: &FeaturesParams) -> Self {
        let cancel = params.subscription_cancel.as_ref();
        Sent {
            cancel_mode: cancel.is_some_and(|c| c.mode.is_some()),
            cancel_proration: cancel.is_some_and(|c| c.proration_behavior.is_some()),
        }
    }
}

fn apply_features(features: &mut Features, params: FeaturesParams, catalog: &[CatalogEntry]) -> Result<(), ParamError> {
    if let Some(params) = params.customer_update {
        let feature = &mut features.customer_update;
        feature.enabled = params.enabled.unwrap_or(feature.enabled);
        if let Some(fields) = list(params.allowed_updates) {
            feature.allowed_updates = deduplicated(fields);
        }
    }
    if let Some(params) = params.invoice_history {
        features.invoice_history.enabled = params.enabled;
    }
    if let Some(params) = params.payment_method_update {
        let feature = &mut features.payment_method_update;
        feature.enabled = params.enabled;
        params.payment_method_configuration.apply_to(&mut feature.payment_method_configuration);
    }
    if let Some(params) = params.subscription_cancel {
        let feature = &mut features.subscription_cancel;
        feature.enabled = params.enabled.unwrap_or(feature.enabled);
        feature.mode = params.mode.unwrap_or(feature.mode);
        if let Some(behavior) = params.proration_behavior {
            if behavior == ProrationBehavior::AlwaysInvoice {
                return Err(ParamError::invalid(
                    "features[subscription_cancel][proration_behavior]",
                    "Invalid proration_behavior: `always_invoice` is not supported when canceling subscriptions in \
                     the customer portal; must be one of none or create_prorations",
                ));
            }
            feature.proration_behavior = behavior;
        }
        if let Some(params) = params.cancellation_reason {
            let reason: &mut CancellationReason = &mut feature.cancellation_reason;
            reason.enabled = params.enabled;
            if let Some(options) = list(params.options) {
                reason.options = deduplicated::<CancellationOption>(options);
            }
            match params.feedback_options {
                Patch::Absent => {}
                Patch::Clear => reason.feedback_options = None,
                Patch::Set(ids) => reason.feedback_options = Some(ids),
            }
        }
    }
    if let Some(params) = params.subscription_pause {
        let feature = &mut features.subscription_pause;
        feature.enabled = params.enabled.unwrap_or(feature.enabled);
        if let Some(duration) = params.duration {
            let options = list(duration.interval_options).map(pause_intervals).transpose()?;
            feature.duration.interval_options = match (duration.kind, options) {
                (PauseDurationType::Indefinite, Some(options)) if !options.is_empty() => {
                    return Err(ParamError::invalid(
                        "features[subscription_pause][duration][interval_options]",
                        "interval_options can only be given when the duration type is interval_options.",
                    ));
                }
                (PauseDurationType::Indefinite, _) => Vec::new(),
                (PauseDurationType::IntervalOptions, Some(options)) => options,
                (PauseDurationType::IntervalOptions, None) => {
                    return Err(ParamError::missing("features[subscription_pause][duration][interval_options]"));
                }
            };
            feature.duration.kind = duration.kind;
        }
    }
    if let Some(params) = params.subscription_update {
        let feature = &mut features.subscription_update;
        feature.enabled = params.enabled.unwrap_or(feature.enabled);
        if params.billing_cycle_anchor.is_some() {
            feature.billing_cycle_anchor = params.billing_cycle_anchor;
        }
        if let Some(updates) = list(params.default_allowed_updates) {
            feature.default_allowed_updates = deduplicated::<AllowedUpdate>(updates);
        }
        if let Some(products) = list(params.products) {
            feature.products = Some(offers::products(products, catalog)?);
        }
        feature.proration_behavior = params.proration_behavior.unwrap_or(feature.proration_behavior);
        if let Some(schedule) = params.schedule_at_period_end
            && let Some(conditions) = list(schedule.conditions)
        {
            let conditions = conditions.into_iter().map(|c| ScheduleCondition { kind: c.kind }).collect();
            feature.schedule_at_period_end = ScheduleAtPeriodEnd { conditions: deduplicated(conditions) };
        }
        feature.trial_update_behavior = params.trial_update_behavior.unwrap_or(feature.trial_update_behavior);
    }
    Ok(())
}

/// Rules on the merged features, naming the parameter that was sent when there is a choice.
fn check_features(features: &Features, sent: &Sent) -> Result<(), ParamError> {
    let cancel = &features.subscription_cancel;
    if cancel.proration_behavior == ProrationBehavior::CreateProrations && cancel.mode == CancelMode::AtPeriodEnd {
        let field = if sent.cancel_proration || !sent.cancel_mode { "proration_behavior" } else { "mode" };
        return Err(ParamError::invalid(
            &format!("features[subscription_cancel][{field}]"),
            "proration_behavior `create_prorations` is only compatible with mode `immediately`: a cancellation at \
             the period end leaves no unused time to prorate.",
        ));
    }
    let update = &features.subscription_update;
    if update.enabled && !features.payment_method_update.enabled {
        // Stripe's own refusal names no parameter.
        return Err(ParamError {
            code: ParamCode::InvalidRequest,
            param: None,
            message: "Cannot enable subscription updates while payment method update is disabled.".into(),
        });
    }
    if update.enabled && update.products.is_none() {
        return Err(ParamError::missing("features[subscription_update][products]"));
    }
    let pause = &features.subscription_pause.duration;
    if pause.kind == PauseDurationType::IntervalOptions && pause.interval_options.is_empty() {
        return Err(ParamError::invalid(
            "features[subscription_pause][duration][interval_options]",
            "Give at least one pause duration when the duration type is interval_options.",
        ));
    }
    Ok(())
}

/// Each option at least one interval and at most three years long, as Stripe caps pauses.
fn pause_intervals(options: Vec<params::PauseIntervalParams>) -> Result<Vec<PauseInterval>, ParamError> {
    let mut intervals: Vec<PauseInterval> = Vec::with_capacity(options.len());
    for (index, option) in options.into_iter().enumerate() {
        let param = format!("features[subscription_pause][duration][interval_options][{index}][interval_count]");
        let count = option.interval_count.unwrap_or(1);
        if count < 1 {
            return Err(at_least(&param, 1, count));
        }
        if count > option.interval.max_count() {
            return Err(at_most(&param, option.interval.max_count(), count));
        }
        let interval = PauseInterval { interval: option.interval, interval_count: count };
        if !intervals.contains(&interval) {
            intervals.push(interval);
        }
    }
    Ok(intervals)
}

/// A list as given, without repeats (Stripe treats these lists as sets).
fn deduplicated<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut unique: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        if !unique.contains(&item) {
            unique.push(item);
        }
    }
    unique
}
