"""Real TMF637 responses validate against the official v4.0.0 schema (skipped when the spec is absent)."""
import pytest

from apps.product_inventory import services
from bss.testing import bearer
from tests.catalog_fixtures import tmf_schema_errors

from .test_products import PRODUCTS, facts

SPEC = "TMF637-ProductInventory-v4.0.0.swagger.json"


@pytest.mark.parametrize("status", ["active", "pendingActive", "pendingTerminate", "terminated"])
def test_products_match_the_spec(api, channel_a, status):
    party, token = channel_a
    product = services.product_upsert_from_order(facts=facts(party, status=status))
    body = api.get(f"{PRODUCTS}/{product.pk}", **bearer(token)).json()
    assert tmf_schema_errors(SPEC, "Product", body) == []
    assert [tmf_schema_errors(SPEC, "Product", item) for item in api.get(PRODUCTS, **bearer(token)).json()] == [[]]


def test_demo_products_match_the_spec(api, db):
    from apps.parties import demo as parties_demo
    from apps.parties.services import token_issue
    from apps.product_inventory import demo

    parties_demo.seed()
    demo.seed()
    token = token_issue(client_name="demo-channel").token
    listed = api.get(PRODUCTS, **bearer(token)).json()
    assert len(listed) == 2
    assert [tmf_schema_errors(SPEC, "Product", item) for item in listed] == [[], []]


def test_a_product_of_a_degraded_service_matches_the_spec(api, channel_a):
    """The serviceHealth characteristic is a plain TMF637 Characteristic: no extension of the schema."""
    party, token = channel_a
    product = services.product_upsert_from_order(facts=facts(party))
    services.product_follow_service_health(service_id="svc-1", operating_status="degraded")

    body = api.get(f"{PRODUCTS}/{product.pk}", **bearer(token)).json()
    assert body["productCharacteristic"][-1] == {"name": "serviceHealth", "valueType": "string", "value": "degraded"}
    assert tmf_schema_errors(SPEC, "Product", body) == []
