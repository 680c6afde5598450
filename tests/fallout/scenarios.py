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


def service_order_state(service_order_id) -> str | None:
    from apps.service_ordering.selectors import service_order_get

    order = service_order_get(service_order_id=service_order_id)
    return order.state if order else None
