"""importJob / exportJob: an export's data: URL imports back (as new versions); a bad import changes nothing."""
import pytest

from apps.product_catalog.models import ProductCatalogJob, ProductOffering, ProductSpecification
from apps.parties.testing import make_channel
from bss.api.catalog import data_url, data_url_content
from bss.models import OutboxEvent
from bss.testing import assert_tmf_error, bearer, post_json

BASE = "/tmf-api/productCatalogManagement/v4/"


@pytest.fixture
def writer(db):
    return make_channel("catalog-writer", scopes=["tmf620.read", "tmf620.write", "tmf633.read"])[1]


def test_export_then_import_round_trip(api, demo_catalog, writer):
    response = post_json(api, BASE + "exportJob", {"query": "productSpecification,productOffering"}, writer)
    assert response.status_code == 201, response.content
    job = response.json()
    assert (job["status"], job["query"], job["contentType"]) == ("Succeeded", "productSpecification,productOffering",
                                                                 "application/json")
    assert response["Location"] == job["href"]
    dump = data_url_content(job["url"])
    assert sorted(dump) == ["productOffering", "productSpecification"]
    assert len(dump["productOffering"]) == ProductOffering.objects.count() == 8

    # Imported into the catalog they came from, they become the next versions of what they copy.
    only_voip = {name: [{**item, "version": "2.0"} for item in items if item["name"] == "VoIP Line"]
                 for name, items in dump.items()}
    imported = post_json(api, BASE + "importJob", {"url": data_url(only_voip)}, writer)
    assert imported.status_code == 201, imported.content
    assert imported.json()["status"] == "Succeeded", imported.json()["errorLog"]
    new_offering = ProductOffering.objects.get(name="VoIP Line", version="2.0")
    new_spec = ProductSpecification.objects.get(name="VoIP Line", version="2.0")
    assert new_offering.product_specification == new_spec  # the ref followed the imported spec
    assert new_offering.lifecycle_status == "active"
    assert [c.name for c in new_spec.characteristics.all()] == ["phone_number", "codec"]


def test_failed_import_changes_nothing_and_says_why(api, writer):
    content = {"productSpecification": [{"name": "Fine"}], "productOffering": [{"name": "Bad", "isBundle": "maybe"}]}
    response = post_json(api, BASE + "importJob", {"content": content}, writer)
    assert response.status_code == 201
    job = response.json()
    assert job["status"] == "Failed"
    assert "productOffering[0]" in job["errorLog"] and "isBundle" in job["errorLog"]
    assert (ProductSpecification.objects.count(), ProductOffering.objects.count(), OutboxEvent.objects.count()) == (
        0, 0, 0)


@pytest.mark.parametrize("payload, reference", [
    ({}, "url"),
    ({"url": "https://example.com/catalog.json"}, "url"),
    ({"url": "data:application/json,{nope"}, "url"),
    ({"content": {"satellites": []}}, "content"),
])
def test_bad_import_request_is_400(api, writer, payload, reference):
    body = assert_tmf_error(post_json(api, BASE + "importJob", payload, writer), 400)
    assert body["referenceError"] == reference
    assert ProductCatalogJob.objects.count() == 0


def test_jobs_list_get_and_delete(api, writer):
    job = post_json(api, BASE + "exportJob", {}, writer).json()
    assert [j["id"] for j in api.get(BASE + "exportJob", **bearer(writer)).json()] == [job["id"]]
    assert api.get(BASE + "importJob", **bearer(writer)).json() == []
    assert api.delete(f"{BASE}exportJob/{job['id']}", **bearer(writer)).status_code == 204
    assert ProductCatalogJob.objects.count() == 0
