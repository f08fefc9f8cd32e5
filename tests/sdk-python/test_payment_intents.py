"""Payment intents and charges: https://docs.stripe.com/api/payment_intents"""

import pytest
import stripe

RETURN_URL = "https://example.com/return"
CARD_ONLY = ["card"]


def test_create_and_confirm_with_a_good_card_succeeds(customer):
    intent = stripe.PaymentIntent.create(
        amount=2000,
        currency="usd",
        customer=customer.id,
        payment_method="pm_card_visa",
        confirm=True,
        return_url=RETURN_URL,
        metadata={"order": "42"},
    )
    assert intent.id.startswith("pi_")
    assert intent.object == "payment_intent"
    assert intent.status == "succeeded"
    assert intent.amount_received == 2000
    assert intent.client_secret.startswith(f"{intent.id}_secret_")
    charge = stripe.Charge.retrieve(intent.latest_charge)
    assert charge.status == "succeeded" and charge.paid and charge.captured
    assert charge.payment_intent == intent.id
    assert charge.customer == customer.id
    assert charge.metadata.order == "42"
    assert charge.payment_method_details.card.last4 == "4242"
    assert charge.outcome.type == "authorized"
    assert stripe.PaymentIntent.retrieve(intent.id).to_dict() == intent.to_dict()


def test_a_declined_card_raises_card_error_and_leaves_the_intent_waiting(customer):
    with pytest.raises(stripe.CardError) as raised:
        stripe.PaymentIntent.create(
            amount=2000,
            currency="eur",
            customer=customer.id,
            payment_method="pm_card_visa_chargeDeclined",
            confirm=True,
            allowed_payment_method_types=CARD_ONLY,
        )
    error = raised.value
    assert error.code == "card_declined"
    assert error.error.decline_code == "generic_decline"
    intent = error.error.payment_intent
    assert intent.status == "requires_payment_method"
    stored = stripe.PaymentIntent.retrieve(intent.id)
    assert stored.status == "requires_payment_method"
    assert stored.last_payment_error.code == "card_declined"
    assert stored.last_payment_error.charge == error.error.charge
    failed = stripe.Charge.retrieve(error.error.charge)
    assert failed.status == "failed"
    assert failed.failure_code == "card_declined"


def test_an_intent_created_without_confirm_is_confirmed_later(customer):
    intent = stripe.PaymentIntent.create(
        amount=1000, currency="eur", customer=customer.id, allowed_payment_method_types=CARD_ONLY
    )
    assert intent.status == "requires_payment_method"
    confirmed = stripe.PaymentIntent.confirm(intent.id, payment_method="pm_card_mastercard")
    assert confirmed.status == "succeeded"
    charges = stripe.Charge.list(payment_intent=intent.id)
    assert [c.id for c in charges.data] == [confirmed.latest_charge]


def test_3ds_requires_action_then_the_authenticate_helper_completes_it(client, customer):
    intent = client.v1.payment_intents.create(
        params={
            "amount": 1500,
            "currency": "usd",
            "customer": customer.id,
            "payment_method": "pm_card_threeDSecure2Required",
            "confirm": True,
            "return_url": RETURN_URL,
        }
    )
    assert intent.status == "requires_action"
    assert intent.next_action.type == "redirect_to_url"
    assert intent.next_action.redirect_to_url.return_url == RETURN_URL
    response = client.raw_request("post", f"/v1/test_helpers/payment_intents/{intent.id}/authenticate")
    authenticated = client.deserialize(response, api_mode="V1")
    assert authenticated.status == "succeeded"
    charge = client.v1.charges.retrieve(authenticated.latest_charge)
    assert charge.payment_method_details.card.three_d_secure.result == "authenticated"


def test_off_session_payments_that_need_authentication_fail(customer):
    method = stripe.PaymentMethod.attach("pm_card_authenticationRequired", customer=customer.id)
    with pytest.raises(stripe.CardError) as raised:
        stripe.PaymentIntent.create(
            amount=2000,
            currency="usd",
            customer=customer.id,
            payment_method=method.id,
            confirm=True,
            off_session=True,
            allowed_payment_method_types=CARD_ONLY,
        )
    assert raised.value.code == "authentication_required"
    assert raised.value.error.payment_intent.status == "requires_payment_method"


def test_amounts_below_the_minimum_are_refused():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.PaymentIntent.create(amount=10, currency="usd")
    assert raised.value.code == "amount_too_small"
    assert raised.value.param == "amount"


def test_list_and_expand(customer):
    first = stripe.PaymentIntent.create(
        amount=1000, currency="eur", customer=customer.id, payment_method="pm_card_visa", confirm=True,
        return_url=RETURN_URL,
    )
    second = stripe.PaymentIntent.create(amount=1200, currency="eur", customer=customer.id)
    listed = stripe.PaymentIntent.list(customer=customer.id)
    assert [i.id for i in listed.data] == [second.id, first.id]
    expanded = stripe.PaymentIntent.retrieve(first.id, expand=["latest_charge", "payment_method"])
    assert isinstance(expanded.latest_charge, stripe.Charge)
    assert expanded.payment_method.card.brand == "visa"
    assert [c.id for c in stripe.Charge.list(customer=customer.id).data] == [first.latest_charge]


def test_a_succeeded_payment_appends_its_events(customer):
    intent = stripe.PaymentIntent.create(
        amount=900, currency="usd", customer=customer.id, payment_method="pm_card_visa", confirm=True,
        allowed_payment_method_types=CARD_ONLY,
    )
    # Around the payment only: events of test clocks living in the future come first in the list.
    around = {"gte": intent.created - 5, "lte": intent.created + 60}
    succeeded = stripe.Event.list(type="payment_intent.succeeded", created=around, limit=100)
    assert intent.id in [e.data.object.id for e in succeeded.data]
    charged = stripe.Event.list(type="charge.succeeded", created=around, limit=100)
    assert intent.latest_charge in [e.data.object.id for e in charged.data]
