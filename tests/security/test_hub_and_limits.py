"""Hub callbacks cannot be aimed at the back office's own host or the cloud's metadata service (SSRF), and
every TMF write route refuses an oversized body (413) and a client past its budget (429) with a TMF error."""
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import threading

import pytest
from django.db import transaction

from bss import events
from bss.hub import listener_deliver
from bss.models import Delivery, HubSubscription, OutboxEvent
from bss.testing import Listener, assert_tmf_error, bearer, post_json

from .routes import tmf_routes

HUB = "/tmf-api/productOrderingManagement/v4/hub"
ORDERS = "/tmf-api/productOrderingManagement/v4/productOrder"
REFUSED_CALLBACKS = [
    "http://127.0.0.1:8000/admin/", "http://localhost/x", "http://[::1]/x", "http://127.9.9.9/x",
    "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/latest/", "http://100.100.100.200/x",
    "http://0.0.0.0:8000/x", "http://[::ffff:127.0.0.1]/x", "http://[fe80::1]/x", "http://224.0.0.1/x",
]


@pytest.fixture
def production_guard(settings):
    settings.BSS_HUB_ALLOW_LOCAL_CALLBACKS = False  # what config.settings.production has


@pytest.mark.parametrize("callback", REFUSED_CALLBACKS)
def test_production_refuses_a_listener_on_loopback_link_local_or_metadata(api, channel_a, production_guard, callback):
    _, token = channel_a

    body = assert_tmf_error(post_json(api, HUB, {"callback": callback}, token), 400, "INVALID_REQUEST")

    assert body["referenceError"] == "callback"
    assert "loopback, link-local or metadata" in body["message"]
    assert HubSubscription.objects.count() == 0


@pytest.mark.parametrize("callback", ["http://93.184.216.34/listener", "https://10.20.30.40:8443/tmf/listener"])
def test_production_accepts_a_listener_elsewhere(api, channel_a, production_guard, callback):
    _, token = channel_a

    response = post_json(api, HUB, {"callback": callback}, token)

    assert response.status_code == 201
    assert HubSubscription.objects.get().callback == callback


def test_the_guard_is_off_in_test_and_local_settings(api, channel_a, monkeypatch):
    """Their listeners (flow tests, bench/chaos.py) run on 127.0.0.1; production settings keep it on."""
    import importlib
    import sys

    monkeypatch.setenv("DJANGO_SECRET_KEY", "k3y-" + "0123456789abcdefghij" * 3)
    monkeypatch.setenv("ALLOWED_HOSTS", "example.org")
    monkeypatch.delenv("BSS_HUB_ALLOW_LOCAL_CALLBACKS", raising=False)
    for name in ("config.settings.local", "config.settings.production"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    local, production = (importlib.import_module(f"config.settings.{name}") for name in ("local", "production"))
    assert (local.BSS_HUB_ALLOW_LOCAL_CALLBACKS, production.BSS_HUB_ALLOW_LOCAL_CALLBACKS) == (True, False)
    _, token = channel_a
    assert post_json(api, HUB, {"callback": "http://127.0.0.1:9/listener"}, token).status_code == 201


def one_listener_delivery(callback: str) -> Delivery:
    subscription = HubSubscription.objects.create(api="tmf999", callback=callback)
    with transaction.atomic():
        events.event_emit(event_type="KitTestEvent", api="tmf999", resource_type="kitThing", resource_id="r1")
    return Delivery.objects.get(kind="listener", subscription=subscription)


def test_delivery_checks_again_and_dead_letters_a_refused_callback_without_calling_it(
        transactional_db, settings, django_capture_on_commit_callbacks):
    """A listener registered while allowed (or whose name resolves elsewhere since) is never called."""
    listener = Listener().start()
    try:
        with django_capture_on_commit_callbacks(execute=False):
            delivery = one_listener_delivery(listener.url)
        settings.BSS_HUB_ALLOW_LOCAL_CALLBACKS = False
        with django_capture_on_commit_callbacks(execute=False):
            assert listener_deliver(delivery_id=delivery.pk) == "dead"
    finally:
        listener.stop()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.delivered_at) == ("dead", 1, None)
    assert delivery.last_error == ("callback host 127.0.0.1 resolves to a loopback, link-local or metadata "
                                   "address (127.0.0.1)")
    assert listener.received == []
    assert OutboxEvent.objects.filter(event_type="DeliveryDeadLetteredEvent",
                                      payload__target=delivery.target).count() == 1


def test_delivery_does_not_follow_a_redirect(transactional_db, django_capture_on_commit_callbacks):
    """A listener answering 3xx could otherwise point the POST anywhere: it counts as a failed attempt."""
    target = Listener().start()
    redirects = []

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            redirects.append(self.path)
            self.send_response(307)
            self.send_header("Location", target.url)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with django_capture_on_commit_callbacks(execute=False):
            delivery = one_listener_delivery(f"http://127.0.0.1:{server.server_address[1]}/hook")
            assert listener_deliver(delivery_id=delivery.pk) == "pending"
    finally:
        server.shutdown()
        target.stop()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status, delivery.last_error) == (
        "pending", 1, 307, "HTTP 307")
    assert (redirects, target.received) == (["/hook"], [])


WRITES = [(route, method) for route in tmf_routes() for method in route.methods if method in ("POST", "PATCH")]


@pytest.mark.parametrize("route, method", WRITES, ids=[f"{m} {r}" for r, m in WRITES])
def test_every_write_route_refuses_an_oversized_body_with_413(api, channel_a, settings, route, method):
    """Before any parser or authentication runs (no token needed to be refused, nothing stored)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    _, token = channel_a
    body = json.dumps({"description": "x" * 1001})

    response = api.generic(method, route.url("4f1c2a0e-0000-4000-8000-000000000000"), data=body,
                           content_type="application/json", **bearer(token))

    assert_tmf_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert OutboxEvent.objects.count() == 0


def test_a_client_past_its_budget_gets_429_and_its_order_is_not_taken(api, channel_a, channel_b, monkeypatch):
    from django.core.cache import cache

    from apps.product_ordering.models import ProductOrder
    from bss.api.throttling import ClientRateThrottle

    cache.clear()
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "2/min"})
    (_, token_a), (_, token_b) = channel_a, channel_b
    order = {"productOrderItem": [{"id": "1", "action": "add"}]}
    try:
        codes = [post_json(api, ORDERS, order, token_a).status_code for _ in range(2)]
        refused = post_json(api, ORDERS, order, token_a)
        other_client = post_json(api, ORDERS, order, token_b)  # budgets are per client
    finally:
        cache.clear()

    assert codes == [201, 201]
    assert_tmf_error(refused, 429, "TOO_MANY_REQUESTS")
    assert int(refused["Retry-After"]) >= 1
    assert other_client.status_code == 201
    assert ProductOrder.objects.count() == 3
