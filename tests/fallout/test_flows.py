import pytest
from django.db import transaction

from apps.fallout.models import FalloutCase
from bss.events import event_emit


@pytest.mark.flows
def test_fallout_requested_opens_a_case_through_the_worker(celery_worker, eventually):
    with transaction.atomic():
        event_emit(event_type="FalloutRequested", resource_type="serviceOrder", resource_id="so-flow",
                   payload={"source": "activation", "kind": "stepExhausted", "summary": "apply timed out",
                            "service_order_id": "so-flow", "item_key": "k1"})

    case = eventually(lambda: FalloutCase.objects.filter(service_order_id="so-flow").first(), timeout=15)

    assert (case.source, case.kind, case.state, case.subject) == (
        "activation", "stepExhausted", "open", "service_order_id=so-flow|item_key=k1")


@pytest.mark.flows
def test_operator_redrives_a_failed_activation_after_the_fault_is_cleared(celery_worker, eventually):
    from apps.fallout.services import fallout_case_redrive
    from apps.network.services import network_sim_reset
    from apps.service_inventory.selectors import service_get
    from apps.service_ordering.selectors import service_order_get
    from bss.fsm import transition_history

    from .scenarios import failing_iptv_order, service_order_state

    order = failing_iptv_order()
    eventually(lambda: service_order_state(order.pk) == "failed", timeout=30, message="order did not fail")
    case = eventually(lambda: FalloutCase.objects.filter(service_order_id=str(order.pk)).first(), timeout=10)
    assert (case.source, case.kind, case.item_key, case.state) == ("activation", "stepFailed", "iptv", "open")

    network_sim_reset()
    fallout_case_redrive(case_id=case.pk, actor="olga", reason="IPTV platform back")

    eventually(lambda: service_order_state(order.pk) == "completed", timeout=30, message="order did not complete")
    case = eventually(lambda: FalloutCase.objects.filter(pk=case.pk, state="resolved").first(), timeout=10)
    item = service_order_get(service_order_id=order.pk).items.get()
    assert service_get(service_id=item.service_id).state == "active"
    assert list(transition_history(case).values_list("transition", "actor", "reason")) == [
        ("redrive", "olga", "IPTV platform back"), ("resolve", "system", "item completed")]
    # Activation logged the item's re-drive as the operator's, with the operator's reason.
    assert list(transition_history(item).filter(transition="redrive").values_list("actor", "reason")) == [
        ("olga", "IPTV platform back")]


@pytest.mark.flows
def test_a_dead_lettered_notification_becomes_a_case_and_recurs_when_redriven_too_early(celery_worker, eventually):
    from apps.fallout.services import fallout_delivery_redrive
    from bss.models import Delivery, HubSubscription

    HubSubscription.objects.create(api="tmf638", callback="http://127.0.0.1:9/listener")  # nobody listens there
    with transaction.atomic():
        event_emit(event_type="ServiceCreateEvent", api="tmf638", resource_type="service", resource_id="svc-dead",
                   payload={"service_id": "svc-dead", "state": "designed"})

    case = eventually(lambda: FalloutCase.objects.filter(source="notifications").first(), timeout=30)
    delivery = Delivery.objects.get(pk=case.delivery_id)
    assert (case.kind, delivery.state, delivery.attempts) == ("deliveryDeadLettered", "dead", delivery.max_attempts)
    assert case.summary.startswith("ServiceCreateEvent to ")

    fallout_delivery_redrive(delivery_id=delivery.pk, actor="olga", reason="listener should be back")

    case = eventually(lambda: FalloutCase.objects.filter(pk=case.pk, occurrences=2).first(), timeout=30)
    assert (case.state, case.assignee) == ("assigned", "olga")
    assert Delivery.objects.get(pk=delivery.pk).state == "dead"
