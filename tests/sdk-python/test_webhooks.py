"""Webhook endpoints and signed event delivery, checked with a real local HTTP receiver and the SDK's own
signature verification: https://docs.stripe.com/webhooks. The server runs with retries compressed to seconds
(scripts/sdk-python)."""

import http.server
import json
import threading
import time

import pytest
import stripe

from conftest import unique_email


class Receiver:
    """An HTTP server on 127.0.0.1 that records every POST and answers 500 to the first `failures` of them."""

    def __init__(self, failures=0):
        self.received = []
        self.failures = failures
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                with receiver.lock:
                    failing = receiver.failures > 0
                    if failing:
                        receiver.failures -= 1
                    else:
                        receiver.received.append((self.headers, body))
                self.send_response(500 if failing else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self):
        with self.lock:
            return [json.loads(body) for _, body in self.received]

    def wait_for(self, predicate, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate(self.events()):
                return self.events()
            time.sleep(0.05)
        raise AssertionError(f"timed out; received {[e['type'] for e in self.events()]}")

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    made = []

    def make(failures=0):
        made.append(Receiver(failures))
        return made[-1]

    yield make
    for r in made:
        r.close()


@pytest.fixture
def endpoints():
    made = []

    def make(**params):
        made.append(stripe.WebhookEndpoint.create(**params))
        return made[-1]

    yield make
    for endpoint in made:
        stripe.WebhookEndpoint.delete(endpoint.id)


def mine(events, email):
    return [e for e in events if e["data"]["object"].get("email") == email]


def test_events_arrive_signed_and_verify_with_the_sdk(receiver, endpoints):
    hook = receiver()
    endpoint = endpoints(url=hook.url, enabled_events=["customer.created", "customer.updated"], description="local")
    assert endpoint.secret.startswith("whsec_") and endpoint.status == "enabled"
    assert "secret" not in stripe.WebhookEndpoint.retrieve(endpoint.id), "the secret is shown only at creation"

    email = unique_email()
    customer = stripe.Customer.create(email=email)
    stripe.Customer.modify(customer.id, name="Jenny")
    hook.wait_for(lambda events: len(mine(events, email)) == 2)
    for headers, body in hook.received:
        event = stripe.Webhook.construct_event(body, headers["Stripe-Signature"], endpoint.secret)
        assert event.type in ("customer.created", "customer.updated")
    with pytest.raises(stripe.SignatureVerificationError):
        headers, body = hook.received[0]
        stripe.Webhook.construct_event(body, headers["Stripe-Signature"], "whsec_wrong")
    kinds = [e["type"] for e in mine(hook.events(), email)]
    assert sorted(kinds) == ["customer.created", "customer.updated"]

    # Delivered events no longer count as pending.
    created = [e for e in mine(hook.events(), email) if e["type"] == "customer.created"][0]
    for _ in range(100):
        if stripe.Event.retrieve(created["id"]).pending_webhooks == 0:
            break
        time.sleep(0.05)
    assert stripe.Event.retrieve(created["id"]).pending_webhooks == 0


def test_a_failing_receiver_gets_every_event_once_it_recovers(receiver, endpoints):
    hook = receiver(failures=3)
    endpoints(url=hook.url, enabled_events=["customer.created"])
    emails = [unique_email() for _ in range(3)]
    for email in emails:
        stripe.Customer.create(email=email)
    events = hook.wait_for(lambda events: all(mine(events, email) for email in emails))
    time.sleep(1.5)  # nothing more comes: each event exactly once
    for email in emails:
        assert len(mine(hook.events(), email)) == 1


def test_enabled_events_filters_and_disabled_endpoints_receive_nothing(receiver, endpoints):
    invoices_only, everything, disabled = receiver(), receiver(), receiver()
    endpoints(url=invoices_only.url, enabled_events=["invoice.paid"])
    endpoints(url=everything.url, enabled_events=["*"])
    off = endpoints(url=disabled.url, enabled_events=["*"])
    off = stripe.WebhookEndpoint.modify(off.id, disabled=True)
    assert off.status == "disabled"

    email = unique_email()
    stripe.Customer.create(email=email)
    everything.wait_for(lambda events: mine(events, email))
    time.sleep(1)
    assert mine(invoices_only.events(), email) == []
    assert mine(disabled.events(), email) == []


def test_endpoint_parameters_and_errors(endpoints):
    endpoint = endpoints(url="https://example.com/hook", enabled_events=["*"], metadata={"team": "billing"})
    assert endpoint.object == "webhook_endpoint" and endpoint.metadata.to_dict() == {"team": "billing"}
    updated = stripe.WebhookEndpoint.modify(endpoint.id, enabled_events=["invoice.paid", "invoice.payment_failed"], description="")
    assert updated.enabled_events == ["invoice.paid", "invoice.payment_failed"] and updated.description is None
    assert endpoint.id in [e.id for e in stripe.WebhookEndpoint.list(limit=100).data]

    with pytest.raises(stripe.InvalidRequestError) as error:
        stripe.WebhookEndpoint.create(url="not a url", enabled_events=["*"])
    assert error.value.code == "url_invalid" and error.value.param == "url"
    with pytest.raises(stripe.InvalidRequestError) as error:
        stripe.WebhookEndpoint.create(url="https://example.com/hook", enabled_events=["Customer Created"])
    assert error.value.param == "enabled_events[0]"
    with pytest.raises(stripe.InvalidRequestError) as error:
        stripe.WebhookEndpoint.create(url="https://example.com/hook")
    assert error.value.code == "parameter_missing"
    with pytest.raises(stripe.InvalidRequestError) as error:
        stripe.WebhookEndpoint.retrieve("we_missing")
    assert error.value.http_status == 404

    gone = stripe.WebhookEndpoint.create(url="https://example.com/other", enabled_events=["*"])
    deleted = stripe.WebhookEndpoint.delete(gone.id)
    assert deleted.deleted is True
