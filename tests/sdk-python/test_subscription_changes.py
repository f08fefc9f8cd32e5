"""Subscription changes through the official SDK, on test clocks: prorations as Stripe computes them
(https://docs.stripe.com/billing/subscriptions/prorations), always_invoice, anchors, items, pending updates."""

from fractions import Fraction

import pytest
import stripe

from test_billing_scenarios import DAY, DECLINES_CHARGES, START, VISA, advance, all_invoices, customer_on_clock, monthly_price, utc

PERIOD_END = utc(2027, 2, 1)


def stripe_share(amount, start, end, at):
    """Stripe's proration formula, written independently of Portico: amount × (end − at) / (end − start), each
    line rounded to the minor unit, halves away from zero."""
    exact = Fraction(amount * (end - at), end - start)
    whole, rest = divmod(abs(exact), 1)
    rounded = int(whole) + (1 if rest >= Fraction(1, 2) else 0)
    return rounded if exact >= 0 else -rounded


def attach_card(customer, number):
    card = {"number": number, "exp_month": 12, "exp_year": 2040, "cvc": "123"}
    return stripe.PaymentMethod.attach(stripe.PaymentMethod.create(type="card", card=card).id, customer=customer.id)


def subscribed(amount=1000, number=VISA):
    clock, customer = customer_on_clock(number)
    price = monthly_price(amount)
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}])
    assert sub.status == "active"
    return clock, customer, sub


def test_an_upgrade_with_create_prorations_bills_the_difference_at_renewal():
    clock, customer, sub = subscribed(1000)
    advance(clock, START + 10 * DAY)
    upgrade = monthly_price(2500)

    sub = stripe.Subscription.modify(
        sub.id,
        items=[{"id": sub["items"].data[0].id, "price": upgrade.id}],
        proration_behavior="create_prorations",
    )
    assert sub["items"].data[0].price.id == upgrade.id
    assert sub["items"].data[0].current_period_end == PERIOD_END, "the cycle does not move"
    assert len(all_invoices(customer)) == 1, "create_prorations invoices nothing now"

    at = START + 10 * DAY
    credit = -stripe_share(1000, START, PERIOD_END, at)
    charge = stripe_share(2500, START, PERIOD_END, at)
    assert (credit, charge) == (-677, 1694)

    advance(clock, PERIOD_END + 2 * 3600)
    renewal = all_invoices(customer)[-1]
    assert renewal.billing_reason == "subscription_cycle" and renewal.status == "paid"
    lines = sorted(renewal.lines.data, key=lambda l: l.amount)
    assert [l.amount for l in lines] == [credit, charge, 2500]
    assert [l.parent.subscription_item_details.proration if l.parent.type == "subscription_item_details" else l.parent.invoice_item_details.proration for l in lines] == [True, True, False]
    assert lines[0].description == "Unused time on 1 × Pro after 11 Jan 2027"
    assert lines[1].description == "Remaining time on 1 × Pro after 11 Jan 2027"
    assert (lines[0].period.start, lines[0].period.end) == (at, PERIOD_END)
    assert renewal.total == credit + charge + 2500 == renewal.amount_paid


def test_an_upgrade_with_always_invoice_charges_the_difference_at_once():
    clock, customer, sub = subscribed(1000)
    advance(clock, START + 17 * DAY + 5 * 3600)
    at = START + 17 * DAY + 5 * 3600
    upgrade = monthly_price(2900)

    sub = stripe.Subscription.modify(
        sub.id,
        items=[{"id": sub["items"].data[0].id, "price": upgrade.id, "quantity": 2}],
        proration_behavior="always_invoice",
    )
    invoice = stripe.Invoice.retrieve(sub.latest_invoice)
    assert invoice.billing_reason == "subscription_update"
    assert invoice.status == "paid"
    expected = -stripe_share(1000, START, PERIOD_END, at) + stripe_share(5800, START, PERIOD_END, at)
    assert invoice.total == invoice.amount_paid == expected
    assert sorted(l.amount for l in invoice.lines.data) == [-stripe_share(1000, START, PERIOD_END, at), stripe_share(5800, START, PERIOD_END, at)]
    assert sub.status == "active"

    # Nothing is billed twice: the renewal charges the new price only.
    advance(clock, PERIOD_END + 2 * 3600)
    renewal = all_invoices(customer)[-1]
    assert [l.amount for l in renewal.lines.data] == [5800]


def test_a_proration_date_and_quantity_change_through_subscription_items():
    clock, customer, sub = subscribed(1200)
    advance(clock, START + 20 * DAY)
    item = sub["items"].data[0]
    quoted_at = START + 12 * DAY
    item = stripe.SubscriptionItem.modify(item.id, quantity=3, proration_behavior="always_invoice", proration_date=quoted_at)
    assert item.quantity == 3 and item.object == "subscription_item"
    sub = stripe.Subscription.retrieve(sub.id)
    invoice = stripe.Invoice.retrieve(sub.latest_invoice)
    expected = -stripe_share(1200, START, PERIOD_END, quoted_at) + stripe_share(3600, START, PERIOD_END, quoted_at)
    assert invoice.total == expected

    with pytest.raises(stripe.InvalidRequestError) as error:
        stripe.SubscriptionItem.modify(item.id, quantity=4, proration_date=START - DAY)
    assert error.value.param == "proration_date"

    extra = stripe.SubscriptionItem.create(subscription=sub.id, price=monthly_price(500).id, proration_behavior="none")
    listed = stripe.SubscriptionItem.list(subscription=sub.id)
    assert [i.id for i in listed.data] == [item.id, extra.id]
    deleted = stripe.SubscriptionItem.delete(extra.id, proration_behavior="none")
    assert deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError):
        stripe.SubscriptionItem.retrieve(extra.id)


def test_billing_cycle_anchor_now_restarts_the_period_with_a_credit():
    clock, customer, sub = subscribed(3100)
    advance(clock, START + 10 * DAY)
    now = START + 10 * DAY
    sub = stripe.Subscription.modify(sub.id, billing_cycle_anchor="now", proration_behavior="create_prorations")
    assert sub.billing_cycle_anchor == now
    assert sub["items"].data[0].current_period_start == now
    assert sub["items"].data[0].current_period_end == utc(2027, 2, 11)
    invoice = stripe.Invoice.retrieve(sub.latest_invoice)
    assert invoice.status == "paid"
    assert sorted(l.amount for l in invoice.lines.data) == [-stripe_share(3100, START, PERIOD_END, now), 3100]


def test_a_declined_upgrade_with_pending_if_incomplete_changes_nothing_until_paid():
    clock, customer, sub = subscribed(1000)
    advance(clock, START + 5 * DAY)
    failing = attach_card(customer, DECLINES_CHARGES)
    stripe.Subscription.modify(sub.id, default_payment_method=failing.id)
    upgrade = monthly_price(5000)
    item = sub["items"].data[0]
    sub = stripe.Subscription.modify(
        sub.id,
        items=[{"id": item.id, "price": upgrade.id}],
        proration_behavior="always_invoice",
        payment_behavior="pending_if_incomplete",
    )
    assert sub["items"].data[0].price.unit_amount == 1000, "the change waits for its payment"
    assert sub.pending_update.subscription_items[0].price.id == upgrade.id
    assert sub.pending_update.expires_at == START + 5 * DAY + 23 * 3600
    assert sub.status == "active"
    invoice = stripe.Invoice.retrieve(sub.latest_invoice)
    assert invoice.status == "open"

    good = attach_card(customer, VISA)
    stripe.Invoice.pay(invoice.id, payment_method=good.id)
    sub = stripe.Subscription.retrieve(sub.id)
    assert sub.pending_update is None
    assert sub["items"].data[0].price.id == upgrade.id
    applied = stripe.Event.list(type="customer.subscription.pending_update_applied", limit=100).auto_paging_iter()
    assert [e.data.object.id for e in applied].count(sub.id) == 1


def test_an_unpaid_pending_update_expires_and_its_invoice_is_voided():
    clock, customer, sub = subscribed(1000, number=VISA)
    failing = attach_card(customer, DECLINES_CHARGES)
    stripe.Subscription.modify(sub.id, default_payment_method=failing.id)
    sub = stripe.Subscription.modify(
        sub.id,
        items=[{"id": sub["items"].data[0].id, "quantity": 4}],
        proration_behavior="always_invoice",
        payment_behavior="pending_if_incomplete",
    )
    held = sub.latest_invoice
    assert sub.pending_update is not None
    advance(clock, START + DAY)
    sub = stripe.Subscription.retrieve(sub.id)
    assert sub.pending_update is None and sub["items"].data[0].quantity == 1
    assert stripe.Invoice.retrieve(held).status == "void"
    expired = stripe.Event.list(type="customer.subscription.pending_update_expired", limit=100).auto_paging_iter()
    assert [e.data.object.id for e in expired].count(sub.id) == 1


def test_error_if_incomplete_refuses_a_declined_upgrade_and_keeps_everything():
    clock, customer, sub = subscribed(1000)
    failing = attach_card(customer, DECLINES_CHARGES)
    stripe.Subscription.modify(sub.id, default_payment_method=failing.id)
    before = len(all_invoices(customer))
    with pytest.raises(stripe.CardError):
        stripe.Subscription.modify(
            sub.id,
            items=[{"id": sub["items"].data[0].id, "quantity": 2}],
            proration_behavior="always_invoice",
            payment_behavior="error_if_incomplete",
        )
    sub = stripe.Subscription.retrieve(sub.id)
    assert sub["items"].data[0].quantity == 1
    assert len(all_invoices(customer)) == before


def test_cancel_now_with_prorate_and_invoice_now_credits_the_customer():
    clock, customer, sub = subscribed(3100)
    advance(clock, START + 21 * DAY)
    canceled = stripe.Subscription.cancel(sub.id, prorate=True, invoice_now=True)
    assert canceled.status == "canceled"
    final = stripe.Invoice.retrieve(canceled.latest_invoice)
    credit = -stripe_share(3100, START, PERIOD_END, START + 21 * DAY)
    assert final.total == credit and final.status == "paid" and final.amount_due == 0
    assert stripe.Customer.retrieve(customer.id).balance == credit


def preview_lines(invoice):
    return sorted((l.amount, l.description) for l in invoice.lines.data)


@pytest.mark.parametrize("behavior", ["always_invoice", "create_prorations"])
@pytest.mark.parametrize("new_amount,quantity", [(2500, 1), (400, 1), (1000, 3)])
def test_the_preview_equals_what_the_change_then_bills(behavior, new_amount, quantity):
    """Upgrades, downgrades and quantity changes: the preview at a pinned proration date is what is billed."""
    clock, customer, sub = subscribed(1000)
    advance(clock, START + 9 * DAY + 7 * 3600)
    pinned = START + 9 * DAY + 3600
    price = monthly_price(new_amount) if new_amount != 1000 else None
    item = {"id": sub["items"].data[0].id, "quantity": quantity}
    if price:
        item["price"] = price.id
    preview = stripe.Invoice.create_preview(
        subscription=sub.id,
        subscription_details={"items": [item], "proration_behavior": behavior, "proration_date": pinned},
    )
    assert preview.id.startswith("upcoming_in_")
    assert stripe.Invoice.list(customer=customer.id).data[0].id != preview.id, "a preview is never stored"

    sub = stripe.Subscription.modify(sub.id, items=[item], proration_behavior=behavior, proration_date=pinned)
    if behavior == "always_invoice":
        billed = stripe.Invoice.retrieve(sub.latest_invoice)
        assert billed.billing_reason == preview.billing_reason == "subscription_update"
    else:
        assert preview.billing_reason == "subscription_cycle" and preview.created == PERIOD_END
        advance(clock, PERIOD_END + 2 * 3600)
        billed = all_invoices(customer)[-1]
    assert (billed.total, billed.amount_due) == (preview.total, preview.amount_due)
    assert preview_lines(billed) == preview_lines(preview)


def test_previews_of_the_next_renewal_a_new_subscription_and_a_cancellation():
    clock, customer, sub = subscribed(1800)
    upcoming = stripe.Invoice.create_preview(subscription=sub.id)
    assert upcoming.total == 1800 and upcoming.period_start == START and upcoming.period_end == PERIOD_END

    fresh = stripe.Invoice.create_preview(customer=customer.id, subscription_details={"items": [{"price": monthly_price(900).id, "quantity": 2}]})
    assert fresh.total == 1800 and fresh.billing_reason == "subscription_create"

    advance(clock, START + 10 * DAY)
    final = stripe.Invoice.create_preview(subscription=sub.id, subscription_details={"cancel_now": True})
    assert final.total == -stripe_share(1800, START, PERIOD_END, START + 10 * DAY)
    canceled = stripe.Subscription.cancel(sub.id, prorate=True, invoice_now=True)
    assert stripe.Invoice.retrieve(canceled.latest_invoice).total == final.total

    with pytest.raises(stripe.InvalidRequestError) as error:
        stripe.Invoice.create_preview(subscription=sub.id)
    assert error.value.param == "subscription"


def test_pause_collection_voids_renewals_until_it_resumes():
    clock, customer, sub = subscribed(1000)
    stripe.Subscription.modify(sub.id, pause_collection={"behavior": "void", "resumes_at": utc(2027, 2, 15)})
    advance(clock, PERIOD_END + 2 * 3600)
    voided = all_invoices(customer)[-1]
    assert voided.status == "void" and voided.amount_paid == 0
    sub = stripe.Subscription.retrieve(sub.id)
    assert sub.status == "active" and sub.pause_collection.behavior == "void"

    advance(clock, utc(2027, 3, 1) + 2 * 3600)
    sub = stripe.Subscription.retrieve(sub.id)
    assert sub.pause_collection is None
    assert all_invoices(customer)[-1].status == "paid", "collection resumed by the March renewal"

    with pytest.raises(stripe.InvalidRequestError) as error:
        stripe.Subscription.modify(sub.id, pause_collection={"behavior": "later"})
    assert error.value.param == "pause_collection[behavior]"
    kept = stripe.Subscription.modify(sub.id, pause_collection={"behavior": "keep_as_draft"})
    assert kept.pause_collection.resumes_at is None
    assert stripe.Subscription.modify(sub.id, pause_collection="").pause_collection is None


def test_a_paused_subscription_stops_invoicing_and_resumes_with_a_new_period():
    clock, customer, sub = subscribed(1000)
    paused = stripe.Subscription.pause(sub.id, type="subscription")
    assert paused.status == "paused"
    advance(clock, utc(2027, 3, 10))
    assert len(all_invoices(customer)) == 1, "nothing billed while paused"

    resumed = stripe.Subscription.resume(sub.id, billing_cycle_anchor="now")
    assert resumed.status == "active" and resumed.billing_cycle_anchor == utc(2027, 3, 10)
    assert resumed["items"].data[0].current_period_end == utc(2027, 4, 10)
    invoice = stripe.Invoice.retrieve(resumed.latest_invoice)
    assert invoice.status == "paid" and invoice.total == 1000
    types = [e.type for e in stripe.Event.list(limit=100, type="customer.subscription.*").auto_paging_iter() if e.data.object.id == sub.id]
    assert "customer.subscription.resumed" in types and "customer.subscription.paused" in types

    with pytest.raises(stripe.InvalidRequestError):
        stripe.Subscription.resume(sub.id)


def test_prorations_reflect_a_percentage_discount_and_the_preview_still_equals_the_charge():
    clock, customer = customer_on_clock()
    coupon = stripe.Coupon.create(percent_off=25, duration="forever")
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(1000).id}], discounts=[{"coupon": coupon.id}])
    assert stripe.Invoice.retrieve(sub.latest_invoice).total == 750
    advance(clock, START + 10 * DAY)
    item = {"id": sub["items"].data[0].id, "price": monthly_price(2000).id}
    at = START + 10 * DAY
    preview = stripe.Invoice.create_preview(
        subscription=sub.id, subscription_details={"items": [item], "proration_behavior": "always_invoice", "proration_date": at}
    )
    sub = stripe.Subscription.modify(sub.id, items=[item], proration_behavior="always_invoice", proration_date=at)
    billed = stripe.Invoice.retrieve(sub.latest_invoice)
    expected = [-stripe_share(750, START, PERIOD_END, at), stripe_share(1500, START, PERIOD_END, at)]
    assert sorted(l.amount for l in billed.lines.data) == sorted(expected)
    assert billed.total == preview.total == sum(expected)

    advance(clock, PERIOD_END + 2 * 3600)
    assert all_invoices(customer)[-1].total == 1500, "the renewal is discounted as before"
