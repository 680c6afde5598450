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


def test_emit_writes_the_event_and_its_deliveries_and_publishes_only_after_commit(
        db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = emit(n="1")
    assert OutboxEvent.objects.get().state == OutboxEvent.State.DISPATCHED
    assert event.payload == {"n": "1"}
    delivery = Delivery.objects.get()
    assert (delivery.event_id, delivery.kind, delivery.target, delivery.state) == (
        event.pk, "handler", "tests.bss.flow_handlers.record_kit_event", "pending")
    # Outside a task it is published after commit, so it is inserted stamped (no UPDATE to stamp it later).
    assert event.created_at <= delivery.enqueued_at <= delivery.created_at
    assert len(callbacks) == 1


def test_inside_a_task_a_handler_delivery_runs_there_and_is_inserted_unstamped(db, monkeypatch,
                                                                              django_capture_on_commit_callbacks):
    monkeypatch.setattr(events, "in_task", lambda: True)
    with django_capture_on_commit_callbacks(execute=False):
        event = emit(n="1")
    assert list(Delivery.objects.filter(event=event).values_list("enqueued_at", flat=True)) == [None]


def test_publishing_after_commit_writes_no_stamp(db, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = emit(n="2")
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    assert [q["sql"] for q in queries if q["sql"].startswith("UPDATE")] == []
    delivery = Delivery.objects.get(event=event)
    assert event.created_at <= delivery.enqueued_at <= delivery.created_at


def test_a_subscriber_narrowed_by_when_gets_only_the_events_it_wants(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        ignored, wanted = emit(n="other"), emit(n="wanted")
    targets = sorted(Delivery.objects.filter(event=wanted).values_list("target", flat=True))
    assert targets == ["tests.bss.flow_handlers.record_kit_event", "tests.bss.flow_handlers.record_only_wanted"]
    assert list(Delivery.objects.filter(event=ignored).values_list("target", flat=True)) == [
        "tests.bss.flow_handlers.record_kit_event"]


def test_an_event_nobody_consumes_costs_one_row_and_no_callback(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        emit("NobodyListensEvent")
    assert (OutboxEvent.objects.count(), Delivery.objects.count(), callbacks) == (1, 0, [])


def test_after_commit_outside_a_task_publishes_each_delivery_to_its_queue(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = emit(n="2")
    delivery = Delivery.objects.get(event=event)
    # Published (the broker is up in tests), not run here: the web never runs handlers in the request.
    assert (delivery.state, delivery.enqueued_at is not None, handled_count(event)) == ("pending", True, 0)


def test_rolled_back_change_leaves_no_event(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                events.event_emit(event_type="KitTestEvent", resource_type="kitThing", resource_id="r1")
                raise RuntimeError("the change failed")
    assert OutboxEvent.objects.count() == 0
    assert callbacks == []


def test_handler_runs_exactly_once_however_often_redelivered(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        event = emit(n="7")
    delivery = Delivery.objects.get()
    assert [events.delivery_run(delivery_id=delivery.pk) for _ in range(3)] == ["delivered", "skipped", "skipped"]
    assert handled_count(event) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 1)


def test_failing_handler_backs_off_then_dead_letters_with_an_event(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        emit("KitFailingEvent")
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

    with django_capture_on_commit_callbacks(execute=False):
        emit("KitFailingEvent")
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
            events.event_emit(event_type="KitTestEvent", api="tmf999", resource_type="kitThing",
                              resource_id="r1", owner_party_id="me")
    listeners = Delivery.objects.filter(kind="listener")
    assert [d.subscription.callback for d in listeners] == ["http://127.0.0.1:9/a"]
    assert listeners.get().queue == "notifications"


def emit_to_hub(n: int):
    for _ in range(n):
        events.event_emit(event_type="KitTestEvent", api="tmf999", resource_type="kitThing", resource_id="r1")


def test_one_transaction_reads_the_hub_listeners_once(db, django_assert_num_queries,
                                                      django_capture_on_commit_callbacks):
    HubSubscription.objects.create(api="tmf999", callback="http://127.0.0.1:9/a")
    with django_capture_on_commit_callbacks(execute=False):
        with transaction.atomic():
            emit_to_hub(1)
            # each further event: its row and its delivery, no listener read
            with django_assert_num_queries(4):
                emit_to_hub(2)
    assert Delivery.objects.filter(kind="listener").count() == 3


def test_a_listener_registered_mid_transaction_hears_the_events_after_it(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        with transaction.atomic():
            emit_to_hub(1)
            HubSubscription.objects.create(api="tmf999", callback="http://127.0.0.1:9/late")
            emit_to_hub(1)
    assert Delivery.objects.filter(kind="listener").count() == 1
    assert Delivery.objects.get(kind="listener").event == OutboxEvent.objects.order_by("created_at").last()


def test_a_new_transaction_reads_the_listeners_afresh(transactional_db):
    with transaction.atomic():
        emit_to_hub(1)
    HubSubscription.objects.bulk_create([HubSubscription(api="tmf999", callback="http://127.0.0.1:9/bulk")])
    with transaction.atomic():  # bulk_create sends no signal: only the ended transaction drops the memo
        emit_to_hub(1)
    assert Delivery.objects.filter(kind="listener").count() == 1


def test_an_envelope_without_a_correlation_id_leaves_the_key_out(db, django_capture_on_commit_callbacks):
    from bss.hub import event_envelope

    with django_capture_on_commit_callbacks(execute=False):
        event = emit()
    assert event.correlation_id in ("", None)
    assert "correlationId" not in event_envelope(event)
    event.correlation_id = "req-1"
    assert event_envelope(event)["correlationId"] == "req-1"


def test_sweeper_republishes_deliveries_left_unpublished_and_not_those_in_backoff(db):
    from datetime import timedelta

    from django.utils import timezone

    with transaction.atomic():  # committed, and its emitter died before its after-commit publishing
        events.event_emit(event_type="KitTestEvent", resource_type="kitThing", resource_id="r1")
        waiting = events.event_emit(event_type="KitTestEvent", resource_type="kitThing", resource_id="r2")
        Delivery.objects.filter(event=waiting).update(next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert events.outbox_sweep() == {"deliveries": 0}  # fresh: still the emitter's to publish
    Delivery.objects.update(created_at=timezone.now() - timedelta(seconds=3))
    assert events.outbox_sweep() == {"deliveries": 0}  # stamped at insert: published, as far as anyone knows
    Delivery.objects.update(enqueued_at=timezone.now() - events.STALE_AFTER - timedelta(seconds=1))
    assert events.outbox_sweep() == {"deliveries": 1}
    assert Delivery.objects.filter(enqueued_at__gt=timezone.now() - timedelta(seconds=5)).count() == 1
    assert events.outbox_sweep() == {"deliveries": 0}  # just published: not stale yet


def test_a_delivery_is_stamped_before_its_message_exists(db, monkeypatch):
    """A worker may take the message the moment it is published: the row must already say it was published, and
    no later stamp may hold its lock then (the worker's SKIP LOCKED read would skip it until the sweep)."""
    with transaction.atomic():
        events.event_emit(event_type="KitTestEvent", resource_type="kitThing", resource_id="r1")
    seen_at_publish = []
    monkeypatch.setattr(events, "enqueue_safely", lambda name, pk, queue: seen_at_publish.append(
        Delivery.objects.get(pk=pk).enqueued_at) or True)
    pending = [(d.pk, d.queue) for d in Delivery.objects.all()]
    events._enqueue_deliveries(pending)
    assert len(seen_at_publish) == 1 and None not in seen_at_publish
    assert set(Delivery.objects.values_list("enqueued_at", flat=True)) == set(seen_at_publish)


def test_a_delivery_the_broker_refused_is_left_unstamped_for_the_sweeper(db, monkeypatch):
    with transaction.atomic():
        events.event_emit(event_type="KitTestEvent", resource_type="kitThing", resource_id="r1")
    monkeypatch.setattr(events, "enqueue_safely", lambda name, pk, queue: False)
    events._enqueue_deliveries([(d.pk, d.queue) for d in Delivery.objects.all()])
    assert list(Delivery.objects.values_list("enqueued_at", flat=True)) == [None]
