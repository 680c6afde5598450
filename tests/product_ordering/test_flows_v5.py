"""A Business Fiber order carried through TMF622 v5 end to end on a real worker: products read in TMF637 v5, services
in TMF638 v5, and a v5 listener hears v5 events, all validated against the official v5 specs."""
import pytest

from apps.product_ordering.models import ProductOrder
from bss.api.catalogue import SPEC_FILES
from bss.testing import Listener, bearer, post_json
from tests.contract.oas import v5_schema_errors

from .conftest import outbox_is_quiet

pytestmark = pytest.mark.flows
V5 = "/tmf-api/productOrderingManagement/v5/"


@pytest.fixture
def listener():
    started = Listener().start()
    yield started
    started.stop()


def test_business_fiber_through_v5_is_completed_with_products_and_services_in_v5(api, com, celery_worker, listener,
                                                                               eventually, settings):
    settings.BSS_SERVICE_ORDERING_GATEWAY = "inprocess"
    assert post_json(api, V5 + "hub", {"callback": listener.url, "@type": "Hub"}, com.token).status_code == 201
    body = {"@type": "ProductOrder", "billingAccount": {"id": str(com.account.pk), "@type": "BillingAccountRef"},
            "relatedParty": [{"@type": "RelatedPartyRefOrPartyRoleRef", "role": "customer", "partyOrPartyRole": {
                "@type": "PartyRef", "id": str(com.customer.pk), "@referredType": "Organization"}}],
            "productOrderItem": [{"id": "1", "action": "add", "@type": "ProductOrderItem", "productOffering": {
                "id": str(com.catalog.offering("Business Fiber 1 Gbps").pk), "@type": "ProductOfferingRef"}}]}
    created = post_json(api, V5 + "productOrder", body, com.token)
    assert created.status_code == 201, created.content[:500]
    order_id = created.json()["id"]
    eventually(lambda: ProductOrder.objects.get(pk=order_id).state in ("completed", "failed", "partial", "rejected"),
               timeout=120, message="order did not end")
    order = api.get(V5 + f"productOrder/{order_id}", **bearer(com.token)).json()
    assert order["state"] == "completed"
    assert v5_schema_errors(SPEC_FILES["tmf622-v5"], "ProductOrder", order) == []

    products = api.get("/tmf-api/productInventory/v5/product", **bearer(com.token)).json()
    assert [(p["status"], p["@type"]) for p in products] == [("active", "Product")]
    assert v5_schema_errors(SPEC_FILES["tmf637-v5"], "Product", products[0]) == []
    realizing = [ref["id"] for ref in products[0]["realizingService"]]
    assert len(realizing) == 3
    services = [api.get(f"/tmf-api/serviceInventory/v5/service/{sid}", **bearer(com.token)).json() for sid in realizing]
    assert [(s["state"], s["@type"]) for s in services] == [("active", "Service")] * 3
    assert [v5_schema_errors(SPEC_FILES["tmf638-v5"], "Service", s) for s in services] == [[]] * 3

    eventually(outbox_is_quiet, timeout=45, message="deliveries pending")
    heard = [e for e in listener.received if e["event"].get("productOrder", {}).get("id") == order_id]
    assert heard[0]["eventType"] == "ProductOrderCreateEvent"
    assert heard[-1]["event"]["productOrder"]["state"] == "completed"
    assert [v5_schema_errors(SPEC_FILES["tmf622-v5"], e["eventType"], e) for e in heard] == [[]] * len(heard)
