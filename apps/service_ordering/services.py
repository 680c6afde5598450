"""Activation: service orders in, steps run as jobs, outcomes out as events.

Locking order everywhere: the order, then its items (by id), then a job. Network calls happen outside any
transaction; their outcome is recorded by `activation_job_record`, which decides what comes next."""
import logging
import random
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_fsm import can_proceed

from apps.network.adapters import DONE, ERROR, PENDING, Result, adapter_for
from apps.service_inventory import services as inventory
from apps.service_qualification.selectors import serving_element_for
from bss.errors import IllegalTransition, NotFound, ValidationFailed
from bss.events import enqueue_safely, event_emit, service_atomic
from bss.fsm import transition_apply
from bss.jobs import continue_in_task, in_task, statement_timeout_local

from . import conf, events
from .activators import PLACE, SERVING_ELEMENT, PlannedStep, activator_for
from .jobs import platform_jobs_sweep
from .choices import (ORDER_TERMINAL, CancelState, ItemAction, ItemState, JobPhase, JobState,
                      OrderState, Outcome)
from .models import ActivationJob, CancelServiceOrder, ServiceOrder, ServiceOrderItem, ServiceSpecCache

logger = logging.getLogger(__name__)
I, J, O = ItemState, JobState, OrderState
RUN_TASK = "apps.service_ordering.tasks.activation_job_run_task"
START_TASK = "apps.service_ordering.tasks.service_order_start_task"
ACTIVE_ITEM_STATES = (I.ACKNOWLEDGED, I.PENDING, I.IN_PROGRESS, I.PENDING_EXTERNAL, I.COMPENSATING)
ORDER_FIELDS = ("description", "category", "priority", "requested_start_date", "requested_completion_date",
                "related_parties", "notes", "external_references")


# --- the catalog, as a versioned local copy -------------------------------------------------------------

def service_spec_cache_store(*, spec_id: str, version: str, activation: dict) -> ServiceSpecCache:
    row, _ = ServiceSpecCache.objects.update_or_create(
        spec_id=spec_id, version=version, defaults={"activation": activation, "fetched_at": timezone.now()})
    return row


def _catalog_fetch(*, spec_id: str, version: str | None) -> tuple[bool, dict | None]:
    """(catalog answered, activation metadata). Any failure of the catalog counts as 'did not answer'."""
    try:
        from apps.service_catalog.selectors import service_specification_activation

        with transaction.atomic():  # a savepoint: a failing catalog query must not poison our transaction
            return True, service_specification_activation(spec_id=spec_id, version=version or None)
    except Exception:  # noqa: BLE001 - an outage or a missing catalog: the cache decides
        logger.warning("service catalog unavailable", extra={"spec_id": spec_id, "version": version})
        return False, None


def service_spec_cache_warm() -> int:
    """Copy every service specification version the catalog has (beat, and at will): a later catalog
    outage then finds the cache warm even for specs no order used yet. Returns how many were cached."""
    try:
        from apps.service_catalog.selectors import service_specification_list

        with transaction.atomic():  # a savepoint, as in _catalog_fetch
            specs = [(str(spec.pk), spec.version) for spec in service_specification_list()]
    except Exception:  # noqa: BLE001 - catalog down: keep what we have, try again next time
        logger.warning("service catalog unavailable; spec cache not refreshed")
        return 0
    cached = set(ServiceSpecCache.objects.values_list("spec_id", "version"))
    stored = 0
    for spec_id, version in specs:
        if (spec_id, version) in cached:
            continue  # versions are immutable
        _, activation = _catalog_fetch(spec_id=spec_id, version=version)
        if activation:
            service_spec_cache_store(spec_id=spec_id, version=version, activation=activation)
            stored += 1
    return stored


def service_spec_resolve(*, spec_id: str, version: str = "") -> tuple[bool, dict | None]:
    """(known, activation metadata): an exact version comes from the cache once fetched (versions are
    immutable); the newest version is asked of the catalog, falling back to the newest cached copy."""
    if version:
        cached = ServiceSpecCache.objects.filter(spec_id=spec_id, version=version).first()
        if cached is not None:
            return True, cached.activation
    answered, activation = _catalog_fetch(spec_id=spec_id, version=version)
    if activation:
        service_spec_cache_store(spec_id=spec_id, version=str(activation.get("version") or version),
                                 activation=activation)
        return True, activation
    if not answered and not version:
        newest = ServiceSpecCache.objects.filter(spec_id=spec_id).order_by("-fetched_at").first()
        if newest is not None:
            return True, newest.activation
    return answered, None


# --- intake --------------------------------------------------------------------------------------------

def _validate_items(items) -> None:
    if not isinstance(items, (list, tuple)) or not items:
        raise ValidationFailed("a service order needs at least one item", reference_error="serviceOrderItem")
    keys = [item.get("key") if isinstance(item, dict) else None for item in items]
    if any(not isinstance(key, str) or not key for key in keys):
        raise ValidationFailed("every item needs a key (id)", reference_error="serviceOrderItem.id")
    if len(set(keys)) != len(keys):
        raise ValidationFailed("item keys (ids) must be unique within the order", reference_error="serviceOrderItem.id")
    for item in items:
        where = f"serviceOrderItem[{item['key']}]"
        action = item.get("action", ItemAction.ADD)
        if action not in ItemAction.values:
            raise ValidationFailed(f"{where}: action must be one of {', '.join(ItemAction.values)}",
                                   reference_error=f"{where}.action")
        if action != ItemAction.DELETE and not item.get("service_spec_id"):
            raise ValidationFailed(f"{where}: the service needs a serviceSpecification",
                                   reference_error=f"{where}.service.serviceSpecification")
        if action in (ItemAction.MODIFY, ItemAction.DELETE, ItemAction.NO_CHANGE) and not item.get("service_id"):
            raise ValidationFailed(f"{where}: {action} needs the existing service's id",
                                   reference_error=f"{where}.service.id")
        if not isinstance(item.get("characteristics") or {}, dict):
            raise ValidationFailed(f"{where}: characteristics must be name → value",
                                   reference_error=f"{where}.service.serviceCharacteristic")
        relies_on = item.get("relies_on") or []
        unknown = [key for key in relies_on if key not in keys or key == item["key"]]
        if unknown:
            raise ValidationFailed(f"{where}: relies on unknown items {unknown}",
                                   reference_error=f"{where}.serviceOrderItemRelationship")


def service_order_submit(*, external_id: str, requester: str, items: list[dict], owner_party_id: str = "",
                         **details) -> ServiceOrder:
    """Accept a service order (acknowledged); the work starts asynchronously. Idempotent by external_id."""
    _validate_items(items)
    unknown = set(details) - set(ORDER_FIELDS)
    if unknown:
        raise ValueError(f"not service order attributes: {sorted(unknown)}")
    with service_atomic():
        fields = {"requester": requester or "", "owner_party_id": str(owner_party_id or ""),
                  **{name: value for name, value in details.items() if value is not None}}
        if external_id:
            order, created = ServiceOrder.objects.get_or_create(external_id=external_id, defaults=fields)
        else:
            order, created = ServiceOrder.objects.create(**fields), True
        if not created:
            return order
        ServiceOrderItem.objects.bulk_create([ServiceOrderItem(
            order=order, key=item["key"], action=item.get("action") or ItemAction.ADD,
            service_spec_id=item.get("service_spec_id") or "", service_spec_version=item.get("service_spec_version") or "",
            characteristics=item.get("characteristics") or {}, service_id=item.get("service_id") or "",
            relies_on=list(item.get("relies_on") or []), related_party_id=item.get("related_party_id") or "")
            for item in items])
        _order_emit(order, events.ORDER_CREATE)
        transaction.on_commit(partial(continue_in_task, service_order_start, service_order_id=str(order.pk),
                                      otherwise=partial(enqueue_safely, START_TASK, str(order.pk),
                                                        queue="activation")))
    return order


def service_order_update(*, service_order_id, changes: dict) -> ServiceOrder:
    """Descriptive attributes only: state moves through activation and cancelServiceOrder."""
    unknown = set(changes) - set(ORDER_FIELDS)
    if unknown:
        raise ValidationFailed(f"these attributes cannot be changed: {sorted(unknown)}")
    with transaction.atomic():
        order = _order_lock(service_order_id)
        changed = [name for name, value in changes.items() if getattr(order, name) != value]
        for name in changed:
            setattr(order, name, changes[name])
        if changed:
            order.save(update_fields=[*changed, "updated_at"])
            _order_emit(order, events.ORDER_ATTRIBUTE_VALUE_CHANGE)
    return order


def service_order_delete(*, service_order_id) -> None:
    with transaction.atomic():
        order = _order_lock(service_order_id)
        if order.state not in ORDER_TERMINAL:
            raise IllegalTransition(f"service order {order.pk} is {order.state}; cancel it first")
        _order_emit(order, events.ORDER_DELETE)
        order.delete()


# --- starting and advancing items ----------------------------------------------------------------------

def service_order_start(*, service_order_id) -> ServiceOrder | None:
    """Resolve each item's activator, then start what does not wait on another item."""
    with transaction.atomic():
        order = ServiceOrder.objects.select_for_update().filter(pk=service_order_id).first()
        if order is None or order.state != O.ACKNOWLEDGED:
            return order
        items = _items_lock(order)
        transition_apply(order, "start", update_fields=("start_date", "completion_date", "updated_at"))
        _order_emit(order, events.ORDER_STATE_CHANGE, items)
        for item in items:
            _item_prepare(order, item)
        for item in items:
            _item_try_start(order, item, items)
        service_order_recompute_state(order=order, items=items)
    return order


def _item_prepare(order, item) -> None:
    if item.state != I.ACKNOWLEDGED:
        return
    spec_id = item.service_spec_id or _service_spec_of(item)
    known, activation = service_spec_resolve(spec_id=spec_id, version=item.service_spec_version)
    activator = activator_for(activation=activation) if activation else None
    if activator is None:
        if not known:
            transition_apply(item, "fail", update_fields=("error",),
                             error=f"service specification {spec_id} is not cached and the catalog is unavailable")
            _fallout(item, kind="catalogUnavailable", summary=item.error, context={"spec_id": spec_id})
        else:
            reason = "unknown" if activation is None else f"of family {activation.get('family')!r}, with no activator"
            transition_apply(item, "reject", update_fields=("error",),
                             error=f"service specification {spec_id} is {reason}")
            _order_emit(order, events.ORDER_INFORMATION_REQUIRED, [item])
        _item_stable(order, item)
        return
    item.service_spec_id = spec_id
    item.family = activator.family
    item.service_spec_version = str(activation.get("version") or item.service_spec_version)
    item.service_name = activation.get("name") or item.service_name
    item.activation = activation
    item.save(update_fields=["service_spec_id", "family", "service_spec_version", "service_name", "activation",
                             "updated_at"])


def _service_spec_of(item) -> str:
    from apps.service_inventory.selectors import service_get

    service = service_get(service_id=item.service_id)
    return service.spec_id if service else ""


def _item_try_start(order, item, items) -> None:
    """Start the item once everything it relies on completed; fail it if any of those cannot complete."""
    if item.state not in (I.ACKNOWLEDGED, I.PENDING):
        return
    if order.cancel_requested:
        transition_apply(item, "cancel")
        _item_stable(order, item, items)
        return
    by_key = {other.key: other for other in items}
    blocked = [key for key in item.relies_on if by_key[key].state in (I.FAILED, I.CANCELLED, I.REJECTED)]
    if blocked:
        transition_apply(item, "fail", update_fields=("error",), error=f"relies on {', '.join(blocked)}, "
                         "which did not complete")
        _item_stable(order, item, items)
    elif all(by_key[key].state == I.COMPLETED for key in item.relies_on):
        transition_apply(item, "start")
        _item_service_ensure(order, item, items)
        _item_advance(order, item, items)
    elif item.state == I.ACKNOWLEDGED:
        transition_apply(item, "wait")


def _item_service_ensure(order, item, items) -> None:
    """An item that adds a service records it in TMF638 (designed) before its first step, supported by the
    services of the items it relies on; a re-driven item whose earlier attempt ended terminated gets a new
    record (the old one stays as history)."""
    from apps.service_inventory.selectors import service_get

    if item.action != ItemAction.ADD:
        return
    current = service_get(service_id=item.service_id) if item.service_id else None
    if current is not None and current.state != "terminated":
        return
    service = inventory.service_create(
        spec_id=item.service_spec_id, spec_version=item.service_spec_version, spec_name=item.service_name,
        name=item.service_name, family=item.family, owner_party_id=order.owner_party_id,
        related_parties=[{"id": item.related_party_id, "role": "customer", "name": "", "type": "Party"}]
        if item.related_party_id else [],
        supporting_services=[{"id": other.service_id, "name": other.service_name, "type": "Service"}
                             for other in items if other.key in item.relies_on and other.service_id],
        order_items=[_order_item_ref(item)])
    item.service_id = str(service.pk)
    item.save(update_fields=["service_id", "updated_at"])


def _order_item_ref(item) -> dict:
    return {"service_order_id": str(item.order_id), "item_id": item.key, "action": item.action}


def _activation_of(item) -> dict:
    if item.activation:
        return item.activation
    # An item prepared before the metadata was pinned: kept on the instance for this unit of work.
    if getattr(item, "_activation", None) is None:
        item._activation = service_spec_resolve(spec_id=item.service_spec_id,
                                                version=item.service_spec_version)[1] or {}
    return item._activation


def _plan(item) -> list[PlannedStep]:
    if item.state == I.COMPENSATING:
        if item.action != ItemAction.ADD:
            return []  # a change or a removal is not undone by removing configuration
        # Finished steps, and a failed one whose last call went unanswered (it may have been applied).
        jobs = item.jobs.filter(run=item.run, phase=JobPhase.DO, operation="apply", state__in=(J.DONE, J.FAILED))
        return [PlannedStep(JobPhase.UNDO, f"undo_{job.step}", job.platform, "remove",
                            {"keys": sorted((job.response.get("applied") or job.params).keys())})
                for job in jobs.order_by("-id") if job.state == J.DONE or job.response.get("maybe_applied")]
    activation = _activation_of(item)
    activator = activator_for(activation=activation)
    return activator.plan(action=item.action, characteristics=_characteristics_designed(item, activator),
                          config_template=activation.get("config_template") or {})


def _characteristics_designed(item, activator) -> dict:
    """The ordered characteristics, plus the serving element of the ordered place when a step of an add takes one:
    COM says where (place_id), activation picks the element by the coverage data TMF645 checks capacity with. An
    item that names its element keeps it; one with no place, or a place no element serves, gets none (as before)."""
    characteristics = item.characteristics
    place_id = characteristics.get(PLACE)
    if item.action != ItemAction.ADD or not place_id or SERVING_ELEMENT in characteristics \
            or not activator.takes(SERVING_ELEMENT):
        return characteristics
    element = serving_element_for(address_id=place_id, family=activator.family)
    return {**characteristics, SERVING_ELEMENT: element} if element else characteristics


def _run_jobs(item) -> dict:
    return {(job.phase, job.step): job for job in item.jobs.filter(run=item.run)}


def _item_advance(order, item, items, run_jobs: dict | None = None) -> None:
    """Enqueue the item's next step, or finish the item when none is left."""
    if item.state not in (I.IN_PROGRESS, I.COMPENSATING):
        return
    # One read of the run's jobs; the item's row lock makes the insert below race-free (and the unique
    # constraint on (item, run, phase, step) still guards it).
    jobs = _run_jobs(item) if run_jobs is None else run_jobs
    upcoming = next((step for step in _plan(item)
                     if getattr(jobs.get((step.phase, step.name)), "state", None) != J.DONE), None)
    if upcoming is None:
        _item_finish(order, item, items)
        return
    job = jobs.get((upcoming.phase, upcoming.name)) or ActivationJob(
        item=item, run=item.run, phase=upcoming.phase, step=upcoming.name, platform=upcoming.platform,
        operation=upcoming.operation, params=upcoming.params, max_attempts=conf.max_attempts())
    if job.state == J.PENDING:
        _job_enqueue(job)  # inserts a new job


def _item_finish(order, item, items) -> None:
    if item.state == I.IN_PROGRESS:
        transition_apply(item, "complete")
        if item.service_id:
            inventory.service_progress(service_id=item.service_id,
                                       state="terminated" if item.action == ItemAction.DELETE else "active",
                                       order_item=_order_item_ref(item))
        _order_emit(order, events.ORDER_MILESTONE, [item])
    else:
        transition_apply(item, "cancel" if item.outcome == Outcome.CANCELLED else "fail")
        _service_terminate_if_built(item)
    _item_stable(order, item, items)


def _service_terminate_if_built(item) -> None:
    from apps.service_inventory.selectors import service_get

    service = service_get(service_id=item.service_id) if item.action == ItemAction.ADD and item.service_id else None
    if service is not None and service.state != "terminated":
        inventory.service_progress(service_id=item.service_id, state="terminated", order_item=_order_item_ref(item))


def _item_stable(order, item, items=None) -> None:
    """An item reached completed/failed/cancelled/rejected: tell COM, start what relied on it, recompute."""
    event_emit(event_type=events.ITEM_STATE_CHANGE, resource_type=events.ORDER, resource_id=order.pk,
               owner_party_id=order.owner_party_id, payload=events.item_payload(item))
    _order_emit(order, events.ORDER_ATTRIBUTE_VALUE_CHANGE, items)
    for other in items or ():
        if item.key in other.relies_on:
            _item_try_start(order, other, items)


def _item_compensate(order, item, items, *, outcome: str, error: str = "") -> None:
    """Undo the item's finished steps (they run as undo jobs), ending failed or cancelled."""
    transition_apply(item, "compensate", update_fields=("outcome", "error"), outcome=outcome, error=error)
    _item_advance(order, item, items)


# --- running a step ------------------------------------------------------------------------------------

def _job_enqueue(job, countdown: float | None = None) -> None:
    """After commit: a step due now runs in the task that made it due (no broker hop); a delayed retry, or a
    step made due by the web, is published to the activation queue. A new job (not saved yet) is inserted here."""
    def publish():
        if enqueue_safely(RUN_TASK, job.pk, queue="activation", countdown=countdown):
            ActivationJob.objects.filter(pk=job.pk).update(enqueued_at=timezone.now())

    if not countdown and in_task() and can_proceed(job.claim):
        # This task makes the call right after commit, so it claims the job now (a new job is inserted claimed): a
        # transaction fewer per step. Should it die before the call, the claim goes stale and the sweep recovers
        # it, as after any claim.
        transition_apply(job, "claim", update_fields=("attempts", "claimed_at"))
        transaction.on_commit(partial(continue_in_task, _job_call, job=job, otherwise=publish))
        return
    if job._state.adding:
        job.save()
    if countdown:
        transaction.on_commit(publish)
    else:
        transaction.on_commit(partial(continue_in_task, activation_job_run, job_id=job.pk, otherwise=publish))


def activation_job_run(*, job_id) -> str:
    """Claim the job, call the platform (outside any transaction), record the outcome."""
    with transaction.atomic():
        # Lock the job row only (of="self"): the item's row is often held by a sibling step's bookkeeping.
        job = (ActivationJob.objects.select_for_update(of=("self",)).select_related("item")
               .filter(pk=job_id, state__in=(J.PENDING, J.RUNNING)).first())
        if job is None or not can_proceed(job.claim):
            return "skipped"
        transition_apply(job, "claim", update_fields=("attempts", "claimed_at"))
    return _job_call(job=job)


def _job_call(*, job) -> str:
    """Call the platform for a claimed job (outside any transaction) and record the outcome."""
    adapter = adapter_for(job.platform)
    call = adapter.apply if job.operation == "apply" else adapter.remove
    try:
        result = call(idempotency_key=str(job.pk), service_id=job.item.service_id, params=job.params)
    except Exception as exc:  # noqa: BLE001 - an adapter crash is a transient failure of this attempt
        logger.exception("adapter call failed", extra={"job_id": job.pk})
        result = Result(ERROR, {}, f"{type(exc).__name__}: {exc}", transient=True)
    return activation_job_record(job_id=job.pk, result=result, ids=(job.item_id, job.item.order_id))


def activation_job_record(*, job_id, result: Result, ids: tuple | None = None) -> str:
    """What the platform answered decides the job's next state and the item's next step. `ids` (item, order)
    when the caller holds the job already: a read fewer (they never change)."""
    with service_atomic():
        if ids is None:  # the job's order, found and locked in one read (its row only: items are locked next)
            order = (ServiceOrder.objects.select_for_update(of=("self",)).filter(items__jobs__pk=job_id)
                     .annotate(job_item_id=F("items__id")).first())
            if order is None:
                return "unknown"
            item_id = order.job_item_id
        else:
            item_id, order_id = ids
            order = ServiceOrder.objects.select_for_update().get(pk=order_id)
        items = _items_lock(order)
        item = next(other for other in items if other.pk == item_id)
        # The job with the rest of its item's run, in one read: what comes next is decided from them.
        locked = list(item.jobs.select_for_update().filter(Q(run=item.run) | Q(pk=job_id)))
        job = next(other for other in locked if other.pk == job_id)
        if job.state not in (J.RUNNING, J.PENDING_EXTERNAL):
            return "stale"  # a late or repeated answer: the job has already moved on
        if result.outcome == DONE:
            transition_apply(job, "succeed", update_fields=("response", "finished_at", "last_error"),
                             response=result.response)
            _step_done(order, item, items, job,
                       {(other.phase, other.step): other for other in locked if other.run == item.run})
        elif result.outcome == PENDING:
            if job.state == J.RUNNING:
                deadline = timezone.now() + timedelta(seconds=_step_timeout(item, job))
                transition_apply(job, "await_external", update_fields=("deadline_at", "response"),
                                 deadline_at=deadline, response=result.response)
                if item.state == I.IN_PROGRESS:
                    transition_apply(item, "await_external")
        elif result.transient and can_proceed(job.retry):
            delay = conf.backoff_base_seconds() * 2 ** (job.attempts - 1) * (1 + random.random() / 2)
            transition_apply(job, "retry", update_fields=("next_attempt_at", "last_error", "response", "claimed_at"),
                             next_attempt_at=timezone.now() + timedelta(seconds=delay), error=result.error,
                             response=result.request_response)
            if job.attempts == 1:
                _order_emit(order, events.ORDER_JEOPARDY, [item])
            if item.state == I.PENDING_EXTERNAL:
                transition_apply(item, "resume")
            if delay <= conf.countdown_limit_seconds():
                _job_enqueue(job, countdown=delay)
        else:
            transition_apply(job, "fail", update_fields=("last_error", "response", "finished_at"),
                             error=result.error or "failed", response=result.request_response)
            _step_failed(order, item, items, job, result)
        service_order_recompute_state(order=order, items=items)
    return job.state


def _step_timeout(item, job) -> float:
    """The spec names timeouts by step or by step kind ("activate" covers "activate_ont")."""
    timeouts = _activation_of(item).get("step_timeouts") or {}
    named = timeouts.get(job.step) or next((seconds for kind, seconds in timeouts.items()
                                           if job.step.startswith(kind)), None)
    return float(named or conf.default_step_timeout_seconds())


def _step_done(order, item, items, job, run_jobs: dict) -> None:
    if item.state == I.PENDING_EXTERNAL:
        transition_apply(item, "resume")
    if job.phase == JobPhase.DO and item.service_id and job.operation == "apply":
        _service_progress_after(item, job, run_jobs)
    if item.state == I.IN_PROGRESS and order.cancel_requested:
        _item_compensate(order, item, items, outcome=Outcome.CANCELLED, error="order cancelled")
        return
    _item_advance(order, item, items, run_jobs)


def _service_progress_after(item, job, run_jobs: dict) -> None:
    """Write what the step configured to TMF638: reserved after the first step, inactive while configuring."""
    applied = job.response.get("applied") or {}
    activator = activator_for(activation=_activation_of(item))
    step = activator.step_named(job.step) if activator else None
    resources = []
    if step is not None and step.resource and step.fixed:
        resource_id = applied.get(next(iter(step.fixed)))
        if resource_id:
            resources.append({"id": str(resource_id), "name": job.step, "type": step.resource})
    state = None
    if item.action == ItemAction.ADD:
        first = not any(other.phase == JobPhase.DO and other.state == J.DONE and other.pk != job.pk
                        for other in run_jobs.values())
        state = "reserved" if first else "inactive"
    inventory.service_progress(service_id=item.service_id, state=state, characteristics=applied,
                               supporting_resources=resources)


def _step_failed(order, item, items, job, result: Result) -> None:
    _fallout(item, job=job, kind="stepExhausted" if result.transient else "stepFailed",
             summary=f"{job.phase} step {job.step} on {job.platform} failed after {job.attempts} attempt(s): "
                     f"{job.last_error}",
             context={"step": job.step, "phase": job.phase, "platform": job.platform, "attempts": job.attempts,
                      "last_error": job.last_error, "request": job.params, "response": result.request_response,
                      "external_id": order.external_id})
    if item.state == I.PENDING_EXTERNAL:
        transition_apply(item, "resume")
    outcome = Outcome.CANCELLED if order.cancel_requested else Outcome.FAILED
    rollback = _activation_of(item).get("rollback_on_failure", True)
    if job.phase == JobPhase.DO and item.state == I.IN_PROGRESS and rollback:
        _item_compensate(order, item, items, outcome=outcome, error=job.last_error)
        return
    # No roll-back (policy), or the roll-back itself failed: what was built stays, and the case names it.
    transition_apply(item, "fail", update_fields=("error",), error=job.last_error)
    _item_stable(order, item, items)


def _fallout(item, *, kind: str, summary: str, job=None, context: dict | None = None) -> None:
    event_emit(event_type=events.FALLOUT_REQUESTED, resource_type=events.ORDER, resource_id=item.order_id,
               payload=events.fallout_payload(kind=kind, summary=summary, item=item, job=job, context=context))


def activation_external_result(*, idempotency_key: str, response: dict) -> str:
    """A platform's asynchronous completion of the call a job made (the key is the job id). Bounded in time: a
    statement stuck past BSS_CALLBACK_STATEMENT_TIMEOUT_MS fails the whole callback (nothing half applied) and
    its delivery retries it."""
    if not str(idempotency_key).isdigit():
        return "unknown"
    with service_atomic():
        statement_timeout_local(milliseconds=settings.BSS_CALLBACK_STATEMENT_TIMEOUT_MS)
        return activation_job_record(job_id=int(idempotency_key), result=Result(DONE, response))


# --- the order's state: derived from its items, in one place --------------------------------------------

_TRANSITION_TO = {O.IN_PROGRESS: "start", O.PENDING_CANCELLATION: "request_cancellation", O.COMPLETED: "complete",
                  O.PARTIAL: "mark_partial", O.FAILED: "fail", O.CANCELLED: "cancel", O.REJECTED: "reject"}


def service_order_derived_state(*, order, items) -> str:
    states = [item.state for item in items]
    if any(state in ACTIVE_ITEM_STATES for state in states):
        return O.PENDING_CANCELLATION if order.cancel_requested else (
            O.ACKNOWLEDGED if order.state == O.ACKNOWLEDGED else O.IN_PROGRESS)
    if all(state == I.REJECTED for state in states):
        return O.REJECTED
    completed = states.count(I.COMPLETED)
    if completed == len(states):
        return O.COMPLETED
    if all(state in (I.CANCELLED, I.REJECTED) for state in states):
        return O.CANCELLED
    return O.PARTIAL if completed else O.FAILED


def service_order_recompute_state(*, order, items=None) -> bool:
    """Move the (locked) order to the state its items imply; emit the state change. True when it moved."""
    items = list(order.items.all()) if items is None else items
    target = service_order_derived_state(order=order, items=items)
    if target == order.state:
        return False
    transition_apply(order, _TRANSITION_TO[target],
                     update_fields=("start_date", "completion_date", "cancellation_date", "cancel_requested",
                                    "cancellation_reason", "updated_at"))
    _order_emit(order, events.ORDER_STATE_CHANGE, items)
    if target in ORDER_TERMINAL:
        _cancellations_settle(order)
    return True


def _order_emit(order, event_type: str, items=None) -> None:
    items = list(order.items.all()) if items is None else items
    event_emit(event_type=event_type, api=events.API, resource_type=events.ORDER, resource_id=order.pk,
               owner_party_id=order.owner_party_id, payload=events.order_payload(order, items))


# --- cancellation and compensation ---------------------------------------------------------------------

def service_order_cancel(*, service_order_id, reason: str = "", requested_at=None,
                         owner_party_id: str | None = None) -> ServiceOrder:
    """Cancel what has not started, compensate what has; a cancelServiceOrder task follows it to the end."""
    with transaction.atomic():
        order = _order_lock(service_order_id)
        if order.state not in (O.ACKNOWLEDGED, O.IN_PROGRESS):
            raise IllegalTransition(f"service order {order.pk} is {order.state}; only an order still in progress "
                                    "can be cancelled")
        items = _items_lock(order)
        cancellation = CancelServiceOrder.objects.create(
            service_order=order, reason=reason, requested_cancellation_date=requested_at,
            owner_party_id=order.owner_party_id if owner_party_id is None else owner_party_id)
        _cancel_emit(cancellation, events.CANCEL_CREATE)
        transition_apply(cancellation, "start")
        _cancel_emit(cancellation, events.CANCEL_STATE_CHANGE)
        transition_apply(order, "request_cancellation", reason=reason,
                         update_fields=("cancel_requested", "cancellation_reason", "updated_at"))
        _order_emit(order, events.ORDER_STATE_CHANGE, items)
        for item in items:
            _item_cancel(order, item, items)
        service_order_recompute_state(order=order, items=items)
    return order


def _item_cancel(order, item, items) -> None:
    if item.state in (I.ACKNOWLEDGED, I.PENDING):
        transition_apply(item, "cancel")
        _item_stable(order, item, items)
    elif item.state == I.COMPLETED:
        _item_compensate(order, item, items, outcome=Outcome.CANCELLED, error="order cancelled")
    elif item.state == I.COMPENSATING:
        item.outcome = Outcome.CANCELLED
        item.save(update_fields=["outcome", "updated_at"])
    elif item.state == I.IN_PROGRESS:
        waiting = item.jobs.select_for_update().filter(run=item.run, phase=JobPhase.DO, state=J.PENDING).first()
        if waiting is not None:  # not started yet: drop it and undo what is done
            transition_apply(waiting, "cancel", update_fields=("finished_at",))
            _item_compensate(order, item, items, outcome=Outcome.CANCELLED, error="order cancelled")
    # A running or externally pending step finishes first; _step_done then compensates (cancel_requested).


def _cancellations_settle(order) -> None:
    for cancellation in order.cancellations.select_for_update().filter(
            state__in=(CancelState.ACCEPTED, CancelState.IN_PROGRESS)):
        if order.state == O.CANCELLED:
            transition_apply(cancellation, "finish", update_fields=("effective_cancellation_date",
                                                                    "completion_message"),
                             message="all items cancelled or compensated")
        else:
            transition_apply(cancellation, "terminate_with_error", update_fields=("error_message",),
                             error=f"the order ended {order.state}")
        _cancel_emit(cancellation, events.CANCEL_STATE_CHANGE)


def _cancel_emit(cancellation, event_type: str) -> None:
    event_emit(event_type=event_type, api=events.API, resource_type=events.CANCEL, resource_id=cancellation.pk,
               owner_party_id=cancellation.owner_party_id, payload=events.cancel_payload(cancellation))


def _item_act(service_order_id, item_key, act) -> ServiceOrder:
    with transaction.atomic():
        order = _order_lock(service_order_id)
        items = _items_lock(order)
        item = next((other for other in items if other.key == item_key), None)
        if item is None:
            raise NotFound(f"service order {service_order_id} has no item {item_key!r}")
        act(order, item, items)
        service_order_recompute_state(order=order, items=items)
    return order


def service_order_item_compensate(*, service_order_id, item_key: str, reason: str = "") -> ServiceOrder:
    """Undo a completed item (COM rolls back, or an operator decides): it ends cancelled."""
    def act(order, item, items):
        if item.state != I.COMPLETED:
            raise IllegalTransition(f"item {item_key} is {item.state}; only a completed item is compensated")
        _item_compensate(order, item, items, outcome=Outcome.CANCELLED, error=reason)

    return _item_act(service_order_id, item_key, act)


def service_order_item_redrive(*, service_order_id, item_key: str, reason: str = "") -> ServiceOrder:
    """Run a failed item again from its first step, with fresh jobs (and so fresh idempotency keys)."""
    def act(order, item, items):
        if item.state != I.FAILED or order.cancel_requested:
            raise IllegalTransition(f"item {item_key} is {item.state}; only a failed item is re-driven")
        transition_apply(item, "redrive", reason=reason, update_fields=("error", "outcome", "run", "redrives"))
        _item_service_ensure(order, item, items)
        _item_advance(order, item, items)

    return _item_act(service_order_id, item_key, act)


def service_order_item_skip_step(*, service_order_id, item_key: str, reason: str = "") -> ServiceOrder:
    """An operator did the failed step by hand: mark it done and carry on (only if nothing was rolled back)."""
    def act(order, item, items):
        job = item.jobs.select_for_update().filter(run=item.run, state=J.FAILED).order_by("-id").first()
        undone = item.jobs.filter(run=item.run, phase=JobPhase.UNDO).exists()
        if item.state != I.FAILED or job is None or job.phase != JobPhase.DO or undone:
            raise IllegalTransition(f"item {item_key} has no failed step to skip (it may have been rolled back; "
                                    "re-drive it instead)")
        transition_apply(job, "skip", reason=reason, update_fields=("response", "finished_at"))
        transition_apply(item, "redrive", reason=reason, update_fields=("error", "outcome", "run", "redrives"), fresh_run=False)
        _item_service_ensure(order, item, items)
        _item_advance(order, item, items)

    return _item_act(service_order_id, item_key, act)


# --- recovery: what a lost message, a dead worker or a silent platform left behind ----------------------

def activation_sweep(*, batch: int = 200) -> dict:
    """Re-publish due and abandoned jobs, time out silent platforms, start forgotten orders (SKIP LOCKED)."""
    now = timezone.now()
    counts = platform_jobs_sweep(model=ActivationJob, run_task=RUN_TASK, record=activation_job_record, batch=batch)
    forgotten = list(ServiceOrder.objects.filter(state=O.ACKNOWLEDGED, created_at__lt=now - timedelta(seconds=5))
                     .values_list("pk", flat=True)[:batch])
    for order_id in forgotten:
        enqueue_safely(START_TASK, str(order_id), queue="activation")
    return {**counts, "orders": len(forgotten)}


# --- locks ---------------------------------------------------------------------------------------------

def _order_lock(service_order_id) -> ServiceOrder:
    try:
        order = ServiceOrder.objects.select_for_update().filter(pk=service_order_id).first()
    except (ValueError, TypeError, ValidationError):  # malformed id → unknown order
        order = None
    if order is None:
        raise NotFound(f"no service order with id {service_order_id}")
    return order


def _items_lock(order) -> list[ServiceOrderItem]:
    return list(ServiceOrderItem.objects.select_for_update().filter(order=order).order_by("id"))
