//! The one error the core reports about a caller's input. The API maps it to Stripe's error object; the
//! portal shows it next to the field named by `param`.

/// Stripe's error codes for invalid input, named as Stripe names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamCode {
    ParameterMissing,
    ParameterUnknown,
    ParameterInvalidEmpty,
    ParameterInvalidInteger,
    ParameterInvalidStringBlank,
    ParameterInvalidStringEmpty,
    ParametersExclusive,
    InvalidRequest,
    EmailInvalid,
    UrlInvalid,
    TaxIdInvalid,
    AmountTooSmall,
    AmountTooLarge,
    ResourceAlreadyExists,
    StringLengthExceeded,
}

impl ParamCode {
    /// The code as Stripe spells it on the wire; `None` where Stripe sends no code.
    pub fn as_str(self) -> Option<&'static str> {
        Some(match self {
            Self::ParameterMissing => "parameter_missing",
            Self::ParameterUnknown => "parameter_unknown",
            Self::ParameterInvalidEmpty => "parameter_invalid_empty",
            Self::ParameterInvalidInteger => "parameter_invalid_integer",
            Self::ParameterInvalidStringBlank => "parameter_invalid_string_blank",
            Self::ParameterInvalidStringEmpty => "parameter_invalid_string_empty",
            Self::ParametersExclusive => "parameters_exclusive",
            Self::EmailInvalid => "email_invalid",
            Self::UrlInvalid => "url_invalid",
            Self::TaxIdInvalid => "tax_id_invalid",
            Self::AmountTooSmall => "amount_too_small",
            Self::AmountTooLarge => "amount_too_large",
            Self::ResourceAlreadyExists => "resource_already_exists",
            Self::StringLengthExceeded => "string_length_exceeded",
            Self::InvalidRequest => return None,
        })
    }
}

/// Invalid input: which parameter (in Stripe's bracket notation, e.g. `address[country]`), why, and a message
/// in Stripe's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParamError {
    pub code: ParamCode,
    pub param: Option<String>,
    pub message: String,
}

impl ParamError {
    pub fn new(code: ParamCode, param: impl Into<String>, message: impl Into<String>) -> Self {
        Self { code, param: Some(param.into()), message: message.into() }
    }

    /// `Missing required param: X.`
    pub fn missing(param: &str) -> Self {
        Self::new(ParamCode::ParameterMissing, param, format!("Missing required param: {param}."))
    }

    /// A value Stripe would reject, with no more specific code.
    pub fn invalid(param: &str, message: impl Into<String>) -> Self {
        Self::new(ParamCode::InvalidRequest, param, message)
    }
}
