//! Test clocks (`clock_`): a frozen time that customers and everything they own live on, moved forward only by
//! `advance`. https://docs.stripe.com/api/test_clocks/object

use serde::{Deserialize, Serialize};

use super::Object;
use crate::error::{ParamCode, ParamError};
use crate::{Timestamp, ids};

/// Stripe deletes a clock 30 days after it was created (spec 4.15; the offset is Stripe's documented default).
pub const LIFETIME: Timestamp = 30 * 86_400;
/// Without subscriptions a clock may move at most two years per advance.
pub const MAX_ADVANCE_WITHOUT_SUBSCRIPTIONS: Timestamp = 2 * 366 * 86_400;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestClock {
    pub id: String,
    pub object: String,
    pub created: Timestamp,
    pub deletes_after: Timestamp,
    pub frozen_time: Timestamp,
    pub livemode: bool,
    pub name: Option<String>,
    pub status: Status,
    pub status_details: StatusDetails,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ready,
    Advancing,
    InternalFailure,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advancing: Option<Advancing>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advancing {
    pub target_frozen_time: Timestamp,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestClockCreate {
    pub frozen_time: Option<Timestamp>,
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestClockAdvance {
    pub frozen_time: Option<Timestamp>,
}

impl Object for TestClock {
    const KIND: &'static str = "test_helpers.test_clock";
    const PREFIX: &'static str = "clock";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
    /// An advancing clock waits in the wall clock's work queue until a scheduler runs its advance; any past
    /// time puts it there.
    fn due_at(&self) -> Option<Timestamp> {
        (self.status == Status::Advancing).then_some(self.created)
    }
}

impl TestClock {
    pub fn create(params: TestClockCreate, livemode: bool, now: Timestamp) -> Result<Self, ParamError> {
        let frozen_time = params.frozen_time.ok_or_else(|| ParamError::missing("frozen_time"))?;
        if let Some(name) = &params.name
            && name.chars().count() > 300
        {
            return Err(ParamError::new(ParamCode::InvalidRequest, "name", "Name must be at most 300 characters."));
        }
        Ok(Self {
            id: ids::new_id(Self::PREFIX),
            object: Self::KIND.into(),
            created: now,
            deletes_after: now + LIFETIME,
            frozen_time,
            livemode,
            name: params.name,
            status: Status::Ready,
            status_details: StatusDetails::default(),
        })
    }

    /// Starts moving the clock to `target`; the worker processes everything due on the way and calls
    /// [`TestClock::finish_advance`]. `max_step` is the longest move allowed (two intervals of the shortest
    /// subscription on the clock, or two years).
    pub fn begin_advance(&mut self, target: Option<Timestamp>, max_step: Timestamp) -> Result<(), ParamError> {
        let target = target.ok_or_else(|| ParamError::missing("frozen_time"))?;
        if self.status == Status::Advancing {
            return Err(ParamError::new(
                ParamCode::InvalidRequest,
                "",
                "The test clock is already advancing. Wait until it is ready before advancing it again.",
            ));
        }
        if target <= self.frozen_time {
            return Err(ParamError::new(
                ParamCode::InvalidRequest,
                "frozen_time",
                format!(
                    "The test clock's frozen time can only move forward: {target} is not after the current frozen \
                     time {}.",
                    self.frozen_time
                ),
            ));
        }
        if target - self.frozen_time > max_step {
            return Err(ParamError::new(
                ParamCode::InvalidRequest,
                "frozen_time",
                "Cannot advance the test clock more than two intervals of the shortest subscription on it (or two \
                 years when it has none) at a time.",
            ));
        }
        self.status = Status::Advancing;
        self.status_details = StatusDetails { advancing: Some(Advancing { target_frozen_time: target }) };
        Ok(())
    }

    /// Where an advance is headed, while one runs.
    pub fn target(&self) -> Option<Timestamp> {
        self.status_details.advancing.as_ref().map(|a| a.target_frozen_time)
    }

    pub fn finish_advance(&mut self) {
        if let Some(target) = self.target() {
            self.frozen_time = target;
        }
        self.status = Status::Ready;
        self.status_details = StatusDetails::default();
    }
}
