"""TMF663 shopping carts: create/list/get/patch/delete, pricing to the cent, isolation, checkout into COM."""
from decimal import Decimal

import pytest
from django_fsm import TransitionNotAllowed, can_proceed

from apps.product_catalog.services import product_offering_update
from apps.product_ordering.models import ProductOrder
from apps.shopping_cart import services
from apps.shopping_cart.choices import CartStatus
from apps.shopping_cart.models import CartItem, ShoppingCart
from apps.shopping_cart.pricing import cart_totals
from bss.models import OutboxEvent
from bss.testing import assert_tmf_error, bearer, patch_merge, post_json

CARTS = "/tmf-api/shoppingCart/v4/shoppingCart"


def item(offering, **extra):
    return {"productOffering": {"id": str(offering.pk)}, **extra}


def money(price, key):
    return price["price"][key]["value"]


@pytest.mark.parametrize("state, allowed", [(CartStatus.ACTIVE, True), (CartStatus.CHECKED_OUT, False)])
def test_check_out_transition_matrix(state, allowed):
    cart = ShoppingCart(status=state)
    if allowed:
        cart.check_out()
        assert cart.status == CartStatus.CHECKED_OUT
    else:
        assert not can_proceed(cart.check_out)
        with pytest.raises(TransitionNotAllowed):
            cart.check_out()
        assert cart.status == state


def test_minimal_cart_is_created_with_a_30_day_validity(api, channel_a):
    party, token = channel_a
    response = post_json(api, CARTS, {}, token)
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == body["href"]
    assert body["@type"] == "ShoppingCart"
    assert body["status"] == "active"
    assert "cartItem" not in body or body["cartItem"] == []
    cart = ShoppingCart.objects.get(pk=body["id"])
    assert cart.owner == party
    assert (cart.valid_to - cart.valid_from).days == 30
    assert OutboxEvent.objects.filter(event_type="ShoppingCartCreateEvent", resource_id=str(cart.pk),
                                      api="tmf663", owner_party_id=str(party.pk)).count() == 1


def test_cart_is_priced_from_the_catalog_to_the_cent(api, channel_a, demo_catalog):
    _, token = channel_a
    broadband, iptv = demo_catalog.offering("Home Broadband 500 Mbps"), demo_catalog.offering("IPTV Basic")
    response = post_json(api, CARTS, {"cartItem": [
        item(broadband, id="1", product={"productCharacteristic": [{"name": "bandwidth", "value": "500M"}]}),
        item(iptv, id="2", quantity=2)]}, token)
    assert response.status_code == 201, response.json()
    body = response.json()
    first, second = body["cartItem"]
    assert first["productOffering"]["version"] == broadband.version
    assert [(p["priceType"], money(p, "dutyFreeAmount"), money(p, "taxIncludedAmount")) for p in first["itemPrice"]] \
        == [("oneTime", 49.0, 58.8), ("recurring", 39.99, 47.99)]
    assert [(money(p, "dutyFreeAmount"), money(p, "taxIncludedAmount")) for p in second["itemTotalPrice"]] \
        == [(19.98, 23.98)]
    totals = {(p["priceType"], p.get("recurringChargePeriod")): (money(p, "dutyFreeAmount"),
                                                                  money(p, "taxIncludedAmount"))
              for p in body["cartTotalPrice"]}
    assert totals == {("recurring", "month"): (59.97, 71.97), ("oneTime", None): (49.0, 58.8)}
    cart = ShoppingCart.objects.get(pk=body["id"])
    assert [(t["price_type"], t["amount"], t["amount_with_tax"]) for t in cart_totals(cart.items.all())] == [
        ("recurring", Decimal("59.97"), Decimal("71.97")), ("oneTime", Decimal("49.00"), Decimal("58.80"))]


def test_unknown_offering_or_bad_characteristic_is_refused_and_nothing_is_stored(api, channel_a, demo_catalog):
    _, token = channel_a
    broadband = demo_catalog.offering("Home Broadband 500 Mbps")
    body = assert_tmf_error(post_json(api, CARTS, {"cartItem": [{"productOffering": {"id": "nope"}}]}, token), 422)
    assert "unknown product offering nope" in body["message"]
    body = assert_tmf_error(post_json(api, CARTS, {"cartItem": [item(
        broadband, product={"productCharacteristic": [{"name": "bandwidth", "value": "10G"}]})]}, token), 422)
    assert "bandwidth" in body["message"]
    assert_tmf_error(post_json(api, CARTS, {"cartItem": [{"quantity": 0}]}, token), 400)
    assert_tmf_error(post_json(api, CARTS, {"cartItem": "x"}, token), 400)
    assert ShoppingCart.objects.count() == 0
    assert CartItem.objects.count() == 0


def test_list_get_fields_and_isolation(api, channel_a, channel_b):
    _, token_a = channel_a
    _, token_b = channel_b
    mine = post_json(api, CARTS, {}, token_a).json()
    post_json(api, CARTS, {}, token_b)
    response = api.get(CARTS, **bearer(token_a))
    assert response.status_code == 200
    assert [c["id"] for c in response.json()] == [mine["id"]]
    assert response["X-Total-Count"] == "1"
    assert api.get(f"{CARTS}?fields=id", **bearer(token_a)).json() == [
        {"id": mine["id"], "href": mine["href"], "@type": "ShoppingCart"}]
    assert api.get(f"{CARTS}/{mine['id']}", **bearer(token_a)).json()["id"] == mine["id"]
    assert_tmf_error(api.get(f"{CARTS}/{mine['id']}", **bearer(token_b)), 404)
    assert_tmf_error(patch_merge(api, f"{CARTS}/{mine['id']}", {"cartItem": []}, token_b), 404)
    assert_tmf_error(api.delete(f"{CARTS}/{mine['id']}", **bearer(token_b)), 404)
    assert_tmf_error(api.get(f"{CARTS}/not-a-uuid", **bearer(token_a)), 404)
    assert ShoppingCart.objects.count() == 2


def test_patch_replaces_items_and_delete_removes(api, channel_a, demo_catalog):
    _, token = channel_a
    cart = post_json(api, CARTS, {}, token).json()
    response = patch_merge(api, f"{CARTS}/{cart['id']}",
                           {"cartItem": [item(demo_catalog.offering("VoIP Line"), quantity=3)]}, token)
    assert response.status_code == 200, response.json()
    assert response.json()["cartItem"][0]["quantity"] == 3
    assert [p["price"]["dutyFreeAmount"]["value"] for p in response.json()["cartTotalPrice"]] == [44.97]
    assert_tmf_error(patch_merge(api, f"{CARTS}/{cart['id']}", {"status": "checkedOut"}, token), 400)
    assert ShoppingCart.objects.get(pk=cart["id"]).status == "active"
    assert api.delete(f"{CARTS}/{cart['id']}", **bearer(token)).status_code == 204
    assert not ShoppingCart.objects.filter(pk=cart["id"]).exists()


def test_checkout_submits_a_product_order_and_links_it(api, channel_a, demo_catalog):
    party, token = channel_a
    broadband, iptv = demo_catalog.offering("Home Broadband 500 Mbps"), demo_catalog.offering("IPTV Basic")
    cart = post_json(api, CARTS, {"cartItem": [item(broadband, id="bb"), item(iptv, id="tv")]}, token).json()
    response = post_json(api, f"{CARTS}/{cart['id']}/checkout", {}, token)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "checkedOut"
    order = ProductOrder.objects.get(pk=body["productOrder"]["id"])
    assert order.owner == party
    assert order.external_id == f"shoppingCart:{cart['id']}"
    assert [(i.item_id, i.offering_id, i.offering_version) for i in order.items.order_by("position")] == [
        ("bb", str(broadband.pk), broadband.version), ("tv", str(iptv.pk), iptv.version)]
    # a second checkout is refused and makes no second order
    assert_tmf_error(post_json(api, f"{CARTS}/{cart['id']}/checkout", {}, token), 409)
    assert ProductOrder.objects.count() == 1
    assert_tmf_error(patch_merge(api, f"{CARTS}/{cart['id']}", {"cartItem": []}, token), 409)


def test_checkout_bills_the_account_its_body_names(api, channel_a, demo_catalog):
    _, token = channel_a
    broadband = demo_catalog.offering("Home Broadband 500 Mbps")
    billed, unbilled = (post_json(api, CARTS, {"cartItem": [item(broadband, id="bb")]}, token).json()
                        for _ in range(2))
    assert post_json(api, f"{CARTS}/{billed['id']}/checkout", {"billingAccount": {"id": "acct-7"}},
                     token).status_code == 200
    assert post_json(api, f"{CARTS}/{unbilled['id']}/checkout", {}, token).status_code == 200
    assert sorted(ProductOrder.objects.values_list("external_id", "billing_account_id")) == sorted([
        (f"shoppingCart:{billed['id']}", "acct-7"), (f"shoppingCart:{unbilled['id']}", "")])


def test_checkout_with_a_malformed_billing_account_is_refused_and_orders_nothing(api, channel_a, demo_catalog):
    _, token = channel_a
    cart = post_json(api, CARTS, {"cartItem": [item(demo_catalog.offering("Home Broadband 500 Mbps"), id="bb")]},
                     token).json()
    assert_tmf_error(post_json(api, f"{CARTS}/{cart['id']}/checkout", {"billingAccount": "acct-7"}, token), 400)
    assert ProductOrder.objects.count() == 0
    assert api.get(f"{CARTS}/{cart['id']}", **bearer(token)).json()["status"] == "active"


def test_checkout_refuses_an_offering_retired_since_it_was_added(api, channel_a, demo_catalog):
    _, token = channel_a
    broadband, voip = demo_catalog.offering("Home Broadband 500 Mbps"), demo_catalog.offering("VoIP Line")
    cart = post_json(api, CARTS, {"cartItem": [item(broadband, id="bb"), item(voip, id="voice")]}, token).json()
    product_offering_update(offering=voip, lifecycle_status="retired")
    body = assert_tmf_error(post_json(api, f"{CARTS}/{cart['id']}/checkout", {}, token), 422)
    assert body["message"] == "items no longer qualify: cartItem voice (VoIP Line): VoIP Line v1.0 is retired, " \
                              "not sellable"
    assert ProductOrder.objects.count() == 0
    assert ShoppingCart.objects.get(pk=cart["id"]).status == "active"


def test_checkout_of_an_empty_or_expired_cart_is_refused(api, channel_a, demo_catalog):
    party, token = channel_a
    empty = post_json(api, CARTS, {}, token).json()
    assert_tmf_error(post_json(api, f"{CARTS}/{empty['id']}/checkout", {}, token), 422)
    cart = services.shopping_cart_create(owner=party, attributes={}, items=[
        {"offering_id": str(demo_catalog.offering("VoIP Line").pk)}])
    ShoppingCart.objects.filter(pk=cart.pk).update(valid_to="2020-01-01T00:00:00Z")
    body = assert_tmf_error(post_json(api, f"{CARTS}/{cart.pk}/checkout", {}, token), 422)
    assert "expired" in body["message"]
    assert ProductOrder.objects.count() == 0


def test_cart_matches_the_official_schema(api, channel_a, demo_catalog):
    from tests.catalog_fixtures import tmf_schema_errors

    _, token = channel_a
    body = post_json(api, CARTS, {"cartItem": [item(demo_catalog.offering("Home Broadband 500 Mbps"))]}, token).json()
    assert tmf_schema_errors("TMF663-ShoppingCart-v4.0.0.swagger.json", "ShoppingCart", body) == []
