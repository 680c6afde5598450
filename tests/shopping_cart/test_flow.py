"""Pre-order flow across TMF645 → TMF679 → TMF663 → TMF622: qualify, price, check out."""
import pytest

from apps.product_catalog.services import product_offering_update
from apps.product_ordering.models import ProductOrder
from apps.service_qualification import demo as coverage_demo
from bss.testing import assert_tmf_error, post_json

SQ = "/tmf-api/serviceQualificationManagement/v4/checkServiceQualification"
POQ = "/tmf-api/productOfferingQualification/v4/productOfferingQualification"
CARTS = "/tmf-api/shoppingCart/v4/shoppingCart"
COVERED = {"role": "installationAddress", "streetName": "Friedrichstrasse", "streetNr": "100", "postcode": "10117"}
COPPER_ONLY = {"role": "installationAddress", "streetName": "Dorfstrasse", "streetNr": "1", "postcode": "99999"}


def access_items(offering, place):
    """The service qualification items for an offering: one per service spec its components realize."""
    items = []
    for component in offering.bundled_offerings or [offering]:
        spec = component.product_specification
        for spec_id, version in (spec.service_specification_refs if spec else []):
            items.append({"id": str(len(items) + 1), "service": {
                "serviceSpecification": {"id": spec_id, "version": version}, "place": [place]}})
    return items


@pytest.fixture
def world(demo_catalog):
    coverage_demo.seed()
    return demo_catalog


def test_business_fiber_is_qualified_where_covered_and_gets_an_alternate_elsewhere(api, channel_a, world):
    _, token = channel_a
    fiber = world.offering("Business Fiber 1 Gbps")
    body = post_json(api, SQ, {"serviceQualificationItem": access_items(fiber, COVERED)}, token).json()
    assert body["qualificationResult"] == "qualified"
    assert {i["service"]["serviceSpecification"]["name"] for i in body["serviceQualificationItem"]} == {
        "Fibre Access", "IP Address", "Managed CPE"}
    body = post_json(api, SQ, {"serviceQualificationItem": access_items(fiber, COPPER_ONLY)}, token).json()
    fibre = next(i for i in body["serviceQualificationItem"]
                 if i["service"]["serviceSpecification"]["name"] == "Fibre Access")
    assert (body["qualificationResult"], fibre["qualificationResult"]) == ("alternate", "alternate")
    assert fibre["eligibilityUnavailabilityReason"][0]["code"] == "TECHNOLOGY_NOT_AVAILABLE"
    assert fibre["alternateServiceProposal"][0]["alternateService"]["serviceSpecification"]["name"] == \
        "Mobile Subscription"
    body = post_json(api, SQ, {"provideAlternative": False,
                               "serviceQualificationItem": access_items(fiber, COPPER_ONLY)}, token).json()
    assert body["qualificationResult"] == "unqualified"


def test_iptv_alone_unqualified_then_broadband_and_iptv_priced_and_checked_out(api, channel_a, world):
    party, token = channel_a
    iptv, broadband = world.offering("IPTV Basic"), world.offering("Home Broadband 500 Mbps")
    alone = post_json(api, POQ, {"productOfferingQualificationItem": [
        {"id": "1", "productOffering": {"id": str(iptv.pk)}}]}, token).json()
    assert alone["qualificationResult"] == "unqualified"
    assert alone["productOfferingQualificationItem"][0]["eligibilityUnavailabilityReason"][0]["code"] == \
        "REQUIRED_OFFERING_MISSING"
    cart = post_json(api, CARTS, {"cartItem": [{"id": "bb", "productOffering": {"id": str(broadband.pk)}},
                                               {"id": "tv", "productOffering": {"id": str(iptv.pk)}}]}, token).json()
    totals = {p["priceType"]: (p["price"]["dutyFreeAmount"]["value"], p["price"]["taxIncludedAmount"]["value"])
              for p in cart["cartTotalPrice"]}
    assert totals == {"recurring": (49.98, 59.98), "oneTime": (49.0, 58.8)}
    both = post_json(api, POQ, {"productOfferingQualificationItem": [
        {"id": "bb", "productOffering": {"id": str(broadband.pk)}},
        {"id": "tv", "productOffering": {"id": str(iptv.pk)}}]}, token).json()
    assert both["qualificationResult"] == "qualified"
    done = post_json(api, f"{CARTS}/{cart['id']}/checkout", {}, token).json()
    order = ProductOrder.objects.get(pk=done["productOrder"]["id"])
    assert (order.owner, order.state, order.items.count()) == (party, "acknowledged", 2)


def test_offering_retired_between_adding_and_checkout_is_refused_and_no_order_exists(api, channel_a, world):
    _, token = channel_a
    broadband = world.offering("Home Broadband 500 Mbps")
    cart = post_json(api, CARTS, {"cartItem": [{"id": "bb", "productOffering": {"id": str(broadband.pk)}}]},
                     token).json()
    product_offering_update(offering=broadband, lifecycle_status="retired")
    body = assert_tmf_error(post_json(api, f"{CARTS}/{cart['id']}/checkout", {}, token), 422)
    assert "cartItem bb (Home Broadband 500 Mbps)" in body["message"]
    assert ProductOrder.objects.count() == 0
