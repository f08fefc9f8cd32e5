//! `expand[]`: replace ids with the objects they name, along dotted paths, up to four levels deep.
//! https://docs.stripe.com/api/expanding_objects

use portico_core::Scope;
use portico_store::Tx;
use serde_json::Value;

use crate::error::ApiError;

/// Stripe allows at most four levels of expansion.
const MAX_DEPTH: usize = 4;

/// Every expandable field: (object kind, dotted path inside it, kind of the object the id names).
/// `data` in a path walks a nested list's items.
const EXPANDABLE: &[(&str, &str, &str)] = &[
    // An entry whose target is its own kind is an includable field (shown only when asked for): the entry just
    // makes `expand[]` accept it, the resource decides whether to show it.
    ("billing_portal.session", "configuration", "billing_portal.configuration"),
    ("charge", "customer", "customer"),
    ("charge", "payment_intent", "payment_intent"),
    ("coupon", "applies_to", "coupon"),
    ("coupon", "currency_options", "coupon"),
    ("customer", "invoice_settings.default_payment_method", "payment_method"),
    ("customer", "test_clock", "test_helpers.test_clock"),
    ("discount", "customer", "customer"),
    ("discount", "promotion_code", "promotion_code"),
    ("discount", "source.coupon", "coupon"),
    ("invoice", "customer", "customer"),
    ("invoice", "discounts", "discount"),
    ("invoiceitem", "customer", "customer"),
    ("invoiceitem", "discounts", "discount"),
    ("invoiceitem", "invoice", "invoice"),
    ("payment_intent", "customer", "customer"),
    ("payment_intent", "latest_charge", "charge"),
    ("payment_intent", "payment_method", "payment_method"),
    ("payment_method", "customer", "customer"),
    ("price", "currency_options", "price"),
    ("price", "product", "product"),
    ("price", "tiers", "price"),
    ("product", "default_price", "price"),
    ("promotion_code", "customer", "customer"),
    ("promotion_code", "promotion", "promotion_code"),
    ("promotion_code", "promotion.coupon", "coupon"),
    ("promotion_code", "restrictions.currency_options", "promotion_code"),
    ("setup_intent", "customer", "customer"),
    ("setup_intent", "latest_attempt", "setup_attempt"),
    ("setup_intent", "mandate", "mandate"),
    ("setup_intent", "payment_method", "payment_method"),
    ("setup_intent", "single_use_mandate", "mandate"),
    ("subscription", "discounts", "discount"),
    ("subscription", "customer", "customer"),
    ("subscription", "default_payment_method", "payment_method"),
    ("subscription", "latest_invoice", "invoice"),
    ("subscription", "schedule", "subscription_schedule"),
    ("subscription", "test_clock", "test_helpers.test_clock"),
    ("subscription_schedule", "customer", "customer"),
    ("subscription_schedule", "subscription", "subscription"),
    ("subscription_schedule", "test_clock", "test_helpers.test_clock"),
    ("invoice", "default_payment_method", "payment_method"),
    ("invoice", "parent.subscription_details.subscription", "subscription"),
    ("invoice", "test_clock", "test_helpers.test_clock"),
    ("tax_id", "customer", "customer"),
    ("tax_id", "owner.customer", "customer"),
];

/// Expands `paths` in an object of `kind`; for a list response, paths start with `data.`.
pub async fn expand(
    tx: &mut dyn Tx,
    scope: &Scope,
    kind: &str,
    value: &mut Value,
    paths: &[String],
) -> Result<(), ApiError> {
    for path in paths {
        let segments: Vec<&str> = path.split('.').collect();
        if segments.len() > MAX_DEPTH + usize::from(segments.first() == Some(&"data")) {
            return Err(ApiError::invalid_request(format!(
                "You cannot expand more than {MAX_DEPTH} levels of a property. Property: {path}"
            ))
            .with_param("expand"));
        }
        if segments.iter().any(|s| s.is_empty()) {
            return Err(cannot_expand(path));
        }
        expand_path(tx, scope, kind, value, &segments, path).await?;
    }
    Ok(())
}

fn cannot_expand(path: &str) -> ApiError {
    ApiError::invalid_request(format!("This property cannot be expanded ({path}).")).with_param("expand")
}

/// Walks `segments` from `value` (an object of `kind`, or a list whose items are).
fn expand_path<'a>(
    tx: &'a mut dyn Tx,
    scope: &'a Scope,
    kind: &'a str,
    value: &'a mut Value,
    segments: &'a [&'a str],
    full: &'a str,
) -> std::pin::Pin<Box<dyn Future<Output = Result<(), ApiError>> + Send + 'a>> {
    Box::pin(async move {
        if segments.is_empty() {
            return Ok(());
        }
        if value.get("object").and_then(Value::as_str) == Some("list") && segments[0] == "data" {
            if let Some(items) = value.get_mut("data").and_then(Value::as_array_mut) {
                for item in items {
                    expand_path(tx, scope, kind, item, &segments[1..], full).await?;
                }
            }
            return Ok(());
        }
        // The longest table entry that prefixes the remaining path.
        let (field_len, target) = EXPANDABLE
            .iter()
            .filter(|(of, _, _)| *of == kind)
            .filter_map(|(_, field, target)| {
                let parts: Vec<&str> = field.split('.').collect();
                (segments.len() >= parts.len() && segments[..parts.len()] == parts[..])
                    .then_some((parts.len(), *target))
            })
            .max_by_key(|(len, _)| *len)
            .ok_or_else(|| cannot_expand(full))?;
        let Some(slot) = walk(value, &segments[..field_len]) else { return Ok(()) };
        // A list of ids (`discounts`) expands id by id.
        let slots: Vec<&mut Value> = match slot {
            Value::Array(items) => items.iter_mut().collect(),
            single => vec![single],
        };
        for slot in slots {
            if let Some(id) = slot.as_str().map(str::to_owned)
                && let Some(mut object) = tx.get(scope, target, &id).await?
            {
                // Stored documents carry Portico's bookkeeping; responses never show it.
                if let Some(map) = object.as_object_mut() {
                    map.remove(portico_core::objects::HIDDEN);
                }
                *slot = object;
            }
            if slot.is_object() {
                expand_path(tx, scope, target, slot, &segments[field_len..], full).await?;
            }
        }
        Ok(())
    })
}

fn walk<'v>(mut value: &'v mut Value, path: &[&str]) -> Option<&'v mut Value> {
    for key in path {
        value = value.get_mut(*key)?;
    }
    Some(value)
}
