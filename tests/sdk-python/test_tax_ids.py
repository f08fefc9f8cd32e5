"""Customer tax ids: https://docs.stripe.com/api/tax_ids"""

import pytest
import stripe

from conftest import unique_email


def test_create_retrieve_list_and_delete_a_customer_tax_id(customer):
    tax_id = stripe.Customer.create_tax_id(customer.id, type="eu_vat", value="DE123456789")
    assert tax_id.id.startswith("txi_")
    assert tax_id.object == "tax_id"
    assert tax_id.type == "eu_vat"
    assert tax_id.value == "DE123456789"
    assert tax_id.country == "DE"
    assert tax_id.customer == customer.id
    assert tax_id.owner.type == "customer" and tax_id.owner.customer == customer.id
    assert tax_id.verification.status in ("pending", "verified", "unverified", "unavailable")

    fetched = stripe.Customer.retrieve_tax_id(customer.id, tax_id.id)
    assert fetched.to_dict() == tax_id.to_dict()

    listed = stripe.Customer.list_tax_ids(customer.id)
    assert [t.id for t in listed.data] == [tax_id.id]
    assert listed.url == f"/v1/customers/{customer.id}/tax_ids"

    deleted = stripe.Customer.delete_tax_id(customer.id, tax_id.id)
    assert deleted.id == tax_id.id and deleted.deleted is True
    assert stripe.Customer.list_tax_ids(customer.id).data == []


@pytest.mark.parametrize(
    ("kind", "value", "country"),
    [("gb_vat", "GB123456789", "GB"), ("us_ein", "12-3456789", "US"), ("au_abn", "12345678912", "AU"), ("eu_vat", "FRAB123456789", "FR")],
)
def test_documented_example_values_are_accepted(customer, kind, value, country):
    tax_id = stripe.Customer.create_tax_id(customer.id, type=kind, value=value)
    assert tax_id.type == kind and tax_id.country == country


def test_an_invalid_value_raises_tax_id_invalid_on_value(customer):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Customer.create_tax_id(customer.id, type="eu_vat", value="nonsense")
    error = raised.value
    assert error.code == "tax_id_invalid"
    assert error.param == "value"
    assert error.user_message == "Invalid value for eu_vat."


def test_an_unknown_type_is_refused_on_type(customer):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Customer.create_tax_id(customer.id, type="xx_vat", value="123")
    assert raised.value.param == "type"


def test_a_tax_id_of_another_customer_is_not_found(customer):
    other = stripe.Customer.create()
    tax_id = stripe.Customer.create_tax_id(other.id, type="eu_vat", value="DE123456789")
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Customer.retrieve_tax_id(customer.id, tax_id.id)
    assert raised.value.code == "resource_missing"


def test_tax_ids_of_a_missing_customer_raise_resource_missing():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Customer.list_tax_ids("cus_missing000000000000")
    assert raised.value.code == "resource_missing"


def test_customer_create_accepts_tax_id_data():
    customer = stripe.Customer.create(tax_id_data=[{"type": "gb_vat", "value": "GB123456789"}])
    listed = stripe.Customer.list_tax_ids(customer.id)
    assert [(t.type, t.value) for t in listed.data] == [("gb_vat", "GB123456789")]


def test_invalid_tax_id_data_points_at_the_array_entry_and_creates_nothing():
    email = unique_email()
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Customer.create(
            email=email,
            tax_id_data=[{"type": "gb_vat", "value": "GB123456789"}, {"type": "eu_vat", "value": "bogus"}],
        )
    assert raised.value.code == "tax_id_invalid"
    assert raised.value.param == "tax_id_data[1][value]"
    assert stripe.Customer.list(email=email).data == []


def test_tax_ids_with_the_stripe_client(client, customer):
    created = client.v1.customers.tax_ids.create(customer.id, params={"type": "eu_vat", "value": "DE123456789"})
    assert [t.id for t in client.v1.customers.tax_ids.list(customer.id).data] == [created.id]
