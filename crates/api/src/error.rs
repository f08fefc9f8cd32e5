//! The one mapping from everything that can go wrong to Stripe's error object and status code.
//! https://docs.stripe.com/api/errors

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use portico_core::cards::CardError;
use portico_core::{ParamCode, ParamError};
use portico_store::StoreError;
use serde_json::{Map, Value, json};

/// Stripe's error `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorType {
    ApiError,
    CardError,
    IdempotencyError,
    InvalidRequestError,
}

impl ErrorType {
    fn as_str(self) -> &'static str {
        match self {
            Self::ApiError => "api_error",
            Self::CardError => "card_error",
            Self::IdempotencyError => "idempotency_error",
            Self::InvalidRequestError => "invalid_request_error",
        }
    }
}

/// An error response: status, Stripe's error object members, and any extra members (`setup_intent`, …).
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: ErrorType,
    pub code: Option<&'static str>,
    pub decline_code: Option<String>,
    pub param: Option<String>,
    pub message: String,
    /// Rarely set (card errors name their setup intent), so boxed to keep `Result<_, ApiError>` small.
    pub extra: Option<Box<Map<String, Value>>>,
}

pub type ApiResult<T = Response> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, kind: ErrorType, code: Option<&'static str>, message: impl Into<String>) -> Self {
        Self { status, kind, code, decline_code: None, param: None, message: message.into(), extra: None }
    }

    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorType::InvalidRequestError, None, message)
    }

    pub fn with_param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    pub fn with_extra(mut self, key: &str, value: Value) -> Self {
        self.extra.get_or_insert_default().insert(key.to_owned(), value);
        self
    }

    /// `No such customer: 'cus_…'` (404 `resource_missing`); `param` names where the id came from.
    pub fn no_such(noun: &str, id: &str, param: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            ErrorType::InvalidRequestError,
            Some("resource_missing"),
            format!("No such {noun}: '{id}'"),
        )
        .with_param(param)
    }

    /// An unknown path: Stripe answers 404 with this wording.
    pub fn unrecognized_url(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            ErrorType::InvalidRequestError,
            None,
            format!(
                "Unrecognized request URL ({method}: {path}). Please see https://docs.stripe.com/api or we can help at https://support.stripe.com/."
            ),
        )
    }

    pub fn missing_api_key() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ErrorType::InvalidRequestError,
            None,
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        )
    }

    pub fn invalid_api_key(key: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ErrorType::InvalidRequestError,
            Some("api_key_invalid"),
            format!("Invalid API Key provided: {}", mask_key(key)),
        )
    }

    /// Unexpected failure: logged once here with the request id, the client gets a generic message.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorType::ApiError,
            None,
            "An unknown error occurred. Please try again.",
        )
    }

    fn body(&self) -> Value {
        let mut error = Map::new();
        error.insert("type".into(), self.kind.as_str().into());
        if let Some(code) = self.code {
            error.insert("code".into(), code.into());
            error.insert(
                "doc_url".into(),
                format!("https://stripe.com/docs/error-codes/{}", code.replace('_', "-")).into(),
            );
        }
        if let Some(decline_code) = &self.decline_code {
            error.insert("decline_code".into(), decline_code.clone().into());
        }
        error.insert("message".into(), self.message.clone().into());
        if let Some(param) = &self.param {
            error.insert("param".into(), param.clone().into());
        }
        if let Some(extra) = &self.extra {
            error.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        json!({ "error": error })
    }
}

/// `sk_test_****…abcd`: enough to recognise a key, never enough to use it.
pub fn mask_key(key: &str) -> String {
    let prefix_end = key.match_indices('_').nth(1).map(|(i, _)| i + 1).unwrap_or(0);
    let tail: String = key.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    if key.chars().count() <= 8 { "****".into() } else { format!("{}{}{}", &key[..prefix_end], "*".repeat(20), tail) }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body().to_string()).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"Stripe\""));
        }
        response
    }
}

impl From<ParamError> for ApiError {
    fn from(error: ParamError) -> Self {
        let mut api = ApiError::invalid_request(error.message);
        api.code = error.code.as_str();
        api.param = error.param;
        if error.code == ParamCode::ResourceAlreadyExists {
            api.status = StatusCode::BAD_REQUEST;
        }
        api
    }
}

impl From<CardError> for ApiError {
    fn from(error: CardError) -> Self {
        let mut api =
            ApiError::new(StatusCode::PAYMENT_REQUIRED, ErrorType::CardError, Some(error.code.as_str()), error.message);
        api.decline_code = error.decline_code;
        api.param = error.param;
        api
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::CursorNotFound(id) => ApiError::invalid_request(format!("No such object: '{id}'"))
                .with_param("starting_after")
                .tap_code("resource_missing"),
            other => ApiError::internal(other),
        }
    }
}

impl ApiError {
    fn tap_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_keys_keep_prefix_and_last_four_only() {
        assert_eq!(mask_key("sk_test_abcdefghijklmnop1234"), format!("sk_test_{}1234", "*".repeat(20)));
        assert_eq!(mask_key("short"), "****");
    }

    #[test]
    fn param_errors_become_invalid_request_errors_with_code_and_param() {
        let api: ApiError = ParamError::missing("email").into();
        let body = api.body();
        assert_eq!(body["error"]["code"], "parameter_missing");
        assert_eq!(body["error"]["param"], "email");
        assert_eq!(body["error"]["type"], "invalid_request_error");
        assert_eq!(api.status, StatusCode::BAD_REQUEST);
    }
}
