"""TMF663 cart items with an installation address (product.place): stored, rendered, handed to the product order,
and re-checked at checkout against the free ports of the element that serves the address."""
import pytest

from apps.network.adapters import adapter_for
from apps.network.services import network_sim_async
from apps.product_ordering.models import ProductOrder, ProductOrderItem
from apps.service_qualification import demo as coverage_demo
from apps.service_qualification.models import GeographicAddress
from apps.shopping_cart.models import CartItem, ShoppingCart
from bss.models import OutboxEvent
from bss.testing import assert_tmf_error, post_json

CARTS = "/tmf-api/shoppingCart/v4/shoppingCart"
NEUSTADT_FULL = "no free port at OLT-NEU-01 (1 of 1 fibre ports in use)"


@pytest.fixture
def addresses(demo_catalog):
    """Demo coverage: Neustadt's fibre is served by OLT-NEU-01, which has a single port."""
    coverage_demo.seed()
    network_sim_async(platform="access_controller", enabled=False)
    return {city: str(GeographicAddress.objects.filter(city=city).first().pk)  # the first by street
            for city in GeographicAddress.objects.values_list("city", flat=True)}


def item(offering, place_id, item_id="1"):
    return {"id": item_id, "productOffering": {"id": str(offering.pk)},
            "product": {"place": [{"id": place_id, "role": "installationAddress"}]}}


def port(action, service_id="svc-other"):
    olt = adapter_for("access_controller")
    if action == "take":
        return olt.apply(idempotency_key=f"take-{service_id}", service_id=service_id,
                         params={"access_port": "$allocate", "serving_element": "OLT-NEU-01"})
    return olt.remove(idempotency_key=f"free-{service_id}", service_id=service_id, params={})


def test_the_place_is_stored_rendered_and_matches_the_official_schema(api, channel_a, demo_catalog, addresses):
    from tests.catalog_fixtures import tmf_schema_errors

    _, token = channel_a
    broadband = demo_catalog.offering("Home Broadband 500 Mbps")
    response = post_json(api, CARTS, {"cartItem": [item(broadband, addresses["Neustadt"])]}, token)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["cartItem"][0]["product"] == {
        "place": [{"id": addresses["Neustadt"], "role": "installationAddress", "@referredType": "GeographicAddress"}],
        "@type": "Product"}
    assert CartItem.objects.get().place_id == addresses["Neustadt"]
    assert tmf_schema_errors("TMF663-ShoppingCart-v4.0.0.swagger.json", "ShoppingCart", body) == []


def test_an_unknown_place_is_refused_and_nothing_is_stored(api, channel_a, demo_catalog, addresses):
    _, token = channel_a
    events = OutboxEvent.objects.count()
    body = assert_tmf_error(post_json(api, CARTS, {"cartItem": [
        item(demo_catalog.offering("Home Broadband 500 Mbps"), "0b7c5f6e-0000-4000-8000-000000000000")]}, token), 422)
    assert body["message"] == "cartItem[0]: place 0b7c5f6e-0000-4000-8000-000000000000 is not a known geographic address"
    assert (ShoppingCart.objects.count(), CartItem.objects.count(), OutboxEvent.objects.count()) == (0, 0, events)


def test_checkout_hands_the_place_to_the_product_order(api, channel_a, demo_catalog, addresses):
    _, token = channel_a
    cart = post_json(api, CARTS, {"cartItem": [item(demo_catalog.offering("Business Fiber 1 Gbps"),
                                                    addresses["Berlin"])]}, token).json()
    response = post_json(api, f"{CARTS}/{cart['id']}/checkout", {}, token)
    assert response.status_code == 200, response.json()
    order_item = ProductOrderItem.objects.get(order_id=response.json()["productOrder"]["id"])
    assert (order_item.item_id, order_item.place_id) == ("1", addresses["Berlin"])


def test_checkout_is_refused_while_the_element_serving_the_place_is_full(api, channel_a, demo_catalog, addresses):
    _, token = channel_a
    broadband, voip = demo_catalog.offering("Home Broadband 500 Mbps"), demo_catalog.offering("VoIP Line")
    cart = post_json(api, CARTS, {"cartItem": [item(broadband, addresses["Neustadt"], "bb"),
                                               item(voip, addresses["Neustadt"], "voice")]}, token).json()
    assert port("take").outcome == "done"
    events = OutboxEvent.objects.count()

    body = assert_tmf_error(post_json(api, f"{CARTS}/{cart['id']}/checkout", {}, token), 422)
    # Only the broadband's fibre access takes a port; VoIP rides on an access and is not limited.
    assert body["message"] == f"items no longer qualify: cartItem bb (Home Broadband 500 Mbps): {NEUSTADT_FULL}"
    assert ShoppingCart.objects.get(pk=cart["id"]).status == "active"
    assert (ProductOrder.objects.count(), OutboxEvent.objects.count()) == (0, events)

    assert port("free").outcome == "done"
    response = post_json(api, f"{CARTS}/{cart['id']}/checkout", {}, token)
    assert response.status_code == 200, response.json()
    assert list(ProductOrderItem.objects.order_by("position").values_list("item_id", "place_id")) == [
        ("bb", addresses["Neustadt"]), ("voice", addresses["Neustadt"])]
