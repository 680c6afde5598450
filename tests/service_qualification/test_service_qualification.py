"""TMF645: address validation, coverage by technology and speed, sync and async checks, queries, isolation."""
import pytest
from django.db import connection
from django_fsm import TransitionNotAllowed, can_proceed

from apps.service_qualification import demo, services
from apps.service_qualification.choices import TaskState as S
from apps.service_qualification.models import CheckServiceQualification, QueryServiceQualification
from bss.fsm import transition_history
from bss.models import OutboxEvent
from bss.testing import assert_tmf_error, bearer, outbox_drain, post_json

BASE = "/tmf-api/serviceQualificationManagement/v4/"
CHECKS, QUERIES = BASE + "checkServiceQualification", BASE + "queryServiceQualification"
BERLIN = {"streetName": "Friedrichstrasse", "streetNr": "100", "postcode": "10117", "city": "Berlin"}
VILLAGE = {"streetName": "Dorfstrasse", "streetNr": "1", "postcode": "99999"}
NEUSTADT = {"streetName": "Hauptstrasse", "streetNr": "7", "postcode": "12345"}
NOWHERE = {"streetName": "Waldweg", "streetNr": "3", "postcode": "88888"}

TRANSITIONS = {"start": ({S.ACCEPTED}, S.IN_PROGRESS), "complete": ({S.IN_PROGRESS}, S.DONE),
               "fail": ({S.ACCEPTED, S.IN_PROGRESS}, S.TERMINATED_WITH_ERROR)}


@pytest.fixture
def coverage(demo_catalog):
    demo.seed()
    return demo_catalog


def check_item(spec, place, **characteristics):
    return {"service": {"serviceSpecification": {"id": str(spec.pk)}, "place": [{"role": "installationAddress", **place}],
                        "serviceCharacteristic": [{"name": k, "value": v} for k, v in characteristics.items()]}}


@pytest.mark.parametrize("transition, state", [(t, s) for t in TRANSITIONS for s in S])
def test_task_transition_matrix(transition, state):
    task = CheckServiceQualification(state=state)
    sources, target = TRANSITIONS[transition]
    bound = getattr(task, transition)
    if state in sources:
        bound()
        assert task.state == target
    else:
        assert not can_proceed(bound)
        with pytest.raises(TransitionNotAllowed):
            bound()
        assert task.state == state


def test_minimal_check_is_done_and_unqualified_with_reasons(api, channel_a):
    _, token = channel_a
    response = post_json(api, CHECKS, {"serviceQualificationItem": [{}]}, token)
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == body["href"]
    assert (body["state"], body["qualificationResult"], body["instantSyncQualification"]) == \
        ("done", "unqualified", True)
    assert [r["code"] for r in body["serviceQualificationItem"][0]["eligibilityUnavailabilityReason"]] == \
        ["ADDRESS_MISSING", "SERVICE_SPECIFICATION_MISSING"]


def test_fibre_at_a_fibre_address_qualifies(api, channel_a, coverage):
    _, token = channel_a
    fibre = coverage.service_specs["Fibre Access"]
    body = post_json(api, CHECKS, {"serviceQualificationItem": [check_item(fibre, BERLIN, bandwidth="1G")]},
                     token).json()
    item = body["serviceQualificationItem"][0]
    assert (body["qualificationResult"], item["qualificationResult"], item["state"]) == ("qualified", "qualified",
                                                                                         "done")
    assert "eligibilityUnavailabilityReason" not in item
    assert item["service"]["serviceSpecification"]["name"] == "Fibre Access"


def test_too_slow_fibre_gives_an_alternate_speed(api, channel_a, coverage):
    _, token = channel_a
    fibre = coverage.service_specs["Fibre Access"]
    body = post_json(api, CHECKS, {"serviceQualificationItem": [check_item(fibre, NEUSTADT, bandwidth="1G")]},
                     token).json()
    item = body["serviceQualificationItem"][0]
    assert (body["qualificationResult"], item["qualificationResult"]) == ("alternate", "alternate")
    assert [r["code"] for r in item["eligibilityUnavailabilityReason"]] == ["INSUFFICIENT_SPEED"]
    assert item["alternateServiceProposal"][0]["alternateService"]["serviceCharacteristic"] == [
        {"name": "bandwidth", "value": "500M"}]


def test_no_fibre_proposes_mobile_and_no_coverage_is_unqualified(api, channel_a, coverage):
    _, token = channel_a
    fibre = coverage.service_specs["Fibre Access"]
    body = post_json(api, CHECKS, {"serviceQualificationItem": [check_item(fibre, VILLAGE)]}, token).json()
    item = body["serviceQualificationItem"][0]
    assert item["qualificationResult"] == "alternate"
    assert [r["code"] for r in item["eligibilityUnavailabilityReason"]] == ["TECHNOLOGY_NOT_AVAILABLE"]
    assert item["alternateServiceProposal"][0]["alternateService"]["serviceSpecification"]["name"] == \
        "Mobile Subscription"
    body = post_json(api, CHECKS, {"provideAlternative": False,
                                   "serviceQualificationItem": [check_item(fibre, VILLAGE)]}, token).json()
    assert body["qualificationResult"] == "unqualified"
    assert "alternateServiceProposal" not in body["serviceQualificationItem"][0]
    body = post_json(api, CHECKS, {"serviceQualificationItem": [
        check_item(fibre, BERLIN), check_item(fibre, NOWHERE), check_item(fibre, {"postcode": "1", "streetName": "x"})]},
        token).json()
    assert body["qualificationResult"] == "unqualified"
    assert [(i["id"], i["qualificationResult"], [r["code"] for r in i.get("eligibilityUnavailabilityReason", [])])
            for i in body["serviceQualificationItem"]] == [
        ("1", "qualified", []), ("2", "unqualified", ["NO_COVERAGE"]), ("3", "unqualified", ["ADDRESS_NOT_FOUND"])]


def test_async_check_is_accepted_then_done_by_the_subscriber(api, channel_a, coverage,
                                                            django_capture_on_commit_callbacks):
    party, token = channel_a
    fibre = coverage.service_specs["Fibre Access"]
    with django_capture_on_commit_callbacks(execute=False):
        response = post_json(api, CHECKS, {"instantSyncQualification": False,
                                           "serviceQualificationItem": [check_item(fibre, BERLIN)]}, token)
    body = response.json()
    assert (body["state"], "qualificationResult" in body) == ("accepted", False)
    assert outbox_drain() >= 1
    task = CheckServiceQualification.objects.get(pk=body["id"])
    assert (task.state, task.qualification_result) == ("done", "qualified")
    assert list(OutboxEvent.objects.filter(resource_id=str(task.pk)).order_by("created_at")
                .values_list("event_type", "owner_party_id")) == [
        ("CheckServiceQualificationCreateEvent", str(party.pk)),
        ("CheckServiceQualificationStateChangeEvent", str(party.pk))]
    assert services.check_service_qualification_process(qualification_id=task.pk) is None  # idempotent


def test_query_lists_the_services_a_place_supports(api, channel_a, coverage):
    _, token = channel_a
    response = post_json(api, QUERIES, {"searchCriteria": {"service": {"place": [{"role": "x", **VILLAGE}]}}}, token)
    assert response.status_code == 201
    body = response.json()
    names = sorted(i["service"]["serviceSpecification"]["name"] for i in body["serviceQualificationItem"])
    assert names == ["IP Address", "IPTV", "Managed CPE", "Mobile Subscription", "VoIP"]
    minimal = post_json(api, QUERIES, {"searchCriteria": {}}, token).json()
    assert (minimal["state"], minimal["serviceQualificationItem"], minimal["searchCriteria"]) == ("done", [], {})


def query(place, spec=None, **attributes):
    service = {"place": [{"role": "installationAddress", **place}]}
    if spec is not None:
        service["serviceSpecification"] = {"id": str(spec.pk)}
    return {"searchCriteria": {"service": service}, **attributes}


def test_async_query_is_accepted_then_done_by_the_subscriber(api, channel_a, coverage,
                                                            django_capture_on_commit_callbacks):
    party, token = channel_a
    with django_capture_on_commit_callbacks(execute=False):
        response = post_json(api, QUERIES, query(VILLAGE, instantSyncQualification=False), token)
    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["instantSyncQualification"], body["serviceQualificationItem"]) == (
        "accepted", False, [])
    outbox_drain()
    task = QueryServiceQualification.objects.get(pk=body["id"])
    assert task.state == "done"
    assert [(log.source_state, log.target_state) for log in transition_history(task)] == [
        ("accepted", "inProgress"), ("inProgress", "done")]
    done = api.get(f"{QUERIES}/{task.pk}", **bearer(token)).json()
    assert done["state"] == "done"
    assert sorted(i["service"]["serviceSpecification"]["name"] for i in done["serviceQualificationItem"]) == [
        "IP Address", "IPTV", "Managed CPE", "Mobile Subscription", "VoIP"]
    assert list(OutboxEvent.objects.filter(resource_id=str(task.pk)).order_by("created_at")
                .values_list("event_type", "owner_party_id", "payload__state")) == [
        ("QueryServiceQualificationCreateEvent", str(party.pk), "accepted"),
        ("QueryServiceQualificationStateChangeEvent", str(party.pk), "done")]
    assert services.query_service_qualification_process(qualification_id=task.pk) is None  # idempotent


def test_query_isolation(api, channel_a, channel_b, coverage):
    _, token_a = channel_a
    _, token_b = channel_b
    mine = post_json(api, QUERIES, query(BERLIN), token_a).json()
    theirs = post_json(api, QUERIES, query(VILLAGE), token_b).json()
    assert [q["id"] for q in api.get(QUERIES, **bearer(token_b)).json()] == [theirs["id"]]
    assert [q["id"] for q in api.get(QUERIES, {"id": mine["id"]}, **bearer(token_b)).json()] == []
    assert_tmf_error(api.get(f"{QUERIES}/{mine['id']}", **bearer(token_b)), 404)
    assert [q["id"] for q in api.get(QUERIES, **bearer(token_a)).json()] == [mine["id"]]
    assert api.get(f"{QUERIES}/{mine['id']}", **bearer(token_a)).json()["id"] == mine["id"]


def catalog_unreadable():
    """A real outage of the service catalog's storage, undone when the test's transaction rolls back."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE service_catalog_servicespecification RENAME TO servicespecification_gone")


@pytest.mark.parametrize("path, model, event_type", [
    (CHECKS, CheckServiceQualification, "CheckServiceQualificationStateChangeEvent"),
    (QUERIES, QueryServiceQualification, "QueryServiceQualificationStateChangeEvent")])
def test_async_ends_terminated_with_error_when_the_catalog_is_unreadable(
        api, channel_a, coverage, django_capture_on_commit_callbacks, path, model, event_type):
    party, token = channel_a
    fibre = coverage.service_specs["Fibre Access"]
    payload = {"instantSyncQualification": False, "serviceQualificationItem": [check_item(fibre, BERLIN)]} \
        if model is CheckServiceQualification else query(BERLIN, instantSyncQualification=False)
    with django_capture_on_commit_callbacks(execute=False):
        body = post_json(api, path, payload, token).json()
    catalog_unreadable()
    outbox_drain()
    task = model.objects.get(pk=body["id"])
    assert (task.state, task.error) == (
        "terminatedWithError", 'ProgrammingError: relation "service_catalog_servicespecification" does not exist')
    assert [(log.transition, log.target_state) for log in transition_history(task)] == [
        ("start", "inProgress"), ("fail", "terminatedWithError")]
    changed = OutboxEvent.objects.get(event_type=event_type, resource_id=str(task.pk))
    assert (changed.owner_party_id, changed.payload["state"], changed.payload["error"]) == (
        str(party.pk), "terminatedWithError", task.error)
    assert api.get(f"{path}/{task.pk}", **bearer(token)).json()["state"] == "terminatedWithError"


def test_an_unexpected_check_error_ends_terminated_with_error(api, channel_a, coverage, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    _, token = channel_a
    fibre = coverage.service_specs["Fibre Access"]
    with django_capture_on_commit_callbacks(execute=False):
        body = post_json(api, CHECKS, {"instantSyncQualification": False,
                                       "serviceQualificationItem": [check_item(fibre, BERLIN)]}, token).json()

    def broken(**kwargs):
        raise KeyError("family")

    monkeypatch.setattr(services, "evaluate", broken)
    outbox_drain()
    task = CheckServiceQualification.objects.get(pk=body["id"])
    assert (task.state, task.qualification_result, task.error) == ("terminatedWithError", "", "KeyError: 'family'")
    assert task.items.get().state == "accepted"
    assert OutboxEvent.objects.filter(event_type="CheckServiceQualificationStateChangeEvent",
                                      resource_id=str(task.pk), payload__state="terminatedWithError").count() == 1


def test_bad_input_is_refused_and_nothing_is_stored(api, channel_a):
    _, token = channel_a
    assert_tmf_error(post_json(api, CHECKS, {}, token), 400)
    assert_tmf_error(post_json(api, CHECKS, {"serviceQualificationItem": []}, token), 400)
    assert_tmf_error(post_json(api, CHECKS, {"serviceQualificationItem": [{"service": "x"}]}, token), 400)
    assert_tmf_error(post_json(api, CHECKS, {"serviceQualificationItem": [{"id": "1"}, {"id": "1"}]}, token), 422)
    assert_tmf_error(post_json(api, QUERIES, {}, token), 400)
    assert_tmf_error(post_json(api, QUERIES, {"searchCriteria": {"service": {"place": "x"}}}, token), 400)
    assert CheckServiceQualification.objects.count() == 0
    assert QueryServiceQualification.objects.count() == 0


def test_isolation_list_and_filters(api, channel_a, channel_b):
    _, token_a = channel_a
    _, token_b = channel_b
    mine = post_json(api, CHECKS, {"serviceQualificationItem": [{}]}, token_a).json()
    post_json(api, CHECKS, {"serviceQualificationItem": [{}]}, token_b)
    assert [c["id"] for c in api.get(CHECKS, **bearer(token_a)).json()] == [mine["id"]]
    assert_tmf_error(api.get(f"{CHECKS}/{mine['id']}", **bearer(token_b)), 404)
    found = api.get(CHECKS, {"checkServiceQualificationDate": mine["checkServiceQualificationDate"]},
                    **bearer(token_a)).json()
    assert [c["id"] for c in found] == [mine["id"]]
    assert api.get(CHECKS, {"state": "inProgress"}, **bearer(token_a)).json() == []


def test_check_matches_the_official_schema(api, channel_a, coverage):
    from tests.catalog_fixtures import tmf_schema_errors

    _, token = channel_a
    fibre = coverage.service_specs["Fibre Access"]
    body = post_json(api, CHECKS, {"serviceQualificationItem": [check_item(fibre, VILLAGE)]}, token).json()
    assert tmf_schema_errors("TMF645-ServiceQualification-v4.0.0.swagger.json", "CheckServiceQualification",
                             body) == []
    body = post_json(api, QUERIES, {"searchCriteria": {"service": {"place": [{"role": "x", **BERLIN}]}}},
                     token).json()
    assert tmf_schema_errors("TMF645-ServiceQualification-v4.0.0.swagger.json", "QueryServiceQualification",
                             body) == []
