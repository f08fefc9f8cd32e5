//! Stripe's request encoding (spec §5.1): `application/x-www-form-urlencoded` bodies and query strings with
//! bracketed keys (`address[line1]=…`, `items[0][price]=…`, `expand[]=…`), decoded into typed parameters.
//!
//! Decoding happens in two steps: [`parse`] turns the raw bytes into a [`FormValue`] tree, and [`decode`] feeds
//! that tree to serde, reading every leaf leniently from its string the way Stripe does. Both answer a
//! [`ParamError`] whose `param` names the offending parameter in Stripe's bracket notation.

mod de;
mod error;
mod parse;

use portico_core::{ParamCode, ParamError};

/// A decoded form: parameter name → value, in the order first seen.
pub type FormMap = Vec<(String, FormValue)>;

/// One parameter's value. Every leaf is a string on Stripe's wire; the target type decides what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormValue {
    /// `a=v`
    Str(String),
    /// `a[key]=v`, and `a[0]=v` too: numeric keys stay keys (`metadata[123]`) until the target type asks for a
    /// list, which then reads them as indexes.
    Map(FormMap),
    /// `a[]=v`, with any `a[0]=v` sent alongside ordered first by index.
    List(Vec<FormValue>),
}

/// Parses a query string or an `x-www-form-urlencoded` body into a tree of parameters.
///
/// `+` is a space and keys are percent-decoded before their brackets are read, as stripe-python encodes them.
/// `a[0]` is the key `"0"`; [`decode`] orders such keys by index with gaps closed where it expects a list.
/// A scalar `expand=x` counts as `expand[]=x`.
pub fn parse(input: &[u8]) -> Result<FormMap, ParamError> {
    parse::parse(input)
}

/// Removes `expand` from the parameters and returns the paths it lists (none when it is absent).
pub fn take_expand(map: &mut FormMap) -> Result<Vec<String>, ParamError> {
    let Some(position) = map.iter().position(|(key, _)| key == "expand") else {
        return Ok(Vec::new());
    };
    let (_, value) = map.remove(position);
    let items = match value {
        // `expand=` alone asks for nothing, as `""` clears any other list.
        FormValue::Str(path) if path.is_empty() => return Ok(Vec::new()),
        FormValue::Str(path) => vec![FormValue::Str(path)],
        FormValue::List(items) => items,
        FormValue::Map(entries) => {
            de::indexed_items(entries).map_err(|error| error::at_param(Some("expand".to_owned()), error))?
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| match item {
            FormValue::Str(path) if !path.is_empty() => Ok(path),
            _ => {
                let param = format!("expand[{index}]");
                let message = format!("Invalid {param}: each expand path must be a non-empty string.");
                Err(ParamError::new(ParamCode::InvalidRequest, param, message))
            }
        })
        .collect()
}

/// Whether a bracketed key reads as a list index where a list is expected: decimal digits only.
fn is_index(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|byte| byte.is_ascii_digit())
}

/// Deserializes parameters into `T`, reading numbers and booleans from their strings and `""` as `None`.
pub fn decode<T: serde::de::DeserializeOwned>(map: FormMap) -> Result<T, ParamError> {
    serde_path_to_error::deserialize(de::ValueDeserializer::new(FormValue::Map(map))).map_err(|err| {
        let path = err.path().clone();
        error::to_param_error(&path, err.into_inner())
    })
}

#[cfg(test)]
mod tests;
