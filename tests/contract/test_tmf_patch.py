"""PATCH (merge-patch) answers of every resource that allows it validate against the official spec."""
import pytest
from django.urls import resolve

from bss.api.catalogue import SPEC_FILES, mounted_resources
from bss.testing import patch_merge, post_json
from tests.catalog_fixtures import tmf_schema_errors

PATCHABLE = [(code, resource, path) for code, resource, path in mounted_resources()
             if "partial_update" in resolve(f"{path}/x").func.cls.supported_actions()]
# Created first where the demo's items cannot take the change: active catalog entries are immutable (a change
# needs a new version), and the demo has no orders. Minimal payloads, as the CTKs send.
CREATE = {resource: {"name": f"Contract {resource}"} for resource in (
    "catalog", "category", "productOffering", "productSpecification", "serviceCatalog", "serviceCategory",
    "serviceSpecification")}
CREATE |= {"serviceCandidate": lambda api: {"name": "Contract serviceCandidate", "serviceSpecification": {
               "id": api.get("/tmf-api/serviceCatalogManagement/v4/serviceSpecification?limit=1").json()[0]["id"]}},
           "productOfferingPrice": {"name": "Contract price", "priceType": "usage", "unitOfMeasure": {"units": "GB"}},
           "productOrder": {"productOrderItem": [{"id": "1", "action": "add"}]},
           "serviceOrder": {"serviceOrderItem": [{"id": "1", "action": "add", "service": {
               "serviceSpecification": {"id": "contract-spec"}}}]}}
# A harmless change each resource accepts and renders (a cart has no description).
CHANGES = {"shoppingCart": {"validFor": {"startDateTime": "2026-01-01T00:00:00+00:00",
                                         "endDateTime": "2099-01-01T00:00:00+00:00"}}}


@pytest.mark.parametrize("api_code, resource, path", PATCHABLE)
def test_patch_answers_validate_against_the_official_spec(staff_api, api_code, resource, path,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # no async work: only the answers matter here
        if resource in CREATE:
            payload = CREATE[resource]
            created = post_json(staff_api, path, payload(staff_api) if callable(payload) else payload)
            assert created.status_code == 201, created.content[:500]
            ids = [created.json()["id"]]
        else:
            ids = [item["id"] for item in staff_api.get(f"{path}?limit=5").json()]
        if not ids:
            pytest.skip(f"no demo {resource} to patch")
        change = CHANGES.get(resource, {"description": "patched by the contract test"})
        answers = [patch_merge(staff_api, f"{path}/{item_id}", change) for item_id in ids]
    assert [response.status_code for response in answers] == [200] * len(ids), answers[0].content[:500]
    definition = resource[0].upper() + resource[1:]
    assert [tmf_schema_errors(SPEC_FILES[api_code], definition, response.json()) for response in answers] == \
        [[]] * len(ids)
    assert [{key: response.json().get(key) for key in change} for response in answers] == [change] * len(ids)
