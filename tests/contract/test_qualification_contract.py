"""TMF679/TMF645: the async (acknowledged/accepted) answers of POST, and the event envelopes their hubs deliver,
validate against the official specs."""
import pytest

from apps.parties.testing import make_channel
from bss.api.catalogue import SPEC_FILES
from bss.context import correlation_id_var
from bss.hub import event_envelope
from bss.models import Delivery, OutboxEvent
from bss.testing import bearer, outbox_drain, post_json
from tests.catalog_fixtures import tmf_schema_errors

POQ = "/tmf-api/productOfferingQualification/v4/"
SQ = "/tmf-api/serviceQualificationManagement/v4/"
# resource → (api, base path, async POST body, state of the answer, whether it can be deleted)
ASYNC = {
    "productOfferingQualification": ("tmf679", POQ, {"instantSyncQualification": False,
                                                     "productOfferingQualificationItem": [{"id": "1"}]},
                                     "acknowledged", True),
    "checkServiceQualification": ("tmf645", SQ, {"instantSyncQualification": False,
                                                 "serviceQualificationItem": [{}]}, "accepted", True),
    "queryServiceQualification": ("tmf645", SQ, {"instantSyncQualification": False, "searchCriteria": {}},
                                  "accepted", False),
}


def definition(name: str) -> str:
    return name[0].upper() + name[1:]


@pytest.fixture
def channel(demo_data, db):
    return make_channel("contract-qualifier")[1]


@pytest.mark.parametrize("resource", ASYNC)
def test_async_answer_validates_against_the_spec(api, channel, resource, django_capture_on_commit_callbacks):
    api_code, base, body, state, _ = ASYNC[resource]
    with django_capture_on_commit_callbacks(execute=False):
        response = post_json(api, base + resource, body, channel)
    assert (response.status_code, response.json()["state"]) == (201, state)
    assert tmf_schema_errors(SPEC_FILES[api_code], definition(resource), response.json()) == []


@pytest.mark.parametrize("resource", ASYNC)
def test_hub_event_envelopes_validate_against_the_spec(api, channel, resource, django_capture_on_commit_callbacks):
    api_code, base, body, state, deletable = ASYNC[resource]
    assert post_json(api, base + "hub", {"callback": "http://127.0.0.1:9/listener"}, channel).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        task_id = post_json(api, base + resource, body, channel).json()["id"]
    created = OutboxEvent.objects.get(resource_id=task_id)
    # The subscriber runs the qualification: its state change is an event too. A worker's task carries the
    # request's correlation id (published with it after commit); outbox_drain runs outside a task, so set it.
    token = correlation_id_var.set(created.correlation_id)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            outbox_drain()
    finally:
        correlation_id_var.reset(token)
    if deletable:
        with django_capture_on_commit_callbacks(execute=True):
            assert api.delete(f"{base}{resource}/{task_id}", **bearer(channel)).status_code == 204
    events = list(OutboxEvent.objects.filter(resource_id=task_id).order_by("created_at"))
    name = definition(resource)
    assert [e.event_type for e in events] == [f"{name}CreateEvent", f"{name}StateChangeEvent"] + (
        [f"{name}DeleteEvent"] if deletable else [])
    assert Delivery.objects.filter(event__in=events, kind=Delivery.Kind.LISTENER).count() == len(events)
    envelopes = [event_envelope(e) for e in events]
    assert [e["correlationId"] for e in envelopes[:2]] == [created.correlation_id] * 2  # the POST's, carried on
    assert [e["event"][resource].get("state") for e in envelopes] == [state, "done"] + (
        [None] if deletable else [])  # a deleted resource is gone: the envelope carries its id
    assert [tmf_schema_errors(SPEC_FILES[api_code], e["eventType"], e) for e in envelopes] == [[]] * len(events)


@pytest.mark.parametrize("resource, services", [
    ("productOfferingQualification", "apps.product_qualification.services"),
    ("checkServiceQualification", "apps.service_qualification.services")])
def test_terminated_with_error_event_validates_against_the_spec(api, channel, resource, services, monkeypatch,
                                                                django_capture_on_commit_callbacks):
    api_code, base, body, _, _ = ASYNC[resource]
    assert post_json(api, base + "hub", {"callback": "http://127.0.0.1:9/listener"}, channel).status_code == 201
    with django_capture_on_commit_callbacks(execute=False):
        task_id = post_json(api, base + resource, body, channel).json()["id"]

    def broken(**kwargs):
        raise RuntimeError("evaluation broke")

    monkeypatch.setattr(f"{services}.evaluate", broken)
    token = correlation_id_var.set("contract-failure")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            outbox_drain()
    finally:
        correlation_id_var.reset(token)
    event = OutboxEvent.objects.get(resource_id=task_id, event_type=f"{definition(resource)}StateChangeEvent")
    envelope = event_envelope(event)
    assert envelope["event"][resource]["state"] == "terminatedWithError"
    assert tmf_schema_errors(SPEC_FILES[api_code], envelope["eventType"], envelope) == []
