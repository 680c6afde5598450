"""Activation with the real worker: jobs on the activation queue, callbacks, retries, sweeper, crashes."""
import pytest

from apps.network.models import NetworkOperation
from apps.network.selectors import observed_config_read, observed_configs_for_service
from apps.network.services import network_sim_fail, network_sim_latency
from apps.service_inventory.selectors import service_get
from apps.service_ordering.models import ActivationJob, ServiceOrder
from apps.service_ordering.models import CancelServiceOrder
from apps.service_ordering.services import service_order_cancel, service_order_submit
from bss.models import OutboxEvent

from .activation import THREE_ITEMS, cache_specs

pytestmark = pytest.mark.flows
PLATFORMS = {"fibre": "access_controller", "ip": "ipam", "cpe": "cpe_manager"}
TERMINAL = ("completed", "partial", "failed", "cancelled", "rejected")


def order_state(order_id):
    return ServiceOrder.objects.filter(pk=order_id).values_list("state", flat=True).first()


def ended(order_id):
    return order_state(order_id) in TERMINAL


def test_three_items_go_acknowledged_to_completed_with_active_services(worker, eventually):
    cache_specs()
    order = service_order_submit(external_id="flow-1", requester="com", items=THREE_ITEMS)
    assert order.state == "acknowledged"
    eventually(lambda: ended(order.pk), timeout=60, message="order did not end")
    assert order_state(order.pk) == "completed"
    for item in ServiceOrder.objects.get(pk=order.pk).items.all():
        service = service_get(service_id=item.service_id)
        assert (item.state, service.state) == ("completed", "active")
        assert service.characteristics == observed_config_read(platform=PLATFORMS[item.key],
                                                               service_id=item.service_id)["config"]
    # Each network change was applied once: one operation per step job, none twice.
    assert NetworkOperation.objects.count() == ActivationJob.objects.count() == 8


def test_cpe_platform_failing_fails_the_item_asks_for_fallout_and_leaves_nothing_half_built(worker,
                                                                                            eventually):
    cache_specs()
    network_sim_fail(platform="cpe_manager", rate=1.0, mode="error")
    order = service_order_submit(external_id="flow-2", requester="com", items=THREE_ITEMS)
    eventually(lambda: ended(order.pk), timeout=60, message="order did not end")
    assert order_state(order.pk) == "partial"
    items = {item.key: item for item in ServiceOrder.objects.get(pk=order.pk).items.all()}
    assert {key: item.state for key, item in items.items()} == {"fibre": "completed", "ip": "completed",
                                                                 "cpe": "failed"}
    cpe = items["cpe"]
    job = ActivationJob.objects.get(item=cpe)
    assert (job.step, job.state, job.attempts) == ("register_cpe", "failed", 5)
    fallout = OutboxEvent.objects.get(event_type="FalloutRequested")
    assert fallout.payload["kind"] == "stepExhausted"
    assert fallout.payload["item_key"] == "cpe"
    assert fallout.payload["context"]["attempts"] == 5
    assert fallout.payload["context"]["last_error"] == "cpe_manager: HTTP 503 service unavailable"
    assert observed_configs_for_service(service_id=cpe.service_id) == {}
    assert service_get(service_id=cpe.service_id).state == "terminated"


def test_cancel_in_flight_compensates_and_leaves_the_network_clean(worker, eventually):
    cache_specs()
    network_sim_latency(platform="access_controller", milliseconds=300)
    order = service_order_submit(external_id="flow-cancel", requester="com", items=THREE_ITEMS)
    eventually(lambda: ActivationJob.objects.filter(step="configure_olt").exists(), timeout=30,
               message="fibre did not get going")
    service_order_cancel(service_order_id=order.pk, reason="customer withdrew")
    eventually(lambda: ended(order.pk), timeout=60, message="order did not end")
    assert order_state(order.pk) == "cancelled"
    assert CancelServiceOrder.objects.get().state == "done"
    items = list(ServiceOrder.objects.get(pk=order.pk).items.all())
    assert {item.state for item in items} == {"cancelled"}
    fibre = next(item for item in items if item.key == "fibre")  # started, so built in part, then undone
    assert service_get(service_id=fibre.service_id).state == "terminated"
    assert observed_configs_for_service(service_id=fibre.service_id) == {}


@pytest.mark.chaos
def test_worker_killed_mid_step_every_order_ends_and_each_change_applies_once(worker, eventually):
    cache_specs()
    network_sim_latency(platform="access_controller", milliseconds=400)
    orders = [service_order_submit(external_id=f"flow-kill-{n}", requester="com", items=THREE_ITEMS)
              for n in range(3)]
    eventually(lambda: ActivationJob.objects.filter(state="running").exists(), timeout=30,
               message="no step started")
    worker.kill_hard()
    worker.start()
    for order in orders:
        eventually(lambda: ended(order.pk), timeout=90, message=f"order {order.pk} did not end")
        assert order_state(order.pk) == "completed"
    keys = list(NetworkOperation.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys)) == ActivationJob.objects.count() == 24
    for item in (i for order in orders for i in ServiceOrder.objects.get(pk=order.pk).items.all()):
        assert service_get(service_id=item.service_id).characteristics == observed_config_read(
            platform=PLATFORMS[item.key], service_id=item.service_id)["config"]
