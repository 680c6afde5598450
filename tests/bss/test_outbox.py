"""Outbox: events are rows written with the change; fan-out and handler runs are idempotent."""
import pytest
from django.db import transaction

from bss import events
from bss.models import Delivery, HubSubscription, OutboxEvent, TransitionLog


def emit(event_type="KitTestEvent", **payload):
    with transaction.atomic():
        return events.event_emit(event_type=event_type, resource_type="kitThing", resource_id="r1",
                                 payload=payload)


def handled_count(event):
    return TransitionLog.objects.filter(object_id=str(event.pk), transition="kit-handled").count()


def test_emit_writes_a_pending_row_and_publishes_only_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = emit(n="1")
    assert OutboxEvent.objects.get().state == OutboxEvent.State.PENDING
    assert event.payload == {"n": "1"}
    assert len(callbacks) == 1


def test_rolled_back_change_leaves_no_event(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                events.event_emit(event_type="KitTestEvent", resource_type="kitThing", resource_id="r1")
                raise RuntimeError("the change failed")
    assert OutboxEvent.objects.count() == 0
    assert callbacks == []


def test_dispatch_twice_fans_out_once(db, django_capture_on_commit_callbacks):
    event = emit()
    with django_capture_on_commit_callbacks(execute=False):
        assert events.event_dispatch(event_id=event.pk) == 1
        assert events.event_dispatch(event_id=event.pk) == 0
    delivery = Delivery.objects.get()
    assert (delivery.kind, delivery.target, delivery.state) == (
        "handler", "tests.bss.flow_handlers.record_kit_event", "pending")
    assert OutboxEvent.objects.get().state == OutboxEvent.State.DISPATCHED


def test_handler_runs_exactly_once_however_often_redelivered(db, django_capture_on_commit_callbacks):
    event = emit(n="7")
    with django_capture_on_commit_callbacks(execute=False):
        events.event_dispatch(event_id=event.pk)
    delivery = Delivery.objects.get()
    assert [events.delivery_run(delivery_id=delivery.pk) for _ in range(3)] == ["delivered", "skipped", "skipped"]
    assert handled_count(event) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 1)


def test_failing_handler_backs_off_then_dead_letters_with_an_event(db, django_capture_on_commit_callbacks):
    event = emit("KitFailingEvent")
    with django_capture_on_commit_callbacks(execute=False):
        events.event_dispatch(event_id=event.pk)
        delivery = Delivery.objects.get()
        assert events.delivery_run(delivery_id=delivery.pk) == "pending"
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.state) == (1, "pending")
        assert delivery.next_attempt_at is not None
        assert delivery.last_error == "RuntimeError('kit handler refuses')"
        assert events.delivery_run(delivery_id=delivery.pk) == "dead"
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.state, delivery.next_attempt_at) == (2, "dead", None)
    dead_letter = OutboxEvent.objects.get(event_type="DeliveryDeadLetteredEvent")
    assert dead_letter.resource_id == str(delivery.pk)
    assert dead_letter.payload["event_type"] == "KitFailingEvent"


def test_redrive_resets_a_dead_delivery_and_refuses_a_live_one(db, django_capture_on_commit_callbacks):
    from bss.errors import IllegalTransition

    event = emit("KitFailingEvent")
    with django_capture_on_commit_callbacks(execute=False):
        events.event_dispatch(event_id=event.pk)
        delivery = Delivery.objects.get()
        with pytest.raises(IllegalTransition):
            events.delivery_redrive(delivery_id=delivery.pk)
        events.delivery_run(delivery_id=delivery.pk)
        events.delivery_run(delivery_id=delivery.pk)
        events.delivery_redrive(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 0)


def test_listener_deliveries_follow_the_hub_query(db, django_capture_on_commit_callbacks):
    HubSubscription.objects.create(api="tmf999", callback="http://127.0.0.1:9/a", query="eventType=KitTestEvent")
    HubSubscription.objects.create(api="tmf999", callback="http://127.0.0.1:9/b", query="eventType=Other")
    HubSubscription.objects.create(api="tmf999", callback="http://127.0.0.1:9/c", owner_party_id="someone-else")
    with django_capture_on_commit_callbacks(execute=False):
        with transaction.atomic():
            event = events.event_emit(event_type="KitTestEvent", api="tmf999", resource_type="kitThing",
                                      resource_id="r1", owner_party_id="me")
        events.event_dispatch(event_id=event.pk)
    listeners = Delivery.objects.filter(kind="listener")
    assert [d.subscription.callback for d in listeners] == ["http://127.0.0.1:9/a"]
    assert listeners.get().queue == "notifications"


def test_sweeper_republishes_pending_events_and_due_deliveries(db):
    from datetime import timedelta

    from django.utils import timezone

    event = emit()
    OutboxEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(seconds=10))
    assert events.outbox_sweep() == {"events": 1, "deliveries": 0}
