//! Events (`evt_`): one is appended for every change, in the same transaction as the change.
//! https://docs.stripe.com/api/events/object

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use super::Object;
use crate::{Timestamp, ids};

/// The API version Portico speaks, as the current SDKs pin it.
pub const API_VERSION: &str = "2026-10-28.endive";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    pub object: String,
    /// Set only for events of a connected account, as Stripe does.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account: Option<String>,
    pub api_version: Option<String>,
    pub created: Timestamp,
    pub data: EventData,
    pub livemode: bool,
    pub pending_webhooks: i64,
    pub request: EventRequest,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventData {
    pub object: Value,
    /// Only on `*.updated` events: the previous values of the top-level fields that changed.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub previous_attributes: Option<Value>,
}

/// The API request that caused the event; both null for automatic events (renewals, clock advances).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EventRequest {
    pub id: Option<String>,
    pub idempotency_key: Option<String>,
}

impl Object for Event {
    const KIND: &'static str = "event";
    const PREFIX: &'static str = "evt";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
}

impl Event {
    /// An event of `kind` about `object` (already in its wire shape). `connected_account` is the `acct_…` when
    /// the change happened on a connected account.
    pub fn new(
        kind: &str,
        object: Value,
        previous_attributes: Option<Value>,
        livemode: bool,
        connected_account: Option<String>,
        request: EventRequest,
        now: Timestamp,
    ) -> Self {
        Event {
            id: ids::new_id(Self::PREFIX),
            object: Self::KIND.into(),
            account: connected_account,
            api_version: Some(API_VERSION.into()),
            created: now,
            data: EventData { object, previous_attributes },
            livemode,
            pending_webhooks: 0,
            request,
            kind: kind.into(),
        }
    }
}

/// The previous values of every top-level field that differs between two versions of an object, as
/// Stripe puts them in `data.previous_attributes`; `None` when nothing changed.
pub fn previous_attributes(before: &Value, after: &Value) -> Option<Value> {
    let (Value::Object(before), Value::Object(after)) = (before, after) else { return None };
    let mut changed = serde_json::Map::new();
    for (key, old) in before {
        if after.get(key) != Some(old) {
            changed.insert(key.clone(), old.clone());
        }
    }
    for key in after.keys() {
        if !before.contains_key(key) {
            changed.insert(key.clone(), Value::Null);
        }
    }
    (!changed.is_empty()).then_some(Value::Object(changed))
}

/// [`previous_attributes`] from the JSON texts of two versions of an object, as one serializer writes them (so
/// equal values are equal text and members come in one order), as JSON text. The members are split without
/// parsing their values, and the old values of those that changed are copied as they are. Sorting the members
/// in a map and building the changed ones as `Value`s, to be written out again in the event, took a third of
/// the processing of a renewal (a subscription's `items` change at every renewal). Texts this cannot split
/// into members (an escaped key) fall back to `Value`s.
pub fn previous_attributes_text(before: &str, after: &str) -> Option<String> {
    let (Ok(Members(old)), Ok(Members(new))) =
        (serde_json::from_str::<Members>(before), serde_json::from_str::<Members>(after))
    else {
        let parse = |text: &str| serde_json::from_str::<Value>(text).unwrap_or_default();
        return previous_attributes(&parse(before), &parse(after)).map(|changed| changed.to_string());
    };
    let mut text = String::new();
    let mut member = |key: &str, value: &str| {
        text.push(if text.is_empty() { '{' } else { ',' });
        text.push('"');
        text.push_str(key);
        text.push_str("\":");
        text.push_str(value);
    };
    // Members come in the same order in both texts; lookups only where they do not.
    let mut aligned = old.len() == new.len();
    for (at, (key, value)) in old.iter().enumerate() {
        let now = match new.get(at) {
            Some((same, now)) if same == key => Some(now),
            _ => {
                aligned = false;
                new.iter().find(|(other, _)| other == key).map(|(_, now)| now)
            }
        };
        if now.is_none_or(|now| now.get() != value.get()) {
            member(key, value.get());
        }
    }
    if !aligned {
        for (key, _) in new.iter().filter(|(key, _)| !old.iter().any(|(other, _)| other == key)) {
            member(key, "null");
        }
    }
    (!text.is_empty()).then(|| text + "}")
}

/// The top-level members of a JSON object in their order, values unparsed. Keys must be free of escapes (they
/// are borrowed), which keeps them safe to write back between quotes as they are.
struct Members<'a>(Vec<(&'a str, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(48));
                while let Some(member) = map.next_entry::<&'de str, &'de RawValue>()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn previous_attributes_hold_old_values_of_changed_fields_only() {
        let before = json!({"id": "cus_1", "name": "Ann", "metadata": {"a": "1"}});
        let after = json!({"id": "cus_1", "name": "Bob", "metadata": {"a": "1"}});
        assert_eq!(previous_attributes(&before, &after), Some(json!({"name": "Ann"})));
        assert_eq!(previous_attributes(&after, &after), None);
    }

    fn of_text(before: &str, after: &str) -> Option<Value> {
        previous_attributes_text(before, after).map(|text| serde_json::from_str(&text).expect("valid JSON"))
    }

    #[test]
    fn previous_attributes_from_text_match_those_from_values() {
        let before = json!({"id": "cus_1", "name": "Ann", "metadata": {"a": "1"}, "gone": 1, "items": [1, {"b": 2}]});
        let after = json!({"id": "cus_1", "name": "Bob", "metadata": {"a": "1"}, "new": true, "items": [1, {"b": 3}]});
        let (old, new) = (before.to_string(), after.to_string());
        assert_eq!(of_text(&old, &new), previous_attributes(&before, &after));
        assert_eq!(of_text(&old, &old), None);
        // Members in another order are matched by key.
        let reordered = r#"{"name":"Ann","id":"cus_2","metadata":{"a":"1"}}"#;
        assert_eq!(
            of_text(r#"{"id":"cus_1","name":"Ann","metadata":{"a":"1"}}"#, reordered),
            Some(json!({"id": "cus_1"}))
        );
        assert_eq!(
            of_text(r#"{"k\"ey": 1}"#, r#"{"k\"ey": 2}"#),
            Some(json!({"k\"ey": 1})),
            "an escaped key falls back to values"
        );
    }

    proptest::proptest! {
        /// Whatever two objects are, the text version finds what the `Value` version finds.
        #[test]
        fn previous_attributes_text_agree_with_values(
            before in proptest::collection::btree_map("[a-z]{1,3}", 0i64..3, 0..6),
            after in proptest::collection::btree_map("[a-z]{1,3}", 0i64..3, 0..6),
        ) {
            let (before, after) = (json!(before), json!(after));
            proptest::prop_assert_eq!(
                of_text(&before.to_string(), &after.to_string()),
                previous_attributes(&before, &after)
            );
        }
    }
}
