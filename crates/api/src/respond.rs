//! Turning objects into responses, and recording the events a change causes.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use portico_core::objects::event::{Event, previous_attributes};
use portico_core::objects::webhook_delivery::WebhookDelivery;
use portico_core::objects::{HIDDEN, Object};
use portico_store::{JsonRow, Tx, TxExt};
use serde::Serialize;
use serde_json::{Value, json};

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::expand::expand;

/// A JSON response with status 200.
pub fn json_response(value: &Value) -> Response {
    json_text_response(value.to_string())
}

/// JSON text as a response with status 200.
fn json_text_response(json: String) -> Response {
    let mut response = (StatusCode::OK, json).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// An object in its wire shape: the stored document without Portico's bookkeeping.
pub fn wire<T: Serialize + ?Sized>(object: &T) -> Result<Value, ApiError> {
    let mut value = serde_json::to_value(object).map_err(ApiError::internal)?;
    strip_hidden(&mut value);
    Ok(value)
}

fn strip_hidden(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove(HIDDEN);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_hidden),
        _ => {}
    }
}

/// An object as the response, with `expand[]` applied.
pub async fn object<T: Object>(ctx: &Ctx, tx: &mut dyn Tx, object: &T, paths: &[String]) -> ApiResult {
    let mut value = wire(object)?;
    expand(tx, ctx.scope(), T::KIND, &mut value, paths).await?;
    Ok(json_response(&value))
}

/// An object of `kind` given as wire JSON text (as [`create`] returns it) as the response, with `expand[]`
/// applied; without expansions the text is the answer as it is.
pub async fn object_text(ctx: &Ctx, tx: &mut dyn Tx, kind: &str, wire: String, paths: &[String]) -> ApiResult {
    if paths.is_empty() {
        return Ok(json_text_response(wire));
    }
    let mut value: Value = serde_json::from_str(&wire).map_err(ApiError::internal)?;
    expand(tx, ctx.scope(), kind, &mut value, paths).await?;
    Ok(json_response(&value))
}

/// Stores a new object and its `event` (`*.created`), serializing it once: the stored text, without Portico's
/// bookkeeping, is the event's object and is returned for the answer ([`object_text`]).
pub async fn create<T: Object>(ctx: &Ctx, tx: &mut dyn Tx, object: &T, event: &str) -> Result<String, ApiError> {
    let (row, wire) = row_and_wire(object)?;
    tx.insert_json(ctx.scope(), row).await?;
    record(ctx, tx, event, &wire, None).await?;
    Ok(wire)
}

/// Stripe's list envelope; `url` is required by stripe-python to fetch the next page.
pub async fn list<T: Serialize>(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    kind: &str,
    url: &str,
    items: &[T],
    has_more: bool,
    paths: &[String],
) -> ApiResult {
    let mut value = json!({ "object": "list", "data": wire(&items)?, "has_more": has_more, "url": url });
    expand(tx, ctx.scope(), kind, &mut value, paths).await?;
    Ok(json_response(&value))
}

/// Stripe's search envelope: like a list, plus `next_page` (the cursor for `page=`).
pub async fn search_result<T: Serialize + Object>(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    url: &str,
    items: &[T],
    has_more: bool,
    paths: &[String],
) -> ApiResult {
    let next_page = if has_more { items.last().map(|last| last.id().to_owned()) } else { None };
    let mut value = json!({ "object": "search_result", "data": wire(&items)?, "has_more": has_more, "next_page": next_page, "url": url });
    expand(tx, ctx.scope(), T::KIND, &mut value, paths).await?;
    Ok(json_response(&value))
}

/// Appends the event for a change, in the request's transaction. For `*.updated`, pass the object as it was
/// before so `previous_attributes` can be computed.
pub async fn emit<T: Object>(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    kind: &str,
    object: &T,
    before: Option<&Value>,
) -> Result<(), ApiError> {
    match before {
        Some(before) => {
            let after = wire(object)?;
            let previous = previous_attributes(before, &after).map(|changed| changed.to_string());
            record(ctx, tx, kind, &after.to_string(), previous.as_deref()).await
        }
        // Serialized straight to text: a `Value` tree first costs several times more (events are the most
        // written documents).
        None => record(ctx, tx, kind, &wire_json(object)?, None).await,
    }
}

/// Appends the event for an object given as wire JSON text (as [`create`] returns it).
pub async fn emit_wire(ctx: &Ctx, tx: &mut dyn Tx, kind: &str, wire: &str) -> Result<(), ApiError> {
    record(ctx, tx, kind, wire, None).await
}

/// Appends a `*.updated` event for an object given as wire JSON text, with its `previous_attributes` as JSON
/// text (as `event::previous_attributes_text` finds them).
pub async fn emit_changed(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    kind: &str,
    wire: &str,
    previous: Option<String>,
) -> Result<(), ApiError> {
    record(ctx, tx, kind, wire, previous.as_deref()).await
}

/// An object's row for the store and its wire shape as JSON text, from one serialization.
pub fn row_and_wire<T: Object>(object: &T) -> Result<(JsonRow, String), ApiError> {
    let row = portico_store::row(object)?;
    let mut wire = row.json.clone();
    strip_hidden_member(&mut wire);
    Ok((row, wire))
}

/// An object's wire shape as JSON text: its serialization without the top-level [`HIDDEN`] member.
pub fn wire_json<T: Serialize + ?Sized>(object: &T) -> Result<String, ApiError> {
    let mut json = serde_json::to_string(object).map_err(ApiError::internal)?;
    strip_hidden_member(&mut json);
    Ok(json)
}

/// Removes the top-level `"portico"` member from compact JSON object text (as `serde_json::to_string` writes
/// it). Objects keep their bookkeeping in their last field, so the last `,"portico":` is tried first: it is the
/// member when the value after it runs exactly to the closing brace. Otherwise the text is scanned: only a key
/// can start with an unescaped quote right after `{` or `,` at depth one.
fn strip_hidden_member(json: &mut String) {
    let last = format!(",\"{HIDDEN}\":");
    if !json.contains(&last[1..]) {
        return;
    }
    if let Some(at) = json.rfind(&last)
        && value_end(&json.as_bytes()[at + last.len()..]) == Some(json.len() - at - last.len() - 1)
        && json.ends_with('}')
    {
        json.replace_range(at..json.len() - 1, "");
        return;
    }
    strip_hidden_member_anywhere(json);
}

/// Where the JSON value at the start of `bytes` ends (exclusive), or `None` if it does not.
fn value_end(bytes: &[u8]) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (at, &byte) in bytes.iter().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' if depth == 0 => return Some(at + 1),
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth == 0 => return Some(at),
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            b',' if depth == 0 => return Some(at),
            _ => {}
        }
    }
    (depth == 0 && !in_string).then_some(bytes.len())
}

fn strip_hidden_member_anywhere(json: &mut String) {
    let bytes = json.as_bytes();
    let key = format!("\"{HIDDEN}\":");
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut member: Option<usize> = None;
    for (at, &byte) in bytes.iter().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => {
                let after_separator = at > 0 && matches!(bytes[at - 1], b'{' | b',');
                if depth == 1 && member.is_none() && after_separator && bytes[at..].starts_with(key.as_bytes()) {
                    member = Some(at);
                }
                in_string = true;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' | b',' if depth == 1 && member.is_some() => {
                let start = member.unwrap_or(at);
                // Drop the separator before it, or the one after it when it is the first member.
                let range = if bytes[start - 1] == b',' {
                    start - 1..at
                } else if byte == b',' {
                    start..at + 1
                } else {
                    start..at
                };
                json.replace_range(range, "");
                return;
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
}

/// Stores an event about an object given as wire JSON text, and its webhook deliveries.
async fn record(ctx: &Ctx, tx: &mut dyn Tx, kind: &str, object: &str, previous: Option<&str>) -> Result<(), ApiError> {
    let event = Event::new(
        kind,
        Value::Null,
        None,
        ctx.scope().livemode,
        ctx.connected_account().map(str::to_owned),
        ctx.request(),
        ctx.now(),
    );
    // Fan-out to webhook endpoints in the same transaction as the event: the deliveries are the outbox the
    // webhook worker reads, due at once in wall-clock time (test-clock events are delivered as they happen).
    let registry = ctx.webhook_registry(tx).await?;
    let mut event = event;
    let targets: Vec<_> = registry.targets(kind, ctx.connected_account().is_some()).collect();
    event.pending_webhooks = targets.len() as i64;
    tx.insert_json(ctx.scope(), event_row(&event, object, previous)?).await?;
    if !targets.is_empty() {
        let now = crate::context::unix_now();
        // A connected account's events go to its platform's `connect` endpoints.
        let platform = ctx.connected_account().map(|_| ctx.key_scope().account);
        for endpoint in targets {
            let delivery = WebhookDelivery::new(&event.id, kind, &endpoint.id, platform.as_deref(), now);
            tx.create(ctx.scope(), &delivery).await?;
        }
        ctx.state().webhooks.notify_one();
    }
    Ok(())
}

/// The event's row, its `data.object` and `data.previous_attributes` spliced in as text: the event is serialized
/// with a null object and no previous attributes, and the first `"data":{"object":null` of that text is the
/// event's own (every field before `data` is a string or a number, and a quote inside a string is escaped).
fn event_row(event: &Event, object: &str, previous: Option<&str>) -> Result<JsonRow, ApiError> {
    const MARKER: &str = "\"data\":{\"object\":null";
    const PREVIOUS: &str = ",\"previous_attributes\":";
    let shell = serde_json::to_string(event).map_err(ApiError::internal)?;
    let at = shell.find(MARKER).ok_or_else(|| ApiError::internal("event serialized without data.object"))?;
    let cut = at + MARKER.len() - "null".len();
    let previous_len = previous.map_or(0, |previous| PREVIOUS.len() + previous.len());
    let mut json = String::with_capacity(shell.len() + object.len() + previous_len);
    json.push_str(&shell[..cut]);
    json.push_str(object);
    if let Some(previous) = previous {
        json.push_str(PREVIOUS);
        json.push_str(previous);
    }
    json.push_str(&shell[cut + "null".len()..]);
    Ok(JsonRow {
        kind: Event::KIND,
        id: event.id.clone(),
        customer: event.customer().map(str::to_owned),
        created: event.created(),
        clock: event.test_clock().map(str::to_owned),
        due_at: event.due_at(),
        json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stripped(json: &str) -> String {
        let mut json = json.to_owned();
        strip_hidden_member(&mut json);
        json
    }

    #[test]
    fn the_hidden_member_goes_wherever_it_stands_and_only_at_the_top() {
        assert_eq!(stripped(r#"{"id":"x","portico":{"a":[1,{"b":"}"}]},"n":1}"#), r#"{"id":"x","n":1}"#);
        assert_eq!(stripped(r#"{"id":"x","portico":{"a":1}}"#), r#"{"id":"x"}"#);
        assert_eq!(stripped(r#"{"portico":null,"id":"x"}"#), r#"{"id":"x"}"#);
        assert_eq!(stripped(r#"{"portico":null}"#), r#"{}"#);
        let nested = r#"{"metadata":{"portico":"1"},"note":"\",\"portico\":1","id":"x"}"#;
        assert_eq!(stripped(nested), nested);
        let nested_last = r#"{"id":"x","metadata":{"a":"1","portico":"x"}}"#;
        assert_eq!(stripped(nested_last), nested_last);
        assert_eq!(stripped(r#"{"id":"x","metadata":{"portico":1},"portico":"t"}"#), r#"{"id":"x","metadata":{"portico":1}}"#);
    }

    #[test]
    fn text_and_value_give_the_same_wire_shape() {
        let object =
            json!({"id": "in_1", "lines": {"data": [{"portico": 1}]}, "portico": {"token": "s"}, "z": "\u{e9}"});
        let text: Value = serde_json::from_str(&wire_json(&object).unwrap()).unwrap();
        assert_eq!(text, wire(&object).unwrap());
    }
}
