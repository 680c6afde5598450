"""COM with the real activation, service inventory and network simulator, on the shared real worker:
the order goes from TMF622 through service orders to TMF638 services and back to a TMF637 product."""
import os

import pytest

from apps.network.services import network_sim_fail
from apps.product_inventory.models import Product
from apps.product_ordering.models import ProductOrder, ServiceItem
from apps.service_inventory.selectors import service_get

from .conftest import ORDERING, order_body, outbox_is_quiet, post

pytestmark = pytest.mark.flows
TERMINAL = ("completed", "partial", "failed", "cancelled", "rejected")
# Activation's step retries without backoff here (the shared worker inherits it when these tests start it).
os.environ.setdefault("BSS_ACTIVATION_BACKOFF_SECONDS", "0")


@pytest.fixture
def real_worker(celery_worker, eventually):
    yield celery_worker
    try:
        eventually(outbox_is_quiet, timeout=45, interval=0.2)
    except AssertionError:
        pass


def state_of(order_id):
    return ProductOrder.objects.filter(pk=order_id).values_list("state", flat=True).first()


def place_and_wait(api, com, eventually, items=None, until=TERMINAL, **body):
    response = post(api, ORDERING + "productOrder", order_body(com, items=items, **body), com.token)
    assert response.status_code == 201
    order_id = response.json()["id"]
    eventually(lambda: state_of(order_id) in until, timeout=120, message=f"order did not reach {until}")
    return order_id


def activation_case(eventually):
    from apps.fallout.models import FalloutCase

    return eventually(lambda: FalloutCase.objects.filter(source="activation").first(), timeout=30,
                      message="no fallout case")


def test_business_fiber_is_delivered_end_to_end(api, com, real_worker, eventually, settings):
    settings.BSS_SERVICE_ORDERING_GATEWAY = "inprocess"
    order_id = place_and_wait(api, com, eventually)
    assert state_of(order_id) == "completed"
    product = Product.objects.get()
    assert product.status == "active"
    assert len(product.realizing_services) == 3
    assert {service_get(service_id=s["service_id"]).state for s in product.realizing_services} == {"active"}
    assert set(ServiceItem.objects.values_list("state", flat=True)) == {"completed"}


def test_a_failing_cpe_platform_holds_the_order_then_giving_up_leaves_it_partial(api, com, real_worker,
                                                                                  eventually, settings):
    from apps.fallout.services import fallout_case_cancel

    settings.BSS_SERVICE_ORDERING_GATEWAY = "inprocess"
    network_sim_fail(platform="cpe_manager", rate=1.0, mode="error")
    order_id = place_and_wait(api, com, eventually, until=("held",))
    case = activation_case(eventually)
    assert (case.kind, case.product_order_id) == ("stepExhausted", order_id)
    assert Product.objects.count() == 0
    fallout_case_cancel(case_id=case.pk, actor="olga", reason="no CPE for this customer")
    eventually(lambda: state_of(order_id) in TERMINAL, timeout=60, message="order did not end")
    assert state_of(order_id) == "partial"
    assert Product.objects.get().status == "pendingActive"
    cpe = ServiceItem.objects.get(optional=True)
    assert cpe.state == "failed"


def test_cancelling_while_activation_runs_cancels_the_order_end_to_end(api, com, real_worker, eventually):
    from apps.network.services import network_sim_latency
    from apps.product_ordering.models import CancelProductOrder

    network_sim_latency(platform="access_controller", milliseconds=3000)  # the access takes a while
    response = post(api, ORDERING + "productOrder", order_body(com), com.token)
    order_id = response.json()["id"]
    eventually(lambda: ServiceItem.objects.filter(state="submitted").count() == 3, timeout=30,
               message="not submitted")
    cancel = post(api, ORDERING + "cancelProductOrder", {"productOrder": {"id": order_id}}, com.token)
    assert cancel.status_code == 201
    eventually(lambda: state_of(order_id) in TERMINAL, timeout=120, message="order did not end")
    assert state_of(order_id) == "cancelled"
    assert CancelProductOrder.objects.get().state == "done"
    assert Product.objects.count() == 0


def fibre_at(com, city):
    """A Business Fiber item installed at a demo address (Berlin: OLT-BER-01, 64 ports; Neustadt: OLT-NEU-01, 1)."""
    from apps.service_qualification import demo as coverage_demo
    from apps.service_qualification.models import GeographicAddress

    coverage_demo.seed()
    address = GeographicAddress.objects.filter(city=city).first()
    return [{"id": "1", "action": "add", "productOffering": {"id": str(com.catalog.offering("Business Fiber 1 Gbps").pk)},
             "product": {"place": [{"id": str(address.pk), "role": "installationAddress"}]}}]


def test_business_fiber_at_an_address_takes_a_port_at_the_element_serving_it(api, com, real_worker, eventually,
                                                                                settings):
    from apps.network.models import PortAllocation
    from apps.network.selectors import serving_element_capacity

    settings.BSS_SERVICE_ORDERING_GATEWAY = "inprocess"
    items = fibre_at(com, "Berlin")
    order_id = place_and_wait(api, com, eventually, items=items)
    assert state_of(order_id) == "completed"
    fibre = ServiceItem.objects.get(service_spec_id=str(com.catalog.service_specs["Fibre Access"].pk))
    assert list(PortAllocation.objects.values_list("element__code", "port", "service_id")) == [
        ("OLT-BER-01", 1, fibre.service_id)]
    assert serving_element_capacity(element="OLT-BER-01")["free_ports"] == 63
    assert service_get(service_id=fibre.service_id).characteristics["access_port"] == "OLT-BER-01/1"


def test_business_fiber_where_the_element_is_full_fails_at_reserve_port_into_one_fallout_case(
        api, com, real_worker, eventually, settings):
    from apps.fallout.models import FalloutCase
    from apps.network.adapters import adapter_for
    from apps.network.models import ObservedConfig, PortAllocation

    settings.BSS_SERVICE_ORDERING_GATEWAY = "inprocess"
    items = fibre_at(com, "Neustadt")
    taken = adapter_for("access_controller").apply(idempotency_key="take", service_id="svc-other",
                                                   params={"access_port": "$allocate", "serving_element": "OLT-NEU-01"})
    assert taken.outcome == "pending"  # the port counts from acceptance; the worker completes it
    order_id = place_and_wait(api, com, eventually, items=items, until=("held",))
    # svc-other's port is an orphan to reconciliation, which may flag it meanwhile: count activation's cases.
    activation_case(eventually)
    case = FalloutCase.objects.get(source="activation")
    assert (case.kind, case.context["step"], case.context["last_error"]) == (
        "stepFailed", "reserve_port", "access_controller: no free port at OLT-NEU-01 (all 1 in use)")
    from apps.fallout.services import fallout_case_resolve

    fallout_case_resolve(case_id=case.pk, actor="olga", reason="no port at Neustadt: customer told")
    eventually(lambda: state_of(order_id) in TERMINAL, timeout=60, message="order did not end")
    assert state_of(order_id) == "failed"
    assert list(PortAllocation.objects.values_list("service_id", flat=True)) == ["svc-other"]
    assert ObservedConfig.objects.exclude(service_id="svc-other").count() == 0
    assert Product.objects.get().status == "aborted"



def test_a_rejecting_platform_holds_the_order_until_the_operator_re_drives_it_to_completion(
        api, com, real_worker, eventually, settings):
    """The operator's path end to end: one platform rejects → the product order is held with one fallout case →
    the fault is cleared and the case re-driven → product order completed, TMF637 product and TMF638 service
    active, the case resolved by the system."""
    from apps.fallout.models import FalloutCase
    from apps.fallout.services import fallout_case_act
    from apps.network.services import network_sim_reset
    from bss.models import OutboxEvent

    settings.BSS_SERVICE_ORDERING_GATEWAY = "inprocess"
    network_sim_fail(platform="voip_softswitch", rate=1.0, mode="reject")
    order_id = place_and_wait(api, com, eventually, offering="VoIP Line", characteristics={"codec": "G.722"},
                              until=("held",))
    case = activation_case(eventually)
    assert (case.kind, case.state, case.product_order_id) == ("stepFailed", "open", order_id)
    assert FalloutCase.objects.filter(state__in=("open", "assigned", "inProgress")).count() == 1
    order = ProductOrder.objects.get(pk=order_id)
    assert order.items.get().state == "held"
    assert order.state_reasons == [f"item 1: {com.catalog.service_specs['VoIP'].pk}: "
                                   "voip_softswitch: HTTP 422 request refused (in fallout)"]
    assert Product.objects.count() == 0

    network_sim_reset()
    fallout_case_act(case_id=case.pk, action="redrive", actor="olga", reason="softswitch answers again")

    eventually(lambda: state_of(order_id) == "completed", timeout=60, message="product order did not complete")
    product = Product.objects.get()
    assert product.status == "active"
    [service] = product.realizing_services
    assert service_get(service_id=service["service_id"]).state == "active"
    eventually(lambda: FalloutCase.objects.filter(pk=case.pk, state="resolved").exists(), timeout=15)
    assert ProductOrder.objects.get(pk=order_id).items.get().state == "completed"
    states = list(OutboxEvent.objects.filter(event_type="ProductOrderStateChangeEvent", resource_id=order_id)
                  .order_by("created_at", "id").values_list("payload__state", flat=True))
    assert states == ["inProgress", "held", "inProgress", "completed"]
