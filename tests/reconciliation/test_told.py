"""COM and product inventory are told of drift by events (no worker: the subscribers run in this process)."""
import pytest

from apps.network.services import network_drift_heal, network_drift_inject
from apps.product_inventory.selectors import product_get
from apps.product_ordering.models import ProductOrder
from apps.reconciliation import services
from apps.reconciliation.models import DriftRecord
from apps.service_inventory.selectors import service_get
from bss.models import OutboxEvent
from tests.product_ordering.conftest import com, standin_gateway  # noqa: F401 (fixtures)
from tests.product_ordering.helpers import outcome, place

from .conftest import active_service, product_of, run_repairs


def order_for(com, service):  # noqa: F811
    """A VoIP order COM completed with this TMF638 service."""
    order = place(com, body_items=[{"id": "1", "action": "add",
                                    "productOffering": {"id": str(com.catalog.offering("VoIP Line").pk)},
                                    "product": {"productCharacteristic": [{"name": "phone_number",
                                                                           "value": "+431234"}]}}])
    return outcome(order, com.catalog.service_specs["VoIP"], "completed", service_id=str(service.pk))


def notes(order):
    return [(note["id"].rsplit(":", 1)[-1], note["author"], note["text"])
            for note in ProductOrder.objects.get(pk=order.pk).notes]


def test_com_notes_drift_on_the_order_that_built_the_service_once(com):  # noqa: F811
    service = active_service()
    order = order_for(com, service)
    assert order.state == "completed"
    network_drift_inject(service_id=str(service.pk), kind="config")

    services.reconcile_service(service_id=str(service.pk))
    run_repairs()
    run_repairs()  # redelivered events add nothing

    sid = str(service.pk)
    assert notes(order) == [("detected", "reconciliation", f"config drift on ipam for service {sid}: detected"),
                            ("repaired", "reconciliation", f"config drift on ipam for service {sid}: repaired")]
    assert ProductOrder.objects.get(pk=order.pk).state == "completed"
    assert OutboxEvent.objects.filter(event_type="ProductOrderAttributeValueChangeEvent",
                                      resource_id=str(order.pk)).count() == 2


def test_drift_on_a_service_no_order_built_notes_nothing(com):  # noqa: F811
    order = order_for(com, active_service())
    other = active_service()
    network_drift_inject(service_id=str(other.pk), kind="config")

    services.reconcile_service(service_id=str(other.pk))
    run_repairs()

    assert notes(order) == []


@pytest.mark.parametrize(("rule", "while_degraded"), [({}, "active"), ({"ip_address": "suspended"}, "suspended")])
def test_the_product_follows_degradation_and_recovery_by_the_service_inventory_event(db, settings, rule,
                                                                                     while_degraded):
    settings.BSS_PRODUCT_STATUS_ON_DEGRADED = rule
    service = active_service()
    product = product_of(service)
    network_drift_inject(service_id=str(service.pk), kind="degraded")
    run_repairs()  # the NetworkChangeEvent's check, then activation's first retry: the platform stays degraded

    drift = DriftRecord.objects.get(service_id=str(service.pk))
    assert (drift.kind, drift.state) == ("degraded", "repairing")
    assert (service_get(service_id=service.pk).operating_status, health(product)) == (
        "degraded", (while_degraded, [str(service.pk)]))

    network_drift_heal(service_id=str(service.pk))
    run_repairs()

    drift.refresh_from_db()
    assert drift.state == "repaired"  # healthy while activation was retrying: its repair is what settles
    assert (service_get(service_id=service.pk).operating_status, health(product)) == ("ok", ("active", []))


def health(product):
    product = product_get(product_id=product.pk)
    return product.status, product.degraded_services
