//! Reading what a batch of due work will need before doing it: the due subscriptions and invoices, then the
//! objects they point to (subscriptions of invoices, customers, products, payment methods and their card
//! records, PaymentIntents), a few queries per batch instead of several round trips per object. The store keeps
//! them for the transaction (`Tx::prefetch`), locked where processing locks them, so `due::process` runs
//! unchanged and finds them without asking the database. Only references are read here (partial documents);
//! anything missed is simply read when needed.

use std::collections::BTreeSet;

use portico_core::Scope;
use portico_core::objects::payment_method::CardRecord;
use portico_core::objects::{Customer, Invoice, Object, PaymentIntent, PaymentMethod, Product, Subscription};
use portico_store::{Due, Tx};
use serde::Deserialize;

use crate::error::ApiError;

#[derive(Deserialize)]
struct InvoiceRefs {
    customer: String,
    default_payment_method: Option<String>,
    parent: Option<ParentRefs>,
    #[serde(rename = "portico", default)]
    engine: InvoiceEngineRefs,
}

#[derive(Deserialize)]
struct ParentRefs {
    subscription_details: Option<SubscriptionDetailsRefs>,
}

#[derive(Deserialize)]
struct SubscriptionDetailsRefs {
    subscription: Option<String>,
}

#[derive(Deserialize, Default)]
struct InvoiceEngineRefs {
    payment_intent: Option<String>,
}

#[derive(Deserialize)]
struct SubscriptionRefs {
    customer: String,
    default_payment_method: Option<String>,
    items: ItemsRefs,
}

#[derive(Deserialize)]
struct ItemsRefs {
    data: Vec<ItemRefs>,
}

#[derive(Deserialize)]
struct ItemRefs {
    price: PriceRefs,
}

#[derive(Deserialize)]
struct PriceRefs {
    product: String,
}

#[derive(Deserialize)]
struct CustomerRefs {
    invoice_settings: InvoiceSettingsRefs,
}

#[derive(Deserialize)]
struct InvoiceSettingsRefs {
    default_payment_method: Option<String>,
}

/// The ids to read next, by kind.
#[derive(Default)]
struct Wanted {
    subscriptions: BTreeSet<String>,
    customers: BTreeSet<String>,
    products: BTreeSet<String>,
    payment_methods: BTreeSet<String>,
    payment_intents: BTreeSet<String>,
}

/// Reads the documents of `kind` (already prefetched) and parses the references of each.
async fn refs<R: for<'a> Deserialize<'a>>(
    tx: &mut dyn Tx,
    scope: &Scope,
    kind: &str,
    ids: &BTreeSet<String>,
) -> Result<Vec<R>, ApiError> {
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(json) = tx.get_json_for_update(scope, kind, id).await? {
            // A document this code cannot read is left for processing to report.
            if let Ok(parsed) = serde_json::from_str(&json) {
                found.push(parsed);
            }
        }
    }
    Ok(found)
}

async fn fetch(tx: &mut dyn Tx, scope: &Scope, kind: &str, ids: &BTreeSet<String>, lock: bool) -> Result<(), ApiError> {
    if !ids.is_empty() {
        let ids: Vec<String> = ids.iter().cloned().collect();
        tx.prefetch(scope, kind, &ids, lock).await?;
    }
    Ok(())
}

/// Prefetches what processing `due` (all in `scope`) will read.
pub async fn prefetch(tx: &mut dyn Tx, scope: &Scope, due: &[Due]) -> Result<(), ApiError> {
    let of_kind =
        |kind: &str| due.iter().filter(|d| d.kind == kind).map(|d| d.id.clone()).collect::<BTreeSet<String>>();
    let (due_subscriptions, due_invoices) = (of_kind(Subscription::KIND), of_kind(Invoice::KIND));
    fetch(tx, scope, Subscription::KIND, &due_subscriptions, true).await?;
    fetch(tx, scope, Invoice::KIND, &due_invoices, true).await?;

    let mut wanted = Wanted::default();
    for invoice in refs::<InvoiceRefs>(tx, scope, Invoice::KIND, &due_invoices).await? {
        wanted.customers.insert(invoice.customer);
        wanted.payment_methods.extend(invoice.default_payment_method);
        wanted.payment_intents.extend(invoice.engine.payment_intent);
        if let Some(sub) = invoice.parent.and_then(|p| p.subscription_details).and_then(|d| d.subscription) {
            wanted.subscriptions.insert(sub);
        }
    }
    fetch(tx, scope, Subscription::KIND, &wanted.subscriptions, true).await?;
    let all_subscriptions: BTreeSet<String> = due_subscriptions.union(&wanted.subscriptions).cloned().collect();
    for sub in refs::<SubscriptionRefs>(tx, scope, Subscription::KIND, &all_subscriptions).await? {
        wanted.customers.insert(sub.customer);
        wanted.payment_methods.extend(sub.default_payment_method);
        wanted.products.extend(sub.items.data.into_iter().map(|item| item.price.product));
    }
    fetch(tx, scope, Customer::KIND, &wanted.customers, true).await?;
    fetch(tx, scope, Product::KIND, &wanted.products, false).await?;
    fetch(tx, scope, PaymentIntent::KIND, &wanted.payment_intents, true).await?;
    // Payment methods are needed only where an invoice will be charged; their defaults come from customers.
    if !due_invoices.is_empty() {
        for customer in refs::<CustomerRefs>(tx, scope, Customer::KIND, &wanted.customers).await? {
            wanted.payment_methods.extend(customer.invoice_settings.default_payment_method);
        }
        fetch(tx, scope, PaymentMethod::KIND, &wanted.payment_methods, true).await?;
        fetch(tx, scope, CardRecord::KIND, &wanted.payment_methods, true).await?;
    }
    Ok(())
}
