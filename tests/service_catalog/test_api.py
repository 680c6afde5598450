"""TMF633 over HTTP: create/read/patch/delete, refs, extensions, filters, projection, errors."""
import pytest

from apps.service_catalog.models import ServiceSpecification
from bss.models import OutboxEvent
from apps.parties.testing import make_channel
from bss.testing import assert_tmf_error, bearer, patch_merge, post_json

BASE = "/tmf-api/serviceCatalogManagement/v4/"
SPECS = BASE + "serviceSpecification"


@pytest.fixture
def writer(db):
    return make_channel("catalog-writer", scopes=["tmf633.read", "tmf633.write"])[1]


@pytest.fixture
def reader(db):
    return make_channel("catalog-reader", scopes=["tmf633.read"])[1]


def test_minimal_ctk_payload_is_201_with_defaults_and_location_equal_to_href(api, writer):
    response = post_json(api, SPECS, {"@type": "ResourceFacingServiceSpecification", "name": "Firewall Service"},
                         writer)
    assert response.status_code == 201, response.content
    body = response.json()
    spec = ServiceSpecification.objects.get()
    assert response["Location"] == body["href"] == f"http://testserver{SPECS}/{spec.pk}"
    assert (body["id"], body["name"], body["version"], body["lifecycleStatus"], body["isBundle"], body["@type"]) == (
        str(spec.pk), "Firewall Service", "1.0", "inDesign", False, "ResourceFacingServiceSpecification")
    assert spec.is_cfs is False
    assert list(OutboxEvent.objects.values_list("event_type", "api", "resource_id")) == [
        ("ServiceSpecificationCreateEvent", "tmf633", str(spec.pk))]


def test_full_spec_with_characteristics_relationships_and_extensions(api, writer):
    rfs = post_json(api, SPECS, {"name": "Fibre RFS", "@type": "ResourceFacingServiceSpecification"}, writer).json()
    payload = {
        "name": "Fibre CFS", "@type": "CustomerFacingServiceSpecification", "version": "1.0",
        "specCharacteristic": [
            {"name": "bandwidth", "valueType": "string", "minCardinality": 1,
             "characteristicValueSpecification": [{"value": "500M"}, {"value": "1G", "isDefault": True}]},
        ],
        "serviceSpecRelationship": [{"id": rfs["id"], "relationshipType": "dependency"}],
        "resourceSpecification": [{"id": "ont-1", "name": "ONT"}],
        "configurationTemplate": {"bandwidth": "olt.profile.rate"},
        "activation": {"serviceFamily": "fibre_access", "activator": "fibre", "stepTimeouts": {"configure": 30},
                       "reconcileEverySeconds": 600},
    }
    response = post_json(api, SPECS, payload, writer)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["specCharacteristic"] == [{
        "name": "bandwidth", "valueType": "string", "configurable": True, "minCardinality": 1, "maxCardinality": 1,
        "characteristicValueSpecification": [{"value": "500M", "valueType": "string", "isDefault": False},
                                             {"value": "1G", "valueType": "string", "isDefault": True}]}]
    assert [(r["id"], r["relationshipType"], r["version"]) for r in body["serviceSpecRelationship"]] == [
        (rfs["id"], "dependency", "1.0")]
    assert body["resourceSpecification"] == [{"id": "ont-1", "name": "ONT"}]
    assert body["configurationTemplate"] == {"bandwidth": "olt.profile.rate"}
    assert body["activation"] == {"serviceFamily": "fibre_access", "activator": "fibre",
                                  "stepTimeouts": {"configure": 30}, "reconcileEverySeconds": 600}


@pytest.mark.parametrize("payload, reference", [
    ({}, "name"),
    ({"name": "x", "lifecycleStatus": "bogus"}, "lifecycleStatus"),
    ({"name": "x", "specCharacteristic": [{"name": "a", "valueType": "integer",
                                           "characteristicValueSpecification": [{"value": "nope"}]}]},
     "characteristic"),
    ({"name": "x", "configurationTemplate": {"missing": "param"}}, "configTemplate"),
    ({"name": "x", "serviceSpecRelationship": [{"id": "00000000-0000-0000-0000-000000000000"}]},
     "serviceSpecRelationship"),
    ({"name": "x", "activation": {"serviceFamily": "teleport"}}, "activation.serviceFamily"),
])
def test_bad_input_is_400_and_stores_nothing(api, writer, payload, reference):
    body = assert_tmf_error(post_json(api, SPECS, payload, writer), 400)
    assert body["referenceError"] == reference
    assert ServiceSpecification.objects.count() == 0
    assert OutboxEvent.objects.count() == 0


def test_read_token_can_list_but_not_create(api, reader):
    assert api.get(SPECS, **bearer(reader)).status_code == 200
    assert_tmf_error(post_json(api, SPECS, {"name": "x"}, reader), 403, "FORBIDDEN")
    assert ServiceSpecification.objects.count() == 0


def test_merge_patch_changes_name_and_moves_lifecycle(api, writer):
    created = post_json(api, SPECS, {"name": "VoIP"}, writer).json()
    response = patch_merge(api, f"{SPECS}/{created['id']}", {"name": "VoIP line", "lifecycleStatus": "active"}, writer)
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["lifecycleStatus"]) == ("VoIP line", "active")
    assert list(OutboxEvent.objects.order_by("created_at").values_list("event_type", flat=True)) == [
        "ServiceSpecificationCreateEvent", "ServiceSpecificationChangeEvent", "ServiceSpecificationChangeEvent"]


def test_list_filters_projection_and_headers(api, writer):
    for name in ("A", "B", "C"):
        post_json(api, SPECS, {"name": name}, writer)
    response = api.get(SPECS + "?name=B,C&fields=name&limit=1", **bearer(writer))
    assert response.status_code == 200
    assert (response["X-Total-Count"], response["X-Result-Count"]) == ("2", "1")
    [item] = response.json()
    assert set(item) == {"id", "href", "@type", "name"}
    assert item["name"] == "B"
    assert len(api.get(SPECS + "?isBundle=false", **bearer(writer)).json()) == 3
    assert len(api.get(SPECS + "?lifecycleStatus=active", **bearer(writer)).json()) == 0


def test_delete_is_204_then_404(api, writer):
    created = post_json(api, SPECS, {"name": "gone"}, writer).json()
    assert api.delete(f"{SPECS}/{created['id']}", **bearer(writer)).status_code == 204
    assert_tmf_error(api.get(f"{SPECS}/{created['id']}", **bearer(writer)), 404)
