import json

import pytest
from django.core.management import call_command

from bss.testing import bearer

from .routes import tmf_routes

# The smallest v4 body that creates one object on each owned collection (by its v4 name; other versions get it
# through their dialect, Route.wire), so that the isolation tests have another channel's object on every owned
# route. A new owned route without an entry here fails test_every_owned_route_has_an_object_of_another_channel.
CALLBACK = {"callback": "http://127.0.0.1:9/listener"}
CREATE_BODIES = {
    "productOfferingQualification": lambda world: {},
    "checkServiceQualification": lambda world: {"serviceQualificationItem": [{}]},
    "queryServiceQualification": lambda world: {"searchCriteria": {"service": {"place": [{"role": "x"}]}}},
    "shoppingCart": lambda world: {},
    "productOrder": lambda world: {"productOrderItem": [{"id": "1", "action": "add"}]},
    "cancelProductOrder": lambda world: {"productOrder": {"id": world["productOrder"]}, "cancellationReason": "x"},
    "product": lambda world: {"name": "x", "status": "created"},
    "serviceOrder": lambda world: {"serviceOrderItem": [{"id": "1", "action": "add", "service": {
        "serviceSpecification": {"id": "spec-none", "version": "1.0"}}}]},
    "cancelServiceOrder": lambda world: {"serviceOrder": {"id": world["serviceOrder"]}},
    "service": lambda world: {"state": "active", "serviceSpecification": {"id": "1212", "version": "1.0"}},
    "hub": lambda world: CALLBACK,
}


def owned_collections():
    """Owned list routes in creation order (a cancellation after what it cancels)."""
    routes = [route for route in tmf_routes() if route.owned and not route.is_detail and "POST" in route.methods]
    return sorted(routes, key=lambda route: route.resource.startswith("cancel"))


def create_body(route, world_ids: dict) -> dict:
    """The body that creates one object on `route` in its version; {} where there is none (the catalogs).
    world_ids: v4 resource name → an object of that version made earlier (what a cancellation names)."""
    maker = CREATE_BODIES.get(route.resource)
    return route.wire(maker(world_ids)) if maker else {}


def all_scopes_channel(name: str):
    from apps.parties.auth import all_scopes
    from apps.parties.testing import make_channel

    return make_channel(name, scopes=list(all_scopes()))


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker):
    """Two channels with every scope; channel B owns one object on every owned collection (committed once for
    the package; each test's own writes roll back), in every version."""
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        party_a, token_a = all_scopes_channel("sec-channel-a")
        party_b, token_b = all_scopes_channel("sec-channel-b")
        client = APIClient()
        objects = {}  # collection route pattern → id of channel B's object
        ids = {}  # version → v4 resource name → id of B's first object there
        for route in owned_collections():
            if route.resource not in CREATE_BODIES:
                continue
            version_ids = ids.setdefault(route.version, {})
            response = client.post(route.url(), data=json.dumps(create_body(route, version_ids)),
                                   content_type="application/json", **bearer(token_b))
            assert response.status_code == 201, (route.pattern, response.status_code, response.content[:300])
            objects[route.pattern] = response.json()["id"]
            version_ids.setdefault(route.resource, response.json()["id"])
    yield {"a": (party_a, token_a), "b": (party_b, token_b), "objects": objects, "ids": ids}
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
