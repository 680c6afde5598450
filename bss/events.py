"""Outbox events: emitted inside the service's transaction, fanned out to subscribers after commit.

- In-process subscribers register with `@subscriber("EventType", queue="orders")` in their app's handlers.py.
  Each runs once per event: its Delivery row is locked and marked delivered in the handler's own transaction.
  An event emitted inside a worker's task has its handlers run by that same task right after commit
  (`continue_in_task`); one emitted by the web goes through the handler's queue.
- Hub listeners (TMF /hub) get the TMF event envelope over HTTP from the `notifications` queue.
"""
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .context import current_correlation_id
from .batch import TransactionMarker, WriteBatch
from .fsm import transition_rows
from .jobs import continue_in_task, in_task, task_memo, task_memo_forget
from .api.versions import family_filter
from .models import Delivery, HubSubscription, OutboxEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Subscriber:
    path: str
    func: object
    queue: str
    max_attempts: int
    when: object = None  # payload -> bool: events it would ignore get no delivery (no row, no run)

    def wants(self, payload: dict) -> bool:
        return self.when is None or bool(self.when(payload))


_subscribers: dict[str, list[Subscriber]] = {}

# owner_party_id of events about public resources (the catalogs): every listener may hear them.
PUBLIC = "*"


def subscriber(*event_types: str, queue: str = "default", max_attempts: int = 8, when=None):
    """Register an idempotent in-process handler `func(event: OutboxEvent)` for these event types;
    `when(payload)` narrows it to the events it acts on."""

    def register(func):
        path = f"{func.__module__}.{func.__qualname__}"
        for event_type in event_types:
            entries = _subscribers.setdefault(event_type, [])
            if all(entry.path != path for entry in entries):
                entries.append(Subscriber(path, func, queue, max_attempts, when))
        return func

    return register


def subscribers_of(event_type: str) -> list[Subscriber]:
    return _subscribers.get(event_type, [])


def subscriber_by_path(path: str) -> Subscriber | None:
    for entries in _subscribers.values():
        for entry in entries:
            if entry.path == path:
                return entry
    return None


# TMF renderers: the api layer registers how a resource type is rendered for hub listeners.
_renderers: dict[str, object] = {}


def register_renderer(resource_type: str, render) -> None:
    """`render(resource_id) -> dict` (the TMF JSON of the resource), registered by an app's api package."""
    _renderers[resource_type] = render


def _render_for_hub(api: str, resource_type: str, resource_id: str):
    # Rendered once, in v4: a listener on another version gets it reshaped (bss.api.versions) at delivery.
    # Called only for an event with listener deliveries, so a listener exists: no query to ask.
    if not api:
        return None
    _load_renderers()
    render = _renderers.get(resource_type)
    return render(resource_id) if render else None


def _load_renderers():
    # Renderers live in api/ packages, which only the URLconf imports; a worker loads it on demand.
    if not _renderers:
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 (import side effect)


def event_emit(*, event_type: str, resource_type: str, resource_id, api: str = "", payload: dict | None = None,
               owner_party_id: str = "") -> OutboxEvent:
    """Write the event and its deliveries in the caller's transaction (inside a hot service's unit of work,
    together with the unit's other events as it ends: bss.batch); they run after commit.

    Fanning out here (not in a later dispatch task) saves a task and a transaction per event, and an event
    nobody consumes costs one insert."""
    event = OutboxEvent(
        event_type=event_type,
        api=api,
        resource_type=resource_type,
        resource_id=str(resource_id),
        owner_party_id=str(owner_party_id or ""),
        payload=payload or {},
        correlation_id=current_correlation_id(),
        state=OutboxEvent.State.DISPATCHED,
        created_at=timezone.now(),
        dispatched_at=timezone.now(),
    )
    if not outbox_rows.add(event):
        _events_write([event])
    return event


def _events_write(events: list[OutboxEvent]) -> None:
    OutboxEvent.objects.bulk_create(events)
    fanned_out = [(event, _deliveries_for(event)) for event in events]
    Delivery.objects.bulk_create([delivery for _, deliveries in fanned_out for delivery in deliveries])
    for event, deliveries in fanned_out:
        if deliveries:
            transaction.on_commit(partial(_after_commit, event, deliveries))


outbox_rows = WriteBatch("outbox_rows", _events_write)


def _deliveries_for(event: OutboxEvent) -> list[Delivery]:
    """A row that _after_commit publishes (a listener's, or a handler's outside a task) is inserted stamped as
    enqueued: stamping it in a later UPDATE was a statement and a transaction more. A handler's inside a task runs
    in that task, unstamped, so the sweeper takes it at once should the task die first."""
    now = timezone.now()
    published = None if in_task() else now
    rows = [Delivery(event=event, kind=Delivery.Kind.HANDLER, target=entry.path, queue=entry.queue,
                     max_attempts=entry.max_attempts, enqueued_at=published)
            for entry in subscribers_of(event.event_type) if entry.wants(event.payload)]
    if event.api:
        rows += [Delivery(event=event, kind=Delivery.Kind.LISTENER, target=str(sub.pk), subscription=sub,
                          resource=f"{event.resource_type}/{event.resource_id}"[:130], queue="notifications",
                          max_attempts=_hub_max_attempts(), enqueued_at=now)
                 for sub in _matching_subscriptions(event)]
    return rows


def _after_commit(event: OutboxEvent, deliveries: list[Delivery]) -> None:
    """Render the TMF body once for listeners (after commit, so they see the committed resource), then run
    handlers in this worker and queue listener calls. Whatever is lost here the sweeper re-publishes."""
    listeners = [d for d in deliveries if d.kind == Delivery.Kind.LISTENER]
    if listeners:
        try:
            body = _render_for_hub(event.api, event.resource_type, event.resource_id)
            if body is not None:
                OutboxEvent.objects.filter(pk=event.pk, tmf_body__isnull=True).update(tmf_body=body)
        except Exception:  # noqa: BLE001 - rendering must never lose the event; the envelope falls back to the id
            logger.exception("event render failed", extra={"event_id": str(event.pk)})
    for delivery in deliveries:
        if delivery.kind == Delivery.Kind.HANDLER:
            continue_in_task(_run_handler, delivery=delivery,
                             otherwise=partial(_publish_stamped, [(delivery.pk, delivery.queue)]))
    _publish_stamped([(d.pk, d.queue) for d in listeners])


def enqueue_safely(task_name: str, *args, queue: str = "default", countdown: float | None = None) -> bool:
    """Publish a task; when the broker is down, log and return False (the sweeper will publish it later)."""
    from celery import current_app

    try:
        current_app.send_task(task_name, args=list(args), queue=queue, countdown=countdown)
        return True
    except Exception:  # noqa: BLE001 - broker outage: the row stays pending and is swept
        logger.warning("broker unavailable, left for the sweeper", extra={"task": task_name})
        return False


def _enqueue_deliveries(pending):
    """Stamp, then publish: stamping after publishing raced the worker, which may take the message at once; its
    SKIP LOCKED read found the row locked by the stamp, skipped it, and left it to the sweeper 30 s later."""
    if not pending:
        return
    Delivery.objects.filter(pk__in=[pk for pk, _ in pending]).update(enqueued_at=timezone.now())
    _publish_stamped(pending)


def _publish_stamped(pending):
    unpublished = [pk for pk, queue in pending if not enqueue_safely("bss.tasks.delivery_run_task", pk, queue=queue)]
    if unpublished:  # the broker is down: the sweeper may take these at once
        Delivery.objects.filter(pk__in=unpublished).update(enqueued_at=None, next_attempt_at=None)


def _listener_stream_pending(*, subscription_id, resource):
    """The pending listener deliveries of one (subscription, resource): the stream delivered in event order."""
    return Delivery.objects.filter(kind=Delivery.Kind.LISTENER, state=Delivery.State.PENDING,
                                   subscription_id=subscription_id, resource=resource)


def listener_earlier_undelivered():
    """The listener deliveries before the outer one (OuterRef) for its (subscription, resource) that are neither
    delivered nor dead: while one exists, the outer one waits (bss.hub.listener_deliver)."""
    from django.db.models import OuterRef

    return _listener_stream_pending(subscription_id=OuterRef("subscription_id"),
                                    resource=OuterRef("resource")).filter(pk__lt=OuterRef("pk"))


def listener_wake(candidates) -> None:
    """Publish the parked deliveries among `candidates` whose turn has come. Parked = no enqueued_at but a
    next_attempt_at (the re-check); a fresh or unpublished row has neither and is its emitter's or the sweeper's.
    Stamping is conditional, so of the two that may wake one (the earlier delivery ending, or itself re-checking
    right after it parked) only one publishes it."""
    from django.db.models import Exists

    parked = {"state": Delivery.State.PENDING, "enqueued_at__isnull": True, "next_attempt_at__isnull": False}
    due = candidates.filter(**parked).exclude(Exists(listener_earlier_undelivered())).values_list("pk", "queue")
    for pk, queue in list(due):
        if Delivery.objects.filter(pk=pk, **parked).update(enqueued_at=timezone.now(), next_attempt_at=None):
            _publish_stamped([(pk, queue)])


def listener_wake_next(delivery) -> None:
    """`delivery` ended (delivered or dead): its resource's next listener delivery may go."""
    if delivery.kind != Delivery.Kind.LISTENER or delivery.subscription_id is None:
        return
    following = (_listener_stream_pending(subscription_id=delivery.subscription_id, resource=delivery.resource)
                 .filter(pk__gt=delivery.pk).order_by("pk").values_list("pk", flat=True)[:1])
    listener_wake(Delivery.objects.filter(pk__in=following))


def _subscriptions_of(api: str) -> list[HubSubscription]:
    """The API's listeners (on every version of it), read once per task in a worker (bss.jobs.task_memo), once per
    transaction elsewhere: a task's units emit several events to the same hub. Any change to a subscription in
    this process drops both memos (signals connected in bss.apps)."""
    return task_memo(("hub_subscriptions", api), partial(_subscriptions_in_transaction, api))


def _subscriptions_in_transaction(api: str) -> list[HubSubscription]:
    # The memo lives while its marker is pending, i.e. until this transaction commits or rolls back.
    if not connection.in_atomic_block:
        return list(HubSubscription.objects.filter(**family_filter(api)))
    memo = getattr(connection, "bss_hub_memo", None)
    if memo is None or not memo.marker.pending():
        memo = connection.bss_hub_memo = _HubMemo(TransactionMarker.place())
    if api not in memo.by_api:
        memo.by_api[api] = list(HubSubscription.objects.filter(**family_filter(api)))
    return memo.by_api[api]


@dataclass
class _HubMemo:
    marker: TransactionMarker
    by_api: dict = field(default_factory=dict)


def hub_memo_forget(**_) -> None:
    connection.bss_hub_memo = None
    task_memo_forget()


def _hub_max_attempts() -> int:
    from django.conf import settings

    return settings.BSS_HUB_MAX_ATTEMPTS


def _matching_subscriptions(event: OutboxEvent):
    from .hub import subscription_matches

    subs = _subscriptions_of(event.api)
    # A channel's listener hears only about its own resources and public ones (owner PUBLIC, e.g. the catalog);
    # an unbound listener (staff) hears all.
    subs = [s for s in subs if not s.owner_party_id or event.owner_party_id in (PUBLIC, s.owner_party_id)]
    return [s for s in subs if subscription_matches(s.query, event)]


def delivery_run(*, delivery_id) -> str:
    """Deliver once: run the handler (in its transaction) or call the listener; on failure back off."""
    delivery = Delivery.objects.select_related("event", "subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.state != Delivery.State.PENDING:
        return "skipped"
    if delivery.kind == Delivery.Kind.HANDLER:
        return _run_handler(delivery)
    from .hub import listener_deliver

    return listener_deliver(delivery_id=delivery_id)


_unit = threading.local()


@contextmanager
def _inside_unit():
    """Marks a handler's delivery or a hot service as running: what nests inside it needs no savepoint."""
    _unit.depth = getattr(_unit, "depth", 0) + 1
    try:
        yield
    finally:
        _unit.depth -= 1


@contextmanager
def service_atomic():
    """A hot service's transaction. Nested, it is a savepoint, except inside a handler's delivery or another hot
    service: a failure there rolls the whole unit back anyway (hot services let failures through to their caller),
    so a savepoint would be two round trips for nothing. Its outbox events and transition rows are written
    together before it commits (bss.batch)."""
    nested_in_unit = getattr(_unit, "depth", 0) > 0
    with _inside_unit(), transaction.atomic(savepoint=not nested_in_unit), transition_rows.collecting(), \
            outbox_rows.collecting():
        yield


def _run_handler(delivery: Delivery) -> str:
    """Run a handler delivery (its row and event as the caller holds them) exactly once: the delivery is marked
    delivered first, in the handler's own transaction, by an UPDATE that only a pending row matches. It locks the
    row, so a second runner (a sweeper's republish) waits, then matches nothing and skips; a failing handler
    rolls the mark back with its own writes."""
    try:
        with transaction.atomic():
            claimed = Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.PENDING).update(
                state=Delivery.State.DELIVERED, attempts=F("attempts") + 1, delivered_at=timezone.now())
            if not claimed:
                return "skipped"
            entry = subscriber_by_path(delivery.target)
            if entry is None:
                raise LookupError(f"no subscriber registered as {delivery.target}")
            with _inside_unit():
                entry.func(delivery.event)
        return "delivered"
    except Exception as exc:  # noqa: BLE001 - the handler's writes rolled back; count the attempt
        logger.exception("handler failed", extra={"delivery_id": delivery.pk})
        return delivery_record_failure(delivery_id=delivery.pk, error=repr(exc))


def delivery_record_failure(*, delivery_id, error: str, status: int | None = None, final: bool = False) -> str:
    """Count a failed attempt; schedule the next one with exponential backoff, or dead-letter it (at once when
    `final`: the target can never be delivered to)."""
    from django.conf import settings

    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        delivery.attempts += 1
        delivery.last_error = error[:2000]
        delivery.last_status = status
        if final or delivery.attempts >= delivery.max_attempts:
            delivery.state = Delivery.State.DEAD
            delivery.next_attempt_at = None
            event_emit(event_type="DeliveryDeadLetteredEvent", resource_type="delivery", resource_id=delivery.pk,
                       payload={"target": delivery.target, "kind": delivery.kind, "event_id": str(delivery.event_id),
                                "event_type": delivery.event.event_type, "error": delivery.last_error})
            # A dead letter no longer holds its resource's later events back (re-sent, it arrives after them).
            transaction.on_commit(partial(listener_wake_next, delivery))
        else:
            delay = settings.BSS_HUB_BACKOFF_BASE * (2 ** (delivery.attempts - 1))
            delivery.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            # Short waits ride on a broker countdown; the sweeper covers a lost or long one.
            transaction.on_commit(partial(enqueue_safely, "bss.tasks.delivery_run_task", delivery.pk,
                                          queue=delivery.queue, countdown=delay))
        delivery.enqueued_at = timezone.now() if delivery.state == Delivery.State.PENDING else None
        delivery.save(update_fields=["attempts", "last_error", "last_status", "state", "next_attempt_at",
                                     "enqueued_at"])
    return delivery.state


def delivery_redrive(*, delivery_id) -> Delivery:
    """Operator action: give a dead-lettered delivery a fresh set of attempts."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.state != Delivery.State.DEAD:
            from .errors import IllegalTransition

            raise IllegalTransition(f"delivery {delivery_id} is {delivery.state}, not dead")
        delivery.state = Delivery.State.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = None
        delivery.save(update_fields=["state", "attempts", "next_attempt_at"])
        transaction.on_commit(partial(_enqueue_deliveries, [(delivery.pk, delivery.queue)]))
    return delivery


# A published delivery (stamped enqueued_at, at insert or by this sweep) not done after this is published again: its
# message was lost, or its emitter died between commit and publish.
STALE_AFTER = timedelta(seconds=30)
# A delivery younger than this is still its emitter's to publish or run (after commit, continue_in_task).
FRESH_FOR = timedelta(seconds=2)


def outbox_sweep(*, batch: int = 500) -> dict:
    """Re-publish deliveries that a broker outage, a lost message or a dead worker left behind.
    Safe to run on many workers at once."""
    now = timezone.now()
    with transaction.atomic():
        due = list(Delivery.objects.select_for_update(skip_locked=True)
                   .filter(state=Delivery.State.PENDING, created_at__lt=now - FRESH_FOR)
                   .exclude(next_attempt_at__gt=now)
                   .exclude(enqueued_at__gt=now - STALE_AFTER)
                   .values_list("pk", "queue")[:batch])
    _enqueue_deliveries(due)
    return {"deliveries": len(due)}
