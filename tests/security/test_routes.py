"""Security of every TMF route, generated from the URL configuration: no token → 401, a token without the
API's scope → 403, another channel's object → 404, and `fields=` / filters never reveal another party's data.
Every refusal also leaves everything as it was."""
import json

import pytest
from django.conf import settings

from apps.parties.auth import all_scopes
from apps.parties.testing import make_channel
from bss.api.catalogue import mounted_apis
from bss.models import OutboxEvent, TransitionLog
from bss.testing import assert_tmf_error, bearer

from .conftest import CREATE_BODIES, create_body
from .routes import tmf_routes

ROUTES = tmf_routes()
CALLS = [(route, method) for route in ROUTES for method in route.methods]
OWNED_DETAIL_CALLS = [(route, method) for route, method in CALLS if route.owned and route.is_detail]
OWNED_LISTS = [route for route in ROUTES if route.owned and not route.is_detail]


def call_id(value):
    return str(value)


def send(api, world, route, method, url, token=None):
    """The call, with a body that would be accepted by the route's version were the caller allowed: what creates
    an object on a collection (so a refusal is the caller's, not the body's), an empty merge-patch elsewhere."""
    headers = bearer(token) if token else {}
    body = None
    if method == "POST":
        body = {} if route.is_detail else create_body(route, world["ids"].get(route.version, {}))
    elif method == "PATCH":
        body = {}
    content_type = "application/merge-patch+json" if method == "PATCH" else "application/json"
    return api.generic(method, url, data=json.dumps(body) if body is not None else "", content_type=content_type,
                       **headers)


def url_for(route, world):
    return route.url(world["objects"].get(route.collection, "4f1c2a0e-0000-4000-8000-000000000000"))


def snapshot(api, route, world):
    """What a refused call must leave as it was: outbox and transition log, the route's table, and channel B's
    object as B sees it."""
    model = getattr(route.view, "queryset", None)
    rows = model.model.objects.count() if model is not None else None
    own = world["objects"].get(route.collection)
    seen = api.get(f"/{route.collection}/{own}", **bearer(world["b"][1])).json() if own else None
    return OutboxEvent.objects.count(), TransitionLog.objects.count(), rows, seen


def test_the_walk_finds_every_api_and_version_with_its_hub():
    assert {route.api for route in ROUTES} >= set(settings.BSS_TMF_APIS)
    assert {route.code for route in ROUTES} == set(mounted_apis())  # v4 and every v5 mount
    hubs = {(route.code, route.pattern.split(f"/{route.version}/")[-1], route.methods) for route in ROUTES
            if "/hub" in route.pattern}
    assert {code for code, _, _ in hubs} == set(mounted_apis())
    assert {(name, methods) for _, name, methods in hubs} == {("hub", ("GET", "POST")),
                                                              ("hub/<pk>", ("DELETE", "GET"))}
    patterns = {(route.pattern, route.methods) for route in ROUTES}
    assert ("tmf-api/productOrderingManagement/v4/productOrder/<pk>", ("DELETE", "GET", "PATCH")) in patterns
    assert ("tmf-api/productOrderingManagement/v5/productOrder/<pk>", ("DELETE", "GET", "PATCH")) in patterns
    assert ("tmf-api/productOfferingQualification/v5/checkProductOfferingQualification/<pk>", ("DELETE", "GET")) \
        in patterns


def test_only_the_catalogs_are_shared():
    """Everything else belongs to a party: the catalogs (and their import/export jobs) are public reference."""
    shared = {route.pattern.split("/")[1] for route in ROUTES if not route.owned and route.view.__name__ !=
              "ServiceOrderEventListener"}
    assert shared == {"productCatalogManagement", "serviceCatalogManagement"}


def test_every_owned_route_has_an_object_of_another_channel(world):
    assert {route.resource for route in OWNED_LISTS} == set(CREATE_BODIES)
    assert {route.resource for route in OWNED_LISTS if route.version == "v5"} == {
        "productOfferingQualification", "shoppingCart", "productOrder", "cancelProductOrder", "product", "service",
        "hub"}
    assert sorted(world["objects"]) == sorted(route.pattern for route in OWNED_LISTS if "POST" in route.methods)


def test_a_versions_create_body_is_the_v4_one_in_its_dialect(world):
    """v5 bodies carry @type and v5 shapes (the dialect's `out`), v4 ones are the fixtures as written."""
    by_pattern = {route.pattern: route for route in OWNED_LISTS}
    v4_order = by_pattern["tmf-api/productOrderingManagement/v4/productOrder"]
    v5_order = by_pattern["tmf-api/productOrderingManagement/v5/productOrder"]
    v5_hub = by_pattern["tmf-api/productOrderingManagement/v5/hub"]
    assert create_body(v4_order, {}) == {"productOrderItem": [{"id": "1", "action": "add"}]}
    assert create_body(v5_order, {}) == {"@type": "ProductOrder", "productOrderItem": [
        {"id": "1", "action": "add", "@type": "ProductOrderItem"}]}
    assert create_body(v5_hub, {}) == {"callback": "http://127.0.0.1:9/listener", "@type": "Hub"}


@pytest.mark.parametrize("route, method", CALLS, ids=[f"{m} {r}" for r, m in CALLS])
def test_no_token_is_401_and_changes_nothing(api, world, db, route, method):
    before = snapshot(api, route, world)
    assert_tmf_error(send(api, world, route, method, url_for(route, world)), 401, "UNAUTHORIZED")
    assert snapshot(api, route, world) == before


@pytest.mark.parametrize("route, method", CALLS, ids=[f"{m} {r}" for r, m in CALLS])
def test_a_token_without_the_apis_scope_is_403_and_changes_nothing(api, world, db, route, method):
    """Every scope of every other API, none of this one's."""
    _, token = make_channel("other-apis", scopes=[s for s in all_scopes() if not s.startswith(f"{route.api}.")])
    before = snapshot(api, route, world)
    assert_tmf_error(send(api, world, route, method, url_for(route, world), token), 403, "FORBIDDEN")
    assert snapshot(api, route, world) == before


WRITES = [(route, method) for route, method in CALLS if route.needs_write(method)]


@pytest.mark.parametrize("route, method", WRITES, ids=[f"{m} {r}" for r, m in WRITES])
def test_a_read_token_may_not_write(api, world, db, route, method):
    _, token = make_channel("reader", scopes=[f"{route.api}.read"])
    before = snapshot(api, route, world)
    assert_tmf_error(send(api, world, route, method, url_for(route, world), token), 403, "FORBIDDEN")
    assert snapshot(api, route, world) == before


@pytest.mark.parametrize("route, method", OWNED_DETAIL_CALLS, ids=[f"{m} {r}" for r, m in OWNED_DETAIL_CALLS])
def test_another_channels_object_is_404_and_unchanged(api, world, db, route, method):
    """Channel A holds every scope, and still cannot see or touch what channel B owns."""
    before = snapshot(api, route, world)
    assert_tmf_error(send(api, world, route, method, url_for(route, world), world["a"][1]), 404, "NOT_FOUND")
    assert snapshot(api, route, world) == before
    assert before[3]["id"] == world["objects"][route.collection]  # B still sees it


def filter_names(route) -> list[str]:
    filterset = getattr(route.view, "filterset_class", None)
    return sorted(filterset.get_filters()) if filterset else []


def listed_together(route, world) -> list[str]:
    """Ids of channel B's objects that `route`'s list shows: every version of a resource lists the same rows
    (one table, v5 over the v4 viewsets), while each version's hub has its own subscriptions."""
    return sorted(world["objects"][other.pattern] for other in OWNED_LISTS
                  if other.pattern in world["objects"] and (other.api, other.resource) == (route.api, route.resource)
                  and (other.code == route.code or route.resource != "hub"))


@pytest.mark.parametrize("route", OWNED_LISTS, ids=call_id)
def test_lists_fields_and_filters_never_show_another_channels_objects(api, world, db, route):
    """A's list is empty of B's objects however it is asked for: plain, projected with `fields=` naming every
    attribute, and filtered on each of the FilterSet's names with B's own value."""
    token_a, token_b = world["a"][1], world["b"][1]
    own = world["objects"][route.collection]
    mine = listed_together(route, world)
    theirs = api.get(f"{route.url()}/{own}", **bearer(token_b)).json()
    queries = [{}, {"fields": ",".join(theirs)}, {"id": own}]
    queries += [{name: str(theirs[name])} for name in filter_names(route)
                if isinstance(theirs.get(name), (str, int, bool))]
    for query in queries:
        response = api.get(route.url(), query, **bearer(token_a))
        assert (response.status_code, response.json(), response["X-Total-Count"]) == (200, [], "0"), query
        # The same question from the owner finds the object: the query really matches it.
        found = sorted(item["id"] for item in api.get(route.url(), query, **bearer(token_b)).json())
        if query in ({}, {"fields": ",".join(theirs)}):
            assert found == mine, query
        elif "id" in query:
            assert found == [own], query
        else:
            assert own in found and set(found) <= set(mine), query
    assert len(queries) >= 3
