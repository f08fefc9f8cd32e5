//! One event's delivery to one webhook endpoint, with its attempts: Portico's own record (Stripe shows it only
//! in its Dashboard), never on the API. Deliveries wait in the store's `webhooks` work queue until due.

use serde::{Deserialize, Serialize};

use super::Object;
use crate::webhooks::RetryPolicy;
use crate::{Timestamp, ids};

/// The work queue deliveries wait in, apart from the billing engine's.
pub const QUEUE: &str = "webhooks";
/// A claimed delivery is someone's for this long: if its node dies mid-attempt, another node tries again after.
pub const LEASE: Timestamp = 60;
/// Attempts kept on a delivery (the oldest are dropped beyond this).
const KEPT_ATTEMPTS: usize = 50;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WebhookDelivery {
    pub id: String,
    pub object: String,
    pub created: Timestamp,
    pub event: String,
    pub event_type: String,
    pub endpoint: String,
    /// The account the endpoint belongs to when it is not the event's (a platform's `connect` endpoint).
    pub endpoint_account: Option<String>,
    pub status: DeliveryStatus,
    /// When it is next to be tried (a claimed delivery's lease end); `None` once delivered or given up.
    pub next_attempt_at: Option<Timestamp>,
    pub attempt_count: u32,
    pub first_attempt_at: Option<Timestamp>,
    pub delivered_at: Option<Timestamp>,
    pub attempts: Vec<Attempt>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    /// Retries ran out.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub at: Timestamp,
    /// The receiver's HTTP status; `None` when no answer came (connection refused, timeout).
    pub status_code: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: u64,
}

impl Object for WebhookDelivery {
    const KIND: &'static str = "webhook_delivery";
    const PREFIX: &'static str = "whd";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
    fn queue(&self) -> Option<&str> {
        Some(QUEUE)
    }
    fn due_at(&self) -> Option<Timestamp> {
        self.next_attempt_at
    }
}

impl WebhookDelivery {
    /// A delivery of `event` to `endpoint` (of `endpoint_account` when not the event's account), due at once.
    pub fn new(event: &str, event_type: &str, endpoint: &str, endpoint_account: Option<&str>, now: Timestamp) -> Self {
        Self {
            id: ids::new_id(Self::PREFIX),
            object: Self::KIND.into(),
            created: now,
            event: event.to_owned(),
            event_type: event_type.to_owned(),
            endpoint: endpoint.to_owned(),
            endpoint_account: endpoint_account.map(str::to_owned),
            status: DeliveryStatus::Pending,
            next_attempt_at: Some(now),
            attempt_count: 0,
            first_attempt_at: None,
            delivered_at: None,
            attempts: Vec::new(),
        }
    }

    /// Takes the delivery for one attempt: nobody else tries it until the lease ends.
    pub fn claim(&mut self, now: Timestamp) {
        self.attempt_count += 1;
        self.first_attempt_at.get_or_insert(now);
        self.next_attempt_at = Some(now + LEASE);
    }

    /// Records how the claimed attempt went: any 2xx delivers; otherwise the next try follows `policy`, or the
    /// delivery fails for good. Returns whether the event left the endpoint's pending deliveries.
    pub fn record(&mut self, attempt: Attempt, policy: &RetryPolicy) -> bool {
        let now = attempt.at;
        let delivered = attempt.status_code.is_some_and(|code| (200..300).contains(&code));
        self.attempts.push(attempt);
        if self.attempts.len() > KEPT_ATTEMPTS {
            self.attempts.remove(0);
        }
        if delivered {
            self.status = DeliveryStatus::Delivered;
            self.delivered_at = Some(now);
            self.next_attempt_at = None;
            return true;
        }
        let first = self.first_attempt_at.unwrap_or(now);
        self.next_attempt_at = policy.next_attempt(first, self.attempt_count, now);
        if self.next_attempt_at.is_none() {
            self.status = DeliveryStatus::Failed;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(at: Timestamp, status_code: Option<u16>) -> Attempt {
        Attempt { at, status_code, error: None, duration_ms: 1 }
    }

    #[test]
    fn a_failed_attempt_is_retried_later_and_a_2xx_delivers() {
        let policy = RetryPolicy::default();
        let mut delivery = WebhookDelivery::new("evt_1", "invoice.paid", "we_1", None, 100);
        delivery.claim(100);
        assert_eq!(delivery.due_at(), Some(100 + LEASE));
        assert!(!delivery.record(attempt(100, Some(500)), &policy));
        assert_eq!(delivery.due_at(), Some(160));
        delivery.claim(160);
        assert!(delivery.record(attempt(160, Some(204)), &policy));
        assert_eq!(delivery.status, DeliveryStatus::Delivered);
        assert_eq!(delivery.due_at(), None);
        assert_eq!(delivery.attempt_count, 2);
    }

    #[test]
    fn retries_give_up_when_the_policy_does() {
        let policy = RetryPolicy { first: 1, longest: 2, give_up_after: 3 };
        let mut delivery = WebhookDelivery::new("evt_1", "invoice.paid", "we_1", None, 0);
        let mut now = 0;
        loop {
            delivery.claim(now);
            if delivery.record(attempt(now, None), &policy) {
                break;
            }
            now = delivery.next_attempt_at.unwrap();
        }
        assert_eq!(delivery.status, DeliveryStatus::Failed);
        assert!(now <= 3);
    }
}
