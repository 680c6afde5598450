"""TMF679: lifecycle, characteristics, requirements, segment and quantity rules; sync and async; isolation."""
import pytest
from django.db import connection
from django_fsm import TransitionNotAllowed, can_proceed

from apps.parties.choices import PartyKind, Segment
from apps.parties.services import party_get_or_create
from apps.product_catalog.services import product_offering_update
from apps.product_inventory.services import product_upsert_from_order
from apps.product_qualification import demo, selectors, services
from apps.product_qualification.choices import RuleKind, TaskState as S
from apps.product_qualification.models import EligibilityRule, ProductOfferingQualification
from bss.fsm import transition_history
from bss.models import Delivery, OutboxEvent
from bss.testing import assert_tmf_error, bearer, outbox_drain, post_json

POQ = "/tmf-api/productOfferingQualification/v4/productOfferingQualification"
TRANSITIONS = {"start": ({S.ACKNOWLEDGED}, S.IN_PROGRESS), "complete": ({S.IN_PROGRESS}, S.DONE),
               "fail": ({S.ACKNOWLEDGED, S.IN_PROGRESS}, S.TERMINATED_WITH_ERROR)}


@pytest.fixture
def rules(demo_catalog):
    demo.seed()
    return demo_catalog


def item(offering, item_id, **characteristics):
    body = {"id": item_id, "productOffering": {"id": str(offering.pk)}}
    if characteristics:
        body["product"] = {"productCharacteristic": [{"name": k, "value": v} for k, v in characteristics.items()]}
    return body


def customer_ref(party):
    return [{"id": str(party.pk), "role": "customer", "name": party.name}]


def results(body):
    return [(i["id"], i["qualificationItemResult"], [r["code"] for r in i.get("eligibilityUnavailabilityReason", [])],
             [a["alternateProductOffering"]["name"] for a in i.get("alternateProductOfferingProposal", [])])
            for i in body["productOfferingQualificationItem"]]


@pytest.mark.parametrize("transition, state", [(t, s) for t in TRANSITIONS for s in S])
def test_task_transition_matrix(transition, state):
    task = ProductOfferingQualification(state=state)
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


def test_iptv_alone_is_unqualified_and_with_broadband_qualified(api, channel_a, rules):
    _, token = channel_a
    iptv, broadband = rules.offering("IPTV Basic"), rules.offering("Home Broadband 500 Mbps")
    response = post_json(api, POQ, {"productOfferingQualificationItem": [item(iptv, "tv")]}, token)
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == body["href"]
    assert (body["state"], body["qualificationResult"]) == ("done", "unqualified")
    assert results(body) == [("tv", "unqualified", ["REQUIRED_OFFERING_MISSING"], [])]
    assert "requires Home Broadband 500 Mbps" in body["productOfferingQualificationItem"][0][
        "eligibilityUnavailabilityReason"][0]["label"]
    body = post_json(api, POQ, {"productOfferingQualificationItem": [item(broadband, "bb"), item(iptv, "tv")]},
                     token).json()
    assert (body["qualificationResult"], results(body)) == (
        "qualified", [("bb", "qualified", [], []), ("tv", "qualified", [], [])])
    assert selectors.product_offering_qualification_get(qualification_id=body["id"]).is_valid_now is True


def test_owned_broadband_satisfies_the_requirement(api, channel_a, rules):
    party, token = channel_a
    customer = party_get_or_create(name="Jane Q", kind=PartyKind.INDIVIDUAL, segment=Segment.RESIDENTIAL,
                                   channel=party)
    product_upsert_from_order(facts={"origin_key": "o:1", "owner_party_id": party.pk, "status": "active",
                                     "order_id": "o", "order_item_id": "1", "action": "add",
                                     "customer_party_id": str(customer.pk), "offering_name": "Home Broadband 500 Mbps"})
    body = post_json(api, POQ, {"relatedParty": customer_ref(customer),
                                "productOfferingQualificationItem": [item(rules.offering("IPTV Basic"), "tv")]},
                     token).json()
    assert results(body) == [("tv", "qualified", [], [])]


def test_segment_rule_proposes_the_alternate(api, channel_a, rules):
    party, token = channel_a
    home = party_get_or_create(name="Jane Q", kind=PartyKind.INDIVIDUAL, segment=Segment.RESIDENTIAL, channel=party)
    body = post_json(api, POQ, {"relatedParty": customer_ref(home), "productOfferingQualificationItem": [
        item(rules.offering("Business Fiber 1 Gbps"), "1")]}, token).json()
    assert (body["qualificationResult"], results(body)) == (
        "alternate", [("1", "alternate", ["SEGMENT_NOT_ELIGIBLE"], ["Home Broadband 500 Mbps"])])
    body = post_json(api, POQ, {"relatedParty": customer_ref(home), "provideAlternative": False,
                                "productOfferingQualificationItem": [item(rules.offering("Business Fiber 1 Gbps"),
                                                                          "1")]}, token).json()
    assert results(body) == [("1", "unqualified", ["SEGMENT_NOT_ELIGIBLE"], [])]


def test_retired_offering_bad_characteristic_quantity_and_unknown(api, channel_a, rules):
    _, token = channel_a
    voip, iptv, broadband = rules.offering("VoIP Line"), rules.offering("IPTV Basic"), \
        rules.offering("Home Broadband 500 Mbps")
    product_offering_update(offering=voip, lifecycle_status="retired")
    body = post_json(api, POQ, {"productOfferingQualificationItem": [
        item(voip, "1"), item(broadband, "2", bandwidth="10G"), item(broadband, "3"), item(iptv, "4"), item(iptv, "5"),
        {"id": "6", "productOffering": {"id": "nope"}}, {"id": "7"}]}, token).json()
    assert body["qualificationResult"] == "unqualified"
    assert results(body) == [
        ("1", "unqualified", ["OFFERING_NOT_SELLABLE"], []), ("2", "unqualified", ["CHARACTERISTIC_NOT_ALLOWED"], []),
        ("3", "qualified", [], []), ("4", "unqualified", ["QUANTITY_EXCEEDED"], []),
        ("5", "unqualified", ["QUANTITY_EXCEEDED"], []), ("6", "unqualified", ["OFFERING_UNKNOWN"], []),
        ("7", "unqualified", ["OFFERING_MISSING"], [])]
    assert selectors.product_offering_qualification_get(qualification_id=body["id"]).is_valid_now is False


def test_excluded_offerings_are_unqualified_together_either_way_round(api, channel_a, rules):
    _, token = channel_a
    fiber, broadband, iptv = rules.offering("Business Fiber 1 Gbps"), rules.offering("Home Broadband 500 Mbps"), \
        rules.offering("IPTV Basic")
    body = post_json(api, POQ, {"productOfferingQualificationItem": [item(fiber, "biz"), item(broadband, "home"),
                                                                      item(iptv, "tv")]}, token).json()
    assert (body["qualificationResult"], results(body)) == ("unqualified", [
        ("biz", "unqualified", ["OFFERING_EXCLUDED"], []), ("home", "unqualified", ["OFFERING_EXCLUDED"], []),
        ("tv", "qualified", [], [])])
    labels = [i["eligibilityUnavailabilityReason"][0]["label"] for i in body["productOfferingQualificationItem"][:2]]
    assert labels == ["Business Fiber 1 Gbps cannot be ordered together with Home Broadband 500 Mbps",
                      "Home Broadband 500 Mbps cannot be ordered together with Business Fiber 1 Gbps"]
    assert results(post_json(api, POQ, {"productOfferingQualificationItem": [item(fiber, "biz")]}, token).json()) \
        == [("biz", "qualified", [], [])]


def test_an_inactive_exclusion_does_not_apply(api, channel_a, rules):
    _, token = channel_a
    EligibilityRule.objects.filter(kind=RuleKind.EXCLUDES).update(is_active=False)
    body = post_json(api, POQ, {"productOfferingQualificationItem": [
        item(rules.offering("Business Fiber 1 Gbps"), "biz"), item(rules.offering("Home Broadband 500 Mbps"), "home")]},
        token).json()
    assert results(body) == [("biz", "qualified", [], []), ("home", "qualified", [], [])]


def test_async_is_acknowledged_then_done(api, channel_a, rules, django_capture_on_commit_callbacks):
    party, token = channel_a
    with django_capture_on_commit_callbacks(execute=False):
        body = post_json(api, POQ, {"instantSyncQualification": False, "productOfferingQualificationItem": [
            item(rules.offering("VoIP Line"), "1")]}, token).json()
    assert (body["state"], "qualificationResult" in body) == ("acknowledged", False)
    outbox_drain()
    task = ProductOfferingQualification.objects.get(pk=body["id"])
    assert (task.state, task.qualification_result) == ("done", "qualified")
    assert list(OutboxEvent.objects.filter(resource_id=str(task.pk)).order_by("created_at")
                .values_list("event_type", "api", "owner_party_id")) == [
        ("ProductOfferingQualificationCreateEvent", "tmf679", str(party.pk)),
        ("ProductOfferingQualificationStateChangeEvent", "tmf679", str(party.pk))]
    assert services.product_offering_qualification_process(qualification_id=task.pk) is None


def catalog_unreadable():
    """A real outage of the catalog's storage, undone when the test's transaction rolls back."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE product_catalog_productoffering RENAME TO productoffering_gone")


def test_async_ends_terminated_with_error_when_the_catalog_is_unreadable(api, channel_a, rules,
                                                                        django_capture_on_commit_callbacks):
    party, token = channel_a
    with django_capture_on_commit_callbacks(execute=False):
        body = post_json(api, POQ, {"instantSyncQualification": False, "productOfferingQualificationItem": [
            item(rules.offering("VoIP Line"), "1")]}, token).json()
    catalog_unreadable()
    outbox_drain()
    task = ProductOfferingQualification.objects.get(pk=body["id"])
    assert (task.state, task.qualification_result, task.error) == (
        "terminatedWithError", "", 'ProgrammingError: relation "product_catalog_productoffering" does not exist')
    assert task.items.get().state == "acknowledged"  # the evaluation's writes were rolled back
    assert [(log.transition, log.target_state) for log in transition_history(task)] == [
        ("start", "inProgress"), ("fail", "terminatedWithError")]
    changed = OutboxEvent.objects.get(event_type="ProductOfferingQualificationStateChangeEvent",
                                      resource_id=str(task.pk))
    assert (changed.owner_party_id, changed.payload) == (str(party.pk), {
        "qualification_id": str(task.pk), "state": "terminatedWithError", "qualification_result": "",
        "error": task.error})
    assert Delivery.objects.get(event__event_type="ProductOfferingQualificationCreateEvent",
                                event__resource_id=str(task.pk)).state == "delivered"
    assert services.product_offering_qualification_process(qualification_id=task.pk) is None  # finished: left alone


def test_an_unexpected_evaluation_error_ends_terminated_with_error(api, channel_a, rules, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    _, token = channel_a
    with django_capture_on_commit_callbacks(execute=False):
        body = post_json(api, POQ, {"instantSyncQualification": False, "productOfferingQualificationItem": [
            item(rules.offering("VoIP Line"), "1")]}, token).json()

    def broken(**kwargs):
        raise KeyError("segments")

    monkeypatch.setattr(services, "evaluate", broken)
    outbox_drain()
    task = ProductOfferingQualification.objects.get(pk=body["id"])
    assert (task.state, task.error) == ("terminatedWithError", "KeyError: 'segments'")
    assert OutboxEvent.objects.filter(event_type="ProductOfferingQualificationStateChangeEvent",
                                      resource_id=str(task.pk), payload__state="terminatedWithError").count() == 1
    assert api.get(f"{POQ}/{task.pk}", **bearer(token)).json()["state"] == "terminatedWithError"
    sync = post_json(api, POQ, {"productOfferingQualificationItem": [item(rules.offering("VoIP Line"), "1")]}, token)
    assert (sync.status_code, sync.json()["state"], "qualificationResult" in sync.json()) == (
        201, "terminatedWithError", False)


def test_minimal_bad_input_isolation_and_unknown(api, channel_a, channel_b):
    _, token_a = channel_a
    _, token_b = channel_b
    minimal = post_json(api, POQ, {}, token_a)
    assert minimal.status_code == 201
    assert_tmf_error(post_json(api, POQ, {"productOfferingQualificationItem": "x"}, token_a), 400)
    assert_tmf_error(post_json(api, POQ, {"productOfferingQualificationItem": [{"id": "1"}, {"id": "1"}]},
                               token_a), 422)
    assert ProductOfferingQualification.objects.count() == 1
    assert [q["id"] for q in api.get(POQ, **bearer(token_a)).json()] == [minimal.json()["id"]]
    assert api.get(POQ, **bearer(token_b)).json() == []
    assert_tmf_error(api.get(f"{POQ}/{minimal.json()['id']}", **bearer(token_b)), 404)
    assert selectors.product_offering_qualification_get(qualification_id="not-a-uuid") is None


def test_matches_the_official_schema(api, channel_a, rules):
    from tests.catalog_fixtures import tmf_schema_errors

    _, token = channel_a
    body = post_json(api, POQ, {"productOfferingQualificationItem": [item(rules.offering("IPTV Basic"), "1")]},
                     token).json()
    assert tmf_schema_errors("TMF679-ProductOfferingQualification-v4.0.0.swagger.json",
                             "ProductOfferingQualification", body) == []
