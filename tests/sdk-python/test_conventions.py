"""Conventions every endpoint shares: headers, authentication, the error object, the two client styles."""

import pytest
import stripe

from conftest import PORTICO_URL, SECRET_KEY, unique_email


def test_responses_carry_a_request_id_and_echo_the_sdk_api_version():
    customer = stripe.Customer.create(email=unique_email())
    headers = customer.last_response.headers
    assert headers["Request-Id"].startswith("req_")
    assert customer.last_response.request_id == headers["Request-Id"]
    assert headers["Stripe-Version"] == stripe.api_version == "2026-10-28.endive"
    assert headers["Content-Type"].startswith("application/json")


def test_a_per_request_stripe_version_is_echoed():
    customers = stripe.Customer.list(limit=1, stripe_version="2025-09-30.clover")
    assert customers.last_response.headers["Stripe-Version"] == "2025-09-30.clover"


def test_every_request_gets_its_own_request_id():
    first = stripe.Customer.list(limit=1)
    second = stripe.Customer.list(limit=1)
    assert first.last_response.request_id != second.last_response.request_id


def test_stripe_client_style_creates_retrieves_updates_lists_and_deletes(client):
    email = unique_email()
    created = client.v1.customers.create(params={"email": email, "name": "Client Style"})
    assert created.id.startswith("cus_")
    assert created.last_response.headers["Request-Id"].startswith("req_")
    assert client.v1.customers.retrieve(created.id).email == email
    updated = client.v1.customers.update(created.id, params={"name": "Renamed"})
    assert updated.name == "Renamed"
    listed = client.v1.customers.list(params={"email": email})
    assert [c.id for c in listed.data] == [created.id]
    deleted = client.v1.customers.delete(created.id)
    assert deleted.deleted is True and deleted.id == created.id


def test_stripe_client_raises_the_same_exception_classes(client):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.customers.retrieve("cus_doesnotexist")
    assert raised.value.code == "resource_missing"
    assert raised.value.http_status == 404


def test_an_unknown_api_key_raises_authentication_error_without_echoing_the_key():
    bad_key = "sk_test_" + "Z" * 28 + "wxyz"
    with pytest.raises(stripe.AuthenticationError) as raised:
        stripe.Customer.list(api_key=bad_key)
    error = raised.value
    assert error.http_status == 401
    assert bad_key not in error.user_message
    assert error.user_message.startswith("Invalid API Key provided: sk_test_")
    assert error.user_message.endswith("wxyz")
    assert error.json_body["error"]["type"] == "invalid_request_error"


def test_a_bad_key_on_the_stripe_client_raises_authentication_error():
    bad = stripe.StripeClient("sk_test_notarealkey000000000000", base_addresses={"api": PORTICO_URL})
    with pytest.raises(stripe.AuthenticationError):
        bad.v1.customers.list()


def test_basic_auth_with_the_key_as_username_is_accepted():
    import base64
    import urllib.request

    token = base64.b64encode(f"{SECRET_KEY}:".encode()).decode()
    request = urllib.request.Request(f"{PORTICO_URL}/v1/customers?limit=1", headers={"Authorization": f"Basic {token}"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 200


def test_an_unknown_parameter_raises_invalid_request_error_with_its_name():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Customer.create(email=unique_email(), favourite_colour="teal")
    error = raised.value
    assert error.http_status == 400
    assert error.code == "parameter_unknown"
    assert error.param == "favourite_colour"
    assert "favourite_colour" in error.user_message
    assert error.json_body["error"]["doc_url"] == "https://stripe.com/docs/error-codes/parameter-unknown"
    assert error.request_id.startswith("req_")


def test_an_unknown_nested_parameter_names_the_full_path():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Customer.create(address={"line1": "1 Main St", "planet": "Mars"})
    assert raised.value.code == "parameter_unknown"
    assert raised.value.param == "address[planet]"


def test_a_missing_object_raises_resource_missing_with_the_id_param():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Customer.retrieve("cus_missing000000000000")
    error = raised.value
    assert error.http_status == 404
    assert error.code == "resource_missing"
    assert error.param == "id"
    assert error.user_message == "No such customer: 'cus_missing000000000000'"


def test_a_non_integer_where_an_integer_is_expected_raises_parameter_invalid_integer():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Customer.create(balance="lots")
    assert raised.value.code == "parameter_invalid_integer"
    assert raised.value.param == "balance"


def test_an_unrecognized_url_raises_invalid_request_error(client):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.raw_request("get", "/v1/no_such_things")
    assert raised.value.http_status == 404
    assert "Unrecognized request URL" in raised.value.user_message


def test_raw_request_returns_a_parseable_stripe_object(client):
    response = client.raw_request("post", "/v1/customers", email=unique_email())
    customer = client.deserialize(response, api_mode="V1")
    assert isinstance(customer, stripe.Customer)
    assert customer.id.startswith("cus_")


def test_objects_created_with_a_test_key_are_not_livemode():
    customer = stripe.Customer.create(email=unique_email())
    assert customer.livemode is False
    assert customer.object == "customer"


def test_expanding_a_field_that_cannot_be_expanded_raises_invalid_request_error():
    customer = stripe.Customer.create(email=unique_email())
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Customer.retrieve(customer.id, expand=["email"])
    assert raised.value.http_status == 400
    assert "email" in raised.value.user_message


def test_the_account_behind_the_key_is_retrievable():
    account = stripe.Account.retrieve()
    assert account.id.startswith("acct_")
    assert account.object == "account"
