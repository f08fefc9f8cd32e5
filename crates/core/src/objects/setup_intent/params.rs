//! SetupIntent parameters and the rules between them.

use serde::Deserialize;
use serde_json::Value;

use super::{
    AllowRedirects, CancellationReason, CardOptions, FlowDirection, PaymentMethodOptions, RequestThreeDSecure,
    SetupIntentError, Usage,
};
use crate::error::{ParamCode, ParamError};
use crate::metadata::Metadata;
use crate::objects::payment_method::{PaymentMethodData, PaymentMethodType};
use crate::patch::Patch;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentMethodOptionsParams {
    pub card: Option<CardOptionsParams>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardOptionsParams {
    pub mandate_options: Option<Value>,
    pub network: Option<String>,
    pub request_three_d_secure: Option<RequestThreeDSecure>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutomaticPaymentMethodsParams {
    pub enabled: bool,
    pub allow_redirects: Option<AllowRedirects>,
}

/// `POST /v1/setup_intents`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetupIntentCreate {
    pub allowed_payment_method_types: Option<Vec<String>>,
    pub automatic_payment_methods: Option<AutomaticPaymentMethodsParams>,
    pub confirm: Option<bool>,
    pub customer: Option<String>,
    pub description: Option<String>,
    pub excluded_payment_method_types: Option<Vec<String>>,
    pub flow_directions: Option<Vec<FlowDirection>>,
    /// Accepted: card setups create no mandate, so there is nothing to keep it on.
    pub mandate_data: Option<Value>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    pub payment_method: Option<String>,
    pub payment_method_data: Option<PaymentMethodData>,
    pub payment_method_options: Option<PaymentMethodOptionsParams>,
    /// Removed by Stripe in this API version; kept only to answer with Stripe's error.
    pub payment_method_types: Option<Value>,
    pub return_url: Option<String>,
    pub usage: Option<Usage>,
    pub use_stripe_sdk: Option<bool>,
}

/// `POST /v1/setup_intents/{id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetupIntentUpdate {
    pub customer: Option<String>,
    #[serde(default)]
    pub description: Patch<String>,
    #[serde(default)]
    pub excluded_payment_method_types: Patch<Vec<String>>,
    #[serde(default)]
    pub flow_directions: Patch<Vec<FlowDirection>>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    pub payment_method: Option<String>,
    pub payment_method_data: Option<PaymentMethodData>,
    pub payment_method_options: Option<PaymentMethodOptionsParams>,
    pub payment_method_types: Option<Value>,
}

/// `POST /v1/setup_intents/{id}/confirm`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetupIntentConfirm {
    /// Sent by Stripe.js with a publishable key; a secret key needs none.
    pub client_secret: Option<String>,
    pub mandate_data: Option<Value>,
    pub payment_method: Option<String>,
    pub payment_method_data: Option<PaymentMethodData>,
    pub payment_method_options: Option<PaymentMethodOptionsParams>,
    pub return_url: Option<String>,
    pub use_stripe_sdk: Option<bool>,
}

/// `POST /v1/setup_intents/{id}/cancel`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetupIntentCancel {
    pub cancellation_reason: Option<CancellationReason>,
}

/// The only payment method type Portico can set up so far.
pub(super) const SUPPORTED_TYPES: &[&str] = &["card"];

/// The networks `payment_method_options[card][network]` may name.
#[rustfmt::skip]
const CARD_NETWORKS: &[&str] = &[
    "amex", "cartes_bancaires", "diners", "discover", "eftpos_au", "girocard", "interac", "jcb", "link",
    "mastercard", "unionpay", "unknown", "visa",
];

impl SetupIntentCreate {
    /// The rules between parameters, checked before any reference is looked up.
    pub fn validate(&self) -> Result<(), SetupIntentError> {
        if self.payment_method_types.is_some() {
            return Err(SetupIntentError::PaymentMethodTypesNoLongerSupported);
        }
        if self.payment_method.is_some() && self.payment_method_data.is_some() {
            return Err(exclusive(&["payment_method", "payment_method_data"]).into());
        }
        if self.allowed_payment_method_types.is_some() {
            if self.automatic_payment_methods.is_some() {
                return Err(exclusive(&["allowed_payment_method_types", "automatic_payment_methods"]).into());
            }
            if self.excluded_payment_method_types.is_some() {
                return Err(exclusive(&["allowed_payment_method_types", "excluded_payment_method_types"]).into());
            }
        }
        if self.confirm != Some(true) {
            for (given, param) in [
                (self.return_url.is_some(), "return_url"),
                (self.use_stripe_sdk.is_some(), "use_stripe_sdk"),
                (self.mandate_data.is_some(), "mandate_data"),
            ] {
                if given {
                    return Err(ParamError::invalid(
                        param,
                        format!("The parameter `{param}` can only be used when `confirm` is true."),
                    )
                    .into());
                }
            }
        }
        Ok(())
    }
}

pub(super) fn exclusive(params: &[&str]) -> ParamError {
    let message = format!("You may only specify one of these parameters: {}.", params.join(", "));
    ParamError::new(ParamCode::ParametersExclusive, params[params.len() - 1], message)
}

impl PaymentMethodOptions {
    /// Merges `payment_method_options` parameters into the stored options.
    pub fn apply(&mut self, params: PaymentMethodOptionsParams) -> Result<(), ParamError> {
        let Some(card_params) = params.card else { return Ok(()) };
        let card = self.card.get_or_insert_with(|| CardOptions {
            mandate_options: None,
            network: None,
            request_three_d_secure: RequestThreeDSecure::Automatic,
        });
        if let Some(network) = card_params.network {
            if !CARD_NETWORKS.contains(&network.as_str()) {
                let param = "payment_method_options[card][network]";
                return Err(ParamError::invalid(
                    param,
                    format!("Invalid {param}: must be one of {}", CARD_NETWORKS.join(", ")),
                ));
            }
            card.network = Some(network);
        }
        if let Some(request) = card_params.request_three_d_secure {
            card.request_three_d_secure = request;
        }
        if let Some(mandate_options) = card_params.mandate_options {
            card.mandate_options = Some(mandate_options);
        }
        Ok(())
    }
}

pub(super) fn check_known_types(types: &[String], param: &str) -> Result<(), ParamError> {
    for (index, kind) in types.iter().enumerate() {
        if !PaymentMethodType::is_known(kind) {
            let param = format!("{param}[{index}]");
            return Err(ParamError::invalid(
                &param,
                format!("Invalid {param}: `{kind}` is not a payment method type."),
            ));
        }
    }
    Ok(())
}

/// `allowed_payment_method_types` narrowed to what Portico supports, as Stripe silently drops types that do
/// not fit; an error when nothing is left.
pub(super) fn supported_types(allowed: &[String], param: &str) -> Result<Vec<String>, ParamError> {
    check_known_types(allowed, param)?;
    let kept: Vec<String> = allowed.iter().filter(|t| SUPPORTED_TYPES.contains(&t.as_str())).cloned().collect();
    if kept.is_empty() {
        return Err(ParamError::invalid(
            param,
            format!("None of {} is supported by Portico yet; only `card` is.", allowed.join(", ")),
        ));
    }
    Ok(kept)
}
