"""Coupons and promotion codes redeemed into discounts on subscriptions, through the official SDK, on test clocks
(https://docs.stripe.com/billing/subscriptions/coupons)."""

import pytest
import stripe

from conftest import unique, unique_email
from test_billing_scenarios import VISA, advance, all_invoices, monthly_price, utc

# Before the wall clock, so that these clocks' events never come first in lists other tests read.
START = utc(2024, 1, 1)


def customer_on_clock():
    clock = stripe.test_helpers.TestClock.create(frozen_time=START, name="discounts")
    customer = stripe.Customer.create(email=unique_email(), test_clock=clock.id)
    card = {"number": VISA, "exp_month": 12, "exp_year": 2040, "cvc": "123"}
    method = stripe.PaymentMethod.attach(stripe.PaymentMethod.create(type="card", card=card).id, customer=customer.id)
    stripe.Customer.modify(customer.id, invoice_settings={"default_payment_method": method.id})
    return clock, customer


def test_a_three_month_repeating_quarter_off_discounts_exactly_three_invoices_in_five_months():
    clock, customer = customer_on_clock()
    price = monthly_price(2000)
    coupon = stripe.Coupon.create(percent_off=25, duration="repeating", duration_in_months=3)
    sub = stripe.Subscription.create(
        customer=customer.id, items=[{"price": price.id}], discounts=[{"coupon": coupon.id}], expand=["discounts"]
    )
    discount = sub.discounts[0]
    assert discount.object == "discount" and discount.source.coupon == coupon.id and discount.source.type == "coupon"
    assert (discount.start, discount.end) == (START, utc(2024, 4, 1))
    assert discount.subscription == sub.id and discount.customer == customer.id

    advance(clock, utc(2024, 5, 15))

    invoices = all_invoices(customer)
    assert [i.created for i in invoices] == [utc(2024, m, 1) for m in range(1, 6)]
    assert [i.total for i in invoices] == [1500, 1500, 1500, 2000, 2000]
    assert all(i.status == "paid" for i in invoices)
    discounted = [i for i in invoices if i.total_discount_amounts]
    assert len(discounted) == 3
    assert all(i.discounts == [discount.id] for i in discounted)
    assert all(i.total_discount_amounts[0].amount == 500 for i in discounted)
    assert stripe.Subscription.retrieve(sub.id).discounts == [], "an ended discount leaves the subscription"
    assert stripe.Coupon.retrieve(coupon.id).times_redeemed == 1


def test_an_amount_off_once_coupon_discounts_only_the_first_invoice():
    clock, customer = customer_on_clock()
    price = monthly_price(2000)
    coupon = stripe.Coupon.create(amount_off=750, currency="usd", duration="once")
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}], discounts=[{"coupon": coupon.id}])
    assert sub.discounts == []
    advance(clock, utc(2024, 3, 10))
    assert [i.total for i in all_invoices(customer)] == [1250, 2000, 2000]


def test_a_promotion_code_with_restrictions():
    clock, customer = customer_on_clock()
    price = monthly_price(2000)
    coupon = stripe.Coupon.create(percent_off=50, duration="forever")
    code = stripe.PromotionCode.create(
        promotion={"type": "coupon", "coupon": coupon.id},
        code=unique("WELCOME"),
        max_redemptions=1,
        restrictions={"first_time_transaction": True, "minimum_amount": 1500, "minimum_amount_currency": "usd"},
    )
    cheap = monthly_price(1000)
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Subscription.create(customer=customer.id, items=[{"price": cheap.id}], discounts=[{"promotion_code": code.id}])
    assert raised.value.param == "discounts[0][promotion_code]"
    assert "minimum amount" in raised.value.user_message

    sub = stripe.Subscription.create(
        customer=customer.id, items=[{"price": price.id}], discounts=[{"promotion_code": code.id}], expand=["discounts"]
    )
    assert sub.discounts[0].promotion_code == code.id
    assert stripe.Invoice.retrieve(sub.latest_invoice).total == 1000
    code = stripe.PromotionCode.retrieve(code.id)
    assert code.times_redeemed == 1 and code.active is False

    # Used up, and the customer has paid since: both refuse; the subscription keeps its discount.
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}], discounts=[{"promotion_code": code.id}])
    assert "maximum number of times" in raised.value.user_message
    second = stripe.PromotionCode.create(
        promotion={"type": "coupon", "coupon": coupon.id}, restrictions={"first_time_transaction": True}
    )
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Subscription.modify(sub.id, discounts=[{"promotion_code": second.id}])
    assert "prior transactions" in raised.value.user_message
    advance(clock, utc(2024, 2, 2))
    assert [i.total for i in all_invoices(customer)] == [1000, 1000]

    removed = stripe.Subscription.delete_discount(sub.id)
    assert removed.deleted is True and removed.object == "discount"
    assert stripe.Subscription.retrieve(sub.id).discounts == []
