use serde_json::json;

use super::*;
use crate::billing::lifecycle::{self, Start};
use crate::objects::customer::CustomerCreate;
use crate::objects::price::PriceCreate;
use crate::objects::subscription::{BillingMode, CollectionMethod, TrialSettings};

const DAY: Timestamp = 86_400;
/// 2026-11-01T00:00:00Z; November has 30 days.
const NOV_1: Timestamp = 1_793_491_200;

fn price(amount: i64, interval: &str) -> Price {
    let params: PriceCreate = serde_json::from_value(json!({
        "currency": "usd", "unit_amount": amount, "recurring": { "interval": interval }
    }))
    .unwrap();
    Price::create(params, "prod_A".into(), "", false, NOV_1).unwrap()
}

fn customer() -> Customer {
    Customer::create(CustomerCreate::default(), false, NOV_1).unwrap()
}

fn subscription(customer: &Customer, amount: i64, quantity: i64, mode: BillingModeType) -> Subscription {
    let (mut sub, _) = lifecycle::start(
        Start {
            customer,
            items: vec![NewItem {
                price: price(amount, "month"),
                quantity,
                metadata: Default::default(),
                tax_rates: vec![],
            }],
            trial_end: None,
            billing_cycle_anchor: None,
            collection_method: CollectionMethod::ChargeAutomatically,
            days_until_due: None,
            default_payment_method: None,
            default_tax_rates: vec![],
            billing_mode: BillingMode::new(mode),
            cancel_at: None,
            cancel_at_period_end: false,
            description: None,
            metadata: Default::default(),
            trial_settings: TrialSettings::default(),
            livemode: false,
            now: NOV_1,
        },
        &ProductNames::new(),
    );
    sub.status = Status::Active;
    sub
}

fn swap_to(sub: &Subscription, price: Price, proration: ProrationBehavior, now: Timestamp) -> Change {
    Change {
        items: vec![ItemChange::Update {
            id: sub.items.data[0].id.clone(),
            price: Some(price),
            quantity: None,
            tax_rates: None,
        }],
        proration,
        proration_date: None,
        anchor_now: false,
        trial: None,
        now,
    }
}

#[test]
fn an_upgrade_halfway_credits_half_the_old_price_and_charges_half_the_new() {
    let customer = customer();
    let mut sub = subscription(&customer, 1000, 1, BillingModeType::Flexible);
    let halfway = NOV_1 + 15 * DAY;
    let change = swap_to(&sub, price(2000, "month"), ProrationBehavior::CreateProrations, halfway);
    let changed = apply(&mut sub, &customer, change, &ProductNames::new(), vec![], &[]).unwrap();
    let amounts: Vec<i64> = changed.prorations.iter().map(|i| i.amount).collect();
    assert_eq!(amounts, vec![-500, 1000]);
    assert!(changed.invoice.is_none(), "create_prorations leaves the items pending");
    assert!(changed.prorations.iter().all(|i| i.proration && i.invoice.is_none() && !i.discountable));
    assert_eq!(changed.prorations[0].period, Period { start: halfway, end: NOV_1 + 30 * DAY });
    assert_eq!(sub.items.data[0].price.unit_amount, Some(2000));
    assert_eq!(sub.items.data[0].current_period_end, NOV_1 + 30 * DAY, "the cycle is unchanged");
}

#[test]
fn always_invoice_bills_the_prorations_and_pending_items_at_once() {
    let customer = customer();
    let mut sub = subscription(&customer, 1000, 1, BillingModeType::Flexible);
    let mut earlier = subscription(&customer, 1000, 1, BillingModeType::Flexible);
    let earlier_item = earlier.items.data[0].id.clone();
    let pending = apply(
        &mut earlier,
        &customer,
        Change {
            items: vec![ItemChange::Update { id: earlier_item, price: None, quantity: Some(2), tax_rates: None }],
            ..swap_to(&sub, price(1, "month"), ProrationBehavior::CreateProrations, NOV_1 + 6 * DAY)
        },
        &ProductNames::new(),
        vec![],
        &[],
    )
    .unwrap()
    .prorations;
    let change = swap_to(&sub, price(3000, "month"), ProrationBehavior::AlwaysInvoice, NOV_1 + 10 * DAY);
    let changed = apply(&mut sub, &customer, change, &ProductNames::new(), pending, &[]).unwrap();
    let invoice = changed.invoice.expect("always_invoice invoices now");
    assert_eq!(invoice.billing_reason.as_deref(), Some("subscription_update"));
    // 20 of 30 days remain: −$6.67 for $10, +$20.00 for $30; the earlier pending pair nets +$8.00.
    let lines: Vec<i64> = invoice.lines.data.iter().map(|l| l.amount).collect();
    assert_eq!(lines, vec![-800, 1600, -667, 2000]);
    assert_eq!(invoice.total, 2133);
    assert!(changed.prorations.iter().chain(&changed.swept).all(|i| i.invoice.as_deref() == Some(invoice.id.as_str())));
    assert_eq!(sub.latest_invoice.as_deref(), Some(invoice.id.as_str()));
}

#[test]
fn proration_none_changes_the_price_from_the_next_period_only() {
    let customer = customer();
    let mut sub = subscription(&customer, 1000, 1, BillingModeType::Flexible);
    let change = swap_to(&sub, price(2000, "month"), ProrationBehavior::None, NOV_1 + 3 * DAY);
    let changed = apply(&mut sub, &customer, change, &ProductNames::new(), vec![], &[]).unwrap();
    assert!(changed.prorations.is_empty() && changed.invoice.is_none());
    assert_eq!(sub.items.data[0].price.unit_amount, Some(2000));
}

#[test]
fn a_quantity_change_prorates_at_the_proration_date() {
    let customer = customer();
    let mut sub = subscription(&customer, 999, 1, BillingModeType::Classic);
    let mut change = swap_to(&sub, price(1, "month"), ProrationBehavior::CreateProrations, NOV_1 + 20 * DAY);
    change.items =
        vec![ItemChange::Update { id: sub.items.data[0].id.clone(), price: None, quantity: Some(3), tax_rates: None }];
    change.proration_date = Some(NOV_1 + 10 * DAY);
    let changed = apply(&mut sub, &customer, change, &ProductNames::new(), vec![], &[]).unwrap();
    // Two thirds of the period remain at the proration date: −$6.66, +$19.98.
    let amounts: Vec<i64> = changed.prorations.iter().map(|i| i.amount).collect();
    assert_eq!(amounts, vec![-666, 1998]);
    assert_eq!(changed.prorations[1].quantity, 3);
}

#[test]
fn adding_and_removing_items_charge_and_credit_only() {
    let customer = customer();
    let mut sub = subscription(&customer, 3000, 1, BillingModeType::Flexible);
    let extra = NewItem { price: price(600, "month"), quantity: 1, metadata: Default::default(), tax_rates: vec![] };
    let mut change = swap_to(&sub, price(1, "month"), ProrationBehavior::CreateProrations, NOV_1 + 20 * DAY);
    change.items = vec![ItemChange::Add(extra)];
    let changed = apply(&mut sub, &customer, change, &ProductNames::new(), vec![], &[]).unwrap();
    assert_eq!(changed.prorations.iter().map(|i| i.amount).collect::<Vec<_>>(), vec![200]);
    assert_eq!(sub.items.data.len(), 2);
    assert_eq!(sub.items.data[1].current_period_start, NOV_1);

    let removed = sub.items.data[1].id.clone();
    let mut change = swap_to(&sub, price(1, "month"), ProrationBehavior::CreateProrations, NOV_1 + 25 * DAY);
    change.items = vec![ItemChange::Delete { id: removed }];
    let changed = apply(&mut sub, &customer, change, &ProductNames::new(), vec![], &[]).unwrap();
    assert_eq!(changed.prorations.iter().map(|i| i.amount).collect::<Vec<_>>(), vec![-100]);
    assert_eq!(sub.items.data.len(), 1);
}

#[test]
fn resetting_the_anchor_credits_the_rest_and_bills_a_full_new_period() {
    let customer = customer();
    let mut sub = subscription(&customer, 1000, 1, BillingModeType::Flexible);
    let now = NOV_1 + 15 * DAY;
    let mut change = swap_to(&sub, price(2000, "month"), ProrationBehavior::CreateProrations, now);
    change.anchor_now = true;
    let changed = apply(&mut sub, &customer, change, &ProductNames::new(), vec![], &[]).unwrap();
    let invoice = changed.invoice.expect("a new period is invoiced at once");
    let lines: Vec<i64> = invoice.lines.data.iter().map(|l| l.amount).collect();
    assert_eq!(lines, vec![-500, 2000]);
    assert_eq!(sub.billing_cycle_anchor, now);
    assert_eq!(sub.items.data[0].current_period_start, now);
    assert_eq!(sub.items.data[0].current_period_end, now + 30 * DAY, "Nov 16 → Dec 16");
}

#[test]
fn a_yearly_price_restarts_the_cycle() {
    let customer = customer();
    let mut sub = subscription(&customer, 1000, 1, BillingModeType::Flexible);
    let change = swap_to(&sub, price(10_000, "year"), ProrationBehavior::None, NOV_1 + 10 * DAY);
    let changed = apply(&mut sub, &customer, change, &ProductNames::new(), vec![], &[]).unwrap();
    let invoice = changed.invoice.expect("an interval change invoices now");
    assert_eq!(invoice.total, 10_000);
    assert_eq!(sub.items.data[0].current_period_end, NOV_1 + 10 * DAY + 365 * DAY);
}

#[test]
fn ending_a_trial_now_bills_the_first_period_without_proration() {
    let customer = customer();
    let mut sub = subscription(&customer, 1000, 1, BillingModeType::Flexible);
    sub.status = Status::Trialing;
    sub.trial_end = Some(NOV_1 + 14 * DAY);
    let now = NOV_1 + 2 * DAY;
    let mut change = swap_to(&sub, price(1, "month"), ProrationBehavior::CreateProrations, now);
    change.items.clear();
    change.trial = Some(TrialChange::EndNow);
    let changed = apply(&mut sub, &customer, change, &ProductNames::new(), vec![], &[]).unwrap();
    let invoice = changed.invoice.unwrap();
    assert_eq!(invoice.lines.data.iter().map(|l| l.amount).collect::<Vec<_>>(), vec![1000]);
    assert_eq!(sub.status, Status::Active);
    assert_eq!(sub.trial_end, Some(now));
}

#[test]
fn refused_changes_leave_the_subscription_alone() {
    let customer = customer();
    let mut sub = subscription(&customer, 1000, 1, BillingModeType::Flexible);
    let before = serde_json::to_value(&sub).unwrap();
    let mut change = swap_to(&sub, price(1, "month"), ProrationBehavior::CreateProrations, NOV_1);
    change.items = vec![ItemChange::Delete { id: sub.items.data[0].id.clone() }];
    let error = apply(&mut sub, &customer, change, &ProductNames::new(), vec![], &[]).unwrap_err();
    assert_eq!(error.param, "items");
    let mut change = swap_to(&sub, price(1, "month"), ProrationBehavior::CreateProrations, NOV_1);
    change.items = vec![ItemChange::Add(NewItem {
        price: price(500, "year"),
        quantity: 1,
        metadata: Default::default(),
        tax_rates: vec![],
    })];
    assert!(apply(&mut sub, &customer, change, &ProductNames::new(), vec![], &[]).is_err());
    assert_eq!(serde_json::to_value(&sub).unwrap(), before);
}

#[test]
fn a_held_update_applies_when_its_invoice_is_paid_and_expires_otherwise() {
    let customer = customer();
    let mut sub = subscription(&customer, 1000, 1, BillingModeType::Flexible);
    let mut changed_sub = sub.clone();
    let change = swap_to(&sub, price(2000, "month"), ProrationBehavior::AlwaysInvoice, NOV_1 + 15 * DAY);
    let invoice =
        apply(&mut changed_sub, &customer, change, &ProductNames::new(), vec![], &[]).unwrap().invoice.unwrap();
    let mut expiring = sub.clone();
    hold_pending(&mut sub, changed_sub.clone(), &invoice, NOV_1 + 15 * DAY);
    assert_eq!(sub.items.data[0].price.unit_amount, Some(1000));
    assert!(sub.pending_update.is_some());
    assert!(release_pending(&mut sub, &invoice.id));
    assert_eq!(sub.items.data[0].price.unit_amount, Some(2000));
    assert!(sub.pending_update.is_none());

    hold_pending(&mut expiring, changed_sub, &invoice, NOV_1 + 15 * DAY);
    assert!(!expire_pending(&mut expiring, NOV_1 + 15 * DAY + 3600));
    assert!(expire_pending(&mut expiring, NOV_1 + 16 * DAY));
    assert_eq!(expiring.items.data[0].price.unit_amount, Some(1000));
    assert!(expiring.pending_update.is_none());
}

#[test]
fn cancelling_with_prorate_and_invoice_now_credits_the_unused_time_on_a_final_invoice() {
    let customer = customer();
    let mut sub = subscription(&customer, 3000, 1, BillingModeType::Flexible);
    let cancellation = cancel(
        &mut sub,
        &customer,
        &ProductNames::new(),
        vec![],
        CancelNow { prorate: true, invoice_now: true, now: NOV_1 + 20 * DAY },
        &[],
    );
    assert_eq!(cancellation.credits.iter().map(|i| i.amount).collect::<Vec<_>>(), vec![-1000]);
    let invoice = cancellation.invoice.expect("invoice_now");
    assert_eq!(invoice.total, -1000);

    let mut sub = subscription(&customer, 3000, 1, BillingModeType::Flexible);
    let quiet = cancel(
        &mut sub,
        &customer,
        &ProductNames::new(),
        vec![],
        CancelNow { prorate: false, invoice_now: false, now: NOV_1 + 20 * DAY },
        &[],
    );
    assert!(quiet.credits.is_empty() && quiet.invoice.is_none());
}

#[test]
fn resuming_bills_a_new_period_or_the_rest_of_the_current_one() {
    let customer = customer();
    let mut sub = subscription(&customer, 3000, 1, BillingModeType::Flexible);
    sub.status = Status::Paused;
    let later = NOV_1 + 40 * DAY;
    let invoice = resume(&mut sub.clone(), &customer, &ProductNames::new(), true, later);
    assert_eq!(invoice.total, 3000);

    // Dec 11 on the Nov 1 anchor: 21 of December's 31 days remain.
    let invoice = resume(&mut sub, &customer, &ProductNames::new(), false, later);
    assert_eq!(invoice.total, 2032);
    assert_eq!(sub.status, Status::Active);
    assert_eq!(sub.items.data[0].current_period_end, NOV_1 + 61 * DAY);
}

#[test]
fn prorations_reflect_the_percentage_discounts_in_force() {
    let customer = customer();
    let mut sub = subscription(&customer, 1000, 1, BillingModeType::Flexible);
    let change = swap_to(&sub, price(2000, "month"), ProrationBehavior::CreateProrations, NOV_1 + 15 * DAY);
    let quarter = CouponTerms { percent_off: Some(25.0), ..Default::default() };
    let elsewhere =
        CouponTerms { percent_off: Some(50.0), products: Some(vec!["prod_B".into()]), ..Default::default() };
    let changed = apply(&mut sub, &customer, change, &ProductNames::new(), vec![], &[quarter, elsewhere]).unwrap();
    assert_eq!(changed.prorations.iter().map(|i| i.amount).collect::<Vec<_>>(), vec![-375, 750]);
}

#[test]
fn classic_mode_pulls_a_trial_back_to_an_earlier_cancel_at_and_flexible_keeps_it() {
    let customer = customer();
    for (mode, expected) in [(BillingModeType::Classic, NOV_1 + 5 * DAY), (BillingModeType::Flexible, NOV_1 + 14 * DAY)]
    {
        let mut sub = subscription(&customer, 1000, 1, mode);
        sub.status = Status::Trialing;
        sub.trial_end = Some(NOV_1 + 14 * DAY);
        sub.cancel_at = Some(NOV_1 + 5 * DAY);
        lifecycle::trial_before_cancel_at(&mut sub);
        assert_eq!(sub.trial_end, Some(expected));
    }
}
