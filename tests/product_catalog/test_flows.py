"""A catalog change reaches a TMF620 hub listener through the outbox and a real worker."""
import pytest

from apps.parties.testing import make_channel
from bss.testing import patch_merge, post_json
from tests.flows.test_platform_flows import listener  # noqa: F401 (fixture)

pytestmark = pytest.mark.flows
BASE = "/tmf-api/productCatalogManagement/v4/"


def test_listener_hears_create_then_state_change_with_the_tmf_body(api, celery_worker, listener, eventually):
    _, token = make_channel("catalog-writer", scopes=["tmf620.read", "tmf620.write"])
    wanted = "eventType=ProductOfferingCreateEvent,ProductOfferingStateChangeEvent"
    hub = post_json(api, BASE + "hub", {"callback": listener.url, "query": wanted}, token)
    assert hub.status_code == 201
    offering = post_json(api, BASE + "productOffering", {"name": "Heard"}, token).json()
    patch_merge(api, f"{BASE}productOffering/{offering['id']}", {"lifecycleStatus": "inTest"}, token)
    patch_merge(api, f"{BASE}productOffering/{offering['id']}", {"description": "not listened to"}, token)
    eventually(lambda: len(listener.received) >= 2, message="both events delivered")
    by_type = {envelope["eventType"]: envelope for envelope in listener.received}
    assert sorted(by_type) == ["ProductOfferingCreateEvent", "ProductOfferingStateChangeEvent"]
    created = by_type["ProductOfferingCreateEvent"]["event"]["productOffering"]
    assert (created["id"], created["name"]) == (offering["id"], "Heard")
    changed = by_type["ProductOfferingStateChangeEvent"]["event"]["productOffering"]
    assert changed["id"] == offering["id"]
