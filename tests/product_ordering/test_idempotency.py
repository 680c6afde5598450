"""The same POST replayed 50 times at once, over real HTTP (each request its own thread and DB connection)."""
from concurrent.futures import ThreadPoolExecutor

import requests

from apps.product_ordering.models import ProductOrder, ProductOrderItem
from bss.models import OutboxEvent

from .conftest import ORDERING

BODY = {"externalId": "replayed-1", "productOrderItem": [{"id": "1", "action": "add"}],
        "relatedParty": [{"id": "456-dd-df45", "@referredType": "Individual"}]}


def _replay(url, headers, times=50):
    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(lambda _: requests.post(url, json=BODY, headers=headers, timeout=30), range(times)))


def test_fifty_concurrent_replays_by_external_id_make_one_order(live_server, channel_a):
    _, token = channel_a
    responses = _replay(f"{live_server.url}{ORDERING}productOrder", {"Authorization": f"Bearer {token}"})
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert (ProductOrder.objects.count(), ProductOrderItem.objects.count()) == (1, 1)
    assert OutboxEvent.objects.filter(event_type="ProductOrderCreateEvent").count() == 1


def test_fifty_concurrent_replays_by_idempotency_key_make_one_order(live_server, channel_a):
    _, token = channel_a
    body_without_external_id = {key: value for key, value in BODY.items() if key != "externalId"}
    url = f"{live_server.url}{ORDERING}productOrder"
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"}
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda _: requests.post(url, json=body_without_external_id, headers=headers,
                                                          timeout=30), range(50)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert ProductOrder.objects.count() == 1
