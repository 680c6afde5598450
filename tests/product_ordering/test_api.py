"""TMF622 productOrder and cancelProductOrder over HTTP: intake, ACL errors, merge-patch, delete, isolation."""
import json

import pytest

from apps.product_ordering.models import CancelProductOrder, ProductOrder, ProductOrderItem
from bss.models import OutboxEvent
from bss.testing import assert_tmf_error, bearer

from .conftest import ORDERING, order_body, post
from .helpers import outcome, place

ORDERS = ORDERING + "productOrder"
CANCELS = ORDERING + "cancelProductOrder"
CTK_BODY = {"productOrderItem": [{"id": "123", "action": "add"}],
            "relatedParty": [{"id": "456-dd-df45", "@referredType": "Individual"}]}


def test_the_ctk_minimal_order_is_acknowledged_at_once(api, channel_a):
    party, token = channel_a
    response = post(api, ORDERS, CTK_BODY, token)
    assert response.status_code == 201
    body = response.json()
    order = ProductOrder.objects.get()
    assert response["Location"] == body["href"] == f"http://testserver{ORDERS}/{order.pk}"
    assert (body["id"], body["state"], body["@type"]) == (str(order.pk), "acknowledged", "ProductOrder")
    assert body["relatedParty"] == [{"id": "456-dd-df45", "@referredType": "Individual"}]
    assert body["productOrderItem"] == [{"id": "123", "action": "add", "quantity": 1, "state": "acknowledged",
                                         "product": {"productCharacteristic": []}, "@type": "ProductOrderItem"}]
    assert order.owner == party
    event = OutboxEvent.objects.get()
    assert (event.event_type, event.api, event.owner_party_id, event.resource_type) == (
        "ProductOrderCreateEvent", "tmf622", str(party.pk), "productOrder")


@pytest.mark.parametrize("body, reference", [
    ({"relatedParty": []}, "productOrderItem"),
    ({"productOrderItem": []}, "productOrderItem"),
    ({"productOrderItem": [{"id": "1", "action": "upgrade"}]}, "productOrderItem.action"),
    ({"productOrderItem": [{"action": "add"}]}, "productOrderItem.id"),
    ({"productOrderItem": [{"id": "1", "action": "add"}, {"id": "1", "action": "add"}]}, "productOrderItem"),
    ({"productOrderItem": [{"id": "1", "action": "add", "productOrderItemRelationship": [
        {"id": "9", "relationshipType": "reliesOn"}]}]}, "productOrderItemRelationship"),
    ({"productOrderItem": [
        {"id": "1", "action": "add", "productOrderItemRelationship": [{"id": "2", "relationshipType": "reliesOn"}]},
        {"id": "2", "action": "add", "productOrderItemRelationship": [{"id": "1", "relationshipType": "reliesOn"}]},
    ]}, "productOrderItemRelationship"),
    ({"productOrderItem": [{"id": "1", "action": "modify"}]}, "productOrderItem.product"),
    ({"productOrderItem": [{"id": "1", "action": "add", "quantity": 0}]}, "productOrderItem.quantity"),
    ({"productOrderItem": "x"}, "productOrderItem"),
    ({"productOrderItem": [{"id": "1", "action": "add"}], "@type": 7}, "@type"),
    ([1, 2], None),
])
def test_malformed_orders_are_refused_with_400_and_nothing_is_stored(api, channel_a, body, reference):
    _, token = channel_a
    error = assert_tmf_error(post(api, ORDERS, body, token), 400, "INVALID_REQUEST")
    if reference:
        assert error["referenceError"] == reference
    assert (ProductOrder.objects.count(), OutboxEvent.objects.count()) == (0, 0)


def test_invalid_json_is_a_400(api, channel_a):
    _, token = channel_a
    response = api.post(ORDERS, data="{not json", content_type="application/json", **bearer(token))
    assert_tmf_error(response, 400, "MALFORMED_REQUEST")
    assert ProductOrder.objects.count() == 0


def test_the_same_external_id_returns_the_first_order(api, channel_a, channel_b):
    _, token_a = channel_a
    _, token_b = channel_b
    body = {**CTK_BODY, "externalId": "shop-42"}
    first = post(api, ORDERS, body, token_a).json()
    again = post(api, ORDERS, {**body, "description": "a retry"}, token_a).json()
    other_channel = post(api, ORDERS, body, token_b).json()
    assert again["id"] == first["id"] != other_channel["id"]
    assert ProductOrder.objects.count() == 2
    assert OutboxEvent.objects.filter(event_type="ProductOrderCreateEvent").count() == 2


def test_writing_needs_the_write_scope(api, db):
    from apps.parties.testing import make_channel

    _, token = make_channel("reader", scopes=["tmf622.read"])
    assert_tmf_error(post(api, ORDERS, CTK_BODY, token), 403)
    assert_tmf_error(api.get(ORDERS), 401)
    assert ProductOrder.objects.count() == 0


def test_list_get_fields_and_filters(api, channel_a):
    _, token = channel_a
    first = post(api, ORDERS, {**CTK_BODY, "externalId": "a", "category": "b2b"}, token).json()
    post(api, ORDERS, {**CTK_BODY, "externalId": "b"}, token)
    listed = api.get(ORDERS, **bearer(token))
    assert (listed.status_code, listed["X-Total-Count"], listed["X-Result-Count"]) == (200, "2", "2")
    assert api.get(f"{ORDERS}/{first['id']}", **bearer(token)).json() == first
    assert api.get(f"{ORDERS}?fields=state", **bearer(token)).json()[0].keys() == {"id", "href", "@type", "state"}
    by_date = api.get(f"{ORDERS}?orderDate={first['orderDate']}", **bearer(token)).json()
    assert [o["id"] for o in by_date] == [first["id"]]
    assert [o["id"] for o in api.get(f"{ORDERS}?category=b2b", **bearer(token)).json()] == [first["id"]]
    assert [o["externalId"] for o in api.get(f"{ORDERS}?externalId=a,b&limit=1&offset=1", **bearer(token)).json()] \
        in (["a"], ["b"])
    assert_tmf_error(api.get(f"{ORDERS}?orderDate.gt=yesterday", **bearer(token)), 400)
    assert_tmf_error(api.get(f"{ORDERS}/f42b01d2-dba6-4442-a0fa-34e59639fd15", **bearer(token)), 404)
    assert_tmf_error(api.get(f"{ORDERS}/not-a-uuid", **bearer(token)), 404)


def test_merge_patch_changes_client_fields_and_tells_listeners(api, channel_a):
    _, token = channel_a
    created = post(api, ORDERS, CTK_BODY, token).json()
    response = api.patch(f"{ORDERS}/{created['id']}", data=json.dumps({"description": "rush", "priority": "1"}),
                         content_type="application/merge-patch+json", **bearer(token))
    assert response.status_code == 200
    assert (response.json()["description"], response.json()["priority"]) == ("rush", "1")
    event = OutboxEvent.objects.get(event_type="ProductOrderAttributeValueChangeEvent")
    assert event.payload["changed"] == ["description", "priority"]


@pytest.mark.parametrize("patch, reference", [
    ({"state": "completed"}, "state"), ({"productOrderItem": []}, "productOrderItem"),
    ({"externalId": "other"}, "externalId"), ({"requestedStartDate": "soon"}, "requestedStartDate"),
])
def test_read_only_attributes_are_refused_and_nothing_changes(api, channel_a, patch, reference):
    _, token = channel_a
    created = post(api, ORDERS, CTK_BODY, token).json()
    response = api.patch(f"{ORDERS}/{created['id']}", data=json.dumps(patch),
                         content_type="application/merge-patch+json", **bearer(token))
    assert assert_tmf_error(response, 400)["referenceError"] == reference
    assert api.get(f"{ORDERS}/{created['id']}", **bearer(token)).json() == created
    assert OutboxEvent.objects.filter(event_type="ProductOrderAttributeValueChangeEvent").count() == 0


def test_patch_and_delete_are_refused_once_the_order_is_finished(api, com):
    order = place(com)
    for spec in ("Fibre Access", "IP Address", "Managed CPE"):
        order = outcome(order, com.catalog.service_specs[spec], "completed")
    url = f"{ORDERS}/{order.pk}"
    events = OutboxEvent.objects.count()
    assert_tmf_error(api.patch(url, data=json.dumps({"description": "x"}), content_type="application/json",
                               **bearer(com.token)), 409, "ILLEGAL_TRANSITION")
    assert_tmf_error(api.delete(url, **bearer(com.token)), 409, "ILLEGAL_TRANSITION")
    assert ProductOrder.objects.get(pk=order.pk).description == ""
    assert OutboxEvent.objects.count() == events


def test_delete_is_allowed_while_acknowledged_and_tells_listeners(api, channel_a):
    _, token = channel_a
    created = post(api, ORDERS, CTK_BODY, token).json()
    assert api.delete(f"{ORDERS}/{created['id']}", **bearer(token)).status_code == 204
    assert (ProductOrder.objects.count(), ProductOrderItem.objects.count()) == (0, 0)
    assert OutboxEvent.objects.filter(event_type="ProductOrderDeleteEvent", resource_id=created["id"]).count() == 1


def test_cancel_product_order_is_a_task_with_its_own_states(api, com):
    order = place(com)
    response = post(api, CANCELS, {"productOrder": {"id": str(order.pk)}, "cancellationReason": "moved"},
                    com.token)
    assert response.status_code == 201
    body = response.json()
    task = CancelProductOrder.objects.get()
    assert body == {"id": str(task.pk), "href": f"http://testserver{CANCELS}/{task.pk}", "state": "acknowledged",
                    "cancellationReason": "moved", "@type": "CancelProductOrder",
                    "productOrder": {"id": str(order.pk), "href": f"http://testserver{ORDERS}/{order.pk}",
                                     "@referredType": "ProductOrder"}}
    assert ProductOrder.objects.get(pk=order.pk).state == "assessingCancellation"
    assert api.get(f"{CANCELS}/{task.pk}", **bearer(com.token)).json() == body
    assert OutboxEvent.objects.filter(event_type="CancelProductOrderCreateEvent").count() == 1
    again = post(api, CANCELS, {"productOrder": {"id": str(order.pk)}}, com.token)
    assert_tmf_error(again, 409, "CONFLICT")
    assert CancelProductOrder.objects.count() == 1


def test_cancelling_a_completed_order_is_refused_and_nothing_changes(api, com):
    order = place(com)
    for spec in ("Fibre Access", "IP Address", "Managed CPE"):
        order = outcome(order, com.catalog.service_specs[spec], "completed")
    events = OutboxEvent.objects.count()
    response = post(api, CANCELS, {"productOrder": {"id": str(order.pk)}}, com.token)
    assert assert_tmf_error(response, 409, "ILLEGAL_TRANSITION")["referenceError"] == "productOrder.id"
    assert ProductOrder.objects.get(pk=order.pk).state == "completed"
    assert (CancelProductOrder.objects.count(), OutboxEvent.objects.count()) == (0, events)


def test_cancel_needs_an_order_reference(api, channel_a):
    _, token = channel_a
    assert_tmf_error(post(api, CANCELS, {"cancellationReason": "x"}, token), 400)
    assert_tmf_error(post(api, CANCELS, {"productOrder": {"id": "f42b01d2-dba6-4442-a0fa-34e59639fd15"}}, token),
                     404)
    assert CancelProductOrder.objects.count() == 0


def test_another_channel_gets_404_on_every_route(api, channel_a, channel_b):
    _, token_a = channel_a
    _, token_b = channel_b
    order = post(api, ORDERS, CTK_BODY, token_a).json()
    cancel = post(api, CANCELS, {"productOrder": {"id": order["id"]}}, token_a).json()
    url = f"{ORDERS}/{order['id']}"
    assert api.get(ORDERS, **bearer(token_b)).json() == []
    assert api.get(CANCELS, **bearer(token_b)).json() == []
    assert_tmf_error(api.get(url, **bearer(token_b)), 404)
    assert_tmf_error(api.patch(url, data=json.dumps({"description": "mine"}), content_type="application/json",
                               **bearer(token_b)), 404)
    assert_tmf_error(api.delete(url, **bearer(token_b)), 404)
    assert_tmf_error(api.get(f"{CANCELS}/{cancel['id']}", **bearer(token_b)), 404)
    assert_tmf_error(post(api, CANCELS, {"productOrder": {"id": order["id"]}}, token_b), 404)
    assert api.get(f"{ORDERS}?id={order['id']}", **bearer(token_b)).json() == []
    assert ProductOrder.objects.get().description == ""
    assert CancelProductOrder.objects.count() == 1


def test_cancel_product_order_has_no_patch_or_delete(api, channel_a):
    _, token = channel_a
    order = post(api, ORDERS, CTK_BODY, token).json()
    cancel = post(api, CANCELS, {"productOrder": {"id": order["id"]}}, token).json()
    assert_tmf_error(api.delete(f"{CANCELS}/{cancel['id']}", **bearer(token)), 405)


def test_hub_subscription_and_rendered_events(api, channel_a):
    from bss.events import _render_for_hub

    _, token = channel_a
    hub = post(api, ORDERING + "hub", {"callback": "http://listener.example/cb"}, token)
    assert hub.status_code == 201
    order = post(api, ORDERS, CTK_BODY, token).json()
    assert _render_for_hub("tmf622", "productOrder", order["id"])["id"] == order["id"]
    assert api.delete(f"{ORDERING}hub/{hub.json()['id']}", **bearer(token)).status_code == 204


def test_the_order_shows_reasons_and_the_resolved_offering(api, com):
    order = place(com, account=False)
    body = api.get(f"{ORDERS}/{order.pk}", **bearer(com.token)).json()
    assert body["state"] == "pending"
    assert body["note"] == [{"text": "billingAccount is required", "author": "system"}]
    order = place(com)
    body = api.get(f"{ORDERS}/{order.pk}", **bearer(com.token)).json()
    item = body["productOrderItem"][0]
    assert (body["state"], item["state"], item["productOffering"]["name"]) == ("inProgress", "inProgress",
                                                                                "Business Fiber 1 Gbps")
    assert body["billingAccount"] == {"id": str(com.account.pk), "name": "ACME main account",
                                      "@referredType": "BillingAccount"}
    assert [p["name"] for p in item["itemPrice"]] == ["Business Fiber installation", "Business Fiber monthly"]


def test_listing_orders_costs_the_same_queries_for_1_or_10_orders(api, channel_a):
    from bss.testing import count_queries

    _, token = channel_a
    post(api, ORDERS, CTK_BODY, token)
    _, one = count_queries(lambda: api.get(ORDERS, **bearer(token)))
    for _ in range(9):
        post(api, ORDERS, {**CTK_BODY, "productOrderItem": [{"id": "1", "action": "add"},
                                                            {"id": "2", "action": "add"}]}, token)
    response, ten = count_queries(lambda: api.get(ORDERS, **bearer(token)))
    assert (len(response.json()), ten) == (10, one)
