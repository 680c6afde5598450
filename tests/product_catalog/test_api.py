"""TMF620 over HTTP: versions side by side, lifecycle through PATCH, refs, prices, bundles, list behaviour, scopes."""
import pytest

from apps.product_catalog.models import ProductOffering, ProductOfferingPrice, ProductSpecification
from apps.product_catalog.selectors import product_offering_get, product_offering_is_sellable
from bss.models import OutboxEvent
from apps.parties.testing import make_channel
from bss.testing import assert_tmf_error, bearer, count_queries, patch_merge, post_json

BASE = "/tmf-api/productCatalogManagement/v4/"
OFFERINGS = BASE + "productOffering"
SPECS = BASE + "productSpecification"
PRICES = BASE + "productOfferingPrice"


@pytest.fixture
def writer(db):
    return make_channel("catalog-writer", scopes=["tmf620.read", "tmf620.write", "tmf633.read", "tmf633.write"])[1]


def create(api, url, payload, token):
    response = post_json(api, url, payload, token)
    assert response.status_code == 201, response.content
    return response.json()


def events():
    return list(OutboxEvent.objects.order_by("created_at").values_list("event_type", flat=True))


def test_ctk_offering_with_an_external_spec_ref_is_201_and_keeps_the_ref(api, writer):
    ref = {"id": "9881", "href": "https://mycsp.com:8080/tmf-api/productCatalogManagement/v4/productSpecification/9881",
           "version": "1.1", "name": "Robotics999", "@referredType": "DeviceSpecification"}
    response = post_json(api, OFFERINGS, {"name": "aProductOffering", "productSpecification": ref}, writer)
    assert response.status_code == 201, response.content
    body = response.json()
    offering = ProductOffering.objects.get()
    assert response["Location"] == body["href"] == f"http://testserver{OFFERINGS}/{offering.pk}"
    assert body["productSpecification"] == {"id": "9881", "href": ref["href"], "name": "Robotics999", "version": "1.1"}
    assert (body["version"], body["lifecycleStatus"], body["isBundle"], body["isSellable"]) == (
        "1.0", "inDesign", False, True)
    assert body["lastUpdate"].endswith("Z")
    assert events() == ["ProductOfferingCreateEvent"]


def test_unknown_spec_ref_without_href_is_400_and_stores_nothing(api, writer):
    body = assert_tmf_error(post_json(api, OFFERINGS, {"name": "x", "productSpecification": {"id": "nope"}}, writer),
                            400)
    assert body["referenceError"] == "productSpecification"
    assert (ProductOffering.objects.count(), events()) == (0, [])


def test_two_versions_coexist_each_addressable(api, writer):
    first = create(api, OFFERINGS, {"name": "Fibre", "version": "1.0"}, writer)
    second = create(api, OFFERINGS, {"name": "Fibre", "version": "2.0"}, writer)
    third = create(api, OFFERINGS, {"name": "Fibre"}, writer)  # next major version by default
    assert (first["version"], second["version"], third["version"]) == ("1.0", "2.0", "3.0")
    assert len({first["id"], second["id"], third["id"]}) == 3
    assert api.get(f"{OFFERINGS}/{first['id']}", **bearer(writer)).json()["version"] == "1.0"
    assert [o["id"] for o in api.get(OFFERINGS + "?name=Fibre&version=2.0", **bearer(writer)).json()] == [second["id"]]
    assert len({o.lineage for o in ProductOffering.objects.all()}) == 1
    duplicate = assert_tmf_error(post_json(api, OFFERINGS, {"name": "Fibre", "version": "2.0"}, writer), 409)
    assert duplicate["referenceError"] == "version"
    assert ProductOffering.objects.count() == 3


def test_retiring_1_0_leaves_2_0_sellable_and_orders_can_pin_either(api, writer):
    old = create(api, OFFERINGS, {"name": "Fibre", "version": "1.0", "lifecycleStatus": "active"}, writer)
    new = create(api, OFFERINGS, {"name": "Fibre", "version": "2.0", "lifecycleStatus": "active"}, writer)
    assert patch_merge(api, f"{OFFERINGS}/{old['id']}", {"lifecycleStatus": "retired"}, writer).status_code == 200
    newest = product_offering_get(offering_id=old["id"])
    assert (str(newest.pk), newest.version, product_offering_is_sellable(offering=newest)) == (new["id"], "2.0", True)
    pinned = product_offering_get(offering_id=new["id"], version="1.0")
    assert (str(pinned.pk), pinned.lifecycle_status, product_offering_is_sellable(offering=pinned)) == (
        old["id"], "retired", False)
    assert product_offering_get(offering_id=old["id"], version="9.9") is None
    assert product_offering_get(offering_id="not-a-uuid") is None


def test_newest_version_is_the_fallback_when_none_is_sellable(api, writer):
    create(api, OFFERINGS, {"name": "Draft", "version": "1.0"}, writer)
    second = create(api, OFFERINGS, {"name": "Draft", "version": "1.10"}, writer)
    create(api, OFFERINGS, {"name": "Draft", "version": "1.9"}, writer)
    assert str(product_offering_get(offering_id=second["id"]).pk) == second["id"]


def test_valid_for_in_the_future_is_not_sellable(api, writer):
    body = create(api, OFFERINGS, {"name": "Later", "lifecycleStatus": "active",
                                   "validFor": {"startDateTime": "2999-01-01T00:00:00Z"}}, writer)
    assert body["validFor"] == {"startDateTime": "2999-01-01T00:00:00Z"}
    assert product_offering_is_sellable(offering=ProductOffering.objects.get()) is False


def test_obsolete_to_active_via_patch_is_409_and_nothing_changes(api, writer):
    body = create(api, OFFERINGS, {"name": "Old", "lifecycleStatus": "obsolete"}, writer)
    before = events()
    error = assert_tmf_error(patch_merge(api, f"{OFFERINGS}/{body['id']}",
                                         {"lifecycleStatus": "active", "statusReason": "back"}, writer),
                             409, "ILLEGAL_TRANSITION")
    assert error["referenceError"] == "lifecycleStatus"
    offering = ProductOffering.objects.get()
    assert (offering.lifecycle_status, offering.status_reason) == ("obsolete", "")
    assert events() == before


def test_published_version_is_frozen_but_its_lifecycle_moves(api, writer):
    body = create(api, OFFERINGS, {"name": "Live", "lifecycleStatus": "active"}, writer)
    assert_tmf_error(patch_merge(api, f"{OFFERINGS}/{body['id']}", {"name": "Renamed"}, writer), 409, "CONFLICT")
    assert ProductOffering.objects.get().name == "Live"
    response = patch_merge(api, f"{OFFERINGS}/{body['id']}", {"lifecycleStatus": "launched"}, writer)
    assert response.json()["lifecycleStatus"] == "launched"


def test_merge_patch_in_design_changes_only_the_given_attributes(api, writer):
    body = create(api, OFFERINGS, {"name": "Draft", "description": "keep me"}, writer)
    for content_type in ("application/merge-patch+json", "application/json"):
        response = patch_merge(api, f"{OFFERINGS}/{body['id']}", {"name": f"Draft {content_type}"}, writer,
                               content_type=content_type)
        assert response.status_code == 200
        assert (response.json()["name"], response.json()["description"]) == (f"Draft {content_type}", "keep me")
    assert events() == ["ProductOfferingCreateEvent"] + ["ProductOfferingAttributeValueChangeEvent"] * 2


def test_delete_only_before_sale(api, writer):
    live = create(api, OFFERINGS, {"name": "Live", "lifecycleStatus": "active"}, writer)
    assert_tmf_error(api.delete(f"{OFFERINGS}/{live['id']}", **bearer(writer)), 409)
    draft = create(api, OFFERINGS, {"name": "Draft"}, writer)
    assert api.delete(f"{OFFERINGS}/{draft['id']}", **bearer(writer)).status_code == 204
    assert list(ProductOffering.objects.values_list("name", flat=True)) == ["Live"]
    assert events()[-1] == "ProductOfferingDeleteEvent"


def test_lifecycle_patch_emits_state_change(api, writer):
    body = create(api, OFFERINGS, {"name": "S"}, writer)
    patch_merge(api, f"{OFFERINGS}/{body['id']}", {"lifecycleStatus": "inTest"}, writer)
    assert events() == ["ProductOfferingCreateEvent", "ProductOfferingStateChangeEvent"]


def test_offering_with_spec_prices_and_bundle(api, writer):
    service_spec = create(api, "/tmf-api/serviceCatalogManagement/v4/serviceSpecification",
                          {"name": "Fibre Access", "lifecycleStatus": "active"}, writer)
    spec = create(api, SPECS, {
        "name": "Fibre 1G",
        "productSpecCharacteristic": [{"name": "bandwidth", "valueType": "string",
                                       "productSpecCharacteristicValue": [{"value": "1G", "isDefault": True},
                                                                          {"value": "500M"}]}],
        "serviceSpecification": [{"id": service_spec["id"]}]}, writer)
    assert spec["serviceSpecification"] == [{
        "id": service_spec["id"], "href": service_spec["href"], "name": "Fibre Access", "version": "1.0",
        "@referredType": "ServiceSpecification"}]
    assert ProductSpecification.objects.get().service_specification_refs == [(service_spec["id"], "1.0")]
    price = create(api, PRICES, {"name": "Monthly", "priceType": "recurring", "price": {"unit": "EUR", "value": 50},
                                 "tax": [{"taxCategory": "VAT", "taxRate": 20}],
                                 "recurringChargePeriodType": "month", "recurringChargePeriodLength": 1}, writer)
    assert (price["price"], price["tax"]) == ({"unit": "EUR", "value": 50.0}, [
        {"taxCategory": "VAT", "taxRate": 20.0, "taxAmount": {"unit": "EUR", "value": 10.0}}])
    child = create(api, OFFERINGS, {"name": "Fibre", "productSpecification": {"id": spec["id"]},
                                    "productOfferingPrice": [{"id": price["id"]}]}, writer)
    assert child["productSpecification"]["id"] == spec["id"]
    assert child["productOfferingPrice"][0]["price"] == {
        "dutyFreeAmount": {"unit": "EUR", "value": 50.0}, "taxIncludedAmount": {"unit": "EUR", "value": 60.0},
        "taxRate": 20.0}
    bundle = create(api, OFFERINGS, {"name": "Pack", "bundledProductOffering": [
        {"id": child["id"], "bundledProductOfferingOption": {"numberRelOfferLowerLimit": 0,
                                                             "numberRelOfferUpperLimit": 2}}]}, writer)
    assert bundle["isBundle"] is True
    assert "productSpecification" not in bundle
    assert [(b["id"], b["bundledProductOfferingOption"]) for b in bundle["bundledProductOffering"]] == [
        (child["id"], {"numberRelOfferLowerLimit": 0, "numberRelOfferUpperLimit": 2, "numberRelOfferDefault": 1})]


@pytest.mark.parametrize("payload, reference", [
    ({"name": "x", "serviceSpecification": [{"id": "00000000-0000-0000-0000-000000000000"}]}, "serviceSpecification"),
    ({"name": "x", "productSpecCharacteristic": [{"name": "a", "valueType": "weird"}]}, "valueType"),
    ({"name": "x", "validFor": {"startDateTime": "2030-01-01T00:00:00Z", "endDateTime": "2020-01-01T00:00:00Z"}},
     "validFor"),
    ({"name": 7, "isBundle": "maybe"}, "isBundle"),
])
def test_bad_spec_input_is_400_and_stores_nothing(api, writer, payload, reference):
    body = assert_tmf_error(post_json(api, SPECS, payload, writer), 400)
    assert body["referenceError"] == reference
    assert (ProductSpecification.objects.count(), events()) == (0, [])


def test_bad_price_is_400(api, writer):
    assert_tmf_error(post_json(api, PRICES, {"name": "x", "priceType": "sometimes"}, writer), 400)
    assert_tmf_error(post_json(api, PRICES, {"name": "x", "price": {"unit": "EUR", "value": -1}}, writer), 400)
    assert ProductOfferingPrice.objects.count() == 0


def test_channel_token_reads_but_cannot_write(api, demo_catalog, channel_a):
    _, token = channel_a
    listed = api.get(OFFERINGS, **bearer(token))
    assert listed.status_code == 200
    assert listed["X-Total-Count"] == str(ProductOffering.objects.count())
    count, before = ProductOffering.objects.count(), events()
    assert_tmf_error(post_json(api, OFFERINGS, {"name": "Sneaky"}, token), 403, "FORBIDDEN")
    some = demo_catalog.offering("VoIP Line")
    assert_tmf_error(patch_merge(api, f"{OFFERINGS}/{some.pk}", {"lifecycleStatus": "retired"}, token), 403)
    assert_tmf_error(api.delete(f"{OFFERINGS}/{some.pk}", **bearer(token)), 403)
    assert (ProductOffering.objects.count(), events()) == (count, before)
    assert ProductOffering.objects.get(pk=some.pk).lifecycle_status == "active"


def test_list_projection_filters_and_headers(api, demo_catalog, channel_a):
    _, token = channel_a
    response = api.get(OFFERINGS + "?fields=name,version&limit=2&offset=1", **bearer(token))
    assert (response["X-Total-Count"], response["X-Result-Count"]) == ("8", "2")
    assert all(set(item) == {"id", "href", "@type", "name", "version"} for item in response.json())
    active = api.get(OFFERINGS + "?lifecycleStatus=active", **bearer(token)).json()
    assert len(active) == 8
    assert api.get(OFFERINGS + "?lifecycleStatus=retired,obsolete", **bearer(token)).json() == []
    named = api.get(OFFERINGS + "?name=VoIP Line,IPTV Basic", **bearer(token)).json()
    assert sorted(o["name"] for o in named) == ["IPTV Basic", "VoIP Line"]
    bundles = api.get(OFFERINGS + "?isBundle=true", **bearer(token)).json()
    assert [o["name"] for o in bundles] == ["Business Fiber 1 Gbps"]
    one = named[0]
    assert [o["id"] for o in api.get(OFFERINGS + f"?lastUpdate={one['lastUpdate']}", **bearer(token)).json()] == [
        one["id"]]
    assert_tmf_error(api.get(OFFERINGS + "?lastUpdate.gt=yesterday", **bearer(token)), 400)


# Plain offerings only: a page of one bundle alone skips the product-spec prefetches, which is no N+1.
@pytest.mark.parametrize("url", [OFFERINGS + "?isBundle=false&", SPECS + "?", PRICES + "?", BASE + "catalog?",
                                 BASE + "category?"])
def test_list_queries_do_not_grow_with_page_size(api, demo_catalog, channel_a, url):
    _, token = channel_a
    _, one = count_queries(lambda: api.get(url + "limit=1", **bearer(token)))
    _, twenty = count_queries(lambda: api.get(url + "limit=20", **bearer(token)))
    assert one == twenty


def test_unknown_and_malformed_ids_are_404(api, writer):
    assert_tmf_error(api.get(f"{OFFERINGS}/1ab18f13-2bd2-434d-9788-4b72ec11fe8a", **bearer(writer)), 404)
    assert_tmf_error(api.get(f"{OFFERINGS}/garbage", **bearer(writer)), 404)


def test_catalog_and_category_tree(api, writer):
    root = create(api, BASE + "category", {"name": "Internet"}, writer)
    child = create(api, BASE + "category", {"name": "Fibre", "parentId": root["id"]}, writer)
    offering = create(api, OFFERINGS, {"name": "Fibre 1G", "category": [{"id": child["id"]}]}, writer)
    catalog = create(api, BASE + "catalog", {"name": "Retail", "catalogType": "productCatalog",
                                             "category": [{"id": root["id"]}]}, writer)
    assert (root["isRoot"], child["isRoot"], child["parentId"]) == (True, False, root["id"])
    assert [c["id"] for c in catalog["category"]] == [root["id"]]
    assert [c["id"] for c in offering["category"]] == [child["id"]]
    root_now = api.get(f"{BASE}category/{root['id']}", **bearer(writer)).json()
    assert [c["id"] for c in root_now["subCategory"]] == [child["id"]]
    child_now = api.get(f"{BASE}category/{child['id']}", **bearer(writer)).json()
    assert [o["id"] for o in child_now["productOffering"]] == [offering["id"]]
    assert [c["name"] for c in api.get(BASE + f"category?parentId={root['id']}", **bearer(writer)).json()] == ["Fibre"]
    body = assert_tmf_error(patch_merge(api, f"{BASE}category/{root['id']}", {"parentId": root["id"]}, writer), 400)
    assert body["referenceError"] == "parentId"


def test_spec_service_refs_are_pinned_and_replaced_by_patch(api, writer):
    services = "/tmf-api/serviceCatalogManagement/v4/serviceSpecification"
    v1 = create(api, services, {"name": "IPTV", "lifecycleStatus": "active"}, writer)
    v2 = create(api, services, {"name": "IPTV", "lifecycleStatus": "active"}, writer)
    spec = create(api, SPECS, {"name": "TV", "serviceSpecification": [{"id": v1["id"], "version": "1.0"}]}, writer)
    assert [(s["id"], s["version"]) for s in spec["serviceSpecification"]] == [(v1["id"], "1.0")]
    patched = patch_merge(api, f"{SPECS}/{spec['id']}", {"serviceSpecification": [{"id": v1["id"], "version": "2.0"}]},
                          writer).json()
    assert [(s["id"], s["version"]) for s in patched["serviceSpecification"]] == [(v2["id"], "2.0")]
