"""The gateway's adapters: selection, the TMF641 HTTP client against a local server, and COM's TMF641 listener."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from apps.product_ordering.gateway import HttpGateway, InProcessGateway, gateway_get
from bss.errors import Unavailable
from bss.testing import assert_tmf_error, bearer

from .conftest import ORDERING, post
from .helpers import place, service_item, states


class FakeTMF641(ThreadingHTTPServer):
    """A local external activation system: records what it receives, answers 201 with an id."""

    def __init__(self, status=201):
        self.received, self.status = [], status
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.received.append((self.path, self.headers["Authorization"], body))
                payload = json.dumps({"id": "so-ext-1"}).encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/tmf-api/serviceOrdering/v4"


@pytest.fixture
def external():
    server = FakeTMF641()
    yield server
    server.shutdown()


def test_the_adapter_is_chosen_by_setting(settings):
    settings.BSS_SERVICE_ORDERING_GATEWAY = "inprocess"
    assert isinstance(gateway_get(), InProcessGateway)
    settings.BSS_SERVICE_ORDERING_GATEWAY = "http"
    assert isinstance(gateway_get(), HttpGateway)


def test_the_http_adapter_speaks_tmf641(external):
    gateway = HttpGateway(base_url=external.url, token="t0k")
    service_order_id = gateway.submit(external_id="po-1:1:1", requester="channel-1", items=[{
        "key": "k1", "action": "add", "service_spec_id": "spec-1", "service_spec_version": "1.0",
        "characteristics": {"bandwidth": "1G"}, "service_id": None, "relies_on": ["k0"]}])
    gateway.cancel(service_order_id="so-ext-1", reason="changed mind")
    gateway.compensate(service_order_id="so-ext-1", item_key="k1", reason="undo", service_id="svc-9")
    assert service_order_id == "so-ext-1"
    (path1, auth, order), (path2, _, cancel), (path3, _, undo) = external.received
    assert (path1, path2, path3, auth) == ("/tmf-api/serviceOrdering/v4/serviceOrder",
                                           "/tmf-api/serviceOrdering/v4/cancelServiceOrder",
                                           "/tmf-api/serviceOrdering/v4/serviceOrder", "Bearer t0k")
    assert order["externalId"] == "po-1:1:1"
    assert order["serviceOrderItem"] == [{
        "id": "k1", "action": "add", "@type": "ServiceOrderItem",
        "service": {"serviceSpecification": {"id": "spec-1", "version": "1.0"},
                    "serviceCharacteristic": [{"name": "bandwidth", "value": "1G"}]},
        "serviceOrderItemRelationship": [{"relationshipType": "reliesOn", "orderItem": {"itemId": "k0"}}]}]
    assert cancel == {"serviceOrder": {"id": "so-ext-1"}, "cancellationReason": "changed mind"}
    assert undo["serviceOrderItem"][0]["service"]["id"] == "svc-9"


def test_an_unreachable_or_failing_external_system_is_unavailable():
    with pytest.raises(Unavailable):
        HttpGateway(base_url="http://127.0.0.1:9", token="x").submit(external_id="e", requester="r", items=[])
    server = FakeTMF641(status=500)
    try:
        with pytest.raises(Unavailable):
            HttpGateway(base_url=server.url, token="x").cancel(service_order_id="s", reason="r")
    finally:
        server.shutdown()


def listener_event(order, com, states_by_spec):
    items = []
    for spec_name, state in states_by_spec.items():
        item = service_item(order, com.catalog.service_specs[spec_name])
        items.append({"id": item.key, "state": state, "service": {"id": f"svc-{spec_name}"}})
    submission = item.order_item.submissions.get()
    return {"eventType": "ServiceOrderStateChangeEvent",
            "event": {"serviceOrder": {"id": "so-ext-1", "externalId": submission.external_id, "state": "completed",
                                       "serviceOrderItem": items}}}


def test_the_listener_turns_tmf641_events_into_outcomes(api, com, db):
    from apps.parties.testing import make_channel

    order = place(com)
    _, activation_token = make_channel("external-activation", scopes=["tmf641.read", "tmf641.write"])
    url = ORDERING + "listener/serviceOrderEvent"
    body = listener_event(order, com, {"Fibre Access": "completed", "IP Address": "completed",
                                       "Managed CPE": "completed"})
    assert_tmf_error(post(api, url, body, com.token), 403)  # a channel cannot report outcomes
    assert states(order)[0] == "inProgress"
    assert post(api, url, body, activation_token).status_code == 204
    assert states(order) == ("completed", {"1": "completed"})
    assert_tmf_error(post(api, url, {"eventType": "ServiceOrderStateChangeEvent", "event": {}}, activation_token),
                     400)
    assert api.get(url, **bearer(activation_token)).status_code == 405


def test_the_listener_is_registered_on_the_external_hub(external, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.BSS_SERVICE_ORDERING_URL, settings.BSS_SERVICE_ORDERING_TOKEN = external.url, "t0k"
    out = StringIO()
    call_command("listen_to_service_ordering", "--public-url", "https://bss.example/", stdout=out)
    path, auth, body = external.received[0]
    assert (path, auth) == ("/tmf-api/serviceOrdering/v4/hub", "Bearer t0k")
    assert body == {"callback": "https://bss.example/tmf-api/productOrderingManagement/v4/listener/serviceOrderEvent",
                    "query": "eventType=ServiceOrderStateChangeEvent,ServiceOrderItemStateChangeEvent"}
    assert "hub id so-ext-1" in out.getvalue()
