"""Celery task bases. Tasks stay thin: an id in, one service call.

`continue_in_task` lets a task carry on with the follow-up work its own commit created (the next activation
step, the handlers of the events it emitted) instead of publishing a task per unit: a broker round-trip and a
process hop saved per unit. The work stays recoverable: each unit's row is committed before it runs, and the
sweepers re-publish a unit whose worker died."""
import logging
import threading
from collections import deque

from celery import Task

logger = logging.getLogger(__name__)


class CriticalTask(Task):
    """Order, activation and notification work: acknowledged only after it ran, redelivered if the worker dies."""

    acks_late = True
    reject_on_worker_lost = True
    # Below the broker's visibility timeout (3600 s), so a running task is never handed to a second worker.
    time_limit = 300
    soft_time_limit = 240
    ignore_result = True


class BestEffortTask(Task):
    """Sweeps and housekeeping: the next beat run does the work if this one is lost."""

    acks_late = False
    time_limit = 600
    soft_time_limit = 540
    ignore_result = True


def connect_connection_hygiene() -> None:
    """Around each task, what Django does around each request: drop a connection that broke or outlived
    CONN_MAX_AGE, keep a healthy one (Celery's own closing is spaced out by CELERY_DB_REUSE_MAX)."""
    from celery import signals
    from django.db import close_old_connections

    signals.task_prerun.connect(lambda **_: close_old_connections(), weak=False)
    signals.task_postrun.connect(lambda **_: close_old_connections(), weak=False)


_local = threading.local()


def in_task() -> bool:
    """True inside a running task whose follow-up work `continue_in_task` runs in the same task."""
    from celery import current_task
    from django.conf import settings

    return settings.BSS_CONTINUE_IN_TASK and bool(current_task) and bool(current_task.request.id)


def continue_in_task(func, *, otherwise, **kwargs) -> None:
    """Inside a running task: run `func(**kwargs)` in this task once the current unit is done (a loop, not
    recursion: chains of units stay flat). Elsewhere (the web, a shell): call `otherwise()`, which publishes."""
    if not in_task():
        otherwise()
        return
    pending = getattr(_local, "pending", None)
    if pending is not None:  # a loop below is already running in this task: it picks the unit up
        pending.append((func, kwargs))
        return
    _local.pending = pending = deque([(func, kwargs)])
    try:
        while pending:
            unit, unit_kwargs = pending.popleft()
            try:
                unit(**unit_kwargs)
            except Exception:  # noqa: BLE001 - the unit's row stays pending; the sweeper re-publishes it
                logger.exception("follow-up work failed; left for the sweeper", extra={"unit": unit.__name__})
    finally:
        _local.pending = None


def statement_timeout_local(*, milliseconds: int) -> None:
    """Cancel any statement of the current transaction that runs longer (SET LOCAL: it ends with the transaction)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{int(milliseconds)}ms"])
