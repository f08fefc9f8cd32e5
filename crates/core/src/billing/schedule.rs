//! Subscription schedules over time (spec 4.13): laying out phases end to end, and the transitions a schedule
//! makes when the clock reaches a phase boundary: start the subscription, move it to the next phase's items,
//! or end (release the subscription, or cancel it).

use super::change::ItemChange;
use super::lifecycle::NewItem;
use super::period::Cadence;
use crate::Timestamp;
use crate::objects::price::{Interval, Price};
use crate::objects::subscription::SubscriptionItem;
use crate::objects::subscription_schedule::{CurrentPhase, EndBehavior, Phase, Status, SubscriptionSchedule};

/// How a phase ends, as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhaseEnd {
    At(Timestamp),
    /// `duration{interval, interval_count}`.
    After(Cadence),
    /// `iterations`: this many periods of the phase's price.
    Iterations(i64),
    Open,
}

/// A phase with its prices resolved, before it is placed on the timeline.
pub struct PhaseDraft {
    pub phase: Phase,
    /// The cadence of the phase's prices, for `iterations`.
    pub cadence: Cadence,
    pub end: PhaseEnd,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError {
    pub param: String,
    pub message: String,
}

/// Places phases end to end from `start`: each starts where the previous ended. Only the last may be open.
pub fn lay_out(start: Timestamp, drafts: Vec<PhaseDraft>) -> Result<Vec<Phase>, ScheduleError> {
    let count = drafts.len();
    let mut at = start;
    let mut phases = Vec::with_capacity(count);
    for (index, draft) in drafts.into_iter().enumerate() {
        let mut phase = draft.phase;
        phase.start_date = at;
        let end = match draft.end {
            PhaseEnd::At(end) => Some(end),
            PhaseEnd::After(cadence) => Some(cadence.boundary(at, 1)),
            PhaseEnd::Iterations(n) => Some(draft.cadence.boundary(at, n)),
            PhaseEnd::Open => None,
        };
        match end {
            Some(end) if end <= at => {
                return Err(ScheduleError {
                    param: format!("phases[{index}][end_date]"),
                    message: "The phase's end_date must be after its start_date.".into(),
                });
            }
            None if index + 1 < count => {
                return Err(ScheduleError {
                    param: format!("phases[{index}][end_date]"),
                    message: "Every phase but the last must have an end_date, a duration or iterations.".into(),
                });
            }
            _ => {}
        }
        phase.end_date = end;
        at = end.unwrap_or(at);
        phases.push(phase);
    }
    Ok(phases)
}

/// When the schedule next has something to do.
pub fn next_transition(schedule: &SubscriptionSchedule) -> Option<Timestamp> {
    match schedule.status {
        Status::NotStarted => schedule.phases.first().map(|p| p.start_date),
        Status::Active => schedule.current_phase.and_then(|p| p.end_date),
        _ => None,
    }
}

/// One step of a schedule at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The first phase begins: the subscription is created with its items.
    Start,
    /// The phase at this index begins: the subscription takes its items.
    Enter(usize),
    /// The last phase ended.
    End(EndBehavior),
}

/// The next step due at `now`, already recorded on the schedule (current phase, status, dates); the caller
/// carries it out on the subscription. Call until it returns `None`.
pub fn step(schedule: &mut SubscriptionSchedule, now: Timestamp) -> Option<Step> {
    let due = next_transition(schedule)?;
    if due > now {
        return None;
    }
    if schedule.status == Status::NotStarted {
        schedule.status = Status::Active;
        schedule.current_phase = Some(current(&schedule.phases[0]));
        return Some(Step::Start);
    }
    let next = schedule.phases.iter().position(|p| p.start_date == due && p.end_date.is_none_or(|end| end > due));
    match next {
        Some(index) => {
            schedule.current_phase = Some(current(&schedule.phases[index]));
            Some(Step::Enter(index))
        }
        None => {
            schedule.current_phase = None;
            match schedule.end_behavior {
                EndBehavior::Cancel => {
                    schedule.status = Status::Completed;
                    schedule.completed_at = Some(due);
                }
                _ => {
                    schedule.status = Status::Released;
                    schedule.released_at = Some(due);
                    schedule.released_subscription = schedule.subscription.clone();
                }
            }
            Some(Step::End(schedule.end_behavior))
        }
    }
}

fn current(phase: &Phase) -> CurrentPhase {
    CurrentPhase { start_date: phase.start_date, end_date: phase.end_date }
}

/// The index of the phase in force at `now`.
pub fn phase_at(schedule: &SubscriptionSchedule, now: Timestamp) -> Option<usize> {
    schedule.phases.iter().position(|p| p.start_date <= now && p.end_date.is_none_or(|end| now < end))
}

/// The item changes that give a subscription a phase's items: items of the same price keep their id (and
/// change quantity); the others are re-priced in order, then removed or added.
pub fn item_changes(current: &[SubscriptionItem], target: Vec<(Price, i64)>) -> Vec<ItemChange> {
    let mut changes = Vec::new();
    let mut unmatched_target = Vec::new();
    let mut matched = Vec::new();
    for (price, quantity) in target {
        match current.iter().find(|i| i.price.id == price.id && !matched.contains(&i.id)) {
            Some(item) => {
                matched.push(item.id.clone());
                if item.quantity != quantity {
                    changes.push(ItemChange::Update {
                        id: item.id.clone(),
                        price: None,
                        quantity: Some(quantity),
                        tax_rates: None,
                    });
                }
            }
            None => unmatched_target.push((price, quantity)),
        }
    }
    let mut leftover = current.iter().filter(|i| !matched.contains(&i.id));
    for (price, quantity) in unmatched_target {
        match leftover.next() {
            Some(item) => changes.push(ItemChange::Update {
                id: item.id.clone(),
                price: Some(price),
                quantity: Some(quantity),
                tax_rates: None,
            }),
            None => changes.push(ItemChange::Add(NewItem {
                price,
                quantity,
                metadata: Default::default(),
                tax_rates: Vec::new(),
            })),
        }
    }
    changes.extend(leftover.map(|item| ItemChange::Delete { id: item.id.clone() }));
    changes
}

/// `duration[interval]` and `duration[interval_count]` as a cadence.
pub fn duration(interval: Interval, count: i64) -> Cadence {
    Cadence::new(interval, count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objects::subscription::ProrationBehavior;
    use crate::objects::subscription_schedule::default_settings;

    const DAY: Timestamp = 86_400;
    /// 2027-01-31T00:00:00Z.
    const JAN_31: Timestamp = 1_801_353_600;

    fn phase() -> Phase {
        Phase {
            add_invoice_items: vec![],
            application_fee_percent: None,
            billing_cycle_anchor: None,
            billing_thresholds: None,
            collection_method: None,
            currency: "usd".into(),
            default_payment_method: None,
            default_tax_rates: vec![],
            description: None,
            discounts: vec![],
            end_date: None,
            invoice_settings: None,
            items: vec![],
            metadata: Default::default(),
            on_behalf_of: None,
            proration_behavior: ProrationBehavior::CreateProrations,
            start_date: 0,
            transfer_data: None,
            trial_end: None,
        }
    }

    fn draft(end: PhaseEnd) -> PhaseDraft {
        PhaseDraft { phase: phase(), cadence: Cadence::new(Interval::Month, 1), end }
    }

    fn schedule(phases: Vec<Phase>, end_behavior: EndBehavior) -> SubscriptionSchedule {
        SubscriptionSchedule {
            id: "sub_sched_1".into(),
            object: "subscription_schedule".into(),
            application: None,
            billing_mode: crate::objects::subscription::BillingMode::new(Default::default()),
            canceled_at: None,
            completed_at: None,
            created: 0,
            current_phase: None,
            customer: "cus_1".into(),
            customer_account: None,
            default_settings: default_settings(Default::default(), None),
            end_behavior,
            livemode: false,
            metadata: Default::default(),
            phases,
            released_at: None,
            released_subscription: None,
            status: Status::NotStarted,
            subscription: Some("sub_1".into()),
            test_clock: None,
        }
    }

    #[test]
    fn phases_are_laid_end_to_end_with_month_end_clamping() {
        let phases = lay_out(
            JAN_31,
            vec![
                draft(PhaseEnd::Iterations(1)),
                draft(PhaseEnd::After(duration(Interval::Month, 1))),
                draft(PhaseEnd::Open),
            ],
        )
        .unwrap();
        let feb_28 = JAN_31 + 28 * DAY;
        assert_eq!((phases[0].start_date, phases[0].end_date), (JAN_31, Some(feb_28)));
        assert_eq!((phases[1].start_date, phases[1].end_date), (feb_28, Some(feb_28 + 28 * DAY)));
        assert_eq!(phases[2].end_date, None);
    }

    #[test]
    fn only_the_last_phase_may_be_open_and_ends_follow_starts() {
        let error = lay_out(JAN_31, vec![draft(PhaseEnd::Open), draft(PhaseEnd::Open)]).err().unwrap();
        assert_eq!(error.param, "phases[0][end_date]");
        assert!(lay_out(JAN_31, vec![draft(PhaseEnd::At(JAN_31))]).is_err());
    }

    #[test]
    fn a_schedule_starts_moves_through_its_phases_then_releases() {
        let phases =
            lay_out(JAN_31, vec![draft(PhaseEnd::At(JAN_31 + 10 * DAY)), draft(PhaseEnd::At(JAN_31 + 20 * DAY))])
                .unwrap();
        let mut schedule = schedule(phases, EndBehavior::Release);
        assert_eq!(step(&mut schedule, JAN_31 - 1), None);
        assert_eq!(step(&mut schedule, JAN_31 + 25 * DAY), Some(Step::Start));
        assert_eq!(step(&mut schedule, JAN_31 + 25 * DAY), Some(Step::Enter(1)));
        assert_eq!(schedule.current_phase.unwrap().start_date, JAN_31 + 10 * DAY);
        assert_eq!(step(&mut schedule, JAN_31 + 25 * DAY), Some(Step::End(EndBehavior::Release)));
        assert_eq!(schedule.status, Status::Released);
        assert_eq!(schedule.released_at, Some(JAN_31 + 20 * DAY));
        assert_eq!(schedule.released_subscription.as_deref(), Some("sub_1"));
        assert_eq!(step(&mut schedule, JAN_31 + 99 * DAY), None);
    }

    #[test]
    fn end_behavior_cancel_completes_the_schedule() {
        let phases = lay_out(JAN_31, vec![draft(PhaseEnd::At(JAN_31 + DAY))]).unwrap();
        let mut schedule = schedule(phases, EndBehavior::Cancel);
        schedule.status = Status::Active;
        schedule.current_phase = Some(current(&schedule.phases[0]));
        assert_eq!(step(&mut schedule, JAN_31 + DAY), Some(Step::End(EndBehavior::Cancel)));
        assert_eq!(schedule.status, Status::Completed);
        assert_eq!(phase_at(&schedule, JAN_31), Some(0));
    }
}
