"""Customers: https://docs.stripe.com/api/customers"""

import pytest
import stripe

from conftest import unique, unique_email


def test_create_retrieve_update_and_delete_a_customer():
    email = unique_email()
    created = stripe.Customer.create(
        email=email,
        name="Jenny Rosen",
        phone="+14155550100",
        description="SDK customer",
        address={"line1": "510 Townsend St", "city": "San Francisco", "postal_code": "94103", "country": "US"},
        preferred_locales=["fr", "en"],
        metadata={"order": "6735"},
    )
    assert created.id.startswith("cus_")
    assert created.object == "customer"
    assert created.address.city == "San Francisco"
    assert created.preferred_locales == ["fr", "en"]
    assert created.metadata.to_dict() == {"order": "6735"}
    assert created.balance == 0 and created.delinquent is False

    fetched = stripe.Customer.retrieve(created.id)
    assert fetched.to_dict() == created.to_dict()

    updated = stripe.Customer.modify(created.id, name="Jenny R.", metadata={"tier": "gold"})
    assert updated.name == "Jenny R."
    assert updated.metadata.to_dict() == {"order": "6735", "tier": "gold"}

    deleted = stripe.Customer.delete(created.id)
    assert deleted.id == created.id and deleted.deleted is True


def test_a_deleted_customer_is_still_retrievable_as_a_deleted_stub():
    customer = stripe.Customer.create(email=unique_email())
    customer.delete()
    stub = stripe.Customer.retrieve(customer.id)
    assert stub.id == customer.id
    assert stub.deleted is True


def test_an_empty_string_clears_a_field_and_a_metadata_key():
    customer = stripe.Customer.create(description="to clear", metadata={"a": "1", "b": "2"})
    updated = stripe.Customer.modify(customer.id, description="", metadata={"a": ""})
    assert updated.description is None
    assert updated.metadata.to_dict() == {"b": "2"}


def test_list_filters_by_email():
    email = unique_email()
    wanted = [stripe.Customer.create(email=email) for _ in range(2)]
    stripe.Customer.create(email=unique_email())
    listed = stripe.Customer.list(email=email)
    assert listed.object == "list"
    assert listed.url == "/v1/customers"
    assert [c.id for c in listed.data] == [c.id for c in reversed(wanted)]
    assert listed.has_more is False


def test_auto_paging_iter_yields_every_customer_once_newest_first():
    email = unique_email()
    created = [stripe.Customer.create(email=email, metadata={"n": str(i)}) for i in range(26)]
    seen = [c.id for c in stripe.Customer.list(email=email, limit=3).auto_paging_iter()]
    assert seen == [c.id for c in reversed(created)]


def test_pages_follow_starting_after_and_ending_before():
    email = unique_email()
    created = [stripe.Customer.create(email=email) for _ in range(5)]
    newest_first = [c.id for c in reversed(created)]
    first = stripe.Customer.list(email=email, limit=2)
    assert [c.id for c in first.data] == newest_first[:2] and first.has_more is True
    second = stripe.Customer.list(email=email, limit=2, starting_after=first.data[-1].id)
    assert [c.id for c in second.data] == newest_first[2:4]
    back = stripe.Customer.list(email=email, limit=2, ending_before=second.data[0].id)
    assert [c.id for c in back.data] == newest_first[:2]


def test_auto_paging_iter_backwards_from_ending_before():
    email = unique_email()
    created = [stripe.Customer.create(email=email) for _ in range(7)]
    seen = [c.id for c in stripe.Customer.list(email=email, limit=2, ending_before=created[0].id).auto_paging_iter()]
    # Each page just newer than the cursor comes newest first; the SDK reverses it, so the walk runs oldest first.
    assert seen == [c.id for c in created[1:]]


def test_a_limit_outside_1_to_100_is_rejected():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Customer.list(limit=101)
    assert raised.value.param == "limit"


def test_search_finds_customers_by_email_and_metadata():
    tag = unique("tag")
    email = unique_email()
    ann = stripe.Customer.create(email=email, name="Ann", metadata={"run": tag})
    stripe.Customer.create(email=unique_email(), name="Bob", metadata={"run": tag})
    found = stripe.Customer.search(query=f"email:'{email}'")
    assert found.object == "search_result"
    assert [c.id for c in found.data] == [ann.id]
    both = stripe.Customer.search(query=f"metadata['run']:'{tag}'")
    assert len(both.data) == 2
    only_ann = stripe.Customer.search(query=f"metadata['run']:'{tag}' AND name:'Ann'")
    assert [c.id for c in only_ann.data] == [ann.id]


def test_search_auto_paging_iter_yields_every_match_once():
    tag = unique("tag")
    created = {stripe.Customer.create(metadata={"batch": tag}).id for _ in range(7)}
    seen = [c.id for c in stripe.Customer.search_auto_paging_iter(query=f"metadata['batch']:'{tag}'", limit=3)]
    assert len(seen) == 7
    assert set(seen) == created


def test_a_malformed_search_query_names_the_query_param():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Customer.search(query="favourite_colour:'teal'")
    assert raised.value.param == "query"


def test_search_with_the_stripe_client(client):
    email = unique_email()
    created = client.v1.customers.create(params={"email": email})
    result = client.v1.customers.search(params={"query": f"email:'{email}'"})
    assert [c.id for c in result.data] == [created.id]


def test_create_with_a_payment_method_attaches_it():
    customer = stripe.Customer.create(email=unique_email(), payment_method="pm_card_visa")
    methods = stripe.Customer.list_payment_methods(customer.id)
    assert len(methods.data) == 1
    assert methods.data[0].customer == customer.id
    assert methods.data[0].card.last4 == "4242"


def test_expand_the_default_payment_method_on_a_customer():
    customer = stripe.Customer.create(email=unique_email())
    method = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
    updated = stripe.Customer.modify(
        customer.id,
        invoice_settings={"default_payment_method": method.id},
        expand=["invoice_settings.default_payment_method"],
    )
    default = updated.invoice_settings.default_payment_method
    assert isinstance(default, stripe.PaymentMethod)
    assert default.id == method.id
    assert default.card.brand == "visa"
    plain = stripe.Customer.retrieve(customer.id)
    assert plain.invoice_settings.default_payment_method == method.id
    expanded = stripe.Customer.retrieve(customer.id, expand=["invoice_settings.default_payment_method"])
    assert expanded.invoice_settings.default_payment_method.id == method.id


def test_a_default_payment_method_must_belong_to_the_customer():
    customer = stripe.Customer.create(email=unique_email())
    stranger = stripe.Customer.create(email=unique_email())
    method = stripe.PaymentMethod.attach("pm_card_visa", customer=stranger.id)
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Customer.modify(customer.id, invoice_settings={"default_payment_method": method.id})
    assert raised.value.param == "invoice_settings[default_payment_method]"


def test_create_with_an_unknown_test_clock_raises_resource_missing():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Customer.create(test_clock="clock_doesnotexist")
    assert raised.value.code == "resource_missing"
    assert raised.value.param == "test_clock"


def test_expand_a_nested_field_on_every_listed_customer():
    email = unique_email()
    customer = stripe.Customer.create(email=email, payment_method="pm_card_visa")
    method = stripe.Customer.list_payment_methods(customer.id).data[0]
    stripe.Customer.modify(customer.id, invoice_settings={"default_payment_method": method.id})
    listed = stripe.Customer.list(email=email, expand=["data.invoice_settings.default_payment_method"])
    assert listed.data[0].invoice_settings.default_payment_method.card.last4 == "4242"
