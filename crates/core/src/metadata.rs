//! Stripe's metadata rules: at most 50 keys, keys up to 40 characters without brackets, values up to 500
//! characters; `metadata[key]=""` removes a key and `metadata=""` removes them all.

use std::collections::BTreeMap;

use crate::error::{ParamCode, ParamError};
use crate::patch::Patch;

pub type Metadata = BTreeMap<String, String>;

const MAX_KEYS: usize = 50;
const MAX_KEY_CHARS: usize = 40;
const MAX_VALUE_CHARS: usize = 500;

/// Applies a `metadata` parameter to an object's metadata, or explains which key broke which rule.
pub fn apply(current: &mut Metadata, update: Patch<Metadata>) -> Result<(), ParamError> {
    let update = match update {
        Patch::Absent => return Ok(()),
        Patch::Clear => {
            current.clear();
            return Ok(());
        }
        Patch::Set(update) => update,
    };
    let mut next = current.clone();
    for (key, value) in update {
        let param = format!("metadata[{key}]");
        if key.is_empty() {
            return Err(ParamError::new(
                ParamCode::ParameterInvalidEmpty,
                "metadata",
                "Metadata keys must not be empty.",
            ));
        }
        if key.chars().count() > MAX_KEY_CHARS {
            return Err(ParamError::invalid(
                &param,
                format!("Metadata keys can have up to {MAX_KEY_CHARS} characters, but \"{key}\" has more."),
            ));
        }
        if key.contains(['[', ']']) {
            return Err(ParamError::invalid(&param, "Metadata keys cannot contain '[' or ']'."));
        }
        if value.chars().count() > MAX_VALUE_CHARS {
            return Err(ParamError::invalid(
                &param,
                format!(
                    "Metadata values can have up to {MAX_VALUE_CHARS} characters, but the value for \"{key}\" has more."
                ),
            ));
        }
        if value.is_empty() {
            next.remove(&key);
        } else {
            next.insert(key, value);
        }
    }
    if next.len() > MAX_KEYS {
        return Err(ParamError::invalid(
            "metadata",
            format!("You can only specify up to {MAX_KEYS} keys in metadata, but this would give {}.", next.len()),
        ));
    }
    *current = next;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pairs: &[(&str, &str)]) -> Patch<Metadata> {
        Patch::Set(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn empty_value_removes_a_key_and_empty_metadata_clears_all() {
        let mut m = Metadata::new();
        apply(&mut m, set(&[("a", "1"), ("b", "2")])).unwrap();
        apply(&mut m, set(&[("a", "")])).unwrap();
        assert_eq!(m.keys().collect::<Vec<_>>(), ["b"]);
        apply(&mut m, Patch::Clear).unwrap();
        assert!(m.is_empty());
    }

    #[test]
    fn fifty_one_keys_are_rejected_and_nothing_changes() {
        let mut m = Metadata::new();
        let many: Vec<(String, String)> = (0..51).map(|i| (format!("k{i}"), "v".into())).collect();
        let err = apply(&mut m, Patch::Set(many.into_iter().collect())).unwrap_err();
        assert_eq!(err.param.as_deref(), Some("metadata"));
        assert!(m.is_empty());
    }

    #[test]
    fn long_keys_brackets_and_long_values_are_rejected() {
        let mut m = Metadata::new();
        assert!(apply(&mut m, set(&[(&"k".repeat(41), "v")])).is_err());
        assert!(apply(&mut m, set(&[("a[b", "v")])).is_err());
        assert!(apply(&mut m, set(&[("k", &"v".repeat(501))])).is_err());
        assert!(apply(&mut m, set(&[(&"k".repeat(40), &"v".repeat(500))])).is_ok());
    }
}
