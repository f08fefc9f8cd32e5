"""Setup intents: https://docs.stripe.com/api/setup_intents"""

import pytest
import stripe

RETURN_URL = "https://example.com/return"
# Since endive, intents accept the Dashboard's payment methods; confirming needs a return_url unless redirects are off.
NO_REDIRECTS = {"enabled": True, "allow_redirects": "never"}


def test_create_without_a_payment_method_waits_for_one(customer):
    intent = stripe.SetupIntent.create(customer=customer.id)
    assert intent.id.startswith("seti_")
    assert intent.object == "setup_intent"
    assert intent.status == "requires_payment_method"
    assert intent.usage == "off_session"
    assert intent.customer == customer.id
    assert intent.payment_method is None
    assert intent.client_secret.startswith(f"{intent.id}_secret_")
    assert stripe.SetupIntent.retrieve(intent.id).to_dict() == intent.to_dict()


def test_create_with_a_payment_method_then_confirm_attaches_it(customer):
    intent = stripe.SetupIntent.create(customer=customer.id, payment_method="pm_card_visa")
    assert intent.status == "requires_confirmation"
    confirmed = stripe.SetupIntent.confirm(intent.id, return_url=RETURN_URL)
    assert confirmed.status == "succeeded"
    method = stripe.PaymentMethod.retrieve(confirmed.payment_method)
    assert method.customer == customer.id
    assert method.card.last4 == "4242"
    assert [m.id for m in stripe.Customer.list_payment_methods(customer.id).data] == [method.id]


def test_confirm_with_a_payment_method_given_at_confirmation(customer):
    intent = stripe.SetupIntent.create(customer=customer.id, automatic_payment_methods=NO_REDIRECTS)
    confirmed = stripe.SetupIntent.confirm(intent.id, payment_method="pm_card_mastercard")
    assert confirmed.status == "succeeded"
    assert stripe.PaymentMethod.retrieve(confirmed.payment_method).card.brand == "mastercard"


def test_create_and_confirm_in_one_call(customer):
    intent = stripe.SetupIntent.create(
        customer=customer.id, payment_method="pm_card_visa", confirm=True, usage="on_session", return_url=RETURN_URL
    )
    assert intent.status == "succeeded"
    assert intent.usage == "on_session"


def test_confirming_without_a_return_url_while_redirects_are_allowed_is_refused(customer):
    intent = stripe.SetupIntent.create(customer=customer.id, payment_method="pm_card_visa")
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.SetupIntent.confirm(intent.id)
    assert "return_url" in raised.value.user_message
    assert stripe.SetupIntent.retrieve(intent.id).status == "requires_confirmation"


def test_a_3d_secure_card_requires_action(customer):
    intent = stripe.SetupIntent.create(
        customer=customer.id, payment_method="pm_card_authenticationRequiredOnSetup", confirm=True, return_url=RETURN_URL
    )
    assert intent.status == "requires_action"
    assert intent.next_action is not None
    assert intent.next_action.type in ("use_stripe_sdk", "redirect_to_url")
    assert stripe.Customer.list_payment_methods(customer.id).data == []


def test_the_3ds2_required_card_requires_action_too(customer):
    intent = stripe.SetupIntent.create(customer=customer.id, payment_method="pm_card_threeDSecure2Required")
    confirmed = stripe.SetupIntent.confirm(intent.id, return_url=RETURN_URL)
    assert confirmed.status == "requires_action"


def test_a_declined_card_raises_card_error_and_records_last_setup_error(customer):
    intent = stripe.SetupIntent.create(customer=customer.id, automatic_payment_methods=NO_REDIRECTS)
    with pytest.raises(stripe.CardError) as raised:
        stripe.SetupIntent.confirm(intent.id, payment_method="pm_card_visa_chargeDeclined")
    error = raised.value
    assert error.code == "card_declined"
    assert error.error.setup_intent.id == intent.id
    after = stripe.SetupIntent.retrieve(intent.id)
    assert after.status == "requires_payment_method"
    assert after.last_setup_error.code == "card_declined"
    assert after.last_setup_error.decline_code == "generic_decline"


def test_cancel_a_setup_intent(customer):
    intent = stripe.SetupIntent.create(customer=customer.id)
    canceled = stripe.SetupIntent.cancel(intent.id, cancellation_reason="requested_by_customer")
    assert canceled.status == "canceled"
    assert canceled.cancellation_reason == "requested_by_customer"


def test_a_setup_intent_waiting_for_3ds_can_be_canceled(customer):
    intent = stripe.SetupIntent.create(
        customer=customer.id, payment_method="pm_card_authenticationRequiredOnSetup", confirm=True, return_url=RETURN_URL
    )
    assert stripe.SetupIntent.cancel(intent.id).status == "canceled"


def test_a_succeeded_setup_intent_cannot_be_canceled(customer):
    intent = stripe.SetupIntent.create(customer=customer.id, payment_method="pm_card_visa", confirm=True, return_url=RETURN_URL)
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.SetupIntent.cancel(intent.id)
    assert raised.value.code == "setup_intent_unexpected_state"


def test_a_canceled_setup_intent_cannot_be_confirmed(customer):
    intent = stripe.SetupIntent.create(customer=customer.id, payment_method="pm_card_visa")
    stripe.SetupIntent.cancel(intent.id)
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.SetupIntent.confirm(intent.id, return_url=RETURN_URL)
    assert raised.value.code == "setup_intent_unexpected_state"


def test_update_and_list_setup_intents(customer):
    first = stripe.SetupIntent.create(customer=customer.id)
    second = stripe.SetupIntent.create(customer=customer.id)
    updated = stripe.SetupIntent.modify(first.id, metadata={"order": "42"}, description="Save card")
    assert updated.metadata.order == "42" and updated.description == "Save card"
    listed = stripe.SetupIntent.list(customer=customer.id)
    assert [i.id for i in listed.data] == [second.id, first.id]


def test_a_missing_setup_intent_raises_resource_missing():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.SetupIntent.retrieve("seti_missing00000000000000")
    assert raised.value.code == "resource_missing"


def test_a_succeeded_setup_appends_setup_intent_succeeded(customer):
    intent = stripe.SetupIntent.create(
        customer=customer.id, payment_method="pm_card_visa", confirm=True, automatic_payment_methods=NO_REDIRECTS
    )
    # Around the setup only: events of test clocks living in the future come first in the list.
    around = {"gte": intent.created - 5, "lte": intent.created + 60}
    events = stripe.Event.list(type="setup_intent.succeeded", created=around, limit=100)
    assert intent.id in [e.data.object.id for e in events.data]


def test_setup_intents_with_the_stripe_client(client, customer):
    intent = client.v1.setup_intents.create(params={"customer": customer.id, "payment_method": "pm_card_visa"})
    confirmed = client.v1.setup_intents.confirm(intent.id, params={"return_url": RETURN_URL})
    assert confirmed.status == "succeeded"
    canceled_candidate = client.v1.setup_intents.create(params={"customer": customer.id})
    assert client.v1.setup_intents.cancel(canceled_candidate.id).status == "canceled"


def test_expand_the_payment_method_of_a_setup_intent(customer):
    intent = stripe.SetupIntent.create(customer=customer.id, payment_method="pm_card_visa", confirm=True, return_url=RETURN_URL)
    expanded = stripe.SetupIntent.retrieve(intent.id, expand=["payment_method", "customer"])
    assert isinstance(expanded.payment_method, stripe.PaymentMethod)
    assert expanded.payment_method.card.brand == "visa"
    assert expanded.customer.id == customer.id
