"""Hub events: every catalog write emits its TMF event, rendered as TMF JSON for tmf620/tmf633 listeners."""
import pytest

from apps.parties.testing import make_channel
from bss.models import HubSubscription, OutboxEvent
from bss.testing import bearer, patch_merge, post_json

PRODUCT = "/tmf-api/productCatalogManagement/v4/"
SERVICE = "/tmf-api/serviceCatalogManagement/v4/"


@pytest.fixture
def writer(db):
    return make_channel("catalog-writer", scopes=["tmf620.read", "tmf620.write", "tmf633.read", "tmf633.write"])[1]


def test_offering_events_carry_the_tmf_rendering_for_listeners(api, writer, django_capture_on_commit_callbacks):
    assert post_json(api, PRODUCT + "hub", {"callback": "http://127.0.0.1:9/listener"}, writer).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        offering = post_json(api, PRODUCT + "productOffering", {"name": "Evented"}, writer).json()
    with django_capture_on_commit_callbacks(execute=True):
        patch_merge(api, f"{PRODUCT}productOffering/{offering['id']}", {"lifecycleStatus": "inTest"}, writer)
    with django_capture_on_commit_callbacks(execute=True):
        api.delete(f"{PRODUCT}productOffering/{offering['id']}", **bearer(writer))
    rows = list(OutboxEvent.objects.order_by("created_at"))
    assert [(e.event_type, e.api, e.resource_type, e.resource_id) for e in rows] == [
        ("ProductOfferingCreateEvent", "tmf620", "productOffering", offering["id"]),
        ("ProductOfferingStateChangeEvent", "tmf620", "productOffering", offering["id"]),
        ("ProductOfferingDeleteEvent", "tmf620", "productOffering", offering["id"])]
    created, changed, deleted = (e.tmf_body for e in rows)
    assert (created["id"], created["name"], created["@type"]) == (offering["id"], "Evented", "ProductOffering")
    assert changed["lifecycleStatus"] == "inTest"
    assert deleted is None  # gone: listeners get the id in the envelope
    assert rows[2].payload == {"id": offering["id"], "name": "Evented", "version": "1.0", "lifecycle_status": "inTest"}


def test_service_spec_events_use_the_tmf633_names(api, writer, django_capture_on_commit_callbacks):
    HubSubscription.objects.create(api="tmf633", callback="http://127.0.0.1:9/listener")
    with django_capture_on_commit_callbacks(execute=True):
        spec = post_json(api, SERVICE + "serviceSpecification", {"name": "Evented"}, writer).json()
        patch_merge(api, f"{SERVICE}serviceSpecification/{spec['id']}", {"description": "d"}, writer)
    assert list(OutboxEvent.objects.order_by("created_at").values_list("event_type", "api")) == [
        ("ServiceSpecificationCreateEvent", "tmf633"), ("ServiceSpecificationChangeEvent", "tmf633")]
    assert OutboxEvent.objects.order_by("created_at").last().tmf_body["description"] == "d"
