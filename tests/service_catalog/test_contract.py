"""Real TMF633 responses (list, get, create) validate against the official v4.0.0 definitions."""
import pytest

from apps.parties.testing import make_channel
from bss.testing import bearer, post_json
from tests.catalog_fixtures import tmf_schema_errors

SPEC = "TMF633-ServiceCatalog-v4.0.0.swagger.json"
BASE = "/tmf-api/serviceCatalogManagement/v4/"
RESOURCES = {
    "serviceCatalog": ("ServiceCatalog", {"name": "Contract catalog"}),
    "serviceCategory": ("ServiceCategory", {"name": "Contract category"}),
    "serviceSpecification": ("ServiceSpecification", {"@type": "ResourceFacingServiceSpecification",
                                                      "name": "Contract spec"}),
    "importJob": ("ImportJob", {"content": {}}),
    "exportJob": ("ExportJob", {}),
}


@pytest.fixture
def writer(demo_catalog):
    return make_channel("contract-writer", scopes=["tmf633.read", "tmf633.write"])[1]


def candidate_payload(api, token):
    spec = api.get(BASE + "serviceSpecification?name=IPTV", **bearer(token)).json()[0]
    return {"name": "Contract candidate", "serviceSpecification": {"id": spec["id"], "version": spec["version"]}}


@pytest.mark.parametrize("resource", [*RESOURCES, "serviceCandidate"])
def test_list_get_and_create_match_the_spec(api, writer, resource):
    definition, payload = RESOURCES.get(resource) or ("ServiceCandidate", candidate_payload(api, writer))
    created = post_json(api, BASE + resource, payload, writer)
    assert created.status_code == 201, created.content
    assert tmf_schema_errors(SPEC, definition, created.json()) == []
    listed = api.get(BASE + resource, **bearer(writer)).json()
    assert listed
    for item in listed:
        assert tmf_schema_errors(SPEC, definition, item) == [], item["id"]
    one = api.get(f"{BASE}{resource}/{listed[0]['id']}", **bearer(writer)).json()
    assert tmf_schema_errors(SPEC, definition, one) == []
