//! PaymentIntent parameters of the API's own calls, and the checks Stripe runs on them before anything is
//! looked up. The billing engine builds its PaymentIntents with [`PaymentIntent::new`] instead.

use serde::Deserialize;
use serde_json::Value;

use super::{CaptureMethod, PaymentIntent, PaymentIntentError};
use crate::currency;
use crate::error::{ParamCode, ParamError};
use crate::metadata::{self, Metadata};
use crate::objects::setup_intent::{AllowRedirects, AutomaticPaymentMethods, AutomaticPaymentMethodsParams};
use crate::patch::Patch;
use crate::{Timestamp, objects::payment_method::PaymentMethodType};

/// `POST /v1/payment_intents`. `payment_method` may be an id or a `pm_card_…` token; the caller replaces it by
/// a stored payment method's id before [`PaymentIntent::create`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentIntentCreate {
    pub allowed_payment_method_types: Option<Vec<String>>,
    pub amount: Option<i64>,
    pub automatic_payment_methods: Option<AutomaticPaymentMethodsParams>,
    pub confirm: Option<bool>,
    pub currency: Option<String>,
    pub customer: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    /// `true`/`false`, or Stripe's `one_off`/`recurring` (both mean the customer is away).
    pub off_session: Option<String>,
    pub payment_method: Option<String>,
    /// Removed by Stripe in this API version; kept only to answer with Stripe's error.
    pub payment_method_types: Option<Value>,
    pub return_url: Option<String>,
}

/// `POST /v1/payment_intents/{id}/confirm`: only what a server confirming a card payment needs.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentIntentConfirm {
    pub off_session: Option<String>,
    pub payment_method: Option<String>,
    pub return_url: Option<String>,
}

/// What `off_session` may say.
pub const OFF_SESSION_VALUES: &[&str] = &["true", "false", "one_off", "recurring"];

/// Reads `off_session`: whether the customer is away during the payment.
pub fn off_session(value: Option<&str>) -> Result<bool, ParamError> {
    match value {
        None | Some("false") => Ok(false),
        Some("true" | "one_off" | "recurring") => Ok(true),
        Some(other) => Err(ParamError::invalid(
            "off_session",
            format!("Invalid off_session: `{other}`. Must be one of {}.", OFF_SESSION_VALUES.join(", ")),
        )),
    }
}

impl PaymentIntentCreate {
    /// The rules between parameters, checked before any reference is looked up.
    pub fn validate(&self) -> Result<(), PaymentIntentError> {
        if self.payment_method_types.is_some() {
            return Err(PaymentIntentError::PaymentMethodTypesNoLongerSupported);
        }
        let amount = self.amount.ok_or_else(|| ParamError::missing("amount"))?;
        let currency = self.currency.as_deref().ok_or_else(|| ParamError::missing("currency"))?;
        check_amount(amount, &currency::parse_currency("currency", currency)?)?;
        if self.allowed_payment_method_types.is_some() && self.automatic_payment_methods.is_some() {
            return Err(exclusive(&["allowed_payment_method_types", "automatic_payment_methods"]).into());
        }
        if let Some(allowed) = &self.allowed_payment_method_types {
            supported_types(allowed)?;
        }
        if self.confirm != Some(true) {
            for (given, param) in
                [(self.off_session.is_some(), "off_session"), (self.return_url.is_some(), "return_url")]
            {
                if given {
                    return Err(ParamError::invalid(
                        param,
                        format!("The parameter `{param}` can only be used when `confirm` is true."),
                    )
                    .into());
                }
            }
        }
        off_session(self.off_session.as_deref())?;
        Ok(())
    }
}

impl PaymentIntent {
    /// Builds a PaymentIntent from `POST /v1/payment_intents`, after [`PaymentIntentCreate::validate`]. The
    /// caller has taken out `payment_method` (set it on the intent once resolved), `confirm`, `off_session` and
    /// `return_url`, which belong to the confirmation.
    pub fn create(params: PaymentIntentCreate, livemode: bool, now: Timestamp) -> Result<Self, PaymentIntentError> {
        params.validate()?;
        let currency = currency::parse_currency("currency", params.currency.as_deref().unwrap_or_default())?;
        let mut intent = PaymentIntent::new(params.amount.unwrap_or_default(), &currency, livemode, now);
        intent.capture_method = CaptureMethod::AutomaticAsync;
        intent.customer = params.customer;
        intent.description = params.description;
        // Since 2023-08-16 intents use the Dashboard's payment methods unless told which types to allow.
        match params.allowed_payment_method_types {
            Some(allowed) => {
                intent.payment_method_types = supported_types(&allowed)?;
                intent.allowed_payment_method_types = Some(allowed);
            }
            None => {
                intent.automatic_payment_methods = Some(match params.automatic_payment_methods {
                    Some(apm) => AutomaticPaymentMethods {
                        allow_redirects: apm.enabled.then(|| apm.allow_redirects.unwrap_or_default()),
                        enabled: apm.enabled,
                    },
                    None => AutomaticPaymentMethods { allow_redirects: Some(AllowRedirects::Always), enabled: true },
                });
            }
        }
        metadata::apply(&mut intent.metadata, params.metadata)?;
        Ok(intent)
    }
}

/// Stripe's limits on a charge: at least 1, at least the currency's published minimum, at most eight digits.
fn check_amount(amount: i64, currency: &str) -> Result<(), ParamError> {
    if amount < 1 {
        return Err(ParamError::new(
            ParamCode::ParameterInvalidInteger,
            "amount",
            "This value must be greater than or equal to 1.",
        ));
    }
    if let Some(minimum) = currency::min_charge_amount(currency)
        && amount < minimum
    {
        return Err(ParamError::new(
            ParamCode::AmountTooSmall,
            "amount",
            format!("Amount must be at least {} {currency}", display_amount(minimum, currency)),
        ));
    }
    let maximum = currency::max_amount(currency);
    if amount > maximum {
        return Err(ParamError::new(
            ParamCode::AmountTooLarge,
            "amount",
            format!("Amount must be no more than {}", display_amount(maximum, currency)),
        ));
    }
    Ok(())
}

/// `$0.50`, `€999,999.99`, `¥50`: an amount as Stripe's messages show it.
fn display_amount(amount: i64, currency: &str) -> String {
    let symbol = match currency {
        "usd" | "aud" | "cad" | "nzd" | "sgd" | "hkd" | "mxn" => "$",
        "eur" => "€",
        "gbp" => "£",
        "jpy" => "¥",
        _ => "",
    };
    let decimals = currency::decimals(currency);
    let unit = 10_i64.pow(decimals);
    let whole = (amount / unit).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match decimals {
        0 => format!("{symbol}{grouped}"),
        d => format!("{symbol}{grouped}.{:0width$}", amount % unit, width = d as usize),
    }
}

fn exclusive(params: &[&str]) -> ParamError {
    let message = format!("You may only specify one of these parameters: {}.", params.join(", "));
    ParamError::new(ParamCode::ParametersExclusive, params[params.len() - 1], message)
}

/// `allowed_payment_method_types` narrowed to cards, the one type Portico can charge.
fn supported_types(allowed: &[String]) -> Result<Vec<String>, ParamError> {
    let param = "allowed_payment_method_types";
    for (index, kind) in allowed.iter().enumerate() {
        if !PaymentMethodType::is_known(kind) {
            let param = format!("{param}[{index}]");
            return Err(ParamError::invalid(
                &param,
                format!("Invalid {param}: `{kind}` is not a payment method type."),
            ));
        }
    }
    if !allowed.iter().any(|t| t == "card") {
        return Err(ParamError::invalid(
            param,
            format!("None of {} is supported by Portico yet; only `card` is.", allowed.join(", ")),
        ));
    }
    Ok(vec!["card".into()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(amount: i64, currency: &str) -> PaymentIntentCreate {
        PaymentIntentCreate { amount: Some(amount), currency: Some(currency.into()), ..Default::default() }
    }

    fn refusal(params: PaymentIntentCreate) -> ParamError {
        match params.validate() {
            Err(PaymentIntentError::Param(error)) => error,
            other => panic!("expected a parameter error, got {other:?}"),
        }
    }

    #[test]
    fn amounts_below_the_currencys_minimum_are_too_small() {
        let usd = refusal(create(49, "usd"));
        assert_eq!((usd.code, usd.message.as_str()), (ParamCode::AmountTooSmall, "Amount must be at least $0.50 usd"));
        assert_eq!(refusal(create(49, "eur")).message, "Amount must be at least €0.50 eur");
        assert_eq!(refusal(create(29, "gbp")).message, "Amount must be at least £0.30 gbp");
        assert!(create(30, "gbp").validate().is_ok());
        assert!(create(50, "usd").validate().is_ok());
    }

    #[test]
    fn zero_and_negative_amounts_and_nine_digit_amounts_are_refused() {
        assert_eq!(refusal(create(0, "usd")).code, ParamCode::ParameterInvalidInteger);
        assert_eq!(refusal(create(-5, "eur")).param.as_deref(), Some("amount"));
        let large = refusal(create(100_000_000, "usd"));
        assert_eq!(
            (large.code, large.message.as_str()),
            (ParamCode::AmountTooLarge, "Amount must be no more than $999,999.99")
        );
    }

    #[test]
    fn amount_and_currency_are_required_and_the_currency_must_exist() {
        let params = PaymentIntentCreate { currency: Some("usd".into()), ..Default::default() };
        assert_eq!(refusal(params).message, "Missing required param: amount.");
        let params = PaymentIntentCreate { amount: Some(100), ..Default::default() };
        assert_eq!(refusal(params).param.as_deref(), Some("currency"));
        assert!(refusal(create(100, "xyz")).message.starts_with("Invalid currency: xyz."));
    }

    #[test]
    fn confirmation_parameters_need_confirm() {
        let params = PaymentIntentCreate { off_session: Some("true".into()), ..create(100, "usd") };
        assert_eq!(refusal(params).param.as_deref(), Some("off_session"));
        let params = PaymentIntentCreate { return_url: Some("https://x".into()), ..create(100, "usd") };
        assert_eq!(refusal(params).param.as_deref(), Some("return_url"));
        let params =
            PaymentIntentCreate { off_session: Some("recurring".into()), confirm: Some(true), ..create(100, "usd") };
        assert!(params.validate().is_ok());
        assert_eq!(off_session(Some("maybe")).unwrap_err().param.as_deref(), Some("off_session"));
    }

    #[test]
    fn payment_method_types_is_gone_in_this_api_version() {
        let params = PaymentIntentCreate { payment_method_types: Some(Value::Null), ..create(100, "usd") };
        assert_eq!(params.validate(), Err(PaymentIntentError::PaymentMethodTypesNoLongerSupported));
    }

    #[test]
    fn an_api_intent_uses_dashboard_methods_unless_told_which_types_to_allow() {
        let intent = PaymentIntent::create(create(2000, "USD"), false, 1).unwrap();
        assert_eq!(intent.currency, "usd");
        assert_eq!(intent.capture_method, CaptureMethod::AutomaticAsync);
        assert_eq!(
            intent.automatic_payment_methods,
            Some(AutomaticPaymentMethods { allow_redirects: Some(AllowRedirects::Always), enabled: true })
        );
        let params = PaymentIntentCreate {
            allowed_payment_method_types: Some(vec!["sepa_debit".into(), "card".into()]),
            ..create(2000, "eur")
        };
        let intent = PaymentIntent::create(params, false, 1).unwrap();
        assert_eq!(intent.automatic_payment_methods, None);
        assert_eq!(intent.payment_method_types, ["card"]);
        let params =
            PaymentIntentCreate { allowed_payment_method_types: Some(vec!["ideal".into()]), ..create(2000, "eur") };
        assert_eq!(refusal(params).param.as_deref(), Some("allowed_payment_method_types"));
    }

    #[test]
    fn zero_decimal_amounts_display_without_decimals() {
        assert_eq!(display_amount(50, "jpy"), "¥50");
        assert_eq!(display_amount(250, "dkk"), "2.50");
        assert_eq!(display_amount(99_999_999, "eur"), "€999,999.99");
    }
}
