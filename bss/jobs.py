"""Celery task bases. Tasks stay thin: an id in, one service call.

`continue_in_task` lets a task carry on with the follow-up work its own commit created (the next activation
step, the handlers of the events it emitted) instead of publishing a task per unit: a broker round-trip and a
process hop saved per unit. The work stays recoverable: each unit's row is committed before it runs, and the
sweepers re-publish a unit whose worker died."""
import logging
import threading
import time
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


# A connection that answered a task that ended this recently is not health-checked again (CONN_HEALTH_CHECKS'
# SELECT 1 was one statement and one transaction per task, a dozen per order).
HEALTH_CHECK_AFTER_IDLE_SECONDS = 1.0


def connect_connection_hygiene() -> None:
    """Around each task, what Django does around each request: drop a connection that broke or outlived
    CONN_MAX_AGE, keep a healthy one (Celery's own closing is spaced out by CELERY_DB_REUSE_MAX). The health check
    runs only before a task that follows an idle spell: a connection broken meanwhile (a database restart) is
    then replaced before the task's first query; a break without idleness raises in that task, whose work stays
    pending for the sweeper, and the error closes the connection after it."""
    from celery import signals

    signals.task_prerun.connect(_connection_check_if_idle, weak=False)
    signals.task_postrun.connect(_connection_settle, weak=False)
    signals.task_prerun.connect(task_memo_forget, weak=False)
    signals.task_postrun.connect(task_memo_forget, weak=False)


_memo = threading.local()
_last_task = threading.local()  # when this process's previous task ended


def _connection_check_if_idle(**_) -> None:
    from django.db import close_old_connections, connections

    idle = time.monotonic() - getattr(_last_task, "ended_at", 0.0) >= HEALTH_CHECK_AFTER_IDLE_SECONDS
    if idle or any(conn.errors_occurred for conn in connections.all(initialized_only=True)):
        close_old_connections()  # and the next query health-checks the connection first


def _connection_settle(**_) -> None:
    from django.db import close_old_connections, connections

    close_old_connections()  # closes a connection that errored and is unusable, or outlived CONN_MAX_AGE
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None:
            conn.health_check_done = True  # it answered this task; _connection_check_if_idle decides the next
    _last_task.ended_at = time.monotonic()


def task_memo(key, load):
    """`load()` once per running task (the web and shells load every time): reference rows a task reads in each
    of its units (hub subscriptions, the simulator's knobs) cost one query per task instead of one per unit.
    A change made by this process drops the memo at once (`task_memo_forget`); one made by another process is
    seen from that process's next task on, i.e. within a task's run time (milliseconds)."""
    if not in_task():
        return load()
    memo = getattr(_memo, "values", None)
    if memo is None:
        memo = _memo.values = {}
    if key not in memo:
        memo[key] = load()
    return memo[key]


def task_memo_forget(**_) -> None:
    _memo.values = None


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
