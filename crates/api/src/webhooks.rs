//! The store side of webhook delivery: claiming due deliveries (each claim is one attempt, leased so that no
//! other node makes it too) and recording how attempts went. The HTTP side is the binary's worker; sending
//! happens between the two transactions, never inside one.

use std::collections::HashMap;

use portico_core::Scope;
use portico_core::Timestamp;
use portico_core::objects::{Event, Object};
use portico_core::objects::webhook_delivery::{Attempt, DeliveryStatus, QUEUE, WebhookDelivery};
use portico_core::objects::webhook_endpoint::{Status, WebhookEndpoint};
use portico_store::{Tx, TxExt};

use crate::error::ApiError;
use crate::respond;
use crate::state::AppState;

/// One attempt to make: where, what, and how to sign it.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub scope: Scope,
    pub delivery: String,
    pub attempt: u32,
    pub url: String,
    pub secret: String,
    pub body: String,
}

/// Claims up to `limit` deliveries due by `now`, in one transaction. On PostgreSQL `SKIP LOCKED` keeps two nodes
/// off the same rows; the lease written here keeps them off it until the attempt is recorded (or the lease ends,
/// if this node dies meanwhile).
pub async fn claim(state: &AppState, now: Timestamp, limit: u32) -> Result<Vec<Claimed>, ApiError> {
    let mut tx = state.store.begin_write().await?;
    let due = tx.due(Some(QUEUE), now, limit).await?;
    // Two queries per account for the whole round (the deliveries, locked; their events) instead of two per
    // delivery: on PostgreSQL each of those was a round trip.
    let deliveries = by_scope(due.iter().map(|item| (&item.scope, item.id.clone())));
    for (scope, ids) in &deliveries {
        tx.prefetch(scope, WebhookDelivery::KIND, ids, true).await?;
    }
    let mut found = Vec::with_capacity(due.len());
    for item in due {
        let Some(delivery) = tx.load_for_update::<WebhookDelivery>(&item.scope, &item.id).await? else { continue };
        if delivery.next_attempt_at.is_some_and(|at| at <= now) {
            found.push((item, delivery));
        }
    }
    for (scope, ids) in by_scope(found.iter().map(|(item, delivery)| (&item.scope, delivery.event.clone()))) {
        tx.prefetch(&scope, Event::KIND, &ids, false).await?;
    }
    let mut claimed = Vec::with_capacity(found.len());
    // An account has a handful of endpoints: each is read once per round.
    let mut endpoints: HashMap<(String, String), Option<WebhookEndpoint>> = HashMap::new();
    for (item, mut delivery) in found {
        let endpoint_scope = match &delivery.endpoint_account {
            Some(account) => Scope { account: account.clone(), livemode: item.scope.livemode },
            None => item.scope.clone(),
        };
        let key = (endpoint_scope.account.clone(), delivery.endpoint.clone());
        let endpoint = match endpoints.get(&key) {
            Some(found) => found.clone(),
            None => {
                let found = tx.load::<WebhookEndpoint>(&endpoint_scope, &delivery.endpoint).await?;
                endpoints.insert(key, found.clone());
                found
            }
        };
        let event = tx.load::<Event>(&item.scope, &delivery.event).await?;
        let (Some(endpoint), Some(event)) = (endpoint, event) else {
            // The endpoint (or the event) is gone: nothing left to deliver.
            tx.remove(&item.scope, &delivery).await?;
            continue;
        };
        if endpoint.status == Status::Disabled {
            // A disabled endpoint's deliveries wait; they resume if it is enabled again within the retry window.
            delivery.next_attempt_at = Some(now + state.webhook_settings.retries.longest);
            tx.save(&item.scope, &delivery).await?;
            continue;
        }
        delivery.claim(now);
        tx.save(&item.scope, &delivery).await?;
        let body = serde_json::to_string(&respond::wire(&event)?).map_err(ApiError::internal)?;
        claimed.push(Claimed {
            scope: item.scope,
            delivery: delivery.id,
            attempt: delivery.attempt_count,
            url: endpoint.url,
            secret: endpoint.engine.secret,
            body,
        });
    }
    tx.commit().await?;
    Ok(claimed)
}

/// Records finished attempts, in one transaction. An attempt whose lease ran out and was claimed again
/// elsewhere is still recorded, but decides nothing.
pub async fn record(state: &AppState, done: Vec<(Claimed, Attempt)>) -> Result<(), ApiError> {
    let mut transaction = state.store.begin_write().await?;
    let tx: &mut dyn Tx = &mut *transaction;
    let policy = state.webhook_settings.retries;
    for (scope, ids) in by_scope(done.iter().map(|(claimed, _)| (&claimed.scope, claimed.delivery.clone()))) {
        tx.prefetch(&scope, WebhookDelivery::KIND, &ids, true).await?;
    }
    let mut delivered = Vec::new();
    for (claimed, attempt) in done {
        let Some(mut delivery) = tx.load_for_update::<WebhookDelivery>(&claimed.scope, &claimed.delivery).await? else {
            continue;
        };
        if delivery.attempt_count != claimed.attempt || delivery.next_attempt_at.is_none() {
            delivery.attempts.push(attempt);
            tx.save(&claimed.scope, &delivery).await?;
            continue;
        }
        delivery.record(attempt, &policy);
        tx.save(&claimed.scope, &delivery).await?;
        if delivery.status == DeliveryStatus::Delivered {
            delivered.push((claimed.scope, delivery.event));
        }
    }
    // `pending_webhooks` counts the endpoints that have not received the event yet: given-up ones stay.
    for (scope, ids) in by_scope(delivered.iter().map(|(scope, event)| (scope, event.clone()))) {
        tx.prefetch(&scope, Event::KIND, &ids, true).await?;
    }
    for (scope, event) in &delivered {
        if let Some(mut event) = tx.load_for_update::<Event>(scope, event).await? {
            event.pending_webhooks = (event.pending_webhooks - 1).max(0);
            tx.save(scope, &event).await?;
        }
    }
    transaction.commit().await?;
    Ok(())
}

/// Ids grouped by the scope they live in (prefetches read one scope at a time; a repeated id costs nothing).
fn by_scope<'a>(items: impl Iterator<Item = (&'a Scope, String)>) -> Vec<(Scope, Vec<String>)> {
    let mut groups: Vec<(Scope, Vec<String>)> = Vec::new();
    for (scope, id) in items {
        match groups.iter_mut().find(|(s, _)| s == scope) {
            Some((_, ids)) => ids.push(id),
            None => groups.push((scope.clone(), vec![id])),
        }
    }
    groups
}
