//! The SetupIntent state machine: `requires_payment_method → requires_confirmation → (requires_action) →
//! succeeded`, back to `requires_payment_method` with `last_setup_error` when the card is refused, and
//! `canceled` from any status before success. Pure: the processor's verdict comes in as an argument.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{
    AllowRedirects, CancellationReason, NextAction, RedirectToUrl, RequestThreeDSecure, SetupIntent, SetupIntentStatus,
};
use crate::cards::{CardError, SetupOutcome};
use crate::error::ParamError;
use crate::objects::payment_method::PaymentMethod;

/// Why a SetupIntent operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetupIntentError {
    #[error(transparent)]
    Param(#[from] ParamError),
    /// `payment_method_types` is no longer writable in this API version (Stripe's 2026-09-30.endive).
    #[error(
        "The `payment_method_types` parameter is no longer supported in this API version. Use `allowed_payment_method_types` or `excluded_payment_method_types` instead."
    )]
    PaymentMethodTypesNoLongerSupported,
    /// The intent's status does not allow the operation (`setup_intent_unexpected_state`).
    #[error("{0}")]
    UnexpectedState(String),
}

/// `last_setup_error`: the error of the last failed attempt, with the payment method it was made with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetupError {
    pub code: String,
    pub decline_code: Option<String>,
    pub doc_url: Option<String>,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    pub payment_method: Option<PaymentMethod>,
    #[serde(rename = "type")]
    pub kind: String,
}

impl SetupError {
    fn new(
        code: &str,
        decline_code: Option<String>,
        message: String,
        param: Option<String>,
        kind: &str,
        payment_method: &PaymentMethod,
    ) -> Self {
        Self {
            code: code.to_owned(),
            decline_code,
            doc_url: Some(format!("https://stripe.com/docs/error-codes/{}", code.replace('_', "-"))),
            message,
            param,
            payment_method: Some(payment_method.clone()),
            kind: kind.to_owned(),
        }
    }
}

/// The customer's answer to a 3-D Secure challenge, for the test helper that stands in for the challenge page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthenticationOutcome {
    #[default]
    Succeed,
    Fail,
}

/// One confirmation: the payment method used, what the processor said, and how 3-D Secure would be shown.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    pub payment_method: &'a PaymentMethod,
    pub outcome: SetupOutcome,
    /// Where to send the customer back after authenticating (`return_url`).
    pub return_url: Option<String>,
    /// The caller handles next actions with Stripe's SDKs.
    pub use_stripe_sdk: bool,
    /// Where the customer completes 3-D Secure.
    pub authenticate_url: String,
}

/// What a confirmation or authentication did; each names the event Stripe sends for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    Succeeded,
    RequiresAction,
    /// The card was refused; the confirm call answers with this error (402).
    Declined(CardError),
    /// The customer failed 3-D Secure.
    AuthenticationFailed,
}

impl Transition {
    /// The event type Stripe emits for the transition.
    pub fn event_type(&self) -> &'static str {
        match self {
            Self::Succeeded => "setup_intent.succeeded",
            Self::RequiresAction => "setup_intent.requires_action",
            Self::Declined(_) | Self::AuthenticationFailed => "setup_intent.setup_failed",
        }
    }
}

const MISSING_PAYMENT_METHOD: &str = "You cannot confirm this SetupIntent because it's missing a payment method. You can either update the SetupIntent with a payment method and then confirm it again, or confirm it again directly with a payment method or ConfirmationToken.";
const RETURN_URL_REQUIRED: &str = "This SetupIntent is configured to accept payment methods enabled in your Dashboard. Because some of these payment methods might redirect your customer off of your page, you must provide a `return_url`. If you don't want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.";
const AUTHENTICATION_FAILED: &str =
    "We are unable to authenticate your payment method. Please choose a different payment method and try again.";

/// Stripe's refusal to use a payment method that belongs to another customer than the intent's (or to a
/// customer when the intent names none).
pub fn check_ownership(
    payment_method: &str,
    owner: Option<&str>,
    intent_customer: Option<&str>,
) -> Result<(), ParamError> {
    crate::objects::payment_method::check_intent_ownership("SetupIntent", payment_method, owner, intent_customer)
}

impl SetupIntent {
    /// The payment method a confirmation will use (the one sent, else the intent's), or why the intent cannot
    /// be confirmed now. A missing payment method is reported before the status, as Stripe does.
    pub fn confirmable(&self, requested: Option<&str>, return_url: Option<&str>) -> Result<String, SetupIntentError> {
        let payment_method = requested
            .or(self.payment_method.as_deref())
            .ok_or_else(|| SetupIntentError::UnexpectedState(MISSING_PAYMENT_METHOD.into()))?;
        let refusal = match self.status {
            SetupIntentStatus::Succeeded => Some("You cannot confirm this SetupIntent because it has already succeeded.".to_owned()),
            SetupIntentStatus::Canceled => Some("You cannot confirm this SetupIntent because it has been canceled.".to_owned()),
            SetupIntentStatus::Processing => Some(
                "You cannot confirm this SetupIntent because it has a status of processing. Only a SetupIntent with one of the following statuses may be confirmed: `requires_payment_method`, `requires_confirmation`, or `requires_action`.".to_owned(),
            ),
            _ => None,
        };
        if let Some(message) = refusal {
            return Err(SetupIntentError::UnexpectedState(message));
        }
        let redirects_allowed = self
            .automatic_payment_methods
            .as_ref()
            .is_some_and(|apm| apm.enabled && apm.allow_redirects != Some(AllowRedirects::Never));
        if redirects_allowed && return_url.is_none() {
            return Err(ParamError::invalid("return_url", RETURN_URL_REQUIRED).into());
        }
        Ok(payment_method.to_owned())
    }

    /// Records what the processor said about a confirmation. `request_three_d_secure=challenge` turns a card
    /// that would pass without authentication into one that needs it, as in Stripe's test mode.
    pub fn record_outcome(&mut self, attempt: Attempt<'_>) -> Transition {
        let forced = self
            .payment_method_options
            .card
            .as_ref()
            .is_some_and(|c| c.request_three_d_secure == RequestThreeDSecure::Challenge);
        let outcome = match attempt.outcome {
            SetupOutcome::Succeeded if forced => SetupOutcome::RequiresAction,
            other => other,
        };
        self.next_action = None;
        match outcome {
            SetupOutcome::Succeeded => {
                self.status = SetupIntentStatus::Succeeded;
                self.payment_method = Some(attempt.payment_method.id.clone());
                self.last_setup_error = None;
                Transition::Succeeded
            }
            SetupOutcome::RequiresAction => {
                self.status = SetupIntentStatus::RequiresAction;
                self.payment_method = Some(attempt.payment_method.id.clone());
                self.last_setup_error = None;
                self.next_action =
                    Some(next_action(attempt.authenticate_url, attempt.return_url, attempt.use_stripe_sdk));
                Transition::RequiresAction
            }
            SetupOutcome::Failed(mut error) => {
                // An issuer's refusal names its reason in `decline_code` even when it is the code itself.
                error.decline_code = error.decline_code.or_else(|| Some(error.code.as_str().to_owned()));
                self.status = SetupIntentStatus::RequiresPaymentMethod;
                self.payment_method = None;
                self.last_setup_error = Some(SetupError::new(
                    error.code.as_str(),
                    error.decline_code.clone(),
                    error.message.clone(),
                    error.param.clone(),
                    "card_error",
                    attempt.payment_method,
                ));
                Transition::Declined(error)
            }
        }
    }

    /// The customer's answer to 3-D Secure: only an intent in `requires_action` awaits one.
    pub fn authenticate(
        &mut self,
        outcome: AuthenticationOutcome,
        payment_method: &PaymentMethod,
    ) -> Result<Transition, SetupIntentError> {
        self.awaiting_authentication()?;
        self.next_action = None;
        Ok(match outcome {
            AuthenticationOutcome::Succeed => {
                self.status = SetupIntentStatus::Succeeded;
                Transition::Succeeded
            }
            AuthenticationOutcome::Fail => {
                self.status = SetupIntentStatus::RequiresPaymentMethod;
                self.payment_method = None;
                self.last_setup_error = Some(SetupError::new(
                    "setup_intent_authentication_failure",
                    None,
                    AUTHENTICATION_FAILED.into(),
                    None,
                    "invalid_request_error",
                    payment_method,
                ));
                Transition::AuthenticationFailed
            }
        })
    }

    /// Whether the intent waits for the customer to pass 3-D Secure (`requires_action`).
    pub fn awaiting_authentication(&self) -> Result<(), SetupIntentError> {
        if self.status == SetupIntentStatus::RequiresAction {
            return Ok(());
        }
        Err(SetupIntentError::UnexpectedState(format!(
            "You cannot authenticate this SetupIntent because it has a status of {}. Only a SetupIntent with a status of `requires_action` awaits authentication.",
            self.status.as_str()
        )))
    }

    /// Cancels the intent; only possible before it succeeded.
    pub fn cancel(&mut self, reason: Option<CancellationReason>) -> Result<(), SetupIntentError> {
        match self.status {
            SetupIntentStatus::Canceled => Err(SetupIntentError::UnexpectedState(
                "You cannot cancel this SetupIntent because it is already canceled.".into(),
            )),
            SetupIntentStatus::RequiresPaymentMethod
            | SetupIntentStatus::RequiresConfirmation
            | SetupIntentStatus::RequiresAction => {
                self.status = SetupIntentStatus::Canceled;
                self.cancellation_reason = reason;
                self.next_action = None;
                Ok(())
            }
            other => Err(SetupIntentError::UnexpectedState(format!(
                "You cannot cancel this SetupIntent because it has a status of {}. Only a SetupIntent with one of the following statuses may be canceled: `requires_payment_method`, `requires_confirmation`, or `requires_action`.",
                other.as_str()
            ))),
        }
    }
}

/// A redirect when the caller gave a `return_url` and will not use Stripe's SDK, else the SDK's action.
fn next_action(url: String, return_url: Option<String>, use_stripe_sdk: bool) -> NextAction {
    match return_url {
        Some(return_url) if !use_stripe_sdk => NextAction {
            kind: "redirect_to_url".into(),
            redirect_to_url: Some(RedirectToUrl { return_url: Some(return_url), url }),
            use_stripe_sdk: None,
        },
        _ => NextAction {
            kind: "use_stripe_sdk".into(),
            redirect_to_url: None,
            use_stripe_sdk: Some(json!({ "type": "three_d_secure_redirect", "stripe_js": url })),
        },
    }
}
