"""Fallout writes: opening cases (idempotently) and every operator action, each logged with who and why."""
from contextlib import contextmanager

from django.db import transaction
from django.db.models import F
from django_fsm import can_proceed

from bss.context import actor_var
from bss.errors import IllegalTransition, NotFound, ValidationFailed
from bss.events import event_emit
from bss.fsm import transition_apply

from . import events
from .choices import ACTIVE_STATES, FalloutAction, FalloutSource, FalloutState
from .models import FalloutCase
from .owners import owner_act

# What a case is about, per source: the unit of work an operator acts on. A re-driven item may build a new
# service, so activation cases are about the item, not the service.
SUBJECT_FIELDS = {FalloutSource.ACTIVATION: ("service_order_id", "item_key"),
                  FalloutSource.ORDERING: ("product_order_id", "item_key"),
                  FalloutSource.RECONCILIATION: ("service_id",),
                  FalloutSource.NOTIFICATIONS: ("delivery_id",)}


def fallout_subject(source: str, ids: dict) -> str:
    return "|".join(f"{name}={ids[name]}" for name in SUBJECT_FIELDS[source] if ids.get(name))


def fallout_case_open(*, source: str, kind: str, summary: str = "", context: dict | None = None,
                      product_order_id: str = "", service_order_id: str = "", item_key: str = "",
                      job_id: str = "", service_id: str = "", delivery_id: str = "",
                      event_id: str = "") -> FalloutCase:
    """Open a case, or count a repeat on the active case for the same (source, kind, subject)."""
    if source not in FalloutSource.values:
        raise ValidationFailed(f"unknown fallout source {source!r}")
    ids = {"product_order_id": str(product_order_id or ""), "service_order_id": str(service_order_id or ""),
           "item_key": str(item_key or ""), "service_id": str(service_id or ""),
           "delivery_id": str(delivery_id or "")}
    subject = fallout_subject(source, ids) or f"event={event_id}"
    with transaction.atomic():
        case, created = FalloutCase.objects.filter(state__in=ACTIVE_STATES).get_or_create(
            source=source, kind=kind, subject=subject,
            defaults={**ids, "summary": summary, "context": context or {}, "job_id": str(job_id or ""),
                      "opened_by_event_id": str(event_id or "")})
        if created:
            event_emit(event_type=events.FALLOUT_CASE_CREATE, resource_type=events.RESOURCE_TYPE,
                       resource_id=case.pk, payload=events.fallout_case_payload(case))
        elif not event_id or event_id != case.opened_by_event_id:
            FalloutCase.objects.filter(pk=case.pk).update(occurrences=F("occurrences") + 1, summary=summary,
                                                          context=context or case.context)
            case = _locked(case.pk)
            if case.state == FalloutState.IN_PROGRESS:
                _transition(case, "recur", actor="system", reason=f"failed again: {summary}"[:2000])
    return case


@contextmanager
def acting_as(actor: str):
    """The operator is the actor of every transition the owner's services log while acting for them."""
    token = actor_var.set(actor)
    try:
        yield
    finally:
        actor_var.reset(token)


def _locked(case_id) -> FalloutCase:
    try:
        case = FalloutCase.objects.select_for_update().filter(pk=case_id).first()
    except (ValueError, TypeError, Exception):  # malformed id: as unknown as a well-formed one
        case = None
    if case is None:
        raise NotFound(f"no fallout case {case_id}")
    return case


def _transition(case: FalloutCase, transition: str, *, actor: str, reason: str, update_fields=(), **kwargs):
    transition_apply(case, transition, actor=actor, reason=reason, update_fields=(*update_fields, "updated_at"),
                     **kwargs)
    event_emit(event_type=events.FALLOUT_CASE_STATE_CHANGE, resource_type=events.RESOURCE_TYPE,
               resource_id=case.pk, payload=events.fallout_case_payload(case, actor=actor))
    return case


def _require(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(f"a reason is required to {what}")
    return reason


@transaction.atomic
def fallout_case_assign(*, case_id, assignee: str, actor: str, reason: str = "") -> FalloutCase:
    assignee = (assignee or "").strip()
    if not assignee:
        raise ValidationFailed("an assignee is required")
    return _transition(_locked(case_id), "assign", actor=actor, reason=reason or f"assigned to {assignee}",
                       update_fields=("assignee",), assignee=assignee)


@transaction.atomic
def fallout_case_start(*, case_id, actor: str, reason: str = "") -> FalloutCase:
    return _transition(_locked(case_id), "start", actor=actor, reason=reason)


@transaction.atomic
def fallout_case_act(*, case_id, action: str, actor: str, reason: str) -> FalloutCase:
    """Run an operator action through the owning context's service, then record it on the case.

    One transaction: if the owner refuses, the case is untouched too."""
    if action not in FalloutAction.values:
        raise ValidationFailed(f"unknown action {action!r}; one of {', '.join(FalloutAction.values)}")
    reason = _require(reason, action.replace("_", " "))
    case = _locked(case_id)
    if not can_proceed(getattr(case, action)):
        raise IllegalTransition(f"fallout case {case.pk} is {case.state}; '{action}' is not possible")
    with acting_as(actor):
        owner_act(case, action, reason)
    return _transition(case, action, actor=actor, reason=reason, update_fields=("assignee", "last_action"),
                       operator=actor)


def fallout_case_redrive(*, case_id, actor: str, reason: str) -> FalloutCase:
    return fallout_case_act(case_id=case_id, action=FalloutAction.REDRIVE, actor=actor, reason=reason)


def fallout_case_skip_step(*, case_id, actor: str, reason: str) -> FalloutCase:
    return fallout_case_act(case_id=case_id, action=FalloutAction.SKIP_STEP, actor=actor, reason=reason)


def fallout_case_compensate(*, case_id, actor: str, reason: str) -> FalloutCase:
    return fallout_case_act(case_id=case_id, action=FalloutAction.COMPENSATE, actor=actor, reason=reason)


def fallout_case_cancel_order(*, case_id, actor: str, reason: str) -> FalloutCase:
    return fallout_case_act(case_id=case_id, action=FalloutAction.CANCEL_ORDER, actor=actor, reason=reason)


@transaction.atomic
def fallout_case_resolve(*, case_id, actor: str, reason: str) -> FalloutCase:
    reason = _require(reason, "resolve")
    return _transition(_locked(case_id), "resolve", actor=actor, reason=reason, update_fields=("resolution",),
                       resolution=reason)


@transaction.atomic
def fallout_case_cancel(*, case_id, actor: str, reason: str) -> FalloutCase:
    reason = _require(reason, "cancel")
    return _transition(_locked(case_id), "cancel", actor=actor, reason=reason, update_fields=("resolution",),
                       resolution=reason)


def fallout_cases_resolve_for(*, actor: str, reason: str, **subject) -> int:
    """Resolve the active cases about work that has since succeeded (e.g. an item completed after re-drive)."""
    from .selectors import fallout_case_list_active_for

    resolved = 0
    for case_id in fallout_case_list_active_for(**subject).values_list("pk", flat=True):
        with transaction.atomic():
            case = _locked(case_id)
            if case.is_active:
                _transition(case, "resolve", actor=actor, reason=reason, update_fields=("resolution",),
                            resolution=reason)
                resolved += 1
    return resolved


@transaction.atomic
def fallout_delivery_redrive(*, delivery_id, actor: str, reason: str) -> FalloutCase:
    """Re-drive a dead-lettered delivery through its fallout case (opened now if none is active), so the
    operator and the reason are on record like any other action."""
    from .selectors import fallout_case_list_active_for

    case = fallout_case_list_active_for(source=FalloutSource.NOTIFICATIONS, delivery_id=str(delivery_id)).first()
    if case is None:
        case = fallout_case_open(source=FalloutSource.NOTIFICATIONS, kind="deliveryDeadLettered",
                                 summary="re-driven from the dead-letter list", delivery_id=str(delivery_id))
    return fallout_case_act(case_id=case.pk, action=FalloutAction.REDRIVE, actor=actor, reason=reason)
