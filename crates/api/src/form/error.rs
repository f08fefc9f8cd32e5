//! What went wrong while decoding, and how it reads as a Stripe error naming the parameter.

use std::fmt;

use portico_core::{ParamCode, ParamError};
use serde::de;
use serde_path_to_error::{Path, Segment};

/// How much of an offending key to quote back in a message.
const MAX_QUOTED_CHARS: usize = 100;

const MIXED_KEYS: &str = "array items ([] or [0]) and object keys ([key]) cannot be mixed";

/// The decoder's serde error. Serde's own hooks (`unknown_field`, `missing_field`, `unknown_variant`) land in
/// their own variants so the message can be Stripe's rather than serde's. A list sent with keys (`a[7]…`) fails
/// with `IndexTooLarge` past `u64::MAX`, `RepeatedIndex` for `a[7]…&a[007]…` and `MixedKeys` for `a[0]…&a[k]…`.
#[derive(Debug)]
pub(super) enum DeError {
    UnknownField(String),
    MissingField(&'static str),
    InvalidInteger(String),
    InvalidBoolean(String),
    InvalidDecimal(String),
    IndexTooLarge(String),
    RepeatedIndex(String),
    MixedKeys,
    UnknownVariant { expected: &'static [&'static str] },
    WrongKind { expected: &'static str, received: &'static str },
    Custom(String),
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownField(field) => write!(f, "unknown field {field}"),
            Self::MissingField(field) => write!(f, "missing field {field}"),
            Self::InvalidInteger(value) => write!(f, "invalid integer {value}"),
            Self::InvalidBoolean(value) => write!(f, "invalid boolean {value}"),
            Self::InvalidDecimal(value) => write!(f, "invalid decimal {value}"),
            Self::IndexTooLarge(key) => write!(f, "array index {} is too large", quoted(key)),
            Self::RepeatedIndex(key) => write!(f, "array index {} repeats an earlier one", quoted(key)),
            Self::MixedKeys => f.write_str(MIXED_KEYS),
            Self::UnknownVariant { expected } => write!(f, "must be one of {}", one_of(expected)),
            Self::WrongKind { expected, received } => write!(f, "expected {expected}, received {received}"),
            Self::Custom(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::Custom(msg.to_string())
    }

    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self::Custom(format!("expected {expected}, received {unexpected}"))
    }

    fn unknown_field(field: &str, _expected: &'static [&'static str]) -> Self {
        Self::UnknownField(field.to_owned())
    }

    fn missing_field(field: &'static str) -> Self {
        Self::MissingField(field)
    }

    fn unknown_variant(_variant: &str, expected: &'static [&'static str]) -> Self {
        Self::UnknownVariant { expected }
    }
}

/// Maps a decoding failure at `path` to the error Stripe would answer.
pub(super) fn to_param_error(path: &Path, error: DeError) -> ParamError {
    let param = bracketed(path);
    match error {
        DeError::UnknownField(field) => {
            // serde_path_to_error records the offending key itself; add it if a wrapper did not.
            let ends_with_field = matches!(path.iter().next_back(), Some(Segment::Map { key }) if *key == field);
            let param = if ends_with_field { param.unwrap_or(field) } else { child(param, &field) };
            let message = format!("Received unknown parameter: {param}");
            ParamError::new(ParamCode::ParameterUnknown, param, message)
        }
        DeError::UnknownVariant { expected } => {
            let name = last_key(path).unwrap_or("value");
            let message = match expected {
                [] => format!("Invalid {name}."),
                _ => format!("Invalid {name}: must be one of {}", one_of(expected)),
            };
            ParamError { code: ParamCode::InvalidRequest, param, message }
        }
        error => at_param(param, error),
    }
}

/// Maps a failure to read the value of `param` (`None` for the whole form) to the error Stripe would answer.
pub(super) fn at_param(param: Option<String>, error: DeError) -> ParamError {
    let at = |code, param: Option<String>, message: String| ParamError { code, param, message };
    match error {
        DeError::MissingField(field) => ParamError::missing(&child(param, field)),
        DeError::InvalidInteger(value) => {
            at(ParamCode::ParameterInvalidInteger, param, format!("Invalid integer: {value}"))
        }
        DeError::InvalidBoolean(value) => at(ParamCode::InvalidRequest, param, format!("Invalid boolean: {value}")),
        DeError::InvalidDecimal(value) => at(ParamCode::InvalidRequest, param, format!("Invalid decimal: {value}")),
        DeError::IndexTooLarge(key) => {
            let param = child(param, &key);
            ParamError::invalid(&param, too_large_index(&param))
        }
        DeError::RepeatedIndex(key) => {
            let param = child(param, &key);
            ParamError::invalid(&param, repeated_index(&param))
        }
        DeError::WrongKind { .. }
        | DeError::MixedKeys
        | DeError::Custom(_)
        | DeError::UnknownField(_)
        | DeError::UnknownVariant { .. } => {
            let detail = error.to_string().replace('`', "");
            let message = match (&param, detail.trim().trim_end_matches('.')) {
                (Some(param), "") => format!("Invalid {}.", quoted(param)),
                (Some(param), detail) => format!("Invalid {}: {detail}.", quoted(param)),
                (None, "") => "Invalid request parameters.".to_owned(),
                (None, detail) => format!("Invalid request parameters: {detail}."),
            };
            at(ParamCode::InvalidRequest, param, message)
        }
    }
}

pub(super) fn too_large_index(param: &str) -> String {
    format!("Invalid array index in {}: it must be at most {}.", quoted(param), u64::MAX)
}

pub(super) fn repeated_index(param: &str) -> String {
    format!("Invalid {}: it repeats an earlier array index.", quoted(param))
}

pub(super) fn mixed_keys(param: &str) -> String {
    format!("Invalid {}: {MIXED_KEYS}.", quoted(param))
}

/// A parameter name as messages quote it, cut short when a client sent something huge.
pub(super) fn quoted(name: &str) -> String {
    match name.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((at, _)) => format!("{}…", &name[..at]),
        None => name.to_owned(),
    }
}

/// `items[0][price]` for the path `items`, 0, `price`; `None` at the root.
fn bracketed(path: &Path) -> Option<String> {
    let mut out: Option<String> = None;
    for segment in path {
        let name = match segment {
            Segment::Map { key } => key.clone(),
            Segment::Enum { variant } => variant.clone(),
            Segment::Seq { index } => index.to_string(),
            Segment::Unknown => continue,
        };
        out = Some(child(out, &name));
    }
    out
}

fn child(parent: Option<String>, name: &str) -> String {
    match parent {
        Some(parent) => format!("{parent}[{name}]"),
        None => name.to_owned(),
    }
}

/// The name an enum error talks about: `interval` for `items[0][interval]`, `allowed_updates` for
/// `allowed_updates[1]`.
fn last_key(path: &Path) -> Option<&str> {
    path.iter().rev().find_map(|segment| match segment {
        Segment::Map { key } => Some(key.as_str()),
        _ => None,
    })
}

/// `a`, `a or b`, `a, b, or c`, as Stripe lists allowed values.
fn one_of(values: &[&str]) -> String {
    match values {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [first, second] => format!("{first} or {second}"),
        [init @ .., last] => format!("{}, or {last}", init.join(", ")),
    }
}
