//! A document's filter fields: the top-level members that lists filter on, kept beside the document in the
//! `fields` column (JSONB) under a GIN index (migration 0006). Portico computes them from the document text it
//! is storing. PostgreSQL used to compute them itself, in a PL/pgSQL function over the document parsed into
//! JSONB, for every insert and update: an eighth of the server's time in a create, and the parsing another sixth
//! (documents are now stored as `json`, not parsed).

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

/// The members the index covers: an equality filter on one of them is answered by the index, a filter on any
/// other member by reading the kind's documents.
pub(super) const FILTERED_FIELDS: &[&str] = &[
    "active",
    "allow_redisplay",
    "collection_method",
    "currency",
    "email",
    "inclusive",
    "invoice",
    "is_default",
    "lookup_key",
    "parent",
    "payment_intent",
    "payment_method",
    "portico",
    "product",
    "recurring",
    "shippable",
    "status",
    "test_clock",
    "type",
    "url",
];

/// Kinds without filter fields. Events are the largest and most written documents, and a webhook delivery is
/// written three times (made, claimed, recorded); neither is listed by an indexed field (an event list filtered
/// by type walks the account's events newest first).
const UNFILTERED_KINDS: &[&str] = &["event", "webhook_delivery"];

/// Whether an equality filter on `field` of a `kind` is answered by the `fields` column.
pub(super) fn indexed(kind: &str, field: &str) -> bool {
    !UNFILTERED_KINDS.contains(&kind) && FILTERED_FIELDS.contains(&field)
}

/// The `fields` value of a document: its [`FILTERED_FIELDS`] members that are not null, with the null members
/// of objects inside them left out (as `jsonb_strip_nulls` does), as JSON text. `None` for a kind without
/// filter fields or a document with none of them.
pub(super) fn of(kind: &str, json: &str) -> Result<Option<String>, serde_json::Error> {
    if UNFILTERED_KINDS.contains(&kind) {
        return Ok(None);
    }
    let mut members: Vec<(&'static str, &RawValue)> = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_str(json);
    (&mut deserializer).deserialize_map(Members(&mut members))?;
    deserializer.end()?;
    let mut out = String::with_capacity(64);
    for (name, raw) in members {
        let text = raw.get();
        if text == "null" {
            continue;
        }
        out.push(if out.is_empty() { '{' } else { ',' });
        out.push_str(&serde_json::to_string(name)?);
        out.push(':');
        if text.starts_with('{') || text.starts_with('[') {
            let mut value: Value = serde_json::from_str(text)?;
            strip_nulls(&mut value);
            out.push_str(&value.to_string());
        } else {
            out.push_str(text);
        }
    }
    if out.is_empty() {
        return Ok(None);
    }
    out.push('}');
    Ok(Some(out))
}

/// Leaves out the null members of every object in `value`, however deep; nulls in arrays stay.
fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, member| !member.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// Collects a document's filtered members as raw text, skipping the others without building them.
struct Members<'m, 'de>(&'m mut Vec<(&'static str, &'de RawValue)>);

impl<'de> Visitor<'de> for Members<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(filtered) = map.next_key_seed(Filtered)? {
            match filtered {
                Some(name) => self.0.push((name, map.next_value()?)),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A member name, as the [`FILTERED_FIELDS`] entry it is (or `None`), without allocating.
struct Filtered;

impl<'de> DeserializeSeed<'de> for Filtered {
    type Value = Option<&'static str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for Filtered {
    type Value = Option<&'static str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
        Ok(FILTERED_FIELDS.iter().copied().find(|filtered| *filtered == name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_filtered_members_that_are_not_null_are_kept() {
        let json = r#"{"id":"cus_1","email":"a@example.com","name":"A","currency":null,"metadata":{"k":"v"}}"#;
        assert_eq!(of("customer", json).unwrap().as_deref(), Some(r#"{"email":"a@example.com"}"#));
    }

    #[test]
    fn nulls_inside_a_member_are_stripped_at_every_depth_but_not_in_arrays() {
        let json =
            r#"{"recurring":{"interval":"month","meter":null,"x":{"y":null,"z":[null,{"w":null}]}},"active":true}"#;
        let fields: Value = serde_json::from_str(&of("price", json).unwrap().unwrap()).unwrap();
        assert_eq!(
            fields,
            serde_json::json!({"active": true, "recurring": {"interval": "month", "x": {"z": [null, {}]}}})
        );
    }

    #[test]
    fn events_deliveries_and_documents_without_filtered_members_have_none() {
        assert_eq!(of("event", r#"{"type":"customer.created"}"#).unwrap(), None);
        assert_eq!(of("webhook_delivery", r#"{"status":"pending"}"#).unwrap(), None);
        assert_eq!(of("customer", r#"{"id":"cus_1","email":null}"#).unwrap(), None);
        assert!(!indexed("event", "type"));
        assert!(indexed("price", "type"));
        assert!(!indexed("price", "nickname"));
    }

    #[test]
    fn an_escaped_member_name_is_matched_and_text_that_is_not_an_object_is_an_error() {
        assert_eq!(of("price", r#"{"\u0074ype":"one_time"}"#).unwrap().as_deref(), Some(r#"{"type":"one_time"}"#));
        assert!(of("price", "[1]").is_err());
        assert!(of("price", r#"{"type":"x"} trailing"#).is_err());
    }
}
