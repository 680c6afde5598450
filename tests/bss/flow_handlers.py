"""A subscriber that exists only in tests: it records each event it handles as a TransitionLog row."""
from django.contrib.contenttypes.models import ContentType

from bss.events import subscriber
from bss.models import OutboxEvent, TransitionLog


@subscriber("KitTestEvent", queue="default")
def record_kit_event(event):
    TransitionLog.objects.create(content_type=ContentType.objects.get_for_model(OutboxEvent),
                                 object_id=str(event.pk), transition="kit-handled", source_state="",
                                 target_state=event.payload.get("n", ""), actor="test")


@subscriber("KitFailingEvent", queue="default", max_attempts=2)
def always_fail(event):
    raise RuntimeError("kit handler refuses")


@subscriber("KitTestEvent", queue="default", when=lambda payload: payload.get("n") == "wanted")
def record_only_wanted(event):
    TransitionLog.objects.create(content_type=ContentType.objects.get_for_model(OutboxEvent),
                                 object_id=str(event.pk), transition="kit-wanted", source_state="",
                                 target_state=event.payload["n"], actor="test")
