//! Deep links (`flow_data`): a session that drops the customer into one task. The response echoes the flow in
//! Stripe's normalised shape: every sub-object present, null unless it belongs to the chosen type.
//! https://docs.stripe.com/customer-management/portal-deep-links

use serde::{Deserialize, Serialize};

use crate::error::ParamError;
use crate::objects::billing_portal::configuration::Configuration;
use crate::objects::price::rules::{at_least, exclusive};
use crate::objects::product::too_long;
use crate::urls::check as check_url;

/// Stripe's limit on a hosted confirmation's message.
const MAX_CUSTOM_MESSAGE_CHARS: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowType {
    CustomerUpdate,
    PaymentMethodUpdate,
    SubscriptionCancel,
    SubscriptionPause,
    SubscriptionUpdate,
    SubscriptionUpdateConfirm,
}

impl FlowType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CustomerUpdate => "customer_update",
            Self::PaymentMethodUpdate => "payment_method_update",
            Self::SubscriptionCancel => "subscription_cancel",
            Self::SubscriptionPause => "subscription_pause",
            Self::SubscriptionUpdate => "subscription_update",
            Self::SubscriptionUpdateConfirm => "subscription_update_confirm",
        }
    }
}

/// The flow as a session shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flow {
    pub after_completion: AfterCompletion,
    pub customer_update: Option<Empty>,
    pub subscription_cancel: Option<SubscriptionCancel>,
    pub subscription_pause: Option<SubscriptionRef>,
    pub subscription_update: Option<SubscriptionRef>,
    pub subscription_update_confirm: Option<SubscriptionUpdateConfirm>,
    #[serde(rename = "type")]
    pub kind: FlowType,
}

/// `{}`: the `customer_update` flow has no settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AfterCompletion {
    pub hosted_confirmation: Option<HostedConfirmation>,
    pub redirect: Option<Redirect>,
    #[serde(rename = "type")]
    pub kind: AfterCompletionType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AfterCompletionType {
    HostedConfirmation,
    PortalHomepage,
    Redirect,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostedConfirmation {
    pub custom_message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redirect {
    pub return_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionCancel {
    pub retention: Option<Retention>,
    pub subscription: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    pub coupon_offer: CouponOffer,
    #[serde(rename = "type")]
    pub kind: RetentionType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetentionType {
    CouponOffer,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CouponOffer {
    pub coupon: String,
}

/// The one subscription a flow acts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionRef {
    pub subscription: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionUpdateConfirm {
    pub discounts: Option<Vec<ConfirmDiscount>>,
    pub items: Vec<ConfirmItem>,
    pub subscription: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmDiscount {
    pub coupon: Option<String>,
    pub promotion_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmItem {
    pub id: String,
    pub price: Option<String>,
    pub quantity: Option<i64>,
}

/// `flow_data`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowData {
    #[serde(rename = "type")]
    pub kind: FlowType,
    pub after_completion: Option<AfterCompletionParams>,
    pub subscription_cancel: Option<SubscriptionCancelParams>,
    pub subscription_pause: Option<SubscriptionRef>,
    pub subscription_update: Option<SubscriptionRef>,
    pub subscription_update_confirm: Option<SubscriptionUpdateConfirmParams>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AfterCompletionParams {
    #[serde(rename = "type")]
    pub kind: AfterCompletionType,
    pub hosted_confirmation: Option<HostedConfirmation>,
    pub redirect: Option<Redirect>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionCancelParams {
    pub subscription: String,
    pub retention: Option<Retention>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionUpdateConfirmParams {
    pub subscription: String,
    pub items: Vec<ConfirmItemParams>,
    pub discounts: Option<Vec<ConfirmDiscount>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmItemParams {
    pub id: String,
    pub price: Option<String>,
    pub quantity: Option<i64>,
}

const CONFIRM: &str = "flow_data[subscription_update_confirm]";

/// Checks `flow_data` on its own and shapes it as the session shows it: the chosen type's settings present
/// (and only those), `after_completion` consistent with its type (a hosted confirmation by default).
pub fn normalise(params: FlowData) -> Result<Flow, ParamError> {
    let kind = params.kind;
    let settings: [(FlowType, bool); 4] = [
        (FlowType::SubscriptionCancel, params.subscription_cancel.is_some()),
        (FlowType::SubscriptionPause, params.subscription_pause.is_some()),
        (FlowType::SubscriptionUpdate, params.subscription_update.is_some()),
        (FlowType::SubscriptionUpdateConfirm, params.subscription_update_confirm.is_some()),
    ];
    for (other, sent) in settings {
        let name = other.as_str();
        if sent && other != kind {
            return Err(ParamError::invalid(
                &format!("flow_data[{name}]"),
                format!("flow_data[{name}] can only be given when flow_data[type] is {name}; it is {}.", kind.as_str()),
            ));
        }
        if !sent && other == kind {
            return Err(ParamError::missing(&format!("flow_data[{name}]")));
        }
    }
    let after_completion = after_completion(params.after_completion)?;
    let confirm = params.subscription_update_confirm.map(confirm).transpose()?;
    Ok(Flow {
        after_completion,
        customer_update: (kind == FlowType::CustomerUpdate).then(Empty::default),
        subscription_cancel: params
            .subscription_cancel
            .map(|p| SubscriptionCancel { retention: p.retention, subscription: p.subscription }),
        subscription_pause: params.subscription_pause,
        subscription_update: params.subscription_update,
        subscription_update_confirm: confirm,
        kind,
    })
}

fn after_completion(params: Option<AfterCompletionParams>) -> Result<AfterCompletion, ParamError> {
    let Some(params) = params else {
        return Ok(AfterCompletion {
            hosted_confirmation: Some(HostedConfirmation::default()),
            redirect: None,
            kind: AfterCompletionType::HostedConfirmation,
        });
    };
    let only_for = |field: &str| {
        let param = format!("flow_data[after_completion][{field}]");
        let message = format!("{param} can only be given when flow_data[after_completion][type] is {field}.");
        Err(ParamError::invalid(&param, message))
    };
    match params.kind {
        AfterCompletionType::HostedConfirmation => {
            if params.redirect.is_some() {
                return only_for("redirect");
            }
            let confirmation = params.hosted_confirmation.unwrap_or_default();
            if confirmation.custom_message.as_ref().is_some_and(|m| m.chars().count() > MAX_CUSTOM_MESSAGE_CHARS) {
                return Err(too_long(
                    "flow_data[after_completion][hosted_confirmation][custom_message]",
                    MAX_CUSTOM_MESSAGE_CHARS,
                ));
            }
            Ok(AfterCompletion { hosted_confirmation: Some(confirmation), redirect: None, kind: params.kind })
        }
        AfterCompletionType::Redirect => {
            if params.hosted_confirmation.is_some() {
                return only_for("hosted_confirmation");
            }
            let Some(redirect) = params.redirect else {
                return Err(ParamError::missing("flow_data[after_completion][redirect]"));
            };
            check_url("flow_data[after_completion][redirect][return_url]", &redirect.return_url)?;
            Ok(AfterCompletion { hosted_confirmation: None, redirect: Some(redirect), kind: params.kind })
        }
        AfterCompletionType::PortalHomepage => {
            if params.redirect.is_some() {
                return only_for("redirect");
            }
            if params.hosted_confirmation.is_some() {
                return only_for("hosted_confirmation");
            }
            Ok(AfterCompletion { hosted_confirmation: None, redirect: None, kind: params.kind })
        }
    }
}

/// Exactly one item (the portal updates single-item subscriptions only) and at most one discount, each
/// either a coupon or a promotion code.
fn confirm(params: SubscriptionUpdateConfirmParams) -> Result<SubscriptionUpdateConfirm, ParamError> {
    match params.items.len() {
        1 => {}
        0 => {
            return Err(ParamError::invalid(&format!("{CONFIRM}[items]"), "Give the one subscription item to update."));
        }
        _ => {
            return Err(ParamError::invalid(
                &format!("{CONFIRM}[items]"),
                "Only one item can be updated through a subscription_update_confirm flow; subscriptions with several \
                 items cannot be updated in the customer portal.",
            ));
        }
    }
    let items = params
        .items
        .into_iter()
        .enumerate()
        .map(|(index, item)| match item.quantity {
            Some(quantity) if quantity < 0 => {
                Err(at_least(&format!("{CONFIRM}[items][{index}][quantity]"), 0, quantity))
            }
            _ => Ok(ConfirmItem { id: item.id, price: item.price, quantity: item.quantity }),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(discounts) = &params.discounts {
        if discounts.len() > 1 {
            return Err(ParamError::invalid(
                &format!("{CONFIRM}[discounts]"),
                "Only one discount can be applied through a subscription_update_confirm flow.",
            ));
        }
        for (index, discount) in discounts.iter().enumerate() {
            let at = format!("{CONFIRM}[discounts][{index}]");
            match (&discount.coupon, &discount.promotion_code) {
                (Some(_), Some(_)) => {
                    return Err(exclusive(&format!("{at}[coupon]"), &format!("{at}[promotion_code]")));
                }
                (None, None) => {
                    return Err(ParamError::invalid(&at, "You must specify one of `coupon` or `promotion_code`."));
                }
                _ => {}
            }
        }
    }
    Ok(SubscriptionUpdateConfirm { discounts: params.discounts, items, subscription: params.subscription })
}

/// The configuration must enable the feature the flow opens.
pub fn check_enabled(flow: &Flow, configuration: &Configuration) -> Result<(), ParamError> {
    let features = &configuration.features;
    let (enabled, feature) = match flow.kind {
        FlowType::CustomerUpdate => (features.customer_update.enabled, "customer_update"),
        FlowType::PaymentMethodUpdate => (features.payment_method_update.enabled, "payment_method_update"),
        FlowType::SubscriptionCancel => (features.subscription_cancel.enabled, "subscription_cancel"),
        FlowType::SubscriptionPause => (features.subscription_pause.enabled, "subscription_pause"),
        FlowType::SubscriptionUpdate | FlowType::SubscriptionUpdateConfirm => {
            (features.subscription_update.enabled, "subscription_update")
        }
    };
    if !enabled {
        return Err(ParamError::invalid(
            "flow_data[type]",
            format!(
                "The {} flow needs features.{feature}.enabled, which the configuration {} does not set.",
                flow.kind.as_str(),
                configuration.id
            ),
        ));
    }
    Ok(())
}

impl Flow {
    /// The subscription the flow acts on and the parameter that named it.
    pub fn subscription(&self) -> Option<(&str, String)> {
        let param = |kind: FlowType| format!("flow_data[{}][subscription]", kind.as_str());
        if let Some(cancel) = &self.subscription_cancel {
            return Some((&cancel.subscription, param(FlowType::SubscriptionCancel)));
        }
        if let Some(pause) = &self.subscription_pause {
            return Some((&pause.subscription, param(FlowType::SubscriptionPause)));
        }
        if let Some(update) = &self.subscription_update {
            return Some((&update.subscription, param(FlowType::SubscriptionUpdate)));
        }
        self.subscription_update_confirm
            .as_ref()
            .map(|confirm| (confirm.subscription.as_str(), param(FlowType::SubscriptionUpdateConfirm)))
    }
}
