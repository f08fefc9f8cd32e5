//! Update parameters have three states on Stripe's wire: absent (leave alone), empty string (clear), or a value.

use serde::{Deserialize, Deserializer};

/// One field of an update: `Absent` when the parameter was not sent, `Clear` for `param=""`, `Set` otherwise.
/// Declare such fields with `#[serde(default)]`; the form decoder maps an empty string to `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Patch<T> {
    #[default]
    Absent,
    Clear,
    Set(T),
}

impl<T> Patch<T> {
    /// Applies the patch to a nullable field.
    pub fn apply_to(self, field: &mut Option<T>) {
        match self {
            Patch::Absent => {}
            Patch::Clear => *field = None,
            Patch::Set(value) => *field = Some(value),
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            None => Patch::Clear,
            Some(value) => Patch::Set(value),
        })
    }
}
