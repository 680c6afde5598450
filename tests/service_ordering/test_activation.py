"""Activation end to end in one process: order → items → step jobs → network → TMF638, with events."""
from apps.network.selectors import observed_config_read
from apps.service_inventory.selectors import service_get
from apps.service_ordering.models import ActivationJob, ServiceOrder
from apps.service_ordering.services import service_order_submit
from bss.models import OutboxEvent

from .activation import THREE_ITEMS, drive


def test_three_items_complete_with_services_active_and_matching_the_network(specs):
    order = service_order_submit(external_id="po-1", requester="com", items=THREE_ITEMS)
    assert order.state == "acknowledged"
    drive()
    order = ServiceOrder.objects.get(pk=order.pk)
    assert order.state == "completed"
    items = {item.key: item for item in order.items.all()}
    assert {key: item.state for key, item in items.items()} == {"fibre": "completed", "ip": "completed",
                                                                 "cpe": "completed"}
    platforms = {"fibre": "access_controller", "ip": "ipam", "cpe": "cpe_manager"}
    for key, item in items.items():
        service = service_get(service_id=item.service_id)
        assert service.state == "active"
        assert service.characteristics == observed_config_read(platform=platforms[key],
                                                               service_id=item.service_id)["config"]
    assert service_get(service_id=items["fibre"].service_id).characteristics["bw_down_mbps"] == 1000
    assert service_get(service_id=items["ip"].service_id).supporting_services == [
        {"id": items["fibre"].service_id, "name": "fibre_access service", "type": "Service"}]
    assert service_get(service_id=items["fibre"].service_id).supporting_resources == [
        {"id": service_get(service_id=items["fibre"].service_id).characteristics["access_port"],
         "name": "reserve_port", "type": "AccessPort"},
        {"id": service_get(service_id=items["fibre"].service_id).characteristics["ont_serial"],
         "name": "activate_ont", "type": "ONT"}]
    steps = list(ActivationJob.objects.filter(item__key="fibre").values_list("step", "state", "attempts"))
    assert steps == [("reserve_port", "done", 1), ("configure_olt", "done", 1), ("activate_ont", "done", 1),
                     ("line_test", "done", 1)]
    states = list(OutboxEvent.objects.filter(event_type="ServiceOrderStateChangeEvent")
                  .values_list("payload__state", flat=True))
    assert states == ["inProgress", "completed"]
