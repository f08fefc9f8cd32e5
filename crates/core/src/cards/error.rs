//! The card error: a request that was well formed but that the card (or its issuer) refused. The API answers it
//! with HTTP 402 and `type=card_error`, unlike a `ParamError`.

use serde::{Deserialize, Serialize};

/// Stripe's `code` for card errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardErrorCode {
    AuthenticationRequired,
    CardDeclined,
    ExpiredCard,
    IncorrectCvc,
    IncorrectNumber,
    InvalidCvc,
    InvalidExpiryMonth,
    InvalidExpiryYear,
    InvalidNumber,
    ProcessingError,
}

impl CardErrorCode {
    /// The code as Stripe spells it on the wire (and in `doc_url`, with hyphens).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AuthenticationRequired => "authentication_required",
            Self::CardDeclined => "card_declined",
            Self::ExpiredCard => "expired_card",
            Self::IncorrectCvc => "incorrect_cvc",
            Self::IncorrectNumber => "incorrect_number",
            Self::InvalidCvc => "invalid_cvc",
            Self::InvalidExpiryMonth => "invalid_expiry_month",
            Self::InvalidExpiryYear => "invalid_expiry_year",
            Self::InvalidNumber => "invalid_number",
            Self::ProcessingError => "processing_error",
        }
    }
}

/// A refused card, with the fields Stripe's error object carries. Serializable so that a SetupIntent's
/// `last_setup_error` or a PaymentIntent's `last_payment_error` can be stored and shown again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{message}")]
pub struct CardError {
    pub code: CardErrorCode,
    pub decline_code: Option<String>,
    pub param: Option<String>,
    pub message: String,
}

impl CardError {
    fn new(code: CardErrorCode, decline_code: Option<&str>, param: Option<&str>, message: &str) -> Self {
        Self {
            code,
            decline_code: decline_code.map(str::to_owned),
            param: param.map(str::to_owned),
            message: message.to_owned(),
        }
    }

    /// `card_declined` with the issuer's reason; Stripe words every reason but `insufficient_funds` the same
    /// way, so customers learn nothing a fraudster could use.
    pub fn declined(decline_code: &str) -> Self {
        let message = match decline_code {
            "insufficient_funds" => "Your card has insufficient funds.",
            _ => "Your card was declined.",
        };
        Self::new(CardErrorCode::CardDeclined, Some(decline_code), None, message)
    }

    /// The card's expiry date has passed (Stripe points at `exp_month`).
    pub fn expired_card() -> Self {
        Self::new(CardErrorCode::ExpiredCard, None, Some("exp_month"), "Your card has expired.")
    }

    /// The issuer checked the CVC and it did not match.
    pub fn incorrect_cvc() -> Self {
        let message = "Your card's security code is incorrect.";
        Self::new(CardErrorCode::IncorrectCvc, None, Some("cvc"), message)
    }

    /// A transient failure on the issuer's side; trying again may work.
    pub fn processing_error() -> Self {
        let message = "An error occurred while processing your card. Try again in a little bit.";
        Self::new(CardErrorCode::ProcessingError, None, None, message)
    }

    /// An off-session payment the issuer will only accept after 3-D Secure, which needs the customer.
    pub fn authentication_required() -> Self {
        let message = "Your card was declined. This transaction requires authentication.";
        Self::new(CardErrorCode::AuthenticationRequired, Some("authentication_required"), None, message)
    }

    /// Digits that fail the Luhn check or have the wrong length for their brand.
    pub fn incorrect_number() -> Self {
        let message = "Your card number is incorrect.";
        Self::new(CardErrorCode::IncorrectNumber, None, Some("number"), message)
    }

    /// Something other than digits where the number should be.
    pub fn invalid_number() -> Self {
        let message = "The card number is not a valid credit card number.";
        Self::new(CardErrorCode::InvalidNumber, None, Some("number"), message)
    }

    /// A month outside 1–12.
    pub fn invalid_expiry_month() -> Self {
        let message = "Your card's expiration month is invalid.";
        Self::new(CardErrorCode::InvalidExpiryMonth, None, Some("exp_month"), message)
    }

    /// A year (or year and month) already in the past.
    pub fn invalid_expiry_year() -> Self {
        let message = "Your card's expiration year is invalid.";
        Self::new(CardErrorCode::InvalidExpiryYear, None, Some("exp_year"), message)
    }

    /// A CVC of the wrong length for the brand, or not made of digits.
    pub fn invalid_cvc() -> Self {
        let message = "Your card's security code is invalid.";
        Self::new(CardErrorCode::InvalidCvc, None, Some("cvc"), message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insufficient_funds_has_its_own_message_and_other_declines_share_one() {
        assert_eq!(CardError::declined("insufficient_funds").message, "Your card has insufficient funds.");
        let lost = CardError::declined("lost_card");
        assert_eq!(lost.message, "Your card was declined.");
        assert_eq!(lost.code, CardErrorCode::CardDeclined);
        assert_eq!(lost.decline_code.as_deref(), Some("lost_card"));
    }

    #[test]
    fn card_errors_serialize_with_stripes_codes() {
        let json = serde_json::to_value(CardError::incorrect_cvc()).unwrap();
        assert_eq!(json["code"], "incorrect_cvc");
        assert_eq!(json["param"], "cvc");
        assert_eq!(json["decline_code"], serde_json::Value::Null);
        let back: CardError = serde_json::from_value(json).unwrap();
        assert_eq!(back, CardError::incorrect_cvc());
        assert_eq!(CardErrorCode::InvalidExpiryYear.as_str(), "invalid_expiry_year");
    }
}
