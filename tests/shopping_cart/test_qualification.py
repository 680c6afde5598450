"""TMF663 carts and TMF679: a cart item references the qualification item it passed, and checkout re-runs TMF679's
eligibility rules over the whole cart and re-checks those references; a refusal orders nothing."""
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.parties.choices import PartyKind, Segment
from apps.parties.services import party_get_or_create
from apps.product_ordering.models import ProductOrder, ProductOrderItem
from apps.product_qualification import demo as rules_demo
from apps.product_qualification.models import ProductOfferingQualification
from apps.service_qualification import demo as coverage_demo
from apps.service_qualification.models import CheckServiceQualification
from apps.shopping_cart.models import CartItem, ShoppingCart
from bss.models import OutboxEvent
from bss.testing import assert_tmf_error, post_json
from tests.catalog_fixtures import tmf_schema_errors
from tests.shopping_cart.test_flow import CARTS, COPPER_ONLY, COVERED, POQ, SQ, access_items



@pytest.fixture
def rules(demo_catalog):
    rules_demo.seed()  # the demo eligibility rules (and the demo channel's qualifications, never channel_a's)
    return demo_catalog


def line(offering, item_id, qualification=None, **extra):
    body = {"id": item_id, "productOffering": {"id": str(offering.pk)}, **extra}
    if qualification:
        body["productOfferingQualificationItem"] = {"id": item_id, "productOfferingQualificationId": qualification}
    return body


def qualify(api, token, *offerings):
    """A TMF679 qualification of these offerings, item ids "1", "2", …; its id."""
    return post_json(api, POQ, {"productOfferingQualificationItem": [
        {"id": str(index + 1), "productOffering": {"id": str(o.pk)}} for index, o in enumerate(offerings)]},
        token).json()["id"]


def refused_checkout(api, token, cart_id):
    """Checkout answers 422; the cart stays active, and no order and no event is written. The message."""
    events = OutboxEvent.objects.count()
    body = assert_tmf_error(post_json(api, f"{CARTS}/{cart_id}/checkout", {}, token), 422)
    assert body["referenceError"] == "cartItem"
    assert ShoppingCart.objects.get(pk=cart_id).status == "active"
    assert (ProductOrder.objects.count(), OutboxEvent.objects.count()) == (0, events)
    return body["message"]


def test_iptv_alone_is_refused_at_checkout_naming_the_item_and_the_reason(api, channel_a, rules):
    _, token = channel_a
    cart = post_json(api, CARTS, {"cartItem": [line(rules.offering("IPTV Basic"), "tv")]}, token).json()
    assert refused_checkout(api, token, cart["id"]) == (
        "items no longer qualify: cartItem tv (IPTV Basic): IPTV Basic requires Home Broadband 500 Mbps "
        "(in the same request or owned)")


def test_excluded_offerings_and_quantity_are_refused_at_checkout(api, channel_a, rules):
    _, token = channel_a
    fiber, broadband, iptv = (rules.offering(name) for name in
                              ("Business Fiber 1 Gbps", "Home Broadband 500 Mbps", "IPTV Basic"))
    cart = post_json(api, CARTS, {"cartItem": [line(fiber, "biz"), line(broadband, "bb"),
                                               line(iptv, "tv", quantity=2)]}, token).json()
    assert refused_checkout(api, token, cart["id"]) == (
        "items no longer qualify: "
        "cartItem biz (Business Fiber 1 Gbps): Business Fiber 1 Gbps cannot be ordered together with Home Broadband "
        "500 Mbps; cartItem bb (Home Broadband 500 Mbps): Home Broadband 500 Mbps cannot be ordered together with "
        "Business Fiber 1 Gbps; cartItem tv (IPTV Basic): at most 1 x IPTV Basic")


def test_the_qualification_reference_is_rendered_and_handed_to_the_order(api, channel_a, rules):
    _, token = channel_a
    broadband, iptv = rules.offering("Home Broadband 500 Mbps"), rules.offering("IPTV Basic")
    qualification = qualify(api, token, broadband, iptv)
    response = post_json(api, CARTS, {"cartItem": [line(broadband, "1", qualification),
                                                   line(iptv, "2", qualification)]}, token)
    assert response.status_code == 201, response.json()
    assert response.json()["cartItem"][1]["productOfferingQualificationItem"] == {
        "id": "2", "productOfferingQualificationId": qualification,
        "productOfferingQualificationHref": f"http://testserver{POQ}/{qualification}",
        "@referredType": "ProductOfferingQualificationItem"}
    assert tmf_schema_errors("TMF663-ShoppingCart-v4.0.0.swagger.json", "ShoppingCart", response.json()) == []
    done = post_json(api, f"{CARTS}/{response.json()['id']}/checkout", {}, token)
    assert done.status_code == 200, done.json()
    assert list(ProductOrderItem.objects.order_by("position").values_list("item_id", "qualification_id")) == [
        ("1", qualification), ("2", qualification)]


@pytest.mark.parametrize("case, message", [
    ("unknown", "qualification {other} is unknown"),
    ("another channel's", "qualification {other} is unknown"),
    ("unqualified", "qualification {other} item 1 is unqualified"),
    ("no such item", "qualification {own} has no item 9"),
    ("another offering", "qualification {own} item 1 qualified Home Broadband 500 Mbps, not IPTV Basic"),
])
def test_a_reference_that_cannot_be_relied_on_does_not_enter_the_cart(api, channel_a, channel_b, rules, case,
                                                                      message):
    _, token = channel_a
    broadband, iptv = rules.offering("Home Broadband 500 Mbps"), rules.offering("IPTV Basic")
    own = qualify(api, token, broadband)
    other = {"unknown": "0b7c5f6e-0000-4000-8000-000000000000", "another channel's": qualify(api, channel_b[1], iptv),
             "unqualified": qualify(api, token, iptv)}.get(case, own)
    ref = {"id": "9" if case == "no such item" else "1", "productOfferingQualificationId": other}
    offering = iptv if case in ("another offering", "unqualified") else broadband
    carts, events = ShoppingCart.objects.count(), OutboxEvent.objects.count()
    body = assert_tmf_error(post_json(api, CARTS, {"cartItem": [
        {"id": "1", "productOffering": {"id": str(offering.pk)}, "productOfferingQualificationItem": ref}]}, token),
        422)
    assert body["message"] == "cartItem[0]: " + message.format(own=own, other=other)
    assert body["referenceError"] == "cartItem[0].productOfferingQualificationItem"
    assert (ShoppingCart.objects.count(), CartItem.objects.count(), OutboxEvent.objects.count()) == (
        carts, 0, events)


def test_a_reference_without_its_qualification_id_is_a_bad_request(api, channel_a, rules):
    _, token = channel_a
    body = assert_tmf_error(post_json(api, CARTS, {"cartItem": [
        {"productOffering": {"id": str(rules.offering("VoIP Line").pk)},
         "productOfferingQualificationItem": {"id": "1"}}]}, token), 400)
    assert "productOfferingQualificationId" in body["message"]
    assert ShoppingCart.objects.count() == 0


def test_a_qualification_that_expired_or_vanished_since_stops_checkout(api, channel_a, rules):
    _, token = channel_a
    broadband = rules.offering("Home Broadband 500 Mbps")
    qualification = qualify(api, token, broadband)
    cart = post_json(api, CARTS, {"cartItem": [line(broadband, "1", qualification)]}, token).json()
    expired = timezone.now() - timedelta(minutes=1)
    ProductOfferingQualification.objects.filter(pk=qualification).update(expiration_date=expired)
    assert refused_checkout(api, token, cart["id"]) == (
        f"items no longer qualify: cartItem 1 (Home Broadband 500 Mbps): qualification {qualification} expired at "
        f"{expired.isoformat()}")
    ProductOfferingQualification.objects.filter(pk=qualification).delete()
    assert refused_checkout(api, token, cart["id"]) == (
        f"items no longer qualify: cartItem 1 (Home Broadband 500 Mbps): qualification {qualification} is unknown")


def test_the_segment_rule_is_checked_for_the_carts_customer_at_checkout(api, channel_a, rules):
    party, token = channel_a
    business = party_get_or_create(name="Acme Test", kind=PartyKind.ORGANIZATION, segment=Segment.BUSINESS,
                                   channel=party)
    cart = post_json(api, CARTS, {"relatedParty": [{"id": str(business.pk), "role": "customer", "name": business.name}],
                                  "cartItem": [line(rules.offering("Home Broadband 500 Mbps"), "bb")]}, token).json()
    assert refused_checkout(api, token, cart["id"]) == (
        "items no longer qualify: cartItem bb (Home Broadband 500 Mbps): Home Broadband 500 Mbps is for residential "
        "customers, not business")


def test_a_reference_without_an_offering_does_not_enter_the_cart(api, channel_a, rules):
    _, token = channel_a
    qualification = qualify(api, token, rules.offering("VoIP Line"))
    body = assert_tmf_error(post_json(api, CARTS, {"cartItem": [
        {"id": "1", "productOfferingQualificationItem": {"id": "1", "productOfferingQualificationId": qualification}}]},
        token), 422)
    assert body["message"] == "cartItem[0]: a qualification reference needs a productOffering"
    assert ShoppingCart.objects.count() == 0


def check(api, token, offering, place):
    """A TMF645 check of the services an offering is realized by, at a place; its id."""
    return post_json(api, SQ, {"serviceQualificationItem": access_items(offering, place)}, token).json()["id"]


def test_a_service_qualification_reference_is_rendered_and_rechecked_at_checkout(api, channel_a, rules):
    _, token = channel_a
    coverage_demo.seed()
    fiber = rules.offering("Business Fiber 1 Gbps")
    checked = check(api, token, fiber, COVERED)
    response = post_json(api, CARTS, {"cartItem": [line(fiber, "1", serviceQualification={"id": checked})]}, token)
    assert response.status_code == 201, response.json()
    assert response.json()["cartItem"][0]["serviceQualification"] == {
        "id": checked, "href": f"http://testserver{SQ}/{checked}", "@referredType": "CheckServiceQualification"}
    assert tmf_schema_errors("TMF663-ShoppingCart-v4.0.0.swagger.json", "ShoppingCart", response.json()) == []
    expired = timezone.now() - timedelta(minutes=1)
    CheckServiceQualification.objects.filter(pk=checked).update(expiration_date=expired)
    assert refused_checkout(api, token, response.json()["id"]) == (
        f"items no longer qualify: cartItem 1 (Business Fiber 1 Gbps): service qualification {checked} expired at "
        f"{expired.isoformat()}")


@pytest.mark.parametrize("case", ["unknown", "another channel's", "alternate"])
def test_a_service_qualification_that_cannot_be_relied_on_does_not_enter_the_cart(api, channel_a, channel_b, rules,
                                                                                  case):
    _, token = channel_a
    coverage_demo.seed()
    fiber = rules.offering("Business Fiber 1 Gbps")
    checked = {"unknown": "0b7c5f6e-0000-4000-8000-000000000000",
               "another channel's": check(api, channel_b[1], fiber, COVERED),
               "alternate": check(api, token, fiber, COPPER_ONLY)}[case]
    events = OutboxEvent.objects.count()
    body = assert_tmf_error(post_json(api, CARTS, {"cartItem": [
        line(fiber, "1", serviceQualification={"id": checked})]}, token), 422)
    assert body["message"] == f"cartItem[0]: service qualification {checked} " + (
        "is alternate, not qualified" if case == "alternate" else "is unknown")
    assert body["referenceError"] == "cartItem[0].serviceQualification"
    assert (ShoppingCart.objects.count(), OutboxEvent.objects.count()) == (0, events)
