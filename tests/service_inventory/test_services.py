"""Service inventory writes: the lifecycle state machine and activation's progressive updates."""
import pytest

from apps.service_inventory.choices import ServiceState
from apps.service_inventory.models import Service
from apps.service_inventory.services import (service_create, service_operating_status_set, service_progress,
                                             service_state_set)
from bss.errors import IllegalTransition, NotFound, ValidationFailed
from bss.models import OutboxEvent
from tests.service_ordering.fsm_matrix import assert_concurrent_transition_refused, assert_transition_matrix

S = ServiceState
SERVICE_TABLE = {
    "design": ({S.FEASIBILITY_CHECKED}, S.DESIGNED),
    "reserve": ({S.FEASIBILITY_CHECKED, S.DESIGNED}, S.RESERVED),
    "deactivate": ({S.DESIGNED, S.RESERVED, S.ACTIVE}, S.INACTIVE),
    "activate": ({S.DESIGNED, S.RESERVED, S.INACTIVE}, S.ACTIVE),
    "terminate": ({S.FEASIBILITY_CHECKED, S.DESIGNED, S.RESERVED, S.INACTIVE, S.ACTIVE}, S.TERMINATED),
}


def test_service_transitions():
    assert_transition_matrix(lambda state: Service(state=state), ServiceState.values, SERVICE_TABLE)


def test_concurrent_service_transitions_lose(db):
    service = service_create(spec_id="s", state="reserved")
    assert_concurrent_transition_refused(service, "activate", "terminate")


def test_progress_merges_configuration_and_resources_and_moves_state(db):
    service = service_create(spec_id="s", family="ip_address")
    service_progress(service_id=service.pk, state="reserved", characteristics={"ipv4_address": "10.0.0.2"},
                     supporting_resources=[{"id": "10.0.0.2", "name": "allocate_ip", "type": "IPAddress"}])
    service_progress(service_id=service.pk, state="active", characteristics={"routing": "static"},
                     supporting_resources=[{"id": "10.0.0.2", "name": "allocate_ip", "type": "IPAddress"}],
                     order_item={"service_order_id": "o", "item_id": "i", "action": "add"})
    service = Service.objects.get(pk=service.pk)
    assert service.state == "active"
    assert service.characteristics == {"ipv4_address": "10.0.0.2", "routing": "static"}
    assert service.supporting_resources == [{"id": "10.0.0.2", "name": "allocate_ip", "type": "IPAddress"}]
    assert service.order_items == [{"service_order_id": "o", "item_id": "i", "action": "add"}]
    assert service.has_started is True and service.start_date is not None
    states = [e.payload["state"] for e in OutboxEvent.objects.filter(event_type="ServiceStateChangeEvent")]
    assert states == ["reserved", "active"]


def test_going_back_is_refused_and_changes_nothing(db):
    service = service_create(spec_id="s", state="active")
    with pytest.raises(IllegalTransition):
        service_state_set(service=service, state="designed")
    assert Service.objects.get(pk=service.pk).state == "active"
    assert not OutboxEvent.objects.filter(event_type="ServiceStateChangeEvent").exists()


def test_operating_status_is_set_and_announced(db):
    service = service_create(spec_id="s", state="active")
    service_operating_status_set(service_id=service.pk, status="degraded", reason="drift")
    assert Service.objects.get(pk=service.pk).operating_status == "degraded"
    event = OutboxEvent.objects.get(event_type="ServiceAttributeValueChangeEvent")
    assert event.payload["operating_status"] == "degraded"
    with pytest.raises(ValidationFailed):
        service_operating_status_set(service_id=service.pk, status="on fire")
    with pytest.raises(NotFound):
        service_operating_status_set(service_id="6d9e7c2c-0000-0000-0000-000000000000", status="ok")
