//! A serde `Deserializer` over [`FormValue`] that reads leaves the way Stripe does: every leaf is a string, so
//! numbers and booleans are parsed from it, and `""` is `None` (Stripe's "empty string clears the field").
//! Where a list is wanted, a map whose keys are all indexes (`items[1]…&items[0]…`) is one, ordered by index.

use serde::de::value::StringDeserializer;
use serde::de::{self, DeserializeSeed, Visitor};

use super::error::DeError;
use super::{FormMap, FormValue, is_index};

pub(super) struct ValueDeserializer {
    value: FormValue,
}

impl ValueDeserializer {
    pub(super) fn new(value: FormValue) -> Self {
        Self { value }
    }

    fn wrong_kind(&self, expected: &'static str) -> DeError {
        let received = match &self.value {
            FormValue::Str(_) => "a string",
            FormValue::Map(_) => "an object",
            FormValue::List(_) => "an array",
        };
        DeError::WrongKind { expected, received }
    }

    fn into_string(self, expected: &'static str) -> Result<String, DeError> {
        match self.value {
            FormValue::Str(text) => Ok(text),
            _ => Err(self.wrong_kind(expected)),
        }
    }

    /// Entries for a map or struct; `""` is an empty one, as `metadata=""` clears all keys.
    fn into_entries(self, expected: &'static str) -> Result<FormMap, DeError> {
        match self.value {
            FormValue::Map(entries) => Ok(entries),
            FormValue::Str(text) if text.is_empty() => Ok(Vec::new()),
            _ => Err(self.wrong_kind(expected)),
        }
    }
}

macro_rules! deserialize_integer {
    ($($method:ident => $visit:ident($ty:ty),)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            let text = self.into_string("an integer")?;
            match text.parse::<$ty>() {
                Ok(number) => visitor.$visit(number),
                Err(_) => Err(DeError::InvalidInteger(text)),
            }
        }
    )*};
}

macro_rules! deserialize_float {
    ($($method:ident => $visit:ident($ty:ty),)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            let text = self.into_string("a decimal")?;
            match text.parse::<$ty>() {
                Ok(number) if number.is_finite() => visitor.$visit(number),
                _ => Err(DeError::InvalidDecimal(text)),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for ValueDeserializer {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.value {
            FormValue::Str(text) => visitor.visit_string(text),
            FormValue::Map(entries) => visitor.visit_map(MapAccess::new(entries)),
            FormValue::List(items) => visit_seq(items, visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let text = self.into_string("a boolean")?;
        match text.as_str() {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            _ => Err(DeError::InvalidBoolean(text)),
        }
    }

    deserialize_integer! {
        deserialize_i8 => visit_i8(i8),
        deserialize_i16 => visit_i16(i16),
        deserialize_i32 => visit_i32(i32),
        deserialize_i64 => visit_i64(i64),
        deserialize_i128 => visit_i128(i128),
        deserialize_u8 => visit_u8(u8),
        deserialize_u16 => visit_u16(u16),
        deserialize_u32 => visit_u32(u32),
        deserialize_u64 => visit_u64(u64),
        deserialize_u128 => visit_u128(u128),
    }

    deserialize_float! {
        deserialize_f32 => visit_f32(f32),
        deserialize_f64 => visit_f64(f64),
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let text = self.into_string("a single character")?;
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(only), None) => visitor.visit_char(only),
            _ => Err(DeError::Custom("expected a single character".to_owned())),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_string(self.into_string("a string")?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_string(self.into_string("a string")?)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_string(self.into_string("a string")?)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_byte_buf(self.into_string("a string")?.into_bytes())
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_byte_buf(self.into_string("a string")?.into_bytes())
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.value {
            FormValue::Str(text) if text.is_empty() => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.value {
            FormValue::Str(text) if text.is_empty() => visitor.visit_unit(),
            _ => Err(self.wrong_kind("an empty string")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.value {
            FormValue::List(items) => visit_seq(items, visitor),
            FormValue::Map(entries) => visit_seq(indexed_items(entries)?, visitor),
            // `""` sets a list to empty.
            FormValue::Str(text) if text.is_empty() => visit_seq(Vec::new(), visitor),
            _ => Err(self.wrong_kind("an array")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_map(MapAccess::new(self.into_entries("an object")?))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.value {
            FormValue::Map(entries) => visitor.visit_map(MapAccess::new(entries)),
            _ => Err(self.wrong_kind("an object")),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.value {
            FormValue::Str(variant) => visitor.visit_enum(StringDeserializer::new(variant)),
            // `field[variant][...]=…`: the one key names the variant, as serde's externally tagged enums do.
            FormValue::Map(mut entries) if entries.len() == 1 => match entries.pop() {
                Some((variant, value)) => visitor.visit_enum(TaggedVariant { variant, value }),
                None => Err(DeError::Custom("expected one variant".to_owned())),
            },
            _ => Err(self.wrong_kind("a string")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
}

/// The items of a map keyed by list indexes (`a[7]`, `a[0]`), ordered by index with gaps closed. Indexes are
/// sorted, never used as positions, so `a[18446744073709551615]` costs one item.
pub(super) fn indexed_items(entries: FormMap) -> Result<Vec<FormValue>, DeError> {
    if !entries.iter().all(|(key, _)| is_index(key)) {
        return Err(match entries.iter().any(|(key, _)| is_index(key)) {
            true => DeError::MixedKeys,
            false => DeError::WrongKind { expected: "an array", received: "an object" },
        });
    }
    let mut indexed = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        match key.parse::<u64>() {
            Ok(index) => indexed.push((index, key, value)),
            Err(_) => return Err(DeError::IndexTooLarge(key)),
        }
    }
    // Stable, so of two spellings of one index (`7`, `007`) the later one is reported.
    indexed.sort_by_key(|(index, _, _)| *index);
    if let Some(pair) = indexed.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        return Err(DeError::RepeatedIndex(pair[1].1.clone()));
    }
    Ok(indexed.into_iter().map(|(_, _, value)| value).collect())
}

fn visit_seq<'de, V: Visitor<'de>>(items: Vec<FormValue>, visitor: V) -> Result<V::Value, DeError> {
    let total = items.len();
    let mut access = SeqAccess { items: items.into_iter() };
    let value = visitor.visit_seq(&mut access)?;
    match access.items.len() {
        0 => Ok(value),
        left => Err(de::Error::invalid_length(total, &format!("{} items", total - left).as_str())),
    }
}

struct SeqAccess {
    items: std::vec::IntoIter<FormValue>,
}

impl<'de> de::SeqAccess<'de> for SeqAccess {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DeError> {
        self.items.next().map(|item| seed.deserialize(ValueDeserializer::new(item))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapAccess {
    entries: std::vec::IntoIter<(String, FormValue)>,
    value: Option<FormValue>,
}

impl MapAccess {
    fn new(entries: FormMap) -> Self {
        Self { entries: entries.into_iter(), value: None }
    }
}

impl<'de> de::MapAccess<'de> for MapAccess {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DeError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(StringDeserializer::new(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.value.take() {
            Some(value) => seed.deserialize(ValueDeserializer::new(value)),
            None => Err(DeError::Custom("a value was read before its key".to_owned())),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A non-unit enum variant sent as `field[variant]…`.
struct TaggedVariant {
    variant: String,
    value: FormValue,
}

impl<'de> de::EnumAccess<'de> for TaggedVariant {
    type Error = DeError;
    type Variant = ValueDeserializer;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self::Variant), DeError> {
        let variant = seed.deserialize(StringDeserializer::new(self.variant))?;
        Ok((variant, ValueDeserializer::new(self.value)))
    }
}

impl<'de> de::VariantAccess<'de> for ValueDeserializer {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        de::Deserialize::deserialize(self)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        de::Deserializer::deserialize_struct(self, "", &[], visitor)
    }
}
