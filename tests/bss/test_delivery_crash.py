"""At-least-once to a hub listener across a worker crash, with the real worker: a listener's answer that the hub
did not live to record is sent again, with the same eventId; once the hub has recorded a 2xx it never sends again.
bench/chaos.py counts both under load (docs/reliability.md, defect 6)."""
import threading
import time

import pytest
from django.db import transaction

from bss import events
from bss.events import STALE_AFTER
from bss.hub_listener import Listener
from bss.models import Delivery, HubSubscription


def killing_listener(worker) -> Listener:
    """Kills the whole worker when the first notification arrives, once it is recorded and before the answer: the
    listener has the event, the hub never learns it did."""
    killed = threading.Event()

    def kill_once(_envelope):
        if not killed.is_set():
            killed.set()
            worker.kill_hard()

    return Listener(before_answer=kill_once)


@pytest.mark.chaos
def test_an_answer_the_hub_did_not_record_is_sent_again_once_with_the_same_event_id(celery_worker, eventually):
    listener = killing_listener(celery_worker).start()
    try:
        HubSubscription.objects.create(api="tmf999", callback=listener.url)
        with transaction.atomic():
            event = events.event_emit(event_type="KitThingCreateEvent", api="tmf999", resource_type="kitThing",
                                      resource_id="r1")
        eventually(lambda: celery_worker.process.poll() is not None, timeout=30, message="the worker was not killed")
        delivery = Delivery.objects.get(event=event, kind=Delivery.Kind.LISTENER)
        assert (delivery.state, delivery.attempts) == ("pending", 0)  # the hub has no record of the first answer

        celery_worker.start()
        # The sweeper re-publishes a claim older than STALE_AFTER; the second send is answered and recorded.
        eventually(lambda: Delivery.objects.get(pk=delivery.pk).state == "delivered",
                   timeout=STALE_AFTER.total_seconds() + 30, message="not delivered after the restart")
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.last_status) == (1, 201)
        assert [envelope["eventId"] for envelope in listener.received] == [str(event.pk), str(event.pk)]
        heard_when_recorded = len(listener.received)

        time.sleep(6)  # more than a sweep (every 5 s): nothing is sent after the recorded 2xx
        assert len(listener.received) == heard_when_recorded == 2
        assert listener.heard_wall_at[1] < delivery.delivered_at.timestamp()
    finally:
        listener.stop()
