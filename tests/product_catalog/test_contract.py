"""Real TMF620 responses (list, get, create) validate against the official v4.1.0 definitions."""
import pytest

from apps.parties.testing import make_channel
from bss.testing import bearer, post_json
from tests.catalog_fixtures import tmf_schema_errors

SPEC = "TMF620-ProductCatalog-v4.1.0.swagger.json"
BASE = "/tmf-api/productCatalogManagement/v4/"
# resource → (definition, minimal create payload)
RESOURCES = {
    "catalog": ("Catalog", {"name": "Contract catalog"}),
    "category": ("Category", {"name": "Contract category"}),
    "productOffering": ("ProductOffering", {"name": "Contract offering"}),
    "productOfferingPrice": ("ProductOfferingPrice", {"name": "Contract price", "priceType": "usage",
                                                      "unitOfMeasure": {"units": "GB"}}),
    "productSpecification": ("ProductSpecification", {"name": "Contract spec"}),
    "importJob": ("ImportJob", {"content": {}}),
    "exportJob": ("ExportJob", {"query": "catalog"}),
}


@pytest.fixture
def writer(demo_catalog):
    return make_channel("contract-writer", scopes=["tmf620.read", "tmf620.write"])[1]


@pytest.mark.parametrize("resource", RESOURCES)
def test_list_get_and_create_match_the_spec(api, writer, resource):
    definition, payload = RESOURCES[resource]
    created = post_json(api, BASE + resource, payload, writer)
    assert created.status_code == 201, created.content
    assert tmf_schema_errors(SPEC, definition, created.json()) == []
    listed = api.get(BASE + resource, **bearer(writer)).json()
    assert listed
    for item in listed:
        assert tmf_schema_errors(SPEC, definition, item) == [], item["id"]
    one = api.get(f"{BASE}{resource}/{listed[0]['id']}", **bearer(writer)).json()
    assert tmf_schema_errors(SPEC, definition, one) == []
