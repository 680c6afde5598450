"""TMF v5.0.0 beside v4 (docs/adr/0008-tmf-v5-beside-v4.md): every v5 response and hub event of the six v5 APIs
validates against the official v5 spec, over the same rows the v4 APIs serve.

Parametrised over whatever is mounted in v5, so a resource is covered the moment its version is routed."""
import json
from collections import Counter

import pytest

from apps.parties.models import BillingAccount, Party
from apps.parties.services import token_issue
from apps.product_catalog.selectors import product_offering_by_name
from bss.api.catalogue import SPEC_FILES, mounted_resources
from bss.api.versions import api_family, camel, dialect_for
from bss.hub import event_envelope
from bss.models import Delivery, HubSubscription, OutboxEvent
from bss.testing import assert_tmf_error, bearer, patch_merge, post_json
from tests.catalog_fixtures import tmf_schema_errors

from .oas import v5_schema_errors

RESOURCES = mounted_resources("v5")
ORDERING = "/tmf-api/productOrderingManagement/"
FIBER = "Business Fiber 1 Gbps"
VALIDATED = Counter()  # (api code, "responses"|"events") → how many were validated; printed at the end


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    yield
    if VALIDATED:
        print("\nv5 validated against the official specs: " + ", ".join(
            f"{code} {kind}={count}" for (code, kind), count in sorted(VALIDATED.items())))


def schema_name(code: str, resource: str) -> str:
    dialect = dialect_for(code)
    return dialect.resource_type(dialect.v4_resource_name(resource))


def assert_valid(code: str, name: str, body, kind="responses"):
    assert v5_schema_errors(SPEC_FILES[code], name, body) == [], json.dumps(body)[:2000]
    VALIDATED[(code, kind)] += 1


@pytest.fixture
def channel(demo_data, db):
    acme = Party.objects.get(name="ACME Corp")
    return {"token": token_issue(client_name="demo-channel").token, "customer": str(acme.pk),
            "account": str(BillingAccount.objects.filter(party=acme).first().pk),
            "offering": str(product_offering_by_name(name=FIBER).pk)}


def v5_order(channel, **extra) -> dict:
    return {"@type": "ProductOrder", "externalId": [{"id": "shop-42", "owner": "webshop",
                                                      "@type": "ExternalIdentifier"}],
            "billingAccount": {"id": channel["account"], "@type": "BillingAccountRef"},
            "relatedParty": [{"@type": "RelatedPartyRefOrPartyRoleRef", "role": "customer",
                              "partyOrPartyRole": {"@type": "PartyRef", "id": channel["customer"],
                                                   "@referredType": "Organization"}}],
            "productOrderItem": [{"id": "1", "action": "add", "@type": "ProductOrderItem",
                                  "productOffering": {"id": channel["offering"], "@type": "ProductOfferingRef"},
                                  "product": {"@type": "Product", "productCharacteristic": [
                                      {"name": "bandwidth", "value": "1000", "@type": "StringCharacteristic"}]}}],
            **extra}


def v4_order(channel) -> dict:
    return {"externalId": "shop-41", "billingAccount": {"id": channel["account"]},
            "relatedParty": [{"id": channel["customer"], "role": "customer", "@referredType": "Organization"}],
            "productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": channel["offering"]}}]}


# One v5 create per API (minimal, as a channel would send it), and who may send it.
def creates(channel) -> dict:
    offering = {"id": channel["offering"], "@type": "ProductOfferingRef"}
    return {
        "tmf622-v5": ("productOrder", v5_order(channel), "channel"),
        "tmf637-v5": ("product", {"@type": "Product", "name": "Contract product", "status": "created",
                                  "productOffering": offering}, "staff"),
        "tmf638-v5": ("service", {"@type": "Service", "name": "Contract service", "state": "active",
                                  "serviceSpecification": {"id": "contract-spec",
                                                           "@type": "ServiceSpecificationRef"}}, "staff"),
        "tmf663-v5": ("shoppingCart", {"@type": "ShoppingCart", "cartItem": [
            {"id": "1", "action": "add", "@type": "CartItem", "productOffering": offering}]}, "channel"),
        "tmf679-v5": ("checkProductOfferingQualification", {
            "@type": "CheckProductOfferingQualification", "instantSyncQualification": False,
            "checkProductOfferingQualificationItem": [{"id": "1", "@type": "CheckProductOfferingQualificationItem",
                                                       "productOffering": offering}]}, "channel"),
        "tmf620-v5": ("productOffering", {"@type": "ProductOffering", "name": "Contract v5 offering"}, "staff"),
    }


def base_of(code: str) -> str:
    return next(path.rsplit("/", 1)[0] + "/" for c, _, path in RESOURCES if c == code)


def send(api, who, channel, method, url, body=None, content_type="application/json"):
    headers = bearer(channel["token"]) if who == "channel" else {}
    if method == "post":
        return post_json(api, url, body, channel["token"] if who == "channel" else None)
    return getattr(api, method)(url, data=json.dumps(body) if body is not None else None,
                                content_type=content_type, **headers)


@pytest.fixture
def v5_world(staff_api, channel, django_capture_on_commit_callbacks):
    """One of each v5 resource created through v5 (their async work left undone: only the answers matter)."""
    created = {}
    with django_capture_on_commit_callbacks(execute=False):
        for code, (resource, body, who) in creates(channel).items():
            response = send(staff_api, who, channel, "post", base_of(code) + resource, body)
            assert response.status_code == 201, (code, response.content[:800])
            assert_valid(code, schema_name(code, resource), response.json())
            created[code] = response.json()
        order_id = created["tmf622-v5"]["id"]
        cancel = post_json(staff_api, ORDERING + "v5/cancelProductOrder",
                           {"@type": "CancelProductOrder", "productOrder": {"id": order_id, "@type": "ProductOrderRef"}},
                           channel["token"])
        assert cancel.status_code == 201, cancel.content[:500]
        assert_valid("tmf622-v5", "CancelProductOrder", cancel.json())
        for job, body in (("exportJob", {"@type": "ExportJob", "query": "category"}),
                          ("importJob", {"@type": "ImportJob", "content": {}})):
            answer = post_json(staff_api, base_of("tmf620-v5") + job, body)
            assert answer.status_code == 201, answer.content[:500]
            assert_valid("tmf620-v5", camel(job), answer.json())
    return created


@pytest.mark.parametrize("code, resource, path", RESOURCES)
def test_every_v5_list_and_item_validates_against_the_official_v5_spec(staff_api, v5_world, code, resource, path):
    items = staff_api.get(f"{path}?limit=20")
    assert items.status_code == 200
    assert int(items["X-Result-Count"]) == len(items.json()) <= int(items["X-Total-Count"])
    if not items.json():
        pytest.skip(f"no {resource} to read (the demo has none; v5 creates none)")
    name = schema_name(code, resource)
    for item in items.json():
        assert_valid(code, name, item)
        assert item["href"].endswith(f"{path}/{item['id']}")
        detail = staff_api.get(f"{path}/{item['id']}")
        assert detail.status_code == 200
        assert_valid(code, name, detail.json())


@pytest.mark.parametrize("code, resource, path", RESOURCES)
def test_v5_fields_selection_keeps_id_href_and_type(staff_api, v5_world, code, resource, path):
    items = staff_api.get(f"{path}?limit=3").json()
    if not items:
        pytest.skip(f"no {resource} to read")
    projected = staff_api.get(f"{path}?fields=id&limit=3").json()
    assert projected == [{"id": i["id"], "href": i["href"], "@type": i["@type"]} for i in items]


def test_an_order_posted_in_v4_reads_in_v5_and_one_posted_in_v5_reads_in_v4(api, channel,
                                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        in_v4 = post_json(api, ORDERING + "v4/productOrder", v4_order(channel), channel["token"]).json()
        in_v5 = post_json(api, ORDERING + "v5/productOrder", v5_order(channel), channel["token"]).json()
    read = {(order["id"], version): api.get(f"{ORDERING}{version}/productOrder/{order['id']}",
                                            **bearer(channel["token"])).json()
            for order in (in_v4, in_v5) for version in ("v4", "v5")}
    for order, external in ((in_v4, "shop-41"), (in_v5, "shop-42")):
        v4, v5 = read[(order["id"], "v4")], read[(order["id"], "v5")]
        assert (v4["id"], v4["state"], v5["id"], v5["state"]) == (order["id"], "acknowledged") * 2
        assert (v4["externalId"], v5["externalId"]) == (external, [{"@type": "ExternalIdentifier", "id": external}])
        assert v4["relatedParty"] == [{"id": channel["customer"], "role": "customer",
                                       "@referredType": "Organization"}]
        assert v5["relatedParty"] == [{"@type": "RelatedPartyRefOrPartyRoleRef", "role": "customer",
                                       "partyOrPartyRole": {"id": channel["customer"], "@type": "PartyRef",
                                                            "@referredType": "Organization"}}]
        assert (v4["orderDate"], v4["@type"], v5["@type"]) == (v5["creationDate"], "ProductOrder", "ProductOrder")
        assert v5["href"] == v4["href"].replace("/v4/", "/v5/")
        assert v5["productOrderItem"][0]["productOffering"]["href"].endswith(
            f"/tmf-api/productCatalogManagement/v5/productOffering/{channel['offering']}")
        assert_valid("tmf622-v5", "ProductOrder", v5)
    assert tmf_schema_errors(SPEC_FILES["tmf622"], "ProductOrder", read[(in_v5["id"], "v4")]) == []


@pytest.mark.parametrize("body, problem", [
    ({}, "@type: is required (the kind of productOrder)"),
    ({"@type": "MobileProductOrder"}, "@type: must be 'ProductOrder': no other kind of productOrder is carried here"),
    ({"@type": "ProductOrder", "externalId": "shop-1"}, "externalId: is a list of ExternalIdentifier in v5"),
    ({"@type": "ProductOrder", "relatedParty": [{"id": "p1", "role": "customer"}]},
     "relatedParty: each item is {role, partyOrPartyRole: {id, ...}} in v5"),
])
def test_a_v5_create_without_the_v5_shape_is_a_v5_error_and_stores_nothing(api, channel, body, problem):
    from apps.product_ordering.models import ProductOrder

    payload = {key: value for key, value in v5_order(channel).items() if key not in ("@type", "externalId",
                                                                                      "relatedParty")} | body
    response = post_json(api, ORDERING + "v5/productOrder", payload, channel["token"])
    error = assert_tmf_error(response, 400, "INVALID_REQUEST")
    assert error["message"] == problem
    assert_valid("tmf622-v5", "Error", error)
    assert (ProductOrder.objects.count(), OutboxEvent.objects.filter(resource_type="productOrder").count()) == (0, 0)


def test_v5_errors_are_v5_error_bodies(api, channel):
    unknown = api.get(ORDERING + "v5/productOrder/nope", **bearer(channel["token"]))
    assert_valid("tmf622-v5", "Error", assert_tmf_error(unknown, 404, "NOT_FOUND"))
    anonymous = api.get("/tmf-api/serviceInventory/v5/service")
    assert_valid("tmf638-v5", "Error", assert_tmf_error(anonymous, 401, "UNAUTHORIZED"))


def test_v5_merge_patch_changes_what_v4_reads_and_refuses_the_state(api, channel, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        order = post_json(api, ORDERING + "v5/productOrder", v5_order(channel), channel["token"]).json()
    url = f"{ORDERING}v5/productOrder/{order['id']}"
    patched = patch_merge(api, url, {"description": "via v5", "@type": "ProductOrder"}, channel["token"])
    assert patched.status_code == 200, patched.content[:500]
    assert_valid("tmf622-v5", "ProductOrder", patched.json())
    v4 = api.get(f"{ORDERING}v4/productOrder/{order['id']}", **bearer(channel["token"])).json()
    assert (patched.json()["description"], v4["description"]) == ("via v5", "via v5")
    refused = patch_merge(api, url, {"state": "completed"}, channel["token"])
    assert_tmf_error(refused, 400, "INVALID_REQUEST")
    assert api.get(url, **bearer(channel["token"])).json()["state"] == "acknowledged"


def test_json_patch_where_the_v5_spec_allows_it(staff_api, channel):
    created = post_json(staff_api, "/tmf-api/productCatalogManagement/v5/productOffering",
                        {"@type": "ProductOffering", "name": "Patchable"}).json()
    url = f"/tmf-api/productCatalogManagement/v5/productOffering/{created['id']}"
    patched = staff_api.patch(url, data=json.dumps([{"op": "add", "path": "/description", "value": "by JSON Patch"},
                                                    {"op": "test", "path": "/name", "value": "Patchable"}]),
                              content_type="application/json-patch+json")
    assert patched.status_code == 200, patched.content[:500]
    assert patched.json()["description"] == "by JSON Patch"
    assert_valid("tmf620-v5", "ProductOffering", patched.json())
    failed_test = staff_api.patch(url, data=json.dumps([{"op": "test", "path": "/name", "value": "Other"},
                                                        {"op": "replace", "path": "/description", "value": "no"}]),
                                  content_type="application/json-patch+json")
    assert_tmf_error(failed_test, 400, "INVALID_REQUEST")
    assert staff_api.get(url).json()["description"] == "by JSON Patch"
    # TMF622 v5 takes merge-patch only: a JSON Patch body is the wrong media type there.
    with_orders = staff_api.patch(f"{ORDERING}v5/productOrder/x", data="[]", content_type="application/json-patch+json")
    assert_tmf_error(with_orders, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_v5_list_filters_take_v5_names_and_values(staff_api, channel, django_capture_on_commit_callbacks):
    """A v5 list is asked in v5 words: TMF638 operatingStatus `running` (v4 `ok`), TMF622 creationDate (v4
    orderDate). They reached the v4 FilterSet untranslated and matched nothing (found by the security walker)."""
    services = "/tmf-api/serviceInventory/v5/service"
    service = send(staff_api, "staff", channel, "post", services, creates(channel)["tmf638-v5"][1]).json()
    assert service["operatingStatus"] == "running"
    running = staff_api.get(services, {"operatingStatus": "running", "id": service["id"]})
    assert [item["id"] for item in running.json()] == [service["id"]]
    assert staff_api.get(services, {"operatingStatus": "stopped,degraded", "id": service["id"]}).json() == []
    with django_capture_on_commit_callbacks(execute=False):
        order = post_json(staff_api, ORDERING + "v5/productOrder", v5_order(channel), channel["token"]).json()
    orders = ORDERING + "v5/productOrder"
    since = {"creationDate.gte": order["creationDate"], "id": order["id"]}
    assert [item["id"] for item in staff_api.get(orders, since).json()] == [order["id"]]
    assert staff_api.get(orders, {"creationDate.gt": order["creationDate"], "id": order["id"]}).json() == []


def test_v5_hub_needs_the_type_and_renders_it(api, channel):
    refused = post_json(api, ORDERING + "v5/hub", {"callback": "http://127.0.0.1:9/l"}, channel["token"])
    assert_tmf_error(refused, 400, "INVALID_REQUEST")
    assert HubSubscription.objects.count() == 0
    hub = post_json(api, ORDERING + "v5/hub", {"callback": "http://127.0.0.1:9/l", "@type": "Hub"}, channel["token"])
    assert hub.status_code == 201
    assert_valid("tmf622-v5", "Hub", hub.json())
    assert HubSubscription.objects.get().api == "tmf622-v5"


def test_one_outbox_row_reaches_a_v4_hub_in_v4_and_a_v5_hub_in_v5(staff_api, channel,
                                                                  django_capture_on_commit_callbacks):
    """Each of the six APIs: a staff listener on v4 and one on v5; what v5 creates emits rows whose envelopes
    validate against the v4 spec for the v4 hub and the v5 spec for the v5 hub."""
    for code in creates(channel):
        family = api_family(code)
        for hub_code in (family, code):
            HubSubscription.objects.create(api=hub_code, callback=f"http://127.0.0.1:9/{hub_code}")
    with django_capture_on_commit_callbacks(execute=True):
        created = {code: send(staff_api, who, channel, "post", base_of(code) + resource, body)
                   for code, (resource, body, who) in creates(channel).items()}
    assert {code: response.status_code for code, response in created.items()} == {code: 201 for code in created}
    for code, response in created.items():
        events = list(OutboxEvent.objects.filter(resource_id=response.json()["id"], api=api_family(code)))
        assert events, code
        for event in events:
            deliveries = {d.subscription.api: d for d in Delivery.objects.filter(event=event, kind="listener")
                          .select_related("subscription")}
            assert set(deliveries) == {api_family(code), code}, (code, event.event_type)
            v4, v5 = (event_envelope(event, hub) for hub in (api_family(code), code))
            assert (v4["eventId"], v4["eventTime"]) == (v5["eventId"], v5["eventTime"])
            assert_valid(code, v5["eventType"], v5, kind="events")
            (v4_body,), (v5_body,) = v4["event"].values(), v5["event"].values()
            assert v4_body["id"] == v5_body["id"] == response.json()["id"]
            if SPEC_FILES[api_family(code)] and v4["eventType"] in _v4_definitions(api_family(code)):
                assert tmf_schema_errors(SPEC_FILES[api_family(code)], v4["eventType"], v4) == []
                VALIDATED[(api_family(code), "events")] += 1


def _v4_definitions(code):
    from bss.testing import load_spec

    return (load_spec(SPEC_FILES[code]) or {}).get("definitions", {})


def v5_create_bodies():
    """(code, path, kind) of every v5 create, the kind as the served schema states it (the body's @type enum)."""
    from bss.api.catalogue import mounted_apis, schema_for

    found = []
    for code in (c for c in mounted_apis() if c.endswith("-v5")):
        schema = schema_for(code)
        for path, operations in schema["paths"].items():
            body = operations.get("post", {}).get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                component = schema["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[-1]]
                found.append((code, path, component["properties"]["@type"]["enum"]))
    return found


@pytest.mark.parametrize("code, path, kinds", v5_create_bodies())
def test_the_v5_schema_names_the_one_type_a_create_accepts(api, demo_data, db, code, path, kinds):
    from apps.parties.demo import CONFORMANCE_CLIENT

    token = token_issue(client_name=CONFORMANCE_CLIENT).token
    [kind] = kinds
    if "/{id}/" in path:  # a task on a resource (a cart's checkout): on one that exists
        collection = path.split("/{id}/")[0]
        made = post_json(api, collection, {"@type": camel(collection.rsplit("/", 1)[-1])}, token)
        assert made.status_code == 201, made.content[:300]
        path = path.replace("{id}", made.json()["id"])
    other = post_json(api, path, {"@type": f"Other{kind}"}, token)
    assert other.status_code == 400 and f"'{kind}'" in other.json()["message"], other.content[:300]
    named = post_json(api, path, {"@type": kind}, token)
    # Accepted, or refused for what else the body lacks (an empty cart cannot check out: 422), not for its @type.
    assert named.status_code in (201, 400, 422), named.content[:300]
    assert named.status_code == 201 or "@type" not in named.json()["message"], named.content[:300]
