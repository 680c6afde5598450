"""A listener hears one resource's events in event order, even when a delivery's worker died during its call."""
import base64
import json
from collections import Counter
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bss import events
from bss.hub import listener_deliver
from bss.models import Delivery, HubSubscription
from bss.testing import Listener


@pytest.fixture
def listener():
    started = Listener().start()
    yield started
    started.stop()


def emit(event_type, resource_id="r1"):
    with transaction.atomic():
        return events.event_emit(event_type=event_type, api="tmf999", resource_type="kitThing",
                                 resource_id=resource_id)


def listener_delivery(event):
    return Delivery.objects.get(event=event, kind=Delivery.Kind.LISTENER)


def queued_deliveries() -> Counter:
    """Delivery ids of the delivery_run_task messages waiting in the broker's notifications queue."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    return Counter(json.loads(base64.b64decode(json.loads(raw)["body"]))[0][0]
                   for raw in broker.lrange("notifications", 0, -1))


def heard(listener) -> list[str]:
    return [envelope["eventId"] for envelope in listener.received]


def test_a_delivery_waits_while_an_earlier_one_of_its_resource_is_pending_and_goes_once_that_one_is_delivered(
        db, listener, django_capture_on_commit_callbacks):
    HubSubscription.objects.create(api="tmf999", callback=listener.url)
    with django_capture_on_commit_callbacks(execute=False):  # nothing published: the test plays the workers
        created, changed = emit("KitThingCreateEvent"), emit("KitThingStateChangeEvent")
        elsewhere = emit("KitThingCreateEvent", resource_id="r2")
    first, second = listener_delivery(created), listener_delivery(changed)
    # The first one's worker claimed it and died during the call: pending, stamped, waiting for redelivery.
    Delivery.objects.filter(pk=first.pk).update(enqueued_at=timezone.now())

    assert listener_deliver(delivery_id=second.pk) == "waiting"
    assert listener_deliver(delivery_id=listener_delivery(elsewhere).pk) == "delivered"  # another resource goes

    second.refresh_from_db()
    assert (second.state, second.attempts, second.enqueued_at) == ("pending", 0, None)
    assert timezone.now() + timedelta(minutes=4) < second.next_attempt_at < timezone.now() + timedelta(minutes=6)
    assert heard(listener) == [str(elsewhere.pk)]
    queued_before = queued_deliveries()

    assert listener_deliver(delivery_id=first.pk) == "delivered"  # the redelivery

    second.refresh_from_db()
    assert (second.state, second.enqueued_at is not None, second.next_attempt_at) == ("pending", True, None)
    assert queued_deliveries() - queued_before == Counter({second.pk: 1})  # woken: published once
    assert listener_deliver(delivery_id=second.pk) == "delivered"
    assert heard(listener) == [str(elsewhere.pk), str(created.pk), str(changed.pk)]
    assert list(Delivery.objects.filter(kind="listener").values_list("state", flat=True).distinct()) == [
        "delivered"]


def test_a_dead_lettered_delivery_no_longer_holds_back_the_later_ones(
        db, listener, django_capture_on_commit_callbacks):
    HubSubscription.objects.create(api="tmf999", callback=listener.url)
    with django_capture_on_commit_callbacks(execute=False):
        created, changed = emit("KitThingCreateEvent"), emit("KitThingStateChangeEvent")
    first, second = listener_delivery(created), listener_delivery(changed)
    assert listener_deliver(delivery_id=second.pk) == "waiting"

    with django_capture_on_commit_callbacks(execute=True):
        assert events.delivery_record_failure(delivery_id=first.pk, error="HTTP 410", final=True) == "dead"

    second.refresh_from_db()
    assert (second.enqueued_at is not None, second.next_attempt_at) == (True, None)
    assert listener_deliver(delivery_id=second.pk) == "delivered"
    assert heard(listener) == [str(changed.pk)]
    assert dict(Delivery.objects.filter(kind="listener").values_list("pk", "state")) == {
        first.pk: "dead", second.pk: "delivered"}


def test_a_parked_delivery_whose_earlier_one_ended_meanwhile_wakes_itself(db, listener,
                                                                          django_capture_on_commit_callbacks):
    """The earlier one may end between this one's check and its parking: nobody would wake it then."""
    HubSubscription.objects.create(api="tmf999", callback=listener.url)
    with django_capture_on_commit_callbacks(execute=False):
        created, changed = emit("KitThingCreateEvent"), emit("KitThingStateChangeEvent")
    first, second = listener_delivery(created), listener_delivery(changed)
    parked = {"enqueued_at": None, "next_attempt_at": timezone.now() + timedelta(minutes=5)}
    Delivery.objects.filter(pk=second.pk).update(**parked)
    Delivery.objects.filter(pk=first.pk).update(state=Delivery.State.DELIVERED)  # ended, woke nobody
    queued_before = queued_deliveries()

    events.listener_wake(Delivery.objects.filter(pk=second.pk))
    events.listener_wake(Delivery.objects.filter(pk=second.pk))  # a second wake-up publishes nothing more

    assert queued_deliveries() - queued_before == Counter({second.pk: 1})
    second.refresh_from_db()
    assert (second.enqueued_at is not None, second.next_attempt_at) == (True, None)


def test_the_in_order_check_costs_no_statement_on_the_hot_path(db, listener, django_capture_on_commit_callbacks,
                                                               django_assert_num_queries):
    HubSubscription.objects.create(api="tmf999", callback=listener.url)
    with django_capture_on_commit_callbacks(execute=False):
        created = emit("KitThingCreateEvent")
    delivery_id = listener_delivery(created).pk
    # the claiming SELECT (with the check), its stamp, the delivered mark (with the wake-up), and the savepoint's
    # two statements (the test runs in a transaction)
    with django_assert_num_queries(5):
        assert listener_deliver(delivery_id=delivery_id) == "delivered"
    assert heard(listener) == [str(created.pk)]
