"""Pre-order end to end over HTTP with the real worker: TMF645 and TMF679 (asynchronous, run by the worker), a TMF663
cart priced to the cent, checkout refused for IPTV alone, then broadband + IPTV checked out into a TMF622 order that
the real COM, activation and simulator complete, with the products active in TMF637."""
import pytest

from apps.parties.models import BillingAccount, Party
from apps.product_ordering.models import ProductOrder
from apps.product_qualification import demo as rules_demo
from apps.service_qualification import demo as coverage_demo
from bss.testing import assert_tmf_error, bearer, post_json
from tests.product_ordering.conftest import ORDERING, com  # noqa: F401
from tests.product_ordering.test_flows_activation import TERMINAL, real_worker, state_of  # noqa: F401
from tests.shopping_cart.test_flow import CARTS, COPPER_ONLY, COVERED, POQ, SQ, access_items

pytestmark = pytest.mark.flows
PRODUCTS = "/tmf-api/productInventory/v4/product"


@pytest.fixture
def preorder(com):  # noqa: F811
    """COM's demo world plus coverage, the eligibility rules, and Jane Doe (residential) with her account."""
    coverage_demo.seed()
    rules_demo.seed()
    com.jane = Party.objects.get(name="Jane Doe")
    com.jane_account = BillingAccount.objects.get(party=com.jane)
    return com


def customer(party):
    return [{"id": str(party.pk), "role": "customer", "name": party.name}]


def answered(api, token, url, body, eventually):
    """POST an asynchronous qualification, then read it until the worker has run it."""
    response = post_json(api, url, {"instantSyncQualification": False, **body}, token)
    assert response.status_code == 201, response.json()
    assert response.json()["state"] in ("accepted", "acknowledged")
    href = f"{url}/{response.json()['id']}"
    return eventually(lambda: (lambda b: b if b["state"] == "done" else None)(api.get(href, **bearer(token)).json()),
                      timeout=30, message=f"{url} not done")


def results(body):
    return [(i["id"], i["qualificationItemResult"], [r["code"] for r in i.get("eligibilityUnavailabilityReason", [])])
            for i in body["productOfferingQualificationItem"]]


def test_business_fiber_qualifies_where_covered_and_gets_an_alternate_elsewhere(api, preorder, real_worker,
                                                                                 eventually):  # noqa: F811
    token, fiber = preorder.token, preorder.catalog.offering("Business Fiber 1 Gbps")
    covered = answered(api, token, SQ, {"serviceQualificationItem": access_items(fiber, COVERED)}, eventually)
    assert [i["qualificationResult"] for i in covered["serviceQualificationItem"]] == ["qualified"] * 3
    assert covered["qualificationResult"] == "qualified"
    elsewhere = answered(api, token, SQ, {"serviceQualificationItem": access_items(fiber, COPPER_ONLY)}, eventually)
    fibre = next(i for i in elsewhere["serviceQualificationItem"]
                 if i["service"]["serviceSpecification"]["name"] == "Fibre Access")
    assert (elsewhere["qualificationResult"], fibre["qualificationResult"]) == ("alternate", "alternate")
    assert [r["code"] for r in fibre["eligibilityUnavailabilityReason"]] == ["TECHNOLOGY_NOT_AVAILABLE"]
    assert [p["alternateService"]["serviceSpecification"]["name"] for p in fibre["alternateServiceProposal"]] == [
        "Mobile Subscription"]
    commercial = answered(api, token, POQ, {"relatedParty": customer(preorder.customer),
                                            "productOfferingQualificationItem": [
                                                {"id": "1", "productOffering": {"id": str(fiber.pk)}}]}, eventually)
    assert (commercial["qualificationResult"], results(commercial)) == ("qualified", [("1", "qualified", [])])


def test_iptv_alone_is_refused_then_broadband_with_iptv_is_priced_checked_out_and_delivered(
        api, preorder, real_worker, eventually):  # noqa: F811
    token, jane = preorder.token, preorder.jane
    iptv, broadband = preorder.catalog.offering("IPTV Basic"), preorder.catalog.offering("Home Broadband 500 Mbps")

    alone = answered(api, token, POQ, {"relatedParty": customer(jane), "productOfferingQualificationItem": [
        {"id": "1", "productOffering": {"id": str(iptv.pk)}}]}, eventually)
    assert (alone["qualificationResult"], results(alone)) == (
        "unqualified", [("1", "unqualified", ["REQUIRED_OFFERING_MISSING"])])
    lonely = post_json(api, CARTS, {"relatedParty": customer(jane), "cartItem": [
        {"id": "tv", "productOffering": {"id": str(iptv.pk)}}]}, token).json()
    body = assert_tmf_error(post_json(api, f"{CARTS}/{lonely['id']}/checkout", {}, token), 422)
    assert body["message"] == ("items no longer qualify: cartItem tv (IPTV Basic): IPTV Basic requires Home "
                               "Broadband 500 Mbps (in the same request or owned)")
    assert ProductOrder.objects.count() == 0

    both = answered(api, token, POQ, {"relatedParty": customer(jane), "productOfferingQualificationItem": [
        {"id": "1", "productOffering": {"id": str(broadband.pk)}},
        {"id": "2", "productOffering": {"id": str(iptv.pk)}}]}, eventually)
    assert (both["qualificationResult"], results(both)) == ("qualified", [("1", "qualified", []),
                                                                          ("2", "qualified", [])])
    response = post_json(api, CARTS, {"relatedParty": customer(jane), "cartItem": [
        {"id": item_id, "productOffering": {"id": str(offering.pk)},
         "productOfferingQualificationItem": {"id": item_id, "productOfferingQualificationId": both["id"]}}
        for item_id, offering in (("1", broadband), ("2", iptv))]}, token)
    assert response.status_code == 201, response.json()
    cart = response.json()
    assert [[(p["priceType"], p["price"]["dutyFreeAmount"]["value"], p["price"]["taxIncludedAmount"]["value"])
             for p in item["itemTotalPrice"]] for item in cart["cartItem"]] == [
        [("oneTime", 49.0, 58.8), ("recurring", 39.99, 47.99)], [("recurring", 9.99, 11.99)]]
    assert [(p["priceType"], p["price"]["dutyFreeAmount"]["value"], p["price"]["taxIncludedAmount"]["value"])
            for p in cart["cartTotalPrice"]] == [("recurring", 49.98, 59.98), ("oneTime", 49.0, 58.8)]

    # A TMF663 v4 cart carries no billing account: the checkout body names the one the order bills.
    done = post_json(api, f"{CARTS}/{cart['id']}/checkout",
                     {"billingAccount": {"id": str(preorder.jane_account.pk)}}, token)
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "checkedOut"
    order_id = done.json()["productOrder"]["id"]
    eventually(lambda: state_of(order_id) in TERMINAL, timeout=120, message="order did not end")
    assert state_of(order_id) == "completed"
    products = api.get(PRODUCTS, **bearer(token)).json()
    assert sorted((p["productOffering"]["name"], p["status"]) for p in products) == [
        ("Home Broadband 500 Mbps", "active"), ("IPTV Basic", "active")]
