"""TMF633 catalogs, categories and candidates; versions of service specs; refusals that change nothing."""
import pytest

from apps.parties.testing import make_channel
from apps.service_catalog.models import ServiceCandidate, ServiceSpecification
from bss.models import OutboxEvent
from bss.testing import assert_tmf_error, bearer, patch_merge, post_json

BASE = "/tmf-api/serviceCatalogManagement/v4/"


@pytest.fixture
def writer(db):
    return make_channel("catalog-writer", scopes=["tmf633.read", "tmf633.write"])[1]


def create(api, resource, payload, token):
    response = post_json(api, BASE + resource, payload, token)
    assert response.status_code == 201, response.content
    return response.json()


def test_catalog_category_candidate_tree(api, writer):
    spec = create(api, "serviceSpecification", {"name": "IPTV"}, writer)
    root = create(api, "serviceCategory", {"name": "Video"}, writer)
    child = create(api, "serviceCategory", {"name": "Linear TV", "parentId": root["id"]}, writer)
    candidate = create(api, "serviceCandidate", {"name": "IPTV", "serviceSpecification": {"id": spec["id"]},
                                                 "category": [{"id": child["id"]}]}, writer)
    catalog = create(api, "serviceCatalog", {"name": "Services", "category": [{"id": root["id"]}]}, writer)
    assert (child["isRoot"], child["parentId"], root["isRoot"]) == (False, root["id"], True)
    assert candidate["serviceSpecification"] == {"id": spec["id"], "href": spec["href"], "name": "IPTV",
                                                 "version": "1.0"}
    assert [c["id"] for c in candidate["category"]] == [child["id"]]
    assert [c["id"] for c in catalog["category"]] == [root["id"]]
    root_now = api.get(f"{BASE}serviceCategory/{root['id']}", **bearer(writer)).json()
    assert [c["id"] for c in root_now["category"]] == [child["id"]]
    child_now = api.get(f"{BASE}serviceCategory/{child['id']}", **bearer(writer)).json()
    assert [c["id"] for c in child_now["serviceCandidate"]] == [candidate["id"]]


def test_candidate_needs_a_known_spec(api, writer):
    body = assert_tmf_error(post_json(api, BASE + "serviceCandidate", {"name": "x"}, writer), 400)
    assert body["referenceError"] == "serviceSpecification"
    body = assert_tmf_error(post_json(api, BASE + "serviceCandidate",
                                      {"name": "x", "serviceSpecification": {"id": "nope"}}, writer), 400)
    assert body["referenceError"] == "serviceSpecification"
    assert ServiceCandidate.objects.count() == 0


def test_spec_referenced_elsewhere_cannot_be_deleted(api, writer):
    rfs = create(api, "serviceSpecification", {"name": "RFS"}, writer)
    create(api, "serviceSpecification", {"name": "CFS", "serviceSpecRelationship": [{"id": rfs["id"]}]}, writer)
    events = OutboxEvent.objects.count()
    assert_tmf_error(api.delete(f"{BASE}serviceSpecification/{rfs['id']}", **bearer(writer)), 409, "CONFLICT")
    assert (ServiceSpecification.objects.count(), OutboxEvent.objects.count()) == (2, events)


def test_spec_versions_side_by_side(api, writer):
    first = create(api, "serviceSpecification", {"name": "VoIP", "lifecycleStatus": "active",
                                                 "activation": {"serviceFamily": "voip", "activator": "sip"}}, writer)
    second = create(api, "serviceSpecification", {"name": "VoIP", "version": "1.1",
                                                  "activation": {"serviceFamily": "voip", "activator": "sip2"}}, writer)
    assert (first["version"], second["version"]) == ("1.0", "1.1")
    listed = api.get(BASE + "serviceSpecification?name=VoIP", **bearer(writer))
    assert listed["X-Total-Count"] == "2"
    assert [s["version"] for s in api.get(BASE + "serviceSpecification?version=1.1",
                                          **bearer(writer)).json()] == ["1.1"]
    assert_tmf_error(patch_merge(api, f"{BASE}serviceSpecification/{first['id']}",
                                 {"activation": {"activator": "other"}}, writer), 409)
    assert ServiceSpecification.objects.get(pk=first["id"]).activator == "sip"


def test_patch_characteristics_replaces_them_and_checks_the_template(api, writer):
    spec = create(api, "serviceSpecification", {
        "name": "Mobile", "specCharacteristic": [{"name": "msisdn"}], "configurationTemplate": {"msisdn": "hlr.id"}},
        writer)
    refused = patch_merge(api, f"{BASE}serviceSpecification/{spec['id']}", {"specCharacteristic": [{"name": "imsi"}]},
                          writer)
    assert assert_tmf_error(refused, 400)["referenceError"] == "configTemplate"
    response = patch_merge(api, f"{BASE}serviceSpecification/{spec['id']}", {
        "specCharacteristic": [{"name": "imsi"}], "configurationTemplate": {"imsi": "hlr.imsi"}}, writer)
    assert response.status_code == 200, response.content
    assert [c["name"] for c in response.json()["specCharacteristic"]] == ["imsi"]
