//! How long a portal session lives (Stripe's "ephemeral sessions"): a link never opened expires five minutes
//! after it was made; once opened, the session lives until an hour after the customer's latest activity.
//! The portal decides with the request's wall-clock time, never the browser's.

use super::Session;
use crate::Timestamp;

/// The two durations, configurable so tests need not wait an hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetime {
    /// How long a link that was never opened stays valid after creation.
    pub unused_secs: i64,
    /// How long an opened session stays valid after the latest activity.
    pub idle_secs: i64,
}

impl Default for Lifetime {
    fn default() -> Self {
        Self { unused_secs: 5 * 60, idle_secs: 60 * 60 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Live,
    Expired,
}

impl Lifetime {
    /// When `session` expires unless the customer does something before.
    pub fn expires_at(&self, session: &Session) -> Timestamp {
        match (session.engine.opened_at, session.engine.last_activity_at) {
            (None, _) => session.created.saturating_add(self.unused_secs),
            (Some(opened), last) => last.unwrap_or(opened).max(opened).saturating_add(self.idle_secs),
        }
    }

    /// Whether `session` still lives at `now`: live strictly before its expiry.
    pub fn status(&self, session: &Session, now: Timestamp) -> Status {
        if now < self.expires_at(session) { Status::Live } else { Status::Expired }
    }
}

impl Session {
    /// Records the customer's activity at `now`: the first one opens the session. Activity never moves
    /// backwards, so requests that finish out of order cannot shorten the session.
    pub fn record_activity(&mut self, now: Timestamp) {
        let engine = &mut self.engine;
        engine.opened_at.get_or_insert(now);
        engine.last_activity_at = Some(engine.last_activity_at.map_or(now, |last| last.max(now)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objects::billing_portal::session::SessionEngine;

    fn session(created: Timestamp) -> Session {
        Session {
            id: "bps_1".into(),
            object: "billing_portal.session".into(),
            after_expiration: None,
            configuration: "bpc_1".into(),
            created,
            customer: "cus_1".into(),
            customer_account: None,
            flow: None,
            livemode: false,
            locale: None,
            on_behalf_of: None,
            return_url: None,
            url: None,
            engine: SessionEngine::default(),
        }
    }

    const LIFETIME: Lifetime = Lifetime { unused_secs: 300, idle_secs: 3600 };

    #[test]
    fn default_lifetime_is_five_minutes_unopened_and_an_hour_idle() {
        assert_eq!(Lifetime::default(), LIFETIME);
    }

    #[test]
    fn a_session_never_opened_expires_five_minutes_after_creation() {
        let s = session(1_000);
        assert_eq!(LIFETIME.status(&s, 1_000), Status::Live);
        assert_eq!(LIFETIME.status(&s, 1_299), Status::Live);
        assert_eq!(LIFETIME.status(&s, 1_300), Status::Expired);
        assert_eq!(LIFETIME.status(&s, 9_999), Status::Expired);
    }

    #[test]
    fn an_opened_session_lives_an_hour_after_the_latest_activity() {
        let mut s = session(1_000);
        s.record_activity(1_200);
        // Opened within the five minutes: the unused deadline no longer applies.
        assert_eq!(LIFETIME.status(&s, 1_400), Status::Live);
        assert_eq!(LIFETIME.status(&s, 1_200 + 3_599), Status::Live);
        assert_eq!(LIFETIME.status(&s, 1_200 + 3_600), Status::Expired);
        s.record_activity(4_000);
        assert_eq!(s.engine.opened_at, Some(1_200));
        assert_eq!(LIFETIME.status(&s, 4_000 + 3_599), Status::Live);
        assert_eq!(LIFETIME.status(&s, 4_000 + 3_600), Status::Expired);
    }

    #[test]
    fn activity_recorded_out_of_order_never_shortens_the_session() {
        let mut s = session(1_000);
        s.record_activity(2_000);
        s.record_activity(1_500);
        assert_eq!(s.engine.last_activity_at, Some(2_000));
        assert_eq!(LIFETIME.expires_at(&s), 2_000 + 3_600);
    }

    #[test]
    fn durations_are_configurable() {
        let short = Lifetime { unused_secs: 2, idle_secs: 3 };
        let mut s = session(100);
        assert_eq!(short.status(&s, 101), Status::Live);
        assert_eq!(short.status(&s, 102), Status::Expired);
        s.record_activity(101);
        assert_eq!(short.status(&s, 103), Status::Live);
        assert_eq!(short.status(&s, 104), Status::Expired);
    }
}
