"""The installation address travels from TMF622 (productOrderItem.product.place) through COM's decomposition to
activation, which takes the access port at the element that serves the address (the element TMF645 checks)."""
import pytest

from apps.fallout.models import FalloutCase
from apps.fallout.services import fallout_case_cancel
from apps.network.adapters import adapter_for
from apps.network.models import ObservedConfig, PortAllocation
from apps.network.selectors import serving_element_capacity
from apps.product_inventory.models import Product
from apps.product_ordering.models import ProductOrder, ProductOrderItem, ServiceItem
from apps.service_inventory.selectors import service_get
from apps.service_ordering.models import ActivationJob, ServiceOrderItem
from apps.service_qualification import demo as coverage_demo
from apps.service_qualification.models import GeographicAddress
from bss.models import OutboxEvent
from bss.testing import assert_tmf_error

from tests.service_ordering.activation import drive

from .conftest import ORDERING, order_body, post
from .helpers import place, service_item, states

ORDERS = ORDERING + "productOrder"


@pytest.fixture
def addresses(com):
    """The demo coverage: Berlin is served by OLT-BER-01 (64 ports), Neustadt by OLT-NEU-01 (1 port)."""
    coverage_demo.seed()
    return {city: str(GeographicAddress.objects.filter(city=city).first().pk)  # the first by street
            for city in GeographicAddress.objects.values_list("city", flat=True)}


def fibre_item(com, place_id=None, **extra):
    product = {"productCharacteristic": []}
    if place_id:
        product["place"] = [{"id": place_id, "role": "installationAddress", "@referredType": "GeographicAddress"}]
    return {"id": "1", "action": "add", "product": product,
            "productOffering": {"id": str(com.catalog.offering("Business Fiber 1 Gbps").pk)}, **extra}


def free_ports(element):
    return serving_element_capacity(element=element)["free_ports"]


def take_the_port(element, service_id="svc-other"):
    result = adapter_for("access_controller").apply(idempotency_key=f"take-{service_id}", service_id=service_id,
                                                    params={"access_port": "$allocate", "serving_element": element})
    assert result.outcome in ("done", "pending")


# --- TMF622 and COM ------------------------------------------------------------------------------------------

def test_the_place_is_stored_and_rendered_as_the_installation_address(api, com, addresses):
    from tests.catalog_fixtures import tmf_schema_errors

    response = post(api, ORDERS, order_body(com, items=[fibre_item(com, addresses["Berlin"])]), com.token)
    assert response.status_code == 201
    body = response.json()
    assert body["productOrderItem"][0]["product"] == {
        "productCharacteristic": [],
        "place": [{"id": addresses["Berlin"], "role": "installationAddress", "@referredType": "GeographicAddress"}]}
    assert ProductOrderItem.objects.get().place_id == addresses["Berlin"]
    assert tmf_schema_errors("TMF622-ProductOrdering-v4.0.0.swagger.json", "ProductOrder", body) == []


def test_more_than_one_place_is_refused_and_nothing_is_stored(api, com, addresses):
    item = fibre_item(com, addresses["Berlin"])
    item["product"]["place"].append({"id": addresses["Neustadt"], "role": "deliveryAddress"})
    events = OutboxEvent.objects.count()
    error = assert_tmf_error(post(api, ORDERS, order_body(com, items=[item]), com.token), 400, "INVALID_REQUEST")
    assert error["referenceError"] == "productOrderItem.product.place"
    assert (ProductOrder.objects.count(), OutboxEvent.objects.count()) == (0, events)


def test_decomposition_gives_every_service_of_the_item_the_place(com, addresses, standin_gateway):
    order = place(com, [fibre_item(com, addresses["Berlin"])])
    access, ip, cpe = (service_item(order, com.catalog.service_specs[name])
                       for name in ("Fibre Access", "IP Address", "Managed CPE"))
    assert access.characteristics == {"bandwidth": "1G", "place_id": addresses["Berlin"]}
    assert ip.characteristics == {"ip_type": "static", "place_id": addresses["Berlin"]}
    assert cpe.characteristics == {"router_model": "Cisco C1111", "place_id": addresses["Berlin"]}
    assert states(order) == ("inProgress", {"1": "inProgress"})


def test_an_unknown_place_rejects_the_order_and_nothing_is_submitted(com, addresses, standin_gateway):
    order = place(com, [fibre_item(com, "0b7c5f6e-0000-4000-8000-000000000000")])
    assert states(order) == ("rejected", {"1": "rejected"})
    assert order.state_reasons == [
        "item 1: place 0b7c5f6e-0000-4000-8000-000000000000 is not a known geographic address"]
    assert ServiceItem.objects.count() == 0
    assert standin_gateway.calls == []


# --- with the real activation, in process (drive() does what the worker would) -----------------------------

@pytest.fixture
def activation(addresses, settings):
    settings.BSS_SERVICE_ORDERING_GATEWAY = "inprocess"
    return addresses


def order_and_drive(com, place_id):
    order = place(com, [fibre_item(com, place_id)])
    drive()
    return ProductOrder.objects.get(pk=order.pk)


def fibre_service_item(order):
    """Activation's fibre item of the service order COM placed for the order (external id "<order>:<item>:<n>")."""
    return ServiceOrderItem.objects.get(order__external_id__startswith=f"{order.pk}:", family="fibre_access")


def test_a_fibre_order_at_an_address_takes_a_port_at_the_element_serving_it(com, activation):
    assert free_ports("OLT-BER-01") == 64
    order = order_and_drive(com, activation["Berlin"])
    assert states(order) == ("completed", {"1": "completed"})
    fibre = fibre_service_item(order)
    assert fibre.family == "fibre_access"
    assert list(PortAllocation.objects.values_list("element__code", "port", "service_id")) == [
        ("OLT-BER-01", 1, fibre.service_id)]
    assert free_ports("OLT-BER-01") == 63
    assert free_ports("OLT-NEU-01") == 1
    reserve = ActivationJob.objects.get(item=fibre, step="reserve_port")
    assert reserve.params == {"access_port": "$allocate", "serving_element": "OLT-BER-01"}
    service = service_get(service_id=fibre.service_id)
    assert (service.characteristics["access_port"], service.characteristics["serving_element"],
            service.characteristics["place_id"]) == ("OLT-BER-01/1", "OLT-BER-01", activation["Berlin"])
    assert Product.objects.get().status == "active"


def test_a_full_element_fails_the_order_at_reserve_port_with_one_fallout_case(com, activation):
    take_the_port("OLT-NEU-01")
    assert free_ports("OLT-NEU-01") == 0
    order = order_and_drive(com, activation["Neustadt"])
    # The failure went to fallout: COM holds the order for the operator, who gives up (no port to be had).
    assert states(order) == ("held", {"1": "held"})
    assert Product.objects.count() == 0
    fallout_case_cancel(case_id=FalloutCase.objects.get().pk, actor="olga", reason="Neustadt has no free port")
    drive()
    order = ProductOrder.objects.get(pk=order.pk)
    assert states(order) == ("failed", {"1": "failed"})
    fibre = fibre_service_item(order)
    assert fibre.state == "failed"
    assert list(ActivationJob.objects.filter(item__order=fibre.order).values_list("step", "state", "attempts",
                                                                                  "last_error")) == [
        ("reserve_port", "failed", 1, "access_controller: no free port at OLT-NEU-01 (all 1 in use)")]
    case = FalloutCase.objects.get()
    assert (case.kind, case.context["step"]) == ("stepFailed", "reserve_port")
    # Nothing of this order is left configured: no port taken, no configuration on any platform, services gone.
    assert list(PortAllocation.objects.values_list("element__code", "service_id")) == [("OLT-NEU-01", "svc-other")]
    assert free_ports("OLT-NEU-01") == 0
    built = [item.service_id for item in ServiceOrderItem.objects.filter(order=fibre.order) if item.service_id]
    assert built == [fibre.service_id]
    assert service_get(service_id=fibre.service_id).state == "terminated"
    assert ObservedConfig.objects.exclude(service_id="svc-other").count() == 0
    assert sorted(ServiceOrderItem.objects.filter(order=fibre.order).values_list("state", flat=True)) == [
        "failed", "failed", "failed"]
    assert Product.objects.get().status == "aborted"


def test_an_order_without_a_place_takes_no_counted_port(com, activation):
    order = order_and_drive(com, None)
    assert states(order) == ("completed", {"1": "completed"})
    fibre = fibre_service_item(order)
    assert ActivationJob.objects.get(item=fibre, step="reserve_port").params == {"access_port": "$allocate"}
    assert PortAllocation.objects.count() == 0
    assert (free_ports("OLT-BER-01"), free_ports("OLT-NEU-01")) == (64, 1)



def test_a_re_drive_of_the_access_completes_the_order_with_the_parts_that_relied_on_it(com, activation):
    from apps.fallout.services import fallout_case_act
    from apps.network.services import network_sim_fail, network_sim_reset

    network_sim_fail(platform="access_controller", rate=1.0, mode="reject")
    order = order_and_drive(com, activation["Berlin"])
    # The access failed into a case; activation failed the IP and the CPE because they rely on it (no case).
    assert states(order) == ("held", {"1": "held"})
    assert sorted(ServiceItem.objects.values_list("state", flat=True)) == ["failed", "failed", "held"]
    case = FalloutCase.objects.get()
    assert (case.kind, case.context["step"]) == ("stepFailed", "reserve_port")
    network_sim_reset()
    fallout_case_act(case_id=case.pk, action="redrive", actor="olga", reason="access controller back")
    drive()
    order = ProductOrder.objects.get(pk=order.pk)
    assert states(order) == ("completed", {"1": "completed"})
    assert set(ServiceItem.objects.values_list("state", flat=True)) == {"completed"}
    assert order.items.get().attempts == 2  # the IP and the CPE went again, as a second service order
    product = Product.objects.get()
    assert product.status == "active"
    assert len(product.realizing_services) == 3
    assert {service_get(service_id=s["service_id"]).state for s in product.realizing_services} == {"active"}
    assert FalloutCase.objects.get().state == "resolved"
