"""Celery task bases. Tasks stay thin: an id in, one service call."""
from celery import Task


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
