"""Subscription schedules through the official SDK, on test clocks:
https://docs.stripe.com/billing/subscriptions/subscription-schedules"""

import pytest
import stripe

from test_billing_scenarios import DAY, START, advance, all_invoices, customer_on_clock, monthly_price, utc

FEB_1 = utc(2027, 2, 1)
MAR_1 = utc(2027, 3, 1)
HOURS_2 = 2 * 3600


def test_a_downgrade_scheduled_for_the_period_end_bills_the_new_price_from_then_on():
    clock, customer = customer_on_clock()
    pro, basic = monthly_price(5000), monthly_price(2000)
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": pro.id}])
    advance(clock, START + 10 * DAY)

    schedule = stripe.SubscriptionSchedule.create(from_subscription=sub.id)
    assert schedule.status == "active" and schedule.subscription == sub.id
    assert (schedule.phases[0].start_date, schedule.phases[0].end_date) == (START, FEB_1)
    assert schedule.phases[0]["items"][0].price == pro.id
    assert stripe.Subscription.retrieve(sub.id).schedule == schedule.id

    schedule = stripe.SubscriptionSchedule.modify(
        schedule.id,
        end_behavior="release",
        phases=[
            {"items": [{"price": pro.id, "quantity": 1}], "start_date": START, "end_date": FEB_1},
            {"items": [{"price": basic.id, "quantity": 1}], "iterations": 1},
        ],
    )
    assert [(p.start_date, p.end_date) for p in schedule.phases] == [(START, FEB_1), (FEB_1, MAR_1)]
    assert len(all_invoices(customer)) == 1, "scheduling bills nothing"
    assert stripe.Subscription.retrieve(sub.id)["items"].data[0].price.id == pro.id

    advance(clock, FEB_1 + HOURS_2)
    renewal = all_invoices(customer)[-1]
    assert renewal.billing_reason == "subscription_cycle" and renewal.status == "paid"
    assert [l.amount for l in renewal.lines.data] == [2000], "no proration at the boundary, the new price in full"
    sub = stripe.Subscription.retrieve(sub.id)
    assert sub["items"].data[0].price.id == basic.id
    assert stripe.SubscriptionSchedule.retrieve(schedule.id).current_phase.start_date == FEB_1

    advance(clock, MAR_1 + HOURS_2)
    schedule = stripe.SubscriptionSchedule.retrieve(schedule.id)
    assert schedule.status == "released" and schedule.released_subscription == sub.id
    assert schedule.released_at == MAR_1
    sub = stripe.Subscription.retrieve(sub.id)
    assert sub.schedule is None and sub.status == "active"
    assert [l.amount for l in all_invoices(customer)[-1].lines.data] == [2000]

    events = [e.type for e in stripe.Event.list(limit=100, type="subscription_schedule.*").auto_paging_iter() if e.data.object.id == schedule.id]
    assert "subscription_schedule.created" in events and "subscription_schedule.released" in events


def test_a_schedule_starting_later_creates_the_subscription_then_cancels_it_at_the_end():
    clock, customer = customer_on_clock()
    price = monthly_price(1500)
    schedule = stripe.SubscriptionSchedule.create(
        customer=customer.id,
        start_date=START + 5 * DAY,
        end_behavior="cancel",
        phases=[{"items": [{"price": price.id, "quantity": 2}], "iterations": 2}],
    )
    assert schedule.status == "not_started" and schedule.subscription is None
    assert schedule.phases[0].end_date == utc(2027, 3, 6)

    advance(clock, START + 5 * DAY + HOURS_2)
    schedule = stripe.SubscriptionSchedule.retrieve(schedule.id)
    assert schedule.status == "active"
    sub = stripe.Subscription.retrieve(schedule.subscription)
    assert sub.status == "active" and sub.schedule == schedule.id and sub.start_date == START + 5 * DAY
    assert all_invoices(customer)[0].total == 3000

    advance(clock, utc(2027, 3, 6) + HOURS_2)
    schedule = stripe.SubscriptionSchedule.retrieve(schedule.id)
    assert schedule.status == "completed" and schedule.completed_at == utc(2027, 3, 6)
    sub = stripe.Subscription.retrieve(sub.id)
    assert sub.status == "canceled" and sub.ended_at == utc(2027, 3, 6)
    assert len(all_invoices(customer)) == 2, "two periods billed, none after the end"


def test_release_and_cancel_and_their_refusals():
    clock, customer = customer_on_clock()
    price = monthly_price(1000)
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}])
    schedule = stripe.SubscriptionSchedule.create(from_subscription=sub.id)
    with pytest.raises(stripe.InvalidRequestError) as error:
        stripe.SubscriptionSchedule.create(from_subscription=sub.id)
    assert error.value.param == "from_subscription"
    with pytest.raises(stripe.InvalidRequestError):
        stripe.SubscriptionSchedule.create(from_subscription=sub.id, customer=customer.id)

    released = stripe.SubscriptionSchedule.release(schedule.id)
    assert released.status == "released" and released.released_subscription == sub.id
    assert stripe.Subscription.retrieve(sub.id).schedule is None
    with pytest.raises(stripe.InvalidRequestError):
        stripe.SubscriptionSchedule.cancel(schedule.id)

    again = stripe.SubscriptionSchedule.create(from_subscription=sub.id)
    canceled = stripe.SubscriptionSchedule.cancel(again.id)
    assert canceled.status == "canceled"
    assert stripe.Subscription.retrieve(sub.id).status == "canceled"

    listed = stripe.SubscriptionSchedule.list(customer=customer.id)
    assert {s.id for s in listed.data} == {schedule.id, again.id}

    with pytest.raises(stripe.InvalidRequestError) as error:
        stripe.SubscriptionSchedule.create(customer=customer.id, phases=[{"items": [{"price": price.id}]}, {"items": [{"price": price.id}]}])
    assert error.value.param == "phases[0][end_date]"


def test_a_subscription_expands_its_latest_invoice_and_schedule():
    clock, customer = customer_on_clock()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(700).id}])
    schedule = stripe.SubscriptionSchedule.create(from_subscription=sub.id)
    sub = stripe.Subscription.retrieve(sub.id, expand=["latest_invoice", "schedule", "customer"])
    assert sub.latest_invoice.object == "invoice" and sub.latest_invoice.total == 700
    assert sub.schedule.id == schedule.id and sub.customer.id == customer.id
    assert "portico" not in sub.latest_invoice


def test_deleting_the_clock_removes_its_schedules():
    clock, customer = customer_on_clock()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(700).id}])
    schedule = stripe.SubscriptionSchedule.create(from_subscription=sub.id)
    stripe.test_helpers.TestClock.delete(clock.id)
    with pytest.raises(stripe.InvalidRequestError):
        stripe.SubscriptionSchedule.retrieve(schedule.id)
