"""TMF641 service ordering API: POST answers acknowledged, the rest is events; cancellation is a task."""
import pytest

from apps.service_ordering.models import CancelServiceOrder, ServiceOrder
from apps.service_ordering.services import service_order_submit
from bss.models import OutboxEvent
from bss.testing import assert_tmf_error, bearer, count_queries, patch_merge, post_json
from tests.service_inventory.contract import assert_matches_spec

from .activation import THREE_ITEMS, drive, item, spec_id

BASE = "/tmf-api/serviceOrdering/v4"
SPEC = "TMF641-ServiceOrdering-v4.1.0.swagger.json"


def order_payload(external_id="ext-1", **extra):
    return {"externalId": external_id, "description": "business fibre", "priority": "1",
            "relatedParty": [{"id": "c1", "role": "customer", "@referredType": "Organization"}],
            "note": [{"text": "call before install", "author": "sales"}],
            "serviceOrderItem": [
                {"id": "fibre", "action": "add",
                 "service": {"serviceSpecification": {"id": spec_id("fibre_access"), "version": "1.0"},
                             "serviceCharacteristic": [{"name": "downloadSpeed", "value": 1000}]}},
                {"id": "ip", "action": "add",
                 "service": {"serviceSpecification": {"id": spec_id("ip_address"), "version": "1.0"}},
                 "serviceOrderItemRelationship": [{"relationshipType": "reliesOn",
                                                   "orderItem": {"itemId": "fibre"}}]}],
            **extra}


def test_post_answers_201_acknowledged_and_the_order_completes_later(api, backoffice, specs, healthy_network):
    _, token = backoffice
    response = post_json(api, f"{BASE}/serviceOrder", order_payload(), token)
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == body["href"]
    assert (body["state"], body["externalId"], body["@type"]) == ("acknowledged", "ext-1", "ServiceOrder")
    assert [(i["id"], i["state"]) for i in body["serviceOrderItem"]] == [("fibre", "acknowledged"),
                                                                         ("ip", "acknowledged")]
    assert body["serviceOrderItem"][1]["serviceOrderItemRelationship"][0]["orderItem"]["itemId"] == "fibre"
    assert body["note"] == [{"text": "call before install", "author": "sales", "@type": "Note"}]
    assert_matches_spec(SPEC, "ServiceOrder", body)
    drive()
    done = api.get(f"{BASE}/serviceOrder/{body['id']}", **bearer(token)).json()
    assert done["state"] == "completed"
    assert {i["state"] for i in done["serviceOrderItem"]} == {"completed"}
    assert done["serviceOrderItem"][0]["service"]["href"].endswith(
        f"/tmf-api/serviceInventory/v4/service/{done['serviceOrderItem'][0]['service']['id']}")
    assert_matches_spec(SPEC, "ServiceOrder", done)


def test_repeated_external_id_returns_the_same_order(api, backoffice, specs):
    _, token = backoffice
    first = post_json(api, f"{BASE}/serviceOrder", order_payload("same"), token).json()
    again = post_json(api, f"{BASE}/serviceOrder", order_payload("same"), token).json()
    assert first["id"] == again["id"]
    assert ServiceOrder.objects.count() == 1


@pytest.mark.parametrize("change, reference", [
    ({"serviceOrderItem": []}, "serviceOrderItem"),
    ({"serviceOrderItem": [{"id": "a", "action": "add"}]}, "serviceOrderItem.service"),
    ({"serviceOrderItem": [{"id": "a", "action": "upgrade", "service": {}}]}, "serviceOrderItem.action"),
    ({"serviceOrderItem": [{"id": "a", "action": "add", "service": {}}]},
     "serviceOrderItem[a].service.serviceSpecification"),
    ({"serviceOrderItem": [{"id": "a", "action": "add", "service": {"serviceSpecification": {"id": "s"}},
                            "serviceOrderItemRelationship": [{"relationshipType": "reliesOn",
                                                              "orderItem": {"itemId": "zz"}}]}]},
     "serviceOrderItem[a].serviceOrderItemRelationship"),
])
def test_invalid_orders_answer_400_and_store_nothing(api, backoffice, change, reference):
    _, token = backoffice
    body = assert_tmf_error(post_json(api, f"{BASE}/serviceOrder", {**order_payload(), **change}, token), 400,
                            "INVALID_REQUEST")
    assert body["referenceError"] == reference
    assert ServiceOrder.objects.count() == 0
    assert OutboxEvent.objects.count() == 0


def test_channels_may_not_order_services_and_others_cannot_see_orders(api, backoffice, channel_a, specs):
    _, channel_token = channel_a
    assert_tmf_error(post_json(api, f"{BASE}/serviceOrder", order_payload(), channel_token), 403)
    _, token = backoffice
    order_id = post_json(api, f"{BASE}/serviceOrder", order_payload(), token).json()["id"]
    assert_tmf_error(api.get(f"{BASE}/serviceOrder/{order_id}", **bearer(channel_token)), 404)
    assert api.get(f"{BASE}/serviceOrder", **bearer(channel_token)).json() == []
    listed = api.get(f"{BASE}/serviceOrder?state=acknowledged&fields=state", **bearer(token))
    assert (listed["X-Total-Count"], listed.json()[0]["state"]) == ("1", "acknowledged")


def test_patch_changes_descriptive_attributes_but_never_the_state(api, backoffice, specs):
    _, token = backoffice
    order_id = post_json(api, f"{BASE}/serviceOrder", order_payload(), token).json()["id"]
    url = f"{BASE}/serviceOrder/{order_id}"
    response = patch_merge(api, url, {"description": "changed", "priority": "2"}, token)
    assert (response.status_code, response.json()["description"]) == (200, "changed")
    body = assert_tmf_error(patch_merge(api, url, {"state": "completed", "description": "x"}, token), 400)
    assert body["referenceError"] == "state"
    order = ServiceOrder.objects.get(pk=order_id)
    assert (order.state, order.description) == ("acknowledged", "changed")


def test_delete_only_ended_orders(api, backoffice, specs, healthy_network):
    _, token = backoffice
    order_id = post_json(api, f"{BASE}/serviceOrder", order_payload(), token).json()["id"]
    assert_tmf_error(api.delete(f"{BASE}/serviceOrder/{order_id}", **bearer(token)), 409)
    assert ServiceOrder.objects.filter(pk=order_id).exists()
    drive()
    assert api.delete(f"{BASE}/serviceOrder/{order_id}", **bearer(token)).status_code == 204
    assert not ServiceOrder.objects.filter(pk=order_id).exists()
    assert OutboxEvent.objects.filter(event_type="ServiceOrderDeleteEvent").count() == 1


def test_cancel_service_order_task_follows_the_cancellation(api, backoffice, specs, healthy_network):
    _, token = backoffice
    order_id = post_json(api, f"{BASE}/serviceOrder", order_payload(), token).json()["id"]
    response = post_json(api, f"{BASE}/cancelServiceOrder",
                         {"serviceOrder": {"id": order_id}, "cancellationReason": "customer withdrew"}, token)
    assert response.status_code == 201
    task = response.json()
    # Nothing had started, so everything is cancelled at once and the task is already done.
    assert (task["state"], task["serviceOrder"]["id"], task["cancellationReason"]) == (
        "done", order_id, "customer withdrew")
    assert_matches_spec(SPEC, "CancelServiceOrder", task)
    drive()
    task = api.get(f"{BASE}/cancelServiceOrder/{task['id']}", **bearer(token)).json()
    assert (task["state"], task["completionMessage"]) == ("done", "all items cancelled or compensated")
    assert api.get(f"{BASE}/serviceOrder/{order_id}", **bearer(token)).json()["state"] == "cancelled"
    types = set(OutboxEvent.objects.filter(api="tmf641").values_list("event_type", flat=True))
    assert {"CancelServiceOrderCreateEvent", "CancelServiceOrderStateChangeEvent"} <= types


def test_cancel_refusals_leave_no_task(api, backoffice, specs, healthy_network):
    _, token = backoffice
    assert_tmf_error(post_json(api, f"{BASE}/cancelServiceOrder", {"serviceOrder": {"id": "nope"}}, token), 404)
    order_id = post_json(api, f"{BASE}/serviceOrder", order_payload(), token).json()["id"]
    drive()
    assert_tmf_error(post_json(api, f"{BASE}/cancelServiceOrder", {"serviceOrder": {"id": order_id}}, token),
                     409, "ILLEGAL_TRANSITION")
    assert CancelServiceOrder.objects.count() == 0
    assert ServiceOrder.objects.get(pk=order_id).state == "completed"


def test_hub_events_render_the_order(backoffice, specs):
    from apps.service_ordering.api.urls import _render_order

    order = service_order_submit(external_id="hub-1", requester="com", items=[item("a", "iptv")])
    rendered = _render_order(str(order.pk))
    assert (rendered["id"], rendered["state"]) == (str(order.pk), "acknowledged")
    assert_matches_spec(SPEC, "ServiceOrder", rendered)


def test_listing_orders_costs_the_same_queries_for_1_or_10_orders(api, backoffice, specs):
    party, token = backoffice

    def listing():
        return api.get(f"{BASE}/serviceOrder", **bearer(token))

    service_order_submit(external_id="q-0", requester="t", items=THREE_ITEMS, owner_party_id=str(party.pk))
    _, one = count_queries(listing)
    for n in range(1, 10):
        service_order_submit(external_id=f"q-{n}", requester="t", items=THREE_ITEMS, owner_party_id=str(party.pk))
    response, ten = count_queries(listing)
    assert len(response.json()) == 10
    assert ten == one <= 8
