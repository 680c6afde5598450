"""Outbox and hub with a real Celery worker, a real broker and a real HTTP listener."""
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import transaction

from bss import events
from bss.models import Delivery, HubSubscription, TransitionLog
from bss.testing import Listener

pytestmark = pytest.mark.flows


@pytest.fixture
def listener():
    started = Listener().start()
    yield started
    try:
        started.stop()
    except Exception:  # noqa: BLE001 - already stopped by the test
        pass


def emit(event_type, api="", resource_id="r1"):
    with transaction.atomic():
        return events.event_emit(event_type=event_type, api=api, resource_type="kitThing", resource_id=resource_id)


def test_hub_listener_gets_the_event_then_a_late_one_after_backoff_then_a_redriven_dead_letter(
        celery_worker, listener, eventually):
    HubSubscription.objects.create(api="tmf999", callback=listener.url)

    first = emit("KitThingCreateEvent", api="tmf999")
    eventually(lambda: len(listener.received) == 1, message="first event delivered")
    envelope = listener.received[0]
    assert (envelope["eventId"], envelope["eventType"]) == (str(first.pk), "KitThingCreateEvent")
    assert envelope["event"] == {"kitThing": {"id": "r1"}}

    listener.stop()
    late = emit("KitThingStateChangeEvent", api="tmf999")
    eventually(lambda: Delivery.objects.filter(event=late, attempts__gte=1).exists(), message="a failed attempt")
    listener.start()
    eventually(lambda: len(listener.received) == 2, message="late event delivered after backoff")
    assert listener.received[1]["eventId"] == str(late.pk)
    delivery = Delivery.objects.get(event=late)
    assert delivery.state == "delivered" and delivery.attempts >= 2

    listener.stop()
    lost = emit("KitThingDeleteEvent", api="tmf999")
    eventually(lambda: Delivery.objects.filter(event=lost, state="dead").exists(), timeout=30,
               message="dead-lettered after the attempt limit")
    dead = Delivery.objects.get(event=lost)
    assert dead.attempts == 4
    listener.start()
    events.delivery_redrive(delivery_id=dead.pk)
    eventually(lambda: len(listener.received) == 3, message="re-driven delivery arrives")
    assert listener.received[2]["eventId"] == str(lost.pk)


def test_event_committed_while_the_broker_is_down_is_delivered_once_by_the_sweeper(celery_worker, eventually):
    # Another process commits the event while its broker is unreachable: publishing fails, the delivery row stays.
    db = settings.DATABASES["default"]
    env = {**os.environ, "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "REDIS_URL": "redis://127.0.0.1:1/0", "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    code = ("from django.db import transaction; from bss import events\n"
            "with transaction.atomic():\n"
            "    print(events.event_emit(event_type='KitTestEvent', resource_type='kitThing', resource_id='down',"
            " payload={'n': 'x'}).pk)")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], env=env, capture_output=True,
                            text=True, timeout=60, cwd=settings.BASE_DIR)
    assert result.returncode == 0, result.stderr
    event_id = result.stdout.strip().splitlines()[-1]
    unpublished = Delivery.objects.get(event_id=event_id)
    assert (unpublished.state, unpublished.enqueued_at) == ("pending", None)

    eventually(lambda: TransitionLog.objects.filter(object_id=event_id, transition="kit-handled").exists(),
               timeout=30, message="sweeper re-published the event and the handler ran")
    # Give any duplicate a chance to show up, then check exactly one effect.
    eventually(lambda: Delivery.objects.filter(event_id=event_id, state="delivered").count() == 1)
    assert TransitionLog.objects.filter(object_id=event_id, transition="kit-handled").count() == 1
