"""Every operator action through fallout_case_act, on real failed activation work (driven in this process):
the exact effect on the order and its items, and who and why on the case and on the owner's records."""
import pytest

from apps.fallout import services
from apps.fallout.models import FalloutCase
from apps.network.models import NetworkOperation
from apps.network.selectors import observed_configs_for_service
from apps.network.services import network_sim_async, network_sim_fail, network_sim_reset
from apps.service_inventory.selectors import service_get
from apps.service_ordering.models import ActivationJob, CancelServiceOrder, ServiceOrder, ServiceOrderItem
from apps.service_ordering.services import service_order_submit
from bss.errors import IllegalTransition
from bss.fsm import transition_history
from tests.service_ordering.activation import THREE_ITEMS, cache_specs, drive, item

from .scenarios import platforms_answer_at_once


@pytest.fixture
def activation(db):
    """Cached service specs and platforms that answer at once (no callbacks), so everything runs here."""
    cache_specs()
    platforms_answer_at_once()


def failed_cpe_order(external_id: str):
    """Fibre, IP and CPE; the CPE manager refuses, so the CPE item fails at its first step and a case opens."""
    network_sim_fail(platform="cpe_manager", rate=1.0, mode="reject")
    order = service_order_submit(external_id=external_id, requester="com", items=THREE_ITEMS)
    drive()
    return order, FalloutCase.objects.get(service_order_id=str(order.pk), item_key="cpe")


def states(order):
    return (ServiceOrder.objects.get(pk=order.pk).state,
            dict(ServiceOrderItem.objects.filter(order=order).values_list("key", "state")))


def case_log(case):
    return list(transition_history(case).values_list("transition", "actor", "reason"))


def test_skip_step_marks_the_failed_step_done_and_the_item_completes(activation):
    order, case = failed_cpe_order("act-skip")
    assert states(order) == ("partial", {"fibre": "completed", "ip": "completed", "cpe": "failed"})
    network_sim_reset()

    services.fallout_case_skip_step(case_id=case.pk, actor="olga", reason="registered by hand on the CPE manager")
    drive()

    assert states(order) == ("completed", {"fibre": "completed", "ip": "completed", "cpe": "completed"})
    cpe = ServiceOrderItem.objects.get(order=order, key="cpe")
    skipped = ActivationJob.objects.get(item=cpe, step="register_cpe")
    assert (cpe.run, skipped.state, skipped.response) == (1, "done", {"skipped_by": "operator"})
    assert service_get(service_id=cpe.service_id).state == "active"
    # Activation logged the skip and the restart as the operator's, with the operator's reason.
    assert list(transition_history(skipped).filter(transition="skip").values_list("actor", "reason")) == [
        ("olga", "registered by hand on the CPE manager")]
    assert list(transition_history(cpe).filter(transition="redrive").values_list("actor", "reason")) == [
        ("olga", "registered by hand on the CPE manager")]
    case = FalloutCase.objects.get(pk=case.pk)
    assert (case.state, case.assignee, case.last_action) == ("resolved", "olga", "skip_step")
    assert case_log(case) == [("skip_step", "olga", "registered by hand on the CPE manager"),
                              ("resolve", "system", "item completed")]


def test_compensate_undoes_a_completed_item(activation):
    # A case about an item that did complete (e.g. the customer's router went to the wrong site): any context
    # may open one; the operator rolls the item back.
    order = service_order_submit(external_id="act-comp", requester="com", items=THREE_ITEMS)
    drive()
    cpe = ServiceOrderItem.objects.get(order=order, key="cpe")
    case = services.fallout_case_open(source="activation", kind="wrongSite", summary="router at the wrong site",
                                      service_order_id=str(order.pk), item_key="cpe")

    services.fallout_case_compensate(case_id=case.pk, actor="olga", reason="customer returned the router")
    drive()

    assert states(order) == ("partial", {"fibre": "completed", "ip": "completed", "cpe": "cancelled"})
    cpe.refresh_from_db()
    assert (cpe.outcome, cpe.error) == ("cancelled", "customer returned the router")
    assert observed_configs_for_service(service_id=cpe.service_id) == {}
    assert service_get(service_id=cpe.service_id).state == "terminated"
    assert list(transition_history(cpe).filter(transition="compensate").values_list("actor", flat=True)) == [
        "olga"]
    case = FalloutCase.objects.get(pk=case.pk)
    assert (case.state, case.assignee, case.last_action) == ("inProgress", "olga", "compensate")
    assert case_log(case) == [("compensate", "olga", "customer returned the router")]


def test_cancel_order_cancels_the_service_order_still_running(activation):
    # The CPE fails while the VoIP line waits on its softswitch's callback: the order is still in progress.
    network_sim_fail(platform="cpe_manager", rate=1.0, mode="reject")
    network_sim_async(platform="voip_softswitch", enabled=True)
    order = service_order_submit(external_id="act-cancel", requester="com", items=[
        item("cpe", "managed_cpe", {"cpeModel": "FritzBox 7590", "wifi": True}), item("voip", "voip", {"lines": 2})])
    drive_without_callbacks()
    assert states(order) == ("inProgress", {"cpe": "failed", "voip": "pendingExternal"})
    case = FalloutCase.objects.get(service_order_id=str(order.pk), item_key="cpe")

    services.fallout_case_cancel_order(case_id=case.pk, actor="olga", reason="customer withdrew the order")
    drive()  # the softswitch answers; the finished VoIP step is then undone

    # The VoIP line is undone; the order ends failed, not cancelled, since the CPE had already failed.
    assert states(order) == ("failed", {"cpe": "failed", "voip": "cancelled"})
    task = CancelServiceOrder.objects.get(service_order=order)
    assert (task.state, task.reason, task.error_message) == (
        "terminatedWithError", "customer withdrew the order", "the order ended failed")
    voip = ServiceOrderItem.objects.get(order=order, key="voip")
    assert observed_configs_for_service(service_id=voip.service_id) == {}
    order = ServiceOrder.objects.get(pk=order.pk)
    assert list(transition_history(order).filter(transition="request_cancellation")
                .values_list("actor", "reason")) == [("olga", "customer withdrew the order")]
    case = FalloutCase.objects.get(pk=case.pk)
    assert (case.state, case.assignee, case.last_action) == ("inProgress", "olga", "cancel_order")
    assert case_log(case) == [("cancel_order", "olga", "customer withdrew the order")]


def test_cancel_order_of_a_product_order_case_asks_com_to_cancel_it(placed_product_order):
    case = services.fallout_case_open(source="ordering", kind="order_stalled", summary="no progress",
                                      product_order_id=placed_product_order)

    services.fallout_case_cancel_order(case_id=case.pk, actor="olga", reason="stalled for a day")

    from apps.product_ordering.models import CancelProductOrder, ProductOrder

    order = ProductOrder.objects.get(pk=placed_product_order)
    task = CancelProductOrder.objects.get(order=order)
    assert (order.state, order.cancellation_reason) == ("assessingCancellation", "stalled for a day")
    assert (task.state, task.cancellation_reason) == ("acknowledged", "stalled for a day")
    assert list(transition_history(order).filter(transition="assess_cancellation")
                .values_list("actor", "reason")) == [("olga", "stalled for a day")]
    assert case_log(FalloutCase.objects.get(pk=case.pk)) == [("cancel_order", "olga", "stalled for a day")]


def test_an_action_activation_refuses_changes_neither_the_item_nor_the_case(activation):
    order, case = failed_cpe_order("act-refused")
    jobs = list(ActivationJob.objects.values_list("pk", "state"))

    with pytest.raises(IllegalTransition):
        services.fallout_case_compensate(case_id=case.pk, actor="olga", reason="undo it")

    assert states(order) == ("partial", {"fibre": "completed", "ip": "completed", "cpe": "failed"})
    assert list(ActivationJob.objects.values_list("pk", "state")) == jobs
    assert (FalloutCase.objects.get(pk=case.pk).state, case_log(case)) == ("open", [])


def drive_without_callbacks(rounds: int = 50):
    """What the worker does, while platforms with callbacks stay silent."""
    from apps.service_ordering.services import activation_job_run, service_order_start
    from bss.testing import outbox_drain

    for _ in range(rounds):
        moved = outbox_drain()
        for order_id in ServiceOrder.objects.filter(state="acknowledged").values_list("pk", flat=True):
            service_order_start(service_order_id=order_id)
            moved += 1
        for job_id in ActivationJob.objects.filter(state="pending").values_list("pk", flat=True):
            moved += activation_job_run(job_id=job_id) != "skipped"
        if not moved:
            break
    assert NetworkOperation.objects.filter(state="pending").exists()  # a callback is still to come
