"""The one way services run a django-fsm-2 transition: check, transition, save, log."""
import logging

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django_fsm import can_proceed

from .batch import WriteBatch
from .context import current_actor, current_correlation_id
from .errors import IllegalTransition
from .models import TransitionLog

logger = logging.getLogger(__name__)


def transition_apply(obj, transition: str, *, actor: str | None = None, reason: str = "",
                     update_fields: tuple[str, ...] = (), state_field: str = "state", **kwargs) -> None:
    """Run `obj.<transition>()` if allowed, save the state (and the fields the transition sets), log it.

    Callers hold the row lock (select_for_update) and the transaction, or the row is new (not saved yet)."""
    bound = getattr(obj, transition)
    source = getattr(obj, state_field)
    if not can_proceed(bound):
        raise IllegalTransition(
            f"{type(obj).__name__} {obj.pk} cannot {transition} from state '{source}'")
    bound(**kwargs)
    # A row not written yet is inserted in the state the transition gave it: one INSERT, not an INSERT and an UPDATE.
    obj.save(update_fields=None if obj._state.adding else [state_field, *update_fields])
    transition_log(obj, transition=transition, source=source, target=getattr(obj, state_field),
                   actor=actor, reason=reason)


def transition_log(obj, *, transition: str, source: str, target: str, actor: str | None = None,
                   reason: str = "") -> TransitionLog:
    row = TransitionLog(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        transition=transition,
        source_state=source,
        target_state=target,
        actor=actor or current_actor(),
        reason=reason,
        correlation_id=current_correlation_id(),
    )
    if not transition_rows.add(row):
        row.save()
    return row


transition_rows = WriteBatch("transition_rows", TransitionLog.objects.bulk_create)


def transition_history(obj):
    return TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk))


def task_run_or_fail(task, evaluate, *, emit):
    """Run a TMF task (transitions `start`, `fail`; fields `error`, `updated_at`): start it, then `evaluate(task)`,
    which completes it. If the evaluation raises, its writes roll back, the task ends `fail`ed with the error kept,
    and `emit(task)` announces the state change: a task is never left in progress. Returns the task as it ended.

    Callers hold the row lock and the transaction."""
    transition_apply(task, "start", reason="evaluating")
    try:
        with transaction.atomic():  # a savepoint: a failed read must not poison the transaction recording the failure
            evaluate(task)
    except Exception as exc:  # noqa: BLE001 - whatever breaks the evaluation ends this task, not the worker
        logger.exception("task evaluation failed", extra={"task": f"{type(task).__name__} {task.pk}"})
        task = type(task).objects.select_for_update().get(pk=task.pk)  # as the savepoint left it: in progress
        task.error = f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0]}"[:500]  # first line: not the SQL
        transition_apply(task, "fail", reason=task.error, update_fields=("error", "updated_at"))
        emit(task)
    return task
