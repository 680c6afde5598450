"""The committed per-API OpenAPI schemas match the code (regenerate with `make schemas`)."""
import json
from pathlib import Path

import pytest
from django.conf import settings
from openapi_spec_validator import validate

from bss.api.catalogue import mounted_apis, schema_for
from bss.api.hub_views import CALLBACK_PATTERN

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi"


def served():
    return list(mounted_apis())


@pytest.mark.parametrize("code", served())
def test_committed_schema_is_current(code):
    path = COMMITTED / f"{code}.json"
    assert path.exists(), f"{path} missing: run `make schemas`"
    generated = json.loads(json.dumps(schema_for(code), sort_keys=True))
    assert json.loads(path.read_text()) == generated, f"{path} is stale: run `make schemas`"


@pytest.mark.parametrize("code", served())
def test_schema_is_valid_openapi(code):
    validate(schema_for(code))


def test_no_orphan_committed_schema():
    committed = {p.stem for p in COMMITTED.glob("*.json")} if COMMITTED.exists() else set()
    assert committed <= set(served())


def links_of(schema: dict) -> dict[str, dict]:
    """operationId of each create → its 201 response's links."""
    return {operations["post"]["operationId"]: operations["post"]["responses"]["201"].get("links", {})
            for operations in schema["paths"].values() if "201" in operations.get("post", {}).get("responses", {})}


def test_each_create_links_to_every_operation_on_the_object_it_made():
    """Stateful fuzzing follows these: the 201 body's id fills the {id} of the object's routes and sub-routes."""
    links = links_of(schema_for("tmf663"))
    assert {create: sorted(targets) for create, targets in links.items()} == {
        "hub_create": ["hub_destroy", "hub_retrieve"],
        "shoppingCart_create": ["shoppingCart_checkout_create", "shoppingCart_destroy",
                                "shoppingCart_partial_update", "shoppingCart_retrieve"]}
    assert links["shoppingCart_create"]["shoppingCart_checkout_create"] == {
        "operationId": "shoppingCart_checkout_create", "parameters": {"id": "$response.body#/id"}}


@pytest.mark.parametrize("code", served())
def test_every_object_route_is_reached_by_a_link_when_its_collection_creates(code):
    schema = schema_for(code)
    targets = {target for links in links_of(schema).values() for target in links}
    creating = [path for path, operations in schema["paths"].items() if "post" in operations and "{" not in path]
    expected = {operation["operationId"] for path, operations in schema["paths"].items()
                for operation in operations.values()
                if any(path.startswith(collection + "/{") for collection in creating)}
    assert targets == expected
    assert expected  # every API creates something (its hub at least)


def test_a_list_that_may_not_be_empty_says_so_in_the_request_schema():
    """allow_empty=False becomes minItems 1 (fuzzers and clients send what the API accepts); responses keep none."""
    components = schema_for("tmf622")["components"]["schemas"]
    assert components["ProductOrderCreateRequest"]["properties"]["productOrderItem"]["minItems"] == 1
    assert "minItems" not in components["ProductOrder"]["properties"]["productOrderItem"]


@pytest.mark.parametrize("code", served())
def test_a_hub_callback_is_an_http_url_in_the_schema(code):
    """What bss.hub accepts, so generated subscriptions get created and stateful fuzzing reaches /hub/{id}."""
    callback = schema_for(code)["components"]["schemas"]["HubCreateRequest"]["properties"]["callback"]
    assert callback == {"type": "string", "pattern": CALLBACK_PATTERN, "maxLength": 500, "minLength": 1}
