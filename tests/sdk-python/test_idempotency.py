"""Idempotency keys, explicit and the SDK's automatic ones, and the SDK's network retries that rely on them.
https://docs.stripe.com/api/idempotent_requests"""

import concurrent.futures

import pytest
import stripe

from conftest import SECRET_KEY, unique, unique_email


def test_the_same_key_twice_returns_the_same_object_and_marks_the_replay():
    key = unique("idem-")
    email = unique_email()
    first = stripe.Customer.create(email=email, idempotency_key=key)
    second = stripe.Customer.create(email=email, idempotency_key=key)
    assert second.id == first.id
    assert second.last_response.headers["Idempotent-Replayed"] == "true"
    assert first.last_response.headers.get("Idempotent-Replayed", "false") == "false"
    assert first.last_response.headers["Idempotency-Key"] == key
    assert [c.id for c in stripe.Customer.list(email=email)] == [first.id]


def test_a_replay_returns_the_original_body():
    key = unique("idem-")
    first = stripe.Product.create(name="Replayed product", idempotency_key=key)
    second = stripe.Product.create(name="Replayed product", idempotency_key=key)
    assert second.to_dict() == first.to_dict()


def test_reusing_a_key_with_different_parameters_raises_idempotency_error():
    key = unique("idem-")
    stripe.Customer.create(email=unique_email(), idempotency_key=key)
    with pytest.raises(stripe.IdempotencyError) as raised:
        stripe.Customer.create(email=unique_email(), idempotency_key=key)
    error = raised.value
    assert error.http_status == 400
    assert error.json_body["error"]["type"] == "idempotency_error"
    assert key in error.user_message


def test_reusing_a_key_on_another_endpoint_raises_idempotency_error():
    key = unique("idem-")
    stripe.Customer.create(idempotency_key=key)
    with pytest.raises(stripe.IdempotencyError):
        stripe.Product.create(name="Other endpoint", idempotency_key=key)


def test_a_card_error_is_stored_and_replayed_for_the_same_key(customer):
    key = unique("idem-")
    for _ in range(2):
        with pytest.raises(stripe.CardError) as raised:
            stripe.PaymentMethod.attach("pm_card_visa_chargeDeclined", customer=customer.id, idempotency_key=key)
        assert raised.value.code == "card_declined"
    assert raised.value.headers.get("Idempotent-Replayed") == "true"


def test_a_request_rejected_by_parameter_validation_is_not_stored():
    # Stripe saves a result only once the endpoint started executing; failed validation can be retried.
    key = unique("idem-")
    with pytest.raises(stripe.InvalidRequestError):
        stripe.Customer.create(email=unique_email(), shoe_size="42", idempotency_key=key)
    fixed = stripe.Customer.create(email=unique_email(), idempotency_key=key)
    assert fixed.id.startswith("cus_")


def test_the_sdk_sends_an_automatic_key_on_every_post_and_portico_echoes_it():
    first = stripe.Customer.create(email=unique_email())
    second = stripe.Customer.create(email=unique_email())
    first_key = first.last_response.headers["Idempotency-Key"]
    second_key = second.last_response.headers["Idempotency-Key"]
    assert first_key and second_key and first_key != second_key
    assert first.id != second.id


def test_keys_on_get_requests_are_ignored(customer):
    key = unique("idem-")
    first = stripe.Customer.retrieve(customer.id, idempotency_key=key)
    other = stripe.Customer.create(email=unique_email())
    second = stripe.Customer.retrieve(other.id, idempotency_key=key)
    assert first.id == customer.id and second.id == other.id


def test_keys_are_scoped_to_the_account(connected_account):
    key = unique("idem-")
    platform = stripe.Customer.create(email=unique_email(), idempotency_key=key)
    connected = stripe.Customer.create(email=unique_email(), idempotency_key=key, stripe_account=connected_account)
    assert platform.id != connected.id


def test_concurrent_requests_with_one_key_create_one_object():
    # Whoever loses the race gets a 409 (which the SDK retries) or the replay; all see the same customer.
    key = unique("idem-")
    email = unique_email()
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        ids = list(pool.map(lambda _: stripe.Customer.create(email=email, idempotency_key=key).id, range(6)))
    assert len(set(ids)) == 1
    assert [c.id for c in stripe.Customer.list(email=email)] == ids[:1]


def test_the_sdk_retries_a_lost_response_with_the_same_key_and_gets_the_replay(flaky_proxy, monkeypatch):
    proxy = flaky_proxy(drop={1})
    monkeypatch.setattr(stripe, "api_base", proxy.url)
    email = unique_email()
    customer = stripe.Customer.create(email=email)  # default max_network_retries (2)
    posts = [r for r in proxy.seen if r["method"] == "POST"]
    assert len(posts) == 2
    assert posts[0]["idempotency_key"] and posts[0]["idempotency_key"] == posts[1]["idempotency_key"]
    assert posts[0]["status"] == 200
    assert posts[1]["headers"].get("idempotent-replayed") == "true"
    monkeypatch.undo()
    assert [c.id for c in stripe.Customer.list(email=email)] == [customer.id]


def test_the_stripe_client_retries_twice_and_creates_one_object(flaky_proxy):
    proxy = flaky_proxy(drop={1, 2})
    client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": proxy.url}, max_network_retries=2)
    name = unique("Retried product ")
    product = client.v1.products.create(params={"name": name})
    assert len(proxy.seen) == 3
    assert len({r["idempotency_key"] for r in proxy.seen}) == 1
    assert proxy.seen[2]["headers"].get("idempotent-replayed") == "true"
    assert product.name == name
    assert stripe.Product.retrieve(product.id).name == name


def test_a_retried_card_error_is_raised_once_the_replay_arrives(flaky_proxy, monkeypatch, customer):
    proxy = flaky_proxy(drop={1})
    monkeypatch.setattr(stripe, "api_base", proxy.url)
    with pytest.raises(stripe.CardError) as raised:
        stripe.PaymentMethod.attach("pm_card_visa_chargeDeclined", customer=customer.id)
    assert raised.value.code == "card_declined"
    assert [r["status"] for r in proxy.seen] == [402, 402]
    assert proxy.seen[1]["headers"].get("idempotent-replayed") == "true"
