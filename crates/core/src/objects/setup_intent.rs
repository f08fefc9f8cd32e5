//! SetupIntents (`seti_`): https://docs.stripe.com/api/setup_intents/object
//!
//! The object and its parameters live here; how a confirmation moves it between statuses is in [`state`].
//! References (`customer`, `payment_method`) are resolved and checked by the caller against the store, and
//! `pm_card_…` tokens or `payment_method_data` replaced by the id of the payment method made from them,
//! before [`SetupIntent::create`] and [`SetupIntent::update`] run.

mod params;
mod state;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use params::{
    AutomaticPaymentMethodsParams, CardOptionsParams, PaymentMethodOptionsParams, SetupIntentCancel,
    SetupIntentConfirm, SetupIntentCreate, SetupIntentUpdate,
};
use params::{SUPPORTED_TYPES, check_known_types, exclusive, supported_types};
pub use state::{Attempt, AuthenticationOutcome, SetupError, SetupIntentError, Transition, check_ownership};

use super::Object;
use crate::metadata::{self, Metadata};
use crate::patch::Patch;
use crate::{Timestamp, ids};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetupIntent {
    pub id: String,
    pub object: String,
    pub allowed_payment_method_types: Option<Vec<String>>,
    pub application: Option<String>,
    pub automatic_payment_methods: Option<AutomaticPaymentMethods>,
    pub cancellation_reason: Option<CancellationReason>,
    pub client_secret: String,
    pub created: Timestamp,
    pub customer: Option<String>,
    pub customer_account: Option<String>,
    pub description: Option<String>,
    pub excluded_payment_method_types: Option<Vec<String>>,
    pub flow_directions: Option<Vec<FlowDirection>>,
    pub last_setup_error: Option<SetupError>,
    pub latest_attempt: Option<String>,
    pub livemode: bool,
    pub mandate: Option<String>,
    pub metadata: Metadata,
    pub next_action: Option<NextAction>,
    pub on_behalf_of: Option<String>,
    pub payment_method: Option<String>,
    pub payment_method_configuration_details: Option<Value>,
    pub payment_method_options: PaymentMethodOptions,
    pub payment_method_types: Vec<String>,
    pub single_use_mandate: Option<String>,
    pub status: SetupIntentStatus,
    pub usage: Usage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SetupIntentStatus {
    RequiresPaymentMethod,
    RequiresConfirmation,
    RequiresAction,
    Processing,
    Canceled,
    Succeeded,
}

impl SetupIntentStatus {
    /// The status as Stripe spells it, for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequiresPaymentMethod => "requires_payment_method",
            Self::RequiresConfirmation => "requires_confirmation",
            Self::RequiresAction => "requires_action",
            Self::Processing => "processing",
            Self::Canceled => "canceled",
            Self::Succeeded => "succeeded",
        }
    }
}

/// How the saved payment method will be used: `off_session` (Stripe's default) when the customer may be away.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Usage {
    #[default]
    OffSession,
    OnSession,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancellationReason {
    Abandoned,
    Duplicate,
    RequestedByCustomer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowDirection {
    Inbound,
    Outbound,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllowRedirects {
    #[default]
    Always,
    Never,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomaticPaymentMethods {
    pub allow_redirects: Option<AllowRedirects>,
    pub enabled: bool,
}

/// What the customer must do next: pass 3-D Secure, in Stripe's SDK or on a page Portico redirects to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextAction {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_to_url: Option<RedirectToUrl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_stripe_sdk: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedirectToUrl {
    pub return_url: Option<String>,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethodOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardOptions>,
}

impl Default for PaymentMethodOptions {
    /// Stripe stamps the card defaults on every SetupIntent.
    fn default() -> Self {
        Self {
            card: Some(CardOptions {
                mandate_options: None,
                network: None,
                request_three_d_secure: RequestThreeDSecure::Automatic,
            }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardOptions {
    pub mandate_options: Option<Value>,
    pub network: Option<String>,
    pub request_three_d_secure: RequestThreeDSecure,
}

/// `challenge` asks for 3-D Secure even where the issuer would not; test cards then need authentication.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestThreeDSecure {
    Any,
    #[default]
    Automatic,
    Challenge,
}

impl Object for SetupIntent {
    const KIND: &'static str = "setup_intent";
    const PREFIX: &'static str = "seti";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
    fn customer(&self) -> Option<&str> {
        self.customer.as_deref()
    }
}

impl SetupIntent {
    /// Builds a new SetupIntent. `params.payment_method` must already be the id of a stored payment method
    /// (the caller turns tokens and `payment_method_data` into one); confirming is the caller's next step.
    pub fn create(params: SetupIntentCreate, livemode: bool, now: Timestamp) -> Result<Self, SetupIntentError> {
        params.validate()?;
        let id = ids::new_id(Self::PREFIX);
        let payment_method_types = match &params.allowed_payment_method_types {
            Some(allowed) => supported_types(allowed, "allowed_payment_method_types")?,
            None => SUPPORTED_TYPES.iter().map(|t| (*t).to_owned()).collect(),
        };
        if let Some(excluded) = &params.excluded_payment_method_types {
            check_known_types(excluded, "excluded_payment_method_types")?;
        }
        // Since 2023-08-16 intents use the Dashboard's payment methods unless told which types to allow.
        let automatic_payment_methods = match (&params.allowed_payment_method_types, params.automatic_payment_methods) {
            (Some(_), _) => None,
            (None, Some(apm)) => Some(AutomaticPaymentMethods {
                allow_redirects: apm.enabled.then(|| apm.allow_redirects.unwrap_or_default()),
                enabled: apm.enabled,
            }),
            (None, None) => {
                Some(AutomaticPaymentMethods { allow_redirects: Some(AllowRedirects::Always), enabled: true })
            }
        };
        let mut intent = SetupIntent {
            client_secret: ids::client_secret(&id),
            id,
            object: Self::KIND.into(),
            allowed_payment_method_types: params.allowed_payment_method_types,
            application: None,
            automatic_payment_methods,
            cancellation_reason: None,
            created: now,
            customer: params.customer,
            customer_account: None,
            description: params.description,
            excluded_payment_method_types: params.excluded_payment_method_types,
            flow_directions: params.flow_directions,
            last_setup_error: None,
            latest_attempt: None,
            livemode,
            mandate: None,
            metadata: Metadata::new(),
            next_action: None,
            on_behalf_of: None,
            status: if params.payment_method.is_some() {
                SetupIntentStatus::RequiresConfirmation
            } else {
                SetupIntentStatus::RequiresPaymentMethod
            },
            payment_method: params.payment_method,
            payment_method_configuration_details: None,
            payment_method_options: PaymentMethodOptions::default(),
            payment_method_types,
            single_use_mandate: None,
            usage: params.usage.unwrap_or_default(),
        };
        if let Some(options) = params.payment_method_options {
            intent.payment_method_options.apply(options)?;
        }
        metadata::apply(&mut intent.metadata, params.metadata)?;
        Ok(intent)
    }

    /// Applies an update in place, or leaves the intent untouched. As with create, `params.payment_method`
    /// is already a stored payment method's id. A new payment method makes the intent ready to confirm again.
    pub fn update(&mut self, params: SetupIntentUpdate) -> Result<(), SetupIntentError> {
        if params.payment_method_types.is_some() {
            return Err(SetupIntentError::PaymentMethodTypesNoLongerSupported);
        }
        let mut next = self.clone();
        if let Some(customer) = params.customer {
            next.customer = Some(customer);
        }
        params.description.apply_to(&mut next.description);
        if let Patch::Set(excluded) = &params.excluded_payment_method_types {
            if next.allowed_payment_method_types.is_some() {
                return Err(exclusive(&["allowed_payment_method_types", "excluded_payment_method_types"]).into());
            }
            check_known_types(excluded, "excluded_payment_method_types")?;
        }
        params.excluded_payment_method_types.apply_to(&mut next.excluded_payment_method_types);
        params.flow_directions.apply_to(&mut next.flow_directions);
        metadata::apply(&mut next.metadata, params.metadata)?;
        if let Some(options) = params.payment_method_options {
            next.payment_method_options.apply(options)?;
        }
        if let Some(payment_method) = params.payment_method {
            next.replace_payment_method(payment_method)?;
        }
        *self = next;
        Ok(())
    }

    /// Sets the payment method a later confirmation will use.
    fn replace_payment_method(&mut self, payment_method: String) -> Result<(), SetupIntentError> {
        match self.status {
            SetupIntentStatus::Succeeded => Err(SetupIntentError::UnexpectedState(
                "You cannot update this SetupIntent because it has already succeeded.".into(),
            )),
            SetupIntentStatus::Canceled => Err(SetupIntentError::UnexpectedState(
                "You cannot update this SetupIntent because it has been canceled.".into(),
            )),
            _ => {
                self.payment_method = Some(payment_method);
                self.status = SetupIntentStatus::RequiresConfirmation;
                self.next_action = None;
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests;
