"""The official stripe-python SDK, unmodified, pointed at a running Portico.

`scripts/sdk-python` starts the server and exports PORTICO_URL and PORTICO_SECRET_KEY. Both client styles are
configured: the module-global one (`stripe.Customer.create(...)`) and `stripe.StripeClient`. Network retries are
left at the SDK's default, because retrying with the same idempotency key is part of what is tested.
"""

import http.client
import http.server
import os
import threading
import urllib.parse
import uuid

import pytest
import stripe

PORTICO_URL = os.environ["PORTICO_URL"]
SECRET_KEY = os.environ["PORTICO_SECRET_KEY"]

stripe.api_key = SECRET_KEY
stripe.api_base = PORTICO_URL


def unique(prefix="x"):
    """A short value no other test uses, so tests can filter their own data out of shared lists."""
    return f"{prefix}{uuid.uuid4().hex[:12]}"


def unique_email():
    return f"{unique('sdk')}@example.com"


@pytest.fixture
def client():
    """The StripeClient style, against the same server."""
    return stripe.StripeClient(SECRET_KEY, base_addresses={"api": PORTICO_URL})


@pytest.fixture
def customer():
    return stripe.Customer.create(email=unique_email(), name="Jenny Rosen")


@pytest.fixture
def connected_account():
    # Standard accounts are the only type Stripe creates without requesting capabilities.
    account = stripe.Account.create(type="standard", country="US", email=unique_email())
    return account.id


@pytest.fixture
def product():
    return stripe.Product.create(name=f"Plan {unique()}")


class FlakyProxy:
    """An HTTP proxy in front of Portico that lets chosen requests reach the server and then drops the
    connection without answering, as a network failure after the server did the work would.

    `drop` is the set of request numbers (1-based) to drop. `seen` records, for every request, the method,
    path, Idempotency-Key, the status Portico answered with and Portico's response headers.
    """

    def __init__(self, drop):
        self.drop = set(drop)
        self.seen = []
        self._lock = threading.Lock()
        target = urllib.parse.urlsplit(PORTICO_URL)
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                payload = response.read()
                upstream.close()
                with proxy._lock:
                    number = len(proxy.seen) + 1
                    proxy.seen.append(
                        {
                            "method": self.command,
                            "path": self.path,
                            "idempotency_key": self.headers.get("Idempotency-Key"),
                            "status": response.status,
                            "headers": {k.lower(): v for k, v in response.getheaders()},
                        }
                    )
                if number in proxy.drop:
                    # The server did the work; the client never hears about it.
                    self.close_connection = True
                    return
                self.send_response_only(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = _forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def flaky_proxy():
    proxies = []

    def make(drop):
        proxy = FlakyProxy(drop)
        proxies.append(proxy)
        return proxy

    yield make
    for proxy in proxies:
        proxy.close()
