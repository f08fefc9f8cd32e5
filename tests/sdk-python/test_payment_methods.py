"""Payment methods with Stripe's test cards: https://docs.stripe.com/api/payment_methods and
https://docs.stripe.com/testing"""

import datetime

import pytest
import stripe

from conftest import unique_email


EXP_YEAR = datetime.date.today().year + 5


def card(number, **extra):
    return {"number": number, "exp_month": 12, "exp_year": EXP_YEAR, "cvc": "123", **extra}


def test_attach_a_test_token_payment_method(customer):
    method = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
    assert method.id.startswith("pm_") and method.id != "pm_card_visa"
    assert method.object == "payment_method"
    assert method.type == "card"
    assert method.customer == customer.id
    assert method.card.brand == "visa"
    assert method.card.last4 == "4242"
    assert method.card.funding == "credit"
    assert method.card.country == "US"
    assert method.card.exp_year > 2000


@pytest.mark.parametrize(
    ("token", "brand", "last4"),
    [("pm_card_mastercard", "mastercard", "4444"), ("pm_card_amex", "amex", "0005"), ("pm_card_visa_debit", "visa", "5556")],
)
def test_other_test_tokens_carry_their_card(customer, token, brand, last4):
    method = stripe.PaymentMethod.attach(token, customer=customer.id)
    assert (method.card.brand, method.card.last4) == (brand, last4)


def test_create_from_a_tok_visa_token():
    method = stripe.PaymentMethod.create(type="card", card={"token": "tok_visa"})
    assert method.id.startswith("pm_")
    assert method.customer is None
    assert method.card.brand == "visa" and method.card.last4 == "4242"


def test_create_from_a_raw_card_number():
    method = stripe.PaymentMethod.create(
        type="card", card=card("5555555555554444"), billing_details={"name": "Jenny Rosen", "email": "jenny@example.com"}
    )
    assert method.card.brand == "mastercard"
    assert method.card.last4 == "4444"
    assert (method.card.exp_month, method.card.exp_year) == (12, EXP_YEAR)
    assert method.billing_details.name == "Jenny Rosen"
    assert "number" not in method.card
    assert "5555555555554444" not in str(method.to_dict())


def test_an_incorrect_number_raises_card_error_incorrect_number():
    with pytest.raises(stripe.CardError) as raised:
        stripe.PaymentMethod.create(type="card", card=card("4242424242424241"))
    error = raised.value
    assert error.http_status == 402
    assert error.code == "incorrect_number"
    assert error.param is not None and "number" in error.param
    assert error.json_body["error"]["type"] == "card_error"


def test_a_past_expiry_year_raises_invalid_expiry_year():
    with pytest.raises(stripe.CardError) as raised:
        stripe.PaymentMethod.create(type="card", card=card("4242424242424242", exp_year=2001))
    assert raised.value.code == "invalid_expiry_year"
    assert "exp_year" in raised.value.param


def test_a_decline_on_attach_card_raises_card_error(customer):
    with pytest.raises(stripe.CardError) as raised:
        stripe.PaymentMethod.attach("pm_card_visa_chargeDeclined", customer=customer.id)
    error = raised.value
    assert error.http_status == 402
    assert error.code == "card_declined"
    assert error.error.decline_code == "generic_decline"
    assert error.user_message == "Your card was declined."
    assert stripe.Customer.list_payment_methods(customer.id).data == []


def test_an_expired_card_on_attach_names_exp_month(customer):
    with pytest.raises(stripe.CardError) as raised:
        stripe.PaymentMethod.attach("pm_card_chargeDeclinedExpiredCard", customer=customer.id)
    assert raised.value.code == "expired_card"
    assert raised.value.param == "exp_month"


def test_insufficient_funds_on_attach_has_its_decline_code(customer):
    with pytest.raises(stripe.CardError) as raised:
        stripe.PaymentMethod.attach("pm_card_visa_chargeDeclinedInsufficientFunds", customer=customer.id)
    assert raised.value.code == "card_declined"
    assert raised.value.error.decline_code == "insufficient_funds"


def test_the_charge_customer_fail_card_attaches_fine(customer):
    method = stripe.PaymentMethod.attach("pm_card_chargeCustomerFail", customer=customer.id)
    assert method.customer == customer.id
    assert method.card.last4 == "0341"


def test_attach_a_created_payment_method_then_detach_it(customer):
    method = stripe.PaymentMethod.create(type="card", card={"token": "tok_mastercard"})
    attached = stripe.PaymentMethod.attach(method.id, customer=customer.id)
    assert attached.id == method.id and attached.customer == customer.id
    detached = stripe.PaymentMethod.detach(method.id)
    assert detached.customer is None
    assert stripe.Customer.list_payment_methods(customer.id).data == []


def test_detaching_an_unattached_payment_method_is_refused():
    method = stripe.PaymentMethod.create(type="card", card={"token": "tok_visa"})
    with pytest.raises(stripe.InvalidRequestError):
        stripe.PaymentMethod.detach(method.id)


def test_attach_to_a_missing_customer_raises_resource_missing():
    method = stripe.PaymentMethod.create(type="card", card={"token": "tok_visa"})
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.PaymentMethod.attach(method.id, customer="cus_missing0000000000000")
    assert raised.value.code == "resource_missing"
    assert raised.value.param == "customer"


def test_retrieve_and_update_a_payment_method(customer):
    method = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
    assert stripe.PaymentMethod.retrieve(method.id).to_dict() == method.to_dict()
    updated = stripe.PaymentMethod.modify(
        method.id,
        billing_details={"name": "Jenny Rosen", "address": {"postal_code": "94103", "country": "US"}},
        card={"exp_month": 6, "exp_year": EXP_YEAR + 1},
        metadata={"label": "work"},
    )
    assert updated.billing_details.name == "Jenny Rosen"
    assert updated.billing_details.address.postal_code == "94103"
    assert (updated.card.exp_month, updated.card.exp_year) == (6, EXP_YEAR + 1)
    assert updated.metadata.label == "work"


def test_a_missing_payment_method_raises_resource_missing():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.PaymentMethod.retrieve("pm_missing000000000000000")
    assert raised.value.code == "resource_missing"


def test_list_a_customers_payment_methods_both_ways(customer):
    first = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
    second = stripe.PaymentMethod.attach("pm_card_mastercard", customer=customer.id)
    listed = stripe.PaymentMethod.list(customer=customer.id, type="card")
    assert [m.id for m in listed.data] == [second.id, first.id]
    via_customer = stripe.Customer.list_payment_methods(customer.id)
    assert [m.id for m in via_customer.data] == [second.id, first.id]
    assert via_customer.url == f"/v1/customers/{customer.id}/payment_methods"
    one = stripe.Customer.retrieve_payment_method(customer.id, first.id)
    assert one.id == first.id


def test_payment_methods_of_another_customer_stay_hidden(customer):
    other = stripe.Customer.create(email=unique_email())
    theirs = stripe.PaymentMethod.attach("pm_card_visa", customer=other.id)
    assert stripe.Customer.list_payment_methods(customer.id).data == []
    with pytest.raises(stripe.InvalidRequestError):
        stripe.Customer.retrieve_payment_method(customer.id, theirs.id)


def test_expand_the_customer_of_each_listed_payment_method(customer):
    stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
    listed = stripe.PaymentMethod.list(customer=customer.id, expand=["data.customer"])
    assert len(listed.data) == 1
    assert isinstance(listed.data[0].customer, stripe.Customer)
    assert listed.data[0].customer.email == customer.email


def test_auto_paging_over_a_customers_payment_methods(customer):
    ids = [stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id).id for _ in range(5)]
    seen = [m.id for m in stripe.Customer.list_payment_methods(customer.id, limit=2).auto_paging_iter()]
    assert seen == list(reversed(ids))


def test_attaching_appends_a_payment_method_attached_event(customer):
    method = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
    # Around now only: events of test clocks living in the future come first in the list.
    around = {"gte": method.created - 5, "lte": method.created + 60}
    events = stripe.Event.list(type="payment_method.attached", created=around, limit=100)
    assert method.id in [e.data.object.id for e in events.data]


def test_payment_methods_with_the_stripe_client(client, customer):
    method = client.v1.payment_methods.create(params={"type": "card", "card": {"token": "tok_visa"}})
    attached = client.v1.payment_methods.attach(method.id, params={"customer": customer.id})
    assert attached.customer == customer.id
    listed = client.v1.customers.payment_methods.list(customer.id)
    assert [m.id for m in listed.data] == [method.id]
    assert client.v1.payment_methods.detach(method.id).customer is None
