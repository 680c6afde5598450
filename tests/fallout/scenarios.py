"""A real failed activation to work on: the demo IPTV spec, the IPTV platform refusing every call."""
from django.db import transaction


def failing_iptv_order(external_id: str = "ops-iptv-1"):
    """Seed the demo service catalog, make the IPTV platform refuse, submit a one-item service order (committed).

    With a worker running, activation fails the item and asks for fallout."""
    from apps.network.services import network_sim_fail
    from apps.service_catalog import demo as service_catalog_demo
    from apps.service_catalog.selectors import service_specification_by_name
    from apps.service_ordering.services import service_order_submit

    with transaction.atomic():
        service_catalog_demo.seed()
        network_sim_fail(platform="iptv_platform", rate=1.0, mode="reject")
        spec = service_specification_by_name(name="IPTV")
        return service_order_submit(external_id=external_id, requester="ops-tests", items=[{
            "key": "iptv", "action": "add", "service_spec_id": str(spec.pk), "service_spec_version": spec.version,
            "characteristics": {"channel_package": "premium"}, "service_id": None, "relies_on": [],
            "related_party_id": ""}])


def platforms_answer_at_once():
    """No platform calls back later: unit tests then drive the whole activation in their own process."""
    from apps.network.choices import Platform
    from apps.network.services import network_sim_async

    for platform in Platform.values:
        network_sim_async(platform=platform, enabled=False)


def service_order_state(service_order_id) -> str | None:
    from apps.service_ordering.selectors import service_order_get

    order = service_order_get(service_order_id=service_order_id)
    return order.state if order else None


ORDERING = "/tmf-api/productOrderingManagement/v4/productOrder"


def product_order_post(catalog, offering: str, characteristics: dict, customer: str = "Jane Doe") -> str:
    """A TMF622 productOrder POSTed by the demo channel for a demo customer (COM's demo rules seeded); its id."""
    import json

    from rest_framework.test import APIClient

    from apps.parties.models import BillingAccount, Party
    from apps.parties.services import token_issue
    from apps.product_ordering import demo as ordering_demo

    ordering_demo.seed()
    party = Party.objects.get(name=customer)
    body = {"relatedParty": [{"id": str(party.pk), "role": "customer", "@referredType": "Individual"}],
            "billingAccount": {"id": str(BillingAccount.objects.get(party=party).pk)},
            "productOrderItem": [{
                "id": "1", "action": "add", "productOffering": {"id": str(catalog.offering(offering).pk)},
                "product": {"productCharacteristic": [{"name": name, "value": value}
                                                      for name, value in characteristics.items()]}}]}
    response = APIClient().post(ORDERING, data=json.dumps(body), content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {token_issue(client_name='demo-channel').token}")
    assert response.status_code == 201, response.content
    return response.json()["id"]
