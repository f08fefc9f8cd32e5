"""Events: https://docs.stripe.com/api/events"""

import pytest
import stripe

from conftest import unique, unique_email


def find_event(type_, object_id, **options):
    """The newest event of `type_` about `object_id` (events are newest first, so it is near the top)."""
    for event in stripe.Event.list(type=type_, limit=100, **options).auto_paging_iter():
        if event.data.object.id == object_id:
            return event
    raise AssertionError(f"no {type_} event for {object_id}")


def test_creating_a_customer_appends_a_customer_created_event():
    customer = stripe.Customer.create(email=unique_email())
    event = find_event("customer.created", customer.id)
    assert event.id.startswith("evt_")
    assert event.object == "event"
    assert event.type == "customer.created"
    assert event.livemode is False
    assert event.api_version == stripe.api_version
    assert event.data.object.email == customer.email
    assert event.created >= customer.created


def test_list_filters_by_type():
    stripe.Customer.create(email=unique_email())
    events = stripe.Event.list(type="customer.created", limit=20)
    assert events.data
    assert {e.type for e in events.data} == {"customer.created"}
    assert events.url == "/v1/events"


def test_list_filters_by_several_types():
    customer = stripe.Customer.create(email=unique_email())
    stripe.Customer.modify(customer.id, name="Renamed")
    events = stripe.Event.list(types=["customer.created", "customer.updated"], limit=100)
    kinds = {e.type for e in events.data if e.data.object.id == customer.id}
    assert kinds == {"customer.created", "customer.updated"}
    assert {e.type for e in events.data} <= {"customer.created", "customer.updated"}


def test_retrieve_an_event():
    customer = stripe.Customer.create(email=unique_email())
    listed = find_event("customer.created", customer.id)
    fetched = stripe.Event.retrieve(listed.id)
    assert fetched.to_dict() == listed.to_dict()


def test_a_missing_event_raises_resource_missing():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Event.retrieve("evt_missing00000000000000")
    assert raised.value.code == "resource_missing"


def test_an_update_event_carries_the_previous_attributes():
    customer = stripe.Customer.create(email=unique_email(), name="Before", metadata={"keep": "1"})
    stripe.Customer.modify(customer.id, name="After")
    event = find_event("customer.updated", customer.id)
    assert event.data.object.name == "After"
    assert event.data.previous_attributes.to_dict() == {"name": "Before"}


def test_an_event_records_the_request_and_its_idempotency_key():
    key = unique("evt-key-")
    customer = stripe.Customer.create(email=unique_email(), idempotency_key=key)
    event = find_event("customer.created", customer.id)
    assert event.request.id == customer.last_response.request_id
    assert event.request.idempotency_key == key


def test_deleting_a_customer_appends_customer_deleted():
    email = unique_email()
    customer = stripe.Customer.create(email=email)
    stripe.Customer.delete(customer.id)
    event = find_event("customer.deleted", customer.id)
    assert event.data.object.email == email


def test_events_page_with_auto_paging_iter():
    email = unique_email()
    ids = {stripe.Customer.create(email=email).id for _ in range(4)}
    seen = []
    for event in stripe.Event.list(type="customer.created", limit=2).auto_paging_iter():
        if event.data.object.id in ids:
            seen.append(event.data.object.id)
        if len(seen) == len(ids):
            break
    assert sorted(seen) == sorted(ids)


def test_events_with_the_stripe_client(client):
    customer = client.v1.customers.create(params={"email": unique_email()})
    events = client.v1.events.list(params={"type": "customer.created", "limit": 10})
    assert customer.id in [e.data.object.id for e in events.data]
