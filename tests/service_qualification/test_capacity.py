"""TMF645 capacity: fibre needs a free access port at the serving element that the coverage names."""
import pytest

from apps.network.adapters import adapter_for
from apps.network.models import ServingElement
from apps.network.selectors import serving_element_capacity
from apps.network.services import network_sim_async, serving_element_capacity_set
from apps.service_qualification import demo
from apps.service_qualification.models import CheckServiceQualification, Coverage
from bss.testing import outbox_drain, post_json

BASE = "/tmf-api/serviceQualificationManagement/v4/"
CHECKS, QUERIES = BASE + "checkServiceQualification", BASE + "queryServiceQualification"
BERLIN = {"streetName": "Friedrichstrasse", "streetNr": "100", "postcode": "10117"}
NEUSTADT = {"streetName": "Hauptstrasse", "streetNr": "7", "postcode": "12345"}
NEUSTADT_FULL = [{"code": "NO_FREE_PORT", "label": "no free port at OLT-NEU-01 (1 of 1 fibre ports in use)",
                  "@type": "ServiceEligibilityUnavailabilityReason"}]


@pytest.fixture
def coverage(demo_catalog):
    demo.seed()
    network_sim_async(platform="access_controller", enabled=False)
    return demo_catalog


def check_item(spec, place, **characteristics):
    return {"service": {"serviceSpecification": {"id": str(spec.pk)},
                        "place": [{"role": "installationAddress", **place}],
                        "serviceCharacteristic": [{"name": k, "value": v} for k, v in characteristics.items()]}}


def take_port(service_id, element="OLT-NEU-01"):
    return adapter_for("access_controller").apply(idempotency_key=f"take-{service_id}", service_id=service_id,
                                                  params={"access_port": "$allocate", "serving_element": element})


def free_port(service_id):
    return adapter_for("access_controller").remove(idempotency_key=f"free-{service_id}", service_id=service_id,
                                                   params={})


def test_demo_names_the_serving_elements_and_seeding_again_changes_nothing(coverage):
    assert sorted(Coverage.objects.exclude(serving_element="").values_list("area__code", "technology",
                                                                            "serving_element")) == [
        ("BER-FTTH", "fibre", "OLT-BER-01"), ("SLOW-FIBRE", "fibre", "OLT-NEU-01")]
    serving_element_capacity_set(element="OLT-BER-01", total_ports=16)  # an operator's resize
    demo.seed()
    assert list(ServingElement.objects.values_list("code", "total_ports")) == [("OLT-BER-01", 16), ("OLT-NEU-01", 1)]
    assert serving_element_capacity(element="OLT-NEU-01")["free_ports"] == 1


def test_fibre_where_the_element_is_full_is_unqualified_until_a_port_is_freed(api, channel_a, coverage):
    _, token = channel_a
    fibre = coverage.service_specs["Fibre Access"]
    request = {"serviceQualificationItem": [check_item(fibre, NEUSTADT, bandwidth="500M")]}
    assert post_json(api, CHECKS, request, token).json()["qualificationResult"] == "qualified"
    assert take_port("svc-1").outcome == "done"

    body = post_json(api, CHECKS, request, token).json()
    item = body["serviceQualificationItem"][0]
    assert (body["state"], body["qualificationResult"], item["qualificationResult"]) == (
        "done", "unqualified", "unqualified")
    assert item["eligibilityUnavailabilityReason"] == NEUSTADT_FULL
    assert "alternateServiceProposal" not in item  # Neustadt has no other technology to propose

    free_port("svc-1")
    body = post_json(api, CHECKS, request, token).json()
    assert (body["qualificationResult"], "eligibilityUnavailabilityReason" in body["serviceQualificationItem"][0]) == (
        "qualified", False)


def test_a_full_element_where_mobile_covers_proposes_mobile(api, channel_a, coverage):
    _, token = channel_a
    fibre = coverage.service_specs["Fibre Access"]
    serving_element_capacity_set(element="OLT-BER-01", total_ports=0)
    body = post_json(api, CHECKS, {"serviceQualificationItem": [check_item(fibre, BERLIN, bandwidth="1G")]},
                     token).json()
    item = body["serviceQualificationItem"][0]
    assert (body["qualificationResult"], item["qualificationResult"]) == ("alternate", "alternate")
    assert item["eligibilityUnavailabilityReason"] == [
        {"code": "NO_FREE_PORT", "label": "no free port at OLT-BER-01 (0 of 0 fibre ports in use)",
         "@type": "ServiceEligibilityUnavailabilityReason"}]
    assert [p["alternateService"]["serviceSpecification"]["name"] for p in item["alternateServiceProposal"]] == [
        "Mobile Subscription"]


def test_services_that_ride_on_the_access_are_not_limited_by_ports(api, channel_a, coverage):
    _, token = channel_a
    take_port("svc-1")
    body = post_json(api, CHECKS, {"serviceQualificationItem": [
        check_item(coverage.service_specs["IPTV"], NEUSTADT)]}, token).json()
    assert body["qualificationResult"] == "qualified"
    body = post_json(api, QUERIES, {"searchCriteria": {"service": {"place": [{"role": "x", **NEUSTADT}]}}},
                     token).json()
    assert sorted(i["service"]["serviceSpecification"]["name"] for i in body["serviceQualificationItem"]) == [
        "IP Address", "IPTV", "Managed CPE", "VoIP"]  # no Fibre Access (and 1G is too fast there anyway)


def test_query_drops_fibre_while_the_element_is_full(api, channel_a, coverage):
    _, token = channel_a
    query = {"searchCriteria": {"service": {"place": [{"role": "x", **BERLIN}]}}}
    names = lambda body: sorted(i["service"]["serviceSpecification"]["name"]  # noqa: E731
                                for i in body["serviceQualificationItem"])
    assert "Fibre Access" in names(post_json(api, QUERIES, query, token).json())
    serving_element_capacity_set(element="OLT-BER-01", total_ports=0)
    assert names(post_json(api, QUERIES, query, token).json()) == [
        "IP Address", "IPTV", "Managed CPE", "Mobile Subscription", "VoIP"]


def test_async_check_sees_the_full_element_too(api, channel_a, coverage, django_capture_on_commit_callbacks):
    _, token = channel_a
    fibre = coverage.service_specs["Fibre Access"]
    take_port("svc-1")
    with django_capture_on_commit_callbacks(execute=False):
        body = post_json(api, CHECKS, {"instantSyncQualification": False, "serviceQualificationItem": [
            check_item(fibre, NEUSTADT, bandwidth="500M")]}, token).json()
    assert body["state"] == "accepted"
    outbox_drain()
    task = CheckServiceQualification.objects.get(pk=body["id"])
    item = task.items.get()
    assert (task.state, task.qualification_result, item.qualification_result) == ("done", "unqualified",
                                                                                  "unqualified")
    assert item.reasons == [{"code": "NO_FREE_PORT",
                             "label": "no free port at OLT-NEU-01 (1 of 1 fibre ports in use)"}]


def test_an_element_the_network_does_not_know_does_not_limit(api, channel_a, coverage):
    _, token = channel_a
    Coverage.objects.filter(serving_element="OLT-NEU-01").update(serving_element="OLT-UNKNOWN")
    body = post_json(api, CHECKS, {"serviceQualificationItem": [
        check_item(coverage.service_specs["Fibre Access"], NEUSTADT, bandwidth="500M")]}, token).json()
    assert body["qualificationResult"] == "qualified"
