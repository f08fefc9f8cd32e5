//! Webhook delivery rules (spec 4.16): which endpoints an event goes to, Stripe's `Stripe-Signature` scheme, and
//! when a failed delivery is tried again.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::Timestamp;

/// Whether an endpoint listening to `enabled` receives events of `kind`: `*` is every event.
pub fn listens_to(enabled: &[String], kind: &str) -> bool {
    enabled.iter().any(|e| e == "*" || e == kind)
}

/// The `Stripe-Signature` header for `body` sent at `timestamp`: `t=<unix>,v1=<hex HMAC-SHA256>`, keyed with the
/// whole secret (`whsec_…` included) over `"<t>.<body>"`, which is what the official SDKs verify.
pub fn signature_header(secret: &str, timestamp: Timestamp, body: &str) -> String {
    format!("t={timestamp},v1={}", sign(secret, timestamp, body))
}

fn sign(secret: &str, timestamp: Timestamp, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// When failed deliveries are retried: exponential backoff from `first` (doubling, at most `longest` apart), for
/// up to `give_up_after` from the first attempt (Stripe: three days in live mode). Compressible for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub first: Timestamp,
    pub longest: Timestamp,
    pub give_up_after: Timestamp,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { first: 60, longest: 12 * 3600, give_up_after: 3 * 86_400 }
    }
}

impl RetryPolicy {
    /// When to try again after `attempts` failed attempts, the first of them at `first_attempt`; `None` once
    /// the next try would fall after the policy gives up.
    pub fn next_attempt(&self, first_attempt: Timestamp, attempts: u32, now: Timestamp) -> Option<Timestamp> {
        let doubling = 1i64.checked_shl(attempts.saturating_sub(1)).unwrap_or(i64::MAX);
        let delay = self.first.saturating_mul(doubling).min(self.longest).max(1);
        let at = now + delay;
        (at <= first_attempt + self.give_up_after).then_some(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body_keyed_with_the_whole_secret() {
        // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        let header = signature_header("whsec_test", 1_700_000_000, r#"{"a":1}"#);
        assert_eq!(header, "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789");
    }

    #[test]
    fn star_listens_to_everything_and_names_only_to_themselves() {
        let some = vec!["invoice.paid".to_owned()];
        assert!(listens_to(&some, "invoice.paid"));
        assert!(!listens_to(&some, "invoice.created"));
        assert!(listens_to(&["*".to_owned()], "customer.created"));
    }

    #[test]
    fn retries_back_off_exponentially_up_to_three_days() {
        let policy = RetryPolicy::default();
        let mut now = 0;
        let mut attempts = 1;
        let mut delays = Vec::new();
        while let Some(next) = policy.next_attempt(0, attempts, now) {
            delays.push(next - now);
            now = next;
            attempts += 1;
        }
        assert_eq!(&delays[..4], &[60, 120, 240, 480]);
        assert!(delays.iter().all(|d| *d <= 12 * 3600));
        assert!(now <= 3 * 86_400 && now > 2 * 86_400, "gives up within three days: {now}");
    }
}
