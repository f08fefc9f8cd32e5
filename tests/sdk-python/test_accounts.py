"""Connected accounts and the Stripe-Account header: https://docs.stripe.com/api/accounts and
https://docs.stripe.com/connect/authentication"""

import pytest
import stripe

from conftest import PORTICO_URL, SECRET_KEY, unique_email


def test_create_retrieve_update_list_and_delete_an_account():
    email = unique_email()
    account = stripe.Account.create(type="standard", country="US", email=email, metadata={"ref": "a1"})
    assert account.id.startswith("acct_")
    assert account.object == "account"
    assert account.email == email
    assert account.type == "standard"
    assert account.country == "US"
    assert account.metadata.to_dict() == {"ref": "a1"}

    assert stripe.Account.retrieve(account.id).email == email
    updated = stripe.Account.modify(account.id, metadata={"ref": "a2"}, email="changed-" + email)
    assert updated.metadata.ref == "a2" and updated.email == "changed-" + email

    listed = [a.id for a in stripe.Account.list(limit=100).auto_paging_iter()]
    assert account.id in listed

    deleted = stripe.Account.delete(account.id)
    assert deleted.id == account.id and deleted.deleted is True
    with pytest.raises(stripe.StripeError):
        stripe.Account.retrieve(account.id)


def test_the_platform_is_not_in_its_list_of_connected_accounts():
    platform = stripe.Account.retrieve()
    listed = [a.id for a in stripe.Account.list(limit=100).auto_paging_iter()]
    assert platform.id not in listed


def test_a_missing_account_raises_resource_missing():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Account.retrieve("acct_missing0000000000")
    assert raised.value.code == "resource_missing"


def test_stripe_account_acts_on_the_connected_account(connected_account):
    customer = stripe.Customer.create(email=unique_email(), stripe_account=connected_account)
    fetched = stripe.Customer.retrieve(customer.id, stripe_account=connected_account)
    assert fetched.id == customer.id
    assert stripe.Account.retrieve(stripe_account=connected_account).id == connected_account


def test_objects_of_a_connected_account_are_invisible_to_the_platform(connected_account):
    connected_customer = stripe.Customer.create(email=unique_email(), stripe_account=connected_account)
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Customer.retrieve(connected_customer.id)
    assert raised.value.code == "resource_missing"
    platform_customer = stripe.Customer.create(email=unique_email())
    with pytest.raises(stripe.InvalidRequestError):
        stripe.Customer.retrieve(platform_customer.id, stripe_account=connected_account)


def test_lists_are_scoped_to_the_acting_account(connected_account):
    email = unique_email()
    platform_customer = stripe.Customer.create(email=email)
    connected_customer = stripe.Customer.create(email=email, stripe_account=connected_account)
    assert [c.id for c in stripe.Customer.list(email=email)] == [platform_customer.id]
    assert [c.id for c in stripe.Customer.list(email=email, stripe_account=connected_account)] == [connected_customer.id]


def test_two_connected_accounts_are_isolated_from_each_other(connected_account):
    other = stripe.Account.create(type="standard", country="FR", email=unique_email()).id
    customer = stripe.Customer.create(email=unique_email(), stripe_account=connected_account)
    with pytest.raises(stripe.InvalidRequestError):
        stripe.Customer.modify(customer.id, name="Intruder", stripe_account=other)
    with pytest.raises(stripe.InvalidRequestError):
        stripe.Customer.delete(customer.id, stripe_account=other)
    assert stripe.Customer.retrieve(customer.id, stripe_account=connected_account).name is None


def test_an_unknown_stripe_account_raises_permission_error():
    with pytest.raises(stripe.PermissionError) as raised:
        stripe.Customer.list(stripe_account="acct_doesnotexist000000")
    assert raised.value.http_status == 403
    assert raised.value.error.code == "account_invalid"


def test_a_connected_account_cannot_reach_another_connected_account(connected_account):
    other = stripe.Account.create(type="standard", country="US").id
    with pytest.raises(stripe.StripeError):
        stripe.Account.retrieve(other, stripe_account=connected_account)


def test_stripe_client_with_stripe_account_acts_on_the_connected_account(connected_account):
    client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": PORTICO_URL}, stripe_account=connected_account)
    customer = client.v1.customers.create(params={"email": unique_email()})
    assert client.v1.customers.retrieve(customer.id).id == customer.id
    with pytest.raises(stripe.InvalidRequestError):
        stripe.Customer.retrieve(customer.id)


def test_per_request_stripe_account_option_on_the_stripe_client(client, connected_account):
    customer = client.v1.customers.create(params={"email": unique_email()}, options={"stripe_account": connected_account})
    fetched = client.v1.customers.retrieve(customer.id, options={"stripe_account": connected_account})
    assert fetched.id == customer.id


def test_events_of_a_connected_account_name_the_account(connected_account):
    customer = stripe.Customer.create(email=unique_email(), stripe_account=connected_account)
    events = stripe.Event.list(type="customer.created", limit=100, stripe_account=connected_account)
    event = next(e for e in events.auto_paging_iter() if e.data.object.id == customer.id)
    assert event.account == connected_account
    # Had it leaked, it would be among the platform's newest events.
    platform_events = stripe.Event.list(type="customer.created", limit=100)
    assert all(e.data.object.id != customer.id for e in platform_events.data)
