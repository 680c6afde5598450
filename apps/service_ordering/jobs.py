"""What step jobs and repair jobs share at run time: the sweep that recovers the lost, abandoned and silent."""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from apps.network.adapters import ERROR, Result
from bss.events import enqueue_safely

from . import conf
from .choices import JobState as J


def platform_jobs_sweep(*, model, run_task: str, record, batch: int) -> dict:
    """Re-publish due and abandoned jobs of `model` (SKIP LOCKED, so sweeps may overlap) and time out those whose
    platform never called back, through `record(job_id=, result=)` as if the platform had failed."""
    now = timezone.now()
    stale = now - timedelta(seconds=conf.stale_after_seconds())
    with transaction.atomic():
        due = list(model.objects.select_for_update(skip_locked=True)
                   .filter(state=J.PENDING).exclude(next_attempt_at__gt=now).exclude(enqueued_at__gt=stale)
                   .values_list("pk", flat=True)[:batch])
        abandoned = list(model.objects.select_for_update(skip_locked=True)
                         .filter(state=J.RUNNING, claimed_at__lt=stale).exclude(enqueued_at__gt=stale)
                         .values_list("pk", flat=True)[:batch])
        model.objects.filter(pk__in=due + abandoned).update(enqueued_at=now)
    for job_id in due + abandoned:
        enqueue_safely(run_task, job_id, queue="activation")
    silent = list(model.objects.filter(state=J.PENDING_EXTERNAL, deadline_at__lt=now)
                  .values_list("pk", flat=True)[:batch])
    for job_id in silent:
        record(job_id=job_id, result=Result(ERROR, {}, "no callback before the deadline", transient=True))
    return {"due": len(due), "abandoned": len(abandoned), "timed_out": len(silent)}
