"""TMF645: address validation, coverage by technology and speed, sync and async checks, queries, isolation."""
import pytest
from django_fsm import TransitionNotAllowed, can_proceed

from apps.service_qualification import demo, services
from apps.service_qualification.choices import TaskState as S
from apps.service_qualification.models import CheckServiceQualification, QueryServiceQualification
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
