"""Billing scenarios on test clocks, through the official SDK: https://docs.stripe.com/billing/testing/test-clocks"""

import datetime
import time

import pytest
import stripe

from conftest import unique_email

DAY = 86_400
START = int(datetime.datetime(2027, 1, 1, tzinfo=datetime.timezone.utc).timestamp())


def utc(year, month, day):
    return int(datetime.datetime(year, month, day, tzinfo=datetime.timezone.utc).timestamp())


def advance(clock, to):
    """Moves the clock forward in steps of at most 30 days, waiting for each advance to finish."""
    current = stripe.test_helpers.TestClock.retrieve(clock.id).frozen_time
    while current < to:
        step = min(to, current + 30 * DAY)
        advancing = stripe.test_helpers.TestClock.advance(clock.id, frozen_time=step)
        assert advancing.status == "advancing"
        for _ in range(600):
            clock_now = stripe.test_helpers.TestClock.retrieve(clock.id)
            if clock_now.status == "ready":
                break
            time.sleep(0.05)
        assert clock_now.status == "ready" and clock_now.frozen_time == step
        current = step


VISA = "4242424242424242"
# Attaches, then declines every charge (Stripe's `pm_card_chargeCustomerFail`).
DECLINES_CHARGES = "4000000000000341"


def customer_on_clock(number=VISA):
    clock = stripe.test_helpers.TestClock.create(frozen_time=START, name="scenario")
    customer = stripe.Customer.create(email=unique_email(), test_clock=clock.id)
    # Far-future expiry: the clock travels years ahead, and an expired card is declined as Stripe declines it.
    card = {"number": number, "exp_month": 12, "exp_year": 2040, "cvc": "123"}
    method = stripe.PaymentMethod.create(type="card", card=card)
    method = stripe.PaymentMethod.attach(method.id, customer=customer.id)
    stripe.Customer.modify(customer.id, invoice_settings={"default_payment_method": method.id})
    return clock, customer


def monthly_price(amount=2000):
    product = stripe.Product.create(name="Pro")
    return stripe.Price.create(product=product.id, currency="usd", unit_amount=amount, recurring={"interval": "month"})


def all_invoices(customer):
    return sorted(stripe.Invoice.list(customer=customer.id, limit=100).auto_paging_iter(), key=lambda i: i.created)


def test_a_14_day_trial_then_13_months_gives_one_paid_invoice_per_period():
    clock, customer = customer_on_clock()
    price = monthly_price()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}], trial_period_days=14)
    assert sub.status == "trialing"
    assert sub.trial_start == START and sub.trial_end == START + 14 * DAY
    assert sub.items.data[0].current_period_end == START + 14 * DAY
    assert sub.test_clock == clock.id

    advance(clock, utc(2028, 2, 1))

    invoices = all_invoices(customer)
    assert [i.billing_reason for i in invoices] == ["subscription_create"] + ["subscription_cycle"] * 13
    assert invoices[0].total == 0 and invoices[0].status == "paid"
    assert invoices[0].lines.data[0].description == "Trial period for Pro"
    # The anchor is the trial end (Jan 15); every period is one calendar month from it.
    starts = [utc(2027, m, 15) for m in range(1, 13)] + [utc(2028, 1, 15)]
    for invoice, start in zip(invoices[1:], starts):
        assert invoice.status == "paid", (invoice.id, invoice.attempt_count, [(p.status, p.last_payment_error and p.last_payment_error.message) for p in stripe.PaymentIntent.list(customer=customer.id, limit=100).auto_paging_iter()][:3])
        assert (invoice.total, invoice.amount_paid, invoice.amount_remaining) == (2000, 2000, 0)
        line = invoice.lines.data[0]
        assert line.period.start == start
        assert line.description == "1 × Pro (at $20.00 / month)"
        assert invoice.created == start
        assert invoice.status_transitions.paid_at == start + 3600
    numbers = [i.number for i in invoices]
    assert len(set(numbers)) == 14 and numbers[0].endswith("-0001") and numbers[-1].endswith("-0014")

    sub = stripe.Subscription.retrieve(sub.id)
    assert sub.status == "active"
    assert sub.items.data[0].current_period_start == utc(2028, 1, 15)
    assert sub.items.data[0].current_period_end == utc(2028, 2, 15)

    # Every renewal's events, in time order and stamped with the clock's time.
    events = [e for e in stripe.Event.list(limit=100).auto_paging_iter() if e.created >= START and e.created < utc(2030, 1, 1)]
    mine = [e for e in events if e.data.object.to_dict().get("customer") == customer.id]
    mine.reverse()  # the list is newest first; within one second, keep the order they happened in
    mine.sort(key=lambda e: e.created)
    paid = [e for e in mine if e.type == "invoice.paid"]
    assert len(paid) == 14
    created = [e.created for e in mine if e.type == "invoice.created"]
    assert created == [START] + starts
    first_cycle = [e.type for e in mine if e.created in (starts[0], starts[0] + 3600)]
    assert first_cycle[:2] == ["invoice.created", "customer.subscription.updated"]
    assert "invoice.finalized" in first_cycle and first_cycle[-1] == "invoice.payment_succeeded"


def test_a_declining_card_goes_past_due_retries_then_cancels():
    clock, customer = customer_on_clock(DECLINES_CHARGES)
    price = monthly_price()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}], trial_period_days=7)
    assert sub.status == "trialing"

    advance(clock, START + 7 * DAY + 2 * 3600)
    sub = stripe.Subscription.retrieve(sub.id)
    assert sub.status == "past_due"
    invoice = stripe.Invoice.retrieve(sub.latest_invoice)
    assert invoice.status == "open" and invoice.attempt_count == 1
    assert invoice.next_payment_attempt == START + 7 * DAY + 3600 + 3 * DAY

    advance(clock, START + 7 * DAY + 3600 + 21 * DAY + 60)
    invoice = stripe.Invoice.retrieve(invoice.id)
    assert invoice.attempt_count == 4 and invoice.next_payment_attempt is None
    sub = stripe.Subscription.retrieve(sub.id)
    assert sub.status == "canceled"
    assert sub.cancellation_details.reason == "payment_failed"
    failed = [e for e in stripe.Event.list(type="invoice.payment_failed", limit=100).auto_paging_iter()
              if e.data.object.id == invoice.id]
    assert len(failed) == 4
    assert any(e.data.object.id == sub.id for e in stripe.Event.list(type="customer.subscription.deleted", limit=20))


def test_cancel_at_period_end_then_renew_keeps_billing_and_cancel_ends_it():
    clock, customer = customer_on_clock()
    price = monthly_price(1500)
    kept = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}])
    ended = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}])
    assert kept.status == "active" and ended.status == "active"
    period_end = kept.items.data[0].current_period_end
    assert period_end == utc(2027, 2, 1)

    scheduled = stripe.Subscription.modify(kept.id, cancel_at_period_end=True)
    assert scheduled.cancel_at_period_end and scheduled.cancel_at == period_end
    renewed = stripe.Subscription.modify(kept.id, cancel_at_period_end=False)
    assert not renewed.cancel_at_period_end and renewed.cancel_at is None and renewed.canceled_at is None
    stripe.Subscription.modify(ended.id, cancel_at_period_end=True)

    advance(clock, period_end + 2 * 3600)
    kept = stripe.Subscription.retrieve(kept.id)
    ended = stripe.Subscription.retrieve(ended.id)
    assert kept.status == "active" and kept.items.data[0].current_period_start == period_end
    assert ended.status == "canceled" and ended.ended_at == period_end
    assert ended.cancellation_details.reason == "cancellation_requested"
    kept_invoices = stripe.Invoice.list(subscription=kept.id).data
    ended_invoices = stripe.Invoice.list(subscription=ended.id).data
    assert len(kept_invoices) == 2 and all(i.status == "paid" for i in kept_invoices)
    assert len(ended_invoices) == 1


def test_error_if_incomplete_refuses_a_declined_first_payment_and_creates_nothing():
    clock, customer = customer_on_clock(DECLINES_CHARGES)
    price = monthly_price()
    try:
        stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}], payment_behavior="error_if_incomplete")
        raise AssertionError("expected a card error")
    except stripe.CardError as error:
        assert error.code == "card_declined"
    assert stripe.Subscription.list(customer=customer.id).data == []
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}])
    assert sub.status == "incomplete"
    advance(clock, START + 24 * 3600)
    sub = stripe.Subscription.retrieve(sub.id)
    assert sub.status == "incomplete_expired"
    assert stripe.Invoice.retrieve(sub.latest_invoice).status == "void"


def test_trial_will_end_comes_three_days_before_the_trial_ends():
    clock, customer = customer_on_clock()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price().id}], trial_period_days=10)
    advance(clock, START + 7 * DAY - 60)
    def notices():
        return [e for e in stripe.Event.list(type="customer.subscription.trial_will_end", limit=100).auto_paging_iter() if e.data.object.id == sub.id]
    assert notices() == []
    advance(clock, START + 8 * DAY)
    sent = notices()
    assert len(sent) == 1 and sent[0].created == START + 7 * DAY
    advance(clock, START + 12 * DAY)
    assert len(notices()) == 1
    assert stripe.Subscription.retrieve(sub.id).status == "active"


def test_a_subscription_that_cannot_be_charged_is_refused_unless_default_incomplete():
    clock = stripe.test_helpers.TestClock.create(frozen_time=START)
    customer = stripe.Customer.create(email=unique_email(), test_clock=clock.id)
    price = monthly_price()
    with pytest.raises(stripe.InvalidRequestError) as error:
        stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}])
    assert error.value.code == "resource_missing"
    assert stripe.Subscription.list(customer=customer.id, status="all").data == []
    waiting = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}], payment_behavior="default_incomplete")
    assert waiting.status == "incomplete"
    trial = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}], trial_period_days=7)
    assert trial.status == "trialing", "nothing to charge during a trial"


def test_a_graduated_tiered_price_bills_each_tier_at_creation_and_at_renewal():
    clock, customer = customer_on_clock()
    product = stripe.Product.create(name="Seats")
    price = stripe.Price.create(
        product=product.id,
        currency="usd",
        recurring={"interval": "month"},
        billing_scheme="tiered",
        tiers_mode="graduated",
        tiers=[
            {"up_to": 5, "unit_amount": 700, "flat_amount": 1000},
            {"up_to": "inf", "unit_amount_decimal": "650.5"},
        ],
        expand=["tiers"],
    )
    assert [tier.up_to for tier in price.tiers] == [5, None]
    subscription = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id, "quantity": 8}])
    assert subscription.status == "active"
    advance(clock, START + 32 * DAY)
    invoices = all_invoices(customer)
    assert [invoice.billing_reason for invoice in invoices] == ["subscription_create", "subscription_cycle"]
    for invoice in invoices:
        lines = [(line.description, line.quantity, line.amount) for line in invoice.lines.data]
        # 5 × $7.00, the $10.00 base fee, then 3 × $6.505 = $19.515, rounded half away from zero on its line.
        assert lines == [
            ("5 × Seats (Tier 1 at $7.00 / month)", 5, 3500),
            ("Seats (Tier 1 at $10.00 / month)", 0, 1000),
            ("3 × Seats (Tier 2 at $6.505 / month)", 3, 1952),
        ]
        assert (invoice.total, invoice.amount_paid, invoice.status) == (6452, 6452, "paid")
